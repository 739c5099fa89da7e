import { describe, expect, it } from 'vitest';
import type { SeriesColumns } from '../../../protocol/history.ts';
import { deepFreeze, sensor } from '../testing/fixtures.ts';
import {
  alignSeries,
  bucketStartsMs,
  chartQuantities,
  chartWindow,
  heatmapColor,
  heatmapDomain,
  HEATMAP_STOPS,
  historyChartModel,
  isolatedIndices,
  seriesStats,
  thresholdLines,
  uplotData,
  valueRuns,
  yRange,
  type AlignedSeries,
} from './chartModel.ts';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/** Columns of buckets at `t` with the given means; min/max 1 below/above, 10 readings each. */
function columns(t: number[], mean: number[]): SeriesColumns {
  return {
    t,
    mean,
    min: mean.map((m) => m - 1),
    max: mean.map((m) => m + 1),
    count: mean.map(() => 10),
  };
}

const station = sensor({
  id: 'env-a',
  kind: 'environment',
  object: { type: 'site', id: 'station-a' },
  quantities: ['no2UgM3', 'pm10UgM3', 'pm25UgM3', 'temperatureC'],
  thresholds: {
    no2UgM3: { warn: 100, alarm: 200, direction: 'above' },
    pm10UgM3: { warn: 40, direction: 'above' },
  },
  attributes: {},
});

describe('chartWindow', () => {
  it('ends with the minute of now (its readings included) and reaches back 24 hours in 5-minute buckets', () => {
    const now = Date.UTC(2026, 11, 3, 14, 7, 42, 500);
    const window = chartWindow('24h', now);
    expect(window).toEqual({
      fromMs: Date.UTC(2026, 11, 2, 14, 8),
      toMs: Date.UTC(2026, 11, 3, 14, 8),
      stepMs: 5 * MINUTE_MS,
    });
  });

  it('asks the same window for every render within one minute', () => {
    const a = chartWindow('7d', Date.UTC(2026, 0, 5, 9, 30, 1));
    const b = chartWindow('7d', Date.UTC(2026, 0, 5, 9, 30, 59));
    expect(b).toEqual(a);
    expect(a.toMs - a.fromMs).toBe(7 * 24 * HOUR_MS);
    expect(a.stepMs).toBe(HOUR_MS);
  });
});

describe('chartQuantities', () => {
  it('charts occupied spaces of a garage, speed of a road and the level of a basin', () => {
    expect(chartQuantities(sensor({ id: 'p' }))).toEqual(['occupiedSpaces']);
    expect(chartQuantities({ kind: 'traffic', quantities: ['vehiclesPerHour', 'speedKmh'] })).toEqual([
      'speedKmh',
    ]);
    expect(chartQuantities({ kind: 'water', quantities: ['inflowLps', 'levelCm'] })).toEqual(['levelCm']);
  });

  it('charts NO₂ and PM10 of a full air station', () => {
    expect(chartQuantities(station)).toEqual(['no2UgM3', 'pm10UgM3']);
  });

  it('fills an environment chart from quantities of the same unit and never mixes units', () => {
    expect(
      chartQuantities({ kind: 'environment', quantities: ['temperatureC', 'pm25UgM3', 'no2UgM3'] }),
    ).toEqual(['no2UgM3', 'pm25UgM3']);
    expect(chartQuantities({ kind: 'environment', quantities: ['noiseDbA', 'temperatureC'] })).toEqual([
      'noiseDbA',
    ]);
  });

  it('falls back to the first quantity a sensor has', () => {
    expect(chartQuantities({ kind: 'parking', quantities: ['freeSpaces'] })).toEqual(['freeSpaces']);
  });
});

describe('thresholdLines', () => {
  it('gives a warn and an alarm line from the sensor thresholds', () => {
    expect(thresholdLines(station, 'no2UgM3')).toEqual([
      { quantity: 'no2UgM3', level: 'warn', value: 100, direction: 'above' },
      { quantity: 'no2UgM3', level: 'alarm', value: 200, direction: 'above' },
    ]);
  });

  it('leaves out a level that is not set', () => {
    expect(thresholdLines(station, 'pm10UgM3')).toEqual([
      { quantity: 'pm10UgM3', level: 'warn', value: 40, direction: 'above' },
    ]);
  });

  it('gives no lines for a sensor without thresholds', () => {
    const road = sensor({
      id: 't',
      kind: 'traffic',
      quantities: ['speedKmh'],
      thresholds: {},
      attributes: {},
    });
    expect(thresholdLines(road, 'speedKmh')).toEqual([]);
  });

  it('mirrors a garage’s free-space thresholds at its capacity for the occupied chart', () => {
    const garage = sensor({
      id: 'p',
      thresholds: { freeSpaces: { warn: 42, alarm: 13, direction: 'below' } },
      attributes: { capacitySpaces: 420 },
    });
    expect(thresholdLines(garage, 'occupiedSpaces')).toEqual([
      { quantity: 'occupiedSpaces', level: 'warn', value: 378, direction: 'above' },
      { quantity: 'occupiedSpaces', level: 'alarm', value: 407, direction: 'above' },
    ]);
  });

  it('mirrors nothing without a capacity', () => {
    const garage = sensor({
      id: 'p',
      thresholds: { freeSpaces: { warn: 42, direction: 'below' } },
      attributes: {},
    });
    expect(thresholdLines(garage, 'occupiedSpaces')).toEqual([]);
  });
});

describe('bucketStartsMs', () => {
  it('starts at the bucket holding fromMs and stops before toMs', () => {
    const from = 10 * HOUR_MS + 7 * MINUTE_MS;
    expect(bucketStartsMs({ fromMs: from, toMs: from + 20 * MINUTE_MS, stepMs: 5 * MINUTE_MS })).toEqual([
      10 * HOUR_MS + 5 * MINUTE_MS,
      10 * HOUR_MS + 10 * MINUTE_MS,
      10 * HOUR_MS + 15 * MINUTE_MS,
      10 * HOUR_MS + 20 * MINUTE_MS,
      10 * HOUR_MS + 25 * MINUTE_MS,
    ]);
  });

  it('makes 288 buckets of a minute-aligned day in 5-minute steps', () => {
    const day = (toMs: number) => ({ fromMs: toMs - 24 * HOUR_MS, toMs, stepMs: 5 * MINUTE_MS });
    expect(bucketStartsMs(day(Date.UTC(2026, 5, 1, 12, 0)))).toHaveLength(288);
    // A window not on the step: the bucket the start falls in counts too.
    expect(bucketStartsMs(day(Date.UTC(2026, 5, 1, 12, 3)))).toHaveLength(289);
    expect(bucketStartsMs(chartWindow('24h', Date.UTC(2026, 5, 1, 11, 59, 30)))).toHaveLength(288);
  });

  it('refuses a step of zero', () => {
    expect(() => bucketStartsMs({ fromMs: 0, toMs: 10, stepMs: 0 })).toThrow(RangeError);
  });
});

describe('alignSeries', () => {
  const window = { fromMs: 0, toMs: 5 * HOUR_MS, stepMs: HOUR_MS };

  it('puts each bucket at its start in seconds and leaves missing buckets null', () => {
    const input = deepFreeze({ no2UgM3: columns([0, HOUR_MS, 4 * HOUR_MS], [20, 30, 50]) });
    const aligned = alignSeries(input, ['no2UgM3'], window);
    expect(aligned.xSec).toEqual([0, 3600, 7200, 10800, 14400]);
    expect(aligned.quantities[0]?.mean).toEqual([20, 30, null, null, 50]);
    expect(aligned.quantities[0]?.min).toEqual([19, 29, null, null, 49]);
    expect(aligned.quantities[0]?.max).toEqual([21, 31, null, null, 51]);
    expect(aligned.empty).toBe(false);
  });

  it('drops values outside the window', () => {
    const aligned = alignSeries(
      { no2UgM3: columns([-HOUR_MS, 2 * HOUR_MS, 5 * HOUR_MS], [1, 2, 3]) },
      ['no2UgM3'],
      window,
    );
    expect(aligned.quantities[0]?.mean).toEqual([null, null, 2, null, null]);
  });

  it('is empty when a quantity has no column or an empty one', () => {
    const aligned = alignSeries({ no2UgM3: columns([], []) }, ['no2UgM3', 'pm10UgM3'], window);
    expect(aligned.empty).toBe(true);
    expect(aligned.quantities.map((q) => q.mean)).toEqual([
      [null, null, null, null, null],
      [null, null, null, null, null],
    ]);
  });

  it('gives uPlot the x values and one mean array per quantity', () => {
    const aligned = alignSeries(
      { no2UgM3: columns([0], [5]), pm10UgM3: columns([HOUR_MS], [7]) },
      ['no2UgM3', 'pm10UgM3'],
      { fromMs: 0, toMs: 2 * HOUR_MS, stepMs: HOUR_MS },
    );
    expect(uplotData(aligned)).toEqual([
      [0, 3600],
      [5, null],
      [null, 7],
    ]);
  });
});

describe('valueRuns and isolatedIndices', () => {
  it('split the values at each gap', () => {
    const values = [1, 2, null, 4, null, null, 7, 8, 9];
    expect(valueRuns(values)).toEqual([
      [0, 1],
      [3, 3],
      [6, 8],
    ]);
    expect(isolatedIndices(values)).toEqual([3]);
  });

  it('find a lone value at either end and none in an empty series', () => {
    expect(isolatedIndices([5, null, 6, 7, null, 8])).toEqual([0, 5]);
    expect(valueRuns([null, null])).toEqual([]);
  });
});

describe('yRange', () => {
  const series = (min: (number | null)[], max: (number | null)[]): AlignedSeries => ({
    xSec: min.map((_, i) => i),
    quantities: [{ quantity: 'q', mean: min, min, max }],
    empty: false,
  });

  it('spans the band with a margin and stays at zero for non-negative values', () => {
    const [lo, hi] = yRange(series([10, null, 20], [30, null, 110]), []);
    expect(lo).toBeCloseTo(10 - 8, 9);
    expect(hi).toBeCloseTo(110 + 8, 9);
    const [zero] = yRange(series([1, 2], [50, 60]), []);
    expect(zero).toBe(0);
  });

  it('reaches up to a threshold line above all values', () => {
    const [lo, hi] = yRange(series([20, 30], [40, 50]), [
      { quantity: 'q', level: 'alarm', value: 200, direction: 'above' },
    ]);
    expect(lo).toBeCloseTo(20 - 180 * 0.08, 9);
    expect(hi).toBeCloseTo(200 + 180 * 0.08, 9);
  });

  it('keeps negative values below zero', () => {
    const [lo, hi] = yRange(series([-10, -5], [0, 10]), []);
    expect(lo).toBeCloseTo(-10 - 1.6, 9);
    expect(hi).toBeCloseTo(10 + 1.6, 9);
  });

  it('gives a flat series and an empty chart a span', () => {
    expect(yRange(series([5, 5], [5, 5]), [])).toEqual([4, 6]);
    expect(yRange({ xSec: [], quantities: [], empty: true }, [])).toEqual([0, 1]);
  });
});

describe('seriesStats', () => {
  it('gives the extremes of the band and the mean weighted by readings', () => {
    const stats = seriesStats({ t: [0, 1], mean: [10, 40], min: [5, 30], max: [12, 87], count: [3, 1] });
    expect(stats?.min).toBe(5);
    expect(stats?.max).toBe(87);
    expect(stats?.mean).toBeCloseTo((10 * 3 + 40) / 4, 9);
    expect(stats?.readings).toBe(4);
  });

  it('is null without values', () => {
    expect(seriesStats(undefined)).toBeNull();
    expect(seriesStats(columns([], []))).toBeNull();
  });
});

describe('heatmap scale', () => {
  const grid = (fill: number | null) =>
    Array.from({ length: 7 }, () => Array.from({ length: 24 }, () => fill));

  it('takes its domain from the non-empty cells', () => {
    const mean = grid(null);
    (mean[0] as (number | null)[])[7] = 18;
    (mean[4] as (number | null)[])[17] = 46;
    (mean[6] as (number | null)[])[3] = 31;
    expect(heatmapDomain(mean)).toEqual({ min: 18, max: 46 });
  });

  it('has no domain when every cell is empty', () => {
    expect(heatmapDomain(grid(null))).toBeNull();
  });

  it('maps the ends and the middle of the domain to the ends and the middle of the ramp', () => {
    const domain = { min: 10, max: 50 };
    expect(heatmapColor(10, domain)).toBe(HEATMAP_STOPS[0]);
    expect(heatmapColor(50, domain)).toBe(HEATMAP_STOPS[4]);
    expect(heatmapColor(30, domain)).toBe(HEATMAP_STOPS[2]);
    expect(heatmapColor(999, domain)).toBe(HEATMAP_STOPS[4]);
  });

  it('blends between two stops', () => {
    // 1/16 of the domain is a quarter of the way from stop 0 (68, 1, 84) to stop 1 (59, 82, 139).
    expect(heatmapColor(1, { min: 0, max: 16 })).toBe('#421562');
  });

  it('leaves an empty cell without colour', () => {
    expect(heatmapColor(null, { min: 0, max: 1 })).toBeNull();
    expect(heatmapColor(3, null)).toBeNull();
  });

  it('puts a single-valued domain in the middle of the ramp', () => {
    expect(heatmapColor(30, { min: 30, max: 30 })).toBe(HEATMAP_STOPS[2]);
  });
});

describe('historyChartModel', () => {
  it('aligns the data, draws the thresholds of every quantity and keeps them in range', () => {
    const window = { fromMs: 0, toMs: 3 * HOUR_MS, stepMs: HOUR_MS };
    const model = historyChartModel(
      station,
      ['no2UgM3', 'pm10UgM3'],
      { no2UgM3: columns([0, 2 * HOUR_MS], [30, 40]), pm10UgM3: columns([HOUR_MS], [25]) },
      window,
    );
    expect(model.aligned.quantities.map((q) => q.mean)).toEqual([
      [30, null, 40],
      [null, 25, null],
    ]);
    expect(model.lines.map((line) => `${line.quantity} ${line.level} ${line.value}`)).toEqual([
      'no2UgM3 warn 100',
      'no2UgM3 alarm 200',
      'pm10UgM3 warn 40',
    ]);
    expect(model.yRange[1]).toBeGreaterThan(200);
    expect(model.stats.map((s) => s.stats?.mean)).toEqual([35, 25]);
  });

  it('charts a sensor without thresholds with no lines and a range from its values', () => {
    const road = sensor({
      id: 't',
      kind: 'traffic',
      quantities: ['speedKmh'],
      thresholds: {},
      attributes: {},
    });
    const model = historyChartModel(
      road,
      ['speedKmh'],
      { speedKmh: columns([0], [48]) },
      {
        fromMs: 0,
        toMs: HOUR_MS,
        stepMs: HOUR_MS,
      },
    );
    expect(model.lines).toEqual([]);
    // min 47, max 49: a span of 2 with 8 % margin on each side.
    expect(model.yRange[0]).toBeCloseTo(46.84, 9);
    expect(model.yRange[1]).toBeCloseTo(49.16, 9);
  });

  it('has no stats for a quantity the server sent nothing for', () => {
    const model = historyChartModel(station, ['no2UgM3'], {}, { fromMs: 0, toMs: HOUR_MS, stepMs: HOUR_MS });
    expect(model.aligned.empty).toBe(true);
    expect(model.stats).toEqual([{ quantity: 'no2UgM3', stats: null }]);
  });
});
