/**
 * Benchmark of ingest (`npm run bench:ingest`; never part of `npm test`): observations per second per
 * core through parse, validate, normalize and route, for HTTP NDJSON push, replay and MQTT.
 *
 * Each scenario prints exactly one JSON line on stdout (DESIGN.md, "Commands"); progress goes to
 * stderr. Each is warmed up once, then run three times; the median is reported. "Per core" means per
 * CPU-second of the server process: `process.cpuUsage()` (user + system, every thread of the process:
 * GC, libuv) across a run, so the figure does not depend on how busy the shared machine is, and load
 * generators and the broker run in processes of their own, outside the measurement. Every run also
 * routes: 300 hub subscriptions (`hub.subscribe` with counting sinks; viewports of different size and
 * place over the demo pack, some kinds only) receive diffs from hub ticks at 10 Hz, and one more tick
 * at the end of the run routes the last readings inside the measured window. Sockets are left out:
 * serialising diffs to Socket.io clients is the delivery path's cost, not ingest's.
 *
 * The servers run as a fresh install does: every accepted reading is also recorded in a history store
 * (DuckDB in a temporary folder) and judged by the alarm rules.
 *
 * Every run is checked, and a mismatch fails the bench (exit 1): the hub must have accepted every
 * reading sent (its accepted counter), rejected none, hold each sensor's newest reading afterwards,
 * and the subscribers must have been sent diffs.
 *
 * - `ingest.push`: the real server (`createApp` on port 0, simulator off, one push source, ticks on)
 *   and, in a child process, a load generator POSTing 200,000 valid readings of the demo pack's 84
 *   sensors as NDJSON bodies of 5,000 lines over loopback, 4 requests in flight (each with its own
 *   slice of the sensors, so each sensor's readings stay in order). Value: accepted readings per CPU-s
 *   of the server process (HTTP, body reading, auth, parse, validate, hub, metrics, ticks).
 *   Target: >= 100,000.
 * - `ingest.replay`: a recording of 200,000 readings (84 sensors round robin, 250 ms apart: each
 *   sensor every 21 s, 14 h in all) in a temporary file, played by `createReplaySource` into a hub
 *   with the same subscribers and ticks at 21,000x (the fastest speed at which a sensor's replayed
 *   readings fall on distinct milliseconds without the replay nudging them apart). Value: readings per CPU-s from `start()` (read, parse, validate, sort) until the hub
 *   has accepted the last one and routed it. Target: >= 100,000.
 * - `ingest.mqtt`: a Mosquitto of the bench's own (`createTestBroker`), the real server with an MQTT
 *   source (generic JSON, topic per sensor, a device mapping per demo sensor, time from the payload)
 *   and a publisher in a child process publishing 50,000 messages at QoS 1 (the adapter subscribes
 *   at QoS 1 on a persistent session, so delivery is QoS 1 too). Value: accepted readings per CPU-s
 *   of the server process from the first publish until the hub has accepted the last message. No
 *   target in the issue: reported only. Without Mosquitto it is skipped (a failure with CI=true).
 *
 * `npm run bench:ingest -- push replay` runs only the scenarios named (push, replay, mqtt).
 *
 * Baseline of every scenario: the bare engine floor, measured in the same process and run: the same
 * NDJSON bodies (replay: the same file, read from disk; MQTT: the same payloads) split into lines and
 * parsed with plain `JSON.parse`, no validation, in readings per CPU-second (parsed again until a run
 * has taken 200 ms of CPU, so that small sets measure steadily). The ratio is the share of raw JSON
 * parsing speed the whole path reaches.
 */
import { existsSync, rmSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { DuckDbHistoryStore } from '../src/history/duckdbHistoryStore.ts';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Diff, Sensor, SensorKind } from '../../protocol/index.ts';
import { SENSOR_KINDS } from '../../protocol/index.ts';
import { median, round, printBenchLine } from '../../scripts/benchLine.ts';
import type { App } from '../src/app.ts';
import { createApp } from '../src/app.ts';
import type { CityPack } from '../src/cityPack/loadCityPack.ts';
import { loadCityPack } from '../src/cityPack/loadCityPack.ts';
import { createSystemClock } from '../src/clock.ts';
import type { Config } from '../src/config.ts';
import { loadConfig } from '../src/config.ts';
import { createReplaySource } from '../src/adapters/replay/replay.ts';
import type { RejectionReason } from '../src/hub/hub.ts';
import { Hub } from '../src/hub/hub.ts';
import { createLogger } from '../src/logger.ts';
import type { AppMetrics } from '../src/metrics.ts';
import { createMetrics } from '../src/metrics.ts';
import type { TestBroker } from '../src/testing/mosquitto.ts';
import { MOSQUITTO_PATH, createTestBroker } from '../src/testing/mosquitto.ts';
import type { BenchSensor, MqttLoadConfig, PushLoadConfig } from './ingestLoad.ts';
import {
  MQTT_TOPIC_PREFIX,
  benchValues,
  mqttMessage,
  newestTimes,
  pushNewest,
  pushStreams,
  streamItem,
} from './ingestLoad.ts';
import type { LoadChild } from './loadChild.ts';
import { spawnLoadChild } from './loadChild.ts';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The history store as a fresh install runs it (DuckDB in a file), in a temporary folder: every
 * accepted reading is recorded, as in production. Removed when the process ends.
 */
const historyDirs: string[] = [];
async function benchHistory(): Promise<DuckDbHistoryStore> {
  const dir = await mkdtemp(join(tmpdir(), 'citytwin-bench-history-'));
  historyDirs.push(dir);
  return DuckDbHistoryStore.open({ file: join(dir, 'history.duckdb'), now: Date.now });
}
process.on('exit', () => {
  for (const dir of historyDirs) rmSync(dir, { recursive: true, force: true });
});
const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url));
const PACK_DIR = join(REPO_ROOT, 'data', 'boeblingen-demo');

const RUNS = 3;
const TARGET_PER_CORE = 100_000;
const SUBSCRIBERS = 300;
const TICK_HZ = 10;
const SUBSCRIBER_SEED = 20211;

const PUSH_READINGS = 200_000;
const PUSH_BATCH = 5_000;
const PUSH_CONCURRENCY = 4;
const PUSH_KEY = 'bench-push-key-0123456789abcdef';

const REPLAY_READINGS = 200_000;
/** Recorded time between two readings of the recording (all sensors round robin). */
const REPLAY_STEP_MS = 250;

const MQTT_MESSAGES = 50_000;
const MQTT_QOS = 1;
/** Longest wait for the server to take a run's readings before the run fails. */
const DRAIN_TIMEOUT_MS = 60_000;

function log(message: string): void {
  process.stderr.write(`[bench:ingest] ${message}\n`);
}

/** CPU time of this process so far (user + system, all threads), in ms. */
function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/** One measured run: how many readings, and the CPU and wall time they took. */
interface RunResult {
  readonly items: number;
  readonly cpuMs: number;
  readonly wallMs: number;
}

interface Measured {
  /** Median readings per CPU-second. */
  readonly perCpuS: number;
  readonly runs: readonly RunResult[];
}

const perCpuS = (run: RunResult): number => run.items / (run.cpuMs / 1000);

/** Runs `runOnce` once to warm up, then {@link RUNS} times; the median rate of those. */
async function measure(label: string, runOnce: (run: number) => Promise<RunResult>): Promise<Measured> {
  const warmUp = await runOnce(0);
  log(`${label}: warm-up ${round(perCpuS(warmUp)).toLocaleString('en')}/CPU-s`);
  const runs: RunResult[] = [];
  for (let run = 1; run <= RUNS; run++) runs.push(await runOnce(run));
  log(
    `${label}: ${runs
      .map(
        (r) =>
          `${round(perCpuS(r)).toLocaleString('en')}/CPU-s (${r.cpuMs.toFixed(0)} ms CPU, ${r.wallMs.toFixed(0)} ms wall)`,
      )
      .join('; ')}`,
  );
  return { perCpuS: median(runs.map(perCpuS)), runs };
}

/** The bare engine floor: split NDJSON texts into lines and `JSON.parse` each. Returns the lines parsed. */
function parseLines(texts: readonly string[]): number {
  let parsed = 0;
  let check = 0;
  for (const text of texts) {
    for (const line of text.split('\n')) {
      if (line === '') continue;
      const value: unknown = JSON.parse(line);
      if (typeof value === 'object') check += 1;
      parsed += 1;
    }
  }
  if (check !== parsed) throw new Error('the baseline parsed something that is not an object');
  return parsed;
}

/** Least CPU time of one baseline run: small payload sets are parsed again until it is reached. */
const FLOOR_MIN_CPU_MS = 200;

async function measureFloor(label: string, texts: () => Promise<readonly string[]> | readonly string[]) {
  return measure(`${label} baseline (JSON.parse)`, async () => {
    const cpu0 = cpuMs();
    const wall0 = performance.now();
    let items = 0;
    do items += parseLines(await texts());
    while (cpuMs() - cpu0 < FLOOR_MIN_CPU_MS);
    return { items, cpuMs: cpuMs() - cpu0, wallMs: performance.now() - wall0 };
  });
}

/**
 * The app's metrics with counters the bench can read and wait on: readings accepted per source and
 * every rejection. The Prometheus counters underneath still count, as in production.
 */
function countingMetrics() {
  const base = createMetrics();
  const accepted = new Map<string, number>();
  const rejected = new Map<string, number>();
  let waiter:
    { source: string; count: number; resolve: () => void; reject: (error: Error) => void } | undefined;
  const metrics: AppMetrics = {
    ...base,
    readingAccepted(source: string) {
      base.readingAccepted(source);
      const count = (accepted.get(source) ?? 0) + 1;
      accepted.set(source, count);
      if (waiter && waiter.source === source && count >= waiter.count) {
        const { resolve } = waiter;
        waiter = undefined;
        resolve();
      }
    },
    readingRejected(reason: RejectionReason, source: string) {
      base.readingRejected(reason, source);
      const key = `${source}/${reason}`;
      rejected.set(key, (rejected.get(key) ?? 0) + 1);
      // A rejected reading never arrives: fail now rather than at the timeout.
      if (waiter) {
        const { reject, count } = waiter;
        waiter = undefined;
        reject(
          new Error(`${source}: a reading was rejected (${reason}) while waiting for ${count} accepted`),
        );
      }
    },
  };
  return {
    metrics,
    accepted: (source: string) => accepted.get(source) ?? 0,
    rejections: () => [...rejected].map(([key, count]) => `${key}: ${count}`),
    /** Resolves once `source` has `count` accepted readings; rejects after `timeoutMs`. */
    waitFor(source: string, count: number, timeoutMs: number): Promise<void> {
      if ((accepted.get(source) ?? 0) >= count) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiter = undefined;
          reject(
            new Error(
              `${source}: ${accepted.get(source) ?? 0} of ${count} readings accepted after ${timeoutMs} ms` +
                ` (rejections: ${[...rejected].map(([k, n]) => `${k} ${n}`).join(', ') || 'none'})`,
            ),
          );
        }, timeoutMs);
        // On a failed run nothing waits any more: the timer must not hold the process open.
        timer.unref();
        waiter = {
          source,
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
          reject: (error) => {
            clearTimeout(timer);
            reject(error);
          },
        };
      });
    },
  };
}
type CountingMetrics = ReturnType<typeof countingMetrics>;

/** A small seeded PRNG (mulberry32), so every run routes to the same subscriptions. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Subscribers with counting sinks: what the hub routed to them. */
interface Subscribers {
  readonly count: number;
  readonly meanMembers: number;
  diffs(): number;
  upserts(): number;
}

/**
 * {@link SUBSCRIBERS} subscriptions as viewers would make them: one in ten sees the whole town, the
 * others a viewport of 10-60 % of its extent somewhere over it, some only one or two kinds.
 */
function addSubscribers(hub: Hub, sensors: readonly Sensor[]): Subscribers {
  const random = seededRandom(SUBSCRIBER_SEED);
  const lons = sensors.map((s) => s.position[0]);
  const lats = sensors.map((s) => s.position[1]);
  const [west, east, south, north] = [
    Math.min(...lons),
    Math.max(...lons),
    Math.min(...lats),
    Math.max(...lats),
  ];
  let diffs = 0;
  let upserts = 0;
  let members = 0;
  const sink = {
    send(diff: Diff) {
      diffs += 1;
      upserts += diff.upserts.length;
    },
    isCongested: () => false,
  };
  for (let i = 0; i < SUBSCRIBERS; i++) {
    const kinds: SensorKind[] =
      random() < 0.7 ? [...SENSOR_KINDS] : SENSOR_KINDS.filter(() => random() < 0.5).slice(0, 2);
    if (kinds.length === 0) kinds.push('traffic');
    let bbox: [number, number, number, number] | undefined;
    if (i % 10 !== 0) {
      const share = 0.1 + random() * 0.5;
      const halfLon = ((east - west) * share) / 2;
      const halfLat = ((north - south) * share) / 2;
      const lon = west + random() * (east - west);
      const lat = south + random() * (north - south);
      bbox = [lon - halfLon, lat - halfLat, lon + halfLon, lat + halfLat];
    }
    const id = hub.subscribe({ kinds, bbox, visibilities: ['public'] }, sink);
    members += hub.snapshot(id).states.length;
  }
  return {
    count: SUBSCRIBERS,
    meanMembers: members / SUBSCRIBERS,
    diffs: () => diffs,
    upserts: () => upserts,
  };
}

/** Checks that the hub holds each sensor's newest reading; throws naming the first that differs. */
function checkNewest(hub: Hub, newest: ReadonlyMap<string, number>, label: string): void {
  for (const [sensorId, atMs] of newest) {
    const held = hub.state(sensorId)?.observation?.observedAt;
    if (held !== atMs)
      throw new Error(`${label}: ${sensorId} holds a reading of ${String(held)}, expected ${atMs}`);
  }
}

function checkRun(
  label: string,
  counting: CountingMetrics,
  source: string,
  acceptedBefore: number,
  expected: number,
): void {
  const accepted = counting.accepted(source) - acceptedBefore;
  const rejections = counting.rejections();
  if (accepted !== expected || rejections.length > 0)
    throw new Error(
      `${label}: the hub accepted ${accepted} of ${expected} readings; rejections: ${rejections.join(', ') || 'none'}`,
    );
}

function benchSensors(sensors: readonly Sensor[]): BenchSensor[] {
  return sensors.map((s) => ({ id: s.id, quantities: s.quantities }));
}

function baseConfig(): Config {
  return {
    ...loadConfig({
      env: { PORT: '0', HOST: '127.0.0.1', CITYTWIN_LOG_LEVEL: 'silent', CITYTWIN_SIMULATOR: 'false' },
    }),
    tickHz: TICK_HZ,
  };
}

/** `ingest.push`: the real server, NDJSON batches from a child process over loopback. */
async function benchPush(pack: CityPack): Promise<void> {
  log(
    `ingest.push: ${PUSH_READINGS.toLocaleString('en')} readings per run in NDJSON bodies of ` +
      `${PUSH_BATCH} lines, ${PUSH_CONCURRENCY} in flight, ${SUBSCRIBERS} subscribers, ticks at ${TICK_HZ} Hz`,
  );
  const sensors = benchSensors(pack.sensors);
  const counting = countingMetrics();
  const source = 'bench-push';
  let app: App | undefined;
  let child: LoadChild | undefined;
  try {
    app = await createApp(
      { ...baseConfig(), sources: [{ type: 'push', id: source, apiKey: PUSH_KEY }] },
      { pack, rootDir: REPO_ROOT, history: await benchHistory(), metrics: counting.metrics, autoTick: true },
    );
    const port = await app.listen();
    const subscribers = addSubscribers(app.hub, pack.sensors);
    const loadConfig: PushLoadConfig = {
      url: `http://127.0.0.1:${port}/api/v1/observations`,
      apiKey: PUSH_KEY,
      sensors,
      readingsPerRun: PUSH_READINGS,
      batchSize: PUSH_BATCH,
      concurrency: PUSH_CONCURRENCY,
    };
    child = await spawnLoadChild(join(BENCH_DIR, 'pushLoadGenerator.ts'), loadConfig, REPO_ROOT);
    const load = child;
    const hub = app.hub;
    let nextBaseMs = Date.now() - 5_000;
    let bytes = 0;
    let requests = 0;
    const ours = await measure('ingest.push', async (run) => {
      const baseMs = nextBaseMs;
      const expected = pushNewest(sensors, PUSH_READINGS, PUSH_CONCURRENCY, baseMs);
      nextBaseMs = Math.max(...expected.newest.values()) + 1;
      const prepared = await load.request({ type: 'prepare', baseMs }, 'prepared');
      bytes = prepared.bytes;
      const acceptedBefore = counting.accepted(source);
      const upsertsBefore = subscribers.upserts();
      const cpu0 = cpuMs();
      const wall0 = performance.now();
      const done = await load.request({ type: 'go' }, 'done');
      hub.tick();
      const result = { items: expected.readings, cpuMs: cpuMs() - cpu0, wallMs: performance.now() - wall0 };
      const label = `ingest.push run ${run}`;
      if (done.errors.length > 0)
        throw new Error(`${label}: ${done.errors.length} failed requests, first: ${done.errors[0] ?? ''}`);
      if (done.accepted !== expected.readings)
        throw new Error(`${label}: the server answered ${done.accepted} accepted of ${expected.readings}`);
      checkRun(label, counting, source, acceptedBefore, expected.readings);
      checkNewest(hub, expected.newest, label);
      if (subscribers.upserts() === upsertsBefore)
        throw new Error(`${label}: nothing was routed to subscribers`);
      requests = done.requests;
      return result;
    });
    const bodies = pushStreams(
      sensors,
      PUSH_READINGS,
      PUSH_CONCURRENCY,
      PUSH_BATCH,
      Date.now(),
    ).bodies.flat();
    const floor = await measureFloor('ingest.push', () => bodies);
    const medianRun = ours.runs.find((r) => perCpuS(r) === ours.perCpuS) ?? ours.runs[0];
    printBenchLine({
      bench: 'ingest.push',
      value: round(ours.perCpuS),
      unit: 'observations/s/core',
      baseline: round(floor.perCpuS),
      ratio: round(ours.perCpuS / floor.perCpuS, 3),
      target: `>= ${TARGET_PER_CORE}`,
      pass: ours.perCpuS >= TARGET_PER_CORE,
      baselineKind: 'JSON.parse per NDJSON line of the same bodies, same process',
      readingsPerRun: PUSH_READINGS,
      requestsPerRun: requests,
      bodyKiB: round(bytes / requests / 1024, 1),
      inFlight: PUSH_CONCURRENCY,
      subscribers: subscribers.count,
      meanSensorsPerSubscriber: round(subscribers.meanMembers, 1),
      diffsRouted: subscribers.diffs(),
      tickHz: TICK_HZ,
      cpuMs: round(medianRun?.cpuMs ?? 0, 1),
      wallMs: round(medianRun?.wallMs ?? 0, 1),
      runsPerCpuS: ours.runs.map((r) => round(perCpuS(r))),
    });
  } finally {
    await child?.close();
    await app?.close();
  }
}

/** `ingest.replay`: a recording in a temporary file played by `createReplaySource` into a hub. */
async function benchReplay(pack: CityPack): Promise<void> {
  const sensors = benchSensors(pack.sensors);
  // The fastest speed at which one sensor's replayed readings stay at least 1 ms apart.
  const speed = REPLAY_STEP_MS * sensors.length;
  log(
    `ingest.replay: ${REPLAY_READINGS.toLocaleString('en')} readings at ${speed}x, ${SUBSCRIBERS} ` +
      `subscribers, ticks at ${TICK_HZ} Hz`,
  );
  const dir = await mkdtemp(join(tmpdir(), 'citytwin-bench-replay-'));
  const counting = countingMetrics();
  const clock = createSystemClock(1);
  const hub = new Hub({ sensors: pack.sensors, clock, metrics: counting.metrics });
  const ticker = setInterval(() => hub.tick(), 1000 / TICK_HZ);
  const logger = createLogger('silent');
  try {
    const file = join(dir, 'recording.ndjson');
    const recordedFromMs = Date.UTC(2026, 5, 1, 6, 0, 0);
    const lines: string[] = [];
    for (let i = 0; i < REPLAY_READINGS; i++) {
      const { sensor, sensorIndex, seq } = streamItem(sensors, i, 0);
      lines.push(
        JSON.stringify({
          sensorId: sensor.id,
          observedAt: recordedFromMs + i * REPLAY_STEP_MS,
          values: benchValues(sensor, seq, sensorIndex),
        }),
      );
    }
    await writeFile(file, `${lines.join('\n')}\n`);
    const subscribers = addSubscribers(hub, pack.sensors);
    const ours = await measure('ingest.replay', async (run) => {
      const source = `bench-replay-${run}`;
      const label = `ingest.replay run ${run}`;
      const upsertsBefore = subscribers.upserts();
      let startedAtMs = 0;
      const replay = createReplaySource({
        id: source,
        file,
        speed,
        loop: false,
        hub,
        logger,
        // The replay asks the time first when it starts playing: that is its start time.
        now: () => {
          const now = clock.now();
          if (startedAtMs === 0) startedAtMs = now;
          return now;
        },
      });
      const cpu0 = cpuMs();
      const wall0 = performance.now();
      const drained = counting.waitFor(source, REPLAY_READINGS, DRAIN_TIMEOUT_MS);
      drained.catch(() => undefined); // awaited below; marked handled in case start() fails first
      try {
        await replay.start();
        await drained;
      } finally {
        replay.stop();
      }
      hub.tick();
      const result = { items: REPLAY_READINGS, cpuMs: cpuMs() - cpu0, wallMs: performance.now() - wall0 };
      checkRun(label, counting, source, 0, REPLAY_READINGS);
      // Replayed times are the replay's own: start + recorded offset / speed, rounded to the ms.
      const newest = new Map<string, number>();
      for (let j = 0; j < sensors.length; j++) {
        const last = REPLAY_READINGS - 1 - ((REPLAY_READINGS - 1 - j) % sensors.length);
        newest.set(sensors[j]?.id ?? '', startedAtMs + Math.round((last * REPLAY_STEP_MS) / speed));
      }
      checkNewest(hub, newest, label);
      if (subscribers.upserts() === upsertsBefore)
        throw new Error(`${label}: nothing was routed to subscribers`);
      // The next run starts later than this one's newest reading, so none of its readings is older.
      await new Promise((resolve) => setTimeout(resolve, 5));
      return result;
    });
    const floor = await measureFloor('ingest.replay', async () => [await readFile(file, 'utf8')]);
    const medianRun = ours.runs.find((r) => perCpuS(r) === ours.perCpuS) ?? ours.runs[0];
    printBenchLine({
      bench: 'ingest.replay',
      value: round(ours.perCpuS),
      unit: 'observations/s/core',
      baseline: round(floor.perCpuS),
      ratio: round(ours.perCpuS / floor.perCpuS, 3),
      target: `>= ${TARGET_PER_CORE}`,
      pass: ours.perCpuS >= TARGET_PER_CORE,
      baselineKind: 'readFile + JSON.parse per line of the same recording, same process',
      readingsPerRun: REPLAY_READINGS,
      speed,
      subscribers: subscribers.count,
      meanSensorsPerSubscriber: round(subscribers.meanMembers, 1),
      diffsRouted: subscribers.diffs(),
      tickHz: TICK_HZ,
      cpuMs: round(medianRun?.cpuMs ?? 0, 1),
      wallMs: round(medianRun?.wallMs ?? 0, 1),
      runsPerCpuS: ours.runs.map((r) => round(perCpuS(r))),
    });
  } finally {
    clearInterval(ticker);
    await rm(dir, { recursive: true, force: true });
  }
}

/** `ingest.mqtt`: a Mosquitto of the bench's own, the server's MQTT source, a publisher child. */
async function benchMqtt(pack: CityPack): Promise<void> {
  if (!existsSync(MOSQUITTO_PATH)) {
    const message = `ingest.mqtt skipped: Mosquitto not found at ${MOSQUITTO_PATH} (install Debian's mosquitto, or set MOSQUITTO_PATH)`;
    if (/^(1|true)$/i.test(process.env.CI ?? ''))
      throw new Error(`${message}; with CI=true that is a failure`);
    log(message);
    return;
  }
  log(
    `ingest.mqtt: ${MQTT_MESSAGES.toLocaleString('en')} messages per run at QoS ${MQTT_QOS}, ` +
      `${SUBSCRIBERS} subscribers, ticks at ${TICK_HZ} Hz`,
  );
  const sensors = benchSensors(pack.sensors);
  const counting = countingMetrics();
  const source = 'bench-mqtt';
  let broker: TestBroker | undefined;
  let app: App | undefined;
  let child: LoadChild | undefined;
  try {
    broker = await createTestBroker();
    await broker.start();
    app = await createApp(
      {
        ...baseConfig(),
        sources: [
          {
            type: 'mqtt',
            id: source,
            url: broker.url,
            clientId: `citytwin-bench-${process.pid}`,
            format: 'generic',
            topics: [`${MQTT_TOPIC_PREFIX}/+`],
            deviceSegment: -1,
            timeField: 'time',
            devices: sensors.map((s) => ({
              sourceId: s.id,
              sensorId: s.id,
              fields: s.quantities.map((quantity) => ({ field: quantity, quantity })),
            })),
          },
        ],
      },
      { pack, rootDir: REPO_ROOT, history: await benchHistory(), metrics: counting.metrics, autoTick: true },
    );
    await app.listen();
    const subscribers = addSubscribers(app.hub, pack.sensors);
    const loadConfig: MqttLoadConfig = {
      url: broker.url,
      sensors,
      messagesPerRun: MQTT_MESSAGES,
      qos: MQTT_QOS,
    };
    child = await spawnLoadChild(join(BENCH_DIR, 'mqttLoadGenerator.ts'), loadConfig, REPO_ROOT);
    const load = child;
    const hub = app.hub;
    let nextBaseMs = Date.now() - 5_000;
    // The server subscribes once connected; probe until a reading comes through, so no run loses any.
    const probeBaseMs = nextBaseMs - 60_000;
    for (let i = 0; counting.accepted(source) === 0; i++) {
      if (i >= 100) throw new Error('ingest.mqtt: no probe reading reached the server in 100 tries');
      await load.request({ type: 'probe', baseMs: probeBaseMs, i }, 'probed');
      await counting.waitFor(source, 1, 200).catch(() => undefined);
    }
    let bytes = 0;
    const ours = await measure('ingest.mqtt', async (run) => {
      const baseMs = nextBaseMs;
      const newest = newestTimes(sensors, MQTT_MESSAGES, baseMs);
      nextBaseMs = Math.max(...newest.values()) + 1;
      const prepared = await load.request({ type: 'prepare', baseMs }, 'prepared');
      bytes = prepared.bytes;
      const acceptedBefore = counting.accepted(source);
      const upsertsBefore = subscribers.upserts();
      const label = `ingest.mqtt run ${run}`;
      const cpu0 = cpuMs();
      const wall0 = performance.now();
      const drained = counting.waitFor(source, acceptedBefore + MQTT_MESSAGES, DRAIN_TIMEOUT_MS);
      const [done] = await Promise.all([load.request({ type: 'go' }, 'done'), drained]);
      hub.tick();
      const result = { items: MQTT_MESSAGES, cpuMs: cpuMs() - cpu0, wallMs: performance.now() - wall0 };
      if (done.errors.length > 0)
        throw new Error(`${label}: ${done.errors.length} publishes failed, first: ${done.errors[0] ?? ''}`);
      checkRun(label, counting, source, acceptedBefore, MQTT_MESSAGES);
      checkNewest(hub, newest, label);
      if (subscribers.upserts() === upsertsBefore)
        throw new Error(`${label}: nothing was routed to subscribers`);
      return result;
    });
    const payloads: string[] = [];
    for (let i = 0; i < MQTT_MESSAGES; i++) payloads.push(mqttMessage(sensors, i, Date.now()).payload);
    const floor = await measureFloor('ingest.mqtt', () => payloads);
    const medianRun = ours.runs.find((r) => perCpuS(r) === ours.perCpuS) ?? ours.runs[0];
    printBenchLine({
      bench: 'ingest.mqtt',
      value: round(ours.perCpuS),
      unit: 'observations/s/core',
      baseline: round(floor.perCpuS),
      ratio: round(ours.perCpuS / floor.perCpuS, 3),
      target: 'none (reported)',
      pass: true,
      baselineKind: 'JSON.parse of the same payloads, same process',
      messagesPerRun: MQTT_MESSAGES,
      qos: MQTT_QOS,
      payloadBytes: round(bytes / MQTT_MESSAGES, 1),
      subscribers: subscribers.count,
      meanSensorsPerSubscriber: round(subscribers.meanMembers, 1),
      diffsRouted: subscribers.diffs(),
      tickHz: TICK_HZ,
      cpuMs: round(medianRun?.cpuMs ?? 0, 1),
      wallMs: round(medianRun?.wallMs ?? 0, 1),
      runsPerCpuS: ours.runs.map((r) => round(perCpuS(r))),
    });
  } finally {
    await child?.close();
    await app?.close();
    await broker?.dispose();
  }
}

const SCENARIOS = { push: benchPush, replay: benchReplay, mqtt: benchMqtt } as const;

async function main(): Promise<void> {
  const startMs = performance.now();
  const names = process.argv.slice(2);
  const unknown = names.filter((name) => !(name in SCENARIOS));
  if (unknown.length > 0)
    throw new Error(`no scenario ${unknown.join(', ')}; choose from ${Object.keys(SCENARIOS).join(', ')}`);
  const pack = await loadCityPack(PACK_DIR);
  for (const [name, run] of Object.entries(SCENARIOS))
    if (names.length === 0 || names.includes(name)) await run(pack);
  log(`done in ${((performance.now() - startMs) / 1000).toFixed(1)} s`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `[bench:ingest] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
