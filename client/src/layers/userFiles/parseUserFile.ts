/**
 * Turns a file the user dropped or chose into features the map can draw: GeoJSON (also with the
 * legacy `crs` member, reprojected to WGS84), KML (Placemarks with points, lines, polygons and
 * MultiGeometry; name, description, ExtendedData) and CSV with coordinate columns (German or English
 * names, `;` or `,`, decimal commas as German Excel writes them, UTM or Gauss-Krüger by size). Pure:
 * runs in the worker (`userFileWorker.ts`) and in node tests. Limits are checked before parsing.
 */
import { SaxesParser } from 'saxes';
import { parseFeatureCollection, type CityFeature, type Geometry } from '../../geo/geojson.ts';
import { epsgOf, guessProjected, toLonLatFrom, type ToLonLat } from './userFileCrs.ts';
import { lineAt, UserFileError, type UserFileWarning } from './userFileError.ts';

/** Files larger than this are refused before they are read. */
export const MAX_FILE_BYTES = 50 * 1024 * 1024;
/** Files with more features than this are refused before they are parsed. */
export const MAX_FEATURES = 200_000;
/** Warnings kept per file; the rest are counted. */
const MAX_WARNINGS = 20;

/** The formats a user's file may have. */
export type UserFileFormat = 'geojson' | 'kml' | 'csv';

/** What a file turned into. */
export interface ParsedUserFile {
  readonly format: UserFileFormat;
  readonly features: readonly CityFeature[];
  /** Rows or features left out, each with the line where known. */
  readonly warnings: readonly UserFileWarning[];
  /** The coordinate system the file was in (`EPSG:25832`), or null for WGS84. */
  readonly reprojectedFrom: string | null;
}

/** The format by the file's name, else by its first characters. */
export function detectFormat(name: string, text: string): UserFileFormat | null {
  const lower = name.toLowerCase();
  if (/\.(geo)?json$/.test(lower)) return 'geojson';
  if (lower.endsWith('.kml')) return 'kml';
  if (/\.(csv|txt|tsv)$/.test(lower)) return 'csv';
  const start = text.trimStart().slice(0, 200);
  if (start.startsWith('{')) return 'geojson';
  if (start.startsWith('<') && /<kml[\s>]/i.test(text.slice(0, 2000))) return 'kml';
  return null;
}

/** Refuses a file that is too large to read (before reading it). */
export function checkFileSize(name: string, bytes: number): void {
  if (bytes > MAX_FILE_BYTES)
    throw new UserFileError('userFile.error.tooLarge', {
      file: name,
      sizeMb: Math.round(bytes / 1024 / 1024),
      maxMb: MAX_FILE_BYTES / 1024 / 1024,
    });
  if (bytes === 0) throw new UserFileError('userFile.error.empty', { file: name });
}

/**
 * Decodes a file's bytes: UTF-8 when they are valid UTF-8, else Windows-1252 (what German Excel and
 * older GIS tools write).
 */
export function decodeText(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

function countMatches(text: string, pattern: RegExp): number {
  let count = 0;
  pattern.lastIndex = 0;
  while (pattern.exec(text)) count++;
  return count;
}

function checkFeatureCount(name: string, count: number): void {
  if (count > MAX_FEATURES)
    throw new UserFileError('userFile.error.tooManyFeatures', { file: name, count, max: MAX_FEATURES });
}

/** Parses a user's file (its text already decoded). Throws {@link UserFileError}. */
export function parseUserFile(name: string, text: string): ParsedUserFile {
  checkFileSize(name, text.length);
  const format = detectFormat(name, text);
  if (!format) throw new UserFileError('userFile.error.unknownFormat', { file: name });
  if (format === 'geojson') return parseGeojsonText(name, text);
  if (format === 'kml') return parseKmlText(name, text);
  return parseCsvText(name, text);
}

// ---------------------------------------------------------------------------------------------- GeoJSON

type RawPosition = number[];

/** Applies `toLonLat` to every position of a raw GeoJSON geometry, in place of a copy. */
function reprojectCoordinates(value: unknown, toLonLat: ToLonLat): unknown {
  if (!Array.isArray(value)) return value;
  if (typeof value[0] === 'number') {
    const [x, y, ...rest] = value as RawPosition;
    if (x === undefined || y === undefined) return value;
    return [...toLonLat(x, y), ...rest];
  }
  return value.map((item) => reprojectCoordinates(item, toLonLat));
}

function reprojectGeometry(geometry: unknown, toLonLat: ToLonLat): unknown {
  if (typeof geometry !== 'object' || geometry === null) return geometry;
  const g = geometry as { type?: unknown; coordinates?: unknown; geometries?: unknown };
  if (Array.isArray(g.geometries))
    return { ...g, geometries: g.geometries.map((child) => reprojectGeometry(child, toLonLat)) };
  return { ...g, coordinates: reprojectCoordinates(g.coordinates, toLonLat) };
}

/** Splits GeometryCollections (which the map does not draw as one) into one feature per member. */
function splitCollections(features: readonly unknown[]): unknown[] {
  return features.flatMap((feature) => {
    const f = feature as { geometry?: { type?: unknown; geometries?: unknown } } | null;
    const geometry = f?.geometry;
    if (geometry?.type !== 'GeometryCollection' || !Array.isArray(geometry.geometries)) return [feature];
    return geometry.geometries.map((child) => ({ ...f, geometry: child }));
  });
}

/**
 * Where JSON text first breaks the grammar (a small scanner, run only after `JSON.parse` failed).
 * The offset of the first character that cannot continue the document; the text's length when it
 * ends too early.
 */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        string();
        ws();
        if (text[i] !== ':') fail();
        i++;
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') {
          i++;
          return;
        } else fail();
      }
    } else if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') {
          i++;
          return;
        } else fail();
      }
    } else if (c === '"') string();
    else {
      const literal = /^(-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 400));
      if (!literal) fail();
      i += (literal as RegExpExecArray)[0].length;
    }
  };
  const string = () => {
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') i++;
      else if (text.charCodeAt(i) < 0x20) fail();
      i++;
    }
    if (i >= text.length) fail();
    i++;
  };
  try {
    value();
    ws();
    return i < text.length ? i : text.length;
  } catch (offset) {
    return typeof offset === 'number' ? offset : text.length;
  }
}

/** The first position of the first feature that has one. */
function firstPosition(features: readonly unknown[]): number[] | null {
  for (const feature of features) {
    let value = (feature as { geometry?: { coordinates?: unknown } } | null)?.geometry?.coordinates;
    while (Array.isArray(value) && Array.isArray(value[0])) value = value[0];
    if (Array.isArray(value) && typeof value[0] === 'number') return value as number[];
  }
  return null;
}

function parseGeojsonText(name: string, text: string): ParsedUserFile {
  checkFeatureCount(name, countMatches(text, /"type"\s*:\s*"Feature"/g));
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // Node 20's and some browsers' messages give no position; find it then.
    const position = /position (\d+)/.exec(message)?.[1];
    const offset = position !== undefined ? Number(position) : jsonErrorOffset(text);
    throw new UserFileError('userFile.error.badJson', { file: name, line: lineAt(text, offset) });
  }
  let collection = raw as { type?: unknown; features?: unknown; crs?: unknown; geometry?: unknown };
  if (collection?.type === 'Feature') collection = { type: 'FeatureCollection', features: [collection] };
  if (collection?.type !== 'FeatureCollection' || !Array.isArray(collection.features))
    throw new UserFileError('userFile.error.notFeatureCollection', { file: name });
  const crsName = (collection.crs as { properties?: { name?: unknown } } | undefined)?.properties?.name;
  let reprojectedFrom: string | null = null;
  let features = splitCollections(collection.features);
  if (typeof crsName === 'string') {
    const epsg = epsgOf(crsName);
    let toLonLat: ToLonLat | null;
    try {
      if (epsg === null) throw new RangeError(crsName);
      toLonLat = toLonLatFrom(epsg);
    } catch {
      throw new UserFileError('userFile.error.unknownCrs', { file: name, crs: crsName });
    }
    if (toLonLat) {
      const convert = toLonLat;
      features = features.map((feature) => {
        const f = feature as { geometry?: unknown } | null;
        return f && typeof f === 'object' ? { ...f, geometry: reprojectGeometry(f.geometry, convert) } : f;
      });
      reprojectedFrom = `EPSG:${epsg}`;
    }
  }
  const parsed = parseFeatureCollection({ type: 'FeatureCollection', features }, name, { idFromIndex: true });
  if (parsed.features.length === 0 && features.length > 0 && reprojectedFrom === null) {
    // Nothing drew: most often metres (UTM, Gauss-Krüger) in a file without a `crs` member.
    const first = firstPosition(features);
    if (first && (Math.abs(first[0] ?? 0) > 180 || Math.abs(first[1] ?? 0) > 90))
      throw new UserFileError('userFile.error.projectedNoCrs', { file: name });
  }
  // Said in the user's language: which feature (counted from 1, as a person counts) and why.
  const warnings = parsed.rejectedFeatures
    .slice(0, MAX_WARNINGS)
    .map(({ index, reason }): UserFileWarning => ({
      key: `userFile.warning.skipped.${reason}`,
      params: { file: name, number: index + 1 },
    }));
  if (parsed.features.length === 0) throw new UserFileError('userFile.error.noFeatures', { file: name });
  return { format: 'geojson', features: parsed.features, warnings, reprojectedFrom };
}

// -------------------------------------------------------------------------------------------------- KML

type Position2 = [number, number] | [number, number, number];

interface KmlPlacemark {
  name: string | null;
  description: string | null;
  data: Record<string, string>;
  points: Position2[];
  lines: Position2[][];
  polygons: Position2[][][];
  line: number;
}

function kmlCoordinates(text: string): Position2[] {
  const out: Position2[] = [];
  for (const tuple of text.trim().split(/\s+/)) {
    if (tuple === '') continue;
    const [lon, lat, height] = tuple.split(',').map(Number);
    if (lon === undefined || lat === undefined || !Number.isFinite(lon) || !Number.isFinite(lat)) continue;
    out.push(height !== undefined && Number.isFinite(height) ? [lon, lat, height] : [lon, lat]);
  }
  return out;
}

function closeRing(ring: Position2[]): Position2[] {
  const first = ring[0];
  const last = ring[ring.length - 1];
  if (first && last && (first[0] !== last[0] || first[1] !== last[1])) return [...ring, first];
  return ring;
}

/** The features of one Placemark: one per kind of geometry it holds (a MultiGeometry may mix them). */
function placemarkFeatures(placemark: KmlPlacemark, index: number): unknown[] {
  const properties: Record<string, unknown> = { ...placemark.data };
  if (placemark.name !== null) properties['name'] = placemark.name;
  if (placemark.description !== null) properties['description'] = placemark.description;
  const geometries: unknown[] = [];
  const { points, lines, polygons } = placemark;
  if (points.length === 1) geometries.push({ type: 'Point', coordinates: points[0] });
  else if (points.length > 1) geometries.push({ type: 'MultiPoint', coordinates: points });
  if (lines.length === 1) geometries.push({ type: 'LineString', coordinates: lines[0] });
  else if (lines.length > 1) geometries.push({ type: 'MultiLineString', coordinates: lines });
  if (polygons.length === 1) geometries.push({ type: 'Polygon', coordinates: polygons[0] });
  else if (polygons.length > 1) geometries.push({ type: 'MultiPolygon', coordinates: polygons });
  return geometries.map((geometry, k) => ({
    type: 'Feature',
    id: geometries.length > 1 ? `#${index}.${k}` : `#${index}`,
    properties,
    geometry,
  }));
}

function parseKmlText(name: string, text: string): ParsedUserFile {
  checkFeatureCount(name, countMatches(text, /<(?:\w+:)?Placemark[\s>]/g));
  const parser = new SaxesParser({ position: true });
  const placemarks: KmlPlacemark[] = [];
  const stack: string[] = [];
  let current: KmlPlacemark | null = null;
  let textBuffer = '';
  let dataName: string | null = null;
  let ring: 'outer' | 'inner' | null = null;
  let polygon: Position2[][] | null = null;
  parser.on('opentag', (tag) => {
    const local = tag.name.replace(/^.*:/, '');
    stack.push(local);
    textBuffer = '';
    if (local === 'Placemark')
      current = {
        name: null,
        description: null,
        data: {},
        points: [],
        lines: [],
        polygons: [],
        line: parser.line,
      };
    else if (local === 'Data' || local === 'SimpleData') {
      const attr = tag.attributes['name'];
      dataName = typeof attr === 'string' ? attr : null;
    } else if (local === 'Polygon') polygon = [];
    else if (local === 'outerBoundaryIs') ring = 'outer';
    else if (local === 'innerBoundaryIs') ring = 'inner';
  });
  const onText = (value: string) => {
    textBuffer += value;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', (tag) => {
    const local = tag.name.replace(/^.*:/, '');
    stack.pop();
    const parent = stack[stack.length - 1];
    const placemark = current as KmlPlacemark | null;
    if (placemark) {
      const value = textBuffer.trim();
      if (local === 'name' && parent === 'Placemark') placemark.name = value;
      else if (local === 'description' && parent === 'Placemark') placemark.description = value;
      else if (local === 'value' && parent === 'Data' && dataName) placemark.data[dataName] = value;
      else if (local === 'SimpleData' && dataName) placemark.data[dataName] = value;
      else if (local === 'coordinates') {
        const positions = kmlCoordinates(textBuffer);
        if (parent === 'Point' && positions[0]) placemark.points.push(positions[0]);
        else if (parent === 'LineString' && positions.length >= 2) placemark.lines.push(positions);
        else if (parent === 'LinearRing' && polygon && ring) {
          const closed = closeRing(positions);
          if (closed.length >= 4) {
            if (ring === 'outer') polygon.unshift(closed);
            else polygon.push(closed);
          }
        }
      } else if (local === 'Polygon' && polygon) {
        if (polygon.length > 0) placemark.polygons.push(polygon);
        polygon = null;
      } else if (local === 'outerBoundaryIs' || local === 'innerBoundaryIs') ring = null;
      else if (local === 'Placemark') {
        placemarks.push(placemark);
        current = null;
      }
    }
    textBuffer = '';
  });
  try {
    parser.write(text).close();
  } catch {
    throw new UserFileError('userFile.error.badXml', { file: name, line: parser.line });
  }
  if (placemarks.length === 0) throw new UserFileError('userFile.error.noFeatures', { file: name });
  const features = placemarks.flatMap(placemarkFeatures);
  const parsed = parseFeatureCollection({ type: 'FeatureCollection', features }, name, { idFromIndex: true });
  const warnings: UserFileWarning[] = placemarks
    .filter((p) => p.points.length + p.lines.length + p.polygons.length === 0)
    .slice(0, MAX_WARNINGS)
    .map((p) => ({ key: 'userFile.warning.noGeometry', params: { file: name, line: p.line } }));
  if (parsed.features.length === 0) throw new UserFileError('userFile.error.noFeatures', { file: name });
  return { format: 'kml', features: parsed.features, warnings, reprojectedFrom: null };
}

// -------------------------------------------------------------------------------------------------- CSV

const X_NAMES = [
  'lon',
  'lng',
  'long',
  'longitude',
  'x',
  'rechtswert',
  'laenge',
  'länge',
  'easting',
  'ost',
  'x_coord',
  'xcoord',
];
const Y_NAMES = ['lat', 'latitude', 'y', 'hochwert', 'breite', 'northing', 'nord', 'y_coord', 'ycoord'];

function normaliseHeader(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/^"|"$/g, '')
    .replace(/[\s_-]*\(.*\)$/, '')
    .replace(/geographische[\s_-]*/, '')
    .trim();
}

/** Splits one CSV line by `separator`, with double quotes around fields that contain it. */
export function splitCsvLine(line: string, separator: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === separator) {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field);
  return fields.map((f) => f.trim());
}

/** Reads a number as people write it: `48,685` (German decimal comma) or `48.685`, `1.234,5` too. */
export function parseLocaleNumber(text: string): number {
  const t = text.trim().replace(/\s/g, '');
  if (t === '') return NaN;
  // Dots as thousands separators only beside a decimal comma ("1.234,5"): "9.015" is a longitude.
  if (/^-?\d{1,3}(\.\d{3})+,\d+$/.test(t)) return Number(t.replace(/\./g, '').replace(',', '.'));
  if (/^-?\d+,\d+$/.test(t)) return Number(t.replace(',', '.'));
  return Number(t);
}

function parseCsvText(name: string, text: string): ParsedUserFile {
  const lines = text.split(/\r?\n/);
  // Lines, not features: a cheap upper bound before anything is split.
  checkFeatureCount(name, lines.length - 1);
  const headerLine = lines[0] ?? '';
  const separator = [';', '\t', ','].reduce((best, candidate) =>
    headerLine.split(candidate).length > headerLine.split(best).length ? candidate : best,
  );
  const header = splitCsvLine(headerLine, separator);
  const names = header.map(normaliseHeader);
  const xIndex = names.findIndex((n) => X_NAMES.includes(n));
  const yIndex = names.findIndex((n) => Y_NAMES.includes(n));
  if (xIndex < 0 || yIndex < 0)
    throw new UserFileError('userFile.error.noCoordinateColumns', {
      file: name,
      columns: header.slice(0, 8).join(', '),
    });
  const features: CityFeature[] = [];
  const warnings: UserFileWarning[] = [];
  let skipped = 0;
  let crs: { epsg: number; toLonLat: ToLonLat | null } | null = null;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === '') continue;
    const fields = splitCsvLine(line, separator);
    let x = parseLocaleNumber(fields[xIndex] ?? '');
    let y = parseLocaleNumber(fields[yIndex] ?? '');
    // The first row with numbers decides the file's CRS: degrees, UTM or Gauss-Krüger.
    if (crs === null && Number.isFinite(x) && Number.isFinite(y)) {
      const guess = guessProjected(x, y);
      crs = guess ? { epsg: guess.epsg, toLonLat: toLonLatFrom(guess.epsg) } : { epsg: 4326, toLonLat: null };
    }
    if (crs?.toLonLat && Number.isFinite(x) && Number.isFinite(y)) {
      const guess = guessProjected(x, y);
      [x, y] = guess && guess.epsg === crs.epsg ? crs.toLonLat(guess.x, guess.y) : [NaN, NaN];
    }
    if (!Number.isFinite(x) || !Number.isFinite(y) || Math.abs(x) > 180 || Math.abs(y) > 90) {
      skipped++;
      if (warnings.length < MAX_WARNINGS)
        warnings.push({ key: 'userFile.warning.rowSkipped', params: { file: name, line: i + 1 } });
      continue;
    }
    const properties: Record<string, unknown> = {};
    header.forEach((column, k) => {
      if (k === xIndex || k === yIndex || column === '') return;
      const value = fields[k] ?? '';
      const number = parseLocaleNumber(value);
      properties[column] = value !== '' && Number.isFinite(number) && !/^0\d/.test(value) ? number : value;
    });
    features.push({
      id: `#${i}`,
      properties,
      geometry: { type: 'Point', coordinates: [x, y] } satisfies Geometry,
    });
  }
  if (features.length === 0) throw new UserFileError('userFile.error.noFeatures', { file: name });
  if (skipped > warnings.length)
    warnings.push({
      key: 'userFile.warning.moreSkipped',
      params: { file: name, count: skipped - warnings.length },
    });
  return {
    format: 'csv',
    features,
    warnings,
    reprojectedFrom: crs && crs.epsg !== 4326 ? `EPSG:${crs.epsg}` : null,
  };
}
