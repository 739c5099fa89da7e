/**
 * LoD1/LoD2 building geometry from real boundary surfaces (CityGML/CityJSON): each planar polygon is
 * triangulated in its own plane, with a flat normal, in the local ENU frame (x east, y north, z up).
 *
 * Pure: no I/O, every call allocates new arrays and touches nothing else.
 */
import { BufferGeometry, Float32BufferAttribute, ShapeUtils, Uint32BufferAttribute, Vector2 } from 'three';
import type { EnuM, Vec3 } from './geodesy.ts';
import type { SurfaceKind } from './import/importedBuilding.ts';

/** Polygons enclosing less than this are dropped: slivers add triangles and validator notices only. */
export const MIN_SURFACE_AREA_M2 = 1e-4;
/** Points closer than this along a ring are merged (duplicates from digitising or rounding). */
export const MIN_SURFACE_EDGE_M = 0.001;

/** One boundary surface in the local ENU frame: `[exterior, ...holes]`, closing points allowed. */
export interface SurfacePolygon {
  readonly kind: SurfaceKind;
  readonly rings: readonly (readonly EnuM[])[];
}

/** A triangulated polygon: vertices are the ring points as given (not projected), one flat normal. */
export interface TriangulatedSurface {
  readonly points: readonly EnuM[];
  /** Triangles as index triples into `points`, counter-clockwise seen from the side `normal` faces. */
  readonly triangles: readonly (readonly [number, number, number])[];
  /** Unit normal; outward as the source winds it, forced down for `ground` and up for `roof`. */
  readonly normal: Vec3;
  /** Area of the polygon (exterior minus holes) in its plane. */
  readonly areaM2: number;
}

/** Result of {@link triangulateSurface}: the triangles, or why the polygon was dropped. */
export type SurfaceTriangulation =
  | { readonly ok: true; readonly surface: TriangulatedSurface }
  | { readonly ok: false; readonly reason: string };

const sub = (a: EnuM, b: EnuM): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const dot = (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const cross = (a: Vec3, b: Vec3): Vec3 => [
  a[1] * b[2] - a[2] * b[1],
  a[2] * b[0] - a[0] * b[2],
  a[0] * b[1] - a[1] * b[0],
];
const scale = (a: Vec3, factor: number): Vec3 => [a[0] * factor, a[1] * factor, a[2] * factor];

/**
 * Newell's normal of a ring: its direction is the normal of the best-fit plane (right-hand rule on
 * the ring's winding) and its length is twice the enclosed area. Robust for concave and slightly
 * non-planar rings, unlike the cross product of any single corner.
 */
export function newellNormal(ring: readonly EnuM[]): Vec3 {
  let x = 0;
  let y = 0;
  let z = 0;
  for (let i = 0; i < ring.length; i++) {
    const a = ring[i];
    const b = ring[(i + 1) % ring.length];
    if (!a || !b) continue;
    x += (a[1] - b[1]) * (a[2] + b[2]);
    y += (a[2] - b[2]) * (a[0] + b[0]);
    z += (a[0] - b[0]) * (a[1] + b[1]);
  }
  return [x, y, z];
}

/** Removes repeated points and a closing point; keeps the ring's winding. */
function cleanRing(ring: readonly EnuM[]): EnuM[] {
  const cleaned: EnuM[] = [];
  for (const point of ring) {
    const last = cleaned[cleaned.length - 1];
    if (!last || Math.hypot(...sub(point, last)) >= MIN_SURFACE_EDGE_M) cleaned.push(point);
  }
  const first = cleaned[0];
  const last = cleaned[cleaned.length - 1];
  if (cleaned.length > 1 && first && last && Math.hypot(...sub(first, last)) < MIN_SURFACE_EDGE_M) {
    cleaned.pop();
  }
  return cleaned;
}

/**
 * Triangulates one planar polygon in its own plane.
 *
 * The plane normal comes from Newell's method on the exterior ring. Rings are projected onto an
 * orthonormal basis (u, v) of that plane with u x v = normal, so counter-clockwise in (u, v) is
 * counter-clockwise seen from the normal's side; three's earcut (`ShapeUtils.triangulateShape`,
 * holes supported) triangulates there, and each triangle is re-wound to counter-clockwise because
 * earcut does not promise an orientation.
 *
 * CityGML/CityJSON wind rings counter-clockwise seen from outside, so the normal points outward;
 * real data is often inconsistent, so `ground` is forced to face down and `roof` to face up along
 * `up` (the ellipsoid normal at the building).
 */
export function triangulateSurface(polygon: SurfacePolygon, up: Vec3 = [0, 0, 1]): SurfaceTriangulation {
  const [exteriorInput, ...holeInputs] = polygon.rings;
  if (!exteriorInput) return { ok: false, reason: 'polygon has no exterior ring' };
  const exterior = cleanRing(exteriorInput);
  if (exterior.length < 3) {
    return { ok: false, reason: `exterior ring has ${exterior.length} distinct points, needs 3` };
  }
  const newell = newellNormal(exterior);
  const doubleArea = Math.hypot(...newell);
  if (doubleArea / 2 < MIN_SURFACE_AREA_M2) {
    return { ok: false, reason: `polygon encloses ${(doubleArea / 2).toExponential(2)} m², too small` };
  }
  let normal = scale(newell, 1 / doubleArea);
  // u: the exterior's longest-reaching direction from its first point, made orthogonal to the normal;
  // any in-plane direction works, and one taken from the data never degenerates.
  const origin = exterior[0] ?? [0, 0, 0];
  let farthest: Vec3 = [0, 0, 0];
  for (const point of exterior) {
    const d = sub(point, origin);
    if (dot(d, d) > dot(farthest, farthest)) farthest = d;
  }
  const inPlane = sub(farthest, scale(normal, dot(farthest, normal)));
  const u = scale(inPlane, 1 / Math.hypot(...inPlane));
  const v = cross(normal, u);
  const project = (p: EnuM): Vector2 => {
    const d = sub(p, origin);
    return new Vector2(dot(d, u), dot(d, v));
  };

  const holes = holeInputs
    .map(cleanRing)
    .filter((hole) => hole.length >= 3 && Math.hypot(...newellNormal(hole)) / 2 >= MIN_SURFACE_AREA_M2);
  const points = [exterior, ...holes].flat();
  const flat = points.map(project);
  const faces = ShapeUtils.triangulateShape(
    exterior.map(project),
    holes.map((hole) => hole.map(project)),
  );
  const flip =
    (polygon.kind === 'ground' && dot(normal, up) > 0) || (polygon.kind === 'roof' && dot(normal, up) < 0);
  if (flip) normal = scale(normal, -1);
  const triangles: [number, number, number][] = [];
  let areaM2 = 0;
  for (const [a, b, c] of faces) {
    const pa = a === undefined ? undefined : flat[a];
    const pb = b === undefined ? undefined : flat[b];
    const pc = c === undefined ? undefined : flat[c];
    if (a === undefined || b === undefined || c === undefined || !pa || !pb || !pc) continue;
    const doubleAreaM2 = (pb.x - pa.x) * (pc.y - pa.y) - (pc.x - pa.x) * (pb.y - pa.y);
    // Earcut emits zero-area triangles along collinear points; they only add validator notices.
    if (Math.abs(doubleAreaM2) < 1e-9) continue;
    areaM2 += Math.abs(doubleAreaM2) / 2;
    // Counter-clockwise in (u, v) faces +normal; a flipped polygon needs the other order.
    const counterClockwise = doubleAreaM2 > 0 !== flip;
    triangles.push(counterClockwise ? [a, b, c] : [a, c, b]);
  }
  if (triangles.length === 0) return { ok: false, reason: 'polygon yields no triangles' };
  return { ok: true, surface: { points, triangles, normal, areaM2 } };
}

/** A surface of a building that could not be meshed. */
export interface DroppedSurface {
  /** Index of the surface in the building's record. */
  readonly surfaceIndex: number;
  readonly reason: string;
}

/** Result of {@link meshSurfaces}: the geometry (absent when nothing could be meshed) and drops. */
export interface SurfaceMeshResult {
  readonly geometry: BufferGeometry | undefined;
  readonly dropped: readonly DroppedSurface[];
}

/**
 * Meshes a building's boundary surfaces into one geometry with `position`, `normal` (flat per
 * polygon; every polygon has its own vertices so edges stay hard) and a triangle index, the same
 * attributes `extrudeFootprint` writes. `closure` surfaces are left out: they are virtual faces
 * that close a solid (e.g. towards an adjoining building part) and are not visible.
 */
export function meshSurfaces(surfaces: readonly SurfacePolygon[], up: Vec3 = [0, 0, 1]): SurfaceMeshResult {
  const positions: number[] = [];
  const normals: number[] = [];
  const indices: number[] = [];
  const dropped: DroppedSurface[] = [];
  for (const [surfaceIndex, polygon] of surfaces.entries()) {
    if (polygon.kind === 'closure') continue;
    const result = triangulateSurface(polygon, up);
    if (!result.ok) {
      dropped.push({ surfaceIndex, reason: result.reason });
      continue;
    }
    const base = positions.length / 3;
    for (const point of result.surface.points) {
      positions.push(point[0], point[1], point[2]);
      normals.push(...result.surface.normal);
    }
    for (const [a, b, c] of result.surface.triangles) indices.push(base + a, base + b, base + c);
  }
  if (indices.length === 0) return { geometry: undefined, dropped };
  const geometry = new BufferGeometry();
  geometry.setAttribute('position', new Float32BufferAttribute(positions, 3));
  geometry.setAttribute('normal', new Float32BufferAttribute(normals, 3));
  geometry.setIndex(new Uint32BufferAttribute(indices, 1));
  return { geometry, dropped };
}
