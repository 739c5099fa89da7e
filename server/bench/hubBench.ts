/**
 * Benchmark of the live delivery path (`npm run bench:hub`; never part of `npm test`): how many
 * sensor updates the server gets to clients per CPU-second, against a naive design; how many clients
 * one node holds; how long a reading takes from ingest to a client.
 *
 * Set-up shared by all scenarios. The bench process is the server: the real `createApp` on port 0
 * (simulator off, log silent) serving a synthetic town (`hubCityPack.ts`: the demo pack with 1,000
 * sensors of its own, parking, traffic and environment, spread evenly over the demo's area). Readings
 * are made inside the server process by a driver (`hubReadingDriver.ts`) at a set rate, sensors
 * round robin, spread evenly over time, each stamped with the time it is handed to `hub.ingest`
 * (`observedAt`) and carrying values that are a pure function of sensor and time (`hubValues`), so a
 * client can check every value it gets. One reading of every sensor is taken before clients come;
 * the load starts once all are subscribed. The clients are real socket.io-client sockets on the
 * websocket transport over loopback, in child processes at nice 10 (`hubClientFleet.ts`, several
 * per scenario so both cores are used; the server keeps priority, as it would with clients on other
 * machines), speaking only the public protocol: handshake `auth` with `protocolVersion` and
 * `clientClass: 'public'`, `server:hello`, `live:subscribe` (kinds, optional bbox) answered with a
 * snapshot, then `live:diff`, `live:snapshot` and `live:resync` as the viewer does. Server CPU is
 * `process.cpuUsage()` of the bench process (user + system, all threads), so every figure is per
 * CPU-second of the server alone and does not depend on what the clients cost.
 *
 * Config is set so that it works with and without rates per client class: `tickHz`, plus
 * `tickHzByClass` (every class at the wanted client rate) when the loaded config has it; without it
 * the hub itself ticks at the client rate. Each client checks the rate its hello announces.
 *
 * Scenarios (each prints one JSON line on stdout, progress on stderr):
 * - `hub.deliveries`: 1,000 clients subscribed to the whole town (all three kinds, no viewport), 10
 *   diffs/s each, every one of the 1,000 sensors changing once per 100 ms tick (10,000 readings/s):
 *   10,000,000 updates/s offered. A delivery is one sensor state in a `live:diff` a client received
 *   (states of pushed `live:snapshot`s are reported beside, not counted). A warm-up run, then
 *   three runs: each starts with nothing in flight, feeds the readings for 4 s, then stops them and
 *   waits until every diff the server wrote since the start has reached its client. Value: the
 *   deliveries of the diffs made in the run (by their `serverTimeMs`) per server CPU-second from the
 *   start until the last arrived (so the CPU of writes the kernel could only take later counts
 *   too); median of the runs. Cross-checked against what the server says it wrote: every engine.io
 *   packet that is a `live:diff` is counted in the server (`packetCreate`: packets and characters),
 *   and the clients' counts must match both exactly. Target: >= 10,000,000 per core.
 * - `hub.naive`: the same clients, the same readings at the same rate, through the naive design
 *   (`hubNaiveServer.ts`: a plain Socket.io server that emits each reading's state to every client
 *   as it arrives). It cannot keep up, so each of three runs (after a warm-up run) feeds it for
 *   1.5 s (at most 20 readings per timer pass, the rest dropped as a feed's latest value would win),
 *   then waits until the clients have received every emitted event; value: events received per
 *   server CPU-second over that whole time. It has no hub, no validation, no ticks and no
 *   connection-state recovery, which favours it. Its line's `ratio` is hub.deliveries / hub.naive
 *   (the speed-up the issue's target is about), the inverse of value / baseline. Target: >= 50.
 * - `hub.latency`: the same server and clients at 70 % of the most the set-up carried in
 *   hub.deliveries (the median end-to-end rate of its runs: deliveries / time until the last
 *   arrived), by lowering the reading rate (each reading still goes to every client), in three
 *   windows of 6 s one after another after a 2 s warm-up; the value and the figures beside it are
 *   the window with the median p99 (all three windows' p99 are in the line: on this shared machine
 *   a second in which the VM gets little CPU decides a single window's p99). Latency of a reading = client receipt - ingest: `observedAt` is `Date.now()` when
 *   the driver hands the reading to `hub.ingest` (the hub's own clock), receipt is
 *   `performance.timeOrigin + performance.now()` when the packet reaches the client's parser. Both
 *   read the system's real-time clock on this one machine (Date.now() truncates to the ms, so a
 *   latency is overstated by less than 1 ms). The value is measured at 10 probe viewers beside the
 *   1,000 (one more fleet process, subscribed like them, at normal priority, checking every diff in
 *   full): the 1,000 are the load, and on this machine they share two cores with the server at nice
 *   10, so a diff can wait for their process long after it arrived, which a viewer on its own
 *   machine never does. The same latency at the load's own clients (the diffs they check in full,
 *   one in 50 per client, staggered) is printed beside it (`loadClientsMs`). Readings arrive at
 *   every phase of a viewer's period, so the wait for its next diff (up to 100 ms at 10 Hz) is part
 *   of it. Target: p99 <= 25 ms + one tick (the viewer's, 100 ms). Baseline: the p99 of that wait
 *   alone (`serverTimeMs - observedAt` of the same readings), the floor of a design that sends
 *   once per period. Beside it: tick to client receipt, and the server's own part of that (tick to
 *   the packet handed to the socket's connection). The probes join after the 1,000; the server
 *   starts each broadcast to a room at another member (`recoveryAdapter.ts`), so they are written
 *   at every place of a tick's order, as every viewer is (in join order they were always last).
 * - `hub.clients10k`: 10,000 clients (or as many as the open-file limit and the local ports allow:
 *   the server holds one descriptor per client, and Node cannot raise the limit) in 5 fleets, each
 *   subscribed with its own random viewport (5-35 % of the town's width and height, about 4 % of the
 *   sensors on average; all distinct, so no two share a group) at 2 diffs/s (class `public`; the
 *   hub ticks at 50 Hz), every sensor changing once per 500 ms period (2,000 readings/s), so every
 *   view has news every period. Ticks behind per client over 8 s after a 3 s warm-up (see
 *   `hubClientFleet.ts`: how stale its state got, in periods beyond the one batching costs; catches
 *   slow deliveries, skipped diffs and late ticks alike). Value: server RSS per client, (RSS with
 *   all clients subscribed under load - RSS before they connected) / clients, each after a full GC
 *   and the 300 ms in which V8 returns the pages it freed (see `rssAfterGc`), taken 35 s into the load: Socket.io's connection-state recovery keeps every packet it sent for
 *   its 30 s window (and drops old ones only once a minute), so RSS grows for at least that long;
 *   earlier samples are in the line. Baseline: the same for the connections alone, before they
 *   subscribe (the bare Socket.io cost). Target: <= 30 KiB per client and no client more than 2
 *   ticks behind. Beside it, to tell whose stall made clients late: the longest gap in the server's
 *   event loop and its longest GC pause in the window, and each fleet's longest loop gap. And the
 *   baseline of the lag, measured in the same run once the load has stopped: the transport floor,
 *   how many diff-sized messages a second the server writes to the same 10,000 sockets through the
 *   same Socket.io path with no hub behind them (`measureTransportFloor`). How many of the 20,000
 *   diffs due a second the hub sends decides the ticks behind; the floor says what this machine
 *   allowed at the time, and the hub's diffs/s against it what the hub adds.
 *
 * Each scenario runs in a process of its own (the bench starts one per scenario and waits for it):
 * a server that held 10,000 connections leaves a few hundred MiB of garbage in its process after it
 * closed, which a full collection then takes from whatever runs next, and the memory of clients10k
 * is measured from a fresh process.
 *
 * `npx tsx server/bench/hubBench.ts clients10k deliveries` runs only the scenarios named
 * (clients10k; deliveries: deliveries, naive and latency). `HUB_BENCH_CPU_PROF_DIR=dir` profiles
 * the client fleets; run the bench with `node --cpu-prof --import tsx` to profile the server. Every
 * run is checked, and a mismatch fails the bench (exit 1): no rejected reading, every client
 * subscribed with a snapshot of exactly its view, clients got diffs, the checked diffs hold the
 * values the server's readings carried, the counts read from diffs match the full parse,
 * deliveries never exceed what was offered, and what clients received matches what the server
 * wrote. A target missed is `pass: false`, not a failure.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventLoopUtilization } from 'node:perf_hooks';
import { PerformanceObserver, monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString, writeHeapSnapshot } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { median, printBenchLine, round } from '../../scripts/benchLine.ts';
import type { App } from '../src/app.ts';
import { createApp } from '../src/app.ts';
import type { CityPack } from '../src/cityPack/loadCityPack.ts';
import { loadCityPack } from '../src/cityPack/loadCityPack.ts';
import type { Config } from '../src/config.ts';
import { loadConfig } from '../src/config.ts';
import { createMetrics } from '../src/metrics.ts';
import { writeHubCityPack } from './hubCityPack.ts';
import type { FleetChild } from './hubFleetChannel.ts';
import { spawnFleet } from './hubFleetChannel.ts';
import type {
  FleetConfig,
  FleetReport,
  HubSensor,
  SparseHistogram,
  ViewportSpec,
  WindowCounts,
} from './hubLoad.ts';
import {
  HUB_KINDS,
  LATENCY_BINS,
  LATENCY_BIN_MS,
  addHistogram,
  clientViewport,
  histogramQuantile,
  hubSensor,
  inBBox,
} from './hubLoad.ts';
import { FLOOR_EVENT } from './hubWireParser.ts';
import { startNaiveServer } from './hubNaiveServer.ts';
import type { ReadingDriver } from './hubReadingDriver.ts';
import { startReadingDriver } from './hubReadingDriver.ts';
import type { BBox, Diff, SensorState } from '../../protocol/index.ts';
import { DiffTextEncoder } from '../../protocol/index.ts';
import { preEncoded } from '../src/live/preEncoded.ts';
import { recoveryBufferStats } from '../src/live/recoveryAdapter.ts';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FLEET_FILE = fileURLToPath(new URL('./hubClientFleet.ts', import.meta.url));

const SENSORS = 1_000;
const SOURCE = 'hub-bench';

/**
 * Hub ticks per second in every scenario: the server's default. Clients get their class's rate (10
 * or 2 Hz), spread over the hub's ticks.
 */
const HUB_TICK_HZ = 50;

const DELIVERY_CLIENTS = 1_000;
const DELIVERY_HZ = 10;
const DELIVERY_FLEETS = 4;
const DELIVERY_VERIFY_EVERY = 50;
const RUNS = 3;
const RUN_MS = 4_000;
const TARGET_PER_CORE = 10_000_000;

const NAIVE_RUN_MS = 1_500;
const NAIVE_MAX_PER_PASS = 20;
const TARGET_RATIO = 50;
/** Longest wait for the naive server's clients to receive what it emitted. */
const NAIVE_DRAIN_TIMEOUT_MS = 90_000;

const LATENCY_SHARE = 0.7;
const LATENCY_WARM_UP_MS = 2_000;
const LATENCY_RUN_MS = 6_000;
/** Measured windows, one after another under the same load: the value is the median window's. */
const LATENCY_WINDOWS = 3;
const LATENCY_BUDGET_MS = 25;
/** Viewers whose latency hub.latency measures, beside the load's 1,000 (see the module comment). */
const LATENCY_PROBES = 10;

const MANY_CLIENTS = 10_000;
const MANY_HZ = 2;
const MANY_FLEETS = 5;
/** Every sensor changes once per client period, so every view has news every period. */
const MANY_READINGS_PER_S = SENSORS * MANY_HZ;
const MANY_VERIFY_EVERY = 10;
const MANY_WARM_UP_MS = 3_000;
const MANY_RUN_MS = 8_000;
/** How long the transport floor writes (see `measureTransportFloor`). */
const FLOOR_RUN_MS = 3_000;
/** When the memory is measured, from the start of the load: after one whole recovery window (30 s). */
const MANY_MEMORY_AT_MS = 35_000;
/** Time between the last two memory samples. */
const MEMORY_SAMPLE_MS = 12_000;
/** How long after a full collection RSS is read (see `rssAfterGc`). */
const RSS_SETTLE_MS = 300;
const VIEWPORTS: ViewportSpec = { seed: 20211, minShare: 0.05, maxShare: 0.35 };
const TARGET_KIB_PER_CLIENT = 30;
const TARGET_TICKS_BEHIND = 2;
/** Descriptors the server keeps beside its clients' (listening socket, IPC, files, stdio). */
const FD_RESERVE = 200;

/** Longest wait after a run for its last diffs to reach the clients. */
const SETTLE_TIMEOUT_MS = 30_000;
/** How long the server's count of written diffs must stay the same to count as final. */
const SETTLE_QUIET_MS = 600;
const CONNECT_CONCURRENCY = 50;

function log(message: string): void {
  process.stderr.write(`[bench:hub] ${message}\n`);
}

/** CPU time of this process so far (user + system, all threads), in ms. */
function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/** The system (kernel) part of this process's CPU time so far, in ms: mostly socket writes here. */
function systemCpuMs(): number {
  return process.cpuUsage().system / 1000;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

/** A full garbage collection, for memory figures that do not depend on when V8 last collected. */
const collectGarbage: () => void = (() => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('typeof gc === "function" ? gc : undefined') as (() => void) | undefined;
  return gc ?? (() => undefined);
})();

/**
 * RSS once a full collection has run and returned what it freed. V8 hands the pages it freed back to
 * the system from a background thread after the collection: read at once, RSS still counts them
 * (under the load of hub.clients10k, 15-55 MiB that are gone 100 ms later, and no further change
 * after a second).
 */
async function rssAfterGc(): Promise<number> {
  collectGarbage();
  collectGarbage();
  await sleep(RSS_SETTLE_MS);
  return process.memoryUsage().rss;
}

/** The soft limit of open files of this process (inherited by the fleets). */
function openFileLimit(): number {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = line?.split(/\s{2,}/)[1];
    if (soft === 'unlimited') return Number.POSITIVE_INFINITY;
    if (soft !== undefined && Number.isFinite(Number(soft))) return Number(soft);
  } catch {
    // Not Linux: ask the shell.
  }
  const answer = execFileSync('bash', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim();
  return answer === 'unlimited' ? Number.POSITIVE_INFINITY : Number(answer);
}

/** Local ports the kernel hands out to outgoing connections (each client needs one). */
function ephemeralPorts(): number {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/)
      .map(Number);
    if (low !== undefined && high !== undefined && high >= low) return high - low + 1;
  } catch {
    // Not Linux: assume the IANA range.
  }
  return 16_384;
}

/**
 * The server's config: no simulator, port 0, silent, the hub at `hubHz`. Where the config has
 * rates per client class, every class gets `clientHz`, so the bench's public sockets do; where it
 * has none, the hub itself ticks at `clientHz`.
 */
function serverConfig(hubHz: number, clientHz: number): { config: Config; hubHz: number; classes: boolean } {
  const base = loadConfig({
    env: {
      PORT: '0',
      HOST: '127.0.0.1',
      CITYTWIN_LOG_LEVEL: 'silent',
      // Thousands of load clients share this machine's address; the per-socket limits still apply.
      CITYTWIN_SOCKET_LIMITS_PER_ADDRESS: 'false',
      CITYTWIN_SIMULATOR: 'false',
      ...(process.env.HUB_BENCH_RECOVERY_MIB
        ? { CITYTWIN_RECOVERY_BUFFER_MIB: process.env.HUB_BENCH_RECOVERY_MIB }
        : {}),
    },
  });
  const config: Record<string, unknown> = { ...base };
  const byClass = config.tickHzByClass;
  const classes = typeof byClass === 'object' && byClass !== null;
  const tickHz = classes ? hubHz : clientHz;
  config.tickHz = tickHz;
  if (classes)
    config.tickHzByClass = Object.fromEntries(Object.keys(byClass).map((name) => [name, clientHz]));
  return { config: config as Config, hubHz: tickHz, classes };
}

/** `live:diff` packets the server's engine.io sockets wrote, and their characters. */
interface PacketCount {
  diffs: number;
  chars: number;
  /**
   * Per diff packet, ms from its tick (`serverTimeMs`) until the server handed it to the socket's
   * connection: the server's own part of the delivery (1 ms bins). Cleared by the caller.
   */
  readonly queuedMs: Float64Array;
}

interface EngineSocketLike {
  on(event: 'packetCreate', listener: (packet: { type: string; data?: unknown }) => void): void;
}

/** What the bench needs of the hub's private broadcast (the gateway's `GroupBroadcast`). */
interface HubWithBroadcast {
  broadcast?: (groupId: string, diff: { serverTimeMs: number }, ...rest: never[]) => void;
}

/**
 * Counts every `live:diff` the server writes, as engine.io packets (`packetCreate` is emitted for
 * each packet a connection sends, broadcast or not), and how long after its tick each was handed
 * over. The hub's group broadcast is wrapped so that the packets made while it runs are known to be
 * that diff's, with its tick's time: the listener reads no packet's text (a packet is a string of
 * pieces, which reading would copy into one; the server itself never does that).
 */
function countDiffPackets(app: App): PacketCount {
  const count: PacketCount = { diffs: 0, chars: 0, queuedMs: new Float64Array(60_000) };
  const hub = app.hub as unknown as HubWithBroadcast;
  const broadcast = hub.broadcast;
  if (broadcast === undefined) throw new Error('the hub has no group broadcast to count diffs by');
  let diffTimeMs: number | undefined;
  hub.broadcast = (groupId, diff, ...rest) => {
    diffTimeMs = diff.serverTimeMs;
    try {
      broadcast(groupId, diff, ...rest);
    } finally {
      diffTimeMs = undefined;
    }
  };
  app.io.engine.on('connection', (conn: EngineSocketLike) => {
    conn.on('packetCreate', (packet) => {
      if (diffTimeMs === undefined || packet.type !== 'message' || typeof packet.data !== 'string') return;
      count.diffs++;
      count.chars += packet.data.length;
      const bin = Math.min(count.queuedMs.length - 1, Math.max(0, Date.now() - diffTimeMs));
      count.queuedMs[bin] = (count.queuedMs[bin] ?? 0) + 1;
    });
  });
  return count;
}

/** Packets kept for connection-state recovery (the bounded adapter's buffer), or null without one. */
function recoveryBufferPackets(app: App): number | null {
  return recoveryBufferStats(app.io.of('/').adapter)?.packets ?? null;
}

/** The synthetic town. */
interface Town {
  readonly pack: CityPack;
  readonly sensors: readonly HubSensor[];
  readonly extent: BBox;
}

/** The real server with the reading driver feeding its hub. */
interface HubServer {
  readonly app: App;
  readonly url: string;
  readonly hubHz: number;
  readonly classes: boolean;
  readonly packets: PacketCount;
  /** Feeds the hub; paused at rate 0. */
  readonly driver: ReadingDriver;
  /** Readings the hub turned away (the bench fails on any) and the first reason. */
  rejected(): { count: number; first: string };
  close(): Promise<void>;
}

async function startHubServer(town: Town, hubHz: number, clientHz: number): Promise<HubServer> {
  const { config, hubHz: tickHz, classes } = serverConfig(hubHz, clientHz);
  const app = await createApp(config, {
    pack: town.pack,
    rootDir: REPO_ROOT,
    history: null,
    metrics: createMetrics({ defaultMetrics: false }),
    autoTick: true,
  });
  const packets = countDiffPackets(app);
  const port = await app.listen();
  let rejected = 0;
  let first = '';
  const hub = app.hub;
  const driver = startReadingDriver({
    sensors: town.sensors,
    perSecond: 0,
    emit: (observation) => {
      const result = hub.ingest(observation, SOURCE);
      if (!result.accepted) {
        rejected++;
        first ||= result.rejection.message;
      }
    },
  });
  // Every sensor has a reading before the clients come; the load starts with `driver.setRate`.
  driver.sendRound();
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    hubHz: tickHz,
    classes,
    packets,
    driver,
    rejected: () => ({ count: rejected, first }),
    async close() {
      driver.stop();
      await app.close();
    },
  };
}

/** Starts `fleets` client fleets sharing `clients` clients between them. */
async function startFleets(
  count: number,
  clients: number,
  base: Omit<FleetConfig, 'firstClient' | 'clients'>,
): Promise<FleetChild[]> {
  const per = Math.ceil(clients / count);
  const configs: FleetConfig[] = [];
  for (let first = 0; first < clients; first += per)
    configs.push({ ...base, firstClient: first, clients: Math.min(per, clients - first) });
  const started = await Promise.allSettled(configs.map((c) => spawnFleet(FLEET_FILE, c, REPO_ROOT)));
  const fleets = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    await closeFleets(fleets);
    throw failed.reason;
  }
  return fleets;
}

async function closeFleets(fleets: readonly FleetChild[]): Promise<void> {
  await Promise.all(fleets.map((fleet) => fleet.close()));
}

/** Connects every fleet's clients and checks the rate their hellos announce. */
async function connectFleets(
  fleets: readonly FleetChild[],
  clients: number,
  wantHz: number,
): Promise<number> {
  const startMs = performance.now();
  const replies = await Promise.all(fleets.map((fleet) => fleet.request({ type: 'connect' }, 'connected')));
  const connected = replies.reduce((sum, r) => sum + r.clients, 0);
  if (connected !== clients) throw new Error(`${connected} of ${clients} clients connected`);
  const announced = [...new Set(replies.flatMap((r) => r.helloHz))];
  if (announced.some((hz) => hz !== wantHz))
    throw new Error(
      `the server announced ${announced.join(', ')} diffs/s to the clients; the bench asked for ${wantHz}`,
    );
  const wallMs = performance.now() - startMs;
  log(`${connected} clients connected in ${(wallMs / 1000).toFixed(1)} s`);
  return wallMs;
}

/** Subscribes every fleet's clients and checks that each snapshot held exactly its view. */
async function subscribeFleets(
  fleets: readonly FleetChild[],
): Promise<{ snapshotStates: number; wallMs: number }> {
  const startMs = performance.now();
  const replies = await Promise.all(
    fleets.map((fleet) => fleet.request({ type: 'subscribe' }, 'subscribed')),
  );
  const snapshotStates = replies.reduce((sum, r) => sum + r.snapshotStates, 0);
  const expected = replies.reduce((sum, r) => sum + r.expectedSnapshotStates, 0);
  if (snapshotStates !== expected)
    throw new Error(`the snapshots held ${snapshotStates} states; the clients' views hold ${expected}`);
  const wallMs = performance.now() - startMs;
  log(
    `subscribed in ${(wallMs / 1000).toFixed(1)} s (${snapshotStates.toLocaleString('en')} snapshot states)`,
  );
  return { snapshotStates, wallMs };
}

async function armFleets(fleets: readonly FleetChild[], fromMs: number, toMs: number): Promise<void> {
  await Promise.all(fleets.map((fleet) => fleet.request({ type: 'arm', fromMs, toMs }, 'armed')));
}

/** What the server did in a measured window: its CPU, the diffs it wrote, tick to socket p99. */
interface MeasuredWindow {
  readonly from: number;
  readonly to: number;
  readonly cpuMs: number;
  readonly diffs: number;
  readonly queuedP99Ms: number;
  readonly elu: EventLoopUtilization;
  /**
   * The longest the server's event loop went without running a 10 ms timer in the window (about 10
   * when nothing stalled it; a long task, a collection, or the process not being scheduled show here)
   * and its longest garbage-collection pause, in ms.
   */
  readonly maxLoopGapMs: number;
  readonly maxGcPauseMs: number;
}

/** Arms `fleets` for a window of `runMs` that starts in 50 ms, and waits until it has ended. */
async function measureWindow(
  server: HubServer,
  fleets: readonly FleetChild[],
  runMs: number,
): Promise<MeasuredWindow> {
  const from = Date.now() + 50;
  const to = from + runMs;
  await armFleets(fleets, from, to);
  await sleep(from - Date.now());
  const cpu0 = cpuMs();
  const diffs0 = server.packets.diffs;
  server.packets.queuedMs.fill(0);
  const elu0 = performance.eventLoopUtilization();
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  let maxGcPauseMs = 0;
  const gc = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) maxGcPauseMs = Math.max(maxGcPauseMs, entry.duration);
  });
  gc.observe({ entryTypes: ['gc'] });
  await sleep(to - Date.now());
  const measured = {
    from,
    to,
    cpuMs: cpuMs() - cpu0,
    diffs: server.packets.diffs - diffs0,
    queuedP99Ms: histogramQuantile(server.packets.queuedMs, 0.99, 1),
    elu: performance.eventLoopUtilization(elu0),
  };
  loopDelay.disable();
  gc.disconnect();
  // The histogram holds the intervals between the timer's runs, in ns.
  return { ...measured, maxLoopGapMs: round(loopDelay.max / 1e6, 1), maxGcPauseMs: round(maxGcPauseMs, 1) };
}

/** The fleets' reports summed, with the latency histograms merged. */
interface Merged {
  readonly clients: number;
  readonly fleetCpuMs: number;
  readonly disconnects: number;
  readonly window: WindowCounts;
  readonly total: WindowCounts;
  readonly verified: number;
  readonly verifiedStates: number;
  readonly verifyErrors: number;
  readonly firstErrors: readonly string[];
  readonly unreadHeaders: number;
  readonly gaps: number;
  readonly resyncs: number;
  readonly pushedSnapshots: number;
  readonly pushedSnapshotStates: number;
  readonly maxTicksBehind: readonly number[];
  readonly maxLagMs: readonly number[];
  readonly silent: number;
  readonly latency: Float64Array;
  readonly tickWait: Float64Array;
  readonly lag: Float64Array;
  readonly readings: number;
  readonly floorPackets: number;
  /** Each fleet's longest event-loop gap in the armed window (see `FleetReport`), in ms. */
  readonly fleetLoopGapsMs: readonly number[];
}

async function reportFleets(
  fleets: readonly FleetChild[],
  fromMs: number,
  toMs: number,
  detail = true,
): Promise<Merged> {
  const reports: FleetReport[] = await Promise.all(
    fleets.map((fleet) => fleet.request({ type: 'report', fromMs, toMs, detail }, 'report')),
  );
  const sum = (pick: (r: FleetReport) => number) => reports.reduce((total, r) => total + pick(r), 0);
  const histogram = (pick: (r: FleetReport) => SparseHistogram) => {
    const dense = new Float64Array(detail ? LATENCY_BINS : 0);
    for (const r of reports) addHistogram(dense, pick(r));
    return dense;
  };
  return {
    clients: sum((r) => r.clients),
    fleetCpuMs: sum((r) => r.cpuMs),
    disconnects: sum((r) => r.disconnects),
    window: {
      diffs: sum((r) => r.window.diffs),
      upserts: sum((r) => r.window.upserts),
      chars: sum((r) => r.window.chars),
      snapshotStates: sum((r) => r.window.snapshotStates),
    },
    total: {
      diffs: sum((r) => r.total.diffs),
      upserts: sum((r) => r.total.upserts),
      chars: sum((r) => r.total.chars),
      snapshotStates: sum((r) => r.total.snapshotStates),
    },
    verified: sum((r) => r.verified),
    verifiedStates: sum((r) => r.verifiedStates),
    verifyErrors: sum((r) => r.verifyErrors),
    firstErrors: reports.flatMap((r) => r.firstErrors).slice(0, 5),
    unreadHeaders: sum((r) => r.unreadHeaders),
    gaps: sum((r) => r.gaps),
    resyncs: sum((r) => r.resyncs),
    pushedSnapshots: sum((r) => r.pushedSnapshots),
    pushedSnapshotStates: sum((r) => r.pushedSnapshotStates),
    maxTicksBehind: reports.flatMap((r) => r.maxTicksBehind),
    maxLagMs: reports.flatMap((r) => r.maxLagMs),
    silent: sum((r) => r.silent),
    latency: histogram((r) => r.latency),
    tickWait: histogram((r) => r.tickWait),
    lag: histogram((r) => r.lag),
    readings: sum((r) => r.readings),
    floorPackets: sum((r) => r.floorPackets),
    fleetLoopGapsMs: reports.map((r) => r.maxLoopGapMs),
  };
}

/** Open end of a window: every diff made from its start on. */
const UNTIL_NOW = Number.MAX_SAFE_INTEGER;

/**
 * Waits until the clients have received every diff the server wrote in the window (polling counts
 * only, so the wait costs the measured process next to nothing), or the timeout, after which the
 * caller's checks report what is missing.
 */
async function settle(
  fleets: readonly FleetChild[],
  fromMs: number,
  toMs: number,
  serverDiffs: () => number,
): Promise<void> {
  const startMs = performance.now();
  // Readings taken just before the load stopped still go out with the next tick (or the one after,
  // for a slower class): the server's count is final only once it stayed put that long.
  let written = serverDiffs();
  let writtenSinceMs = performance.now();
  for (;;) {
    const counts = await reportFleets(fleets, fromMs, toMs, false);
    const now = performance.now();
    if (serverDiffs() !== written) {
      written = serverDiffs();
      writtenSinceMs = now;
    }
    const final = now - writtenSinceMs >= SETTLE_QUIET_MS;
    if ((final && counts.window.diffs >= written) || now - startMs > SETTLE_TIMEOUT_MS) return;
    await sleep(100);
  }
}

/** Fails on anything a correct run cannot show. */
function check(label: string, merged: Merged, server: HubServer): void {
  const rejected = server.rejected();
  if (rejected.count > 0)
    throw new Error(`${label}: the hub rejected ${rejected.count} readings, first: ${rejected.first}`);
  if (merged.verifyErrors > 0)
    throw new Error(
      `${label}: ${merged.verifyErrors} wrong states or diffs, first: ${merged.firstErrors.join(' | ')}`,
    );
  if (merged.total.diffs === 0) throw new Error(`${label}: no client got a diff`);
  if (merged.verified === 0) throw new Error(`${label}: no diff was checked in full`);
  if (merged.unreadHeaders > 0)
    log(
      `${label}: ${merged.unreadHeaders} diffs had to be parsed in full (their layout is not the one the clients read fast)`,
    );
}

/** The percentile of a list, nearest rank; NaN when empty. */
function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
}

/** The largest latency with a sample, as its bin's upper edge. */
function histogramMax(dense: Float64Array): number {
  for (let bin = dense.length - 1; bin >= 0; bin--)
    if ((dense[bin] ?? 0) > 0) return (bin + 1) * LATENCY_BIN_MS;
  return Number.NaN;
}

/** One measured run of hub.deliveries. */
interface DeliveryRun {
  /** States in the run's diffs that reached the clients. */
  readonly deliveries: number;
  /** States in pushed snapshots made in the run (not counted as deliveries). */
  readonly snapshotStates: number;
  /** Server CPU from the start of the load until its last diff arrived, and under load alone. */
  readonly cpuMs: number;
  /** Of `cpuMs`, the kernel's part (socket writes). */
  readonly systemCpuMs: number;
  readonly loadCpuMs: number;
  /** How long readings were fed, and until the last diff arrived. */
  readonly loadMs: number;
  readonly wallMs: number;
  readonly perCpuS: number;
  readonly perWallS: number;
  readonly offered: number;
  readonly serverDiffs: number;
  readonly serverChars: number;
  readonly eventLoopUtilization: number;
  readonly fleetCpuCores: number;
  readonly maxTicksBehind: number;
  readonly pushedSnapshots: number;
  /** p99 of tick -> handed to the socket's connection, in the server (ms). */
  readonly queuedP99Ms: number;
  /** Tick -> client receipt of the run's diffs (ms). */
  readonly lagP50Ms: number;
  readonly lagP99Ms: number;
}

interface DeliveriesResult {
  readonly median: DeliveryRun;
  readonly runs: readonly DeliveryRun[];
  readonly hubHz: number;
  readonly classes: boolean;
  readonly connectMs: number;
  readonly latency: LatencyResult;
}

interface LatencyResult {
  readonly readingsPerS: number;
  readonly offeredPerS: number;
  readonly deliveredPerS: number;
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
  readonly tickWaitP50: number;
  readonly tickWaitP99: number;
  readonly samples: number;
  readonly maxTicksBehind: number;
  readonly cpuShare: number;
  /** Tick -> client receipt (ms), and the server's part of it (tick -> handed to the socket). */
  readonly lagP50: number;
  readonly lagP99: number;
  /** Every window's p99 and tick-wait p99, in order (the rest is the median window's). */
  readonly windows?: readonly { readonly p99: number; readonly tickWaitP99: number }[];
  readonly queuedP99: number;
  readonly pushedSnapshots: number;
  /** The same latency at the load's own clients (nice 10, 250 to a process). */
  readonly loadP50: number;
  readonly loadP99: number;
  readonly loadSamples: number;
}

/** `hub.deliveries` (three runs at full load), then `hub.latency` on the same server and clients. */
async function benchDeliveries(town: Town): Promise<DeliveriesResult> {
  const offeredReadingsPerS = SENSORS * DELIVERY_HZ;
  log(
    `hub.deliveries: ${DELIVERY_CLIENTS} clients in ${DELIVERY_FLEETS} processes, ${DELIVERY_HZ} Hz, ` +
      `${SENSORS} sensors each changing every tick (${(offeredReadingsPerS * DELIVERY_CLIENTS).toLocaleString('en')} updates/s offered)`,
  );
  const server = await startHubServer(town, HUB_TICK_HZ, DELIVERY_HZ);
  let fleets: FleetChild[] = [];
  try {
    fleets = await startFleets(DELIVERY_FLEETS, DELIVERY_CLIENTS, wholeTownFleet(server.url, town));
    const connectMs = await connectFleets(fleets, DELIVERY_CLIENTS, DELIVERY_HZ);
    await subscribeFleets(fleets);
    const runs: DeliveryRun[] = [];
    // Run 0 warms up (JIT, socket buffers) and is not counted.
    for (let run = 0; run <= RUNS; run++) {
      // Each run starts with nothing in flight and ends once all it made has arrived.
      server.driver.setRate(offeredReadingsPerS);
      const from = Date.now();
      const cpu0 = cpuMs();
      const system0 = systemCpuMs();
      const packets0 = { ...server.packets };
      server.packets.queuedMs.fill(0);
      const elu0 = performance.eventLoopUtilization();
      const fleetCpu0 = (await reportFleets(fleets, 0, 0, false)).fleetCpuMs;
      await armFleets(fleets, from, from + RUN_MS);
      await sleep(from + RUN_MS - Date.now());
      server.driver.setRate(0);
      const loadMs = Date.now() - from;
      const elu = performance.eventLoopUtilization(elu0);
      const cpuLoad = cpuMs() - cpu0;
      await settle(fleets, from, UNTIL_NOW, () => server.packets.diffs - packets0.diffs);
      const cpu = cpuMs() - cpu0;
      const systemCpu = systemCpuMs() - system0;
      const wallMs = Date.now() - from;
      const merged = await reportFleets(fleets, from, UNTIL_NOW);
      const fleetCpu = merged.fleetCpuMs - fleetCpu0;
      const serverDiffs = server.packets.diffs - packets0.diffs;
      const serverChars = server.packets.chars - packets0.chars;
      const label = run === 0 ? 'hub.deliveries warm-up' : `hub.deliveries run ${run}`;
      check(label, merged, server);
      const { diffs, upserts, chars, snapshotStates } = merged.window;
      const offered = (offeredReadingsPerS * DELIVERY_CLIENTS * loadMs) / 1000;
      if (upserts > offered * 1.05)
        throw new Error(`${label}: ${upserts} deliveries, more than the ${Math.round(offered)} offered`);
      if (diffs !== serverDiffs || chars !== serverChars)
        throw new Error(
          `${label}: clients got ${diffs} diffs (${chars} chars) of the ${serverDiffs} (${serverChars}) the server wrote`,
        );
      const result: DeliveryRun = {
        deliveries: upserts,
        snapshotStates,
        cpuMs: cpu,
        systemCpuMs: systemCpu,
        loadCpuMs: cpuLoad,
        loadMs,
        wallMs,
        perCpuS: upserts / (cpu / 1000),
        perWallS: upserts / (wallMs / 1000),
        offered,
        serverDiffs,
        serverChars,
        eventLoopUtilization: elu.utilization,
        fleetCpuCores: fleetCpu / wallMs,
        maxTicksBehind: Math.max(...merged.maxTicksBehind),
        pushedSnapshots: merged.pushedSnapshots,
        queuedP99Ms: histogramQuantile(server.packets.queuedMs, 0.99, 1),
        lagP50Ms: histogramQuantile(merged.lag, 0.5),
        lagP99Ms: histogramQuantile(merged.lag, 0.99),
      };
      log(
        `${label}: ${round(result.perCpuS).toLocaleString('en')} deliveries/CPU-s; ${upserts.toLocaleString('en')} ` +
          `of ${Math.round(offered).toLocaleString('en')} offered arrived ${(wallMs / 1000).toFixed(1)} s after the ` +
          `${(loadMs / 1000).toFixed(1)} s load began (${round(result.perWallS).toLocaleString('en')}/s); server CPU ` +
          `${(cpu / 1000).toFixed(2)} s (${((100 * systemCpu) / cpu).toFixed(0)} % kernel; ${(cpuLoad / loadMs).toFixed(2)} cores under load, event loop ` +
          `${(elu.utilization * 100).toFixed(0)} % busy), clients ${result.fleetCpuCores.toFixed(2)} cores; ${diffs} diffs, ` +
          `${merged.pushedSnapshots} pushed snapshots so far, max ${result.maxTicksBehind} ticks behind; tick to ` +
          `client p50 ${result.lagP50Ms.toFixed(0)} ms, p99 ${result.lagP99Ms.toFixed(0)} ms (server's part p99 ` +
          `${result.queuedP99Ms} ms)`,
      );
      if (run > 0) runs.push(result);
    }
    const medianPerCpuS = median(runs.map((r) => r.perCpuS));
    const medianRun = runs.find((r) => r.perCpuS === medianPerCpuS) ?? (runs[0] as DeliveryRun);
    // The most the whole set-up carried: the median end-to-end rate of the runs.
    const latency = await benchLatency(town, server, fleets, median(runs.map((r) => r.perWallS)));
    return { median: medianRun, runs, hubHz: server.hubHz, classes: server.classes, connectMs, latency };
  } finally {
    await closeFleets(fleets);
    await server.close();
  }
}

/**
 * The fleets of hub.deliveries, hub.latency and hub.naive: every client subscribed to the whole town
 * at 10 Hz, on the hub at `url` (or the naive server).
 */
function wholeTownFleet(
  url: string,
  town: Town,
  mode: FleetConfig['mode'] = 'hub',
): Omit<FleetConfig, 'firstClient' | 'clients'> {
  return {
    url,
    mode,
    kinds: [...HUB_KINDS],
    viewports: null,
    sensorCount: SENSORS,
    extent: town.extent,
    clientClass: 'public',
    expectedHz: DELIVERY_HZ,
    verifyEvery: DELIVERY_VERIFY_EVERY,
    connectConcurrency: CONNECT_CONCURRENCY,
  };
}

/** `hub.latency`: the same server and clients at {@link LATENCY_SHARE} of the most delivered. */
async function benchLatency(
  town: Town,
  server: HubServer,
  fleets: readonly FleetChild[],
  maxPerS: number,
): Promise<LatencyResult> {
  const offeredPerS = LATENCY_SHARE * maxPerS;
  const viewers = DELIVERY_CLIENTS + LATENCY_PROBES;
  const readingsPerS = Math.min(SENSORS * DELIVERY_HZ, offeredPerS / viewers);
  log(
    `hub.latency: ${round(offeredPerS).toLocaleString('en')} updates/s (${LATENCY_SHARE * 100} % of ` +
      `${round(maxPerS).toLocaleString('en')}/s): ${round(readingsPerS)} readings/s to ${DELIVERY_CLIENTS} ` +
      `clients and ${LATENCY_PROBES} probes`,
  );
  const [probe] = await startFleets(1, LATENCY_PROBES, {
    ...wholeTownFleet(server.url, town),
    verifyEvery: 1,
    yieldCpu: false,
  });
  if (!probe) throw new Error('hub.latency: the probe fleet did not start');
  const all = [...fleets, probe];
  try {
    await connectFleets([probe], LATENCY_PROBES, DELIVERY_HZ);
    await subscribeFleets([probe]);
    server.driver.setRate(readingsPerS);
    await sleep(LATENCY_WARM_UP_MS);
    const windows: LatencyResult[] = [];
    for (let window = 0; window < LATENCY_WINDOWS; window++) {
      const { from, to, cpuMs: cpu, diffs, queuedP99Ms } = await measureWindow(server, all, LATENCY_RUN_MS);
      // The readings go on while the window's diffs arrive and are counted, as in the next window.
      await settle(all, from, to, () => diffs);
      check('hub.latency', await reportFleets(all, from, to), server);
      const merged = await reportFleets([probe], from, to);
      const load = await reportFleets(fleets, from, to);
      windows.push(
        latencyResult(merged, load, {
          readingsPerS,
          offeredPerS,
          cpuShare: cpu / LATENCY_RUN_MS,
          queuedP99Ms,
        }),
      );
    }
    server.driver.setRate(0);
    const p99s = windows.map((w) => w.p99);
    const middle = windows.find((w) => w.p99 === median(p99s)) as LatencyResult;
    return { ...middle, windows: windows.map((w) => ({ p99: w.p99, tickWaitP99: w.tickWaitP99 })) };
  } finally {
    await closeFleets([probe]);
  }
}

/** The figures of hub.latency: the probes' latency, and the load clients' beside it. */
function latencyResult(
  merged: Merged,
  load: Merged,
  run: { readingsPerS: number; offeredPerS: number; cpuShare: number; queuedP99Ms: number },
): LatencyResult {
  const { readingsPerS, offeredPerS, queuedP99Ms } = run;
  const samples = merged.latency.reduce((sum, count) => sum + count, 0);
  if (samples === 0) throw new Error('hub.latency: no latency samples');
  const result: LatencyResult = {
    readingsPerS: round(readingsPerS),
    offeredPerS: round(offeredPerS),
    deliveredPerS: round((merged.window.upserts + load.window.upserts) / (LATENCY_RUN_MS / 1000)),
    p50: histogramQuantile(merged.latency, 0.5),
    p99: histogramQuantile(merged.latency, 0.99),
    p999: histogramQuantile(merged.latency, 0.999),
    max: histogramMax(merged.latency),
    tickWaitP50: histogramQuantile(merged.tickWait, 0.5),
    tickWaitP99: histogramQuantile(merged.tickWait, 0.99),
    samples,
    maxTicksBehind: Math.max(...merged.maxTicksBehind, ...load.maxTicksBehind),
    cpuShare: run.cpuShare,
    lagP50: histogramQuantile(merged.lag, 0.5),
    lagP99: histogramQuantile(merged.lag, 0.99),
    queuedP99: queuedP99Ms,
    pushedSnapshots: merged.pushedSnapshots + load.pushedSnapshots,
    loadP50: histogramQuantile(load.latency, 0.5),
    loadP99: histogramQuantile(load.latency, 0.99),
    loadSamples: load.latency.reduce((sum, count) => sum + count, 0),
  };
  log(
    `hub.latency: probes p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, max ${result.max.toFixed(1)} ms ` +
      `(tick wait p99 ${result.tickWaitP99.toFixed(1)} ms) over ${samples.toLocaleString('en')} states; ` +
      `${result.deliveredPerS.toLocaleString('en')}/s delivered, server CPU ${result.cpuShare.toFixed(2)} cores, ` +
      `${merged.pushedSnapshots} pushed snapshots so far; tick to client p50 ${result.lagP50.toFixed(1)} ms, p99 ` +
      `${result.lagP99.toFixed(1)} ms (server's part p99 ${result.queuedP99} ms); the load's own clients: ` +
      `p50 ${result.loadP50.toFixed(1)} ms, p99 ${result.loadP99.toFixed(1)} ms`,
  );
  return result;
}

/** One measured run of hub.naive. */
interface NaiveRun {
  readonly deliveries: number;
  readonly cpuMs: number;
  readonly wallMs: number;
  readonly perCpuS: number;
  readonly readingsSent: number;
  readonly readingsDropped: number;
}

/** `hub.naive`: the naive server, fed at the same rate, until its clients have everything. */
async function benchNaive(town: Town): Promise<{ median: NaiveRun; runs: readonly NaiveRun[] }> {
  log(
    `hub.naive: ${DELIVERY_CLIENTS} clients in ${DELIVERY_FLEETS} processes, one event per reading per client`,
  );
  const naive = await startNaiveServer();
  let fleets: FleetChild[] = [];
  try {
    fleets = await startFleets(
      DELIVERY_FLEETS,
      DELIVERY_CLIENTS,
      wholeTownFleet(`http://127.0.0.1:${naive.port}`, town, 'naive'),
    );
    await connectFleets(fleets, DELIVERY_CLIENTS, DELIVERY_HZ);
    if (naive.clients !== DELIVERY_CLIENTS)
      throw new Error(`hub.naive: the server holds ${naive.clients} clients, expected ${DELIVERY_CLIENTS}`);
    const drained = async (label: string, target: number) => {
      const startMs = performance.now();
      for (;;) {
        const merged = await reportFleets(fleets, 0, 0, false);
        if (merged.verifyErrors > 0)
          throw new Error(
            `${label}: ${merged.verifyErrors} wrong readings, first: ${merged.firstErrors.join(' | ')}`,
          );
        if (merged.readings > target)
          throw new Error(`${label}: clients got ${merged.readings} readings, the server emitted ${target}`);
        if (merged.readings === target) return merged;
        if (performance.now() - startMs > NAIVE_DRAIN_TIMEOUT_MS)
          throw new Error(`${label}: clients got ${merged.readings} of ${target} readings emitted`);
        await sleep(100);
      }
    };
    const runs: NaiveRun[] = [];
    for (let run = 0; run <= RUNS; run++) {
      const label = run === 0 ? 'hub.naive warm-up' : `hub.naive run ${run}`;
      const emitted0 = naive.emitted;
      const cpu0 = cpuMs();
      const wall0 = performance.now();
      const driver = startReadingDriver({
        sensors: town.sensors,
        perSecond: SENSORS * DELIVERY_HZ,
        maxPerPass: NAIVE_MAX_PER_PASS,
        emit: (observation) => naive.send(observation),
      });
      await sleep(NAIVE_RUN_MS);
      driver.stop();
      await drained(label, naive.emitted);
      const cpu = cpuMs() - cpu0;
      const result: NaiveRun = {
        deliveries: naive.emitted - emitted0,
        cpuMs: cpu,
        wallMs: performance.now() - wall0,
        perCpuS: (naive.emitted - emitted0) / (cpu / 1000),
        readingsSent: driver.sent,
        readingsDropped: driver.dropped,
      };
      log(
        `${label}: ${round(result.perCpuS).toLocaleString('en')} deliveries/CPU-s (${result.deliveries.toLocaleString('en')} ` +
          `events of ${result.readingsSent} readings, ${result.readingsDropped} readings dropped; ` +
          `${result.cpuMs.toFixed(0)} ms CPU, ${result.wallMs.toFixed(0)} ms until all arrived)`,
      );
      if (run > 0) runs.push(result);
    }
    const medianPerCpuS = median(runs.map((r) => r.perCpuS));
    return { median: runs.find((r) => r.perCpuS === medianPerCpuS) ?? (runs[0] as NaiveRun), runs };
  } finally {
    await closeFleets(fleets);
    await naive.close();
  }
}

/**
 * Client `client`'s diff of its whole view as the server would write it now: what each client of
 * hub.clients10k gets every period, as every sensor changes once per period.
 */
function wholeViewDiffTexts(town: Town, server: HubServer, clients: number): string[] {
  const encoder = new DiffTextEncoder();
  const kinds = new Set<string>(HUB_KINDS);
  const viewable = town.sensors.filter((sensor) => kinds.has(sensor.kind));
  const texts: string[] = [];
  for (let client = 0; client < clients; client++) {
    const bbox = clientViewport(client, VIEWPORTS, town.extent, viewable);
    const upserts = viewable
      .filter((sensor) => inBBox(sensor.lonLat, bbox))
      .map((sensor) => server.app.hub.state(sensor.id) as SensorState);
    const diff: Diff = {
      subscriptionId: `floor-${client}`,
      seq: 1,
      serverTimeMs: Date.now(),
      upserts,
      removed: [],
    };
    texts.push(
      encoder.encodeAt(
        diff,
        upserts.map((_, i) => i),
      ),
    );
  }
  return texts;
}

/** What the server's one core can write to the connected clients with no hub behind it. */
interface TransportFloor {
  /** Messages written per second, and per second of the server's CPU. */
  readonly perS: number;
  readonly perCpuS: number;
  readonly cpuCores: number;
  /** Times a socket was passed over because its last message was still being written. */
  readonly skipped: number;
  readonly meanChars: number;
}

/** The part of a Socket.io server socket the floor uses. */
interface FloorSocket {
  readonly conn: { readonly transport: { readonly writable: boolean } };
  readonly volatile: { emit(event: string, ...args: unknown[]): boolean };
}

/**
 * The baseline of hub.clients10k's throughput, measured in the same run: how many diff-sized
 * messages per second the server writes to its connected clients when nothing else runs, through
 * the same Socket.io path as the hub's diffs (a broadcast to one socket's room, its text spliced in
 * as written once), `texts[i]` to the i-th socket, round and round, a tick's worth of sockets (as
 * many as the hub writes in one of its ticks) per turn of the event loop, for `runMs`. A socket
 * whose last message is still being written is passed over, as the hub passes over a congested one,
 * so no queue grows. The messages are `volatile` so that connection-state recovery does not number
 * them (the hub's diffs are numbered but not kept, decision 0010); with that check first, none is
 * dropped. Every message must reach the fleets, or the bench fails.
 *
 * The hub's diffs/s against this says what the hub adds to the writing itself, and the machine's
 * state at the time: on this shared VM the same code wrote 6,250-18,300 diffs/s in different runs.
 */
async function measureTransportFloor(
  server: HubServer,
  fleets: readonly FleetChild[],
  texts: readonly string[],
  runMs: number,
): Promise<TransportFloor> {
  const sockets = [...server.app.io.of('/').sockets.values()] as unknown as FloorSocket[];
  if (sockets.length === 0) throw new Error('transport floor: no connected sockets');
  const perTurn = Math.max(1, Math.ceil(sockets.length / Math.max(1, server.hubHz / MANY_HZ)));
  const received0 = (await reportFleets(fleets, 0, 0, false)).floorPackets;
  let next = 0;
  let sent = 0;
  let skipped = 0;
  let chars = 0;
  const cpu0 = cpuMs();
  const start = performance.now();
  await new Promise<void>((resolve) => {
    const turn = () => {
      if (performance.now() - start >= runMs) {
        resolve();
        return;
      }
      for (let i = 0; i < perTurn; i++) {
        const socket = sockets[next] as FloorSocket;
        const text = texts[next % texts.length] as string;
        next = (next + 1) % sockets.length;
        if (!socket.conn.transport.writable) {
          skipped += 1;
          continue;
        }
        socket.volatile.emit(FLOOR_EVENT, preEncoded<unknown>(text));
        sent += 1;
        chars += text.length;
      }
      setImmediate(turn);
    };
    turn();
  });
  const wallMs = performance.now() - start;
  const cpu = cpuMs() - cpu0;
  const settleStart = performance.now();
  for (;;) {
    const received = (await reportFleets(fleets, 0, 0, false)).floorPackets - received0;
    if (received === sent) break;
    if (received > sent || performance.now() - settleStart > SETTLE_TIMEOUT_MS)
      throw new Error(`transport floor: the server wrote ${sent} messages, the clients received ${received}`);
    await sleep(100);
  }
  return {
    perS: round(sent / (wallMs / 1000)),
    perCpuS: round(sent / (cpu / 1000)),
    cpuCores: round(cpu / wallMs, 3),
    skipped,
    meanChars: round(chars / Math.max(1, sent)),
  };
}

/** `hub.clients10k`: as many clients as the limits allow (10,000 wanted), each with its own viewport. */
async function benchManyClients(town: Town): Promise<void> {
  const fileLimit = openFileLimit();
  const ports = ephemeralPorts();
  const clients = Math.min(MANY_CLIENTS, fileLimit - FD_RESERVE, ports - FD_RESERVE);
  const limitedBy =
    clients === MANY_CLIENTS
      ? null
      : fileLimit - FD_RESERVE <= ports - FD_RESERVE
        ? 'open files'
        : 'local ports';
  log(
    `hub.clients10k: open-file limit ${fileLimit}, ${ports} local ports: ${clients} clients` +
      (limitedBy
        ? ` (10,000 impossible here: limited by ${limitedBy}; raise "ulimit -n" before starting)`
        : ''),
  );
  const server = await startHubServer(town, HUB_TICK_HZ, MANY_HZ);
  let fleets: FleetChild[] = [];
  try {
    log(
      `hub.clients10k: the hub ticks at ${server.hubHz} Hz, clients get ${MANY_HZ} Hz, ${MANY_READINGS_PER_S} readings/s`,
    );
    fleets = await startFleets(MANY_FLEETS, clients, {
      url: server.url,
      mode: 'hub',
      kinds: [...HUB_KINDS],
      viewports: VIEWPORTS,
      sensorCount: SENSORS,
      extent: town.extent,
      clientClass: 'public',
      expectedHz: MANY_HZ,
      verifyEvery: MANY_VERIFY_EVERY,
      connectConcurrency: CONNECT_CONCURRENCY,
    });
    await sleep(1_000);
    const rssBefore = await rssAfterGc();
    const connectMs = await connectFleets(fleets, clients, MANY_HZ);
    const rssConnected = await rssAfterGc();
    const { snapshotStates, wallMs: subscribeMs } = await subscribeFleets(fleets);
    server.driver.setRate(MANY_READINGS_PER_S);
    const loadStartMs = Date.now();
    await sleep(MANY_WARM_UP_MS);
    const {
      from,
      to,
      cpuMs: cpu,
      diffs,
      queuedP99Ms,
      elu,
      maxLoopGapMs,
      maxGcPauseMs,
    } = await measureWindow(server, fleets, MANY_RUN_MS);
    await settle(fleets, from, to, () => diffs);
    const merged = await reportFleets(fleets, from, to);
    check('hub.clients10k', merged, server);
    if (merged.clients !== clients)
      throw new Error(`hub.clients10k: ${merged.clients} of ${clients} clients`);
    // Memory once the load has run for a whole recovery window (Socket.io keeps what it sent for
    // that long, to replay it to a client that reconnects): RSS at the end of the lag window and
    // then until MANY_MEMORY_AT_MS, each after a full GC (which pauses the server, so not before).
    const memory: { atS: number; rssMiB: number; heapUsedMiB: number; recoveryPackets: number | null }[] = [];
    const sampleMemory = async () => {
      const rss = await rssAfterGc();
      memory.push({
        atS: round((Date.now() - loadStartMs) / 1000, 1),
        rssMiB: round(rss / 2 ** 20, 1),
        heapUsedMiB: round(process.memoryUsage().heapUsed / 2 ** 20, 1),
        recoveryPackets: recoveryBufferPackets(server.app),
      });
      log(`hub.clients10k: ${JSON.stringify(memory[memory.length - 1])}`);
      return rss;
    };
    let rssRunning = await sampleMemory();
    for (const atMs of [MANY_MEMORY_AT_MS - MEMORY_SAMPLE_MS, MANY_MEMORY_AT_MS]) {
      await sleep(loadStartMs + atMs - Date.now());
      rssRunning = await sampleMemory();
    }
    const heapUsed = process.memoryUsage().heapUsed;
    // For finding where the memory goes: HUB_BENCH_HEAP_SNAPSHOT=file writes the server's heap here.
    if (process.env.HUB_BENCH_HEAP_SNAPSHOT) writeHeapSnapshot(process.env.HUB_BENCH_HEAP_SNAPSHOT);
    // The baseline of the lag, after the memory (its burst of writes would leave its own garbage in
    // the figure): the readings stop, the last diffs go out, then the floor runs with the hub idle.
    server.driver.setRate(0);
    await sleep(2_000);
    const hubDiffsBeforeFloor = server.packets.diffs;
    const floor = await measureTransportFloor(
      server,
      fleets,
      wholeViewDiffTexts(town, server, clients),
      FLOOR_RUN_MS,
    );
    log(
      `hub.clients10k: transport floor ${floor.perS} messages/s of ${floor.meanChars} chars on average ` +
        `(${floor.perCpuS} per CPU-second, ${floor.cpuCores} cores, ${floor.skipped} passed over while writing)`,
    );
    if (server.packets.diffs !== hubDiffsBeforeFloor)
      throw new Error(
        `hub.clients10k: the hub wrote ${server.packets.diffs - hubDiffsBeforeFloor} diffs while the transport floor ran`,
      );

    const kibPerClient = (rssRunning - rssBefore) / clients / 1024;
    const bareKibPerClient = (rssConnected - rssBefore) / clients / 1024;
    const maxTicksBehind = Math.max(...merged.maxTicksBehind);
    const clientsOver = merged.maxTicksBehind.filter((t) => t > TARGET_TICKS_BEHIND).length;
    const lagP50 = percentile(merged.maxLagMs, 0.5);
    const lagP99 = percentile(merged.maxLagMs, 0.99);
    const lagMax = Math.max(...merged.maxLagMs);
    const memoryOk = kibPerClient <= TARGET_KIB_PER_CLIENT;
    const lagOk = maxTicksBehind <= TARGET_TICKS_BEHIND && merged.silent === 0 && merged.disconnects === 0;
    log(
      `hub.clients10k: RSS ${(rssBefore / 2 ** 20).toFixed(0)} MiB before, ${(rssConnected / 2 ** 20).toFixed(0)} MiB connected, ` +
        `${(rssRunning / 2 ** 20).toFixed(0)} MiB subscribed and running; max ${maxTicksBehind} ticks behind ` +
        `(${clientsOver} clients over ${TARGET_TICKS_BEHIND}), per-client max lag p50 ${lagP50} ms, p99 ${lagP99} ms, max ${lagMax} ms; ` +
        `${merged.silent} silent clients, ${merged.disconnects} disconnects, server CPU ${(cpu / MANY_RUN_MS).toFixed(2)} cores ` +
        `(event loop ${(elu.utilization * 100).toFixed(0)} % busy, longest gap ${maxLoopGapMs} ms, longest GC pause ` +
        `${maxGcPauseMs} ms; the fleets' longest gaps ${merged.fleetLoopGapsMs.join(', ')} ms), ` +
        `${round(merged.window.diffs / (MANY_RUN_MS / 1000))} diffs/s of ${clients * MANY_HZ} due ` +
        `(${round(merged.window.diffs / (MANY_RUN_MS / 1000) / floor.perS, 2)}× the transport floor of ${floor.perS}/s)`,
    );
    printBenchLine({
      bench: 'hub.clients10k',
      value: round(kibPerClient, 2),
      unit: 'KiB server RSS/client',
      baseline: round(bareKibPerClient, 2),
      ratio: round(kibPerClient / bareKibPerClient, 3),
      target: `<= ${TARGET_KIB_PER_CLIENT} KiB/client and no client more than ${TARGET_TICKS_BEHIND} ticks behind, ${MANY_CLIENTS} clients`,
      pass: memoryOk && lagOk && clients === MANY_CLIENTS,
      memoryPass: memoryOk,
      lagPass: lagOk,
      baselineKind: 'server RSS per client with the connections open but not subscribed (bare Socket.io)',
      clients,
      limitedBy,
      openFileLimit: fileLimit,
      clientProcesses: fleets.length,
      clientHz: MANY_HZ,
      hubTickHz: server.hubHz,
      clientClasses: server.classes,
      readingsPerS: MANY_READINGS_PER_S,
      meanSensorsPerView: round(snapshotStates / clients, 1),
      rssBeforeMiB: round(rssBefore / 2 ** 20, 1),
      rssConnectedMiB: round(rssConnected / 2 ** 20, 1),
      rssRunningMiB: round(rssRunning / 2 ** 20, 1),
      heapUsedMiB: round(heapUsed / 2 ** 20, 1),
      memoryAtS: memory.map((m) => m.atS),
      rssMiBAt: memory.map((m) => m.rssMiB),
      recoveryBufferPackets: memory.map((m) => m.recoveryPackets),
      maxTicksBehind,
      clientsOverTicksBehind: clientsOver,
      perClientMaxLagMs: { p50: lagP50, p99: lagP99, max: lagMax },
      tickToClientMs: {
        p50: round(histogramQuantile(merged.lag, 0.5), 1),
        p99: round(histogramQuantile(merged.lag, 0.99), 1),
      },
      tickToSocketP99Ms: queuedP99Ms,
      silentClients: merged.silent,
      disconnects: merged.disconnects,
      seqGaps: merged.gaps,
      pushedSnapshots: merged.pushedSnapshots,
      deliveriesPerS: round(merged.window.upserts / (MANY_RUN_MS / 1000)),
      diffsPerS: round(merged.window.diffs / (MANY_RUN_MS / 1000)),
      diffsPerCpuS: round(merged.window.diffs / (cpu / 1000)),
      meanDiffChars: round(merged.window.chars / Math.max(1, merged.window.diffs)),
      // The same machine's floor, measured after the load (see measureTransportFloor).
      transportFloor: floor,
      diffsPerSVsFloor: round(merged.window.diffs / (MANY_RUN_MS / 1000) / floor.perS, 3),
      serverCpuCores: round(cpu / MANY_RUN_MS, 3),
      eventLoopBusy: round(elu.utilization, 3),
      // Where a client fell behind, these say whose loop stalled: the server's or a fleet's.
      serverLoopGapMaxMs: maxLoopGapMs,
      serverGcPauseMaxMs: maxGcPauseMs,
      fleetLoopGapMaxMs: merged.fleetLoopGapsMs,
      connectS: round(connectMs / 1000, 1),
      subscribeS: round(subscribeMs / 1000, 1),
      measuredS: MANY_RUN_MS / 1000,
      verifiedDiffs: merged.verified,
    });
  } finally {
    await closeFleets(fleets);
    await server.close();
  }
}

/** hub.deliveries, hub.naive and hub.latency. */
async function benchDelivery(town: Town): Promise<void> {
  const hub = await benchDeliveries(town);
  const naive = await benchNaive(town);
  const ours = hub.median;
  const speedup = ours.perCpuS / naive.median.perCpuS;
  printBenchLine({
    bench: 'hub.deliveries',
    value: round(ours.perCpuS),
    unit: 'updates/s/core',
    baseline: round(naive.median.perCpuS),
    ratio: round(speedup, 2),
    target: `>= ${TARGET_PER_CORE}`,
    pass: ours.perCpuS >= TARGET_PER_CORE,
    baselineKind:
      'hub.naive: one Socket.io event per reading per client, same clients and readings, same run',
    clients: DELIVERY_CLIENTS,
    clientProcesses: DELIVERY_FLEETS,
    sensors: SENSORS,
    clientHz: DELIVERY_HZ,
    hubTickHz: hub.hubHz,
    clientClasses: hub.classes,
    offeredPerS: SENSORS * DELIVERY_HZ * DELIVERY_CLIENTS,
    deliveredPerS: round(ours.perWallS),
    deliveries: ours.deliveries,
    offered: round(ours.offered),
    pushedSnapshotStates: ours.snapshotStates,
    cpuMs: round(ours.cpuMs, 1),
    systemCpuShare: round(ours.systemCpuMs / ours.cpuMs, 3),
    loadMs: ours.loadMs,
    wallMs: ours.wallMs,
    serverCoresUnderLoad: round(ours.loadCpuMs / ours.loadMs, 3),
    eventLoopBusy: round(ours.eventLoopUtilization, 3),
    clientCores: round(ours.fleetCpuCores, 3),
    diffs: ours.serverDiffs,
    charsPerDelivery: round(ours.serverChars / ours.deliveries, 1),
    maxTicksBehind: ours.maxTicksBehind,
    tickToClientMs: { p50: round(ours.lagP50Ms, 1), p99: round(ours.lagP99Ms, 1) },
    tickToSocketP99Ms: ours.queuedP99Ms,
    runsPerCpuS: hub.runs.map((r) => round(r.perCpuS)),
    runsPerWallS: hub.runs.map((r) => round(r.perWallS)),
  });
  printBenchLine({
    bench: 'hub.naive',
    value: round(naive.median.perCpuS),
    unit: 'updates/s/core',
    baseline: round(ours.perCpuS),
    ratio: round(speedup, 2),
    ratioOf: 'hub.deliveries / hub.naive (the speed-up; value / baseline inverted)',
    target: `ratio >= ${TARGET_RATIO}`,
    pass: speedup >= TARGET_RATIO,
    clients: DELIVERY_CLIENTS,
    readingsPerS: SENSORS * DELIVERY_HZ,
    deliveries: naive.median.deliveries,
    readingsSent: naive.median.readingsSent,
    readingsDropped: naive.median.readingsDropped,
    cpuMs: round(naive.median.cpuMs, 1),
    wallMs: round(naive.median.wallMs, 1),
    runsPerCpuS: naive.runs.map((r) => round(r.perCpuS)),
  });
  const latency = hub.latency;
  const tickMs = 1000 / DELIVERY_HZ;
  printBenchLine({
    bench: 'hub.latency',
    value: round(latency.p99, 1),
    unit: 'ms p99 ingest to client',
    baseline: round(latency.tickWaitP99, 1),
    ratio: round(latency.p99 / latency.tickWaitP99, 3),
    target: `<= ${LATENCY_BUDGET_MS + tickMs} (${LATENCY_BUDGET_MS} ms + one ${tickMs} ms tick)`,
    pass: latency.p99 <= LATENCY_BUDGET_MS + tickMs,
    baselineKind:
      'p99 of the wait from ingest to the tick that sends it (serverTimeMs - observedAt), same readings',
    p50Ms: round(latency.p50, 1),
    p99Ms: round(latency.p99, 1),
    p999Ms: round(latency.p999, 1),
    maxMs: round(latency.max, 1),
    tickWaitP50Ms: round(latency.tickWaitP50, 1),
    windowsP99Ms: (latency.windows ?? []).map((w) => round(w.p99, 1)),
    windowsTickWaitP99Ms: (latency.windows ?? []).map((w) => round(w.tickWaitP99, 1)),
    tickToClientMs: { p50: round(latency.lagP50, 1), p99: round(latency.lagP99, 1) },
    tickToSocketP99Ms: latency.queuedP99,
    samples: latency.samples,
    loadShare: LATENCY_SHARE,
    offeredPerS: latency.offeredPerS,
    deliveredPerS: latency.deliveredPerS,
    readingsPerS: latency.readingsPerS,
    probes: LATENCY_PROBES,
    clients: DELIVERY_CLIENTS,
    loadClientsMs: {
      p50: round(latency.loadP50, 1),
      p99: round(latency.loadP99, 1),
      samples: latency.loadSamples,
    },
    clientHz: DELIVERY_HZ,
    maxTicksBehind: latency.maxTicksBehind,
    serverCpuCores: round(latency.cpuShare, 3),
    clock:
      'observedAt = Date.now() at ingest (server), receipt = performance.timeOrigin + performance.now() (client)',
  });
}

const SCENARIOS = { clients10k: benchManyClients, deliveries: benchDelivery } as const;

/** Set in the process that runs one scenario. */
const ONE_SCENARIO_ENV = 'HUB_BENCH_ONE_SCENARIO';

/** Runs this bench for one scenario in a new process (same Node flags), passing its output through. */
function runInOwnProcess(name: string): Promise<void> {
  const script = process.argv[1];
  if (script === undefined) throw new Error('the bench cannot tell its own script path');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, script, name], {
      stdio: 'inherit',
      env: { ...process.env, [ONE_SCENARIO_ENV]: '1' },
    });
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      code === 0
        ? resolve()
        : reject(new Error(`scenario ${name} ended with ${signal ?? `exit code ${code}`}`)),
    );
  });
}

async function main(): Promise<void> {
  const startMs = performance.now();
  const names = process.argv
    .slice(2)
    .map((name) => (name === 'latency' || name === 'naive' ? 'deliveries' : name));
  const unknown = names.filter((name) => !(name in SCENARIOS));
  if (unknown.length > 0)
    throw new Error(`no scenario ${unknown.join(', ')}; choose from ${Object.keys(SCENARIOS).join(', ')}`);
  const chosen = Object.keys(SCENARIOS).filter((name) => names.length === 0 || names.includes(name));
  if (chosen.length > 1 && process.env[ONE_SCENARIO_ENV] === undefined) {
    for (const name of chosen) await runInOwnProcess(name);
    log(`done in ${((performance.now() - startMs) / 1000).toFixed(1)} s`);
    return;
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'citytwin-bench-hub-'));
  try {
    const { dir, extent } = await writeHubCityPack(dataDir, SENSORS);
    const pack = await loadCityPack(dir);
    const town: Town = {
      pack,
      extent,
      sensors: Array.from({ length: SENSORS }, (_, i) => hubSensor(i, extent)),
    };
    for (const [name, run] of Object.entries(SCENARIOS))
      if (names.length === 0 || names.includes(name)) await run(town);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
  log(`done in ${((performance.now() - startMs) / 1000).toFixed(1)} s`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `[bench:hub] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
