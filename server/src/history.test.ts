/**
 * The history API end to end: readings the hub accepts are recorded in a DuckDB file, and answered
 * over HTTP (JSON and CSV) and as Socket.io acknowledgements with the same figures; the state at a
 * time is, per sensor, the last reading at or before it; internal sensors stay hidden from the public;
 * a restarted server still has everything.
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
  HistoryRange,
  Sensor,
  Series,
  ServerToClientEvents,
  StateAt,
  WeekdayHourProfile,
} from '../../protocol/index.ts';
import { PROTOCOL_VERSION } from '../../protocol/index.ts';
import type { App } from './app.ts';
import { createApp } from './app.ts';
import type { CityPack } from './cityPack/loadCityPack.ts';
import { loadCityPack } from './cityPack/loadCityPack.ts';
import type { ManualClock } from './clock.ts';
import { createManualClock } from './clock.ts';
import { loadConfig } from './config.ts';
import { DuckDbHistoryStore } from './history/duckdbHistoryStore.ts';
import { freshnessOf } from './hub/liveState.ts';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const T0 = Date.UTC(2026, 10, 16, 5, 0, 0); // Monday 06:00 in Böblingen
const STAFF_KEY = 'leitstelle-access-key-0123456789';
const HOUR = 3_600_000;

let dir: string;
let pack: CityPack;
let internalId: string;
let app: App | undefined;
let clock: ManualClock;
const sockets: ClientSocket[] = [];

/** Every reading fed, to compute expectations from. */
const fed: { sensorId: string; observedAt: number; values: Record<string, number> }[] = [];

async function start(file: string): Promise<string> {
  const config = loadConfig({
    env: { PORT: '0', HOST: '127.0.0.1', CITYTWIN_LOG_LEVEL: 'silent', CITYTWIN_SIMULATOR: 'off' },
  });
  const store = await DuckDbHistoryStore.open({ file, now: () => clock.now(), threads: 1 });
  app = await createApp(
    { ...config, accessKeys: [{ id: 'leitstelle', role: 'operator', apiKey: STAFF_KEY }] },
    { clock, pack, rootDir: repoRoot, history: store, autoTick: false },
  );
  return `http://127.0.0.1:${await app.listen()}`;
}

/** Six hours of readings of every sensor every ten minutes, a few missing, through the hub. */
function feed(): void {
  let n = 0;
  for (let t = T0 - 6 * HOUR; t <= T0; t += 600_000) {
    clock.set(t + 1000);
    for (const sensor of pack.sensors) {
      n += 1;
      if (n % 17 === 0) continue; // now and then a sensor misses a report
      const values = Object.fromEntries(sensor.quantities.map((q, i) => [q, ((n * 7 + i * 13) % 90) + 1]));
      const observation = { sensorId: sensor.id, observedAt: t, values };
      const result = app?.hub.ingest(observation, 'test');
      if (!result?.accepted) throw new Error(`reading refused: ${JSON.stringify(result)}`);
      // What the hub kept (it drops an implausible value and keeps the rest) is what is recorded.
      fed.push(result.observation);
    }
  }
}

function lastAtOrBefore(sensorId: string, atMs: number) {
  let best: (typeof fed)[number] | undefined;
  for (const reading of fed)
    if (
      reading.sensorId === sensorId &&
      reading.observedAt <= atMs &&
      (!best || reading.observedAt > best.observedAt)
    )
      best = reading;
  return best;
}

async function socketFor(baseUrl: string, auth: Record<string, unknown> = {}): Promise<ClientSocket> {
  const socket: ClientSocket = connect(baseUrl, {
    auth: { protocolVersion: PROTOCOL_VERSION, ...auth },
    transports: ['websocket'],
    forceNew: true,
  });
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('server:hello', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

let baseUrl: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'citytwin-history-app-'));
  clock = createManualClock(T0 - 6 * HOUR);
  const demo = await loadCityPack(fileURLToPath(new URL('../../data/boeblingen-demo', import.meta.url)));
  // One garage is internal (say, a staff car park): only staff may see its history.
  let marked = false;
  pack = {
    ...demo,
    sensors: demo.sensors.map((sensor): Sensor => {
      if (marked || sensor.kind !== 'parking') return sensor;
      marked = true;
      internalId = sensor.id;
      return { ...sensor, visibility: 'internal' };
    }),
  };
  baseUrl = await start(join(dir, 'history.duckdb'));
  feed();
  await app?.history?.flush();
});

afterEach(() => {
  for (const socket of sockets.splice(0)) socket.disconnect();
});

afterAll(async () => {
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('history API', () => {
  it('answers the state of a layer at a time with each sensor’s last reading at or before it', async () => {
    const atMs = T0 - 2 * HOUR - 5 * 60_000; // between two reports
    const response = await fetch(
      `${baseUrl}/api/v1/history/boeblingen-demo/state?at=${new Date(atMs).toISOString()}&kinds=parking,traffic,environment,water`,
    );
    expect(response.status).toBe(200);
    const state = (await response.json()) as StateAt;
    const publicSensors = pack.sensors.filter((s) => s.visibility === 'public');
    expect(state.states.map((s) => s.sensorId)).toEqual(publicSensors.map((s) => s.id));
    for (const sensorState of state.states) {
      const expected = lastAtOrBefore(sensorState.sensorId, atMs);
      expect(sensorState.observation?.observedAt, sensorState.sensorId).toBe(expected?.observedAt);
      expect(sensorState.observation?.values).toEqual(expected?.values);
    }
    // Freshness is judged at that time, as the live hub would have judged it then.
    for (const sensorState of state.states) {
      const sensor = pack.sensors.find((s) => s.id === sensorState.sensorId) as Sensor;
      const observedAt = lastAtOrBefore(sensor.id, atMs)?.observedAt;
      expect(sensorState.freshness).toBe(freshnessOf(observedAt, sensor.intervalMs, atMs));
    }
    expect(new Set(state.states.map((s) => s.freshness)).size).toBeGreaterThan(1);
  });

  it('answers the same state as a Socket.io acknowledgement, and hides internal sensors from the public', async () => {
    const atMs = T0 - HOUR;
    const request = { atMs, kinds: ['parking'] };
    const publicSocket = await socketFor(baseUrl);
    const staffSocket = await socketFor(baseUrl, { accessKey: STAFF_KEY });
    const ask = (socket: ClientSocket) =>
      new Promise<Ack<StateAt>>((resolve) => socket.emit('history:state', request, resolve));
    const [asPublic, asStaff] = await Promise.all([ask(publicSocket), ask(staffSocket)]);
    if (!asPublic.ok || !asStaff.ok) throw new Error('history:state refused');
    expect(asPublic.data.states.some((s) => s.sensorId === internalId)).toBe(false);
    expect(asStaff.data.states.some((s) => s.sensorId === internalId)).toBe(true);
    const overHttp = (await (
      await fetch(`${baseUrl}/api/v1/history/boeblingen-demo/state?at=${atMs}&kinds=parking`)
    ).json()) as StateAt;
    expect(asPublic.data).toEqual(overHttp);
    // The internal garage's series: not found for the public, there for staff.
    const path = `/api/v1/history/boeblingen-demo/sensors/${internalId}/series?from=${T0 - 6 * HOUR}&to=${T0}`;
    expect((await fetch(`${baseUrl}${path}`)).status).toBe(404);
    const staff = await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${STAFF_KEY}` } });
    expect(staff.status).toBe(200);
    // A wrong key is refused (not taken as no key), like on every route that takes keys.
    expect(
      (await fetch(`${baseUrl}${path}`, { headers: { authorization: 'Bearer wrong-key-wrong-key' } })).status,
    ).toBe(401);
  });

  it('exports a sensor’s series as JSON and CSV with the same figures, and as an acknowledgement', async () => {
    const sensor = pack.sensors.find((s) => s.kind === 'environment' && s.visibility === 'public') as Sensor;
    const quantity = sensor.quantities[0] as string;
    const query = `from=${new Date(T0 - 6 * HOUR).toISOString()}&to=${new Date(T0 + 1).toISOString()}&step=1h&quantity=${quantity}`;
    const url = `${baseUrl}/api/v1/history/boeblingen-demo/sensors/${sensor.id}/series?${query}`;
    const series = (await (await fetch(url)).json()) as Series;
    expect(series.source).toBe('hour');
    const columns = series.quantities[quantity];
    const readings = fed.filter((r) => r.sensorId === sensor.id);
    expect(columns?.count.reduce((a, b) => a + b, 0)).toBe(readings.length);
    const firstHour = readings
      .filter((r) => r.observedAt < T0 - 5 * HOUR)
      .map((r) => r.values[quantity] as number);
    expect(columns?.mean[0]).toBeCloseTo(firstHour.reduce((a, b) => a + b, 0) / firstHour.length, 9);
    expect(columns?.max[0]).toBe(Math.max(...firstHour));

    const csv = await fetch(`${url}&format=csv`);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toMatch(/attachment/);
    const lines = (await csv.text()).trim().split('\n');
    expect(lines[0]).toBe('time,sensor,quantity,mean,min,max,count');
    expect(lines).toHaveLength((columns?.t.length ?? 0) + 1);
    const [time, id, q, mean, min, max, count] = (lines[1] as string).split(',');
    expect([time, id, q]).toEqual([new Date(columns?.t[0] as number).toISOString(), sensor.id, quantity]);
    expect(Number(mean)).toBeCloseTo(columns?.mean[0] as number, 9);
    expect([Number(min), Number(max), Number(count)]).toEqual([
      columns?.min[0],
      columns?.max[0],
      columns?.count[0],
    ]);

    const socket = await socketFor(baseUrl);
    const ack = await new Promise<Ack<Series>>((resolve) =>
      socket.emit(
        'history:series',
        { sensorId: sensor.id, fromMs: T0 - 6 * HOUR, toMs: T0 + 1, stepMs: HOUR, quantities: [quantity] },
        resolve,
      ),
    );
    expect(ack).toEqual({ ok: true, data: series });
  });

  it('answers the range held, the weekday × hour profile, and says what is wrong with a bad request', async () => {
    const range = (await (
      await fetch(`${baseUrl}/api/v1/history/boeblingen-demo/range`)
    ).json()) as HistoryRange;
    expect(range.earliestMs).toBe(T0 - 6 * HOUR);
    expect(range.latestMs).toBe(T0);
    expect(range.retention.traffic?.rawMs).toBe(30 * 24 * HOUR);

    const road = pack.sensors.find((s) => s.kind === 'traffic' && s.visibility === 'public') as Sensor;
    const profile = (await (
      await fetch(
        `${baseUrl}/api/v1/history/boeblingen-demo/sensors/${road.id}/profile?quantity=${road.quantities[0]}&weeks=1&to=${T0}`,
      )
    ).json()) as WeekdayHourProfile;
    expect(profile.timeZone).toBe('Europe/Berlin');
    // The readings ran from Monday 00:00 to 06:00 local time: Monday's first hours are filled.
    expect(profile.mean[0]?.slice(0, 6).every((v) => v !== null)).toBe(true);
    expect(profile.mean[0]?.slice(7).every((v) => v === null)).toBe(true);
    expect(profile.counts.flat().reduce((a, b) => a + b, 0)).toBe(
      fed.filter((r) => r.sensorId === road.id).length,
    );

    const metrics = await (await fetch(`${baseUrl}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`^citytwin_history_readings_total ${fed.length}$`, 'm'));
    expect(metrics).toMatch(/^citytwin_history_flush_failures_total 0$/m);

    const bad = await fetch(`${baseUrl}/api/v1/history/boeblingen-demo/state?at=yesterday`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/^at: not a time/);
    const unknown = await fetch(`${baseUrl}/api/v1/history/boeblingen-demo/sensors/nope/series`);
    expect(unknown.status).toBe(404);
    const tooFine = await fetch(
      `${baseUrl}/api/v1/history/boeblingen-demo/sensors/${road.id}/series?from=0&to=${T0}&step=1s`,
    );
    expect(tooFine.status).toBe(400);
    expect(((await tooFine.json()) as { error: string }).error).toMatch(/buckets asked for/);
    const socket = await socketFor(baseUrl);
    const refused = await new Promise<Ack<StateAt>>((resolve) =>
      socket.emit('history:state', { atMs: 'now' }, resolve),
    );
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.code).toBe('bad-request');
  });

  it('still has every reading after a restart', async () => {
    const atMs = T0 - 3 * HOUR;
    const before = await (await fetch(`${baseUrl}/api/v1/history/boeblingen-demo/state?at=${atMs}`)).json();
    await app?.close();
    app = undefined;
    baseUrl = await start(join(dir, 'history.duckdb'));
    const after = await (await fetch(`${baseUrl}/api/v1/history/boeblingen-demo/state?at=${atMs}`)).json();
    expect(after).toEqual(before);
    const counts = await (app as App | undefined)?.history?.store.counts();
    expect(counts?.raw).toBe(fed.reduce((n, r) => n + Object.keys(r.values).length, 0));
  });
});
