/**
 * Planning scenarios over real sockets: a planner saves a scenario and its next versions, every
 * version stays readable, the public sees it only once published (and only its newest version),
 * visitors comment and planners moderate, other roles may not save, bad input is refused by name,
 * and everything survives a restart.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { io as connect } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type {
  Ack,
  ClientToServerEvents,
  Scenario,
  ScenarioComment,
  ScenarioImportResult,
  ScenarioInput,
  ScenarioSummary,
  ServerToClientEvents,
} from '../../protocol/index.ts';
import { PROTOCOL_VERSION } from '../../protocol/index.ts';
import type { App } from './app.ts';
import { createApp } from './app.ts';
import { createManualClock } from './clock.ts';
import type { Config } from './config.ts';
import { loadConfig } from './config.ts';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const T0 = Date.UTC(2026, 11, 3, 15, 0, 0);
const PLANNER = 'planung-key-0123456789';
const OPERATOR = 'leitstelle-key-0123456789';

let dir: string;
let config: Config;
let app: App | undefined;
let baseUrl: string;
const clock = createManualClock(T0);
const sockets: ClientSocket[] = [];

async function start(): Promise<void> {
  app = await createApp(config, { clock, rootDir: repoRoot, history: null, autoTick: false });
  baseUrl = `http://127.0.0.1:${await app.listen()}`;
}

async function client(accessKey?: string) {
  const socket: ClientSocket = connect(baseUrl, {
    auth: { protocolVersion: PROTOCOL_VERSION, ...(accessKey ? { accessKey } : {}) },
    transports: ['websocket'],
    forceNew: true,
  });
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('server:hello', () => resolve());
    socket.once('connect_error', reject);
  });
  const call = <T>(event: keyof ClientToServerEvents, payload?: unknown) =>
    new Promise<Ack<T>>((resolve) => {
      // Every scenario request but the list takes a payload.
      if (payload === undefined) (socket.emit as (e: string, ack: unknown) => void)(event, resolve);
      else (socket.emit as (e: string, p: unknown, ack: unknown) => void)(event, payload, resolve);
    });
  return {
    list: () => call<ScenarioSummary[]>('scenario:list'),
    get: (id: string, version?: number) =>
      call<Scenario>('scenario:get', version === undefined ? { id } : { id, version }),
    versions: (id: string) => call<{ version: number; savedBy: string }[]>('scenario:versions', id),
    save: (input: unknown) => call<Scenario>('scenario:save', input),
    remove: (id: string) => call<{ id: string }>('scenario:remove', id),
    comment: (input: unknown) => call<ScenarioComment>('scenario:comment', input),
    comments: (id: string) => call<ScenarioComment[]>('scenario:comments', id),
    moderate: (request: unknown) => call<ScenarioComment>('scenario:moderate', request),
  };
}

function data<T>(answer: Ack<T>): T {
  if (!answer.ok) throw new Error(answer.error.message);
  return answer.data;
}

/** A square footprint of `sizeM` metres at the Elbenplatz. */
function square(sizeM: number): [number, number][] {
  const lon = 9.0154;
  const lat = 48.6848;
  const dLon = sizeM / 73_600;
  const dLat = sizeM / 111_200;
  return [
    [lon, lat],
    [lon + dLon, lat],
    [lon + dLon, lat + dLat],
    [lon, lat + dLat],
    [lon, lat],
  ];
}

const elbenplatz: ScenarioInput = {
  name: 'Elbenplatz – Neugestaltung',
  description: 'Zwei Varianten für den Platz',
  variants: [
    {
      id: 'a',
      name: 'Variante A: Wohnen',
      buildings: [
        {
          id: 'haus-1',
          footprint: square(20),
          eavesHeightM: 15,
          storeys: 5,
          use: 'residential',
          roof: 'flat',
        },
      ],
      removedBuildingIds: ['b00001'],
    },
    { id: 'b', name: 'Variante B: Grün', closedSegmentIds: ['road-0001'] },
  ],
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'citytwin-scenarios-'));
  const base = loadConfig({
    env: { PORT: '0', HOST: '127.0.0.1', CITYTWIN_LOG_LEVEL: 'silent', CITYTWIN_SIMULATOR: 'off' },
  });
  config = {
    ...base,
    accessKeys: [
      { id: 'stadtplanung', role: 'planner', apiKey: PLANNER },
      { id: 'leitstelle', role: 'operator', apiKey: OPERATOR },
    ],
    scenariosDir: join(dir, 'scenarios'),
    incidentsFile: join(dir, 'incidents.json'),
  };
  await start();
});

afterEach(() => {
  for (const socket of sockets.splice(0)) socket.disconnect();
});

afterAll(async () => {
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('planning scenarios over real sockets', () => {
  it('keeps every version a planner saves; the public sees only the newest published one', async () => {
    const planner = await client(PLANNER);
    const visitor = await client();
    const first = data(await planner.save(elbenplatz));
    expect(first).toMatchObject({
      id: 'elbenplatz-neugestaltung',
      cityId: 'boeblingen-demo',
      version: 1,
      published: false,
      createdBy: 'stadtplanung',
      savedBy: 'stadtplanung',
      savedAtMs: T0,
    });
    // Defaults filled in: a roof height of 0, empty lists.
    expect(first.variants[0]?.buildings[0]?.roofHeightM).toBe(0);
    expect(first.variants[1]).toMatchObject({
      buildings: [],
      removedBuildingIds: [],
      closedSegmentIds: ['road-0001'],
    });

    // A draft is nobody's business but staff's.
    expect(data(await visitor.list())).toEqual([]);
    const hidden = await visitor.get(first.id);
    expect(hidden.ok).toBe(false);
    if (!hidden.ok)
      expect(hidden.error).toEqual({
        code: 'not-found',
        message: 'scenario:get: no scenario "elbenplatz-neugestaltung"',
      });

    clock.set(T0 + 60_000);
    const taller = structuredClone(elbenplatz);
    (taller.variants[0]?.buildings ?? [])[0]!.eavesHeightM = 21;
    const second = data(await planner.save({ ...taller, id: first.id }));
    expect(second).toMatchObject({ version: 2, createdAtMs: T0, savedAtMs: T0 + 60_000 });
    clock.set(T0 + 120_000);
    const third = data(await planner.save({ ...taller, id: first.id, published: true }));
    expect(third.version).toBe(3);

    expect(data(await planner.versions(first.id)).map((v) => v.version)).toEqual([1, 2, 3]);
    expect(data(await planner.get(first.id, 1)).variants[0]?.buildings[0]?.eavesHeightM).toBe(15);
    expect(data(await planner.get(first.id)).variants[0]?.buildings[0]?.eavesHeightM).toBe(21);

    // Published: the public lists and reads the newest version, not the older ones.
    expect(data(await visitor.list())).toEqual([
      {
        id: first.id,
        name: 'Elbenplatz – Neugestaltung',
        published: true,
        version: 3,
        variants: [
          { id: 'a', name: 'Variante A: Wohnen' },
          { id: 'b', name: 'Variante B: Grün' },
        ],
        savedBy: 'stadtplanung',
        savedAtMs: T0 + 120_000,
      },
    ]);
    expect(data(await visitor.get(first.id)).version).toBe(3);
    const older = await visitor.get(first.id, 1);
    expect(older.ok).toBe(false);
    if (!older.ok) expect(older.error.code).toBe('forbidden');
    const versions = await visitor.versions(first.id);
    expect(versions.ok).toBe(false);

    // A second scenario of the same name gets its own id.
    expect(data(await planner.save(elbenplatz)).id).toBe('elbenplatz-neugestaltung-2');
  });

  it('takes visitors’ comments on published scenarios, shown once a planner approved them', async () => {
    const planner = await client(PLANNER);
    const operator = await client(OPERATOR);
    const visitor = await client();
    const id = 'elbenplatz-neugestaltung';
    const comment = data(
      await visitor.comment({
        scenarioId: id,
        variantId: 'a',
        position: [9.0155, 48.6849, 360],
        text: 'Bitte mehr Bäume an der Südseite.',
        author: 'Anwohnerin',
      }),
    );
    expect(comment).toMatchObject({ state: 'pending', author: 'Anwohnerin', moderatedBy: null });
    expect(data(await visitor.comments(id))).toEqual([]);
    expect(data(await planner.comments(id)).map((c) => c.id)).toEqual([comment.id]);

    const refused = await operator.moderate({ scenarioId: id, commentId: comment.id, state: 'approved' });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.code).toBe('forbidden');
    const approved = data(
      await planner.moderate({ scenarioId: id, commentId: comment.id, state: 'approved' }),
    );
    expect(approved).toMatchObject({ state: 'approved', moderatedBy: 'stadtplanung' });
    expect(data(await visitor.comments(id))).toEqual([approved]);

    const noVariant = await visitor.comment({
      scenarioId: id,
      variantId: 'z',
      position: [9, 48, 0],
      text: 'x',
    });
    expect(noVariant.ok).toBe(false);
    if (!noVariant.ok)
      expect(noVariant.error.message).toBe(`scenario:comment: scenario "${id}" has no variant "z"`);
    const draft = await visitor.comment({
      scenarioId: 'elbenplatz-neugestaltung-2',
      variantId: 'a',
      position: [9, 48, 0],
      text: 'Entwurf',
    });
    expect(draft.ok).toBe(false);
    const empty = await visitor.comment({
      scenarioId: id,
      variantId: 'a',
      position: [9, 48, 0],
      text: '   ',
    });
    expect(empty.ok).toBe(false);
  });

  it('lets only planners save and remove, and names what is wrong in a scenario', async () => {
    const planner = await client(PLANNER);
    const operator = await client(OPERATOR);
    const visitor = await client();
    for (const someone of [operator, visitor]) {
      const answer = await someone.save(elbenplatz);
      expect(answer.ok).toBe(false);
      if (!answer.ok) expect(answer.error.code).toBe('forbidden');
    }
    const open = square(10).slice(0, 4);
    const bad = await planner.save({
      ...elbenplatz,
      variants: [
        {
          id: 'a',
          name: 'A',
          buildings: [{ id: 'x', footprint: open, eavesHeightM: -3, storeys: 2, use: 'residential' }],
        },
      ],
    });
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.error.code).toBe('bad-request');
      expect(bad.error.message).toContain(
        'variants[0].buildings[0].footprint: the ring must end where it starts',
      );
      expect(bad.error.message).toContain('variants[0].buildings[0].eavesHeightM');
    }
    const twice = await planner.save({
      ...elbenplatz,
      variants: [
        { id: 'a', name: 'A' },
        { id: 'a', name: 'B' },
      ],
    });
    expect(twice.ok).toBe(false);
    if (!twice.ok) expect(twice.error.message).toContain('variants: every variant needs its own id');

    expect(data(await planner.remove('elbenplatz-neugestaltung-2'))).toEqual({
      id: 'elbenplatz-neugestaltung-2',
    });
    expect(data(await planner.list()).map((s) => s.id)).toEqual(['elbenplatz-neugestaltung']);
    expect(readdirSync(join(dir, 'scenarios', 'boeblingen-demo'))).toEqual(['elbenplatz-neugestaltung']);
  });

  it('imports a city model over HTTP for planners only, and saves the imported shapes with a scenario', async () => {
    const file = readFileSync(
      join(
        repoRoot,
        '..',
        'shared',
        'fixtures',
        'cityjson',
        'fzk-iai-testcases-lod2_buildings.cityjson2.0.json',
      ),
    );
    const url = (query: string) => `${baseUrl}/api/v1/cities/boeblingen-demo/scenario-imports?${query}`;
    const post = (query: string, key: string | undefined, body: Uint8Array = file) =>
      fetch(url(query), {
        method: 'POST',
        headers: {
          'Content-Type': 'application/octet-stream',
          ...(key ? { Authorization: `Bearer ${key}` } : {}),
        },
        body: new Uint8Array(body),
      });
    const place = 'name=fzk.city.json&lon=9.0154&lat=48.6848';
    const anonymous = await post(place, undefined);
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { error: string }).error).toContain('planner’s access key');
    const operator = await post(place, OPERATOR);
    expect(operator.status).toBe(403);
    expect(((await operator.json()) as { error: string }).error).toBe('only planners and admins import');
    const noName = await post('lon=9&lat=48', PLANNER);
    expect(noName.status).toBe(400);
    expect(((await noName.json()) as { error: string }).error).toContain('name (the file’s name) is missing');
    const badPlace = await post('name=x.json&lon=9', PLANNER);
    expect(((await badPlace.json()) as { error: string }).error).toBe('give lon and lat together');
    const elsewhere = await fetch(`${baseUrl}/api/v1/cities/atlantis/scenario-imports?${place}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${PLANNER}` },
      body: file,
    });
    expect(elsewhere.status).toBe(404);
    const garbage = await post('name=notes.txt', PLANNER, new TextEncoder().encode('hello'));
    expect(garbage.status).toBe(400);
    expect(((await garbage.json()) as { error: string }).error).toContain('notes.txt starts with "hello"');

    const answer = await post(place, PLANNER);
    expect(answer.status).toBe(200);
    const result = (await answer.json()) as ScenarioImportResult;
    expect(result.format).toBe('cityjson');
    expect(result.buildings.length).toBeGreaterThan(10);
    const planner = await client(PLANNER);
    const saved = data(
      await planner.save({
        name: 'FZK-Häuser am Elbenplatz',
        variants: [{ id: 'a', name: 'Importiert', buildings: result.buildings }],
      }),
    );
    const again = data(await planner.get(saved.id));
    const house = again.variants[0]?.buildings.find((b) => b.name === 'Testcase-0-0_LoD2');
    expect(house?.source).toMatchObject({ format: 'cityjson', file: 'fzk.city.json' });
    expect(house?.mesh?.indices.length).toBeGreaterThan(0);
    expect(house?.mesh).toEqual(result.buildings.find((b) => b.name === 'Testcase-0-0_LoD2')?.mesh);
    expect(data(await planner.remove(saved.id))).toEqual({ id: saved.id });
  });

  it('keeps scenarios, versions and comments across a restart', async () => {
    await app?.close();
    await start();
    const planner = await client(PLANNER);
    const visitor = await client();
    const id = 'elbenplatz-neugestaltung';
    expect(data(await planner.versions(id)).map((v) => v.version)).toEqual([1, 2, 3]);
    expect(data(await visitor.get(id))).toMatchObject({ version: 3, published: true });
    expect(data(await visitor.comments(id)).map((c) => c.text)).toEqual([
      'Bitte mehr Bäume an der Südseite.',
    ]);
    // The next save goes on from there.
    expect(data(await planner.save({ ...elbenplatz, id })).version).toBe(4);
  });
});
