/**
 * Pure pieces of the hub: freshness, subscription membership and diff building. No sockets, no
 * timers; the hub (`hub.ts`) is the shell that calls them.
 */
import type {
  BBox,
  Diff,
  Freshness,
  Observation,
  Sensor,
  SensorKind,
  SensorState,
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
  if (!filter.kinds.includes(sensor.kind)) return false;
  if (!filter.visibilities.includes(sensor.visibility)) return false;
  return filter.bbox === undefined || isInBBox(sensor.position, filter.bbox);
}

/**
 * The diff that brings a subscriber from its last message to now: the current state of every
 * changed sensor in `changedIds` (latest value wins, however often it changed in between).
 */
export function buildDiff(
  subscriptionId: string,
  seq: number,
  serverTimeMs: number,
  changedIds: Iterable<string>,
  states: ReadonlyMap<string, SensorState>,
  removedIds: readonly string[] = [],
): Diff {
  const upserts: SensorState[] = [];
  for (const id of changedIds) {
    const state = states.get(id);
    if (state) upserts.push(state);
  }
  return { subscriptionId, seq, serverTimeMs, upserts, removed: [...removedIds] };
}

/** Whether `next` should replace `current` as a sensor's latest reading. */
export function isNewer(next: Observation, current: Observation | null): boolean {
  return current === null || next.observedAt > current.observedAt;
}
