/**
 * Types of a loaded city pack (docs/city-pack.md): its GeoJSON layers as features. The server, the
 * generator and the tiles pipeline all read them, so they live in the contract (the viewer gets the
 * layers as plain GeoJSON files). The JSON parts are the zod schemas of `cityPack.ts`.
 */
import type { BuildingUse, CityManifest } from './cityPack.ts';
import type { Basemap, LayerEntry, LayerGroup } from './mapLayers.ts';
import type { Sensor } from './schemas.ts';

export { BUILDING_USES, type BuildingUse } from './cityPack.ts';

/** The files of a pack, in the order they are checked and reported. */
export const CITY_PACK_FILES = [
  'city.json',
  'buildings.geojson',
  'roads.geojson',
  'basins.geojson',
  'sensors.json',
  'layers.json',
] as const;

/** A GeoJSON position in WGS84: `[lon, lat]` in degrees, optionally with a height in metres. */
export type Position = [lonDeg: number, latDeg: number] | [lonDeg: number, latDeg: number, heightM: number];

/** A GeoJSON Polygon (RFC 7946: exterior ring counter-clockwise). */
export interface PolygonGeometry {
  type: 'Polygon';
  /** Linear rings, exterior first; each ring is closed (first position repeated at the end). */
  coordinates: Position[][];
}

/** A GeoJSON LineString. */
export interface LineStringGeometry {
  type: 'LineString';
  coordinates: Position[];
}

/** Road hierarchy, from through roads to access streets (OpenStreetMap's `highway` values). */
export const ROAD_CLASSES = ['primary', 'secondary', 'tertiary', 'residential'] as const;
/** One of `ROAD_CLASSES`. */
export type RoadClass = (typeof ROAD_CLASSES)[number];

/** Properties of a feature in `buildings.geojson`. */
export interface BuildingProperties {
  /** `b00001`…; also the feature id in the 3D tileset (`buildingId`). */
  id: string;
  /** Height of the roof top above the ground, metres. */
  heightM: number;
  /** Full storeys above ground, at least 1. */
  storeys: number;
  use: BuildingUse;
  /** Only for notable buildings (town hall, schools, garages). */
  name?: string;
  /** The street of its address (`Calwer Straße`); with `houseNumber`, what the search finds it by. */
  street?: string;
  /** Its house number on `street`: `12`, `12a`. */
  houseNumber?: string;
  /** Imported packs: the source's own use or function code, verbatim (`use` is mapped from it). */
  sourceUse?: string;
  yearOfConstruction?: number;
  /** Imported packs: `flat`, `gabled`, … (OSM `roof:shape` names). */
  roofShape?: string;
  /** Imported packs: height of the roof from eaves to top, metres (OSM `roof:height`). */
  roofHeightM?: number;
  /** Imported packs: height above ground where the building starts (OSM `min_height`). */
  minHeightM?: number;
  /** Imported packs: level of detail of the source geometry, 0 for footprints only. */
  lod?: 0 | 1 | 2 | 3;
  /** Imported packs: the building this one is a part of (CityGML BuildingPart, OSM building:part). */
  parentId?: string;
  /** Imported packs: true when `heightM` is a default, not from the source. */
  heightEstimated?: boolean;
}

/** Properties of a feature in `roads.geojson`. */
export interface RoadProperties {
  /** `r0001`…; one id per segment between junctions. */
  id: string;
  name: string;
  roadClass: RoadClass;
  speedLimitKmh: number;
  /** Lanes of both directions together. */
  lanes: number;
}

/** Properties of a feature in `basins.geojson`. */
export interface BasinProperties {
  /** `basin-<slug>`; the water sensor of the basin is bound to this id. */
  id: string;
  name: string;
  /** Level at which the basin overflows, centimetres above its floor. */
  maxLevelCm: number;
  volumeM3: number;
}

/** A feature of a city pack: the top-level `id` always equals `properties.id`. */
export interface PackFeature<G, P extends { id: string }> {
  type: 'Feature';
  id: string;
  properties: P;
  geometry: G;
}

/** A GeoJSON FeatureCollection of pack features. */
export interface PackFeatureCollection<G, P extends { id: string }> {
  type: 'FeatureCollection';
  features: PackFeature<G, P>[];
}

/** A building footprint. */
export type BuildingFeature = PackFeature<PolygonGeometry, BuildingProperties>;
/** A road segment. */
export type RoadFeature = PackFeature<LineStringGeometry, RoadProperties>;
/** A drainage basin outline. */
export type BasinFeature = PackFeature<PolygonGeometry, BasinProperties>;
/** The content of `buildings.geojson`. */
export type BuildingCollection = PackFeatureCollection<PolygonGeometry, BuildingProperties>;
/** The content of `roads.geojson`. */
export type RoadCollection = PackFeatureCollection<LineStringGeometry, RoadProperties>;
/** The content of `basins.geojson`. */
export type BasinCollection = PackFeatureCollection<PolygonGeometry, BasinProperties>;

/** A checked city pack, as `loadCityPack` returns it. */
export interface CityPack {
  /** The folder it was read from. */
  dir: string;
  city: CityManifest;
  buildings: BuildingCollection;
  roads: RoadCollection;
  basins: BasinCollection;
  sensors: Sensor[];
  layers: LayerEntry[];
  /** The catalogue's groups (`layers.json`). */
  groups: LayerGroup[];
  /** Maps the pack offers besides its own (`basemaps.json`, optional). */
  basemaps: Basemap[];
}
