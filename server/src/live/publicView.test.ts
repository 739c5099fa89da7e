/**
 * What the public gets of staff work: a wall screen without a key sees who pushed a view by the
 * display name the config gives (never the key id) and no internal sensor's panel; a staff screen
 * of the same wall sees both. Public incidents and approved comments name staff the same way.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sensor, WallView, WallViewMessage } from '../../../protocol/index.ts';
import type { App } from '../app.ts';
import { createApp } from '../app.ts';
import { loadCityPack } from '../cityPack/loadCityPack.ts';
import { loadConfig } from '../config.ts';
import type { TwinSocket } from '../testing/twinSocket.ts';
import { ask, openTwinSocket } from '../testing/twinSocket.ts';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const OPERATOR_KEY = 'public-view-operator-0123456789';
const PLANNER_KEY = 'public-view-planner-0123456789';

let app: App | undefined;
let baseUrl: string;
let dir: string;
let internalId: string;
const opened: TwinSocket[] = [];

async function open(accessKey?: string): Promise<TwinSocket> {
  const { socket } = await openTwinSocket(baseUrl, accessKey === undefined ? {} : { accessKey });
  opened.push(socket);
  return socket;
}

function nextView(socket: TwinSocket): Promise<WallViewMessage> {
  return new Promise((resolve) => socket.once('wall:view', resolve));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'citytwin-public-view-'));
  const demo = await loadCityPack(fileURLToPath(new URL('../../../data/boeblingen-demo', import.meta.url)));
  // One garage is internal (a staff car park).
  const garage = demo.sensors.find((s) => s.kind === 'parking') as Sensor;
  internalId = garage.id;
  const pack = {
    ...demo,
    sensors: demo.sensors.map((s): Sensor => (s.id === internalId ? { ...s, visibility: 'internal' } : s)),
  };
  const base = loadConfig({
    env: { PORT: '0', HOST: '127.0.0.1', CITYTWIN_LOG_LEVEL: 'silent', CITYTWIN_SIMULATOR: 'off' },
  });
  app = await createApp(
    {
      ...base,
      accessKeys: [
        { id: 'leitstelle-7', role: 'operator', apiKey: OPERATOR_KEY, displayName: 'Leitstelle' },
        { id: 'planung-3', role: 'planner', apiKey: PLANNER_KEY },
      ],
      incidentsFile: join(dir, 'incidents.json'),
      scenariosDir: join(dir, 'scenarios'),
    },
    { pack, rootDir: repoRoot, history: null },
  );
  baseUrl = `http://127.0.0.1:${await app.listen()}`;
});

afterAll(async () => {
  for (const socket of opened) socket.disconnect();
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

const camera = { lon: 9.01, lat: 48.68, heightM: 500, headingDeg: 0, pitchDeg: -45, rollDeg: 0 };

describe('what the public gets of staff work', () => {
  it('gives a public wall screen the display name and no internal sensor; a staff screen both', async () => {
    const operator = await open(OPERATOR_KEY);
    const publicScreen = await open();
    const staffScreen = await open(PLANNER_KEY);
    expect((await ask(publicScreen, 'wall:join', ['foyer'])).ok).toBe(true);
    expect((await ask(staffScreen, 'wall:join', ['foyer'])).ok).toBe(true);
    const view: WallView = { camera, layers: [], atMs: null, sensorId: internalId };
    const seenByPublic = nextView(publicScreen);
    const seenByStaff = nextView(staffScreen);
    expect(await ask(operator, 'wall:push', [{ wall: 'foyer', view }])).toEqual({
      ok: true,
      data: { wall: 'foyer', screens: 2 },
    });
    expect(await seenByPublic).toMatchObject({ by: 'Leitstelle', view: { ...view, sensorId: null } });
    expect(await seenByStaff).toMatchObject({ by: 'leitstelle-7', view });
    // A screen that joins later gets the last view in its own form too.
    const later = await open();
    expect(await ask(later, 'wall:join', ['foyer'])).toMatchObject({
      ok: true,
      data: { by: 'Leitstelle', view: { sensorId: null } },
    });
  });

  it('names staff in public incidents by display name, or not at all', async () => {
    const operator = await open(OPERATOR_KEY);
    const planner = await open(PLANNER_KEY);
    const visitor = await open();
    const incident = {
      kind: 'event',
      title: 'Stadtfest',
      geometry: { type: 'Point', coordinates: [9.01, 48.68] },
      startsAtMs: 1,
      endsAtMs: null,
      public: true,
    };
    expect((await ask(operator, 'incident:save', [incident])).ok).toBe(true);
    expect((await ask(planner, 'incident:save', [{ ...incident, title: 'Baustelle' }])).ok).toBe(true);
    const list = await ask(visitor, 'incident:list', []);
    if (!list.ok) throw new Error(list.error.message);
    const byTitle = new Map(
      (list.data as { title: string; createdBy: string | null }[]).map((i) => [i.title, i]),
    );
    expect(byTitle.get('Stadtfest')?.createdBy).toBe('Leitstelle');
    expect(byTitle.get('Baustelle')?.createdBy).toBeNull();
    expect(JSON.stringify(list.data)).not.toMatch(/leitstelle-7|planung-3/);
  });
});
