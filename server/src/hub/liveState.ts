/**
 * Pure pieces of the hub: freshness, subscription membership and diff building. No sockets, no
 * timers; the hub (`hub.ts`) is the shell that calls them.
 */
import type {
  BBox,
  Freshness,
  Observation,
  Sensor,
  SensorKind,
  Visibility,
} from '../../../protocol/index.ts';

/** A reading older than this many intervals counts as offline rather than stale. */
export const OFFLINE_AFTER_INTERVALS = 10;

/**
 * `live` while the reading is at most twice the sensor's interval old, then `stale`, and `offline`
 * once it is more than `OFFLINE_AFTER_INTERVALS` intervals old or when there never was a reading.
 */
export function freshnessOf(observedAtMs: number | undefined, intervalMs: number, nowMs: number): Freshness {
  if (observedAtMs === undefined) return 'offline';
  const ageMs = nowMs - observedAtMs;
  if (ageMs <= 2 * intervalMs) return 'live';
  if (ageMs <= OFFLINE_AFTER_INTERVALS * intervalMs) return 'stale';
  return 'offline';
}

/** What one viewer asked for, already checked against what its role may see. */
export interface SubscriptionFilter {
  kinds: readonly SensorKind[];
  bbox?: BBox | undefined;
  /** Kinds taken in the whole town, whatever `bbox` says. */
  everywhere?: readonly SensorKind[] | undefined;
  /** Visibilities the subscriber's role may see. */
  visibilities: readonly Visibility[];
}

export function isInBBox(position: readonly [number, number, number], bbox: BBox): boolean {
  const [west, south, east, north] = bbox;
  const [lon, lat] = position;
  if (lat < south || lat > north) return false;
  // A bbox may cross the antimeridian (west > east).
  return west <= east ? lon >= west && lon <= east : lon >= west || lon <= east;
}

export function matchesFilter(sensor: Sensor, filter: SubscriptionFilter): boolean {
  if (!filter.visibilities.includes(sensor.visibility)) return false;
  if (filter.everywhere?.includes(sensor.kind)) return true;
  if (!filter.kinds.includes(sensor.kind)) return false;
  return filter.bbox === undefined || isInBBox(sensor.position, filter.bbox);
}

/** Whether `next` should replace `current` as a sensor's latest reading. */
export function isNewer(next: Observation, current: Observation | null): boolean {
  return current === null || next.observedAt > current.observedAt;
}

/** One quantity's newest value as the hub holds it, with its own time and quality. */
export interface HeldValue {
  readonly value: number;
  readonly observedAtMs: number;
  /**
   * `observedAtMs`, or the server's time when the value arrived if that was earlier (a device clock
   * ahead of ours): while the value is ahead of the clock, readings observed after this replace it
   * (see {@link replacesHeld}).
   */
  readonly orderMs: number;
  readonly quality: Observation['quality'];
  /** The source that sent it. */
  readonly source: string;
}

/** What the hub holds of one sensor: the newest value of each quantity. */
export type HeldReading = ReadonlyMap<string, HeldValue>;

/**
 * Whether a value observed at `incomingMs` replaces `held`, judged at the server's time `nowMs`: when
 * it is newer; or, while the held value is still ahead of the server clock (a device clock that
 * leads ours), when the incoming one is not ahead and was observed after the held one arrived. The
 * hub takes readings a little ahead of its clock and keeps their time; ordered by that time alone,
 * one would turn away the sensor's correct readings until our clock caught up. A late copy of an
 * older reading still never replaces a newer one: it was observed before the held one arrived, or
 * the held one is no longer ahead and plain order applies.
 */
export function replacesHeld(incomingMs: number, held: HeldValue, nowMs: number): boolean {
  if (incomingMs > held.observedAtMs) return true;
  return held.observedAtMs > nowMs && incomingMs <= nowMs && incomingMs > held.orderMs;
}

function heldValue(value: number, incoming: Observation, source: string, nowMs: number): HeldValue {
  const observedAtMs = incoming.observedAt;
  return {
    value,
    observedAtMs,
    orderMs: Math.min(observedAtMs, nowMs),
    quality: incoming.quality,
    source,
  };
}

export type MergeResult =
  | { readonly ok: true; readonly held: HeldReading; readonly observation: Observation }
  | {
      readonly ok: false;
      /** `duplicate`: every value is held at exactly this time; `out-of-order`: some are held newer. */
      readonly reason: 'duplicate' | 'out-of-order';
      /** For a duplicate: whether the values are the same as the ones held. */
      readonly sameValues: boolean;
    };

const QUALITY_RANK: Readonly<Record<Observation['quality'], number>> = { good: 0, uncertain: 1, bad: 2 };

/**
 * The common case of {@link mergeReading}, without its general bookkeeping: the first reading of a
 * sensor, or a reading of the same source with exactly the held quantities in the held order, newer
 * than every held value. It replaces everything, which is what the general merge would come to (all
 * taken, nothing older left to drop, one time and one quality). Undefined for every other case.
 */
function mergeWhole(
  held: HeldReading | undefined,
  incoming: Observation,
  source: string,
  nowMs: number,
): MergeResult | undefined {
  const names = Object.keys(incoming.values);
  if (names.length === 0) return undefined;
  if (held !== undefined) {
    if (held.size !== names.length) return undefined;
    let i = 0;
    for (const [quantity, entry] of held) {
      if (
        quantity !== names[i++] ||
        entry.source !== source ||
        !replacesHeld(incoming.observedAt, entry, nowMs)
      )
        return undefined;
    }
  }
  const next = new Map<string, HeldValue>();
  const values: Record<string, number> = {};
  for (const name of names) {
    const value = incoming.values[name] as number;
    next.set(name, heldValue(value, incoming, source, nowMs));
    values[name] = value;
  }
  return {
    ok: true,
    held: next,
    observation: {
      sensorId: incoming.sensorId,
      observedAt: incoming.observedAt,
      values,
      quality: incoming.quality,
    },
  };
}

/**
 * Folds an incoming reading into what is held of a sensor, quantity by quantity. A sensor is often
 * fed by several streams (one SensorThings datastream or NGSI-LD attribute per quantity), each with
 * its own time, so a value replaces only the held value of its own quantity, and only when it is
 * newer. Held values of other quantities stay while they are at most twice the sensor's interval
 * older than the newest value (a stream that fell silent drops out rather than being shown as
 * current). Values of another source are not mixed in: when a real source takes a sensor over
 * from the simulator, its first reading replaces everything. The resulting observation carries the
 * OLDEST time among its values and the worst quality: an age or freshness judged from it never
 * makes a value look newer than it is. A value that arrived ahead of the server clock (`nowMs`) is
 * ordered by its arrival (see {@link replacesHeld}); without a clock, by its own time.
 */
export function mergeReading(
  held: HeldReading | undefined,
  incoming: Observation,
  intervalMs: number,
  source: string,
  nowMs = Number.POSITIVE_INFINITY,
): MergeResult {
  const whole = mergeWhole(held, incoming, source, nowMs);
  if (whole !== undefined) return whole;
  const next = new Map(held);
  let taken = 0;
  let heldSameTime = 0;
  let sameValues = true;
  for (const [quantity, value] of Object.entries(incoming.values)) {
    const current = held?.get(quantity);
    if (current === undefined || replacesHeld(incoming.observedAt, current, nowMs)) {
      next.set(quantity, heldValue(value, incoming, source, nowMs));
      taken += 1;
    } else if (current.observedAtMs === incoming.observedAt) {
      heldSameTime += 1;
      if (current.value !== value) sameValues = false;
    }
  }
  if (taken === 0) {
    const all = Object.keys(incoming.values).length;
    return { ok: false, reason: heldSameTime === all ? 'duplicate' : 'out-of-order', sameValues };
  }
  let newestMs = -Infinity;
  for (const entry of next.values()) newestMs = Math.max(newestMs, entry.observedAtMs);
  const keepFromMs = newestMs - 2 * intervalMs;
  const values: Record<string, number> = {};
  let oldestMs = newestMs;
  let quality: Observation['quality'] = 'good';
  for (const [quantity, entry] of next) {
    if (entry.observedAtMs < keepFromMs || entry.source !== source) {
      next.delete(quantity);
      continue;
    }
    values[quantity] = entry.value;
    oldestMs = Math.min(oldestMs, entry.observedAtMs);
    if (QUALITY_RANK[entry.quality] > QUALITY_RANK[quality]) quality = entry.quality;
  }
  return {
    ok: true,
    held: next,
    observation: { sensorId: incoming.sensorId, observedAt: oldestMs, values, quality },
  };
}
