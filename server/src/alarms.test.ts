/**
 * Alarms over real sockets: a basin passing its marks raises alarms on every operator console of the
 * city at once, an acknowledgement on one console reaches the other within a second, the public never
 * sees an alarm, and an operator's change to a rule survives a restart.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { io as connect } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type {
  Ack,
  Alarm,
  AlarmChange,
  AlarmList,
  AlarmRule,
  ClientToServerEvents,
  HealthReport,
  Sensor,
  ServerToClientEvents,
} from '../../protocol/index.ts';
import { PROTOCOL_VERSION } from '../../protocol/index.ts';
import type { App } from './app.ts';
import { createApp } from './app.ts';
import type { CityPack } from './cityPack/loadCityPack.ts';
import { loadCityPack } from './cityPack/loadCityPack.ts';
import type { ManualClock } from './clock.ts';
import { createManualClock } from './clock.ts';
import type { Config } from './config.ts';
import { loadConfig } from './config.ts';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const T0 = Date.UTC(2026, 11, 3, 15, 0, 0);
const KEY_A = 'leitstelle-a-key-0123456789';
const KEY_B = 'leitstelle-b-key-0123456789';

let dir: string;
let pack: CityPack;
let basin: Sensor;
let config: Config;
let app: App | undefined;
let clock: ManualClock;
let baseUrl: string;
const sockets: ClientSocket[] = [];

async function start(): Promise<void> {
  app = await createApp(config, { clock, pack, rootDir: repoRoot, history: null, autoTick: false });
  baseUrl = `http://127.0.0.1:${await app.listen()}`;
}

/** A console: its socket and every alarm change it received, in order. */
async function consoleWith(accessKey?: string) {
  const socket: ClientSocket = connect(baseUrl, {
    auth: { protocolVersion: PROTOCOL_VERSION, ...(accessKey ? { accessKey } : {}) },
    transports: ['websocket'],
    forceNew: true,
  });
  sockets.push(socket);
  const changes: { change: AlarmChange; atMs: number }[] = [];
  socket.on('alarm:changed', (change) => changes.push({ change, atMs: performance.now() }));
  await new Promise<void>((resolve, reject) => {
    socket.once('server:hello', () => resolve());
    socket.once('connect_error', reject);
  });
  const list = () => new Promise<Ack<AlarmList>>((resolve) => socket.emit('alarm:list', resolve));
  return { socket, changes, list };
}

async function until(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function level(cm: number): void {
  const result = app?.hub.ingest(
    { sensorId: basin.id, observedAt: clock.now(), values: { levelCm: cm } },
    'test',
  );
  if (!result?.accepted) throw new Error(JSON.stringify(result));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'citytwin-alarms-'));
  clock = createManualClock(T0);
  pack = await loadCityPack(fileURLToPath(new URL('../../data/boeblingen-demo', import.meta.url)));
  basin = pack.sensors.find((s) => s.kind === 'water') as Sensor;
  const base = loadConfig({
    env: { PORT: '0', HOST: '127.0.0.1', CITYTWIN_LOG_LEVEL: 'silent', CITYTWIN_SIMULATOR: 'off' },
  });
  config = {
    ...base,
    accessKeys: [
      { id: 'leitstelle-a', role: 'operator', apiKey: KEY_A },
      { id: 'leitstelle-b', role: 'operator', apiKey: KEY_B },
    ],
    alarms: { ...base.alarms, rulesFile: join(dir, 'alarm-rules.json') },
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

describe('alarms over real sockets', () => {
  it('raises a basin’s alarms on every console, syncs an acknowledgement within a second, and tells the public nothing', async () => {
    const a = await consoleWith(KEY_A);
    const b = await consoleWith(KEY_B);
    const pub = await consoleWith();
    const marks = basin.thresholds.levelCm as { warn: number; alarm: number };
    level(marks.warn - 30);
    clock.advance(60_000);
    level(marks.alarm + 12);
    await until(() => a.changes.length >= 2 && b.changes.length >= 2, 'the raised alarms on both consoles');
    const raised = a.changes.map((c) => c.change.alarm);
    expect(raised.map((x) => `${x.ruleId}:${x.state}`).sort()).toEqual([
      'basin-alarm:raised',
      'basin-warn:raised',
    ]);
    expect(b.changes.map((c) => c.change)).toEqual(a.changes.map((c) => c.change));
    expect(a.changes.map((c) => c.change.seq)).toEqual([1, 2]);
    const alarm = raised.find((x) => x.ruleId === 'basin-alarm') as Alarm;
    expect(alarm).toMatchObject({
      sensorId: basin.id,
      severity: 'alarm',
      value: marks.alarm + 12,
      limit: marks.alarm,
    });

    const sentAt = performance.now();
    const acked = await new Promise<Ack<Alarm>>((resolve) =>
      a.socket.emit('alarm:ack', { alarmId: alarm.id, comment: 'Bereitschaft alarmiert' }, resolve),
    );
    expect(acked).toMatchObject({
      ok: true,
      data: { state: 'acknowledged', acknowledgedBy: 'leitstelle-a', comment: 'Bereitschaft alarmiert' },
    });
    await until(() => b.changes.length >= 3, 'the acknowledgement on console B', 1000);
    const onB = b.changes[2];
    expect(onB?.change.alarm).toMatchObject({
      id: alarm.id,
      state: 'acknowledged',
      acknowledgedBy: 'leitstelle-a',
    });
    expect((onB?.atMs ?? Infinity) - sentAt).toBeLessThan(1000);
    const listed = await b.list();
    expect(listed.ok && listed.data.seq).toBe(3);
    expect(listed.ok && listed.data.alarms.find((x) => x.id === alarm.id)?.state).toBe('acknowledged');

    // The public: no alarm event, and the list is refused.
    expect(pub.changes).toEqual([]);
    const refused = await pub.list();
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.code).toBe('forbidden');
    const ackRefused = await new Promise<Ack<Alarm>>((resolve) =>
      pub.socket.emit('alarm:ack', { alarmId: alarm.id }, resolve),
    );
    expect(ackRefused.ok).toBe(false);
  });

  it('reports each source’s readings, rejections by reason and dead letters, and each sensor’s freshness to staff', async () => {
    const a = await consoleWith(KEY_A);
    const pub = await consoleWith();
    app?.hub.ingest({ sensorId: basin.id, observedAt: 'yesterday', values: { levelCm: 1 } }, 'test');
    app?.hub.ingest({ sensorId: 'no-such-basin', observedAt: clock.now(), values: { levelCm: 1 } }, 'test');
    const report = await new Promise<Ack<HealthReport>>((resolve) => a.socket.emit('ops:health', resolve));
    if (!report.ok) throw new Error(report.error.message);
    const test = report.data.sources.find((s) => s.id === 'test');
    expect(test?.accepted).toBeGreaterThanOrEqual(2);
    expect(test?.rejections).toMatchObject({ 'invalid-payload': 1, 'unknown-sensor': 1 });
    expect(report.data.deadLetters.slice(0, 2).map((d) => d.reason)).toEqual([
      'unknown-sensor',
      'invalid-payload',
    ]);
    const row = report.data.sensors.find((s) => s.sensorId === basin.id);
    expect(row).toMatchObject({ freshness: 'live', observedAtMs: clock.now() });
    expect(report.data.sensors).toHaveLength(pack.sensors.length);
    const refused = await new Promise<Ack<HealthReport>>((resolve) => pub.socket.emit('ops:health', resolve));
    expect(refused.ok).toBe(false);
  });

  it('lets an operator change a rule for every console, and keeps the change across a restart', async () => {
    const a = await consoleWith(KEY_A);
    const b = await consoleWith(KEY_B);
    const pub = await consoleWith();
    const rulesOnB: AlarmRule[][] = [];
    const rulesOnPublic: AlarmRule[][] = [];
    b.socket.on('alarm:rules', (rules) => rulesOnB.push(rules));
    pub.socket.on('alarm:rules', (rules) => rulesOnPublic.push(rules));
    const listed = await a.list();
    if (!listed.ok) throw new Error(listed.error.message);
    const slow = listed.data.rules.find((r) => r.id === 'traffic-slow') as AlarmRule;
    const changed = {
      ...slow,
      raiseDelayMs: 300_000,
      overrides: { [pack.sensors.find((s) => s.kind === 'traffic')?.id ?? '']: { below: 0.2 } },
    };
    const answer = await new Promise<Ack<AlarmRule>>((resolve) =>
      a.socket.emit('alarm:rule', changed, resolve),
    );
    expect(answer).toEqual({ ok: true, data: changed });
    // The other console gets the new rules at once; the public gets nothing.
    await until(() => rulesOnB.length === 1, 'the changed rules on console B', 1000);
    expect(rulesOnB[0]?.find((r) => r.id === 'traffic-slow')).toEqual(changed);
    expect(rulesOnB[0]?.length).toBe(listed.data.rules.length);
    expect(rulesOnPublic).toEqual([]);
    const bad = await new Promise<Ack<AlarmRule>>((resolve) =>
      a.socket.emit(
        'alarm:rule',
        { ...changed, condition: { type: 'value', quantity: 'speedKmh' } },
        resolve,
      ),
    );
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.message).toMatch(/exactly one of above and below/);
    expect(JSON.parse(readFileSync(join(dir, 'alarm-rules.json'), 'utf8'))).toEqual({ rules: [changed] });

    a.socket.disconnect();
    await app?.close();
    await start();
    const again = await (await consoleWith(KEY_B)).list();
    expect(again.ok && again.data.rules.find((r) => r.id === 'traffic-slow')).toEqual(changed);
  });
});
