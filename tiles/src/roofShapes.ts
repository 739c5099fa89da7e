/**
 * Pitched roofs for footprint buildings (OSM `roof:shape`), built as a three.js BufferGeometry in the
 * local ENU frame (x east, y north, z up; metres) like `extrudeFootprint.ts`'s flat prisms.
 *
 * Every shape is a height field over the footprint, continuous and piecewise linear between crease
 * lines (ridge, hips, valleys), set in the footprint's minimum-area bounding rectangle (`u` along its
 * long side, `v` across). The footprint is triangulated (earcut, as for flat roofs), every triangle is
 * split along each crease line into convex pieces, and the pieces are lifted by the height field; each
 * piece then lies in one roof plane, so the roof is exact for rectangles and a clean clip of the
 * rectangle's roof for any other outline (an L-shaped house gets the gable of its bounding rectangle,
 * cut to the L). Walls go from the base to the roof height at each outline point, with a point added
 * wherever a crease line crosses an outline edge, so walls meet the roof edge exactly. Shapes:
 *
 * - `gabled`: ridge along the rectangle's long axis at `topM`, two planes down to `eaveM` at the long
 *   sides; gable walls rise to the ridge.
 * - `hipped`: as gabled, with the ridge shortened by the half-width at each end and hip planes of the
 *   same slope to the short sides (two trapezoids and two triangles on a rectangle).
 * - `pyramidal`: apex above the rectangle's centre, one plane to each side of the rectangle.
 * - `skillion`: one plane, low along the outline's longest edge, rising across it (OSM's default
 *   when `roof:direction` is not given, which the pack does not carry).
 * - `dome`: half an ellipsoid inscribed in the rectangle (a hemisphere on a round footprint), faceted
 *   on an {@link DOME_GRID_DIVISIONS}² grid; corners of the rectangle outside the ellipse stay at the
 *   eaves.
 *
 * Pure: allocates a new geometry and touches nothing else.
 */
import { BufferGeometry, Float32BufferAttribute, ShapeUtils, Uint32BufferAttribute, Vector2 } from 'three';
import type { EnuM, Vec3 } from './geodesy.ts';

/**
 * The outward unit normal of the wall over the ring edge a→b (counter-clockwise outline seen from
 * above), perpendicular to `up`; undefined for an edge of no length.
 */
export function wallNormal(a: EnuM, b: EnuM, up: Vec3): Vec3 | undefined {
  const edge: Vec3 = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
  const outward: Vec3 = [
    edge[1] * up[2] - edge[2] * up[1],
    edge[2] * up[0] - edge[0] * up[2],
    edge[0] * up[1] - edge[1] * up[0],
  ];
  const length = Math.hypot(...outward);
  return length === 0 ? undefined : [outward[0] / length, outward[1] / length, outward[2] / length];
}

/** Roof shapes the pack may name (`roofShape`), after OSM's `roof:shape`; `unknown` builds flat. */
export const ROOF_SHAPES = ['flat', 'gabled', 'hipped', 'pyramidal', 'skillion', 'dome', 'unknown'] as const;
export type RoofShape = (typeof ROOF_SHAPES)[number];

/** True for a name in {@link ROOF_SHAPES}. */
export function isRoofShape(value: unknown): value is RoofShape {
  return typeof value === 'string' && (ROOF_SHAPES as readonly string[]).includes(value);
}

/** Pitch assumed for gabled, hipped and pyramidal roofs without `roof:height`. */
export const DEFAULT_ROOF_PITCH_DEG = 35;
/** Pitch assumed for skillion roofs without `roof:height` (a shed roof is flatter). */
export const DEFAULT_SKILLION_PITCH_DEG = 15;
/** A default roof leaves at least this much wall between base and eaves when the building is tall enough. */
export const MIN_DEFAULT_WALL_M = 2;
/** Grid of the faceted dome: this many cells across each axis of the bounding rectangle. */
export const DOME_GRID_DIVISIONS = 8;
/** A point this close to a crease line counts as on it, so no sliver pieces are made. */
const ON_LINE_M = 1e-3;
/** Triangles with less area than this (m²) are left out: they show nothing and upset validators. */
const MIN_TRIANGLE_AREA_M2 = 1e-6;
/** Roofs lower than this are built flat. */
const MIN_ROOF_HEIGHT_M = 0.01;

/** A footprint's minimum-area bounding rectangle, or another rectangle frame a shape is set in. */
export interface RoofFrame {
  /** Centre of the rectangle, `[east, north]` metres. */
  readonly centre: readonly [number, number];
  /** Unit vector along the rectangle's `u` axis (its long side, except for skillion frames). */
  readonly axisU: readonly [number, number];
  /** Unit vector along `v`: `axisU` turned 90° counter-clockwise. */
  readonly axisV: readonly [number, number];
  /** Half the extent along `u`. */
  readonly halfLengthM: number;
  /** Half the extent along `v`. */
  readonly halfWidthM: number;
}

type Point2 = readonly [number, number];

function cross2(o: Point2, a: Point2, b: Point2): number {
  return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
}

/** Convex hull (Andrew's monotone chain), counter-clockwise, collinear points dropped, not closed. */
export function convexHull(points: readonly Point2[]): Point2[] {
  const sorted = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const half = (input: readonly Point2[]): Point2[] => {
    const chain: Point2[] = [];
    for (const p of input) {
      while (chain.length >= 2) {
        const a = chain[chain.length - 2];
        const b = chain[chain.length - 1];
        if (a && b && cross2(a, b, p) <= 0) chain.pop();
        else break;
      }
      chain.push(p);
    }
    chain.pop();
    return chain;
  };
  return [...half(sorted), ...half([...sorted].reverse())];
}

/** The rectangle with sides along `axis` that bounds `points`. */
function frameAlong(points: readonly Point2[], axis: Point2): RoofFrame {
  const axisU: Point2 = axis;
  const axisV: Point2 = [-axis[1], axis[0]];
  let minU = Infinity;
  let maxU = -Infinity;
  let minV = Infinity;
  let maxV = -Infinity;
  for (const p of points) {
    const u = p[0] * axisU[0] + p[1] * axisU[1];
    const v = p[0] * axisV[0] + p[1] * axisV[1];
    minU = Math.min(minU, u);
    maxU = Math.max(maxU, u);
    minV = Math.min(minV, v);
    maxV = Math.max(maxV, v);
  }
  const cu = (minU + maxU) / 2;
  const cv = (minV + maxV) / 2;
  return {
    centre: [cu * axisU[0] + cv * axisV[0], cu * axisU[1] + cv * axisV[1]],
    axisU,
    axisV,
    halfLengthM: (maxU - minU) / 2,
    halfWidthM: (maxV - minV) / 2,
  };
}

/**
 * The minimum-area bounding rectangle of a ring (rotating calipers over the convex hull's edges),
 * turned so that `u` runs along its longer side.
 */
export function orientedBoundingRectangle(ring: readonly EnuM[]): RoofFrame {
  const hull = convexHull(ring.map(([e, n]) => [e, n] as const));
  let best: RoofFrame | undefined;
  for (let i = 0; i < hull.length; i++) {
    const a = hull[i];
    const b = hull[(i + 1) % hull.length];
    if (!a || !b) continue;
    const length = Math.hypot(b[0] - a[0], b[1] - a[1]);
    if (length === 0) continue;
    const frame = frameAlong(hull, [(b[0] - a[0]) / length, (b[1] - a[1]) / length]);
    if (!best || frame.halfLengthM * frame.halfWidthM < best.halfLengthM * best.halfWidthM - 1e-9) {
      best = frame;
    }
  }
  if (!best) return frameAlong(hull, [1, 0]);
  if (best.halfWidthM <= best.halfLengthM) return best;
  // Turn by 90° so that u is the long axis; v stays u turned counter-clockwise.
  return frameAlong(hull, best.axisV);
}

/**
 * The frame of a skillion roof: `u` along the outline's longest edge, `v` pointing across the footprint
 * away from that edge, so the roof is low along the longest edge and rises with `v`.
 */
export function skillionFrame(outline: readonly EnuM[]): RoofFrame {
  let bestLength = -1;
  let axis: Point2 = [1, 0];
  let edgeMid: Point2 = [0, 0];
  for (let i = 0; i < outline.length; i++) {
    const a = outline[i];
    const b = outline[(i + 1) % outline.length];
    if (!a || !b) continue;
    const length = Math.hypot(b[0] - a[0], b[1] - a[1]);
    if (length > bestLength + 1e-9) {
      bestLength = length;
      axis = [(b[0] - a[0]) / length, (b[1] - a[1]) / length];
      edgeMid = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
    }
  }
  const points = outline.map(([e, n]) => [e, n] as const);
  let frame = frameAlong(points, axis);
  const edgeV =
    (edgeMid[0] - frame.centre[0]) * frame.axisV[0] + (edgeMid[1] - frame.centre[1]) * frame.axisV[1];
  if (edgeV > 0) frame = frameAlong(points, [-axis[0], -axis[1]]);
  return frame;
}

/** A straight crease: points with `dot(p - point, normal) = 0`. */
interface Line {
  readonly point: Point2;
  readonly normal: Point2;
}

/** A roof as a height field: crease lines and the height above ground at a point. */
interface HeightField {
  readonly lines: readonly Line[];
  readonly heightAt: (e: number, n: number) => number;
}

function line(point: Point2, direction: Point2): Line {
  const length = Math.hypot(direction[0], direction[1]);
  return { point, normal: [-direction[1] / length, direction[0] / length] };
}

/** Shapes {@link buildRoofedShell} builds; `unknown` is resolved to flat before. */
export type BuiltRoofShape = Exclude<RoofShape, 'unknown'>;

function heightField(shape: BuiltRoofShape, frame: RoofFrame, eaveM: number, topM: number): HeightField {
  const { centre, axisU: U, axisV: V, halfLengthM: L, halfWidthM: W } = frame;
  const roofM = topM - eaveM;
  const at = (u: number, v: number): Point2 => [
    centre[0] + u * U[0] + v * V[0],
    centre[1] + u * U[1] + v * V[1],
  ];
  const local = (e: number, n: number): Point2 => {
    const de = e - centre[0];
    const dn = n - centre[1];
    return [de * U[0] + dn * U[1], de * V[0] + dn * V[1]];
  };
  const clamp = (h: number): number => Math.min(topM, Math.max(eaveM, h));
  const ridge = line(centre, U);
  switch (shape) {
    case 'flat':
      return { lines: [], heightAt: () => topM };
    case 'gabled':
      return {
        lines: [ridge],
        heightAt: (e, n) => clamp(topM - (roofM * Math.abs(local(e, n)[1])) / W),
      };
    case 'hipped': {
      // Hip lines |u| - |v| = L - W, one per quadrant, from the ridge ends to the corners.
      const d = L - W;
      const diagonal: Point2 = [U[0] + V[0], U[1] + V[1]];
      const antiDiagonal: Point2 = [U[0] - V[0], U[1] - V[1]];
      return {
        lines: [
          ridge,
          line(at(d, 0), diagonal),
          line(at(d, 0), antiDiagonal),
          line(at(-d, 0), diagonal),
          line(at(-d, 0), antiDiagonal),
        ],
        heightAt: (e, n) => {
          const [u, v] = local(e, n);
          return clamp(eaveM + (roofM * Math.min(W - Math.abs(v), L - Math.abs(u))) / W);
        },
      };
    }
    case 'pyramidal':
      return {
        lines: [
          line(centre, [L * U[0] + W * V[0], L * U[1] + W * V[1]]),
          line(centre, [L * U[0] - W * V[0], L * U[1] - W * V[1]]),
        ],
        heightAt: (e, n) => {
          const [u, v] = local(e, n);
          return clamp(topM - roofM * Math.max(Math.abs(u) / L, Math.abs(v) / W));
        },
      };
    case 'skillion':
      return {
        lines: [],
        heightAt: (e, n) => clamp(eaveM + (roofM * (local(e, n)[1] + W)) / (2 * W)),
      };
    case 'dome': {
      const lines: Line[] = [];
      for (let i = 1; i < DOME_GRID_DIVISIONS; i++) {
        const f = -1 + (2 * i) / DOME_GRID_DIVISIONS;
        lines.push(line(at(f * L, 0), V), line(at(0, f * W), U));
      }
      return {
        lines,
        heightAt: (e, n) => {
          const [u, v] = local(e, n);
          const r2 = (u / L) ** 2 + (v / W) ** 2;
          return clamp(eaveM + roofM * Math.sqrt(Math.max(0, 1 - r2)));
        },
      };
    }
  }
}

function signedDistance(p: EnuM, l: Line): number {
  return (p[0] - l.point[0]) * l.normal[0] + (p[1] - l.point[1]) * l.normal[1];
}

function lerp(a: EnuM, b: EnuM, t: number): EnuM {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

/** Splits a convex polygon along a line; points within {@link ON_LINE_M} of it go to both sides. */
function splitConvex(polygon: readonly EnuM[], l: Line): EnuM[][] {
  const d = polygon.map((p) => {
    const distance = signedDistance(p, l);
    return Math.abs(distance) < ON_LINE_M ? 0 : distance;
  });
  if (d.every((x) => x >= 0) || d.every((x) => x <= 0)) return [[...polygon]];
  const left: EnuM[] = [];
  const right: EnuM[] = [];
  for (let i = 0; i < polygon.length; i++) {
    const a = polygon[i];
    const b = polygon[(i + 1) % polygon.length];
    const da = d[i] ?? 0;
    const db = d[(i + 1) % polygon.length] ?? 0;
    if (!a || !b) continue;
    if (da >= 0) left.push(a);
    if (da <= 0) right.push(a);
    if ((da > 0 && db < 0) || (da < 0 && db > 0)) {
      const crossing = lerp(a, b, da / (da - db));
      left.push(crossing);
      right.push(crossing);
    }
  }
  return [left, right].filter((piece) => piece.length >= 3);
}

/** Points where crease lines cross the edge a→b (ends excluded), ordered from a. */
function edgeCrossings(a: EnuM, b: EnuM, lines: readonly Line[]): EnuM[] {
  const ts: number[] = [];
  for (const l of lines) {
    const da = signedDistance(a, l);
    const db = signedDistance(b, l);
    if (Math.abs(da) < ON_LINE_M || Math.abs(db) < ON_LINE_M || da > 0 === db > 0) continue;
    ts.push(da / (da - db));
  }
  ts.sort((x, y) => x - y);
  return ts.map((t) => lerp(a, b, t));
}

/** What {@link buildRoofedShell} needs. */
export interface RoofedShellInput {
  /** Cleaned outline, counter-clockwise seen from above (as `normalizeFootprintRings` gives it). */
  readonly outline: readonly EnuM[];
  /** Cleaned holes, clockwise; a pitched roof over a courtyard is made by the same rules. */
  readonly holes: readonly (readonly EnuM[])[];
  /** Height of the walls' foot above the ground (`min_height`, usually 0). */
  readonly baseM: number;
  /** Height where the roof meets the walls (the lowest roof edge). */
  readonly eaveM: number;
  /** Height of the ridge, apex or dome top: the building's `heightM`. */
  readonly topM: number;
  /** Unit "up" in the ENU frame (see `FootprintInput.upEnu`). */
  readonly upEnu: Vec3;
  readonly shape: BuiltRoofShape;
  /** The frame the shape is set in; default: {@link orientedBoundingRectangle} (skillion: {@link skillionFrame}). */
  readonly frame?: RoofFrame;
}

/**
 * Builds walls and roof of a footprint with a shaped roof: flat normals (every triangle its own
 * vertices), outward normals and counter-clockwise front faces, no floor, every vertex between
 * `baseM` and `topM` along `upEnu`. Attributes as in `extrudeFootprint`: `position`, `normal`, index.
 */
export function buildRoofedShell(input: RoofedShellInput): BufferGeometry {
  const { outline, holes, baseM, upEnu: up, shape } = input;
  const topM = input.topM;
  const eaveM = Math.min(topM, Math.max(baseM, input.eaveM));
  const frame =
    input.frame ?? (shape === 'skillion' ? skillionFrame(outline) : orientedBoundingRectangle(outline));
  const field =
    frame.halfWidthM > 0 && frame.halfLengthM > 0 && topM - eaveM >= MIN_ROOF_HEIGHT_M
      ? heightField(shape, frame, eaveM, topM)
      : heightField('flat', frame, eaveM, topM);

  const positions: number[] = [];
  const normals: number[] = [];
  const lift = (p: EnuM, h: number): Vec3 => [p[0] + up[0] * h, p[1] + up[1] * h, p[2] + up[2] * h];
  const pushTriangle = (a: Vec3, b: Vec3, c: Vec3, normal?: Vec3): void => {
    const u: Vec3 = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
    const v: Vec3 = [c[0] - a[0], c[1] - a[1], c[2] - a[2]];
    const n: Vec3 = [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]];
    const doubleArea = Math.hypot(...n);
    if (doubleArea < 2 * MIN_TRIANGLE_AREA_M2) return;
    const faceNormal = normal ?? [n[0] / doubleArea, n[1] / doubleArea, n[2] / doubleArea];
    positions.push(...a, ...b, ...c);
    normals.push(...faceNormal, ...faceNormal, ...faceNormal);
  };

  // Roof: earcut triangles (counter-clockwise), split along every crease, lifted, fanned.
  const rings = [outline, ...holes];
  const ringPoints = rings.flat();
  const faces = ShapeUtils.triangulateShape(
    outline.map(([e, n]) => new Vector2(e, n)),
    holes.map((hole) => hole.map(([e, n]) => new Vector2(e, n))),
  );
  for (const [ia, ib, ic] of faces) {
    const a = ia === undefined ? undefined : ringPoints[ia];
    const b = ib === undefined ? undefined : ringPoints[ib];
    const c = ic === undefined ? undefined : ringPoints[ic];
    if (!a || !b || !c) continue;
    const doubleAreaM2 = (b[0] - a[0]) * (c[1] - a[1]) - (c[0] - a[0]) * (b[1] - a[1]);
    if (Math.abs(doubleAreaM2) < 2 * MIN_TRIANGLE_AREA_M2) continue;
    let pieces: EnuM[][] = [doubleAreaM2 > 0 ? [a, b, c] : [a, c, b]];
    for (const l of field.lines) pieces = pieces.flatMap((piece) => splitConvex(piece, l));
    for (const piece of pieces) {
      const lifted = piece.map((p) => lift(p, field.heightAt(p[0], p[1])));
      const [first, ...rest] = lifted;
      if (!first) continue;
      for (let i = 0; i + 1 < rest.length; i++) {
        const p = rest[i];
        const q = rest[i + 1];
        if (p && q) pushTriangle(first, p, q);
      }
    }
  }

  // Walls: per ring edge, split where creases cross it, each piece a quad from base to roof.
  for (const ring of rings) {
    for (let i = 0; i < ring.length; i++) {
      const a = ring[i];
      const b = ring[(i + 1) % ring.length];
      if (!a || !b) continue;
      const normal = wallNormal(a, b, up);
      if (!normal) continue;
      const points = [a, ...edgeCrossings(a, b, field.lines), b];
      for (let k = 0; k + 1 < points.length; k++) {
        const p = points[k];
        const q = points[k + 1];
        if (!p || !q) continue;
        const pBottom = lift(p, baseM);
        const qBottom = lift(q, baseM);
        const pTop = lift(p, field.heightAt(p[0], p[1]));
        const qTop = lift(q, field.heightAt(q[0], q[1]));
        pushTriangle(pBottom, qBottom, qTop, normal);
        pushTriangle(pBottom, qTop, pTop, normal);
      }
    }
  }

  const geometry = new BufferGeometry();
  geometry.setAttribute('position', new Float32BufferAttribute(positions, 3));
  geometry.setAttribute('normal', new Float32BufferAttribute(normals, 3));
  geometry.setIndex(
    new Uint32BufferAttribute(
      Array.from({ length: positions.length / 3 }, (_, i) => i),
      1,
    ),
  );
  return geometry;
}

/** A footprint's roof after defaults and fallbacks: what {@link buildRoofedShell} is given. */
export interface ResolvedRoof {
  /** The shape built; `flat` when the named one falls back. */
  readonly shape: BuiltRoofShape;
  readonly baseM: number;
  readonly eaveM: number;
  readonly topM: number;
  /** Why the named shape or roof height was not used as given, for the build's warnings. */
  readonly note?: string;
}

/** The roof a building's pack fields ask for. */
export interface RoofRequest {
  readonly heightM: number;
  readonly roofShape?: RoofShape | undefined;
  readonly roofHeightM?: number | undefined;
  readonly minHeightM?: number | undefined;
}

/**
 * Turns a building's roof fields into heights, for one cleaned footprint part:
 * - base: `minHeightM` when in `0 <= m < heightM`, else 0; top: `heightM`.
 * - shape: `flat`, `unknown` and none build flat; a footprint with holes builds flat (a courtyard
 *   building's roofs follow its wings, which a rectangle-based height field cannot express).
 * - roof height: `roofHeightM` when in `0 < r < heightM`, capped at `heightM - base`; otherwise a
 *   default from the pitch ({@link DEFAULT_ROOF_PITCH_DEG} over the half-width for gabled, hipped
 *   and pyramidal, {@link DEFAULT_SKILLION_PITCH_DEG} over the full width for skillion, a
 *   hemisphere's radius = half-width for dome), capped so the eaves stay {@link MIN_DEFAULT_WALL_M}
 *   above the base (or half way up on buildings under twice that).
 */
export function resolveRoof(outline: readonly EnuM[], holeCount: number, request: RoofRequest): ResolvedRoof {
  const { heightM, roofShape, roofHeightM, minHeightM } = request;
  const baseM =
    minHeightM !== undefined && Number.isFinite(minHeightM) && minHeightM >= 0 && minHeightM < heightM
      ? minHeightM
      : 0;
  const flat = (note?: string): ResolvedRoof => ({
    shape: 'flat',
    baseM,
    eaveM: heightM,
    topM: heightM,
    ...(note ? { note } : {}),
  });
  if (roofShape === undefined || roofShape === 'flat' || roofShape === 'unknown') return flat();
  if (holeCount > 0) return flat(`${roofShape} roof over a footprint with holes: built flat`);
  const frame = roofShape === 'skillion' ? skillionFrame(outline) : orientedBoundingRectangle(outline);
  const wallHeightM = heightM - baseM;
  let roofM: number;
  if (roofHeightM !== undefined && Number.isFinite(roofHeightM) && roofHeightM > 0 && roofHeightM < heightM) {
    roofM = Math.min(roofHeightM, wallHeightM);
  } else {
    const W = frame.halfWidthM;
    const pitched =
      roofShape === 'skillion'
        ? 2 * W * Math.tan((DEFAULT_SKILLION_PITCH_DEG * Math.PI) / 180)
        : roofShape === 'dome'
          ? W
          : W * Math.tan((DEFAULT_ROOF_PITCH_DEG * Math.PI) / 180);
    const cap = wallHeightM >= 2 * MIN_DEFAULT_WALL_M ? wallHeightM - MIN_DEFAULT_WALL_M : wallHeightM / 2;
    roofM = Math.min(pitched, cap);
  }
  if (!(roofM >= MIN_ROOF_HEIGHT_M))
    return flat(`${roofShape} roof lower than ${MIN_ROOF_HEIGHT_M} m: built flat`);
  return { shape: roofShape, baseM, eaveM: heightM - roofM, topM: heightM };
}
