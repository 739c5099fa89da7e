/**
 * The sensor history charts, pure: which quantities a sensor's charts show, its threshold lines, the
 * series laid on the regular grid of buckets the server answers in (a missing bucket is a gap, never
 * an interpolated line), a y range that keeps the thresholds in view, the numbers of the text summary,
 * and the colour scale of the weekday × hour heatmap. No DOM and no uPlot: `SensorHistory.tsx` hands
 * these arrays to uPlot as they are.
 */
import type { SeriesColumns } from '../../../protocol/history.ts';
import type { Sensor, SensorKind } from '../../../protocol/index.ts';
import { QUANTITIES } from '../sensors/quantities.ts';
import { numericAttribute } from '../sensors/sensorIndex.ts';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** The two charts of the info panel. */
export type HistoryRangeId = '24h' | '7d';

/** How far back each chart reaches and the bucket width it asks for. */
export const HISTORY_RANGES: Readonly<Record<HistoryRangeId, { spanMs: number; stepMs: number }>> = {
  '24h': { spanMs: DAY_MS, stepMs: 5 * MINUTE_MS },
  '7d': { spanMs: 7 * DAY_MS, stepMs: HOUR_MS },
};

/** The time window of one chart: `[fromMs, toMs)` in buckets of `stepMs`. */
export interface ChartWindow {
  readonly fromMs: number;
  readonly toMs: number;
  readonly stepMs: number;
}

/**
 * The window of chart `range` ending at `nowMs` (the server's clock, or the past time the timeline
 * shows). The end is the end of the current minute, so renders within one minute ask the same thing
 * and the readings of this minute are in (a server started a moment ago has nothing older).
 */
export function chartWindow(range: HistoryRangeId, nowMs: number): ChartWindow {
  const { spanMs, stepMs } = HISTORY_RANGES[range];
  const toMs = Math.floor(nowMs / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
  return { fromMs: toMs - spanMs, toMs, stepMs };
}

/** The quantities each kind charts first; a sensor without them charts its own first quantity. */
export const CHART_QUANTITY_PREFERENCE: Readonly<Record<SensorKind, readonly string[]>> = {
  parking: ['occupiedSpaces'],
  traffic: ['speedKmh'],
  environment: ['no2UgM3', 'pm10UgM3'],
  water: ['levelCm'],
};

/** How many quantities one chart shows per kind; they share one y axis, so they share a unit. */
const CHART_QUANTITY_LIMIT: Readonly<Record<SensorKind, number>> = {
  parking: 1,
  traffic: 1,
  environment: 2,
  water: 1,
};

const unitKeyOf = (quantity: string) => QUANTITIES[quantity]?.unitKey ?? null;

/**
 * The quantities charted for `sensor`: the preferred ones of its kind that it measures, else its first;
 * environment stations fill up to two from their other quantities of the same unit.
 */
export function chartQuantities(sensor: Pick<Sensor, 'kind' | 'quantities'>): string[] {
  const preferred = CHART_QUANTITY_PREFERENCE[sensor.kind].filter((q) => sensor.quantities.includes(q));
  const candidates = [...preferred, ...sensor.quantities.filter((q) => !preferred.includes(q))];
  const first = candidates[0];
  if (first === undefined) return [];
  const chosen = [first];
  for (const quantity of candidates.slice(1)) {
    if (chosen.length >= CHART_QUANTITY_LIMIT[sensor.kind]) break;
    if (unitKeyOf(quantity) === unitKeyOf(first)) chosen.push(quantity);
  }
  return chosen;
}

/** One horizontal threshold line of a chart. */
export interface ThresholdLine {
  readonly quantity: string;
  readonly level: 'warn' | 'alarm';
  readonly value: number;
  /** Whether values at or above (`above`) or at or below (`below`) the line are bad. */
  readonly direction: 'above' | 'below';
}

/**
 * The warn and alarm lines of `quantity` from `sensor.thresholds`. A garage's thresholds are usually
 * set on its free spaces; charted as occupied spaces they are mirrored at its capacity
 * (free ≤ 42 of 420 is occupied ≥ 378), so the chart still shows where the garage runs full.
 */
export function thresholdLines(sensor: Sensor, quantity: string): ThresholdLine[] {
  const levels = ['warn', 'alarm'] as const;
  const own = sensor.thresholds[quantity];
  if (own) {
    return levels.flatMap((level) => {
      const value = own[level];
      return value === undefined ? [] : [{ quantity, level, value, direction: own.direction }];
    });
  }
  const free = sensor.thresholds['freeSpaces'];
  const capacity = numericAttribute(sensor, 'capacitySpaces');
  if (quantity !== 'occupiedSpaces' || !free || capacity === null) return [];
  return levels.flatMap((level) => {
    const value = free[level];
    if (value === undefined) return [];
    return [
      {
        quantity,
        level,
        value: capacity - value,
        direction: free.direction === 'below' ? ('above' as const) : ('below' as const),
      },
    ];
  });
}

/** One quantity laid on the bucket grid; null where the bucket has no readings. */
export interface AlignedQuantity {
  readonly quantity: string;
  readonly mean: (number | null)[];
  readonly min: (number | null)[];
  readonly max: (number | null)[];
}

/** A chart's data on its bucket grid. */
export interface AlignedSeries {
  /** Bucket starts in seconds, as uPlot takes time. */
  readonly xSec: number[];
  readonly quantities: readonly AlignedQuantity[];
  /** True when no quantity has a single value in the window. */
  readonly empty: boolean;
}

/**
 * The starts of the buckets the server answers `window` in: multiples of `stepMs` since the epoch,
 * from the one holding `fromMs` up to (without) `toMs`.
 */
export function bucketStartsMs(window: ChartWindow): number[] {
  if (!(window.stepMs > 0)) throw new RangeError(`stepMs must be positive, not ${window.stepMs}`);
  const starts: number[] = [];
  for (let t = Math.floor(window.fromMs / window.stepMs) * window.stepMs; t < window.toMs; t += window.stepMs)
    starts.push(t);
  return starts;
}

/**
 * Lays the columns of each of `quantities` on the bucket grid of `window`. Buckets the server left
 * out stay null, so a silent sensor shows as a gap; values outside the window are dropped.
 */
export function alignSeries(
  columnsByQuantity: Readonly<Record<string, SeriesColumns>>,
  quantities: readonly string[],
  window: ChartWindow,
): AlignedSeries {
  const starts = bucketStartsMs(window);
  const firstMs = starts[0] ?? window.fromMs;
  let empty = true;
  const aligned = quantities.map((quantity): AlignedQuantity => {
    const mean: (number | null)[] = starts.map(() => null);
    const min: (number | null)[] = starts.map(() => null);
    const max: (number | null)[] = starts.map(() => null);
    const columns = columnsByQuantity[quantity];
    if (columns) {
      columns.t.forEach((t, i) => {
        const index = Math.floor((t - firstMs) / window.stepMs);
        const value = columns.mean[i];
        if (index < 0 || index >= starts.length || value === undefined || !Number.isFinite(value)) return;
        mean[index] = value;
        min[index] = columns.min[i] ?? value;
        max[index] = columns.max[i] ?? value;
        empty = false;
      });
    }
    return { quantity, mean, min, max };
  });
  return { xSec: starts.map((t) => t / 1000), quantities: aligned, empty };
}

/** uPlot's data: the x values, then one y array per quantity (the means). */
export function uplotData(series: AlignedSeries): [number[], ...(number | null)[][]] {
  return [series.xSec, ...series.quantities.map((q) => q.mean)];
}

/**
 * The runs of consecutive buckets with a value, as `[first, last]` index pairs: the stretches a line
 * (and its min–max band) is drawn along; a gap ends a run.
 */
export function valueRuns(values: readonly (number | null)[]): [number, number][] {
  const runs: [number, number][] = [];
  let start = -1;
  values.forEach((value, i) => {
    if (value !== null && start < 0) start = i;
    if (value === null && start >= 0) {
      runs.push([start, i - 1]);
      start = -1;
    }
  });
  if (start >= 0) runs.push([start, values.length - 1]);
  return runs;
}

/** Buckets with a value but none on either side: a line cannot show them, so they get a dot. */
export function isolatedIndices(values: readonly (number | null)[]): number[] {
  return valueRuns(values)
    .filter(([first, last]) => first === last)
    .map(([first]) => first);
}

/**
 * The y range of a chart: every value of the min–max band and every threshold line, with a margin.
 * A range of non-negative values stays non-negative; a flat or empty chart still gets a span.
 */
export function yRange(series: AlignedSeries, lines: readonly ThresholdLine[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  const take = (value: number | null) => {
    if (value === null) return;
    lo = Math.min(lo, value);
    hi = Math.max(hi, value);
  };
  for (const q of series.quantities) {
    q.min.forEach(take);
    q.max.forEach(take);
  }
  for (const line of lines) take(line.value);
  if (lo > hi) return [0, 1];
  const span = hi - lo;
  const pad = span > 0 ? span * 0.08 : Math.max(1, Math.abs(hi) * 0.1);
  const bottom = lo >= 0 && lo - pad < 0 ? 0 : lo - pad;
  return [bottom, hi + pad];
}

/** The numbers of a chart's text summary. */
export interface SeriesStats {
  readonly min: number;
  readonly max: number;
  /** The mean of all readings: bucket means weighted by their counts. */
  readonly mean: number;
  readonly readings: number;
}

/** Minimum, maximum and mean of one quantity's columns; null when they hold no value. */
export function seriesStats(columns: SeriesColumns | undefined): SeriesStats | null {
  if (!columns || columns.t.length === 0) return null;
  let min = Infinity;
  let max = -Infinity;
  let weighted = 0;
  let readings = 0;
  columns.t.forEach((_, i) => {
    const mean = columns.mean[i];
    if (mean === undefined || !Number.isFinite(mean)) return;
    // A bucket without a count (never sent by the server) counts as one reading.
    const count = Math.max(1, columns.count[i] ?? 1);
    min = Math.min(min, columns.min[i] ?? mean);
    max = Math.max(max, columns.max[i] ?? mean);
    weighted += mean * count;
    readings += count;
  });
  return readings === 0 ? null : { min, max, mean: weighted / readings, readings };
}

/** The value range of a heatmap, for its colour scale and its legend. */
export interface HeatmapDomain {
  readonly min: number;
  readonly max: number;
}

/** The smallest and largest mean of a weekday × hour grid; null when every cell is empty. */
export function heatmapDomain(mean: readonly (readonly (number | null)[])[]): HeatmapDomain | null {
  let min = Infinity;
  let max = -Infinity;
  for (const row of mean) {
    for (const value of row) {
      if (value === null || !Number.isFinite(value)) continue;
      min = Math.min(min, value);
      max = Math.max(max, value);
    }
  }
  return min > max ? null : { min, max };
}

/**
 * The heatmap's colour ramp from low to high (viridis): ordered by lightness, so it reads in grey
 * and for common colour-vision deficiencies, and none of its colours is the panel's background.
 */
export const HEATMAP_STOPS = ['#440154', '#3b528b', '#21918c', '#5ec962', '#fde725'] as const;

function rgbOf(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
}

function hexOf(rgb: readonly number[]): string {
  return `#${rgb.map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;
}

/**
 * The colour of a heatmap cell: `value` placed on {@link HEATMAP_STOPS} between the domain's ends
 * (the middle when the domain is a single value). Null for an empty cell, which is drawn as empty.
 */
export function heatmapColor(value: number | null, domain: HeatmapDomain | null): string | null {
  if (value === null || domain === null || !Number.isFinite(value)) return null;
  const span = domain.max - domain.min;
  const share = span > 0 ? Math.min(1, Math.max(0, (value - domain.min) / span)) : 0.5;
  const position = share * (HEATMAP_STOPS.length - 1);
  const index = Math.min(HEATMAP_STOPS.length - 2, Math.floor(position));
  const from = rgbOf(HEATMAP_STOPS[index] as string);
  const to = rgbOf(HEATMAP_STOPS[index + 1] as string);
  const f = position - index;
  return hexOf(from.map((c, i) => c + ((to[i] as number) - c) * f));
}

/** The heatmap legend's CSS gradient, the same ramp as {@link heatmapColor}. */
export function heatmapGradientCss(): string {
  return `linear-gradient(to right, ${HEATMAP_STOPS.join(', ')})`;
}

/** Everything one chart draws and says, computed once per answer. */
export interface HistoryChartModel {
  readonly window: ChartWindow;
  readonly aligned: AlignedSeries;
  readonly lines: readonly ThresholdLine[];
  readonly yRange: [number, number];
  /** Per charted quantity, for the text summary; null stats when it has no value in the window. */
  readonly stats: readonly { readonly quantity: string; readonly stats: SeriesStats | null }[];
}

/** The model of one chart of `sensor` from the server's columns for `window`. */
export function historyChartModel(
  sensor: Sensor,
  quantities: readonly string[],
  columnsByQuantity: Readonly<Record<string, SeriesColumns>>,
  window: ChartWindow,
): HistoryChartModel {
  const aligned = alignSeries(columnsByQuantity, quantities, window);
  const lines = quantities.flatMap((quantity) => thresholdLines(sensor, quantity));
  return {
    window,
    aligned,
    lines,
    yRange: yRange(aligned, lines),
    stats: quantities.map((quantity) => ({ quantity, stats: seriesStats(columnsByQuantity[quantity]) })),
  };
}
