import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import type { BroadcastOptions } from 'socket.io-adapter';
import { afterEach, describe, expect, it } from 'vitest';
import { preEncoded, preEncodingParser } from './preEncoded.ts';
import { boundedRecoveryAdapter, recoveryBufferStats } from './recoveryAdapter.ts';

interface Running {
  io: Server;
  http: HttpServer;
  url: string;
}

let running: Running | undefined;
const sockets: ClientSocket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.disconnect();
  if (running) await new Promise<void>((resolve) => running?.io.close(() => resolve()));
  running = undefined;
});

async function start(
  maxBytes: number,
  windowMs = 30_000,
  pruneEveryMs = 1_000,
  notReplayed: readonly string[] = [],
): Promise<Running> {
  const http = createServer();
  const io = new Server(http, {
    connectionStateRecovery: { maxDisconnectionDuration: windowMs, skipMiddlewares: true },
    adapter: boundedRecoveryAdapter({ maxBytes, pruneEveryMs, notReplayed }),
    parser: preEncodingParser,
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', () => resolve()));
  running = { io, http, url: `http://127.0.0.1:${(http.address() as AddressInfo).port}` };
  return running;
}

/** A client that records every `tick` (and `frame`) value it gets, and resolves once connected. */
async function client(url: string): Promise<{ socket: ClientSocket; ticks: number[]; frames: number[] }> {
  const socket = connect(url, {
    transports: ['websocket'],
    forceNew: true,
    reconnectionDelay: 20,
    reconnectionDelayMax: 50,
  });
  sockets.push(socket);
  const ticks: number[] = [];
  const frames: number[] = [];
  socket.on('tick', (payload: { n: number }) => ticks.push(payload.n));
  socket.on('frame', (payload: { n: number }) => frames.push(payload.n));
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  return { socket, ticks, frames };
}

const stats = (server: Running) => recoveryBufferStats(server.io.of('/').adapter);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** Drops the client's transport (as a network blip does) and resolves once it is back. */
async function blip(socket: ClientSocket, whileAway: () => void): Promise<void> {
  const back = new Promise<void>((resolve) => socket.io.once('reconnect', () => resolve()));
  socket.io.engine.close();
  await until(() => !socket.connected, 'the disconnect');
  whileAway();
  await back;
}

/** One `tick` event of about 100 characters, pre-encoded as the live diffs are. */
const tick = (n: number) => preEncoded<{ n: number }>(JSON.stringify({ n, pad: 'x'.repeat(80) }));

describe('boundedRecoveryAdapter', () => {
  it('replays what a socket missed while its packets are still kept, in order', async () => {
    const server = await start(1024 * 1024);
    const { socket, ticks } = await client(server.url);
    server.io.emit('tick', tick(1));
    await until(() => ticks.length === 1, 'the first tick');
    await blip(socket, () => {
      for (let n = 2; n <= 5; n++) server.io.emit('tick', tick(n));
    });
    await until(() => ticks.length === 5, 'the missed ticks');
    expect(socket.recovered).toBe(true);
    expect(ticks).toEqual([1, 2, 3, 4, 5]);
  });

  it('numbers the events it does not replay but keeps none of them; a socket whose last was one recovers', async () => {
    const server = await start(1024 * 1024, 30_000, 1_000, ['frame']);
    const { socket, ticks, frames } = await client(server.url);
    server.io.emit('tick', tick(1));
    for (let n = 1; n <= 3; n++) server.io.emit('frame', tick(n));
    await until(() => frames.length === 3, 'the frames');
    expect(stats(server)?.packets).toBe(1);
    await blip(socket, () => {
      server.io.emit('frame', tick(4));
      server.io.emit('tick', tick(2));
      server.io.emit('frame', tick(5));
    });
    await until(() => ticks.length === 2, 'the missed tick');
    // The socket's last packet was a frame: it is recovered, with the tick it missed and no frame.
    expect(socket.recovered).toBe(true);
    expect(ticks).toEqual([1, 2]);
    expect(frames).toEqual([1, 2, 3]);
    // Its offset is the last frame's: frames go on counting after a recovery.
    server.io.emit('frame', tick(6));
    await until(() => frames.length === 4, 'the next frame');
    expect(stats(server)?.packets).toBe(2);
  });

  it('does not recover a socket whose offset is not one it was sent', async () => {
    const server = await start(1024 * 1024, 30_000, 1_000, ['frame']);
    const adapter = server.io.of('/').adapter;
    server.io.emit('tick', tick(1));
    for (const offset of ['zzzzzz', '-1', 'x'.repeat(40), '']) {
      adapter.persistSession({ sid: 's', pid: 'p', rooms: ['s'], data: {} });
      expect(await adapter.restoreSession('p', offset), offset).toBeNull();
    }
    adapter.persistSession({ sid: 's', pid: 'p', rooms: ['s'], data: {} });
    expect(await adapter.restoreSession('p', '0')).toMatchObject({ sid: 's', missedPackets: [] });
  });

  it('never holds more than its bound: the oldest go first, and a socket whose gap they were is not recovered', async () => {
    // Room for about ten ticks (each about 100 characters and the record's 256 bytes).
    const server = await start(3_600);
    const { socket, ticks } = await client(server.url);
    server.io.emit('tick', tick(1));
    await until(() => ticks.length === 1, 'the first tick');
    await blip(socket, () => {
      for (let n = 2; n <= 40; n++) {
        server.io.emit('tick', tick(n));
        const held = stats(server);
        expect(held?.bytes).toBeLessThanOrEqual(3_600);
      }
    });
    await sleep(100);
    // Its last packet (tick 1) was dropped for size: it connects afresh and would resubscribe.
    expect(socket.recovered).toBe(false);
    expect(ticks).toEqual([1]);
    const held = stats(server);
    expect(held?.packets).toBeGreaterThanOrEqual(9);
    expect(held?.packets).toBeLessThanOrEqual(11);
    expect(held?.droppedForSize).toBeGreaterThanOrEqual(29);
  });

  it('drops packets older than the window every prune, and expired sessions with them', async () => {
    const server = await start(1024 * 1024, 1_000, 50);
    const { socket, ticks } = await client(server.url);
    for (let n = 1; n <= 5; n++) server.io.emit('tick', tick(n));
    await until(() => ticks.length === 5, 'five ticks');
    expect(stats(server)?.packets).toBe(5);
    await until(() => stats(server)?.packets === 0, 'the window to pass', 3_000);
    // A lost transport (not a goodbye) keeps the session for the window.
    socket.io.reconnection(false);
    socket.io.engine.close();
    await until(() => stats(server)?.sessions === 1, 'the session to be kept');
    await until(() => stats(server)?.sessions === 0, 'the session to expire', 3_000);
  });

  it('starts each broadcast to a room at another member, and writes every member once', async () => {
    const server = await start(1 << 20);
    const members = await Promise.all(Array.from({ length: 7 }, () => client(server.url)));
    server.io.socketsJoin('g');
    const [left, ...written] = [...server.io.of('/').sockets.keys()];
    // The adapter's `apply` is what its broadcast writes through (private in Socket.io's types).
    const adapter = server.io.of('/').adapter as unknown as {
      apply(opts: BroadcastOptions, callback: (socket: { id: string }) => void): void;
    };
    const positions = new Map<string, number[]>(written.map((id) => [id, []]));
    for (let k = 0; k < 70; k++) {
      const order: string[] = [];
      adapter.apply({ rooms: new Set(['g']), except: new Set([left as string]) }, (socket) =>
        order.push(socket.id),
      );
      expect([...order].sort()).toEqual([...written].sort());
      order.forEach((id, position) => positions.get(id)?.push(position));
    }
    for (const [id, seen] of positions) {
      // Each member is first and last at times, and in the middle on average.
      expect(seen, id).toContain(0);
      expect(seen, id).toContain(written.length - 1);
      const mean = seen.reduce((sum, position) => sum + position, 0) / seen.length;
      expect(mean, id).toBeGreaterThan(1.5);
      expect(mean, id).toBeLessThan(3.5);
    }
    // A real broadcast goes through it: every member once, the one left out not at all.
    server.io
      .to('g')
      .except(left as string)
      .emit('tick', { n: 1 });
    server.io.to('g').emit('tick', { n: 2 });
    await until(() => members.every(({ ticks }) => ticks.includes(2)), 'the second broadcast');
    const leftOut = members.find(({ socket }) => socket.id === left);
    for (const member of members) expect(member.ticks).toEqual(member === leftOut ? [2] : [1, 2]);
  });
});
