/**
 * Builds a city pack's basemap: Mapbox Vector Tiles (`{z}/{x}/{y}.pbf`, web mercator) of its streets,
 * water, green, forest, rail, footprints and place names, plus `basemap.json` (TileJSON 3.0 with
 * the zoom range, bounds, layers and the hash of the sources). The viewer draws them as imagery, so
 * the twin has a real map with no request leaving the machine.
 *
 * Zooms {@link BASEMAP_MIN_ZOOM}..{@link REGION_MAX_ZOOM} cover everything the pack has (region
 * roads and towns included); the deeper zooms up to {@link BASEMAP_MAX_ZOOM} only the pack's own
 * streets and houses plus a margin (`detailBounds`). Beyond those the viewer overzooms the deepest
 * tile it has. Empty tiles are not written: a 404 is an empty tile.
 *
 * Incremental like the 3D tiles: nothing is done when `basemap.json` records the same source hash.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import GeoJSONVT from 'geojson-vt';
import type { GeoJSON } from 'geojson';
import type { BasemapFeature, BasemapLayer, BoundsDeg } from './basemapSources.ts';
import { BASEMAP_LAYERS, basemapFeatures, boundsOf, readBasemapSources } from './basemapSources.ts';
import { encodeVectorTile, ringArea2 } from './encodeVectorTile.ts';
import { placeLabelZooms } from './placeLabelZooms.ts';
import type { TileFeature, TileLayer, TilePoint } from './encodeVectorTile.ts';

/** Bump when the output changes for the same input, so old builds are redone. */
export const BASEMAP_BUILDER_VERSION = '5';
/**
 * Pixels a tile is drawn wide. At 512 a tile of zoom z is shown where a 256-pixel map shows zoom
 * z + 1 (as in MapLibre), so it carries what that zoom shows. The globe asks for a quarter of the
 * tiles for the same sharpness, and street names have more room along a tile.
 */
export const BASEMAP_TILE_SIZE = 512;
/** The zoom of a 256-pixel map a tile of zoom z is shown at: z + this. */
const DISPLAY_ZOOM_OFFSET = Math.log2(BASEMAP_TILE_SIZE / 256);
export const BASEMAP_MIN_ZOOM = 8;
/** Deepest zoom built over the whole region. */
export const REGION_MAX_ZOOM = 13;
/** Deepest zoom built at all (over `detailBounds`). */
export const BASEMAP_MAX_ZOOM = 16;
/** Tile extent in coordinate units. */
export const BASEMAP_EXTENT = 4096;
/** The basemap's folder inside a city's tiles output, and its description file. */
export const BASEMAP_DIR = 'basemap';
export const BASEMAP_JSON = 'basemap.json';
/** The place names beside `basemap.json`, for the viewer's screen-space labels. */
export const PLACES_JSON = 'places.json';
/** Degrees added around the pack's own streets and houses for the deep zooms (about 1 km). */
const DETAIL_MARGIN_DEG = 0.012;
/**
 * Extra tile area each tile carries, in extent units: a little for lines and areas, much for points
 * (places, stations) so a name near a tile edge is drawn, whole, by both tiles it overlaps.
 */
const BUFFER = 128;
const PLACES_BUFFER = 2560;

/** Fields of `basemap.json` (TileJSON 3.0.0 plus what the viewer and the incremental build need). */
export interface BasemapJson {
  readonly tilejson: '3.0.0';
  readonly name: string;
  readonly format: 'pbf';
  readonly scheme: 'xyz';
  readonly tiles: readonly string[];
  readonly minzoom: number;
  readonly maxzoom: number;
  /** Deepest zoom built outside `detailBounds`; deeper tiles there are overzoomed from it. */
  readonly regionMaxZoom: number;
  readonly bounds: BoundsDeg;
  readonly detailBounds: BoundsDeg;
  readonly center: readonly [lon: number, lat: number, zoom: number];
  readonly extent: number;
  /** Pixels each tile is drawn wide (MapLibre's `tileSize`); 256 where missing. */
  readonly tileSize: number;
  readonly vector_layers: readonly {
    id: BasemapLayer;
    minzoom: number;
    maxzoom: number;
    fields: Record<string, string>;
  }[];
  readonly attribution?: string;
  readonly builderVersion: string;
  readonly sourceHash: string;
  readonly sourceFiles: readonly string[];
  readonly tileCount: number;
  readonly bytes: number;
}

/** One named place of `places.json`. */
export interface PlaceJson {
  readonly name: string;
  /** 1 city, 2 town, 3 village, 4 quarter. */
  readonly rank: number;
  readonly class: string;
  readonly lon: number;
  readonly lat: number;
}

/** `places.json`: every named place of the basemap, biggest first, then by name. */
export interface PlacesJson {
  readonly places: readonly PlaceJson[];
}

/**
 * The `places` layer as a list. The viewer draws place names as screen-space labels from it: text
 * drawn into imagery tiles smears when a coarse tile is stretched over the ground near the horizon.
 */
export function placesJson(features: readonly BasemapFeature[]): PlacesJson {
  const places: PlaceJson[] = [];
  for (const feature of features) {
    if (feature.layer !== 'places' || feature.geometry.type !== 'Point') continue;
    const { name, rank, class: cls } = feature.properties;
    if (typeof name !== 'string') continue;
    const [lon, lat] = feature.geometry.coordinates;
    if (lon === undefined || lat === undefined) continue;
    places.push({
      name,
      rank: typeof rank === 'number' ? rank : 4,
      class: typeof cls === 'string' ? cls : 'place',
      // Seven decimals are about a centimetre.
      lon: Math.round(lon * 1e7) / 1e7,
      lat: Math.round(lat * 1e7) / 1e7,
    });
  }
  places.sort((a, b) => a.rank - b.rank || a.name.localeCompare(b.name));
  return { places };
}

/** Options of {@link buildBasemap}. */
export interface BuildBasemapOptions {
  /** The pack folder (`data/<city>`). */
  readonly packDir: string;
  /** The city's tiles folder (`tiles/output/<city>`); the basemap goes to its `basemap/`. */
  readonly cityOutDir: string;
  readonly name: string;
  readonly attribution?: string;
  readonly force?: boolean;
  readonly onProgress?: (done: number, total: number) => void;
}

/** Outcome of {@link buildBasemap}. */
export interface BuildBasemapResult {
  readonly status: 'built' | 'up-to-date' | 'no-sources';
  readonly outDir: string;
  readonly tileCount: number;
  readonly bytes: number;
  readonly durationMs: number;
}

/** Tile column and row of a lon/lat at a zoom (web mercator, XYZ scheme). */
export function tileOf(lonDeg: number, latDeg: number, zoom: number): { x: number; y: number } {
  const n = 2 ** zoom;
  const lat = Math.max(-85.05112878, Math.min(85.05112878, latDeg));
  const phi = (lat * Math.PI) / 180;
  const x = Math.floor(((lonDeg + 180) / 360) * n);
  const y = Math.floor(((1 - Math.log(Math.tan(phi) + 1 / Math.cos(phi)) / Math.PI) / 2) * n);
  return { x: Math.min(n - 1, Math.max(0, x)), y: Math.min(n - 1, Math.max(0, y)) };
}

/** Every tile of `zoom` that touches `bounds`. */
export function tilesCovering(bounds: BoundsDeg, zoom: number): { x: number; y: number }[] {
  const nw = tileOf(bounds[0], bounds[3], zoom);
  const se = tileOf(bounds[2], bounds[1], zoom);
  const out: { x: number; y: number }[] = [];
  for (let x = nw.x; x <= se.x; x++) for (let y = nw.y; y <= se.y; y++) out.push({ x, y });
  return out;
}

function grow(bounds: BoundsDeg, marginDeg: number): BoundsDeg {
  return [bounds[0] - marginDeg, bounds[1] - marginDeg, bounds[2] + marginDeg, bounds[3] + marginDeg];
}

function toGeoJson(
  features: readonly BasemapFeature[],
  zoomMasks?: ReadonlyMap<BasemapFeature, number>,
): GeoJSON {
  return {
    type: 'FeatureCollection',
    features: features.map((feature, index) => ({
      type: 'Feature',
      id: index + 1,
      properties: {
        ...feature.properties,
        $layer: feature.layer,
        $minZoom: feature.minZoom,
        ...(zoomMasks?.has(feature) ? { $zooms: zoomMasks.get(feature) } : {}),
      },
      geometry: feature.geometry,
    })),
  };
}

type VtFeature = NonNullable<ReturnType<GeoJSONVT['getTile']>>['features'][number];

function toTileFeature(feature: VtFeature): TileFeature {
  const properties: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(feature.tags ?? {})) {
    if (key.startsWith('$')) continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      properties[key] = value;
  }
  const id = typeof feature.id === 'number' ? feature.id : undefined;
  if (feature.type === 1) {
    return {
      ...(id !== undefined ? { id } : {}),
      type: 1,
      geometry: [feature.geometry as TilePoint[]],
      properties,
    };
  }
  const rings = feature.geometry as TilePoint[][];
  return {
    ...(id !== undefined ? { id } : {}),
    type: feature.type,
    geometry: rings,
    // The sources are wound as RFC 7946 wants, which is the tile spec's winding after the y flip:
    // a ring wound the other way is a hole.
    ...(feature.type === 3 ? { holes: rings.map((ring) => ringArea2(ring) < 0) } : {}),
    properties,
  };
}

/** The layers of the tile of zoom `tileZoom` from the tilers' features that show where it is drawn. */
function tileLayers(features: readonly VtFeature[], tileZoom: number): TileLayer[] {
  const zoom = tileZoom + DISPLAY_ZOOM_OFFSET;
  const byLayer = new Map<string, TileFeature[]>();
  for (const feature of features) {
    const tags = feature.tags ?? {};
    const layer = tags.$layer;
    const minZoom = tags.$minZoom;
    const zooms = tags.$zooms;
    if (typeof layer !== 'string' || (typeof minZoom === 'number' && minZoom > zoom)) continue;
    // Place names crowded out at this zoom (placeLabelZooms) are left out of its tiles.
    if (typeof zooms === 'number' && (zooms & (1 << zoom)) === 0) continue;
    let list = byLayer.get(layer);
    if (!list) byLayer.set(layer, (list = []));
    list.push(toTileFeature(feature));
  }
  return BASEMAP_LAYERS.filter((layer) => byLayer.has(layer)).map((layer) => ({
    name: layer,
    extent: BASEMAP_EXTENT,
    features: byLayer.get(layer) ?? [],
  }));
}

/** Reads `basemap.json` of a city's tiles folder; undefined when missing or unreadable. */
export async function readBasemapJson(cityOutDir: string): Promise<BasemapJson | undefined> {
  try {
    return JSON.parse(await readFile(join(cityOutDir, BASEMAP_DIR, BASEMAP_JSON), 'utf8')) as BasemapJson;
  } catch {
    return undefined;
  }
}

function vectorLayers(features: readonly BasemapFeature[]): BasemapJson['vector_layers'] {
  const fields: Record<string, Record<string, string>> = {};
  const minZoom: Record<string, number> = {};
  for (const feature of features) {
    const layerFields = (fields[feature.layer] ??= {});
    for (const [key, value] of Object.entries(feature.properties))
      layerFields[key] = typeof value === 'number' ? 'Number' : 'String';
    minZoom[feature.layer] = Math.min(minZoom[feature.layer] ?? Infinity, feature.minZoom);
  }
  return BASEMAP_LAYERS.filter((layer) => fields[layer]).map((layer) => ({
    id: layer,
    minzoom: Math.max(BASEMAP_MIN_ZOOM, minZoom[layer] ?? BASEMAP_MIN_ZOOM),
    maxzoom: BASEMAP_MAX_ZOOM,
    fields: fields[layer] ?? {},
  }));
}

/**
 * Builds `<cityOutDir>/basemap/` from the pack in `packDir`, or returns `up-to-date` when its
 * `basemap.json` records the same sources. A pack with none of the map files gets no basemap.
 */
export async function buildBasemap(options: BuildBasemapOptions): Promise<BuildBasemapResult> {
  const startedMs = performance.now();
  const outDir = join(options.cityOutDir, BASEMAP_DIR);
  const sources = await readBasemapSources(options.packDir, BASEMAP_BUILDER_VERSION);
  const previous = await readBasemapJson(options.cityOutDir);
  if (!options.force && previous?.sourceHash === sources.sourceHash) {
    return {
      status: 'up-to-date',
      outDir,
      tileCount: previous.tileCount,
      bytes: previous.bytes,
      durationMs: performance.now() - startedMs,
    };
  }
  const features = basemapFeatures(sources.data);
  const bounds = boundsOf(features);
  if (!bounds) {
    await rm(outDir, { recursive: true, force: true });
    return {
      status: 'no-sources',
      outDir,
      tileCount: 0,
      bytes: 0,
      durationMs: performance.now() - startedMs,
    };
  }
  // The pack's own streets and houses, without the regional landscape around them.
  const { roads, buildings, basins } = sources.data;
  const own = basemapFeatures({ roads, buildings, basins });
  const detailBounds = grow(boundsOf(own) ?? bounds, DETAIL_MARGIN_DEG);

  const common = { maxZoom: BASEMAP_MAX_ZOOM, indexMaxZoom: 6, extent: BASEMAP_EXTENT, tolerance: 2 };
  // Points (places, stations) carry labels: the wide buffer lets both tiles at an edge draw them whole.
  const places = features.filter((f) => f.geometry.type === 'Point');
  const others = features.filter((f) => f.geometry.type !== 'Point');
  const indexes = [
    new GeoJSONVT(toGeoJson(others), { ...common, buffer: BUFFER }),
    new GeoJSONVT(
      toGeoJson(
        places,
        placeLabelZooms(
          places.filter((f) => f.layer === 'places'),
          BASEMAP_MIN_ZOOM + DISPLAY_ZOOM_OFFSET,
          BASEMAP_MAX_ZOOM + DISPLAY_ZOOM_OFFSET,
        ),
      ),
      { ...common, buffer: PLACES_BUFFER },
    ),
  ];

  const jobs: { z: number; x: number; y: number }[] = [];
  for (let z = BASEMAP_MIN_ZOOM; z <= BASEMAP_MAX_ZOOM; z++) {
    for (const { x, y } of tilesCovering(z <= REGION_MAX_ZOOM ? bounds : detailBounds, z))
      jobs.push({ z, x, y });
  }

  // Written beside the old output and swapped in at the end, so a broken build leaves the old one.
  const tmpDir = `${outDir}.tmp-${process.pid}`;
  await rm(tmpDir, { recursive: true, force: true });
  let tileCount = 0;
  let bytes = 0;
  const madeDirs = new Set<string>();
  for (const [done, { z, x, y }] of jobs.entries()) {
    const vtFeatures = indexes.flatMap((index) => index.getTile(z, x, y)?.features ?? []);
    const tile = vtFeatures.length > 0 ? encodeVectorTile(tileLayers(vtFeatures, z)) : new Uint8Array(0);
    if (tile.length > 0) {
      const path = join(tmpDir, String(z), String(x), `${y}.pbf`);
      const dir = dirname(path);
      if (!madeDirs.has(dir)) {
        await mkdir(dir, { recursive: true });
        madeDirs.add(dir);
      }
      await writeFile(path, tile);
      tileCount++;
      bytes += tile.length;
    }
    options.onProgress?.(done + 1, jobs.length);
  }

  const json: BasemapJson = {
    tilejson: '3.0.0',
    name: options.name,
    format: 'pbf',
    scheme: 'xyz',
    tiles: ['{z}/{x}/{y}.pbf'],
    minzoom: BASEMAP_MIN_ZOOM,
    maxzoom: BASEMAP_MAX_ZOOM,
    regionMaxZoom: REGION_MAX_ZOOM,
    bounds,
    detailBounds,
    center: [(detailBounds[0] + detailBounds[2]) / 2, (detailBounds[1] + detailBounds[3]) / 2, 14],
    extent: BASEMAP_EXTENT,
    tileSize: BASEMAP_TILE_SIZE,
    vector_layers: vectorLayers(features),
    ...(options.attribution ? { attribution: options.attribution } : {}),
    builderVersion: BASEMAP_BUILDER_VERSION,
    sourceHash: sources.sourceHash,
    sourceFiles: sources.files,
    tileCount,
    bytes,
  };
  await mkdir(tmpDir, { recursive: true });
  await writeFile(join(tmpDir, PLACES_JSON), `${JSON.stringify(placesJson(features))}\n`);
  await writeFile(join(tmpDir, BASEMAP_JSON), `${JSON.stringify(json, null, 2)}\n`);
  await rm(outDir, { recursive: true, force: true });
  await rename(tmpDir, outDir);
  return { status: 'built', outDir, tileCount, bytes, durationMs: performance.now() - startedMs };
}
