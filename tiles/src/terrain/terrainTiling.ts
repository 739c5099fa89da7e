/**
 * The tiling of Cesium's terrain tiles (layer.json's `"projection": "EPSG:4326"`, `"scheme": "tms"`):
 * WGS84 geographic, level 0 is two tiles (west and east hemisphere), each level splits a tile in
 * four; TMS numbering, y counts from the south. Pure.
 */

/** A tile address: level, column from the west, row from the south (TMS). */
export interface TileAddress {
  readonly z: number;
  readonly x: number;
  readonly y: number;
}

/** A rectangle in degrees: `[west, south, east, north]`. */
export type RectangleDeg = readonly [west: number, south: number, east: number, north: number];

/** Columns of the geographic tiling scheme at a level (rows are half as many). */
export function tilesX(z: number): number {
  return 2 ** (z + 1);
}
export function tilesY(z: number): number {
  return 2 ** z;
}

/** The tile's rectangle in degrees. */
export function tileRectangleDeg({ z, x, y }: TileAddress): RectangleDeg {
  const sizeDeg = 180 / 2 ** z;
  const west = -180 + x * sizeDeg;
  const south = -90 + y * sizeDeg;
  return [west, south, west + sizeDeg, south + sizeDeg];
}

/** The range of tiles at level `z` that intersect a rectangle: `[minX, minY, maxX, maxY]` inclusive. */
export function tileRangeOf(
  z: number,
  [west, south, east, north]: RectangleDeg,
): readonly [minX: number, minY: number, maxX: number, maxY: number] {
  const sizeDeg = 180 / 2 ** z;
  const clampX = (value: number) => Math.min(tilesX(z) - 1, Math.max(0, value));
  const clampY = (value: number) => Math.min(tilesY(z) - 1, Math.max(0, value));
  return [
    clampX(Math.floor((west + 180) / sizeDeg)),
    clampY(Math.floor((south + 90) / sizeDeg)),
    clampX(Math.floor((east + 180) / sizeDeg)),
    clampY(Math.floor((north + 90) / sizeDeg)),
  ];
}
