/**
 * A fleet of live clients for the hub benchmark, run by `hubBench.ts` in child processes of its own
 * (so the bench process's CPU time is the server's alone). Each client is a real socket.io-client
 * socket on the websocket transport that does what the viewer's `LiveClient` does: handshake with the
 * protocol version, `live:subscribe` (kinds, optionally a viewport), apply diffs in `seq` order, ask
 * for `live:resync` after a gap, take a pushed `live:snapshot`. In `naive` mode it only counts the
 * naive server's `reading` events.
 *
 * What a client records per diff (all cheap; see `hubWireParser.ts` for why diffs are not parsed):
 * - deliveries: the states in it, added to a bucket by its `serverTimeMs` (the tick that made it), so
 *   the bench sums exactly the diffs built while it measured the server's CPU;
 * - ticks behind, for diffs and snapshots received in the armed window: how stale the client's
 *   state was just before this one replaced it, in diff periods beyond the one that batching
 *   costs anyway: `max(0, floor((receivedAt - heldServerTimeMs) / period) - 1)`, where
 *   `heldServerTimeMs` is the `serverTimeMs` of the newest diff or snapshot it held. A client in
 *   step holds the previous tick's state until the next one arrives: about one period plus the
 *   delivery, so 0. Every way of falling behind shows: a slow delivery, diffs never sent (a `seq`
 *   gap, a skipped congested client), and ticks the server ran late. At the window's end the
 *   same is taken of the state then held, so a client that stopped receiving shows too. It
 *   relies on every view changing every period, which the bench makes sure of (every sensor
 *   changes once per period). The period is the one the server's hello announces (else the
 *   configured rate);
 * - lag (armed window): `receivedAt - serverTimeMs`.
 *
 * One diff in `verifyEvery` per client (staggered, so every tick is checked by some clients) is
 * parsed in full and checked: header and state count as read, every state a sensor of the client's
 * kinds inside its viewport, values exactly what the server's reading of that sensor at that time
 * carried (`hubValues`), freshness `live`. Their states also give the latency: `receivedAt -
 * observedAt`, where `observedAt` is the server's ingest time (both clocks are
 * `performance.timeOrigin + performance.now()` on one machine, see `hubBench.ts`).
 */
// The bench's clients stand in for viewers, as in the server's integration tests.
import { io } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { setPriority } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { BBox, Diff, SensorState, Snapshot, WireDiff } from '../../protocol/index.ts';
import { decodeDiff } from '../../protocol/index.ts';
import { PROTOCOL_VERSION } from '../../protocol/index.ts';
import type {
  FleetConfig,
  FleetReply,
  FleetReport,
  FleetRequest,
  HubSensor,
  WindowCounts,
} from './hubLoad.ts';
import {
  LATENCY_BINS,
  clientViewport,
  hubSensor,
  hubSensorById,
  hubValues,
  inBBox,
  latencyBin,
  sparseHistogram,
} from './hubLoad.ts';
import { serveFleetRequests } from './hubFleetChannel.ts';
import { RawDiff, floorPacketsReceived, hubWireParser, readDiffHeader } from './hubWireParser.ts';

const config = JSON.parse(process.argv[2] ?? '{}') as FleetConfig;

// The fleets yield the CPU to the server (nice 10): on a small machine the clients would otherwise
// starve it, and its ticks would run late for reasons a real deployment (clients elsewhere) lacks.
// The latency probes keep normal priority (see `hubBench.ts`, hub.latency).
if (config.yieldCpu !== false) {
  try {
    setPriority(10);
  } catch {
    // Not permitted here: the fleets run at normal priority.
  }
}

/**
 * `HUB_BENCH_CPU_PROF_DIR=dir` profiles each fleet like `node --cpu-prof` (which cannot be passed to
 * the children): one `.cpuprofile` per fleet in `dir`, written when it closes.
 */
const profileDir = process.env.HUB_BENCH_CPU_PROF_DIR;
const profiler = profileDir ? new Session() : undefined;
if (profiler) {
  profiler.connect();
  profiler.post('Profiler.enable', () => profiler.post('Profiler.start'));
}

function writeProfile(): Promise<void> {
  return new Promise((resolve) => {
    if (!profiler || !profileDir) {
      resolve();
      return;
    }
    profiler.post('Profiler.stop', (error, result) => {
      if (!error)
        writeFileSync(
          join(profileDir, `fleet-${config.firstClient}-${process.pid}.cpuprofile`),
          JSON.stringify(result.profile),
        );
      resolve();
    });
  });
}
const sensors: HubSensor[] = Array.from({ length: config.sensorCount }, (_, i) =>
  hubSensor(i, config.extent),
);
const kinds = new Set<string>(config.kinds);
/** The sensors a client of these kinds may see, before its viewport. */
const viewable = sensors.filter((s) => kinds.has(s.kind));

/** One client's socket and what it knows of its subscription. */
interface Client {
  readonly number: number;
  readonly socket: Socket;
  readonly bbox: BBox | undefined;
  /** Sensors in its view: what its snapshot must hold, and the most any diff can carry. */
  readonly viewSize: number;
  periodMs: number;
  subscriptionId: string | undefined;
  /** Sensor ids of its last snapshot in order: how a diff's rows name them. */
  order: readonly string[];
  /** `seq` of the last diff or snapshot applied; -1 before the first snapshot. */
  lastSeq: number;
  resyncing: boolean;
  received: number;
  connected: boolean;
  /** `serverTimeMs` of the newest diff or snapshot applied, and of the one held when the window ended. */
  heldServerTimeMs: number;
  heldAtWindowEndMs: number;
  maxTicksBehind: number;
  maxLagMs: number;
  armedDiffs: number;
}

const clients: Client[] = [];
let closing = false;
let disconnects = 0;
let armedFromMs = Number.POSITIVE_INFINITY;
let armedToMs = Number.NEGATIVE_INFINITY;
/** Intervals between a 10 ms timer's runs while armed: how long this process's loop stalled. */
const loopGaps = monitorEventLoopDelay({ resolution: 10 });
const buckets = new Map<number, { diffs: number; upserts: number; chars: number; snapshotStates: number }>();
const total = { diffs: 0, upserts: 0, chars: 0 };
let verified = 0;
let verifiedStates = 0;
let verifyErrors = 0;
const firstErrors: string[] = [];
let gaps = 0;
let unreadHeaders = 0;
let resyncs = 0;
let pushedSnapshots = 0;
let pushedSnapshotStates = 0;
let readings = 0;
let subscribeSnapshotStates = 0;
const latency = new Float64Array(LATENCY_BINS);
const tickWait = new Float64Array(LATENCY_BINS);
const lag = new Float64Array(LATENCY_BINS);

/** Adds one sample of `ms` to a latency histogram. */
function count(histogram: Float64Array, ms: number): void {
  const bin = latencyBin(ms);
  histogram[bin] = (histogram[bin] ?? 0) + 1;
}

function now(): number {
  return performance.timeOrigin + performance.now();
}

function problem(client: Client, message: string): void {
  verifyErrors++;
  if (firstErrors.length < 5) firstErrors.push(`client ${client.number}: ${message}`);
}

function sameValues(got: Record<string, number>, want: Record<string, number>): boolean {
  const keys = Object.keys(want);
  if (Object.keys(got).length !== keys.length) return false;
  return keys.every((key) => got[key] === want[key]);
}

/** Checks one state against the server's reading; returns whether it is right. */
function checkState(client: Client, state: SensorState, requireLive: boolean): boolean {
  const sensor = hubSensorById(state.sensorId, sensors.length, config.extent);
  if (!sensor) {
    problem(client, `unknown sensor ${JSON.stringify(state.sensorId)}`);
    return false;
  }
  if (!kinds.has(sensor.kind)) {
    problem(client, `${sensor.id} is a ${sensor.kind} sensor; subscribed to ${config.kinds.join(', ')}`);
    return false;
  }
  if (client.bbox && !inBBox(sensor.lonLat, client.bbox)) {
    problem(
      client,
      `${sensor.id} at ${sensor.lonLat.join(',')} is outside the viewport ${client.bbox.join(',')}`,
    );
    return false;
  }
  const observation = state.observation;
  if (observation === null) {
    if (requireLive) problem(client, `${sensor.id} has no reading`);
    return !requireLive;
  }
  if (observation.sensorId !== sensor.id) {
    problem(client, `state of ${sensor.id} carries a reading of ${observation.sensorId}`);
    return false;
  }
  const want = hubValues(sensor, observation.observedAt);
  if (!sameValues(observation.values, want)) {
    problem(
      client,
      `${sensor.id} at ${observation.observedAt}: values ${JSON.stringify(observation.values)}, the server's reading had ${JSON.stringify(want)}`,
    );
    return false;
  }
  if (requireLive && state.freshness !== 'live') {
    problem(client, `${sensor.id} is ${state.freshness}, expected live`);
    return false;
  }
  return true;
}

/** Whether `time` falls in the armed window. */
function armed(timeMs: number): boolean {
  return timeMs >= armedFromMs && timeMs < armedToMs;
}

/**
 * Records a diff or snapshot the client applied: its lag and how far behind the client had been
 * (see the module comment for "ticks behind"), then the state it now holds.
 */
function noteSeq(client: Client, seq: number, serverTimeMs: number, receivedAtMs: number): void {
  if (receivedAtMs >= armedFromMs && receivedAtMs < armedToMs) {
    const staleMs = receivedAtMs - client.heldServerTimeMs;
    const behind = Math.max(0, Math.floor(staleMs / client.periodMs) - 1);
    client.maxTicksBehind = Math.max(client.maxTicksBehind, behind);
    const lagMs = receivedAtMs - serverTimeMs;
    count(lag, lagMs);
    client.maxLagMs = Math.max(client.maxLagMs, lagMs);
    client.armedDiffs++;
  }
  client.heldServerTimeMs = Math.max(client.heldServerTimeMs, serverTimeMs);
  if (receivedAtMs < armedToMs) client.heldAtWindowEndMs = client.heldServerTimeMs;
  client.lastSeq = Math.max(client.lastSeq, seq);
}

/** The most ticks `client` was behind in the armed window, the window's end included. */
function ticksBehind(client: Client): number {
  const staleAtEndMs = Math.min(now(), armedToMs) - client.heldAtWindowEndMs;
  return Math.max(client.maxTicksBehind, Math.floor(staleAtEndMs / client.periodMs) - 1, 0);
}

function checkSnapshot(client: Client, snapshot: Snapshot, label: string): void {
  if (client.subscriptionId !== undefined && snapshot.subscriptionId !== client.subscriptionId)
    problem(
      client,
      `${label} of subscription ${snapshot.subscriptionId}, subscribed as ${client.subscriptionId}`,
    );
  if (snapshot.states.length !== client.viewSize)
    problem(
      client,
      `${label} has ${snapshot.states.length} states; its view holds ${client.viewSize} sensors`,
    );
  for (const state of snapshot.states) checkState(client, state, false);
  client.order = snapshot.states.map((s) => s.sensorId);
}

type SnapshotAnswer = { ok: boolean; data?: Snapshot; error?: { message: string } };

/**
 * Emits `event` with an acknowledgement. The answer is handled in the callback, which Socket.io
 * runs before it delivers any later packet (a diff right behind the answer must find the state the
 * answer set; an awaited promise would run after it).
 */
function request(
  client: Client,
  event: string,
  payload: unknown,
  onAnswer: (answer: SnapshotAnswer) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const callback = (error: Error | null, answer: SnapshotAnswer) => {
      if (error) {
        reject(new Error(`client ${client.number}: ${event}: ${error.message}`));
        return;
      }
      try {
        onAnswer(answer);
        resolve();
      } catch (failure) {
        reject(failure instanceof Error ? failure : new Error(String(failure)));
      }
    };
    if (payload === undefined) client.socket.timeout(120_000).emit(event, callback);
    else client.socket.timeout(120_000).emit(event, payload, callback);
  });
}

function resync(client: Client): void {
  if (client.resyncing) return;
  client.resyncing = true;
  request(client, 'live:resync', undefined, (answer) => {
    client.resyncing = false;
    if (!answer.ok || !answer.data) {
      problem(client, `live:resync refused: ${answer.error?.message ?? 'no snapshot'}`);
      return;
    }
    resyncs++;
    checkSnapshot(client, answer.data, 'resync snapshot');
    noteSeq(client, answer.data.seq, answer.data.serverTimeMs, now());
  }).catch((error: unknown) => {
    client.resyncing = false;
    if (!closing) problem(client, `live:resync failed: ${String(error)}`);
  });
}

/**
 * A diff packet (`["live:diff", wire]`) parsed in full and read against the client's snapshot order,
 * as the viewer does; undefined, with a problem recorded, when its rows do not fit.
 */
function parseDiffPacket(client: Client, packet: string): Diff | undefined {
  const [, wire] = JSON.parse(packet.slice(1)) as [string, WireDiff];
  const decoded = decodeDiff(wire, client.order);
  if (decoded.ok) return decoded.diff;
  problem(client, `diff ${wire.seq} does not fit its snapshot: ${decoded.reason}`);
  return undefined;
}

function onDiff(client: Client, raw: unknown): void {
  if (!(raw instanceof RawDiff)) {
    problem(client, 'a live:diff that did not come through the bench parser');
    return;
  }
  const { packet, receivedAtMs } = raw;
  const verify = (client.received + client.number) % config.verifyEvery === 0;
  client.received++;
  let header = readDiffHeader(packet);
  if (header === undefined) unreadHeaders++;
  let diff: Diff | undefined;
  if (verify || header === undefined) {
    diff = parseDiffPacket(client, packet);
    if (!diff) return;
    const counted = header;
    header = {
      subscriptionId: diff.subscriptionId,
      seq: diff.seq,
      serverTimeMs: diff.serverTimeMs,
      upserts: diff.upserts.length,
    };
    if (
      counted &&
      (counted.seq !== diff.seq ||
        counted.serverTimeMs !== diff.serverTimeMs ||
        counted.subscriptionId !== diff.subscriptionId ||
        counted.upserts !== diff.upserts.length)
    )
      problem(client, `diff header read as ${JSON.stringify(counted)}, parsed ${JSON.stringify(header)}`);
    if (diff.removed.length > 0)
      problem(client, `diff removes ${diff.removed.length} sensors; none leave a view here`);
  }
  const { seq, serverTimeMs, upserts } = header;
  const bucket = bucketOf(serverTimeMs);
  bucket.diffs++;
  bucket.upserts += upserts;
  bucket.chars += packet.length;
  total.diffs++;
  total.upserts += upserts;
  total.chars += packet.length;
  if (header.subscriptionId !== client.subscriptionId)
    problem(
      client,
      `diff of subscription ${header.subscriptionId}, subscribed as ${client.subscriptionId ?? '(none)'}`,
    );
  if (upserts === 0 || upserts > client.viewSize)
    problem(client, `diff ${seq} carries ${upserts} states; its view holds ${client.viewSize}`);
  if (!client.resyncing && seq > client.lastSeq) {
    if (client.lastSeq >= 0 && seq > client.lastSeq + 1) {
      gaps++;
      noteSeq(client, seq, serverTimeMs, receivedAtMs);
      resync(client);
    } else noteSeq(client, seq, serverTimeMs, receivedAtMs);
  }
  if (diff) {
    verified++;
    for (const state of diff.upserts) {
      if (!checkState(client, state, true)) continue;
      verifiedStates++;
      const observedAt = state.observation?.observedAt;
      if (observedAt !== undefined && armed(serverTimeMs)) {
        count(latency, receivedAtMs - observedAt);
        count(tickWait, serverTimeMs - observedAt);
      }
    }
  }
}

/** The counts of the diffs (and pushed snapshots) made at `serverTimeMs`. */
function bucketOf(serverTimeMs: number) {
  let bucket = buckets.get(serverTimeMs);
  if (!bucket) buckets.set(serverTimeMs, (bucket = { diffs: 0, upserts: 0, chars: 0, snapshotStates: 0 }));
  return bucket;
}

function onPushedSnapshot(client: Client, raw: unknown): void {
  const snapshot = raw as Snapshot;
  bucketOf(snapshot.serverTimeMs).snapshotStates += snapshot.states.length;
  pushedSnapshots++;
  pushedSnapshotStates += snapshot.states.length;
  checkSnapshot(client, snapshot, 'pushed snapshot');
  noteSeq(client, snapshot.seq, snapshot.serverTimeMs, now());
}

function onReading(client: Client, raw: unknown): void {
  readings++;
  const state = raw as SensorState;
  if ((readings + client.number) % config.verifyEvery === 0) {
    if (checkState(client, state, true)) {
      verified++;
      verifiedStates++;
    }
  }
}

/** Opens client `number`'s socket; resolves once the server's hello (naive mode: the connection) came. */
async function openClient(number: number, helloHz: number[]): Promise<Client> {
  const bbox = config.viewports
    ? clientViewport(number, config.viewports, config.extent, viewable)
    : undefined;
  const viewSize = bbox ? viewable.filter((s) => inBBox(s.lonLat, bbox)).length : viewable.length;
  const socket = io(config.url, {
    auth: { protocolVersion: PROTOCOL_VERSION, clientClass: config.clientClass },
    transports: ['websocket'],
    parser: hubWireParser,
    forceNew: true,
    reconnection: false,
    timeout: 120_000,
  });
  const client: Client = {
    number,
    socket,
    bbox,
    viewSize,
    periodMs: 1000 / config.expectedHz,
    subscriptionId: undefined,
    order: [],
    lastSeq: -1,
    resyncing: false,
    received: 0,
    connected: false,
    heldServerTimeMs: 0,
    heldAtWindowEndMs: 0,
    maxTicksBehind: 0,
    maxLagMs: 0,
    armedDiffs: 0,
  };
  const hello = new Promise<void>((resolve, reject) => {
    if (config.mode === 'naive') socket.once('connect', () => resolve());
    else
      socket.once('server:hello', (raw: { tickHz?: number }) => {
        if (typeof raw.tickHz === 'number' && raw.tickHz > 0) {
          helloHz.push(raw.tickHz);
          client.periodMs = 1000 / raw.tickHz;
        }
        resolve();
      });
    socket.once('connect_error', (error: Error) => reject(new Error(`client ${number}: ${error.message}`)));
  });
  if (config.mode === 'naive') socket.on('reading', (raw: unknown) => onReading(client, raw));
  else {
    socket.on('live:diff', (raw: unknown) => onDiff(client, raw));
    socket.on('live:snapshot', (raw: unknown) => onPushedSnapshot(client, raw));
  }
  socket.on('disconnect', () => {
    if (client.connected && !closing) disconnects++;
    client.connected = false;
  });
  await hello;
  client.connected = true;
  return client;
}

/** Subscribes `client` with its kinds and viewport; resolves once its snapshot is checked. */
async function subscribeClient(client: Client): Promise<void> {
  const bbox = client.bbox;
  const subscribe = { protocolVersion: PROTOCOL_VERSION, kinds: config.kinds, ...(bbox ? { bbox } : {}) };
  await request(client, 'live:subscribe', subscribe, (answer) => {
    if (!answer.ok || !answer.data)
      throw new Error(
        `client ${client.number}: live:subscribe refused: ${answer.error?.message ?? 'no snapshot'}`,
      );
    client.subscriptionId = answer.data.subscriptionId;
    subscribeSnapshotStates += answer.data.states.length;
    checkSnapshot(client, answer.data, 'snapshot');
    client.lastSeq = answer.data.seq;
    client.heldServerTimeMs = answer.data.serverTimeMs;
    client.heldAtWindowEndMs = answer.data.serverTimeMs;
  });
}

/** Runs `task` for every item, `concurrency` at a time. */
async function eachLimited<T>(
  items: readonly T[],
  concurrency: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

async function connectAll(): Promise<FleetReply> {
  const startMs = performance.now();
  const helloHz: number[] = [];
  const numbers = Array.from({ length: config.clients }, (_, i) => config.firstClient + i);
  await eachLimited(numbers, config.connectConcurrency, async (number) => {
    clients.push(await openClient(number, helloHz));
  });
  return {
    type: 'connected',
    clients: clients.length,
    helloHz: [...new Set(helloHz)],
    wallMs: performance.now() - startMs,
  };
}

async function subscribeAll(): Promise<FleetReply> {
  const startMs = performance.now();
  if (config.mode === 'hub') await eachLimited(clients, config.connectConcurrency, subscribeClient);
  return {
    type: 'subscribed',
    snapshotStates: subscribeSnapshotStates,
    expectedSnapshotStates: clients.reduce((sum, c) => sum + c.viewSize, 0),
    wallMs: performance.now() - startMs,
  };
}

function windowCounts(fromMs: number, toMs: number): WindowCounts {
  let diffs = 0;
  let upserts = 0;
  let chars = 0;
  let snapshotStates = 0;
  for (const [timeMs, bucket] of buckets) {
    if (timeMs < fromMs || timeMs >= toMs) continue;
    diffs += bucket.diffs;
    upserts += bucket.upserts;
    chars += bucket.chars;
    snapshotStates += bucket.snapshotStates;
  }
  return { diffs, upserts, chars, snapshotStates };
}

function report(fromMs: number, toMs: number, detail: boolean): FleetReport {
  const cpu = process.cpuUsage();
  return {
    clients: clients.length,
    cpuMs: (cpu.user + cpu.system) / 1000,
    disconnects,
    window: windowCounts(fromMs, toMs),
    total: { ...total, snapshotStates: pushedSnapshotStates },
    verified,
    verifiedStates,
    verifyErrors,
    firstErrors,
    unreadHeaders,
    gaps,
    resyncs,
    pushedSnapshots,
    pushedSnapshotStates,
    maxTicksBehind: detail ? clients.map(ticksBehind) : [],
    maxLagMs: detail ? clients.map((c) => Math.round(c.maxLagMs * 10) / 10) : [],
    silent: clients.filter((c) => c.armedDiffs === 0).length,
    latency: detail ? sparseHistogram(latency) : [],
    tickWait: detail ? sparseHistogram(tickWait) : [],
    lag: detail ? sparseHistogram(lag) : [],
    readings,
    floorPackets: floorPacketsReceived(),
    maxLoopGapMs: loopGaps.count > 0 ? Math.round(loopGaps.max / 1e5) / 10 : 0,
  };
}

serveFleetRequests({
  async handle(request: FleetRequest): Promise<FleetReply> {
    switch (request.type) {
      case 'connect':
        return connectAll();
      case 'subscribe':
        return subscribeAll();
      case 'arm':
        armedFromMs = request.fromMs;
        armedToMs = request.toMs;
        loopGaps.reset();
        setTimeout(() => loopGaps.enable(), Math.max(0, armedFromMs - Date.now()));
        setTimeout(() => loopGaps.disable(), Math.max(0, armedToMs - Date.now()));
        latency.fill(0);
        tickWait.fill(0);
        lag.fill(0);
        for (const client of clients) {
          client.heldAtWindowEndMs = client.heldServerTimeMs;
          client.maxTicksBehind = 0;
          client.maxLagMs = 0;
          client.armedDiffs = 0;
        }
        return { type: 'armed' };
      case 'report':
        return { type: 'report', ...report(request.fromMs, request.toMs, request.detail) };
    }
  },
  async close() {
    closing = true;
    await writeProfile();
    for (const client of clients) client.socket.disconnect();
    // Let the close frames go out before the process ends.
    await new Promise((resolve) => setTimeout(resolve, 200));
  },
});
