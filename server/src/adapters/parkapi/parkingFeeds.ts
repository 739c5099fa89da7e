/**
 * Pure normalizers for parking occupancy feeds: ParkAPI v3 parking-site lists, ParkenDD v1 lot lists
 * and Goldbeck Parking Services occupancies (Heilbronn). Each mapped lot with a reading becomes one
 * observation with `freeSpaces` and `occupiedSpaces` (capacity − free; capacity from the feed, else
 * from the mapping). No I/O; bad input is rejected, never thrown.
 *
 * Choices, the same for every feed:
 * - A lot no mapping names is one `unknown-device`, whatever else it says (checked before its data).
 * - A lot without realtime data (ParkAPI `has_realtime_data: false`, ParkenDD `state: "nodata"`,
 *   Goldbeck without a TOTAL counter) is `not-a-reading`.
 * - A closed lot (ParkAPI `realtime_opening_status: "CLOSED"`, ParkenDD `state: "closed"`, Goldbeck
 *   counter `status: "CLOSED"`) still gives its counts, with quality `uncertain`: the counts are the
 *   operator's, but nobody can park there now.
 * - free > capacity, negative or fractional counts are `invalid-payload`; a missing free count (or a
 *   missing capacity with none in the mapping) is `missing-value`.
 * - observedAt: the lot's own update time, else the feed's, else `receivedAtMs`. Times without a
 *   zone are UTC for ParkAPI and ParkenDD (as parkapi-sources reads them) and Europe/Berlin for
 *   Goldbeck.
 */
import type { Quality } from '../../../../protocol/index.ts';
import { emptyResult, type NormalizeResult } from '../normalize.ts';
import {
  addLotReading,
  isRecord,
  parseFeedTime,
  parseInput,
  show,
  validInstant,
  type ParkingLotMapping,
} from './parkingCommon.ts';

export {
  FREE_SPACES,
  OCCUPIED_SPACES,
  parseFeedTime,
  zonedWallTimeToUtc,
  type ParkingLotMapping,
} from './parkingCommon.ts';

/** The zone of Goldbeck's zone-less timestamps. */
export const GOLDBECK_TIME_ZONE = 'Europe/Berlin';

/** A lot id as a string: a non-empty string, or a whole number. */
function lotId(value: unknown): string | undefined {
  if (typeof value === 'string' && value.trim() !== '') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return String(value);
  return undefined;
}

function nameOf(item: Record<string, unknown>): string {
  return typeof item.name === 'string' ? ` (${JSON.stringify(item.name)})` : '';
}

/**
 * ParkAPI v3 parking-site list: `{ items: [{ uid | original_uid | id, capacity,
 * realtime_capacity, realtime_free_capacity, has_realtime_data, realtime_opening_status,
 * realtime_data_updated_at, … }] }`. The mapping is looked up by `uid`, then `original_uid`, then
 * `id`. Capacity: `realtime_capacity`, else `capacity`, else the mapping's.
 */
export function normalizeParkApiV3(
  raw: unknown,
  lots: ReadonlyMap<string, ParkingLotMapping>,
  receivedAtMs: number,
): NormalizeResult {
  const result = emptyResult();
  const parsed = parseInput(raw, 'ParkAPI v3');
  if (!parsed.ok) {
    result.rejected.push(parsed.rejected);
    return result;
  }
  const doc = parsed.value;
  if (!isRecord(doc) || !Array.isArray(doc.items)) {
    result.rejected.push({
      reason: 'invalid-payload',
      message: 'ParkAPI v3: expected an object with an "items" array',
    });
    return result;
  }
  const received = validInstant(receivedAtMs, 0);
  doc.items.forEach((item: unknown, index) => {
    const where = `ParkAPI v3 items[${index}]`;
    if (!isRecord(item)) {
      result.rejected.push({
        reason: 'invalid-payload',
        message: `${where}: ${show(item)} is not an object`,
      });
      return;
    }
    const ids = [item.uid, item.original_uid, item.id]
      .map(lotId)
      .filter((id): id is string => id !== undefined);
    const [firstId] = ids;
    if (firstId === undefined) {
      result.rejected.push({
        reason: 'invalid-payload',
        message: `${where}${nameOf(item)}: no lot id ("uid", "original_uid" or "id")`,
      });
      return;
    }
    const sourceId = ids.find((id) => lots.has(id)) ?? firstId;
    const mapping = lots.get(sourceId);
    const label = `${where} "${sourceId}"`;
    if (mapping === undefined) {
      result.rejected.push({
        reason: 'unknown-device',
        message: `${label}${nameOf(item)}: no mapping names this lot`,
        sourceId,
      });
      return;
    }
    const hasRealtime = item.has_realtime_data;
    if (hasRealtime !== undefined && typeof hasRealtime !== 'boolean') {
      result.rejected.push({
        reason: 'invalid-payload',
        message: `${label}: "has_realtime_data" is ${show(hasRealtime)}, not a boolean`,
        sourceId,
      });
      return;
    }
    if (hasRealtime === false || (hasRealtime === undefined && item.realtime_free_capacity === undefined)) {
      result.rejected.push({
        reason: 'not-a-reading',
        message: `${label}: the lot has no realtime data`,
        sourceId,
      });
      return;
    }
    const status = item.realtime_opening_status;
    const quality: Quality = status === 'CLOSED' ? 'uncertain' : 'good';
    addLotReading(result, {
      mapping,
      label,
      freeField: 'realtime_free_capacity',
      capacityField: item.realtime_capacity != null ? 'realtime_capacity' : 'capacity',
      free: item.realtime_free_capacity,
      capacity: item.realtime_capacity ?? item.capacity,
      observedAt: validInstant(parseFeedTime(item.realtime_data_updated_at, 'UTC'), received),
      quality,
    });
  });
  return result;
}

/**
 * ParkenDD v1 lot list: `{ last_updated, last_downloaded, lots: [{ id, free, total, state, … }] }`.
 * `state: "nodata"` is not a reading; `"closed"` is `uncertain`. observedAt: the lot's
 * `last_updated` if it has one, else the feed's `last_updated`, else `last_downloaded`.
 */
export function normalizeParkenDd(
  raw: unknown,
  lots: ReadonlyMap<string, ParkingLotMapping>,
  receivedAtMs: number,
): NormalizeResult {
  const result = emptyResult();
  const parsed = parseInput(raw, 'ParkenDD');
  if (!parsed.ok) {
    result.rejected.push(parsed.rejected);
    return result;
  }
  const doc = parsed.value;
  if (!isRecord(doc) || !Array.isArray(doc.lots)) {
    result.rejected.push({
      reason: 'invalid-payload',
      message: 'ParkenDD: expected an object with a "lots" array',
    });
    return result;
  }
  const received = validInstant(receivedAtMs, 0);
  const feedTime = parseFeedTime(doc.last_updated, 'UTC') ?? parseFeedTime(doc.last_downloaded, 'UTC');
  doc.lots.forEach((lot: unknown, index) => {
    const where = `ParkenDD lots[${index}]`;
    if (!isRecord(lot)) {
      result.rejected.push({
        reason: 'invalid-payload',
        message: `${where}: ${show(lot)} is not an object`,
      });
      return;
    }
    const sourceId = lotId(lot.id);
    if (sourceId === undefined) {
      result.rejected.push({
        reason: 'invalid-payload',
        message: `${where}${nameOf(lot)}: no lot id ("id" is ${show(lot.id)})`,
      });
      return;
    }
    const label = `${where} "${sourceId}"`;
    const mapping = lots.get(sourceId);
    if (mapping === undefined) {
      result.rejected.push({
        reason: 'unknown-device',
        message: `${label}${nameOf(lot)}: no mapping names this lot`,
        sourceId,
      });
      return;
    }
    if (lot.state !== undefined && typeof lot.state !== 'string') {
      result.rejected.push({
        reason: 'invalid-payload',
        message: `${label}: "state" is ${show(lot.state)}, not a string`,
        sourceId,
      });
      return;
    }
    if (lot.state === 'nodata') {
      result.rejected.push({
        reason: 'not-a-reading',
        message: `${label}: state "nodata", the lot has no realtime data`,
        sourceId,
      });
      return;
    }
    addLotReading(result, {
      mapping,
      label,
      freeField: 'free',
      capacityField: 'total',
      free: lot.free,
      capacity: lot.total,
      observedAt: validInstant(parseFeedTime(lot.last_updated, 'UTC') ?? feedTime, received),
      quality: lot.state === 'closed' ? 'uncertain' : 'good',
    });
  });
  return result;
}

interface GoldbeckCounter {
  readonly kind: unknown;
  readonly reservation: unknown;
  readonly record: Record<string, unknown>;
}

/** The counter for the whole facility: TOTAL with reservation status UNKNOWN, else NO_RESERVATIONS. */
function totalCounter(counters: readonly unknown[]): Record<string, unknown> | undefined {
  const parsed: GoldbeckCounter[] = counters.filter(isRecord).map((record) => {
    const type = isRecord(record.type) ? record.type : {};
    return { kind: type.type, reservation: type.reservationStatus, record };
  });
  for (const reservation of ['UNKNOWN', 'NO_RESERVATIONS']) {
    const found = parsed.find((c) => c.kind === 'TOTAL' && c.reservation === reservation);
    if (found !== undefined) return found.record;
  }
  return undefined;
}

/**
 * Goldbeck Parking Services occupancies (Heilbronn): `[{ facilityId, counters: [{ type: { type,
 * reservationStatus }, maxPlaces, occupiedPlaces, freePlaces, status }], valuesFrom }]`. The
 * facility's counter is the TOTAL one (reservation status UNKNOWN, else NO_RESERVATIONS): free =
 * `freePlaces`, capacity = `maxPlaces` (else the mapping's). `valuesFrom` has no zone: it is
 * Europe/Berlin wall-clock time.
 */
export function normalizeGoldbeckOccupancies(
  raw: unknown,
  lots: ReadonlyMap<string, ParkingLotMapping>,
  receivedAtMs: number,
): NormalizeResult {
  const result = emptyResult();
  const parsed = parseInput(raw, 'Goldbeck');
  if (!parsed.ok) {
    result.rejected.push(parsed.rejected);
    return result;
  }
  const doc = parsed.value;
  if (!Array.isArray(doc)) {
    result.rejected.push({
      reason: 'invalid-payload',
      message: 'Goldbeck: expected an array of facility occupancies',
    });
    return result;
  }
  const received = validInstant(receivedAtMs, 0);
  doc.forEach((facility: unknown, index) => {
    const where = `Goldbeck [${index}]`;
    if (!isRecord(facility)) {
      result.rejected.push({
        reason: 'invalid-payload',
        message: `${where}: ${show(facility)} is not an object`,
      });
      return;
    }
    const sourceId = lotId(facility.facilityId);
    if (sourceId === undefined) {
      result.rejected.push({
        reason: 'invalid-payload',
        message: `${where}: no facility id ("facilityId" is ${show(facility.facilityId)})`,
      });
      return;
    }
    const label = `${where} facility ${sourceId}`;
    const mapping = lots.get(sourceId);
    if (mapping === undefined) {
      result.rejected.push({
        reason: 'unknown-device',
        message: `${label}: no mapping names this facility`,
        sourceId,
      });
      return;
    }
    if (!Array.isArray(facility.counters)) {
      result.rejected.push({
        reason: 'invalid-payload',
        message: `${label}: "counters" is ${show(facility.counters)}, not an array`,
        sourceId,
      });
      return;
    }
    const counter = totalCounter(facility.counters);
    if (counter === undefined) {
      result.rejected.push({
        reason: 'not-a-reading',
        message: `${label}: no TOTAL counter, so no realtime data`,
        sourceId,
      });
      return;
    }
    addLotReading(result, {
      mapping,
      label,
      freeField: 'freePlaces',
      capacityField: 'maxPlaces',
      free: counter.freePlaces,
      capacity: counter.maxPlaces,
      observedAt: validInstant(parseFeedTime(facility.valuesFrom, GOLDBECK_TIME_ZONE), received),
      quality: counter.status === 'CLOSED' ? 'uncertain' : 'good',
    });
  });
  return result;
}
