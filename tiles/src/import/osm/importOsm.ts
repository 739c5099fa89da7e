/**
 * OpenStreetMap buildings to the common import model: GeoJSON FeatureCollections as overpass-turbo
 * and osmtogeojson export them, and raw Overpass API JSON (`{ elements: [...] }`, with node
 * references or `out geom` geometries). OSM has footprints only, so every building is LoD0: its
 * rings at height 0, no surfaces, and heights from tags (rules in `osmBuildingTags.ts`).
 *
 * Bad data never throws: what cannot be taken is reported in `problems`, the rest is imported.
 */
import { createReprojector, CrsError, parseCrs, type Reprojector } from '../crs.ts';
import type {
  ImportedBuilding,
  ImportOptions,
  ImportProblem,
  ImportResult,
  LonLatHeight,
  PolygonRings,
} from '../importedBuilding.ts';
import { jsonSyntaxErrorOffset, textPositionOf } from './jsonErrorPosition.ts';
import { buildingFactsFromTags } from './osmBuildingTags.ts';
import { joinLinesIntoRings, pointInRing, ringSelfIntersects, type PlanePosition } from './ringGeometry.ts';

type Scalar = string | number | boolean;
type JsonObject = Record<string, unknown>;

/** A tagged object that claims to be a building, before its geometry is checked. */
interface BuildingCandidate {
  id: string;
  kind: 'building' | 'part';
  tags: Record<string, string>;
  attributes: Record<string, Scalar>;
  /** Polygons → rings → positions, in the source CRS, not yet validated. */
  polygons: unknown;
}

/** What a format reader hands to the common part. */
interface ReadElements {
  candidates: BuildingCandidate[];
  withoutBuildingTag: number;
  /** OSM building relations: part id → outline id. */
  parentOf: Map<string, string>;
}

type Report = (message: string, objectId?: string) => void;

const WGS84 = 'EPSG:4326';

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isScalar(value: unknown): value is Scalar {
  return (
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}

/** `building=*` (not `no`) makes a building; otherwise `building:part=*` (not `no`) a part. */
function buildingKind(tags: Readonly<Record<string, string>>): BuildingCandidate['kind'] | undefined {
  const building = tags['building'];
  if (building !== undefined && building !== 'no') return 'building';
  const part = tags['building:part'];
  if (part !== undefined && part !== 'no') return 'part';
  return undefined;
}

function scalarEntries(source: JsonObject): {
  tags: Record<string, string>;
  attributes: Record<string, Scalar>;
} {
  const tags: Record<string, string> = {};
  const attributes: Record<string, Scalar> = {};
  for (const [key, value] of Object.entries(source)) {
    if (!isScalar(value)) continue;
    tags[key] = String(value);
    attributes[key] = value;
  }
  return { tags, attributes };
}

/**
 * Imports the buildings and building parts of an OSM export. Coordinates are WGS84 unless
 * `options.crs` or a legacy GeoJSON `crs` member says otherwise (`options.crs` wins). Ids are the
 * OSM ids (`way/123`); GeoJSON features without one are named `feature/<index in the file>`.
 */
export function importOsm(text: string, options: ImportOptions = {}): ImportResult {
  const file = options.fileLabel ?? 'input';
  const problems: ImportProblem[] = [];
  const report: Report = (message, objectId) =>
    problems.push(objectId === undefined ? { file, message } : { file, objectId, message });

  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    const offset = jsonSyntaxErrorOffset(text) ?? 0;
    const { line, column } = textPositionOf(text, offset);
    report(`${file} is not valid JSON: syntax error at line ${line}, column ${column} (offset ${offset})`);
    return { buildings: [], problems, sourceCrs: options.crs ?? WGS84 };
  }

  const fileCrs = isObject(document) ? legacyGeoJsonCrs(document['crs'], report) : undefined;
  const crsText = options.crs ?? fileCrs ?? WGS84;
  let sourceCrs: string;
  let reproject: Reprojector;
  try {
    sourceCrs = parseCrs(crsText).horizontal;
    reproject = createReprojector(crsText);
  } catch (error) {
    if (!(error instanceof CrsError)) throw error;
    report(`${error.message}: nothing imported`);
    return { buildings: [], problems, sourceCrs: crsText };
  }

  let read: ReadElements;
  if (isObject(document) && Array.isArray(document['elements'])) {
    read = readOverpass(document['elements'], report);
  } else if (
    isObject(document) &&
    document['type'] === 'FeatureCollection' &&
    Array.isArray(document['features'])
  ) {
    read = readGeoJson(document['features'], report);
  } else if (isObject(document) && document['type'] === 'Feature') {
    read = readGeoJson([document], report);
  } else {
    report(
      `${file} is neither a GeoJSON FeatureCollection nor Overpass JSON ({ "elements": [...] }): nothing imported`,
    );
    return { buildings: [], problems, sourceCrs };
  }

  if (read.withoutBuildingTag > 0) {
    const count = read.withoutBuildingTag;
    report(`${count} ${count === 1 ? 'feature' : 'features'} without a building tag skipped`);
  }

  const buildings: ImportedBuilding[] = [];
  const seen = new Set<string>();
  read.candidates.forEach((candidate, index) => {
    if (seen.has(candidate.id)) {
      report('duplicate id: the first one was kept', candidate.id);
    } else {
      const building = buildingFromCandidate(candidate, reproject, report);
      if (building) {
        seen.add(candidate.id);
        const parentId = candidate.kind === 'part' ? read.parentOf.get(candidate.id) : undefined;
        buildings.push(parentId === undefined ? building : { ...building, parentId });
      }
    }
    options.onProgress?.(index + 1, read.candidates.length);
  });
  return { buildings, problems, sourceCrs };
}

/** The CRS named by a pre-RFC 7946 `crs` member (`{ type: "name", properties: { name } }`). */
function legacyGeoJsonCrs(crs: unknown, report: Report): string | undefined {
  if (crs === undefined || crs === null) return undefined;
  const name = isObject(crs) && isObject(crs['properties']) ? crs['properties']['name'] : undefined;
  if (typeof name !== 'string') {
    report('the "crs" member does not name a CRS: WGS84 assumed (give --crs otherwise)');
    return undefined;
  }
  // OGC's CRS84 is WGS84 with lon/lat order, which is what GeoJSON coordinates are anyway.
  return /CRS84$/i.test(name) ? WGS84 : name;
}

function readGeoJson(features: readonly unknown[], report: Report): ReadElements {
  const candidates: BuildingCandidate[] = [];
  let withoutBuildingTag = 0;
  features.forEach((feature, index) => {
    if (!isObject(feature)) {
      report(`feature ${index} is not a GeoJSON Feature: skipped`);
      return;
    }
    const properties = isObject(feature['properties']) ? feature['properties'] : {};
    // osmtogeojson used to nest tags under `properties.tags`; overpass-turbo flattens them.
    const tagSource = isObject(properties['tags']) ? properties['tags'] : properties;
    const { tags, attributes } = scalarEntries(tagSource);
    const id = geoJsonFeatureId(feature, properties, index);
    const kind = buildingKind(tags);
    if (!kind) {
      withoutBuildingTag++;
      return;
    }
    const geometry = feature['geometry'];
    const type = isObject(geometry) ? geometry['type'] : undefined;
    if (!isObject(geometry)) {
      report('building without geometry: skipped', id);
    } else if (type === 'Polygon') {
      candidates.push({ id, kind, tags, attributes, polygons: [geometry['coordinates']] });
    } else if (type === 'MultiPolygon') {
      candidates.push({ id, kind, tags, attributes, polygons: geometry['coordinates'] });
    } else if (type === 'Point' || type === 'MultiPoint') {
      report('building mapped as a point: skipped', id);
    } else if (type === 'LineString' || type === 'MultiLineString') {
      report('building mapped as a line: skipped', id);
    } else {
      report(`building with geometry type ${String(type)}, not a polygon: skipped`, id);
    }
  });
  return { candidates, withoutBuildingTag, parentOf: new Map() };
}

function geoJsonFeatureId(feature: JsonObject, properties: JsonObject, index: number): string {
  const id = feature['id'];
  if (typeof id === 'string' || typeof id === 'number') return String(id);
  const atId = properties['@id'];
  if (typeof atId === 'string') return atId;
  const osmType = properties['type'];
  const osmId = properties['id'];
  if (typeof osmType === 'string' && (typeof osmId === 'number' || typeof osmId === 'string')) {
    return `${osmType}/${osmId}`;
  }
  return `feature/${index}`;
}

/** `[lon, lat]` of an Overpass `{ lat, lon }` point, or undefined. */
function latLonPosition(point: unknown): PlanePosition | undefined {
  if (!isObject(point)) return undefined;
  const { lat, lon } = point;
  return typeof lat === 'number' && typeof lon === 'number' ? [lon, lat] : undefined;
}

function readOverpass(elements: readonly unknown[], report: Report): ReadElements {
  const nodes = new Map<number, PlanePosition>();
  const ways = new Map<number, JsonObject>();
  for (const element of elements) {
    if (!isObject(element) || typeof element['id'] !== 'number') continue;
    if (element['type'] === 'node') {
      const position = latLonPosition(element);
      if (position) nodes.set(element['id'], position);
    } else if (element['type'] === 'way') {
      ways.set(element['id'], element);
    }
  }

  /** A way's points from `out geom` geometry or its node references; a string says what is missing. */
  const wayLine = (way: JsonObject): PlanePosition[] | string => {
    const geometry = way['geometry'];
    if (Array.isArray(geometry)) {
      const line = geometry.map(latLonPosition);
      return line.every((p) => p !== undefined)
        ? (line as PlanePosition[])
        : 'a geometry point without lat/lon';
    }
    const refs = Array.isArray(way['nodes']) ? way['nodes'] : [];
    const line: PlanePosition[] = [];
    for (const ref of refs) {
      const position = typeof ref === 'number' ? nodes.get(ref) : undefined;
      if (!position) return `node ${String(ref)}, which is not in the file`;
      line.push(position);
    }
    return line;
  };

  const candidates: BuildingCandidate[] = [];
  const parentOf = new Map<string, string>();
  let withoutBuildingTag = 0;
  for (const element of elements) {
    if (!isObject(element)) continue;
    const id = `${String(element['type'])}/${String(element['id'])}`;
    const { tags, attributes } = scalarEntries(isObject(element['tags']) ? element['tags'] : {});
    if (element['type'] === 'relation' && tags['type'] === 'building') {
      linkBuildingRelation(element, parentOf);
      continue;
    }
    const kind = buildingKind(tags);
    if (!kind) {
      // Untagged nodes and ways are only the geometry of other elements, not features.
      if (Object.keys(tags).length > 0) withoutBuildingTag++;
      continue;
    }
    if (element['type'] === 'node') {
      report('building mapped as a point: skipped', id);
    } else if (element['type'] === 'way') {
      const line = wayLine(element);
      if (typeof line === 'string') {
        report(`the way references ${line}: skipped`, id);
      } else if (line.length < 2 || line[0]?.[0] !== line.at(-1)?.[0] || line[0]?.[1] !== line.at(-1)?.[1]) {
        report('building mapped as a line (the way is not closed): skipped', id);
      } else {
        candidates.push({ id, kind, tags, attributes, polygons: [[line]] });
      }
    } else if (element['type'] === 'relation' && tags['type'] === 'multipolygon') {
      const polygons = multipolygonRings(element, ways, wayLine, id, report);
      if (polygons) candidates.push({ id, kind, tags, attributes, polygons });
    } else {
      report(
        `a ${String(element['type'])} of type "${tags['type'] ?? ''}" is not a multipolygon: skipped`,
        id,
      );
    }
  }
  return { candidates, withoutBuildingTag, parentOf };
}

/** Records `part` members of an OSM building relation as parts of its `outline` member. */
function linkBuildingRelation(relation: JsonObject, parentOf: Map<string, string>): void {
  const members = Array.isArray(relation['members']) ? relation['members'].filter(isObject) : [];
  const memberId = (member: JsonObject): string => `${String(member['type'])}/${String(member['ref'])}`;
  const outline = members.find((member) => member['role'] === 'outline');
  if (!outline) return;
  for (const member of members)
    if (member['role'] === 'part') parentOf.set(memberId(member), memberId(outline));
}

/**
 * A multipolygon relation's polygons: outer ways joined into rings, each inner ring given to the
 * outer ring that contains it. Undefined (after a problem) when the outer ways do not close.
 */
function multipolygonRings(
  relation: JsonObject,
  ways: ReadonlyMap<number, JsonObject>,
  wayLine: (way: JsonObject) => PlanePosition[] | string,
  id: string,
  report: Report,
): PlanePosition[][][] | undefined {
  const outers: PlanePosition[][] = [];
  const inners: PlanePosition[][] = [];
  const members = Array.isArray(relation['members']) ? relation['members'].filter(isObject) : [];
  for (const member of members) {
    if (member['type'] !== 'way') continue;
    // `out geom` puts the geometry on the member; otherwise the way must be among the elements.
    const way = Array.isArray(member['geometry'])
      ? member
      : typeof member['ref'] === 'number'
        ? ways.get(member['ref'])
        : undefined;
    if (!way) {
      report(`the relation references way ${String(member['ref'])}, which is not in the file: skipped`, id);
      return undefined;
    }
    const line = wayLine(way);
    if (typeof line === 'string') {
      report(`way ${String(member['ref'])} of the relation references ${line}: skipped`, id);
      return undefined;
    }
    // An empty role means outer, as OSM's multipolygon rules say.
    (member['role'] === 'inner' ? inners : outers).push(line);
  }
  const outer = joinLinesIntoRings(outers);
  const inner = joinLinesIntoRings(inners);
  if (outer.rings.length === 0 || outer.unclosed.length > 0 || inner.unclosed.length > 0) {
    report('the outer and inner ways of the multipolygon do not form closed rings: skipped', id);
    return undefined;
  }
  const polygons: PlanePosition[][][] = outer.rings.map((ring) => [ring]);
  for (const hole of inner.rings) {
    const first = hole[0];
    const polygon = first
      ? polygons.find((candidate) => candidate[0] && pointInRing(first, candidate[0]))
      : undefined;
    if (polygon) polygon.push(hole);
    else report('an inner ring lies outside every outer ring: that ring was ignored', id);
  }
  return polygons;
}

/** Validates and reprojects one candidate's polygons; undefined (after a problem) when it cannot be used. */
function buildingFromCandidate(
  candidate: BuildingCandidate,
  reproject: Reprojector,
  report: Report,
): ImportedBuilding | undefined {
  const polygons = candidate.polygons;
  if (!Array.isArray(polygons) || polygons.length === 0) {
    report('building without polygon coordinates: skipped', candidate.id);
    return undefined;
  }
  const footprint: PolygonRings[] = [];
  for (const [polygonIndex, polygon] of polygons.entries()) {
    if (!Array.isArray(polygon) || polygon.length === 0) {
      report(`polygon ${polygonIndex} has no rings: skipped`, candidate.id);
      return undefined;
    }
    const rings: PolygonRings = [];
    for (const [ringIndex, ring] of polygon.entries()) {
      const where = `${ringIndex === 0 ? 'exterior ring' : `hole ${ringIndex}`} of polygon ${polygonIndex}`;
      const checked = footprintRing(ring, reproject);
      if (typeof checked === 'string') {
        report(`${where} ${checked}: skipped`, candidate.id);
        return undefined;
      }
      if (ringIndex === 0 && ringSelfIntersects(checked)) {
        report(`${where} intersects itself: skipped`, candidate.id);
        return undefined;
      }
      rings.push(checked);
    }
    footprint.push(rings);
  }

  const messages: string[] = [];
  const facts = buildingFactsFromTags(candidate.tags, messages);
  for (const message of messages) report(message, candidate.id);
  const { tags } = candidate;
  const name = tags['name'];
  const use = candidate.kind === 'building' ? tags['building'] : tags['building:part'];
  return {
    id: candidate.id,
    ...(name !== undefined ? { name } : {}),
    ...(use !== undefined ? { use } : {}),
    heightM: facts.heightM,
    ...(facts.storeys !== undefined ? { storeys: facts.storeys } : {}),
    ...(facts.yearOfConstruction !== undefined ? { yearOfConstruction: facts.yearOfConstruction } : {}),
    ...(facts.roofShape !== undefined ? { roofShape: facts.roofShape } : {}),
    ...(facts.roofHeightM !== undefined ? { roofHeightM: facts.roofHeightM } : {}),
    ...(facts.minHeightM !== undefined ? { minHeightM: facts.minHeightM } : {}),
    groundHeightM: 0,
    footprint,
    surfaces: [],
    lod: 0,
    attributes: {
      ...candidate.attributes,
      ...(candidate.kind === 'part' ? { part: true } : {}),
      ...(facts.heightEstimated ? { heightEstimated: true } : {}),
    },
  };
}

/**
 * One ring as WGS84 positions at height 0, closed, without repeated consecutive points (they would
 * read as zero-length edges touching their neighbours). A string says why the ring is unusable.
 */
function footprintRing(ring: unknown, reproject: Reprojector): LonLatHeight[] | string {
  if (!Array.isArray(ring)) return 'is not an array of positions';
  const out: LonLatHeight[] = [];
  for (const position of ring) {
    if (!Array.isArray(position)) return 'holds a position that is not an array';
    const [x, y] = position as unknown[];
    if (typeof x !== 'number' || typeof y !== 'number' || !Number.isFinite(x) || !Number.isFinite(y)) {
      return 'holds a position with non-finite coordinates';
    }
    let lonLat: LonLatHeight;
    try {
      lonLat = reproject(x, y, 0);
    } catch (error) {
      if (error instanceof CrsError) return `holds a position that cannot be reprojected (${error.message})`;
      throw error;
    }
    const [lon, lat] = lonLat;
    if (!(Math.abs(lon) <= 180 && Math.abs(lat) <= 90)) {
      return `holds (${x}, ${y}), which is no WGS84 position (wrong CRS? give --crs)`;
    }
    const last = out.at(-1);
    if (!last || last[0] !== lon || last[1] !== lat) out.push([lon, lat, 0]);
  }
  const first = out[0];
  const last = out.at(-1);
  if (first && last && (first[0] !== last[0] || first[1] !== last[1])) out.push([first[0], first[1], 0]);
  if (out.length < 4) return `has ${out.length} positions once closed, fewer than the 4 a ring needs`;
  return out;
}
