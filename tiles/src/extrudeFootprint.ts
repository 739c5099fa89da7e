/**
 * LoD1 building geometry: a footprint extruded to a flat roof, built as a three.js BufferGeometry in
 * the local ENU frame (x east, y north, z up; metres). A footprint with a pitched roof shape (OSM
 * `roof:shape`) is handed to `roofShapes.ts`; `min_height` raises the walls' foot.
 *
 * The roof is triangulated with three's `ShapeUtils.triangulateShape` (earcut, holes supported);
 * every wall is its own quad so walls and roof keep hard edges and flat normals. No floor is built:
 * buildings stand on the ellipsoid, or on the lowest ground under them where the pack has terrain
 * (decision 0013), and the viewer has no underground view, so a floor would never be seen and would
 * cost as many triangles as the roof.
 */
import { BufferGeometry, Float32BufferAttribute, ShapeUtils, Uint32BufferAttribute, Vector2 } from 'three';
import type { EnuM, Vec3 } from './geodesy.ts';
import type { RoofShape } from './roofShapes.ts';
import { buildRoofedShell, resolveRoof, wallNormal } from './roofShapes.ts';

/** Points closer than this along a ring are merged (duplicate vertices from digitising). */
export const MIN_EDGE_LENGTH_M = 0.001;
/** Rings enclosing less area than this are dropped (outline: building skipped; hole: hole ignored). */
export const MIN_RING_AREA_M2 = 0.01;

/** A footprint in the local ENU frame, ready for extrusion. */
export interface FootprintInput {
  /** `[outline, ...holes]`, each point on the ground, in any winding order; a closing point is allowed. */
  readonly rings: readonly (readonly EnuM[])[];
  /** Height of the flat roof above the ground; of the ridge, apex or dome top for other shapes. */
  readonly heightM: number;
  /** Roof shape (pack `roofShape`); flat when absent. See `resolveRoof` for defaults and fallbacks. */
  readonly roofShape?: RoofShape | undefined;
  /** Height of the roof from eaves to top (pack `roofHeightM`); a default from the pitch when absent. */
  readonly roofHeightM?: number | undefined;
  /** Height of the walls' foot above the ground (pack `minHeightM`, OSM `min_height`); 0 when absent. */
  readonly minHeightM?: number | undefined;
  /**
   * Unit "up" (the ellipsoid normal at the building) in the ENU frame. Away from the frame origin it
   * tilts slightly from `[0, 0, 1]`; extruding along it keeps walls plumb on the real ellipsoid.
   */
  readonly upEnu?: Vec3;
}

/** Result of {@link extrudeFootprint}: the geometry, or why the footprint cannot be extruded. */
export type ExtrusionResult =
  | {
      readonly ok: true;
      readonly geometry: BufferGeometry;
      /** Set when the roof was not built as asked (e.g. a pitched roof over a courtyard built flat). */
      readonly roofNote?: string;
    }
  | { readonly ok: false; readonly reason: string };

const DEFAULT_UP: Vec3 = [0, 0, 1];

/** Removes repeated points and a closing point; keeps the ring's winding. */
function cleanRing(ring: readonly EnuM[]): EnuM[] {
  const cleaned: EnuM[] = [];
  for (const point of ring) {
    const last = cleaned[cleaned.length - 1];
    if (!last || Math.hypot(point[0] - last[0], point[1] - last[1]) >= MIN_EDGE_LENGTH_M) {
      cleaned.push(point);
    }
  }
  const first = cleaned[0];
  const last = cleaned[cleaned.length - 1];
  if (
    cleaned.length > 1 &&
    first &&
    last &&
    Math.hypot(first[0] - last[0], first[1] - last[1]) < MIN_EDGE_LENGTH_M
  ) {
    cleaned.pop();
  }
  return cleaned;
}

/** Signed area in the east-north plane: positive when counter-clockwise seen from above. */
function signedAreaM2(ring: readonly EnuM[]): number {
  return ShapeUtils.area(ring.map(([e, n]) => new Vector2(e, n)));
}

/** Rings of a footprint after cleaning, with the outline counter-clockwise and holes clockwise. */
export type NormalizedRings =
  | { readonly ok: true; readonly outline: readonly EnuM[]; readonly holes: readonly (readonly EnuM[])[] }
  | { readonly ok: false; readonly reason: string };

/**
 * Cleans a footprint's rings (repeated and closing points removed, too-small holes dropped) and
 * normalises their winding so that, walking any ring, the building's material lies to the left:
 * outline counter-clockwise, holes clockwise seen from above. Every edge's outward normal is then
 * `edge x up`. Fails when the outline encloses (almost) no area.
 */
export function normalizeFootprintRings(rings: readonly (readonly EnuM[])[]): NormalizedRings {
  const [outlineInput, ...holeInputs] = rings;
  if (!outlineInput) return { ok: false, reason: 'footprint has no outline ring' };
  let outline = cleanRing(outlineInput);
  const outlineAreaM2 = outline.length >= 3 ? signedAreaM2(outline) : 0;
  if (Math.abs(outlineAreaM2) < MIN_RING_AREA_M2) {
    return {
      ok: false,
      reason: `outline encloses ${Math.abs(outlineAreaM2).toFixed(4)} m², too small to extrude`,
    };
  }
  if (outlineAreaM2 < 0) outline = outline.reverse();
  const holes: EnuM[][] = [];
  for (const holeInput of holeInputs) {
    let hole = cleanRing(holeInput);
    const holeAreaM2 = hole.length >= 3 ? signedAreaM2(hole) : 0;
    if (Math.abs(holeAreaM2) < MIN_RING_AREA_M2) continue;
    if (holeAreaM2 > 0) hole = hole.reverse();
    holes.push(hole);
  }
  return { ok: true, outline, holes };
}

/**
 * Extrudes a footprint to a flat-roofed prism: roof + one quad per ring edge, outward normals,
 * counter-clockwise front faces (glTF convention). With a pitched `roofShape` the walls and roof come
 * from `buildRoofedShell` instead; with `minHeightM` the walls start at that height.
 *
 * Pure: allocates a new geometry and touches nothing else. Attributes: `position` and `normal`
 * (Float32, ENU metres / unit vectors) and a triangle index.
 */
export function extrudeFootprint(input: FootprintInput): ExtrusionResult {
  const { heightM } = input;
  const up = input.upEnu ?? DEFAULT_UP;
  if (!Number.isFinite(heightM) || heightM <= 0) {
    return { ok: false, reason: `heightM must be > 0, got ${heightM}` };
  }
  const normalized = normalizeFootprintRings(input.rings);
  if (!normalized.ok) return normalized;
  const { outline, holes } = normalized;
  const roof = resolveRoof(outline, holes.length, input);
  const baseM = roof.baseM;
  const roofNote = roof.note ? { roofNote: roof.note } : {};
  if (roof.shape !== 'flat') {
    const { eaveM, topM, shape } = roof;
    const geometry = buildRoofedShell({ outline, holes, baseM, eaveM, topM, shape, upEnu: up });
    return { ok: true, geometry, ...roofNote };
  }
  const rings = [outline, ...holes];
  const roofPoints = rings.flat();

  const roofFaces = ShapeUtils.triangulateShape(
    outline.map(([e, n]) => new Vector2(e, n)),
    holes.map((hole) => hole.map(([e, n]) => new Vector2(e, n))),
  );

  const vertexCount = roofPoints.length + 4 * roofPoints.length;
  const positions = new Float32Array(vertexCount * 3);
  const normals = new Float32Array(vertexCount * 3);
  const indices: number[] = [];
  let vertex = 0;
  const pushVertex = (p: EnuM, lift: number, normal: Vec3): number => {
    positions.set([p[0] + up[0] * lift, p[1] + up[1] * lift, p[2] + up[2] * lift], vertex * 3);
    normals.set(normal, vertex * 3);
    return vertex++;
  };

  // Roof: one vertex per ring point, all with the building's up as normal.
  for (const point of roofPoints) pushVertex(point, heightM, up);
  for (const face of roofFaces) {
    const [a, b, c] = face;
    const pa = a === undefined ? undefined : roofPoints[a];
    const pb = b === undefined ? undefined : roofPoints[b];
    const pc = c === undefined ? undefined : roofPoints[c];
    if (a === undefined || b === undefined || c === undefined || !pa || !pb || !pc) continue;
    const doubleAreaM2 = (pb[0] - pa[0]) * (pc[1] - pa[1]) - (pc[0] - pa[0]) * (pb[1] - pa[1]);
    // Earcut may emit zero-area triangles along collinear ring points; they add nothing but
    // validator notices, so drop them. Its winding is not guaranteed either: make each face CCW.
    if (Math.abs(doubleAreaM2) < 1e-9) continue;
    if (doubleAreaM2 > 0) indices.push(a, b, c);
    else indices.push(a, c, b);
  }

  // Walls: a quad per edge with its own four vertices for a flat, outward normal.
  for (const ring of rings) {
    for (let i = 0; i < ring.length; i++) {
      const a = ring[i];
      const b = ring[(i + 1) % ring.length];
      if (!a || !b) continue;
      const normal = wallNormal(a, b, up);
      if (!normal) continue;
      const aBottom = pushVertex(a, baseM, normal);
      const bBottom = pushVertex(b, baseM, normal);
      const bTop = pushVertex(b, heightM, normal);
      const aTop = pushVertex(a, heightM, normal);
      indices.push(aBottom, bBottom, bTop, aBottom, bTop, aTop);
    }
  }

  const geometry = new BufferGeometry();
  geometry.setAttribute('position', new Float32BufferAttribute(positions, 3));
  geometry.setAttribute('normal', new Float32BufferAttribute(normals, 3));
  geometry.setIndex(new Uint32BufferAttribute(indices, 1));
  return { ok: true, geometry, ...roofNote };
}
