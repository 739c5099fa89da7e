/**
 * OSM building tags to the numbers the tiles build needs: heights, storeys, roof, year. Pure; the
 * importer supplies tags as strings, as OSM stores them.
 *
 * Height rules, first that applies:
 * 1. `height` as a length ("12", "12 m", "12.5m", "12,5", "40 ft") → `heightM`.
 * 2. `building:levels` × {@link METRES_PER_LEVEL} + the roof height (below) → `heightM`.
 * 3. A default for the building type (`building`, or `building:part` for parts): a fixed height
 *    for single-room types ({@link DEFAULT_HEIGHT_M_BY_TYPE}: garage 3 m, industrial 8 m, church
 *    15 m …), else a default number of levels ({@link DEFAULT_LEVELS_BY_TYPE}, 2 for anything not
 *    listed) × {@link METRES_PER_LEVEL}, plus the roof height. `heightEstimated` is true only here.
 *    A default never ends below `minHeightM` + one level, so a raised part still has a body.
 *
 * `minHeightM`: `min_height`, else `building:min_level` × {@link METRES_PER_LEVEL}.
 * `roofHeightM`: `roof:height`, else `roof:levels` × {@link METRES_PER_LEVEL}.
 * `storeys`: `building:levels` only (defaults are not storeys anyone counted).
 * Values that cannot be read are reported and the next rule is used.
 */
import type { RoofShape } from '../importedBuilding.ts';

/** Storey height used to turn OSM levels into metres: a common residential floor-to-floor height. */
export const METRES_PER_LEVEL = 3;

const METRES_PER_FOOT = 0.3048;

/** Default heights of building types that are one tall space rather than storeys. */
export const DEFAULT_HEIGHT_M_BY_TYPE: Readonly<Record<string, number>> = {
  garage: 3,
  garages: 3,
  carport: 2.5,
  shed: 2.5,
  hut: 2.5,
  kiosk: 3,
  roof: 4,
  industrial: 8,
  warehouse: 8,
  manufacture: 8,
  retail: 6,
  supermarket: 6,
  hangar: 10,
  church: 15,
  chapel: 8,
  cathedral: 30,
};

/** Default storey counts by building type; types not listed here or above get 2. */
export const DEFAULT_LEVELS_BY_TYPE: Readonly<Record<string, number>> = {
  house: 2,
  detached: 2,
  semidetached_house: 2,
  terrace: 2,
  residential: 2,
  bungalow: 1,
  apartments: 4,
  office: 4,
  commercial: 3,
  hotel: 4,
  hospital: 4,
  school: 3,
  university: 4,
  dormitory: 4,
  parking: 3,
};

const DEFAULT_LEVELS = 2;

const ROOF_SHAPES: ReadonlySet<string> = new Set([
  'flat',
  'gabled',
  'hipped',
  'pyramidal',
  'skillion',
  'dome',
]);

/** What the tags say about a building's size and age. */
export interface OsmBuildingFacts {
  heightM: number;
  /** True when no `height` or `building:levels` was given and the type's default was used. */
  heightEstimated: boolean;
  minHeightM?: number;
  roofHeightM?: number;
  roofShape?: RoofShape;
  storeys?: number;
  yearOfConstruction?: number;
}

/**
 * A length as OSM mappers write it, in metres: a number with `.` or `,` as decimal mark (German
 * "12,5"), optionally followed by `m`, `metre(s)`/`meter(s)`, `ft`/`feet` or `'`. Undefined when it
 * is not one ("tall", "5-7", negative numbers).
 */
export function parseLengthM(value: string): number | undefined {
  const match = /^\s*(\d+(?:[.,]\d+)?|[.,]\d+)\s*(m|metres?|meters?|ft|feet|')?\s*$/i.exec(value);
  const number = match?.[1];
  if (number === undefined) return undefined;
  const parsed = Number(number.replace(',', '.'));
  if (!Number.isFinite(parsed)) return undefined;
  const unit = match?.[2]?.toLowerCase();
  return unit === 'ft' || unit === 'feet' || unit === "'" ? parsed * METRES_PER_FOOT : parsed;
}

/** A level count ("3", "2.5", "2,5"); undefined when it is not a non-negative number. */
export function parseLevels(value: string): number | undefined {
  const match = /^\s*(\d+(?:[.,]\d+)?)\s*$/.exec(value);
  return match?.[1] === undefined ? undefined : Number(match[1].replace(',', '.'));
}

/** The first 4-digit year in `start_date` or `building:year` ("1890", "~1890", "1890-05-01"). */
export function parseYear(value: string): number | undefined {
  const match = /(?:^|\D)(\d{4})(?!\d)/.exec(value);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/**
 * Applies the rules in this module's description to one building's tags. `problems` gets one
 * message per tag whose value could not be read, naming the tag and the value.
 */
export function buildingFactsFromTags(
  tags: Readonly<Record<string, string>>,
  problems: string[],
): OsmBuildingFacts {
  const read = (
    key: string,
    parse: (value: string) => number | undefined,
    what: string,
  ): number | undefined => {
    const value = tags[key];
    if (value === undefined) return undefined;
    const parsed = parse(value);
    if (parsed === undefined) problems.push(`${key} "${value}" is not ${what}: ignored`);
    return parsed;
  };
  const lengthM = 'a length in metres or feet';
  const count = 'a number of levels';
  const height = read('height', parseLengthM, lengthM);
  const minHeight = read('min_height', parseLengthM, lengthM);
  const roofHeight = read('roof:height', parseLengthM, lengthM);
  const levels = read('building:levels', parseLevels, count);
  const minLevel = read('building:min_level', parseLevels, count);
  const roofLevels = read('roof:levels', parseLevels, count);

  const roofHeightM = roofHeight ?? (roofLevels === undefined ? undefined : roofLevels * METRES_PER_LEVEL);
  const minHeightM = minHeight ?? (minLevel === undefined ? undefined : minLevel * METRES_PER_LEVEL);

  let heightM: number;
  let heightEstimated = false;
  if (height !== undefined) {
    heightM = height;
  } else if (levels !== undefined) {
    heightM = levels * METRES_PER_LEVEL + (roofHeightM ?? 0);
  } else {
    heightEstimated = true;
    const type = tags['building'] ?? tags['building:part'] ?? 'yes';
    const fixed = DEFAULT_HEIGHT_M_BY_TYPE[type];
    heightM =
      fixed ?? (DEFAULT_LEVELS_BY_TYPE[type] ?? DEFAULT_LEVELS) * METRES_PER_LEVEL + (roofHeightM ?? 0);
    if (minHeightM !== undefined) heightM = Math.max(heightM, minHeightM + METRES_PER_LEVEL);
  }

  const roofShapeTag = tags['roof:shape'];
  const roofShape: RoofShape | undefined =
    roofShapeTag === undefined
      ? undefined
      : ROOF_SHAPES.has(roofShapeTag)
        ? (roofShapeTag as RoofShape)
        : 'unknown';
  const yearTag = tags['start_date'] ?? tags['building:year'];
  const yearOfConstruction = yearTag === undefined ? undefined : parseYear(yearTag);

  return {
    heightM,
    heightEstimated,
    ...(minHeightM !== undefined ? { minHeightM } : {}),
    ...(roofHeightM !== undefined ? { roofHeightM } : {}),
    ...(roofShape !== undefined ? { roofShape } : {}),
    ...(levels !== undefined ? { storeys: levels } : {}),
    ...(yearOfConstruction !== undefined ? { yearOfConstruction } : {}),
  };
}
