/**
 * Shared pieces of the parking normalizers (ParkAPI v3, ParkenDD v1, Goldbeck): JSON input, times
 * with and without a zone, and turning one lot's free count and capacity into an observation.
 * Pure: no I/O, never throws on bad input.
 */
import type { Observation, Quality } from '../../../../protocol/index.ts';
import { parseTime, type NormalizeResult, type RejectedInput } from '../normalize.ts';

/** Which sensor a parking feed's lot feeds. `capacity` is used when the feed does not give one. */
export interface ParkingLotMapping {
  /** The feed's own lot id (ParkAPI `uid`/`original_uid`/`id`, ParkenDD `id`, Goldbeck `facilityId`). */
  readonly sourceId: string;
  readonly sensorId: string;
  readonly capacity?: number;
}

/** The quantity names of the registry's parking sensors (data/boeblingen-demo/sensors.json). */
export const FREE_SPACES = 'freeSpaces';
export const OCCUPIED_SPACES = 'occupiedSpaces';

export type ParsedInput = { ok: true; value: unknown } | { ok: false; rejected: RejectedInput };

/** A string is parsed as JSON; anything else is taken as already decoded. */
export function parseInput(raw: unknown, source: string): ParsedInput {
  if (typeof raw !== 'string') return { ok: true, value: raw };
  try {
    return { ok: true, value: JSON.parse(raw) as unknown };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      rejected: { reason: 'invalid-payload', message: `${source}: not valid JSON (${detail})` },
    };
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A short JSON rendering of a value for messages. */
export function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

const NAIVE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** How far the wall clock of `timeZone` is ahead of UTC at `instantMs` (ms). */
function zoneOffsetMs(instantMs: number, timeZone: string): number {
  let format = formatters.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, format);
  }
  const whole = Math.floor(instantMs / 1000) * 1000;
  const part: Record<string, number> = {};
  for (const { type, value } of format.formatToParts(whole)) part[type] = Number(value);
  const wall = Date.UTC(
    part.year ?? 0,
    (part.month ?? 1) - 1,
    part.day ?? 1,
    part.hour ?? 0,
    part.minute ?? 0,
    part.second ?? 0,
  );
  return wall - whole;
}

/**
 * Converts a wall-clock time of `timeZone` (given as if it were UTC ms) to ms epoch. In the spring
 * gap (02:30 that never happened) it gives the instant one hour later on the clock (03:30 summer
 * time); in the autumn overlap (02:30 twice) it gives the later instant (standard time).
 */
export function zonedWallTimeToUtc(wallMs: number, timeZone: string): number {
  if (timeZone === 'UTC') return wallMs;
  const guess = wallMs - zoneOffsetMs(wallMs, timeZone);
  return wallMs - zoneOffsetMs(guess, timeZone);
}

/**
 * Parses an ISO 8601 time to ms epoch. A time with a zone (`Z`, `+02:00`) goes through the
 * contract's `parseTime`; one without a zone is wall-clock time of `naiveZone` (an IANA zone, or
 * `UTC`), never the zone of the process. Fractions beyond milliseconds are cut off. Undefined when
 * the value is not such a time.
 */
export function parseFeedTime(value: unknown, naiveZone: string): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = NAIVE_TIME.exec(value);
  if (m === null) return parseTime(value);
  const [, y, mo, d, h, mi, s, frac] = m;
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s ?? '0');
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) {
    return undefined;
  }
  const ms = frac === undefined ? 0 : Number(frac.padEnd(3, '0').slice(0, 3));
  const wall = Date.UTC(Number(y), month - 1, day, hour, minute, second, ms);
  // Date.UTC rolls 31 February over into March: such a date is not a time.
  if (new Date(wall).getUTCDate() !== day) return undefined;
  return zonedWallTimeToUtc(wall, naiveZone);
}

/** One lot's reading as a feed gives it, before checks. */
export interface LotReading {
  readonly mapping: ParkingLotMapping;
  /** Names the lot in messages, e.g. `items[0] "12717250"`. */
  readonly label: string;
  /** The feed's field names, for messages. */
  readonly freeField: string;
  readonly capacityField: string;
  readonly free: unknown;
  /** The feed's capacity; undefined or null falls back to the mapping's. */
  readonly capacity: unknown;
  readonly observedAt: number;
  readonly quality: Quality;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

/**
 * Checks one lot's free count and capacity and adds its observation (`freeSpaces`,
 * `occupiedSpaces = capacity − free`) or one rejection to `result`.
 */
export function addLotReading(result: NormalizeResult, lot: LotReading): void {
  const { mapping, label } = lot;
  const reject = (reason: RejectedInput['reason'], message: string): void => {
    result.rejected.push({ reason, message: `${label}: ${message}`, sourceId: mapping.sourceId });
  };
  if (lot.free === undefined || lot.free === null) {
    reject('missing-value', `no "${lot.freeField}" (for ${mapping.sensorId}.${FREE_SPACES})`);
    return;
  }
  if (!isCount(lot.free)) {
    reject('invalid-payload', `"${lot.freeField}" is ${show(lot.free)}, not a non-negative whole number`);
    return;
  }
  let capacity: number;
  if (lot.capacity === undefined || lot.capacity === null) {
    if (mapping.capacity === undefined) {
      reject(
        'missing-value',
        `no "${lot.capacityField}" and no capacity in the mapping for ${mapping.sensorId}`,
      );
      return;
    }
    if (!isCount(mapping.capacity)) {
      reject('invalid-payload', `the mapping's capacity ${show(mapping.capacity)} is not a count`);
      return;
    }
    capacity = mapping.capacity;
  } else if (!isCount(lot.capacity)) {
    reject(
      'invalid-payload',
      `"${lot.capacityField}" is ${show(lot.capacity)}, not a non-negative whole number`,
    );
    return;
  } else {
    capacity = lot.capacity;
  }
  if (lot.free > capacity) {
    reject(
      'invalid-payload',
      `impossible reading: ${lot.free} free of a capacity of ${capacity} (${mapping.sensorId})`,
    );
    return;
  }
  const observation: Observation = {
    sensorId: mapping.sensorId,
    observedAt: lot.observedAt,
    values: { [FREE_SPACES]: lot.free, [OCCUPIED_SPACES]: capacity - lot.free },
    quality: lot.quality,
  };
  result.observations.push(observation);
}

/** Whole non-negative ms, as an observation needs; else the fallback. */
export function validInstant(ms: number | undefined, fallback: number): number {
  return ms !== undefined && Number.isFinite(ms) && ms >= 0 ? Math.floor(ms) : fallback;
}
