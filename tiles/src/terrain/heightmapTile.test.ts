import { describe, expect, it } from 'vitest';
import {
  childBit,
  childrenOf,
  decodeHeightmapTile,
  encodeHeightmapTile,
  HEIGHTMAP_SIZE,
  HEIGHTMAP_TILE_BYTES,
  MAX_HEIGHTMAP_HEIGHT_M,
  samplePositionDeg,
  tileRangeOf,
  tileRectangleDeg,
} from './heightmapTile.ts';

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

  it('numbers children south-west 1, south-east 2, north-west 4, north-east 8', () => {
    const parent = { z: 3, x: 5, y: 2 };
    expect(childrenOf(parent).map((child) => childBit(parent, child))).toEqual([1, 2, 4, 8]);
  });
});

describe('heightmap-1.0 tile bytes', () => {
  const tile = { z: 12, x: 4301, y: 3155 };
  const relief = (lonDeg: number, latDeg: number) => 430 + 1000 * (lonDeg - 9) + 500 * (latDeg - 48.6);

  it('round-trips heights to 0.2 m, north-west corner first, with the masks at the end', () => {
    const bytes = encodeHeightmapTile(tile, relief, 0b1010);
    expect(bytes.byteLength).toBe(HEIGHTMAP_TILE_BYTES);
    const decoded = decodeHeightmapTile(bytes);
    expect(decoded.childMask).toBe(0b1010);
    expect(decoded.waterMask).toBe(0);
    for (const [col, row] of [
      [0, 0],
      [64, 0],
      [0, 64],
      [32, 17],
    ] as const) {
      const [lon, lat] = samplePositionDeg(tile, col, row);
      expect(
        Math.abs((decoded.heightsM[row * HEIGHTMAP_SIZE + col] ?? 0) - relief(lon, lat)),
      ).toBeLessThanOrEqual(0.1);
    }
    const [west, , , north] = tileRectangleDeg(tile);
    expect(samplePositionDeg(tile, 0, 0)).toEqual([west, north]);
  });

  it('writes (h + 1000) * 5 as little-endian uint16', () => {
    const bytes = encodeHeightmapTile(tile, () => 0, 0);
    expect([bytes[0], bytes[1]]).toEqual([5000 & 0xff, 5000 >> 8]);
  });

  it('clamps heights beyond the format to its range', () => {
    const decoded = decodeHeightmapTile(encodeHeightmapTile(tile, () => 20_000, 0));
    expect(decoded.heightsM[0]).toBeCloseTo(MAX_HEIGHTMAP_HEIGHT_M, 6);
    expect(decodeHeightmapTile(encodeHeightmapTile(tile, () => -5000, 0)).heightsM[0]).toBe(-1000);
  });
});
