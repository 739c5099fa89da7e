/**
 * The load of the hub benchmark, shared by the bench (the server side) and its client-fleet children:
 * the synthetic town's sensors (ids, kinds, quantities and positions derived from an index, so a child
 * knows every sensor without being sent the registry), the values each reading carries (a pure
 * function of sensor and time, so a client can check what it was sent), the viewports clients
 * subscribe with, and the messages the bench and a fleet exchange over the IPC channel. Pure, no I/O.
 */
import type { BBox, SensorKind } from '../../protocol/index.ts';
import { benchValues } from './ingestLoad.ts';

/** The kinds of the synthetic town, round robin by sensor index. */
export const HUB_KINDS = ['parking', 'traffic', 'environment'] as const satisfies readonly SensorKind[];
export type HubKind = (typeof HUB_KINDS)[number];

/** Quantities per kind, as the demo pack has them (a subset for environment stations). */
export const HUB_QUANTITIES: Readonly<Record<HubKind, readonly string[]>> = {
  parking: ['occupiedSpaces', 'freeSpaces'],
  traffic: ['vehiclesPerHour', 'speedKmh'],
  environment: ['no2UgM3', 'pm10UgM3', 'temperatureC', 'noiseDbA'],
};

/** Capacity of every synthetic garage; `benchValues` stays below 150 spaces. */
export const HUB_CAPACITY_SPACES = 400;

/** One sensor of the synthetic town, all derived from its index. */
export interface HubSensor {
  readonly index: number;
  readonly id: string;
  readonly kind: HubKind;
  readonly quantities: readonly string[];
  /** `[lon, lat]` in degrees. */
  readonly lonLat: readonly [number, number];
}

const ID_PATTERN = /^hub-(parking|traffic|environment)-(\d+)$/;

/** The fractional part of `x`. */
function frac(x: number): number {
  return x - Math.floor(x);
}

/**
 * Sensor `index` of a town over `extent`: placed by the R2 low-discrepancy sequence, so any number of
 * sensors covers the town evenly without clumps, and a child recomputes the same place.
 */
export function hubSensor(index: number, extent: BBox): HubSensor {
  const kind = HUB_KINDS[index % HUB_KINDS.length] as HubKind;
  const [west, south, east, north] = extent;
  const x = frac(0.5 + index * 0.7548776662466927);
  const y = frac(0.5 + index * 0.5698402909980532);
  const lon = Math.round((west + x * (east - west)) * 1e7) / 1e7;
  const lat = Math.round((south + y * (north - south)) * 1e7) / 1e7;
  return {
    index,
    id: `hub-${kind}-${String(index).padStart(5, '0')}`,
    kind,
    quantities: HUB_QUANTITIES[kind],
    lonLat: [lon, lat],
  };
}

/** The sensor an id names, or undefined for an id that is not one of the town's `count` sensors. */
export function hubSensorById(id: string, count: number, extent: BBox): HubSensor | undefined {
  const match = ID_PATTERN.exec(id);
  if (!match) return undefined;
  const index = Number(match[2]);
  if (index >= count) return undefined;
  const sensor = hubSensor(index, extent);
  return sensor.id === id ? sensor : undefined;
}

/**
 * The values of `sensor`'s reading observed at `observedAtMs`: plausible for each unit and a pure
 * function of sensor and time, so a client recomputes them from what it was sent and any value
 * that did not come from the server's reading shows.
 */
export function hubValues(sensor: HubSensor, observedAtMs: number): Record<string, number> {
  return benchValues(sensor, observedAtMs, sensor.index);
}

/** Whether `lonLat` lies in `bbox` (no antimeridian: the town is small). */
export function inBBox(lonLat: readonly [number, number], bbox: BBox): boolean {
  const [west, south, east, north] = bbox;
  return lonLat[0] >= west && lonLat[0] <= east && lonLat[1] >= south && lonLat[1] <= north;
}

/** mulberry32: a small seeded generator, so viewports are the same in every run and process. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** How client viewports are drawn: each side a random share of the town's, placed at random in it. */
export interface ViewportSpec {
  readonly seed: number;
  /** Smallest and largest share of the town's width (and height) a viewport spans. */
  readonly minShare: number;
  readonly maxShare: number;
}

/**
 * Client `client`'s viewport: a random part of the town (deterministic by seed and client), drawn
 * again until it holds at least one of the town's sensors of `kinds` (an empty view gets no diffs
 * and would say nothing about lag).
 */
export function clientViewport(
  client: number,
  spec: ViewportSpec,
  extent: BBox,
  sensors: readonly HubSensor[],
): BBox {
  const random = seededRandom(spec.seed * 1_000_003 + client);
  const [west, south, east, north] = extent;
  for (;;) {
    const widthShare = spec.minShare + random() * (spec.maxShare - spec.minShare);
    const heightShare = spec.minShare + random() * (spec.maxShare - spec.minShare);
    const w = west + random() * (1 - widthShare) * (east - west);
    const s = south + random() * (1 - heightShare) * (north - south);
    const bbox: BBox = [w, s, w + widthShare * (east - west), s + heightShare * (north - south)];
    if (sensors.some((sensor) => inBBox(sensor.lonLat, bbox))) return bbox;
  }
}

/** Latency histogram bins: 0.1 ms wide up to 20 s; anything slower lands in the last bin. */
export const LATENCY_BIN_MS = 0.1;
export const LATENCY_BINS = 200_000;

/** A histogram as `[bin, count]` pairs of the non-empty bins (small over IPC). */
export type SparseHistogram = readonly (readonly [number, number])[];

/** Adds `sparse` into the dense histogram `into`. */
export function addHistogram(into: Float64Array, sparse: SparseHistogram): void {
  for (const [bin, count] of sparse) into[bin] = (into[bin] ?? 0) + count;
}

/** The non-empty bins of `dense`. */
export function sparseHistogram(dense: Float64Array): [number, number][] {
  const pairs: [number, number][] = [];
  dense.forEach((count, bin) => {
    if (count > 0) pairs.push([bin, count]);
  });
  return pairs;
}

/** The `q` quantile (0..1) of a dense histogram, as the upper edge of its bin in ms; NaN when empty. */
export function histogramQuantile(dense: Float64Array, q: number, binMs = LATENCY_BIN_MS): number {
  let total = 0;
  for (const count of dense) total += count;
  if (total === 0) return Number.NaN;
  const rank = q * total;
  let seen = 0;
  for (let bin = 0; bin < dense.length; bin++) {
    seen += dense[bin] ?? 0;
    if (seen >= rank) return (bin + 1) * binMs;
  }
  return dense.length * binMs;
}

/** The bin of a latency in ms. */
export function latencyBin(ms: number): number {
  return Math.min(LATENCY_BINS - 1, Math.max(0, Math.floor(ms / LATENCY_BIN_MS)));
}

/** Configuration of a client fleet (`hubClientFleet.ts`), given as argv[2] JSON. */
export interface FleetConfig {
  readonly url: string;
  /** `hub`: the real server's protocol; `naive`: the naive server's one `reading` event per reading. */
  readonly mode: 'hub' | 'naive';
  /** Global number of this fleet's first client (viewports and verification turns go by it). */
  readonly firstClient: number;
  readonly clients: number;
  readonly kinds: readonly HubKind[];
  /** Without one, clients subscribe to the whole town. */
  readonly viewports: ViewportSpec | null;
  readonly sensorCount: number;
  readonly extent: BBox;
  /** The handshake's `clientClass` (servers that know none ignore it). */
  readonly clientClass: 'operator' | 'public' | 'kiosk';
  /** Diffs per second each client expects; the server's `server:hello` may say otherwise (checked). */
  readonly expectedHz: number;
  /** A client parses and checks every this many of its diffs in full (staggered over clients). */
  readonly verifyEvery: number;
  /** Connections a fleet opens at once. */
  readonly connectConcurrency: number;
  /**
   * Whether the fleet runs at nice 10, yielding the CPU to the server (default). The latency probes
   * do not: they stand for a viewer on a machine of its own.
   */
  readonly yieldCpu?: boolean;
}

/** Counts of one window, summed over a fleet's clients. */
export interface WindowCounts {
  /** `live:diff` messages with `serverTimeMs` in the window. */
  readonly diffs: number;
  /** Sensor states in those diffs: the deliveries. */
  readonly upserts: number;
  /** Characters of those Socket.io packets (the server counts the same). */
  readonly chars: number;
  /** States in pushed `live:snapshot`s (the whole view again after a client was skipped). */
  readonly snapshotStates: number;
}

/** Bench -> fleet. */
export type FleetRequest =
  /** Open every client's socket and wait for its hello; answered by `connected`. */
  | { readonly type: 'connect' }
  /** Subscribe every client and check its snapshot (hub mode); answered by `subscribed`. */
  | { readonly type: 'subscribe' }
  /** Collect lag and latency for diffs with `serverTimeMs` in [fromMs, toMs); answered by `armed`. */
  | { readonly type: 'arm'; readonly fromMs: number; readonly toMs: number }
  /**
   * What arrived so far; deliveries counted for `serverTimeMs` in [fromMs, toMs). Without `detail`
   * only the counts (cheap to send and merge: the bench polls this while it measures its own CPU).
   */
  | { readonly type: 'report'; readonly fromMs: number; readonly toMs: number; readonly detail: boolean };

/** Fleet -> bench. */
export type FleetReply =
  | { readonly type: 'ready' }
  | {
      readonly type: 'connected';
      readonly clients: number;
      /** Diffs per second the server's hello announced, when it did (each distinct value once). */
      readonly helloHz: readonly number[];
      readonly wallMs: number;
    }
  | {
      readonly type: 'subscribed';
      /** Sensor states in all snapshots, and what the viewports say they should have been. */
      readonly snapshotStates: number;
      readonly expectedSnapshotStates: number;
      readonly wallMs: number;
    }
  | { readonly type: 'armed' }
  | ({ readonly type: 'report' } & FleetReport)
  | { readonly type: 'failed'; readonly error: string };

/** What a fleet saw, summed over its clients. */
export interface FleetReport {
  readonly clients: number;
  /** CPU time of the fleet process so far (user + system), in ms: is the load generator saturated? */
  readonly cpuMs: number;
  /** Sockets that closed or errored after connecting. */
  readonly disconnects: number;
  readonly window: WindowCounts;
  /** Everything since connecting. */
  readonly total: WindowCounts;
  /** Diffs parsed in full and checked, and what was wrong in them. */
  readonly verified: number;
  readonly verifiedStates: number;
  readonly verifyErrors: number;
  readonly firstErrors: readonly string[];
  /** Diffs whose header `readDiffHeader` could not read (parsed in full instead: slow, not wrong). */
  readonly unreadHeaders: number;
  /** Gaps in `seq` (each starts a `live:resync`), pushed `live:snapshot`s and their states. */
  readonly gaps: number;
  readonly resyncs: number;
  readonly pushedSnapshots: number;
  readonly pushedSnapshotStates: number;
  /** Per client over the armed window: the most ticks it was behind (see `hubClientFleet.ts`). */
  readonly maxTicksBehind: readonly number[];
  /** Per client over the armed window: the largest `receipt - serverTimeMs` of its diffs, in ms. */
  readonly maxLagMs: readonly number[];
  /** Clients that got no diff in the armed window. */
  readonly silent: number;
  /** Ingest-to-receipt latency of the checked diffs' states in the armed window (bins of 0.1 ms). */
  readonly latency: SparseHistogram;
  /** The same readings' wait from ingest to their tick (`serverTimeMs - observedAt`). */
  readonly tickWait: SparseHistogram;
  /** `receipt - serverTimeMs` of every diff in the armed window: the delivery after the tick. */
  readonly lag: SparseHistogram;
  /** Naive mode: `reading` events received. */
  readonly readings: number;
  /** Packets of the bench's transport floor received (see `hubWireParser.ts`). */
  readonly floorPackets: number;
  /**
   * The longest the fleet's event loop went without running a 10 ms timer in the armed window, in ms
   * (a stalled fleet reads its diffs late and makes its clients look behind).
   */
  readonly maxLoopGapMs: number;
}
