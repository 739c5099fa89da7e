/**
 * Which vector tile draws a requested map tile, and where its coordinates land in the picture. Pure
 * web-mercator tile arithmetic (XYZ scheme, as Cesium's WebMercatorTilingScheme numbers tiles).
 *
 * A tile deeper than the data is drawn from its ancestor at the deepest zoom there is, scaled up:
 * the features are vectors, so street level stays sharp (overzoom).
 */

/** `[west, south, east, north]` degrees. */
export type BoundsDeg = readonly [west: number, south: number, east: number, north: number];

/** What the viewer reads from `basemap.json`. */
export interface BasemapMeta {
  readonly minzoom: number;
  readonly maxzoom: number;
  /** Deepest zoom built outside `detailBounds`. */
  readonly regionMaxZoom: number;
  readonly bounds: BoundsDeg;
  readonly detailBounds: BoundsDeg;
  readonly extent: number;
  /** Pixels a tile is drawn wide: at 512 a tile of zoom z is drawn as a 256-pixel map's z + 1. */
  readonly tileSize: number;
  readonly tiles: readonly string[];
  readonly attribution?: string;
}

/** A tile address. */
export interface TileAddress {
  readonly z: number;
  readonly x: number;
  readonly y: number;
}

/** The web-mercator bounds of tile `(z, x, y)` in degrees. */
export function tileBounds({ z, x, y }: TileAddress): BoundsDeg {
  const n = 2 ** z;
  const lon = (column: number) => (column / n) * 360 - 180;
  const lat = (row: number) => (Math.atan(Math.sinh(Math.PI * (1 - (2 * row) / n))) * 180) / Math.PI;
  return [lon(x), lat(y + 1), lon(x + 1), lat(y)];
}

function intersects(a: BoundsDeg, b: BoundsDeg): boolean {
  return a[0] < b[2] && a[2] > b[0] && a[1] < b[3] && a[3] > b[1];
}

/**
 * The vector tile that holds the data of map tile `tile`: itself, or an ancestor where the tile is
 * deeper than the data there. Undefined where the basemap has nothing (outside its bounds, or above
 * its smallest zoom).
 */
export function sourceTileFor(tile: TileAddress, meta: BasemapMeta): TileAddress | undefined {
  if (tile.z < meta.minzoom) return undefined;
  const bounds = tileBounds(tile);
  if (!intersects(bounds, meta.bounds)) return undefined;
  let z = Math.min(tile.z, meta.maxzoom);
  if (z > meta.regionMaxZoom && !intersects(bounds, meta.detailBounds)) z = meta.regionMaxZoom;
  const shift = tile.z - z;
  return { z, x: tile.x >> shift, y: tile.y >> shift };
}

/** Maps a source tile's coordinates (0..extent) to pixels of the requested tile. */
export interface PixelTransform {
  readonly scale: number;
  readonly offsetX: number;
  readonly offsetY: number;
}

/**
 * The transform from `source` coordinates to pixels of `target` drawn `tileSizePx` wide:
 * `px = x * scale + offsetX`.
 */
export function pixelTransform(
  target: TileAddress,
  source: TileAddress,
  extent: number,
  tileSizePx: number,
): PixelTransform {
  const factor = 2 ** (target.z - source.z);
  const scale = (tileSizePx * factor) / extent;
  return {
    scale,
    offsetX: (source.x * factor - target.x) * tileSizePx,
    offsetY: (source.y * factor - target.y) * tileSizePx,
  };
}

/** The URL of a tile from the TileJSON template (relative to `baseUrl`). */
export function tileUrl(baseUrl: string, template: string, { z, x, y }: TileAddress): string {
  const path = template.replace('{z}', String(z)).replace('{x}', String(x)).replace('{y}', String(y));
  if (/^[a-z]+:|^\//i.test(path)) return path;
  return `${baseUrl.replace(/\/+$/, '')}/${path}`;
}
