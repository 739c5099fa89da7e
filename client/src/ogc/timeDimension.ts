/**
 * The values of a WMS `time` dimension (ISO 8601: a list of instants, `start/end/period` intervals,
 * or a mix) and the value to request for a time on the timeline: the latest valid one not after it,
 * so a scrub to 12:43 asks a five-minute radar for 12:40. Pure.
 */

/** An ISO 8601 duration split into calendar and fixed parts. */
export interface IsoDuration {
  readonly months: number;
  /** Days, hours, minutes and seconds, in milliseconds. */
  readonly fixedMs: number;
}

export interface TimeInterval {
  readonly startMs: number;
  /** `Infinity` for an open end (`…/current`, `…/present`). */
  readonly endMs: number;
  /** Null: any instant in the interval is valid. */
  readonly period: IsoDuration | null;
}

export interface TimeExtent {
  readonly instantsMs: readonly number[];
  readonly intervals: readonly TimeInterval[];
}

const DAY_MS = 86_400_000;

/** Reads `P1D`, `PT5M`, `P1Y2M`, `PT0.5S`; null when it is not a duration. */
export function parseIsoDuration(text: string): IsoDuration | null {
  const match =
    /^P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(
      text.trim(),
    );
  if (!match || text.trim() === 'P' || text.trim().endsWith('T')) return null;
  const n = (i: number): number => Number(match[i] ?? 0);
  const months = n(1) * 12 + n(2);
  const fixedMs = (n(3) * 7 + n(4)) * DAY_MS + n(5) * 3_600_000 + n(6) * 60_000 + n(7) * 1000;
  if (months === 0 && fixedMs <= 0) return null;
  return { months, fixedMs };
}

function addMonthsUtc(ms: number, months: number): number {
  const d = new Date(ms);
  return Date.UTC(
    d.getUTCFullYear(),
    d.getUTCMonth() + months,
    d.getUTCDate(),
    d.getUTCHours(),
    d.getUTCMinutes(),
    d.getUTCSeconds(),
    d.getUTCMilliseconds(),
  );
}

function step(startMs: number, period: IsoDuration, k: number): number {
  return addMonthsUtc(startMs, period.months * k) + period.fixedMs * k;
}

function parseInstant(text: string): number | null {
  const trimmed = text.trim();
  if (!trimmed) return null;
  const ms = Date.parse(trimmed);
  return Number.isFinite(ms) ? ms : null;
}

/** Reads the text of a time dimension; values it cannot read are left out. */
export function parseTimeExtent(text: string): TimeExtent {
  const instantsMs: number[] = [];
  const intervals: TimeInterval[] = [];
  for (const part of text.split(',')) {
    const pieces = part.trim().split('/');
    if (pieces.length === 1) {
      const ms = parseInstant(pieces[0] ?? '');
      if (ms !== null) instantsMs.push(ms);
      continue;
    }
    const startMs = parseInstant(pieces[0] ?? '');
    const endText = (pieces[1] ?? '').trim();
    const endMs = /^(current|present|now)$/i.test(endText) ? Infinity : parseInstant(endText);
    if (startMs === null || endMs === null) continue;
    const period = pieces[2] ? parseIsoDuration(pieces[2]) : null;
    intervals.push({ startMs, endMs, period });
  }
  instantsMs.sort((a, b) => a - b);
  return { instantsMs, intervals };
}

/** The value of the interval for `timeMs`: the last step not after it, clamped to the interval. */
function snapInInterval(interval: TimeInterval, timeMs: number): number {
  if (timeMs <= interval.startMs) return interval.startMs;
  const target = Math.min(timeMs, interval.endMs);
  const { period } = interval;
  if (!period) return target;
  const approxMs = period.months * 30.436875 * DAY_MS + period.fixedMs;
  let k = Math.max(0, Math.floor((target - interval.startMs) / approxMs));
  // Calendar months vary in length: correct the estimate by whole steps.
  while (k > 0 && step(interval.startMs, period, k) > target) k -= 1;
  while (step(interval.startMs, period, k + 1) <= target) k += 1;
  return step(interval.startMs, period, k);
}

/**
 * The valid value to request for `timeMs`: the latest one not after it, or the earliest one when all
 * lie after it. Null when the extent holds no value; `timeMs` itself when it gives no steps.
 */
export function snapToExtent(extent: TimeExtent, timeMs: number): number | null {
  const candidates: number[] = [...extent.instantsMs];
  for (const interval of extent.intervals) candidates.push(snapInInterval(interval, timeMs));
  if (candidates.length === 0) return null;
  let best: number | null = null;
  for (const c of candidates) if (c <= timeMs && (best === null || c > best)) best = c;
  return best ?? Math.min(...candidates);
}

/** The TIME parameter's text for an instant: ISO 8601 in UTC (`2021-12-13T12:40:00.000Z`). */
export function wmsTimeText(timeMs: number): string {
  return new Date(timeMs).toISOString();
}

/**
 * The TIME parameter for the map's time: snapped to the service's values when known, else the time
 * rounded down to the minute (so one scrub does not ask for a new image every millisecond).
 */
export function wmsTimeFor(timeMs: number, extent: TimeExtent | null): string {
  const snapped = extent ? snapToExtent(extent, timeMs) : null;
  return wmsTimeText(snapped ?? Math.floor(timeMs / 60_000) * 60_000);
}
