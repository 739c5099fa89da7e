import { describe, expect, it } from 'vitest';
import { tileRangeOf, tileRectangleDeg } from './terrainTiling.ts';

describe('geographic TMS tiling', () => {
  it('has two root tiles, west and east, and counts rows from the south', () => {
    expect(tileRectangleDeg({ z: 0, x: 0, y: 0 })).toEqual([-180, -90, 0, 90]);
    expect(tileRectangleDeg({ z: 0, x: 1, y: 0 })).toEqual([0, -90, 180, 90]);
    expect(tileRectangleDeg({ z: 1, x: 2, y: 1 })).toEqual([0, 0, 90, 90]);
  });

  it('finds the tiles over Böblingen at level 14', () => {
    const [minX, minY, maxX, maxY] = tileRangeOf(14, [8.99, 48.67, 9.04, 48.7]);
    for (const [x, y] of [
      [minX, minY],
      [maxX, maxY],
    ] as const) {
      const [west, south, east, north] = tileRectangleDeg({ z: 14, x, y });
      expect(east - west).toBeCloseTo(180 / 2 ** 14, 12);
      expect(west).toBeLessThan(9.04);
      expect(east).toBeGreaterThan(8.99);
      expect(south).toBeLessThan(48.7);
      expect(north).toBeGreaterThan(48.67);
    }
  });
});
