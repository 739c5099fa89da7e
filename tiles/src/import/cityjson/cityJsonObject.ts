/**
 * One CityJSON `Building` or `BuildingPart` to an `ImportedBuilding`: picks the highest LoD geometry,
 * resolves vertex indices through the (transformed, reprojected) vertex list and maps semantics to
 * surface kinds. Pure: no file access, never throws for bad data, reports problems instead.
 */
import type { Reprojector } from '../crs.ts';
import type {
  ImportedBuilding,
  ImportedSurface,
  ImportProblem,
  LonLatHeight,
  PolygonRings,
  SurfaceKind,
} from '../importedBuilding.ts';

/** CityJSON `transform`: real coordinate = integer vertex × scale + translate. */
export interface VertexTransform {
  scale: [number, number, number];
  translate: [number, number, number];
}

/** The identity transform, for CityJSON 1.0 files that store real coordinates. */
export const IDENTITY_TRANSFORM: VertexTransform = { scale: [1, 1, 1], translate: [0, 0, 0] };

/** Source coordinates `[x, y, z]` in the file's CRS, transform applied. */
export type SourceXyz = [x: number, y: number, z: number];

/**
 * The vertices of a document or of one CityJSONFeature, transformed and reprojected on demand and
 * cached, because neighbouring surfaces share most of their vertices.
 */
export interface VertexPool {
  /** Length of the `vertices` array: valid indices are `0..count-1`. */
  readonly count: number;
  /** Source coordinates of vertex `index`; undefined when the entry is not three numbers. */
  source(index: number): SourceXyz | undefined;
  /** WGS84 position of a vertex that `source` accepted; may throw `CrsError` from the reprojector. */
  lonLatHeight(index: number): LonLatHeight;
}

/** A `VertexPool` over a CityJSON `vertices` array (integers before `transform`). */
export function createVertexPool(
  vertices: readonly unknown[],
  transform: VertexTransform,
  reproject: Reprojector,
): VertexPool {
  const sources = new Map<number, SourceXyz | undefined>();
  const projected = new Map<number, LonLatHeight>();
  const source = (index: number): SourceXyz | undefined => {
    if (sources.has(index)) return sources.get(index);
    const raw = vertices[index];
    let result: SourceXyz | undefined;
    if (Array.isArray(raw) && raw.length >= 3 && raw.slice(0, 3).every(isFiniteNumber)) {
      const [x, y, z] = raw as [number, number, number];
      const { scale, translate } = transform;
      result = [x * scale[0] + translate[0], y * scale[1] + translate[1], z * scale[2] + translate[2]];
    }
    sources.set(index, result);
    return result;
  };
  return {
    count: vertices.length,
    source,
    lonLatHeight(index) {
      const cached = projected.get(index);
      if (cached) return cached;
      const xyz = source(index);
      if (!xyz) throw new RangeError(`vertex ${index} is not a coordinate triple`);
      const position = reproject(xyz[0], xyz[1], xyz[2]);
      projected.set(index, position);
      return position;
    },
  };
}

/** The extent `[minX, minY, maxX, maxY]` of a raw vertex list in source coordinates, if any. */
export function sourceExtent(
  vertices: readonly unknown[],
  transform: VertexTransform,
): [number, number, number, number] | undefined {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const raw of vertices) {
    if (!Array.isArray(raw) || !isFiniteNumber(raw[0]) || !isFiniteNumber(raw[1])) continue;
    const x = raw[0] * transform.scale[0] + transform.translate[0];
    const y = raw[1] * transform.scale[1] + transform.translate[1];
    minX = Math.min(minX, x);
    minY = Math.min(minY, y);
    maxX = Math.max(maxX, x);
    maxY = Math.max(maxY, y);
  }
  return minX <= maxX ? [minX, minY, maxX, maxY] : undefined;
}

/** What importing one CityObject gave: a building unless it had to be skipped, and its problems. */
export interface CityObjectImport {
  building?: ImportedBuilding;
  problems: ImportProblem[];
}

/** How many levels of arrays sit above the surface list, per geometry type. */
const SURFACE_DEPTH: Record<string, number> = {
  MultiSurface: 0,
  CompositeSurface: 0,
  Solid: 1,
  MultiSolid: 2,
  CompositeSolid: 2,
};

const SEMANTIC_KINDS: Record<string, SurfaceKind> = {
  RoofSurface: 'roof',
  WallSurface: 'wall',
  GroundSurface: 'ground',
  ClosureSurface: 'closure',
};

/** Vertices of a bottom surface may differ by rounding; a centimetre is well below any real step. */
const GROUND_TOLERANCE_M = 0.01;

interface RawSurface {
  rings: unknown;
  semanticIndex: unknown;
}

/**
 * Converts a `Building` or `BuildingPart` (the caller checks the type). The object is skipped, with
 * a problem, when it has no usable geometry or its geometry is malformed or references a missing
 * vertex; degenerate surfaces are dropped one by one.
 */
export function importCityObject(
  id: string,
  object: Record<string, unknown>,
  pool: VertexPool,
  file: string,
): CityObjectImport {
  const problems: ImportProblem[] = [];
  const problem = (message: string): void => {
    problems.push({ file, objectId: id, message });
  };

  const geometries = Array.isArray(object.geometry) ? object.geometry.filter(isRecord) : [];
  const candidates: Array<{ geometry: Record<string, unknown>; lod: number }> = [];
  for (const geometry of geometries) {
    if (geometry.type === 'GeometryInstance') {
      problem('geometry templates (GeometryInstance) are not supported; that geometry was skipped');
      continue;
    }
    if (typeof geometry.type !== 'string' || SURFACE_DEPTH[geometry.type] === undefined) continue;
    const lod = Number(geometry.lod);
    candidates.push({ geometry, lod: Number.isFinite(lod) ? lod : 0 });
  }
  // A stable sort keeps the file's order among equal LoDs, so the first of them wins.
  candidates.sort((a, b) => b.lod - a.lod);
  const chosen = candidates[0];
  const parentId =
    Array.isArray(object.parents) && typeof object.parents[0] === 'string' ? object.parents[0] : undefined;
  if (!chosen) {
    // A parent whose parts carry all the geometry is expected; anything else is worth telling.
    const hasChildren = Array.isArray(object.children) && object.children.length > 0;
    if (!hasChildren && problems.length === 0) problem('has no surface geometry; skipped');
    else if (!hasChildren) problem('has no other geometry; skipped');
    return { problems };
  }

  const converted = convertGeometry(chosen.geometry, pool);
  if ('error' in converted) {
    problem(`${converted.error}; skipped`);
    return { problems };
  }
  if (converted.degenerate.length > 0) {
    const [first] = converted.degenerate;
    problem(
      `${converted.degenerate.length} degenerate ring(s) dropped (first: ${first ?? ''}); the rest of the object was kept`,
    );
  }
  if (converted.surfaces.length === 0) {
    problem(`its LoD ${String(chosen.geometry.lod)} geometry has no valid surface; skipped`);
    return { problems };
  }

  const lod = Math.min(3, Math.max(0, Math.floor(chosen.lod))) as 0 | 1 | 2 | 3;
  const footprint = footprintOf(converted.surfaces);
  const groundHeightM = minHeight(
    footprint.length > 0 ? footprint : converted.surfaces.map((s) => s.polygon),
  );
  const building: ImportedBuilding = {
    id,
    groundHeightM,
    footprint,
    // LoD0 geometry is an outline, not a boundary surface of the building.
    surfaces: lod === 0 ? [] : converted.surfaces,
    lod,
    attributes: {},
  };
  if (parentId !== undefined) building.parentId = parentId;
  applyAttributes(building, object.attributes);
  return { building, problems };
}

/** Known CityJSON attributes to `ImportedBuilding` fields; other scalars go to `attributes`. */
function applyAttributes(building: ImportedBuilding, attributes: unknown): void {
  if (!isRecord(attributes)) return;
  for (const [key, value] of Object.entries(attributes)) {
    if (key === 'measuredHeight' && isFiniteNumber(toNumber(value))) building.heightM = toNumber(value);
    else if (key === 'storeysAboveGround' && isFiniteNumber(toNumber(value)))
      building.storeys = toNumber(value);
    else if (key === 'yearOfConstruction' && isFiniteNumber(toNumber(value)))
      building.yearOfConstruction = toNumber(value);
    else if (key === 'name' && isScalar(value)) building.name = String(value);
    // `function` is the more specific of the two, so it wins over `usage` whatever the key order.
    else if (key === 'function' && isScalar(value)) building.use = String(value);
    else if (key === 'usage' && isScalar(value)) building.use ??= String(value);
    else if (isScalar(value)) building.attributes[key] = value;
  }
}

type ConvertedGeometry = { surfaces: ImportedSurface[]; degenerate: string[] } | { error: string };

function convertGeometry(geometry: Record<string, unknown>, pool: VertexPool): ConvertedGeometry {
  const type = String(geometry.type);
  const raw: RawSurface[] = [];
  const semantics = isRecord(geometry.semantics) ? geometry.semantics : undefined;
  if (!collectSurfaces(geometry.boundaries, semantics?.values, SURFACE_DEPTH[type] ?? 0, raw)) {
    return { error: `its ${type} boundaries are malformed` };
  }
  const semanticSurfaces = Array.isArray(semantics?.surfaces) ? semantics.surfaces : [];

  // Check every index first: a missing vertex means the object is broken, not just one surface.
  const surfacesRings: number[][][] = [];
  for (const [surfaceIndex, surface] of raw.entries()) {
    if (!Array.isArray(surface.rings) || !surface.rings.every(isIndexArray)) {
      return { error: `surface ${surfaceIndex} of its ${type} is not a list of rings of vertex indices` };
    }
    for (const ring of surface.rings) {
      for (const index of ring) {
        if (index < 0 || index >= pool.count) {
          return {
            error: `surface ${surfaceIndex} references vertex ${index}, out of range (${pool.count} vertices)`,
          };
        }
        if (!pool.source(index)) return { error: `vertex ${index} is not a coordinate triple` };
      }
    }
    surfacesRings.push(surface.rings);
  }

  const surfaces: ImportedSurface[] = [];
  const degenerate: string[] = [];
  for (const [surfaceIndex, rings] of surfacesRings.entries()) {
    const polygon: PolygonRings = [];
    for (const [ringIndex, ring] of rings.entries()) {
      const { indices: open, distinctCount } = openRing(ring, pool);
      if (distinctCount < 3) {
        degenerate.push(`surface ${surfaceIndex} ring ${ringIndex} has ${distinctCount} distinct point(s)`);
        // Without its exterior the surface is gone; a bad hole only loses the hole.
        if (ringIndex === 0) break;
        continue;
      }
      let positions: LonLatHeight[];
      try {
        positions = open.map((index) => pool.lonLatHeight(index));
      } catch (error) {
        return { error: error instanceof Error ? error.message : String(error) };
      }
      const first = positions[0];
      if (first) positions.push([...first]);
      polygon.push(positions);
    }
    if (polygon.length === 0) continue;
    const semanticIndex = raw[surfaceIndex]?.semanticIndex;
    const semantic = typeof semanticIndex === 'number' ? semanticSurfaces[semanticIndex] : undefined;
    const semanticType = isRecord(semantic) && typeof semantic.type === 'string' ? semantic.type : '';
    surfaces.push({ kind: SEMANTIC_KINDS[semanticType] ?? 'other', polygon });
  }
  return { surfaces, degenerate };
}

/** Walks boundaries and semantic values in step down to the surface list; false when malformed. */
function collectSurfaces(boundaries: unknown, values: unknown, depth: number, out: RawSurface[]): boolean {
  if (!Array.isArray(boundaries)) return false;
  const valueList = Array.isArray(values) ? values : [];
  for (const [index, child] of boundaries.entries()) {
    if (depth === 0) out.push({ rings: child, semanticIndex: valueList[index] });
    else if (!collectSurfaces(child, valueList[index], depth - 1, out)) return false;
  }
  return true;
}

/**
 * The ring's vertex indices without repeated neighbours and without a closing repeat of the first
 * point (CityJSON rings are implicitly closed, but some writers close them anyway).
 */
function openRing(ring: readonly number[], pool: VertexPool): { indices: number[]; distinctCount: number } {
  const keys: string[] = [];
  const indices: number[] = [];
  for (const index of ring) {
    const key = String(pool.source(index));
    if (keys[keys.length - 1] === key) continue;
    keys.push(key);
    indices.push(index);
  }
  while (indices.length > 1 && keys[keys.length - 1] === keys[0]) {
    keys.pop();
    indices.pop();
  }
  return { indices, distinctCount: new Set(keys).size };
}

/** Ground surfaces if the source marks them, else the surfaces lying flat at the lowest height. */
function footprintOf(surfaces: readonly ImportedSurface[]): PolygonRings[] {
  const ground = surfaces.filter((surface) => surface.kind === 'ground').map((surface) => surface.polygon);
  if (ground.length > 0) return ground;
  const lowest = minHeight(surfaces.map((surface) => surface.polygon));
  return surfaces
    .filter((surface) => surface.polygon[0]?.every((point) => point[2] - lowest <= GROUND_TOLERANCE_M))
    .map((surface) => surface.polygon);
}

function minHeight(polygons: readonly PolygonRings[]): number {
  let lowest = Infinity;
  for (const polygon of polygons)
    for (const ring of polygon) for (const point of ring) lowest = Math.min(lowest, point[2]);
  return Number.isFinite(lowest) ? lowest : 0;
}

function isIndexArray(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((index) => Number.isInteger(index));
}

/** A JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isScalar(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'boolean' || isFiniteNumber(value);
}

/** Numbers as numbers, numeric strings ("1965") as numbers, anything else as NaN. */
function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '') return Number(value);
  return NaN;
}
