/**
 * Reads what a city pack has for its map and turns it into the basemap's layers: streets from
 * `roads.geojson`, footprints from `buildings.geojson`, basins from `basins.geojson` (as water), and
 * water, green, forest, rail, regional roads and place names from `landscape.geojson`. Every file is
 * optional: an imported pack may have only buildings. Pure except {@link readBasemapSources}.
 *
 * Each feature gets the zoom from which it shows (`minZoom`), so the small scales stay light: the
 * region sees motorways, forests and towns, the street level every house.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The layers of the basemap's tiles, bottom to top as a style usually draws them. */
export const BASEMAP_LAYERS = [
  'forest',
  'green',
  'water',
  'buildings',
  'rail',
  'roads',
  'boundary',
  'places',
] as const;
/** One of {@link BASEMAP_LAYERS}. */
export type BasemapLayer = (typeof BASEMAP_LAYERS)[number];

/** Road classes of the `roads` layer, most important first. */
export const BASEMAP_ROAD_CLASSES = [
  'motorway',
  'primary',
  'secondary',
  'tertiary',
  'residential',
  'service',
  'path',
] as const;
/** One of {@link BASEMAP_ROAD_CLASSES}. */
export type BasemapRoadClass = (typeof BASEMAP_ROAD_CLASSES)[number];

/** The pack files a basemap is built from, in hashing order. */
export const BASEMAP_SOURCE_FILES = [
  'roads.geojson',
  'buildings.geojson',
  'basins.geojson',
  'landscape.geojson',
] as const;

/** `[lon, lat]` degrees (heights are dropped). */
type LonLat = [number, number];

/** A GeoJSON geometry the basemap understands. */
export type BasemapGeometry =
  | { type: 'Point'; coordinates: LonLat }
  | { type: 'LineString'; coordinates: LonLat[] }
  | { type: 'MultiLineString'; coordinates: LonLat[][] }
  | { type: 'Polygon'; coordinates: LonLat[][] }
  | { type: 'MultiPolygon'; coordinates: LonLat[][][] };

/** Property values kept in the tiles. */
export type BasemapProperties = Record<string, string | number>;

/** One feature of a basemap layer, with the zoom from which it is drawn. */
export interface BasemapFeature {
  readonly layer: BasemapLayer;
  readonly minZoom: number;
  readonly geometry: BasemapGeometry;
  readonly properties: BasemapProperties;
}

/** Zoom from which each road class shows. */
export const ROAD_MIN_ZOOM: Readonly<Record<BasemapRoadClass, number>> = {
  motorway: 0,
  primary: 0,
  secondary: 10,
  tertiary: 12,
  residential: 13,
  service: 14,
  path: 15,
};

/** Zoom from which places of each rank show (1 the biggest city). */
export function placeMinZoom(rank: number): number {
  if (rank <= 2) return 0;
  if (rank === 3) return 10;
  return 13;
}

/** Zoom from which footprints show. */
export const BUILDINGS_MIN_ZOOM = 14;

/** Maps a pack's road class (or an OSM `highway` value) to the basemap's classes. */
export function roadClassOf(value: unknown): BasemapRoadClass {
  switch (value) {
    case 'motorway':
    case 'motorway_link':
    case 'trunk':
    case 'trunk_link':
      return 'motorway';
    case 'primary':
    case 'primary_link':
      return 'primary';
    case 'secondary':
    case 'secondary_link':
      return 'secondary';
    case 'tertiary':
    case 'tertiary_link':
      return 'tertiary';
    case 'service':
      return 'service';
    case 'footway':
    case 'path':
    case 'cycleway':
    case 'pedestrian':
    case 'track':
    case 'steps':
    case 'bridleway':
      return 'path';
    default:
      return 'residential';
  }
}

function isNumberPair(value: unknown): value is [number, number, ...number[]] {
  return (
    Array.isArray(value) &&
    value.length >= 2 &&
    typeof value[0] === 'number' &&
    typeof value[1] === 'number' &&
    Number.isFinite(value[0]) &&
    Number.isFinite(value[1])
  );
}

function positions(value: unknown): LonLat[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const out: LonLat[] = [];
  for (const item of value) {
    if (!isNumberPair(item)) return undefined;
    out.push([item[0], item[1]]);
  }
  return out;
}

/** Twice the signed area of a lon/lat ring: positive counter-clockwise (y up). */
function signedArea2(ring: readonly LonLat[]): number {
  let sum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const a = ring[j] as LonLat;
    const b = ring[i] as LonLat;
    sum += a[0] * b[1] - b[0] * a[1];
  }
  return sum;
}

/**
 * RFC 7946 winding: exteriors counter-clockwise, holes clockwise. The tiler keeps the winding, and
 * this is the one that comes out as the vector-tile spec's (y flips), so holes stay holes.
 */
function rewindPolygon(rings: LonLat[][]): LonLat[][] {
  return rings.map((ring, index) => {
    const counterClockwise = signedArea2(ring) > 0;
    return (index === 0) === counterClockwise ? ring : [...ring].reverse();
  });
}

/** A GeoJSON geometry read defensively (an imported pack may hold anything); undefined if unusable. */
export function readGeometry(value: unknown): BasemapGeometry | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { type, coordinates } = value as { type?: unknown; coordinates?: unknown };
  if (type === 'Point')
    return isNumberPair(coordinates) ? { type, coordinates: [coordinates[0], coordinates[1]] } : undefined;
  if (type === 'LineString') {
    const line = positions(coordinates);
    return line && line.length >= 2 ? { type, coordinates: line } : undefined;
  }
  if (!Array.isArray(coordinates)) return undefined;
  if (type === 'MultiLineString') {
    const lines = coordinates.map(positions).filter((line): line is LonLat[] => !!line && line.length >= 2);
    return lines.length > 0 ? { type, coordinates: lines } : undefined;
  }
  if (type === 'Polygon') {
    const rings = coordinates.map(positions);
    if (rings.length === 0 || rings.some((ring) => !ring || ring.length < 4)) return undefined;
    return { type, coordinates: rewindPolygon(rings as LonLat[][]) };
  }
  if (type === 'MultiPolygon') {
    const polygons: LonLat[][][] = [];
    for (const polygon of coordinates) {
      if (!Array.isArray(polygon)) return undefined;
      const rings = polygon.map(positions);
      if (rings.length === 0 || rings.some((ring) => !ring || ring.length < 4)) return undefined;
      polygons.push(rewindPolygon(rings as LonLat[][]));
    }
    return polygons.length > 0 ? { type, coordinates: polygons } : undefined;
  }
  return undefined;
}

function featuresOf(collection: unknown): { properties: Record<string, unknown>; geometry: unknown }[] {
  if (typeof collection !== 'object' || collection === null) return [];
  const features = (collection as { features?: unknown }).features;
  if (!Array.isArray(features)) return [];
  return features.map((feature: unknown) => {
    const f = (typeof feature === 'object' && feature !== null ? feature : {}) as {
      properties?: unknown;
      geometry?: unknown;
    };
    const properties =
      typeof f.properties === 'object' && f.properties !== null
        ? (f.properties as Record<string, unknown>)
        : {};
    return { properties, geometry: f.geometry };
  });
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function withName(properties: BasemapProperties, name: unknown): BasemapProperties {
  const n = text(name);
  return n ? { ...properties, name: n } : properties;
}

/** The parsed JSON of a pack's map files, each undefined where the pack lacks it. */
export interface BasemapSourceData {
  readonly roads?: unknown;
  readonly buildings?: unknown;
  readonly basins?: unknown;
  readonly landscape?: unknown;
}

const LANDSCAPE_LAYER_MIN_ZOOM: Readonly<Record<string, (properties: Record<string, unknown>) => number>> = {
  forest: () => 0,
  green: (p) => (p.class === 'meadow' ? 11 : 12),
  water: (p) => (p.class === 'river' ? 10 : 11),
  rail: (p) => (p.class === 'station' ? 12 : 9),
  boundary: () => 0,
};

/** The pack's map features, layer by layer, each with the zoom it shows from. */
export function basemapFeatures(data: BasemapSourceData): BasemapFeature[] {
  const out: BasemapFeature[] = [];
  for (const { properties, geometry } of featuresOf(data.landscape)) {
    const geom = readGeometry(geometry);
    const layer = properties.layer;
    if (!geom || typeof layer !== 'string') continue;
    if (layer === 'roads') {
      const roadClass = roadClassOf(properties.class);
      const ref = text(properties.ref);
      out.push({
        layer: 'roads',
        minZoom: ROAD_MIN_ZOOM[roadClass],
        geometry: geom,
        properties: withName({ class: roadClass, ...(ref ? { ref } : {}) }, properties.name),
      });
    } else if (layer === 'places') {
      const rank = typeof properties.rank === 'number' ? properties.rank : 4;
      const name = text(properties.name);
      if (!name || geom.type !== 'Point') continue;
      out.push({
        layer: 'places',
        minZoom: placeMinZoom(rank),
        geometry: geom,
        properties: { name, rank, class: text(properties.class) ?? 'place' },
      });
    } else {
      const minZoom = LANDSCAPE_LAYER_MIN_ZOOM[layer];
      if (!minZoom) continue;
      out.push({
        layer: layer as BasemapLayer,
        minZoom: minZoom(properties),
        geometry: geom,
        properties: withName({ class: text(properties.class) ?? layer }, properties.name),
      });
    }
  }
  for (const { geometry } of featuresOf(data.basins)) {
    const geom = readGeometry(geometry);
    if (geom) out.push({ layer: 'water', minZoom: 14, geometry: geom, properties: { class: 'basin' } });
  }
  for (const { properties, geometry } of featuresOf(data.roads)) {
    const geom = readGeometry(geometry);
    if (!geom || geom.type === 'Point') continue;
    const roadClass = roadClassOf(properties.roadClass ?? properties.highway);
    out.push({
      layer: 'roads',
      minZoom: ROAD_MIN_ZOOM[roadClass],
      geometry: geom,
      properties: withName({ class: roadClass }, properties.name),
    });
  }
  for (const { geometry } of featuresOf(data.buildings)) {
    const geom = readGeometry(geometry);
    if (geom && (geom.type === 'Polygon' || geom.type === 'MultiPolygon')) {
      out.push({ layer: 'buildings', minZoom: BUILDINGS_MIN_ZOOM, geometry: geom, properties: {} });
    }
  }
  return out;
}

/** `[west, south, east, north]` degrees. */
export type BoundsDeg = [west: number, south: number, east: number, north: number];

/** The bounds of the features' coordinates; undefined when there are none. */
export function boundsOf(features: readonly Pick<BasemapFeature, 'geometry'>[]): BoundsDeg | undefined {
  let west = Infinity;
  let south = Infinity;
  let east = -Infinity;
  let north = -Infinity;
  const visit = (value: unknown): void => {
    if (isNumberPair(value)) {
      west = Math.min(west, value[0]);
      east = Math.max(east, value[0]);
      south = Math.min(south, value[1]);
      north = Math.max(north, value[1]);
    } else if (Array.isArray(value)) for (const item of value) visit(item);
  };
  for (const feature of features) visit(feature.geometry.coordinates);
  return Number.isFinite(west) ? [west, south, east, north] : undefined;
}

/** What {@link readBasemapSources} found in a pack folder. */
export interface BasemapSources {
  readonly data: BasemapSourceData;
  /** sha256 over the names and bytes of the files found (and the builder version). */
  readonly sourceHash: string;
  /** The file names found, in {@link BASEMAP_SOURCE_FILES} order. */
  readonly files: readonly string[];
}

/** Reads the map files of the pack in `packDir`; a missing file is left out, a broken one throws. */
export async function readBasemapSources(packDir: string, builderVersion: string): Promise<BasemapSources> {
  const hash = createHash('sha256');
  hash.update(`basemap-builder ${builderVersion}\0`);
  const data: Record<string, unknown> = {};
  const files: string[] = [];
  for (const fileName of BASEMAP_SOURCE_FILES) {
    let bytes: Buffer;
    try {
      bytes = await readFile(join(packDir, fileName));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    hash.update(fileName);
    hash.update('\0');
    hash.update(bytes);
    hash.update('\0');
    try {
      data[fileName.replace(/\.geojson$/, '')] = JSON.parse(bytes.toString('utf8'));
    } catch (error) {
      throw new Error(
        `${fileName} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
        {
          cause: error,
        },
      );
    }
    files.push(fileName);
  }
  return { data: data as BasemapSourceData, sourceHash: hash.digest('hex'), files };
}
