/**
 * LiveClient against a real Socket.io server on port 0 (node's socket.io-client transport), scripted
 * per test: handshake, snapshot, diffs, gaps and refusals.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Socket } from 'socket.io';
import { afterEach, describe, expect, it } from 'vitest';
import {
  encodeDiff,
  PROTOCOL_VERSION,
  versionMismatchMessage,
  type Ack,
  type ClientToServerEvents,
  type Diff,
  type ServerToClientEvents,
  type Snapshot,
  type WireDiff,
} from '../../../protocol/index.ts';
import { reading } from '../testing/fixtures.ts';
import { LiveClient } from './LiveClient.ts';
import { LiveStore } from './liveStore.ts';

type TestServer = Server<ClientToServerEvents, ServerToClientEvents>;
type ServerSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

interface Harness {
  io: TestServer;
  url: string;
  http: HttpServer;
}

const running: { harness?: Harness; client?: LiveClient } = {};

async function startServer(setup: (io: TestServer) => void): Promise<Harness> {
  const http = createServer();
  const io: TestServer = new Server(http);
  setup(io);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  const harness = { io, http, url: `http://127.0.0.1:${port}` };
  running.harness = harness;
  return harness;
}

function quietLogger() {
  const lines: string[] = [];
  return { lines, warn: (m: string) => lines.push(m), error: (m: string) => lines.push(m) };
}

async function until(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function snapshot(seq: number, subscriptionId = 'sub-1'): Snapshot {
  return { subscriptionId, seq, serverTimeMs: 5_000_000, states: [reading('p1', { freeSpaces: 100 })] };
}

/** A `live:diff` as the server sends it: the compact form, p1 being the snapshot's first sensor. */
function diff(seq: number, freeSpaces: number, subscriptionId = 'sub-1'): WireDiff {
  const readable: Diff = {
    subscriptionId,
    seq,
    serverTimeMs: 5_000_000 + seq,
    upserts: [reading('p1', { freeSpaces })],
    removed: [],
  };
  return encodeDiff(readable, new Map([['p1', 0]]));
}

function hello(socket: ServerSocket, protocolVersion = PROTOCOL_VERSION): void {
  socket.emit('server:hello', {
    protocolVersion,
    cityId: 'test',
    serverTimeMs: 5_000_000,
    timeScale: 1,
    role: 'public',
  });
}

afterEach(async () => {
  running.client?.stop();
  const harness = running.harness;
  delete running.client;
  delete running.harness;
  if (harness) {
    harness.io.disconnectSockets(true);
    await new Promise<void>((resolve) => harness.io.close(() => resolve()));
  }
});

describe('LiveClient', () => {
  it('sends its protocol version, subscribes and applies the snapshot and the diffs', async () => {
    let auth: unknown;
    let request: unknown;
    const { url } = await startServer((io) =>
      io.on('connection', (socket) => {
        auth = socket.handshake.auth;
        hello(socket);
        socket.on('live:subscribe', (req, ack: (a: Ack<Snapshot>) => void) => {
          request = req;
          ack({ ok: true, data: snapshot(1) });
          socket.emit('live:diff', diff(2, 90));
          socket.emit('live:diff', diff(3, 80));
        });
      }),
    );
    const store = new LiveStore();
    const applied: number[] = [];
    const client = new LiveClient({
      store,
      kinds: ['parking'],
      url,
      logger: quietLogger(),
      onDiffApplied: (ms) => applied.push(ms),
    });
    running.client = client;
    client.start();

    await until(() => store.getSnapshot().state?.seq === 3, 'the second diff');
    // With the window's own id, drawn once: 128 random bits.
    expect(auth).toEqual({ protocolVersion: PROTOCOL_VERSION, clientId: client.clientId });
    expect(client.clientId).toMatch(/^[0-9a-f]{32}$/);
    expect(new LiveClient({ store: new LiveStore(), kinds: [], url }).clientId).not.toBe(client.clientId);
    expect(request).toEqual({ protocolVersion: PROTOCOL_VERSION, kinds: ['parking'] });
    expect(store.getSnapshot().connection).toBe('live');
    expect(store.getSnapshot().hello?.cityId).toBe('test');
    expect(store.getSnapshot().state?.sensors.get('p1')?.observation?.values['freeSpaces']).toBe(80);
    expect(applied).toHaveLength(2);
    expect(applied.every((ms) => ms >= 0)).toBe(true);
  });

  it('subscribes again with the new view when the viewport changes, and takes a pushed snapshot', async () => {
    const requests: unknown[] = [];
    let server: ServerSocket | undefined;
    const { url } = await startServer((io) =>
      io.on('connection', (socket) => {
        server = socket;
        hello(socket);
        socket.on('live:subscribe', (req, ack: (a: Ack<Snapshot>) => void) => {
          requests.push(req);
          ack({ ok: true, data: snapshot(requests.length * 10, `sub-${requests.length}`) });
        });
      }),
    );
    const store = new LiveStore();
    const client = new LiveClient({
      store,
      kinds: ['traffic', 'parking'],
      everywhere: ['parking'],
      url,
      logger: quietLogger(),
    });
    running.client = client;
    client.start();
    await until(() => store.getSnapshot().state?.seq === 10, 'the first snapshot');
    client.setViewport([9, 48, 9.1, 48.1]);
    await until(() => store.getSnapshot().state?.seq === 20, 'the snapshot of the new view');
    client.setViewport([9, 48, 9.1, 48.1]);
    expect(requests).toEqual([
      { protocolVersion: PROTOCOL_VERSION, kinds: ['traffic', 'parking'], everywhere: ['parking'] },
      {
        protocolVersion: PROTOCOL_VERSION,
        kinds: ['traffic', 'parking'],
        bbox: [9, 48, 9.1, 48.1],
        everywhere: ['parking'],
      },
    ]);
    // The server pushes the whole state after skipping this client: it replaces the store's.
    server?.emit('live:snapshot', snapshot(33, 'sub-2'));
    await until(() => store.getSnapshot().state?.seq === 33, 'the pushed snapshot');
  });

  it('asks for a resync after a gap and continues from the new snapshot', async () => {
    let resyncs = 0;
    const { url } = await startServer((io) =>
      io.on('connection', (socket) => {
        hello(socket);
        socket.on('live:subscribe', (_req, ack: (a: Ack<Snapshot>) => void) => {
          ack({ ok: true, data: snapshot(1) });
          socket.emit('live:diff', diff(4, 50)); // 2 and 3 were lost
        });
        socket.on('live:resync', (ack: (a: Ack<Snapshot>) => void) => {
          resyncs++;
          ack({ ok: true, data: { ...snapshot(10), states: [reading('p1', { freeSpaces: 42 })] } });
          socket.emit('live:diff', diff(11, 41));
        });
      }),
    );
    const store = new LiveStore();
    const logger = quietLogger();
    running.client = new LiveClient({ store, kinds: ['parking'], url, logger });
    running.client.start();

    await until(() => store.getSnapshot().state?.seq === 11, 'the diff after the resync');
    expect(resyncs).toBe(1);
    expect(store.getSnapshot().state?.sensors.get('p1')?.observation?.values['freeSpaces']).toBe(41);
    expect(logger.lines.some((l) => l.includes('sequence gap'))).toBe(true);
  });

  it('logs and drops a malformed diff, then keeps applying good ones', async () => {
    const { url } = await startServer((io) =>
      io.on('connection', (socket) => {
        hello(socket);
        socket.on('live:subscribe', (_req, ack: (a: Ack<Snapshot>) => void) => {
          ack({ ok: true, data: snapshot(1) });
          // A payload that breaks the contract, as a buggy or foreign server might send it.
          (socket as unknown as { emit: (event: string, payload: unknown) => void }).emit('live:diff', {
            seq: 'two',
            upserts: null,
          });
          socket.emit('live:diff', diff(2, 77));
        });
      }),
    );
    const store = new LiveStore();
    const logger = quietLogger();
    running.client = new LiveClient({ store, kinds: ['parking'], url, logger });
    running.client.start();

    await until(() => store.getSnapshot().state?.seq === 2, 'the good diff');
    expect(logger.lines.some((l) => l.includes('malformed live:diff'))).toBe(true);
  });

  it('ignores diffs of a replaced subscription', async () => {
    const { url } = await startServer((io) =>
      io.on('connection', (socket) => {
        hello(socket);
        socket.on('live:subscribe', (_req, ack: (a: Ack<Snapshot>) => void) => {
          ack({ ok: true, data: snapshot(1, 'sub-new') });
          socket.emit('live:diff', diff(2, 1, 'sub-old'));
          socket.emit('live:diff', diff(2, 60, 'sub-new'));
        });
      }),
    );
    const store = new LiveStore();
    running.client = new LiveClient({ store, kinds: ['parking'], url, logger: quietLogger() });
    running.client.start();

    await until(() => store.getSnapshot().state?.seq === 2, 'the diff of the current subscription');
    expect(store.getSnapshot().state?.sensors.get('p1')?.observation?.values['freeSpaces']).toBe(60);
  });

  it('stops with the server sentence when the handshake is refused for the protocol version', async () => {
    let handshakes = 0;
    const message = versionMismatchMessage(PROTOCOL_VERSION + 1, PROTOCOL_VERSION);
    const { url } = await startServer((io) =>
      io.use((_socket, next) => {
        handshakes++;
        next(new Error(message));
      }),
    );
    const store = new LiveStore();
    running.client = new LiveClient({
      store,
      kinds: ['parking'],
      url,
      logger: quietLogger(),
      refusedRetryMs: 50,
    });
    running.client.start();

    await until(() => store.getSnapshot().problem !== null, 'the refusal');
    expect(store.getSnapshot().connection).toBe('offline');
    expect(store.getSnapshot().problem).toEqual({ kind: 'version-mismatch', message });
    await new Promise((r) => setTimeout(r, 300));
    expect(handshakes).toBe(1);
  });

  it('stops when the hello names another protocol version', async () => {
    const { url } = await startServer((io) =>
      io.on('connection', (socket) => hello(socket, PROTOCOL_VERSION + 1)),
    );
    const store = new LiveStore();
    running.client = new LiveClient({ store, kinds: ['parking'], url, logger: quietLogger() });
    running.client.start();

    await until(() => store.getSnapshot().problem !== null, 'the mismatch');
    expect(store.getSnapshot().problem?.kind).toBe('version-mismatch');
    expect(store.getSnapshot().problem?.message).toContain(`server speaks ${PROTOCOL_VERSION + 1}`);
    expect(store.getSnapshot().connection).toBe('offline');
  });

  it('shows reconnecting when the server goes away, and live again after it returns, as the same window', async () => {
    const clientIds: unknown[] = [];
    const setup = (io: TestServer) =>
      io.on('connection', (socket) => {
        clientIds.push((socket.handshake.auth as { clientId?: unknown }).clientId);
        hello(socket);
        socket.on('live:subscribe', (_req, ack: (a: Ack<Snapshot>) => void) =>
          ack({ ok: true, data: snapshot(1) }),
        );
      });
    const harness = await startServer(setup);
    const { port } = harness.http.address() as AddressInfo;
    const store = new LiveStore();
    running.client = new LiveClient({
      store,
      kinds: ['parking'],
      url: harness.url,
      logger: quietLogger(),
      reconnectionDelayMs: 50,
      reconnectionDelayMaxMs: 100,
      offlineAfterAttempts: 1_000,
    });
    running.client.start();
    await until(() => store.getSnapshot().connection === 'live', 'live');

    harness.io.disconnectSockets(true);
    await new Promise<void>((resolve) => harness.io.close(() => resolve()));
    await until(() => store.getSnapshot().connection === 'reconnecting', 'reconnecting');

    const http = createServer();
    const io: TestServer = new Server(http);
    setup(io);
    await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve));
    running.harness = { io, http, url: harness.url };
    await until(() => store.getSnapshot().connection === 'live', 'live again');
    expect(clientIds).toEqual([running.client.clientId, running.client.clientId]);
  });

  it('pauses (leaves the subscription, ignores diffs), answers history requests, and resumes with a fresh snapshot', async () => {
    const events: string[] = [];
    let server: ServerSocket | undefined;
    const { url } = await startServer((io) =>
      io.on('connection', (socket) => {
        server = socket;
        hello(socket);
        socket.on('live:subscribe', (_req, ack: (a: Ack<Snapshot>) => void) => {
          events.push('subscribe');
          ack({ ok: true, data: snapshot(events.length * 10) });
        });
        socket.on('live:unsubscribe', () => events.push('unsubscribe'));
        socket.on('history:range', (ack) =>
          ack({ ok: true, data: { earliestMs: null, latestMs: null, nowMs: 1, retention: {} } }),
        );
        socket.on('history:state', (request, ack) =>
          ack({ ok: true, data: { atMs: (request as { atMs: number }).atMs, states: [] } }),
        );
      }),
    );
    const store = new LiveStore();
    const client = new LiveClient({
      store,
      kinds: ['parking'],
      url,
      logger: quietLogger(),
      startPaused: true,
    });
    running.client = client;
    client.start();
    await until(() => store.getSnapshot().connection === 'live', 'the connection');
    // Started paused: connected, but no subscription.
    expect(events).toEqual([]);
    expect(store.getSnapshot().state).toBeNull();
    expect(await client.request('history:range', undefined)).toEqual({
      ok: true,
      data: { earliestMs: null, latestMs: null, nowMs: 1, retention: {} },
    });
    expect(await client.request('history:state', { atMs: 5 })).toEqual({
      ok: true,
      data: { atMs: 5, states: [] },
    });

    client.resume();
    await until(() => store.getSnapshot().state?.seq === 10, 'the snapshot after resuming');
    client.pause();
    await until(() => events.includes('unsubscribe'), 'the unsubscribe');
    server?.emit('live:diff', diff(11, 1));
    server?.emit('live:snapshot', snapshot(99));
    await new Promise((r) => setTimeout(r, 100));
    expect(store.getSnapshot().state?.seq).toBe(10);
    client.resume();
    await until(() => store.getSnapshot().state?.seq === 30, 'the snapshot after resuming again');
    expect(events).toEqual(['subscribe', 'unsubscribe', 'subscribe']);
  });
});
