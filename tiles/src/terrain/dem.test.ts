import { describe, expect, it } from 'vitest';
import { createDem, demBoundsDeg, sampleHeight, sampleHeightClamped } from './dem.ts';

/** 3 x 2 pixels of 1/1000 degree in WGS84, centres from (9.0005, 48.6995); one nodata pixel. */
const dem = createDem({
  label: 'grid',
  crs: 'EPSG:4326',
  width: 3,
  height: 2,
  heightsM: Float32Array.from([400, 410, 420, 430, 440, Number.NaN]),
  x0: 9.0005,
  y0: 48.6995,
  dx: 0.001,
  dy: -0.001,
});

describe('sampleHeight', () => {
  it('is a pixel’s own height at its centre', () => {
    expect(sampleHeight(dem, 9.0015, 48.6995)).toBeCloseTo(410, 6);
  });

  it('interpolates bilinearly between centres', () => {
    expect(sampleHeight(dem, 9.001, 48.699)).toBeCloseTo((400 + 410 + 430 + 440) / 4, 4);
  });

  it('holds the edge pixel out to the raster’s edge, and is null beyond it', () => {
    expect(sampleHeight(dem, 9.0001, 48.6999)).toBeCloseTo(400, 4);
    expect(sampleHeight(dem, 8.9999, 48.6995)).toBeNull();
    expect(sampleHeight(dem, 9.0015, 48.7001)).toBeNull();
  });

  it('is null at a nodata pixel and leaves it out of a valid neighbour’s interpolation', () => {
    expect(sampleHeight(dem, 9.0025, 48.6985)).toBeNull();
    // Nearest pixel 440 (valid); the NaN neighbour drops out and 420/430/440 are re-weighted.
    expect(sampleHeight(dem, 9.0019, 48.6989)).toBeCloseTo((410 * 0.24 + 420 * 0.16 + 440 * 0.36) / 0.76, 3);
  });
});

describe('sampleHeightClamped and demBoundsDeg', () => {
  it('gives the nearest edge height outside the raster', () => {
    expect(sampleHeightClamped(dem, 8.5, 48.6995)).toBeCloseTo(400, 4);
  });

  it('reports the outline of the pixels, not of their centres', () => {
    const [west, south, east, north] = demBoundsDeg(dem);
    expect(west).toBeCloseTo(9, 9);
    expect(east).toBeCloseTo(9.003, 9);
    expect(south).toBeCloseTo(48.698, 9);
    expect(north).toBeCloseTo(48.7, 9);
  });

  it('records the valid height range', () => {
    expect([dem.minHeightM, dem.maxHeightM]).toEqual([400, 440]);
  });
});
