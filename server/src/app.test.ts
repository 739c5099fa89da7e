/**
 * The real server on port 0 with real socket.io-client sockets, driven by a manual clock so that every
 * step is deterministic: subscribe -> snapshot -> diffs with only what changed.
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { io as connect } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  Ack,
  ClientToServerEvents,
  Diff,
  Hello,
  ServerToClientEvents,
  Snapshot,
  SubscribeRequest,
} from '../../protocol/index.ts';
import { CityInfoSchema, DiffSchema, PROTOCOL_VERSION, SnapshotSchema } from '../../protocol/index.ts';
import type { App } from './app.ts';
import { createApp } from './app.ts';
import { createManualClock } from './clock.ts';
import type { ManualClock } from './clock.ts';
import { loadConfig } from './config.ts';
import { DiffReader } from './testing/diffReader.ts';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
/** Wednesday 2026-11-18 10:00 Berlin: garages are filling, roads are busy. */
const T0 = Date.UTC(2026, 10, 18, 9, 0, 0);

let app: App;
let clock: ManualClock;
let baseUrl: string;
let clientDir: string;
const sockets: ClientSocket[] = [];

function openSocket(protocolVersion: number = PROTOCOL_VERSION): ClientSocket {
  const socket: ClientSocket = connect(baseUrl, {
    auth: { protocolVersion },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  sockets.push(socket);
  return socket;
}

function connected(socket: ClientSocket): Promise<Hello> {
  return new Promise((resolve, reject) => {
    socket.once('server:hello', resolve);
    socket.once('connect_error', reject);
  });
}

/** Keeps the order of every snapshot answered, to read the diffs that follow. */
const reader = new DiffReader();

async function subscribe(socket: ClientSocket, request: unknown): Promise<Ack<Snapshot>> {
  const answer = await socket.timeout(5000).emitWithAck('live:subscribe', request as SubscribeRequest);
  if (answer.ok) reader.take(answer.data);
  return answer;
}

function nextDiff(socket: ClientSocket): Promise<Diff> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no diff within 5 s')), 5000);
    socket.once('live:diff', (diff) => {
      clearTimeout(timer);
      resolve(reader.read(diff));
    });
  });
}

/** Moves the twin's clock, lets the simulator report what came due, and runs one hub tick. */
function step(ms: number): void {
  clock.advance(ms);
  app.simulator?.poll();
  app.hub.tick();
}

beforeEach(async () => {
  clock = createManualClock(T0);
  clientDir = mkdtempSync(join(tmpdir(), 'citytwin-client-'));
  mkdirSync(join(clientDir, 'assets'));
  writeFileSync(join(clientDir, 'index.html'), '<!doctype html><title>citytwin</title>');
  writeFileSync(join(clientDir, 'assets', 'index-abc123.js'), 'console.log(1)');
  const config = loadConfig({ env: { PORT: '0', HOST: '127.0.0.1', CITYTWIN_LOG_LEVEL: 'silent' } });
  // Every public diff on every tick: these tests drive the hub one tick at a time.
  app = await createApp(
    { ...config, clientDir, tickHzByClass: { ...config.tickHzByClass, public: config.tickHz } },
    { clock, rootDir: repoRoot, history: null, autoTick: false },
  );
  const port = await app.listen();
  baseUrl = `http://127.0.0.1:${port}`;
});

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.disconnect();
  await app.close();
});

describe('live path over Socket.io', () => {
  it('sends two clients a snapshot, then diffs with only what changed in their subscription', async () => {
    const parkingClient = openSocket();
    const trafficClient = openSocket();
    const [hello] = await Promise.all([connected(parkingClient), connected(trafficClient)]);
    expect(hello).toMatchObject({
      protocolVersion: PROTOCOL_VERSION,
      cityId: 'boeblingen-demo',
      serverTimeMs: T0,
    });

    const parkingAck = await subscribe(parkingClient, {
      protocolVersion: PROTOCOL_VERSION,
      kinds: ['parking'],
    });
    const trafficAck = await subscribe(trafficClient, {
      protocolVersion: PROTOCOL_VERSION,
      kinds: ['traffic'],
    });
    if (!parkingAck.ok || !trafficAck.ok) throw new Error('subscribe failed');
    const parkingSnapshot = SnapshotSchema.parse(parkingAck.data);
    const garages = app.pack.sensors.filter((s) => s.kind === 'parking');
    expect(parkingSnapshot.states.map((s) => s.sensorId).sort()).toEqual(garages.map((g) => g.id).sort());
    // The simulator reported every sensor when the app started listening.
    for (const state of parkingSnapshot.states) {
      expect(state.freshness).toBe('live');
      expect(state.observation?.values.freeSpaces).toBeTypeOf('number');
    }
    expect(trafficAck.data.states.every((s) => s.sensorId.startsWith('traffic-'))).toBe(true);

    // Advance one parking interval: every garage reports again, and only parking diffs reach the parking client.
    const parkingDiff = nextDiff(parkingClient);
    const trafficDiff = nextDiff(trafficClient);
    step(20_000);
    const [pDiff, tDiff] = await Promise.all([parkingDiff, trafficDiff]);
    DiffSchema.parse(pDiff);
    expect(pDiff.seq).toBe(parkingSnapshot.seq + 1);
    expect(pDiff.upserts.length).toBe(garages.length);
    expect(pDiff.upserts.every((u) => u.sensorId.startsWith('parking-'))).toBe(true);
    expect(tDiff.upserts.every((u) => u.sensorId.startsWith('traffic-'))).toBe(true);

    const before = new Map(parkingSnapshot.states.map((s) => [s.sensorId, s.observation?.values.freeSpaces]));
    const changed = pDiff.upserts.filter((u) => u.observation?.values.freeSpaces !== before.get(u.sensorId));
    expect(changed.length).toBeGreaterThan(0);
    for (const u of pDiff.upserts) expect(u.observation?.observedAt).toBeGreaterThan(T0);

    // A tick with nothing new sends nothing: the next diff comes only with the next reports.
    const later = nextDiff(parkingClient);
    app.hub.tick();
    step(20_000);
    expect((await later).seq).toBe(pDiff.seq + 1);
  });

  it('answers a malformed subscribe with an error and keeps the socket working', async () => {
    const socket = openSocket();
    await connected(socket);
    const bad = await subscribe(socket, { protocolVersion: PROTOCOL_VERSION, kinds: ['parking', 'weather'] });
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.error.code).toBe('bad-request');
      expect(bad.error.message).toContain('kinds[1]');
    }
    const garbage = await subscribe(socket, 'subscribe me please');
    expect(garbage.ok).toBe(false);
    const good = await subscribe(socket, { protocolVersion: PROTOCOL_VERSION, kinds: ['water'] });
    expect(good.ok).toBe(true);
    expect(socket.connected).toBe(true);
    const diff = nextDiff(socket);
    step(30_000);
    expect((await diff).upserts.every((u) => u.sensorId.startsWith('basin-'))).toBe(true);
  });

  it('refuses a client of another protocol version with a clear message', async () => {
    const socket = openSocket(PROTOCOL_VERSION + 1);
    const error = await new Promise<Error & { data?: { code?: string } }>((resolve) =>
      socket.once('connect_error', resolve),
    );
    expect(error.message).toContain(`server speaks ${PROTOCOL_VERSION}, client sent ${PROTOCOL_VERSION + 1}`);
    expect(error.data?.code).toBe('version-mismatch');
  });

  it('only sends sensors inside the subscribed view rectangle', async () => {
    const socket = openSocket();
    await connected(socket);
    const garage = app.pack.sensors.find((s) => s.kind === 'parking');
    if (!garage) throw new Error('the demo pack has no garage');
    const [lon, lat] = garage.position;
    const bbox = [lon - 0.0001, lat - 0.0001, lon + 0.0001, lat + 0.0001];
    const ack = await subscribe(socket, { protocolVersion: PROTOCOL_VERSION, kinds: ['parking'], bbox });
    if (!ack.ok) throw new Error(ack.error.message);
    expect(ack.data.states.map((s) => s.sensorId)).toEqual([garage.id]);
  });

  it('sends a fresh snapshot on resync', async () => {
    const socket = openSocket();
    await connected(socket);
    const noSub = await socket.timeout(5000).emitWithAck('live:resync');
    expect(noSub.ok).toBe(false);
    await subscribe(socket, { protocolVersion: PROTOCOL_VERSION, kinds: ['environment'] });
    const diff = nextDiff(socket);
    step(60_000);
    const { seq } = await diff;
    const resync = await socket.timeout(5000).emitWithAck('live:resync');
    if (!resync.ok) throw new Error(resync.error.message);
    expect(resync.data.seq).toBe(seq);
    expect(resync.data.states.length).toBe(app.pack.sensors.filter((s) => s.kind === 'environment').length);
  });
});

describe('HTTP', () => {
  it('answers health, readiness and Prometheus metrics', async () => {
    expect(await (await fetch(`${baseUrl}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${baseUrl}/readyz`);
    const body = (await ready.json()) as { checks: Record<string, boolean> };
    expect(body.checks.listening).toBe(true);
    expect(body.checks.clientBuild).toBe(true);

    const socket = openSocket();
    await connected(socket);
    app.hub.ingest({ sensorId: 'nobody', observedAt: T0, values: { x: 1 } }, 'test');
    app.hub.tick();
    const metrics = await (await fetch(`${baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/^citytwin_connected_clients 1$/m);
    expect(metrics).toMatch(/^citytwin_readings_in_total\{source="simulator"\} [1-9]\d*$/m);
    expect(metrics).toMatch(/^citytwin_rejections_total\{reason="unknown-sensor",source="test"\} 1$/m);
    expect(metrics).toMatch(/^citytwin_tick_duration_seconds_bucket/m);
  });

  it('serves the public city info the viewer starts from', async () => {
    const info = CityInfoSchema.parse(await (await fetch(`${baseUrl}/api/v1/city`)).json());
    expect(info.city.id).toBe('boeblingen-demo');
    expect(info.city.synthetic).toBe(true);
    expect(info.protocolVersion).toBe(PROTOCOL_VERSION);
    expect(info.sensors.every((s) => s.visibility === 'public')).toBe(true);
    expect(info.layers.some((l) => l.type === 'tileset')).toBe(true);
  });

  it('serves the client, data and tiles with cache headers, and keeps the registry off the static path', async () => {
    const page = await fetch(`${baseUrl}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-cache');
    const asset = await fetch(`${baseUrl}/assets/index-abc123.js`);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const roads = await fetch(`${baseUrl}/data/boeblingen-demo/roads.geojson`);
    expect(roads.status).toBe(200);
    expect(roads.headers.get('cache-control')).toBe('public, max-age=300, must-revalidate');
    expect(roads.headers.get('etag')).toBeTruthy();
    expect(((await roads.json()) as { type: string }).type).toBe('FeatureCollection');
    expect((await fetch(`${baseUrl}/data/boeblingen-demo/sensors.json`)).status).toBe(404);
    expect((await fetch(`${baseUrl}/data/generator/cli.ts`)).status).toBe(404);
    expect((await fetch(`${baseUrl}/api/v1/nothing`)).status).toBe(404);
  });
});
