/**
 * The streaming half of the CityGML importer: feeds text to a saxes parser and hands over one
 * building (or building part) at a time, in source coordinates, as soon as its element closes. Only
 * the buildings still open are held, so memory is bounded by the largest building, not the file.
 * CRS handling and reprojection live in `importCityGml.ts`. A document nested deeper than
 * {@link MAX_XML_DEPTH} elements is refused at the element that goes too deep.
 */
import { SaxesParser, type SaxesTagNS } from 'saxes';
import type { SurfaceKind } from '../importedBuilding.ts';

/** `[x, y, z]` in the file's CRS. */
export type SourcePosition = [x: number, y: number, z: number];

/** One polygon of a building's geometry, in source coordinates; rings closed, exterior first. */
export interface SourcePolygon {
  kind: SurfaceKind;
  lod: number;
  rings: SourcePosition[][];
}

/** A building or building part as the file gives it, before reprojection. */
export interface SourceBuilding {
  id: string;
  parentId?: string;
  /** The CRS named inside the building, else by its parent or the document; as written. */
  srsName?: string;
  name?: string;
  use?: string;
  heightM?: number;
  storeys?: number;
  yearOfConstruction?: number;
  attributes: Record<string, string | number | boolean>;
  polygons: SourcePolygon[];
}

/** A problem the reader found, tied to a building when it was inside one. */
export interface ReaderProblem {
  objectId?: string;
  message: string;
}

export interface CityGmlReader {
  write(text: string): void;
  /** Ends the document; a truncated one reports its unclosed elements here. */
  close(): void;
  /** True once the XML was found malformed: later text is ignored. */
  readonly failed: boolean;
}

/**
 * The deepest element nesting read. A CityGML building is a few dozen levels deep (CityModel,
 * cityObjectMember, Building, consistsOfBuildingPart, BuildingPart, boundedBy, RoofSurface,
 * lod2MultiSurface, MultiSurface, surfaceMember, CompositeSurface, surfaceMember, Polygon, exterior,
 * LinearRing, posList: 16, a few more in nested parts and addresses); 256 leaves eight times that.
 * The limit also bounds saxes' namespace lookup, which walks every open element for each prefixed
 * name: without it a 420 KB file of 60,000 nested elements took 30 s to read.
 */
export const MAX_XML_DEPTH = 256;

/** Thrown from a parser event to stop saxes mid-`write`; never leaves this module. */
class StopReading extends Error {}

const GML_NAMESPACES = new Set(['http://www.opengis.net/gml', 'http://www.opengis.net/gml/3.2']);
const BUILDING_NAMESPACE = /^http:\/\/www\.opengis\.net\/citygml\/building\/\d\.\d$/;
const GENERICS_NAMESPACE = /^http:\/\/www\.opengis\.net\/citygml\/generics\/\d\.\d$/;
const XLINK_NAMESPACE = 'http://www.w3.org/1999/xlink';

const SURFACE_KINDS: Record<string, SurfaceKind> = {
  RoofSurface: 'roof',
  WallSurface: 'wall',
  GroundSurface: 'ground',
  ClosureSurface: 'closure',
  OuterCeilingSurface: 'other',
  OuterFloorSurface: 'other',
};

/** Geometry properties of a building whose polygons become surfaces; curves and LoD 4 are left out. */
const LOD_GEOMETRY = /^lod([1-3])(?:Solid|MultiSurface|Geometry)$/;

/** Building attributes read from the text of a direct child element. */
type AttributeKey =
  'name' | 'function' | 'usage' | 'measuredHeight' | 'storeysAboveGround' | 'yearOfConstruction' | 'roofType';

const BUILDING_ATTRIBUTES = new Set<string>([
  'function',
  'usage',
  'measuredHeight',
  'storeysAboveGround',
  'yearOfConstruction',
  'roofType',
]);

/** What text an open element collects. */
type Capture =
  | { type: 'attribute'; key: AttributeKey }
  | { type: 'genericValue' }
  | { type: 'posList'; dimension: number }
  | { type: 'pos'; dimension: number }
  | { type: 'coordinates'; dimension: number };

interface OpenBuilding {
  building: SourceBuilding;
  /** Depth of the building element in the element stack. */
  depth: number;
  /** xlink references to geometry that were skipped, reported once at the end. */
  skippedReferences: number;
}

interface GenericAttribute {
  name: string;
  type: 'string' | 'int' | 'double' | 'other';
  depth: number;
  value?: string;
}

interface OpenPolygon {
  rings: SourcePosition[][];
  /** Why the polygon is skipped, once something in it was bad. */
  invalid?: string;
}

/** Context an element passes down to its children. */
interface Frame {
  kind: SurfaceKind;
  lod?: number;
  /** `srsDimension` in force; GML's default is the CRS's, 3 for CityGML. */
  dimension: number;
  capture?: Capture;
}

function parseNumber(text: string): number | undefined {
  const value = Number(text.trim());
  return text.trim() !== '' && Number.isFinite(value) ? value : undefined;
}

function attributeValue(tag: SaxesTagNS, uri: string | undefined, local: string): string | undefined {
  for (const attribute of Object.values(tag.attributes)) {
    if (attribute.local === local && (uri === undefined || attribute.uri === uri)) return attribute.value;
  }
  return undefined;
}

/**
 * Creates a reader that calls `onBuilding` for each building and building part when its element
 * closes (parts before the building that holds them) and `onProblem` for what it had to skip.
 */
export function createCityGmlReader(
  onBuilding: (building: SourceBuilding) => void,
  onProblem: (problem: ReaderProblem) => void,
): CityGmlReader {
  const parser = new SaxesParser({ xmlns: true, position: true });
  const frames: Frame[] = [{ kind: 'other', dimension: 3 }];
  const open: OpenBuilding[] = [];
  let documentSrsName: string | undefined;
  let generic: GenericAttribute | undefined;
  let polygon: OpenPolygon | undefined;
  let ring: number[] | undefined;
  let text = '';
  let failed = false;
  let anonymousCount = 0;

  const current = (): OpenBuilding | undefined => open[open.length - 1];

  /** Marks the document failed with `message` and stops the parser at once. */
  const stop = (message: string): never => {
    failed = true;
    onProblem({ message });
    throw new StopReading(message);
  };

  const invalidate = (reason: string): void => {
    if (polygon && polygon.invalid === undefined) polygon.invalid = reason;
  };

  const addCoordinates = (capture: Extract<Capture, { dimension: number }>, raw: string): void => {
    if (!ring) return;
    if (capture.type === 'coordinates') {
      // GML 2 style `x,y,z x,y,z`: tuples separated by spaces, values by commas.
      for (const tuple of raw.trim().split(/\s+/)) {
        if (tuple === '') continue;
        const values = tuple.split(',').map(Number);
        if (values.length < 2 || values.length > 3)
          invalidate(`coordinate tuple "${tuple}" has ${values.length} values`);
        ring.push(values[0] ?? NaN, values[1] ?? NaN, values[2] ?? 0);
      }
      return;
    }
    const values = raw.trim() === '' ? [] : raw.trim().split(/\s+/).map(Number);
    if (values.length % capture.dimension !== 0) {
      invalidate(
        `${capture.type === 'posList' ? 'gml:posList' : 'gml:pos'} with ${values.length} numbers is not a multiple of srsDimension ${capture.dimension}`,
      );
      return;
    }
    for (let i = 0; i < values.length; i += capture.dimension) {
      // 2D coordinates lie at height 0: a footprint without heights.
      ring.push(values[i] ?? NaN, values[i + 1] ?? NaN, capture.dimension >= 3 ? (values[i + 2] ?? NaN) : 0);
    }
  };

  const finishRing = (): void => {
    if (!polygon || !ring) return;
    const values = ring;
    ring = undefined;
    if (polygon.invalid !== undefined) return;
    if (values.some((value) => !Number.isFinite(value))) {
      invalidate('a coordinate is not a number');
      return;
    }
    const positions: SourcePosition[] = [];
    for (let i = 0; i + 2 < values.length; i += 3) {
      positions.push([values[i] ?? 0, values[i + 1] ?? 0, values[i + 2] ?? 0]);
    }
    if (positions.length < 4) {
      invalidate(`a ring has ${positions.length} positions; a closed ring needs at least 4`);
      return;
    }
    const first = positions[0];
    const last = positions[positions.length - 1];
    if (first && last && (first[0] !== last[0] || first[1] !== last[1] || first[2] !== last[2])) {
      positions.push([first[0], first[1], first[2]]);
    }
    polygon.rings.push(positions);
  };

  const finishPolygon = (frame: Frame): void => {
    const target = current();
    if (!polygon || !target) return;
    const finished = polygon;
    polygon = undefined;
    if (finished.invalid === undefined && finished.rings.length === 0)
      finished.invalid = 'it has no exterior ring';
    if (finished.invalid !== undefined) {
      onProblem({ objectId: target.building.id, message: `polygon skipped: ${finished.invalid}` });
      return;
    }
    target.building.polygons.push({ kind: frame.kind, lod: frame.lod ?? 0, rings: finished.rings });
  };

  const setAttribute = (building: SourceBuilding, key: AttributeKey, value: string): void => {
    const trimmed = value.trim();
    if (trimmed === '') return;
    switch (key) {
      case 'name':
        building.name ??= trimmed;
        break;
      case 'function':
        building.use = trimmed;
        break;
      case 'usage':
        building.use ??= trimmed;
        break;
      case 'roofType':
        building.attributes.roofType = trimmed;
        break;
      case 'measuredHeight': {
        const number = parseNumber(trimmed);
        if (number !== undefined) building.heightM = number;
        else onProblem({ objectId: building.id, message: `measuredHeight "${trimmed}" is not a number` });
        break;
      }
      case 'storeysAboveGround': {
        const number = parseNumber(trimmed);
        if (number !== undefined && Number.isInteger(number) && number >= 0) building.storeys = number;
        else
          onProblem({
            objectId: building.id,
            message: `storeysAboveGround "${trimmed}" is not a whole number`,
          });
        break;
      }
      case 'yearOfConstruction': {
        // CityGML 2.0 writes a gYear ("1929"), 1.0 a date ("1929-01-01").
        const year = /^-?\d{4}/.exec(trimmed);
        if (year) building.yearOfConstruction = Number(year[0]);
        else onProblem({ objectId: building.id, message: `yearOfConstruction "${trimmed}" is not a year` });
        break;
      }
    }
  };

  parser.on('error', (error) => {
    if (failed) return;
    const message = error.message.replace(/^\d+:\d+: /, '');
    stop(`malformed XML at line ${parser.line}, column ${parser.column}: ${message}`);
  });

  // Before saxes resolves the element's namespace: that lookup is what grows with the depth.
  parser.on('opentagstart', () => {
    if (failed || frames.length <= MAX_XML_DEPTH) return;
    stop(
      `the XML nests elements deeper than ${MAX_XML_DEPTH} levels at line ${parser.line}; ` +
        'a CityGML building is a few dozen levels deep, so the file was not read further',
    );
  });

  parser.on('opentag', (tag) => {
    if (failed) return;
    const parent = frames[frames.length - 1] ?? { kind: 'other', dimension: 3 };
    const frame: Frame = { kind: parent.kind, dimension: parent.dimension };
    if (parent.lod !== undefined) frame.lod = parent.lod;
    const depth = frames.length;
    const uri = tag.uri;
    const local = tag.local;
    const dimensionText = attributeValue(tag, '', 'srsDimension');
    const dimension = dimensionText === undefined ? undefined : parseNumber(dimensionText);
    if (dimension !== undefined && (dimension === 2 || dimension === 3)) frame.dimension = dimension;
    frames.push(frame);

    const srsName = attributeValue(tag, '', 'srsName');
    const building = current();
    if (srsName !== undefined) {
      if (building) building.building.srsName ??= srsName;
      else documentSrsName ??= srsName;
    }

    if (BUILDING_NAMESPACE.test(uri) && (local === 'Building' || local === 'BuildingPart')) {
      const id = attributeValue(tag, undefined, 'id')?.trim() || `building-${++anonymousCount}`;
      const created: SourceBuilding = { id, attributes: {}, polygons: [] };
      if (building) created.parentId = building.building.id;
      open.push({ building: created, depth, skippedReferences: 0 });
      // A part is its own object: the surface kind and LoD of its parent's geometry do not apply.
      frame.kind = 'other';
      delete frame.lod;
      return;
    }
    if (!building) return;
    const directChild = depth === building.depth + 1;

    if (BUILDING_NAMESPACE.test(uri)) {
      const kind = SURFACE_KINDS[local];
      if (kind) frame.kind = kind;
      const lodMatch = LOD_GEOMETRY.exec(local);
      if (lodMatch) frame.lod = Number(lodMatch[1]);
      if (directChild && BUILDING_ATTRIBUTES.has(local)) {
        frame.capture = { type: 'attribute', key: local as AttributeKey };
        text = '';
      }
    } else if (GENERICS_NAMESPACE.test(uri)) {
      const typeMatch = /^(string|int|double|uri|date|measure)Attribute$/.exec(local);
      const name = attributeValue(tag, '', 'name');
      if (directChild && typeMatch && name !== undefined) {
        const type = typeMatch[1];
        generic = {
          name,
          depth,
          type: type === 'string' || type === 'int' || type === 'double' ? type : 'other',
        };
      } else if (local === 'value' && generic && depth === generic.depth + 1) {
        frame.capture = { type: 'genericValue' };
        text = '';
      }
    } else if (GML_NAMESPACES.has(uri) && frame.lod !== undefined) {
      if (local === 'Polygon') polygon = { rings: [] };
      else if (local === 'LinearRing' && polygon) ring = [];
      else if (local === 'posList' || local === 'pos' || local === 'coordinates') {
        frame.capture = { type: local, dimension: frame.dimension };
        text = '';
      }
    } else if (GML_NAMESPACES.has(uri) && directChild && local === 'name') {
      frame.capture = { type: 'attribute', key: 'name' };
      text = '';
    }

    if (frame.lod !== undefined && attributeValue(tag, XLINK_NAMESPACE, 'href') !== undefined) {
      building.skippedReferences++;
    }
  });

  parser.on('text', (chunk) => {
    if (failed) return;
    if (frames[frames.length - 1]?.capture) text += chunk;
  });

  parser.on('closetag', (tag) => {
    if (failed) return;
    const frame = frames.pop();
    const building = current();
    if (!frame || !building) return;
    const depth = frames.length;
    const capture = frame.capture;
    if (capture?.type === 'attribute') setAttribute(building.building, capture.key, text);
    else if (capture?.type === 'genericValue' && generic) generic.value = text;
    else if (capture && 'dimension' in capture) addCoordinates(capture, text);
    if (capture) text = '';

    if (generic && depth === generic.depth) {
      const value = generic.value?.trim() ?? '';
      const number = parseNumber(value);
      building.building.attributes[generic.name] =
        (generic.type === 'int' || generic.type === 'double') && number !== undefined ? number : value;
      generic = undefined;
    }
    if (GML_NAMESPACES.has(tag.uri) && frame.lod !== undefined) {
      if (tag.local === 'LinearRing') finishRing();
      else if (tag.local === 'Polygon') finishPolygon(frame);
    }
    if (depth === building.depth) {
      open.pop();
      const finished = building.building;
      const parent = current();
      finished.srsName ??= parent?.building.srsName ?? documentSrsName;
      if (building.skippedReferences > 0) {
        onProblem({
          objectId: finished.id,
          message: `${building.skippedReferences} xlink:href geometry reference(s) ignored`,
        });
      }
      onBuilding(finished);
    }
  });

  /** Runs a parser call; a stop from one of its events ends it, anything else is a bug and rethrown. */
  const guarded = (call: () => void): void => {
    try {
      call();
    } catch (error) {
      if (!(error instanceof StopReading)) throw error;
    }
  };

  return {
    write(chunk: string): void {
      if (!failed) guarded(() => parser.write(chunk));
    },
    close(): void {
      if (!failed) guarded(() => parser.close());
    },
    get failed(): boolean {
      return failed;
    },
  };
}
