/**
 * "Push view to wall" over real sockets: a screen opened with `?wall=<name>` joins that wall, an
 * operator pushes a view and every screen of that wall (and only of that wall) gets it at once; a
 * screen that comes up later gets the last view; only staff push; bad input is refused by name.
 */
import { fileURLToPath } from 'node:url';
import { io as connect } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type {
  Ack,
  ClientToServerEvents,
  ServerToClientEvents,
  WallPushResult,
  WallSummary,
  WallView,
  WallViewMessage,
} from '../../protocol/index.ts';
import { PROTOCOL_VERSION } from '../../protocol/index.ts';
import type { App } from './app.ts';
import { createApp } from './app.ts';
import { createManualClock } from './clock.ts';
import { loadConfig } from './config.ts';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const T0 = Date.UTC(2026, 11, 3, 15, 0, 0);
const KEY = 'leitstelle-key-0123456789';

let app: App | undefined;
let baseUrl: string;
const sockets: ClientSocket[] = [];

async function client(accessKey?: string, clientId?: string) {
  const socket: ClientSocket = connect(baseUrl, {
    auth: {
      protocolVersion: PROTOCOL_VERSION,
      ...(accessKey ? { accessKey } : {}),
      ...(clientId ? { clientId } : {}),
    },
    transports: ['websocket'],
    forceNew: true,
  });
  sockets.push(socket);
  const views: WallViewMessage[] = [];
  socket.on('wall:view', (message) => views.push(message));
  await new Promise<void>((resolve, reject) => {
    socket.once('server:hello', () => resolve());
    socket.once('connect_error', reject);
  });
  const join = (wall: unknown) =>
    new Promise<Ack<WallViewMessage | null>>((resolve) => socket.emit('wall:join', wall, resolve));
  const push = (request: unknown) =>
    new Promise<Ack<WallPushResult>>((resolve) => socket.emit('wall:push', request, resolve));
  const list = () => new Promise<Ack<WallSummary[]>>((resolve) => socket.emit('wall:list', resolve));
  return { socket, views, join, push, list };
}

async function until(check: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 3000;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const view: WallView = {
  camera: { lon: 9.0152, lat: 48.6841, heightM: 820, headingDeg: 15, pitchDeg: -40, rollDeg: 0 },
  layers: [
    { id: 'buildings', visible: true },
    { id: 'traffic', visible: false },
  ],
  atMs: T0 - 600_000,
  sensorId: 'basin-hulb',
};

beforeAll(async () => {
  const base = loadConfig({
    env: { PORT: '0', HOST: '127.0.0.1', CITYTWIN_LOG_LEVEL: 'silent', CITYTWIN_SIMULATOR: 'off' },
  });
  app = await createApp(
    { ...base, accessKeys: [{ id: 'leitstelle', role: 'operator', apiKey: KEY }] },
    { clock: createManualClock(T0), rootDir: repoRoot, history: null, autoTick: false },
  );
  baseUrl = `http://127.0.0.1:${await app.listen()}`;
});

afterEach(() => {
  for (const socket of sockets.splice(0)) socket.disconnect();
});

afterAll(async () => {
  await app?.close();
});

describe('wall screens over real sockets', () => {
  it('get the view an operator pushes to their wall, and only to theirs', async () => {
    const operator = await client(KEY);
    const wallA = await client();
    const wallB = await client();
    const foyer = await client();
    expect(await wallA.join('leitstand')).toEqual({ ok: true, data: null });
    expect(await wallB.join('leitstand')).toEqual({ ok: true, data: null });
    expect(await foyer.join('foyer')).toEqual({ ok: true, data: null });

    const walls = await operator.list();
    expect(walls).toEqual({
      ok: true,
      data: [
        { wall: 'foyer', screens: 1, lastPushAtMs: null, lastPushBy: null },
        { wall: 'leitstand', screens: 2, lastPushAtMs: null, lastPushBy: null },
      ],
    });

    const pushed = await operator.push({ wall: 'leitstand', view });
    expect(pushed).toEqual({ ok: true, data: { wall: 'leitstand', screens: 2 } });
    await until(() => wallA.views.length === 1 && wallB.views.length === 1, 'the view on both screens');
    // Screens without a key never see the operator's key id (no display name is configured here).
    expect(wallA.views[0]).toEqual({ wall: 'leitstand', view, by: null, atMs: T0 });
    expect(wallB.views[0]).toEqual(wallA.views[0]);
    // The operator's own console and the other wall get nothing.
    await new Promise((r) => setTimeout(r, 100));
    expect(foyer.views).toEqual([]);
    expect(operator.views).toEqual([]);

    // A screen that comes up later shows the last view at once.
    const late = await client();
    expect(await late.join('leitstand')).toEqual({ ok: true, data: wallA.views[0] });
    const after = await operator.list();
    expect(after.ok && after.data.find((w) => w.wall === 'leitstand')).toEqual({
      wall: 'leitstand',
      screens: 3,
      lastPushAtMs: T0,
      lastPushBy: 'leitstelle',
    });

    // A screen moved to another wall leaves the first one.
    await wallB.join('foyer');
    const moved = await operator.push({ wall: 'leitstand', view: { ...view, atMs: null } });
    expect(moved).toEqual({ ok: true, data: { wall: 'leitstand', screens: 2 } });
    await until(() => wallA.views.length === 2, 'the second view on screen A');
    await new Promise((r) => setTimeout(r, 100));
    expect(wallB.views).toHaveLength(1);
  });

  it('take views from staff only, and refuse bad input by name', async () => {
    const operator = await client(KEY);
    const visitor = await client();
    const refused = await visitor.push({ wall: 'leitstand', view });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.code).toBe('forbidden');
    const listRefused = await visitor.list();
    expect(listRefused.ok).toBe(false);

    const badName = await operator.push({ wall: 'Leitstand 1', view });
    expect(badName.ok).toBe(false);
    if (!badName.ok) {
      expect(badName.error.code).toBe('bad-request');
      expect(badName.error.message).toMatch(/^wall:push: wall: lower-case letters/);
    }
    const badPitch = await operator.push({
      wall: 'leitstand',
      view: { ...view, camera: { ...view.camera, pitchDeg: 120 } },
    });
    expect(badPitch.ok).toBe(false);
    if (!badPitch.ok) expect(badPitch.error.message).toMatch(/view\.camera\.pitchDeg/);
    const badJoin = await visitor.join('../etc');
    expect(badJoin.ok).toBe(false);
    if (!badJoin.ok) expect(badJoin.error.message).toMatch(/^wall:join: lower-case letters, digits and -/);

    // The socket is still up and answers.
    expect(await operator.push({ wall: 'leitstand', view })).toMatchObject({ ok: true });
  });

  it('count a window once when it came back before the server noticed its last connection was gone', async () => {
    const operator = await client(KEY);
    const windowId = 'wall-window-0123456789abcdef';
    // The first connection stays open on the server, as one whose page missed the heartbeat does.
    const first = await client(undefined, windowId);
    let closedFor: string | undefined;
    first.socket.once('disconnect', (reason) => (closedFor = reason));
    expect(await first.join('lagezentrum')).toMatchObject({ ok: true });
    const other = await client(undefined, 'another-window-0123456789ab');
    expect(await other.join('lagezentrum')).toMatchObject({ ok: true });

    const again = await client(undefined, windowId);
    await until(() => closedFor !== undefined, 'the first connection closed by the server');
    expect(closedFor).toBe('io server disconnect');
    expect(await again.join('lagezentrum')).toMatchObject({ ok: true });
    expect(await operator.push({ wall: 'lagezentrum', view })).toEqual({
      ok: true,
      data: { wall: 'lagezentrum', screens: 2 },
    });
    await until(() => again.views.length === 1 && other.views.length === 1, 'the view on both windows');

    // An id alone does not close another holder's connection: a visitor cannot end the operator's.
    const operatorWindow = await client(KEY, 'operator-window-0123456789ab');
    const visitorSameId = await client(undefined, 'operator-window-0123456789ab');
    await new Promise((r) => setTimeout(r, 100));
    expect(operatorWindow.socket.connected).toBe(true);
    expect(visitorSameId.socket.connected).toBe(true);
  });

  it('refuse a connection whose window id has another form, and say which field', async () => {
    const socket: ClientSocket = connect(baseUrl, {
      auth: { protocolVersion: PROTOCOL_VERSION, clientId: 'short' },
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
    });
    sockets.push(socket);
    const error = await new Promise<Error & { data?: unknown }>((resolve) =>
      socket.once('connect_error', resolve),
    );
    expect(error.message).toBe('clientId must be 16 to 64 letters, digits, _ or -.');
    expect(error.data).toMatchObject({ code: 'bad-request' });
  });
});
