/**
 * The buildings layer of a city pack (`buildings.geojson`, see docs/city-pack.md) as the tiles
 * pipeline reads it: minimal GeoJSON types and a parser that checks every field it relies on.
 *
 * The input usually comes from `JSON.parse`, so the parser trusts no type and names file, feature and
 * field in every error.
 */
import type { RoofShape } from './roofShapes.ts';
import { isRoofShape, ROOF_SHAPES } from './roofShapes.ts';

/**
 * A GeoJSON position: `[lonDeg, latDeg]` or `[lonDeg, latDeg, heightM]`; in a footprint the height
 * is the ground's (see {@link Building.groundHeightM}).
 */
export type Position = readonly number[];

/** GeoJSON Polygon: the first ring is the outline, the others are holes. */
export interface PolygonGeometry {
  readonly type: 'Polygon';
  readonly coordinates: readonly (readonly Position[])[];
}

/** GeoJSON MultiPolygon (importers may produce one for a building made of separate parts). */
export interface MultiPolygonGeometry {
  readonly type: 'MultiPolygon';
  readonly coordinates: readonly (readonly (readonly Position[])[])[];
}

/** A GeoJSON feature of the buildings layer. */
export interface Feature {
  readonly type: 'Feature';
  readonly id?: string | number;
  readonly geometry: PolygonGeometry | MultiPolygonGeometry | null;
  readonly properties: Readonly<Record<string, unknown>> | null;
}

/** A GeoJSON FeatureCollection (RFC 7946, WGS84 longitude/latitude in degrees). */
export interface FeatureCollection {
  readonly type: 'FeatureCollection';
  readonly features: readonly Feature[];
}

/** A ring of `[lonDeg, latDeg]` positions, as given (closing position included or not). */
export type LonLatRing = readonly (readonly [lonDeg: number, latDeg: number])[];

/** One building as the tiles pipeline uses it. */
export interface Building {
  /** The building id (`b00001`), equal to the feature's `id` and `properties.id`. */
  readonly id: string;
  readonly heightM: number;
  readonly use: string;
  /** Display name; empty when the pack has none. */
  readonly name: string;
  /** Storeys above ground; 0 when the pack does not say (imported packs may not know). */
  readonly storeys: number;
  /** Year of construction, when the pack has one (imported packs). */
  readonly yearOfConstruction?: number | undefined;
  /** Polygons of the footprint; each is `[outline, ...holes]`. */
  readonly polygons: readonly (readonly LonLatRing[])[];
  /** Roof shape (OSM `roof:shape` names), when the pack gives a known one; flat otherwise. */
  readonly roofShape?: RoofShape | undefined;
  /** Height from the eaves to the top of the roof, when given and `0 < roofHeightM < heightM`. */
  readonly roofHeightM?: number | undefined;
  /** Height of the building's foot above the ground (OSM `min_height`), when given and `< heightM`. */
  readonly minHeightM?: number | undefined;
  /**
   * The ground under the building, metres: the lowest height of its outline vertices, when every one
   * of them has one (demo pack, imports into a pack with a DEM). Used only where the pack has
   * terrain (decision 0013); otherwise buildings stand on the ellipsoid (decision 0002).
   */
  readonly groundHeightM?: number | undefined;
}

function groundOf(geometry: unknown): Pick<Building, 'groundHeightM'> {
  const groundHeightM = outlineGroundHeightM(geometry);
  return groundHeightM === undefined ? {} : { groundHeightM };
}

/** Lowest third coordinate of the outlines' vertices, if every outline vertex has a finite one. */
function outlineGroundHeightM(geometry: unknown): number | undefined {
  if (!isRecord(geometry) || !Array.isArray(geometry['coordinates'])) return undefined;
  const coordinates: unknown[] = geometry['coordinates'];
  const polygons = geometry['type'] === 'MultiPolygon' ? coordinates : [coordinates];
  let lowest = Infinity;
  for (const polygon of polygons) {
    const outline: unknown = Array.isArray(polygon) ? polygon[0] : undefined;
    if (!Array.isArray(outline)) return undefined;
    for (const position of outline) {
      const heightM: unknown = Array.isArray(position) ? position[2] : undefined;
      if (typeof heightM !== 'number' || !Number.isFinite(heightM)) return undefined;
      lowest = Math.min(lowest, heightM);
    }
  }
  return Number.isFinite(lowest) ? lowest : undefined;
}

/** Thrown when the buildings layer breaks the city-pack contract; lists every problem found. */
export class BuildingsInputError extends Error {
  constructor(
    readonly sourceLabel: string,
    readonly problems: readonly string[],
  ) {
    const shown = problems.slice(0, 20);
    const more = problems.length > shown.length ? `\n  ... and ${problems.length - shown.length} more` : '';
    super(
      problems.length === 1
        ? `${sourceLabel}: ${problems[0]}`
        : `${sourceLabel}: ${problems.length} problems:\n  ${shown.join('\n  ')}${more}`,
    );
    this.name = 'BuildingsInputError';
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Roof fields of a feature; bad values are warned about and left out (flat roof, from the ground). */
function parseRoof(
  properties: Readonly<Record<string, unknown>>,
  heightM: number,
  where: string,
  warnings: string[],
): Pick<Building, 'roofShape' | 'roofHeightM' | 'minHeightM'> {
  const { roofShape, roofHeightM, minHeightM } = properties;
  const roof: { roofShape?: RoofShape; roofHeightM?: number; minHeightM?: number } = {};
  if (isRoofShape(roofShape)) roof.roofShape = roofShape;
  else if (roofShape !== undefined && roofShape !== null) {
    warnings.push(
      `${where}: properties.roofShape must be one of ${ROOF_SHAPES.join(', ')}, got ${describe(roofShape)}: built flat`,
    );
  }
  if (
    typeof roofHeightM === 'number' &&
    Number.isFinite(roofHeightM) &&
    roofHeightM > 0 &&
    roofHeightM < heightM
  ) {
    roof.roofHeightM = roofHeightM;
  } else if (roofHeightM !== undefined && roofHeightM !== null) {
    warnings.push(
      `${where}: properties.roofHeightM must be a number > 0 and < heightM, got ${describe(roofHeightM)}: ignored`,
    );
  }
  if (
    typeof minHeightM === 'number' &&
    Number.isFinite(minHeightM) &&
    minHeightM >= 0 &&
    minHeightM < heightM
  ) {
    roof.minHeightM = minHeightM;
  } else if (minHeightM !== undefined && minHeightM !== null) {
    warnings.push(
      `${where}: properties.minHeightM must be a number >= 0 and < heightM, got ${describe(minHeightM)}: built from the ground`,
    );
  }
  return roof;
}

function describe(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function parseRing(value: unknown, where: string, problems: string[]): LonLatRing | undefined {
  if (!Array.isArray(value) || value.length < 3) {
    problems.push(`${where} must be an array of at least 3 positions, got ${describe(value)}`);
    return undefined;
  }
  const ring: [number, number][] = [];
  for (const [index, position] of value.entries()) {
    const lonDeg: unknown = Array.isArray(position) ? position[0] : undefined;
    const latDeg: unknown = Array.isArray(position) ? position[1] : undefined;
    if (
      typeof lonDeg !== 'number' ||
      typeof latDeg !== 'number' ||
      !Number.isFinite(lonDeg) ||
      !Number.isFinite(latDeg) ||
      Math.abs(lonDeg) > 180 ||
      Math.abs(latDeg) > 90
    ) {
      problems.push(`${where}[${index}] must be [lonDeg, latDeg] in range, got ${describe(position)}`);
      return undefined;
    }
    ring.push([lonDeg, latDeg]);
  }
  return ring;
}

function parsePolygon(value: unknown, where: string, problems: string[]): readonly LonLatRing[] | undefined {
  if (!Array.isArray(value) || value.length === 0) {
    problems.push(`${where} must be a non-empty array of rings, got ${describe(value)}`);
    return undefined;
  }
  const rings: LonLatRing[] = [];
  for (const [index, ringValue] of value.entries()) {
    const ring = parseRing(ringValue, `${where}[${index}]`, problems);
    if (!ring) return undefined;
    rings.push(ring);
  }
  return rings;
}

function parseGeometry(
  geometry: unknown,
  where: string,
  problems: string[],
): readonly (readonly LonLatRing[])[] | undefined {
  if (!isRecord(geometry)) {
    problems.push(`${where} must be a Polygon or MultiPolygon, got ${describe(geometry)}`);
    return undefined;
  }
  if (geometry['type'] === 'Polygon') {
    const polygon = parsePolygon(geometry['coordinates'], `${where}.coordinates`, problems);
    return polygon ? [polygon] : undefined;
  }
  if (geometry['type'] === 'MultiPolygon') {
    const coordinates = geometry['coordinates'];
    if (!Array.isArray(coordinates) || coordinates.length === 0) {
      problems.push(`${where}.coordinates must be a non-empty array of polygons`);
      return undefined;
    }
    const polygons: (readonly LonLatRing[])[] = [];
    for (const [index, polygonValue] of coordinates.entries()) {
      const polygon = parsePolygon(polygonValue, `${where}.coordinates[${index}]`, problems);
      if (!polygon) return undefined;
      polygons.push(polygon);
    }
    return polygons;
  }
  problems.push(`${where}.type must be "Polygon" or "MultiPolygon", got ${describe(geometry['type'])}`);
  return undefined;
}

/**
 * Checks the buildings layer and returns one {@link Building} per feature, in input order.
 *
 * Rules (docs/city-pack.md): string `id` at top level equal to `properties.id`, unique; `heightM` a
 * finite number > 0; `use` a non-empty string (not limited to the demo's list so that imported towns
 * with other uses still build); optional string `name`; optional integer `storeys` (0..65535) and
 * `yearOfConstruction` (|year| <= 32767); Polygon or MultiPolygon geometry in WGS84. Optional roof
 * fields are not fatal: a `roofShape` outside {@link ROOF_SHAPES}, a `roofHeightM` outside
 * `0 < r < heightM` or a `minHeightM` outside `0 <= m < heightM` is left out (the building is built
 * flat / from the ground) and reported in `warnings`.
 *
 * @param sourceLabel names the input in errors, e.g. `data/boeblingen-demo/buildings.geojson`.
 * @param warnings receives one message per ignored roof field, naming feature, field and value.
 * @throws BuildingsInputError listing every invalid feature (file, feature index and id, field).
 */
export function parseBuildings(
  collection: unknown,
  sourceLabel = 'buildings',
  warnings: string[] = [],
): Building[] {
  if (!isRecord(collection) || collection['type'] !== 'FeatureCollection') {
    throw new BuildingsInputError(sourceLabel, ['the file must be a GeoJSON FeatureCollection']);
  }
  const features = collection['features'];
  if (!Array.isArray(features)) {
    throw new BuildingsInputError(sourceLabel, ['"features" must be an array']);
  }
  const problems: string[] = [];
  const buildings: Building[] = [];
  const seenIds = new Map<string, number>();
  for (const [index, feature] of features.entries()) {
    const featureId: unknown = isRecord(feature) ? feature['id'] : undefined;
    const where = `feature ${index}${typeof featureId === 'string' ? ` (${featureId})` : ''}`;
    const problemsBefore = problems.length;
    if (!isRecord(feature) || feature['type'] !== 'Feature') {
      problems.push(`${where}: must be a GeoJSON Feature`);
      continue;
    }
    const properties = feature['properties'];
    if (!isRecord(properties)) {
      problems.push(`${where}: properties must be an object`);
      continue;
    }
    const { id: propertyId, heightM, use, name, storeys, yearOfConstruction } = properties;
    if (typeof featureId !== 'string' || featureId.length === 0) {
      problems.push(`${where}: id must be a non-empty string, got ${describe(featureId)}`);
    } else if (propertyId !== featureId) {
      problems.push(`${where}: properties.id must equal id, got ${describe(propertyId)}`);
    } else {
      const firstIndex = seenIds.get(featureId);
      if (firstIndex !== undefined) {
        problems.push(`${where}: id duplicates feature ${firstIndex}`);
      } else {
        seenIds.set(featureId, index);
      }
    }
    if (typeof heightM !== 'number' || !Number.isFinite(heightM) || heightM <= 0) {
      problems.push(`${where}: properties.heightM must be a finite number > 0, got ${describe(heightM)}`);
    }
    if (typeof use !== 'string' || use.length === 0) {
      problems.push(`${where}: properties.use must be a non-empty string, got ${describe(use)}`);
    }
    if (name !== undefined && name !== null && typeof name !== 'string') {
      problems.push(`${where}: properties.name must be a string when present, got ${describe(name)}`);
    }
    // Both go into 16-bit metadata columns, so the ranges are those of UINT16 and INT16 (whose
    // lowest value is the "unknown" sentinel).
    if (
      storeys !== undefined &&
      storeys !== null &&
      (typeof storeys !== 'number' || !Number.isInteger(storeys) || storeys < 0 || storeys > 0xffff)
    ) {
      problems.push(`${where}: properties.storeys must be an integer in 0..65535, got ${describe(storeys)}`);
    }
    if (
      yearOfConstruction !== undefined &&
      yearOfConstruction !== null &&
      (typeof yearOfConstruction !== 'number' ||
        !Number.isInteger(yearOfConstruction) ||
        Math.abs(yearOfConstruction) > 0x7fff)
    ) {
      problems.push(
        `${where}: properties.yearOfConstruction must be an integer year, got ${describe(yearOfConstruction)}`,
      );
    }
    const polygons = parseGeometry(feature['geometry'], `${where}: geometry`, problems);
    if (
      problems.length > problemsBefore ||
      !polygons ||
      typeof featureId !== 'string' ||
      typeof heightM !== 'number' ||
      typeof use !== 'string'
    ) {
      continue;
    }
    buildings.push({
      id: featureId,
      heightM,
      use,
      name: typeof name === 'string' ? name : '',
      storeys: typeof storeys === 'number' ? storeys : 0,
      ...(typeof yearOfConstruction === 'number' ? { yearOfConstruction } : {}),
      polygons,
      ...parseRoof(properties, heightM, `${sourceLabel}: ${where}`, warnings),
      ...groundOf(feature['geometry']),
    });
  }
  if (problems.length > 0) throw new BuildingsInputError(sourceLabel, problems);
  return buildings;
}
