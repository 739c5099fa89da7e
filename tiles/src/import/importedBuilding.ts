/**
 * The common result of every importer (OpenStreetMap, CityGML, CityJSON): buildings in WGS84 with
 * their attributes and, where the source has them, their real boundary surfaces. The tiles build
 * turns these into meshes; importers know nothing of meshes.
 *
 * Heights: importers keep the source's heights (usually orthometric, e.g. DHHN2016 in Germany) and
 * report each building's `groundHeightM` (the lowest point of its ground outline in the same datum).
 * The viewer has no terrain by default, so the tiles build places every building's ground at
 * ellipsoid height 0 by subtracting `groundHeightM`; relative heights, roof slopes and storeys stay
 * exact. See docs/decisions when terrain arrives.
 */

/** `[lon, lat, heightM]`: degrees WGS84 and metres in the source's vertical datum. */
export type LonLatHeight = [lon: number, lat: number, heightM: number];

/** A polygon: the exterior ring first, then holes. Rings are closed (first point = last point). */
export type PolygonRings = LonLatHeight[][];

/** What a boundary surface is, from CityGML/CityJSON semantics; `other` when the source does not say. */
export type SurfaceKind = 'roof' | 'wall' | 'ground' | 'closure' | 'other';

export interface ImportedSurface {
  kind: SurfaceKind;
  polygon: PolygonRings;
}

/** Roof shapes from OSM's `roof:shape`, for footprint sources; LoD2 sources carry real surfaces. */
export type RoofShape = 'flat' | 'gabled' | 'hipped' | 'pyramidal' | 'skillion' | 'dome' | 'unknown';

export interface ImportedBuilding {
  /** Kept from the source: `gml:id`, the CityJSON object key, or `way/123` for OSM. */
  id: string;
  /** The building this one is a part of (CityGML BuildingPart, CityJSON child, OSM building:part). */
  parentId?: string;
  name?: string;
  /** The source's use or function code, as given (e.g. CityGML `function` "31001_1000"). */
  use?: string;
  /** Total height above ground. */
  heightM?: number;
  storeys?: number;
  yearOfConstruction?: number;
  roofShape?: RoofShape;
  roofHeightM?: number;
  /** Height above ground where the building starts (OSM `min_height`, bridges, overhangs). */
  minHeightM?: number;
  /** Lowest point of the ground outline, in the source's vertical datum. */
  groundHeightM: number;
  /** The ground outline (LoD0/footprint, or derived from ground surfaces); may hold several polygons. */
  footprint: PolygonRings[];
  /** Boundary surfaces (LoD1/LoD2 solids or multi-surfaces); empty for footprint-only sources. */
  surfaces: ImportedSurface[];
  /** Level of detail of `surfaces`: 0 when only a footprint is known. */
  lod: 0 | 1 | 2 | 3;
  /** Any further attributes the source gives (generic attributes, OSM tags), flat. */
  attributes: Record<string, string | number | boolean>;
}

/** One thing an importer could not take, named so a person can find and fix it. */
export interface ImportProblem {
  file: string;
  /** The object's id in the source, when it has one. */
  objectId?: string;
  message: string;
}

export interface ImportResult {
  buildings: ImportedBuilding[];
  /** Objects skipped or fields ignored, each with the reason; the rest was still imported. */
  problems: ImportProblem[];
  /** The CRS the coordinates came in, as an EPSG code (`EPSG:25832`). */
  sourceCrs: string;
}

/** Where the importer takes its CRS from when the file names none or names a wrong one. */
export interface ImportOptions {
  /** A CRS given by the user (`--crs`); wins over what the file says. */
  crs?: string;
  /**
   * For files in local metres without any CRS (test data, design models): where their (0, 0) lies.
   * Local x is east, y is north, both in metres.
   */
  localOrigin?: { lon: number; lat: number };
  /** The file name used in problem messages. */
  fileLabel?: string;
  onProgress?: (done: number, total: number) => void;
}
