/**
 * Cesium's "heightmap-1.0" terrain tiles: the tiling scheme and the tile bytes. Pure.
 *
 * Layout (https://github.com/CesiumGS/cesium/wiki/heightmap-1.0, and CesiumTerrainProvider's
 * `createHeightmapTerrainData`): 65 x 65 unsigned 16-bit little-endian heights, row-major from the
 * north-west corner, north to south and west to east, each `(heightM + 1000) * 5`, so -1000 m to
 * 12107 m in 0.2 m steps; then one byte child mask (bit 0 south-west, 1 south-east, 2 north-west,
 * 3 north-east: the children that exist as files); then one byte water mask (0: all land).
 * Neighbouring tiles share their edge rows and columns.
 *
 * Tiling: WGS84 geographic, level 0 is two tiles (west and east hemisphere), each level splits a
 * tile in four; TMS numbering, y counts from the south.
 */

/** Samples along a tile's side. */
export const HEIGHTMAP_SIZE = 65;
/** Bytes of one tile: heights, child mask, water mask. */
export const HEIGHTMAP_TILE_BYTES = HEIGHTMAP_SIZE * HEIGHTMAP_SIZE * 2 + 2;
const HEIGHT_OFFSET_M = 1000;
const HEIGHT_SCALE = 5;
/** The lowest and highest heights the format can hold. */
export const MIN_HEIGHTMAP_HEIGHT_M = -HEIGHT_OFFSET_M;
export const MAX_HEIGHTMAP_HEIGHT_M = 0xffff / HEIGHT_SCALE - HEIGHT_OFFSET_M;

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

/** The child mask bit of a child tile, as heightmap-1.0 numbers them. */
export function childBit(parent: TileAddress, child: TileAddress): number {
  const east = child.x - parent.x * 2;
  const north = child.y - parent.y * 2;
  return 1 << (north * 2 + east);
}

/** The four children of a tile. */
export function childrenOf({ z, x, y }: TileAddress): TileAddress[] {
  return [
    { z: z + 1, x: 2 * x, y: 2 * y },
    { z: z + 1, x: 2 * x + 1, y: 2 * y },
    { z: z + 1, x: 2 * x, y: 2 * y + 1 },
    { z: z + 1, x: 2 * x + 1, y: 2 * y + 1 },
  ];
}

/**
 * Encodes a tile. `heightAt(lonDeg, latDeg)` gives the height of each sample; heights beyond the
 * format's range are clamped to it.
 */
export function encodeHeightmapTile(
  tile: TileAddress,
  heightAt: (lonDeg: number, latDeg: number) => number,
  childMask: number,
): Uint8Array {
  const [west, south, east, north] = tileRectangleDeg(tile);
  const bytes = new Uint8Array(HEIGHTMAP_TILE_BYTES);
  const view = new DataView(bytes.buffer);
  const last = HEIGHTMAP_SIZE - 1;
  for (let row = 0; row < HEIGHTMAP_SIZE; row++) {
    const latDeg = north - ((north - south) * row) / last;
    for (let col = 0; col < HEIGHTMAP_SIZE; col++) {
      const lonDeg = west + ((east - west) * col) / last;
      const heightM = heightAt(lonDeg, latDeg);
      const encoded = Math.round((heightM + HEIGHT_OFFSET_M) * HEIGHT_SCALE);
      view.setUint16((row * HEIGHTMAP_SIZE + col) * 2, Math.min(0xffff, Math.max(0, encoded)), true);
    }
  }
  bytes[HEIGHTMAP_SIZE * HEIGHTMAP_SIZE * 2] = childMask & 0x0f;
  bytes[HEIGHTMAP_SIZE * HEIGHTMAP_SIZE * 2 + 1] = 0;
  return bytes;
}

/** A decoded tile: heights row-major from the north-west corner, and the masks. */
export interface DecodedHeightmapTile {
  readonly heightsM: Float64Array;
  readonly childMask: number;
  readonly waterMask: number;
}

/** Decodes a tile's bytes (for tests and checks; Cesium does this in the viewer). */
export function decodeHeightmapTile(bytes: Uint8Array): DecodedHeightmapTile {
  if (bytes.byteLength < HEIGHTMAP_TILE_BYTES) {
    throw new Error(`a heightmap-1.0 tile has ${HEIGHTMAP_TILE_BYTES} bytes, got ${bytes.byteLength}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const heightsM = new Float64Array(HEIGHTMAP_SIZE * HEIGHTMAP_SIZE);
  for (let i = 0; i < heightsM.length; i++) {
    heightsM[i] = view.getUint16(i * 2, true) / HEIGHT_SCALE - HEIGHT_OFFSET_M;
  }
  return {
    heightsM,
    childMask: bytes[HEIGHTMAP_SIZE * HEIGHTMAP_SIZE * 2] ?? 0,
    waterMask: bytes[HEIGHTMAP_SIZE * HEIGHTMAP_SIZE * 2 + 1] ?? 0,
  };
}

/** The sample's position in degrees: `[lonDeg, latDeg]` of row `row`, column `col`. */
export function samplePositionDeg(tile: TileAddress, col: number, row: number): readonly [number, number] {
  const [west, south, east, north] = tileRectangleDeg(tile);
  const last = HEIGHTMAP_SIZE - 1;
  return [west + ((east - west) * col) / last, north - ((north - south) * row) / last];
}
