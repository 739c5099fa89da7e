/**
 * Features valid only for a while (road works, a Reallabor zone): which of them the map shows at the
 * timeline's time. Pure.
 */
/** The properties holding a feature's first and last day (`FeatureTimeSchema`). */
export interface FeatureTimeProperties {
  readonly fromProperty: string;
  readonly toProperty: string;
}

/** When a feature is valid, ms since the epoch; an open end is infinite. */
export interface FeatureInterval {
  readonly fromMs: number;
  readonly toMs: number;
}

const DAY_MS = 86_400_000;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Reads a date property: an ISO date or instant, or ms since the epoch. A bare day as the end means
 * "until that day is over" (road works "bis 12.05." still block the road on the 12th); days are
 * taken in UTC, which is at most two hours off in Germany.
 */
export function parseTimeValue(value: unknown, end: boolean): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string' || value.trim() === '') return null;
  const text = value.trim();
  const ms = Date.parse(text);
  if (!Number.isFinite(ms)) return null;
  return end && DATE_ONLY.test(text) ? ms + DAY_MS : ms;
}

/** The interval of a feature; a missing or unreadable date leaves that end open. */
export function featureInterval(
  properties: Readonly<Record<string, unknown>>,
  time: FeatureTimeProperties,
): FeatureInterval {
  return {
    fromMs: parseTimeValue(properties[time.fromProperty], false) ?? -Infinity,
    toMs: parseTimeValue(properties[time.toProperty], true) ?? Infinity,
  };
}

/** Whether a feature valid in `interval` is shown at `nowMs` (from inclusive, to exclusive). */
export function isShownAt(interval: FeatureInterval, nowMs: number): boolean {
  return nowMs >= interval.fromMs && nowMs < interval.toMs;
}

/**
 * Which features are shown at `nowMs`, as a fresh array; null intervals (a layer without time) are
 * always shown.
 */
export function visibleAt(intervals: readonly (FeatureInterval | null)[], nowMs: number): boolean[] {
  return intervals.map((interval) => interval === null || isShownAt(interval, nowMs));
}
