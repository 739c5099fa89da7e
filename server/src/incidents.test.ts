/**
 * Incidents over real sockets: an operator marks one, every console sees it at once, the public only
 * what is marked public (and loses it when it is made internal), bad input is refused with the reason,
 * and the incidents survive a restart.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { io as connect } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type {
  Ack,
  ClientToServerEvents,
  Incident,
  IncidentChange,
  IncidentInput,
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
const KEY = 'leitstelle-key-0123456789';

let dir: string;
let config: Config;
let app: App | undefined;
let baseUrl: string;
const sockets: ClientSocket[] = [];

async function start(): Promise<void> {
  app = await createApp(config, {
    clock: createManualClock(T0),
    rootDir: repoRoot,
    history: null,
    autoTick: false,
  });
  baseUrl = `http://127.0.0.1:${await app.listen()}`;
}

async function client(accessKey?: string) {
  const socket: ClientSocket = connect(baseUrl, {
    auth: { protocolVersion: PROTOCOL_VERSION, ...(accessKey ? { accessKey } : {}) },
    transports: ['websocket'],
    forceNew: true,
  });
  sockets.push(socket);
  const changes: IncidentChange[] = [];
  socket.on('incident:changed', (change) => changes.push(change));
  await new Promise<void>((resolve, reject) => {
    socket.once('server:hello', () => resolve());
    socket.once('connect_error', reject);
  });
  const save = (input: unknown) =>
    new Promise<Ack<Incident>>((resolve) => socket.emit('incident:save', input, resolve));
  const list = () => new Promise<Ack<Incident[]>>((resolve) => socket.emit('incident:list', resolve));
  const remove = (id: string) =>
    new Promise<Ack<{ id: string }>>((resolve) => socket.emit('incident:remove', id, resolve));
  return { socket, changes, save, list, remove };
}

async function until(check: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 3000;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const roadworks: IncidentInput = {
  kind: 'roadworks',
  title: 'Baustelle Herrenberger Straße',
  description: 'Fahrbahnerneuerung, eine Spur gesperrt',
  geometry: {
    type: 'LineString',
    coordinates: [
      [9.01, 48.685],
      [9.02, 48.686],
    ],
  },
  startsAtMs: T0 - 3_600_000,
  endsAtMs: T0 + 7 * 86_400_000,
  public: true,
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'citytwin-incidents-'));
  const base = loadConfig({
    env: { PORT: '0', HOST: '127.0.0.1', CITYTWIN_LOG_LEVEL: 'silent', CITYTWIN_SIMULATOR: 'off' },
  });
  config = {
    ...base,
    accessKeys: [{ id: 'leitstelle', role: 'operator', apiKey: KEY, displayName: 'Leitstelle Böblingen' }],
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

describe('incidents over real sockets', () => {
  it('reach every console at once, the public only when public, and leave the public map when made internal', async () => {
    const a = await client(KEY);
    const b = await client(KEY);
    const pub = await client();
    const saved = await a.save(roadworks);
    if (!saved.ok) throw new Error(saved.error.message);
    expect(saved.data).toMatchObject({
      ...roadworks,
      createdBy: 'leitstelle',
      version: 1,
      cityId: 'boeblingen-demo',
    });
    await until(
      () => b.changes.length === 1 && pub.changes.length === 1,
      'the public incident on B and the public',
    );
    // The public sees who marked it by the display name the config gives, never the key id.
    expect(pub.changes[0]).toEqual({
      id: saved.data.id,
      incident: { ...saved.data, createdBy: 'Leitstelle Böblingen', updatedBy: 'Leitstelle Böblingen' },
    });
    expect(JSON.stringify(pub.changes)).not.toContain('leitstelle');
    expect(b.changes[0]).toEqual({ id: saved.data.id, incident: saved.data });
    // Each console gets a change once.
    expect(a.changes).toHaveLength(1);

    const flooding = await a.save({
      kind: 'flooding',
      title: 'Überflutung Unterführung',
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [9.01, 48.68],
            [9.012, 48.68],
            [9.012, 48.682],
            [9.01, 48.68],
          ],
        ],
      },
      startsAtMs: T0,
      endsAtMs: null,
      public: false,
    });
    if (!flooding.ok) throw new Error(flooding.error.message);
    await until(() => b.changes.length === 2, 'the internal incident on B');
    expect(pub.changes).toHaveLength(1);
    const publicList = await pub.list();
    expect(publicList.ok && publicList.data.map((i) => i.id)).toEqual([saved.data.id]);
    const staffList = await b.list();
    expect(staffList.ok && staffList.data.map((i) => i.id).sort()).toEqual(
      [saved.data.id, flooding.data.id].sort(),
    );

    // Made internal: gone from the public's map, still on the consoles.
    const internal = await a.save({ ...roadworks, id: saved.data.id, public: false });
    if (!internal.ok) throw new Error(internal.error.message);
    await until(() => pub.changes.length === 2 && b.changes.length === 4, 'the change on both');
    expect(pub.changes[1]).toEqual({ id: saved.data.id, incident: null });
    expect(b.changes.at(-1)).toEqual({ id: saved.data.id, incident: internal.data });
    expect(internal.data.version).toBe(2);

    const removed = await b.remove(flooding.data.id);
    expect(removed).toEqual({ ok: true, data: { id: flooding.data.id } });
    await until(() => a.changes.at(-1)?.incident === null, 'the removal on A');
    expect(pub.changes).toHaveLength(2);
  });

  it('refuses bad input and the public’s edits with the reason', async () => {
    const a = await client(KEY);
    const pub = await client();
    const open = await a.save({
      ...roadworks,
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [9, 48],
            [9.1, 48],
            [9.1, 48.1],
            [9.05, 48.2],
          ],
        ],
      },
    });
    expect(open.ok).toBe(false);
    if (!open.ok) expect(open.error.message).toMatch(/the ring must end where it starts/);
    const backwards = await a.save({ ...roadworks, endsAtMs: roadworks.startsAtMs - 1 });
    expect(!backwards.ok && backwards.error.message).toMatch(/the end must come after the start/);
    const byPublic = await pub.save(roadworks);
    expect(!byPublic.ok && byPublic.error.code).toBe('forbidden');
    const unknown = await a.remove('nope');
    expect(!unknown.ok && unknown.error.code).toBe('not-found');
  });

  it('keeps the incidents across a restart', async () => {
    const a = await client(KEY);
    const saved = await a.save(roadworks);
    if (!saved.ok) throw new Error(saved.error.message);
    a.socket.disconnect();
    await app?.close();
    await start();
    const pub = await client();
    const list = await pub.list();
    expect(list.ok && list.data.find((i) => i.id === saved.data.id)).toEqual({
      ...saved.data,
      createdBy: 'Leitstelle Böblingen',
      updatedBy: 'Leitstelle Böblingen',
    });
  });
});
