/**
 * The basemap of a city pack as a source of tile pictures: reads `basemap.json`, fetches the vector
 * tiles (a 404 is an empty tile), picks the ancestor tile for overzoomed ones and has them drawn in
 * a style. Engine-free: the Cesium binding (packBasemapCesiumImpl.ts) only asks it for pictures.
 */
import type { BasemapStyleId } from './basemapStyles.ts';
import type { BasemapTileRenderer, TilePicture } from './basemapTileRenderer.ts';
import type { BasemapMeta, BoundsDeg, TileAddress } from './tileGeometry.ts';
import { pixelTransform, sourceTileFor, tileUrl } from './tileGeometry.ts';

/** A fetch as the app makes it (tests pass a fake). */
export type FetchFn = (url: string) => Promise<Pick<Response, 'ok' | 'status' | 'json' | 'arrayBuffer'>>;

function isBounds(value: unknown): value is BoundsDeg {
  return (
    Array.isArray(value) &&
    value.length === 4 &&
    value.every((v) => typeof v === 'number' && Number.isFinite(v))
  );
}

/** Checks the parts of `basemap.json` the viewer relies on; throws naming the first wrong field. */
export function parseBasemapMeta(value: unknown): BasemapMeta {
  const v = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const int = (key: string): number => {
    const n = v[key];
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 30)
      throw new Error(`basemap.json: ${key} must be a zoom level`);
    return n;
  };
  const minzoom = int('minzoom');
  const maxzoom = int('maxzoom');
  const regionMaxZoom = typeof v.regionMaxZoom === 'number' ? int('regionMaxZoom') : maxzoom;
  if (!isBounds(v.bounds)) throw new Error('basemap.json: bounds must be [west, south, east, north]');
  const detailBounds = isBounds(v.detailBounds) ? v.detailBounds : v.bounds;
  const tiles =
    Array.isArray(v.tiles) && v.tiles.every((t) => typeof t === 'string') ? (v.tiles as string[]) : [];
  if (tiles.length === 0) throw new Error('basemap.json: tiles must list a URL template');
  const extent = typeof v.extent === 'number' && v.extent > 0 ? v.extent : 4096;
  if (v.tileSize !== undefined && v.tileSize !== 256 && v.tileSize !== 512)
    throw new Error('basemap.json: tileSize must be 256 or 512');
  const tileSize = v.tileSize === 512 ? 512 : 256;
  return {
    minzoom,
    maxzoom,
    regionMaxZoom,
    bounds: v.bounds,
    detailBounds,
    extent,
    tileSize,
    tiles,
    ...(typeof v.attribution === 'string' ? { attribution: v.attribution } : {}),
  };
}

/** Fetches and checks `<url>/basemap.json`. */
export async function loadBasemapMeta(url: string, fetchFn: FetchFn): Promise<BasemapMeta> {
  const response = await fetchFn(`${url.replace(/\/+$/, '')}/basemap.json`);
  if (!response.ok) throw new Error(`basemap.json not found at ${url} (HTTP ${response.status})`);
  return parseBasemapMeta(await response.json());
}

/** Options of {@link createBasemapTileSource}. */
export interface BasemapTileSourceOptions {
  readonly url: string;
  readonly meta: BasemapMeta;
  readonly style: BasemapStyleId;
  readonly fetchFn: FetchFn;
  readonly renderer: Pick<BasemapTileRenderer, 'draw'>;
  /** Pixels per tile side; the basemap's `tileSize` by default. */
  readonly tileSizePx?: number;
  /** Bitmaps stored bottom row first, as WebGL imagery wants them (see `TileDrawRequest.flipY`). */
  readonly flipBitmapsY?: boolean;
}

/** Pictures of map tiles. */
export interface BasemapTileSource {
  readonly meta: BasemapMeta;
  /** The picture of tile `(z, x, y)`; undefined where the basemap has nothing (draw nothing). */
  requestTile(tile: TileAddress): Promise<TilePicture> | undefined;
}

/** Vector tiles kept in memory: overzoomed tiles share their ancestor, panning comes back. */
const BYTES_CACHE_SIZE = 128;

/** A tile source over a basemap folder served at `url`. */
export function createBasemapTileSource(options: BasemapTileSourceOptions): BasemapTileSource {
  const { url, meta, style, fetchFn, renderer } = options;
  const tileSizePx = options.tileSizePx ?? meta.tileSize;
  // The style's zoom: a 512-pixel tile of zoom z is drawn as a 256-pixel map shows z + 1.
  const zoomOffset = Math.log2(meta.tileSize / 256);
  const template = meta.tiles[0] as string;
  const bytesCache = new Map<string, Promise<ArrayBuffer | null>>();

  const bytesOf = (source: TileAddress): Promise<ArrayBuffer | null> => {
    const address = tileUrl(url, template, source);
    const cached = bytesCache.get(address);
    if (cached) {
      bytesCache.delete(address);
      bytesCache.set(address, cached);
      return cached;
    }
    const loading = fetchFn(address).then(async (response) => {
      // No tile: nothing of the map lies there (empty tiles are not written).
      if (response.status === 404 || response.status === 204) return null;
      if (!response.ok) throw new Error(`basemap tile ${address}: HTTP ${response.status}`);
      return response.arrayBuffer();
    });
    // A failed fetch is not kept, so the next request tries again.
    loading.catch(() => bytesCache.delete(address));
    bytesCache.set(address, loading);
    if (bytesCache.size > BYTES_CACHE_SIZE) {
      const oldest = bytesCache.keys().next().value;
      if (oldest !== undefined) bytesCache.delete(oldest);
    }
    return loading;
  };

  return {
    meta,
    requestTile(tile) {
      const source = sourceTileFor(tile, meta);
      if (!source) return undefined;
      return bytesOf(source).then((bytes) =>
        renderer.draw({
          key: tileUrl(url, template, source),
          bytes,
          styleId: style,
          zoom: tile.z + zoomOffset,
          transform: pixelTransform(tile, source, meta.extent, tileSizePx),
          tileSizePx,
          ...(options.flipBitmapsY ? { flipY: true } : {}),
        }),
      );
    },
  };
}
