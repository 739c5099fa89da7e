import { describe, expect, it } from 'vitest';
import { sameBBox, viewportBBox } from './viewport.ts';

describe('viewportBBox', () => {
  it('pads the view by a quarter on each side and snaps it outward to the grid', () => {
    expect(viewportBBox({ west: 9.011, south: 48.681, east: 9.019, north: 48.689 })).toEqual([
      9.005, 48.675, 9.025, 48.695,
    ]);
  });

  it('gives nearby views the same rectangle, so they share a group on the server', () => {
    const a = viewportBBox({ west: 9.0111, south: 48.6812, east: 9.0189, north: 48.6889 });
    const b = viewportBBox({ west: 9.0112, south: 48.6815, east: 9.0188, north: 48.6885 });
    expect(sameBBox(a, b)).toBe(true);
  });

  it('subscribes to the whole town for no view, a huge view, or one across the antimeridian', () => {
    expect(viewportBBox(null)).toBeUndefined();
    expect(viewportBBox({ west: 8, south: 48, east: 10, north: 49 })).toBeUndefined();
    expect(viewportBBox({ west: 179.9, south: 0, east: -179.9, north: 0.1 })).toBeUndefined();
    expect(viewportBBox({ west: Number.NaN, south: 0, east: 1, north: 1 })).toBeUndefined();
  });
});

describe('sameBBox', () => {
  it('compares rectangles by value, undefined only with undefined', () => {
    expect(sameBBox([1, 2, 3, 4], [1, 2, 3, 4])).toBe(true);
    expect(sameBBox([1, 2, 3, 4], [1, 2, 3, 5])).toBe(false);
    expect(sameBBox(undefined, undefined)).toBe(true);
    expect(sameBBox(undefined, [1, 2, 3, 4])).toBe(false);
  });
});
