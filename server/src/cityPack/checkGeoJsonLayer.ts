/**
 * Checks one parsed GeoJSON file of a city pack: RFC 7946 structure through `geojson-validation`,
 * WGS84 coordinates, and the field rules of docs/city-pack.md (top-level `id` equal to
 * `properties.id`, unique ids, required properties with the right types). Pure: it gets the parsed
 * value and returns every problem it finds, never only the first.
 */
import geojsonValidation from 'geojson-validation';
import { BUILDING_USES, ROAD_CLASSES } from '../../../protocol/packFeatures.ts';
import { describeValue } from './cityPackProblem.ts';
import type { CityPackProblem } from './cityPackProblem.ts';

/** A rule for one property: when is a value valid, and how to say what it must be. */
export interface PropertyRule {
  name: string;
  required: boolean;
  /** Completes "must be …", e.g. `a positive number`. */
  expected: string;
  accepts(value: unknown): boolean;
}

/** What one GeoJSON layer of a pack must hold. */
export interface GeoJsonLayerSpec {
  fileName: string;
  geometryType: 'Polygon' | 'LineString';
  properties: readonly PropertyRule[];
}

const isPositiveNumber = (value: unknown) => typeof value === 'number' && Number.isFinite(value) && value > 0;
const isCount = (value: unknown) => typeof value === 'number' && Number.isInteger(value) && value >= 1;
const isText = (value: unknown) => typeof value === 'string' && value.trim().length > 0;
const isInteger = (value: unknown) => typeof value === 'number' && Number.isInteger(value);
const isLod = (value: unknown) => isInteger(value) && (value as number) >= 0 && (value as number) <= 3;
const isBoolean = (value: unknown) => typeof value === 'boolean';
const oneOf = (allowed: readonly string[]) => (value: unknown) =>
  typeof value === 'string' && allowed.includes(value);
const listOf = (allowed: readonly string[]) => `one of ${allowed.map((a) => `"${a}"`).join(', ')}`;

/** `buildings.geojson`: one Polygon per building with height, storeys and use. */
export const BUILDINGS_SPEC: GeoJsonLayerSpec = {
  fileName: 'buildings.geojson',
  geometryType: 'Polygon',
  properties: [
    { name: 'heightM', required: true, expected: 'a positive number', accepts: isPositiveNumber },
    { name: 'storeys', required: true, expected: 'an integer of at least 1', accepts: isCount },
    { name: 'use', required: true, expected: listOf(BUILDING_USES), accepts: oneOf(BUILDING_USES) },
    { name: 'name', required: false, expected: 'a non-empty string', accepts: isText },
    { name: 'street', required: false, expected: 'a non-empty string', accepts: isText },
    { name: 'houseNumber', required: false, expected: 'a non-empty string', accepts: isText },
    // Written by importers (docs/city-pack.md, "Imported packs and real surfaces").
    { name: 'sourceUse', required: false, expected: 'a non-empty string', accepts: isText },
    { name: 'yearOfConstruction', required: false, expected: 'an integer', accepts: isInteger },
    { name: 'roofShape', required: false, expected: 'a non-empty string', accepts: isText },
    { name: 'roofHeightM', required: false, expected: 'a positive number', accepts: isPositiveNumber },
    { name: 'minHeightM', required: false, expected: 'a positive number', accepts: isPositiveNumber },
    { name: 'lod', required: false, expected: 'an integer from 0 to 3', accepts: isLod },
    { name: 'parentId', required: false, expected: 'a non-empty string', accepts: isText },
    { name: 'heightEstimated', required: false, expected: 'a boolean', accepts: isBoolean },
  ],
};

/** `roads.geojson`: one LineString per road segment. */
export const ROADS_SPEC: GeoJsonLayerSpec = {
  fileName: 'roads.geojson',
  geometryType: 'LineString',
  properties: [
    { name: 'name', required: true, expected: 'a non-empty string', accepts: isText },
    { name: 'roadClass', required: true, expected: listOf(ROAD_CLASSES), accepts: oneOf(ROAD_CLASSES) },
    { name: 'speedLimitKmh', required: true, expected: 'a positive number', accepts: isPositiveNumber },
    { name: 'lanes', required: true, expected: 'an integer of at least 1', accepts: isCount },
  ],
};

/** `basins.geojson`: one Polygon per drainage basin. */
export const BASINS_SPEC: GeoJsonLayerSpec = {
  fileName: 'basins.geojson',
  geometryType: 'Polygon',
  properties: [
    { name: 'name', required: true, expected: 'a non-empty string', accepts: isText },
    { name: 'maxLevelCm', required: true, expected: 'a positive number', accepts: isPositiveNumber },
    { name: 'volumeM3', required: true, expected: 'a positive number', accepts: isPositiveNumber },
  ],
};

/** What a checked layer yields: its problems and, for reference checks, the features by id. */
export interface GeoJsonLayerCheck {
  problems: CityPackProblem[];
  /** Features with a usable string id, first occurrence wins. */
  featuresById: Map<string, Record<string, unknown>>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Runs a `geojson-validation` check; it throws on some malformed input, which is a problem too. */
function runValidation(check: (value: unknown, trace: true) => string[], value: unknown): string[] {
  try {
    return check(value, true);
  } catch (error) {
    return [`is malformed (${error instanceof Error ? error.message : String(error)})`];
  }
}

const KNOWN_CRS: Readonly<Record<string, string>> = {
  '25832': 'ETRS89 / UTM zone 32N, metres',
  '25833': 'ETRS89 / UTM zone 33N, metres',
  '31467': 'DHDN / Gauss-Krüger zone 3, metres',
  '31466': 'DHDN / Gauss-Krüger zone 2, metres',
  '3857': 'Web Mercator, metres',
  '4258': 'ETRS89 geographic, degrees',
};

/**
 * The problem with a legacy `crs` member (GeoJSON 2008), if any. RFC 7946 dropped the member and
 * fixed WGS84 longitude/latitude; a file that names another CRS holds coordinates a viewer would
 * place somewhere else entirely.
 */
function crsProblem(fileName: string, crs: unknown): CityPackProblem | undefined {
  const name = isRecord(crs) && isRecord(crs.properties) ? crs.properties.name : undefined;
  if (typeof name === 'string' && /(CRS84|EPSG:{1,2}4326)$/i.test(name)) return undefined;
  const code = typeof name === 'string' ? /EPSG:{1,2}(\d+)/i.exec(name)?.[1] : undefined;
  const meaning = code ? `, that is EPSG:${code}${KNOWN_CRS[code] ? ` (${KNOWN_CRS[code]})` : ''}` : '';
  return {
    file: fileName,
    message:
      `its "crs" member says ${describeValue(name ?? crs)}${meaning}, not WGS84: a city pack holds WGS84 ` +
      'longitude/latitude in degrees (EPSG:4326, RFC 7946); reproject the file with an importer',
    kind: 'crs',
  };
}

/** The first position outside WGS84 degree ranges, or undefined. */
function firstPositionOutOfRange(coordinates: unknown): number[] | undefined {
  if (!Array.isArray(coordinates)) return undefined;
  if (typeof coordinates[0] === 'number') {
    const [lon, lat] = coordinates as number[];
    if (lon === undefined || lat === undefined) return undefined;
    return Math.abs(lon) > 180 || Math.abs(lat) > 90 ? (coordinates as number[]) : undefined;
  }
  for (const child of coordinates) {
    const found = firstPositionOutOfRange(child);
    if (found) return found;
  }
  return undefined;
}

/** Checks a parsed GeoJSON file against a layer spec. */
export function checkGeoJsonLayer(spec: GeoJsonLayerSpec, value: unknown): GeoJsonLayerCheck {
  const file = spec.fileName;
  const problems: CityPackProblem[] = [];
  const featuresById = new Map<string, Record<string, unknown>>();
  if (!isRecord(value) || value.type !== 'FeatureCollection') {
    const got = isRecord(value) ? `an object of type ${describeValue(value.type)}` : describeValue(value);
    problems.push({ file, message: `must be a GeoJSON FeatureCollection, got ${got}`, kind: 'top-level' });
    return { problems, featuresById };
  }
  if ('crs' in value) {
    const problem = crsProblem(file, value.crs);
    if (problem) problems.push(problem);
  }
  if ('bbox' in value) {
    for (const message of runValidation(geojsonValidation.isBbox, value.bbox))
      problems.push({ file, message: `bbox: ${message}`, kind: 'bbox' });
  }
  if (!Array.isArray(value.features)) {
    problems.push({
      file,
      message: `features must be an array, got ${describeValue(value.features)}`,
      kind: 'features',
    });
    return { problems, featuresById };
  }

  const firstIndexOfId = new Map<string, number>();
  value.features.forEach((feature: unknown, index: number) => {
    const topId = isRecord(feature) ? feature.id : undefined;
    const properties = isRecord(feature) ? feature.properties : undefined;
    const propertiesId = isRecord(properties) ? properties.id : undefined;
    const label =
      typeof topId === 'string' ? topId : typeof propertiesId === 'string' ? propertiesId : 'no id';
    const where = `feature ${index} (${label})`;
    const add = (message: string, kind: string) => problems.push({ file, where, message, kind });

    if (!isRecord(feature)) {
      add(`must be a GeoJSON Feature object, got ${describeValue(feature)}`, 'feature-type');
      return;
    }
    // The geometry is checked on its own so its problems can say "geometry".
    for (const message of runValidation(geojsonValidation.isFeature, { ...feature, geometry: null }))
      add(message, `feature:${message}`);
    const geometry = feature.geometry;
    if (!isRecord(geometry)) {
      add(`geometry is missing (must be a ${spec.geometryType})`, 'geometry-missing');
    } else {
      const geometryErrors = runValidation(geojsonValidation.isGeometryObject, geometry);
      for (const message of geometryErrors) add(`geometry: ${message}`, 'geometry-invalid');
      if (geometry.type !== spec.geometryType) {
        add(
          `geometry.type must be "${spec.geometryType}", got ${describeValue(geometry.type)}`,
          'geometry-type',
        );
      } else if (geometryErrors.length === 0) {
        const outside = firstPositionOutOfRange(geometry.coordinates);
        if (outside) {
          add(
            `geometry.coordinates: position ${describeValue(outside)} is outside WGS84 longitude/latitude (±180°, ±90°); projected metres?`,
            'coordinates-range',
          );
        }
      }
    }

    if (typeof topId !== 'string' || topId.length === 0) {
      add(
        topId === undefined
          ? 'id is missing (must equal properties.id)'
          : `id must be a non-empty string, got ${describeValue(topId)}`,
        'id',
      );
    }
    if (!isRecord(properties)) {
      add(`properties must be an object, got ${describeValue(properties)}`, 'properties');
      return;
    }
    if (typeof propertiesId !== 'string' || propertiesId.length === 0) {
      add(
        propertiesId === undefined
          ? 'properties.id is missing (must be a non-empty string)'
          : `properties.id must be a non-empty string, got ${describeValue(propertiesId)}`,
        'properties.id',
      );
    } else if (typeof topId === 'string' && topId !== propertiesId) {
      add(
        `id ${describeValue(topId)} differs from properties.id ${describeValue(propertiesId)}`,
        'id-mismatch',
      );
    }
    if (typeof topId === 'string' && topId.length > 0) {
      const first = firstIndexOfId.get(topId);
      if (first !== undefined) {
        add(`id ${describeValue(topId)} is already used by feature ${first}`, 'duplicate-id');
      } else {
        firstIndexOfId.set(topId, index);
        featuresById.set(topId, properties);
      }
    }
    for (const rule of spec.properties) {
      const propertyValue = properties[rule.name];
      if (propertyValue === undefined) {
        if (rule.required)
          add(`properties.${rule.name} is missing (must be ${rule.expected})`, `missing:${rule.name}`);
      } else if (!rule.accepts(propertyValue)) {
        add(
          `properties.${rule.name} must be ${rule.expected}, got ${describeValue(propertyValue)}`,
          `invalid:${rule.name}`,
        );
      }
    }
  });
  return { problems, featuresById };
}
