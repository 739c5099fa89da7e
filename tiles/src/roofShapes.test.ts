import type { BufferGeometry } from 'three';
import { describe, expect, it } from 'vitest';
import { extrudeFootprint } from './extrudeFootprint.ts';
import type { EnuM, Vec3 } from './geodesy.ts';
import type { BuiltRoofShape } from './roofShapes.ts';
import {
  convexHull,
  buildRoofedShell,
  DEFAULT_ROOF_PITCH_DEG,
  isRoofShape,
  orientedBoundingRectangle,
  resolveRoof,
  skillionFrame,
} from './roofShapes.ts';

const UP: Vec3 = [0, 0, 1];

/** 20 m east-west, 10 m north-south, counter-clockwise. */
const RECT: EnuM[] = [
  [0, 0, 0],
  [20, 0, 0],
  [20, 10, 0],
  [0, 10, 0],
];

/** An L: 20 × 10 with a 10 × 5 notch cut out of its north-east corner. */
const L_SHAPE: EnuM[] = [
  [0, 0, 0],
  [20, 0, 0],
  [20, 5, 0],
  [10, 5, 0],
  [10, 10, 0],
  [0, 10, 0],
];

/** The rectangle turned by 30° about the origin. */
const TURNED: EnuM[] = RECT.map(([e, n]) => {
  const a = Math.PI / 6;
  return [e * Math.cos(a) - n * Math.sin(a), e * Math.sin(a) + n * Math.cos(a), 0] as const;
});

interface Triangle {
  readonly vertices: readonly [Vec3, Vec3, Vec3];
  readonly normal: Vec3;
}

function triangles(geometry: BufferGeometry): Triangle[] {
  const position = geometry.getAttribute('position');
  const normal = geometry.getAttribute('normal');
  const index = geometry.getIndex();
  if (!index) throw new Error('geometry has no index');
  const vec = (attribute: typeof position, i: number): Vec3 => [
    attribute.getX(i),
    attribute.getY(i),
    attribute.getZ(i),
  ];
  const result: Triangle[] = [];
  for (let t = 0; t < index.count; t += 3) {
    const [a, b, c] = [index.getX(t), index.getX(t + 1), index.getX(t + 2)];
    result.push({ vertices: [vec(position, a), vec(position, b), vec(position, c)], normal: vec(normal, a) });
  }
  return result;
}

function crossOf([a, b, c]: readonly [Vec3, Vec3, Vec3]): Vec3 {
  const u = [b[0] - a[0], b[1] - a[1], b[2] - a[2]] as const;
  const v = [c[0] - a[0], c[1] - a[1], c[2] - a[2]] as const;
  return [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]];
}

/** A face's normal as text, -0 and 0 alike, to group faces by plane. */
function planeKey(t: Triangle): string {
  return t.normal.map((x) => (Math.round(x * 1000) / 1000 + 0).toFixed(3)).join(',');
}

function areaOf(t: Triangle): number {
  return Math.hypot(...crossOf(t.vertices)) / 2;
}

function dot(a: Vec3, b: Vec3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

function centroid(t: Triangle): Vec3 {
  const [a, b, c] = t.vertices;
  return [(a[0] + b[0] + c[0]) / 3, (a[1] + b[1] + c[1]) / 3, (a[2] + b[2] + c[2]) / 3];
}

/** Roof faces: those not vertical. */
function roofOf(geometry: BufferGeometry): Triangle[] {
  return triangles(geometry).filter((t) => t.normal[2] > 1e-6);
}

function wallsOf(geometry: BufferGeometry): Triangle[] {
  return triangles(geometry).filter((t) => Math.abs(t.normal[2]) <= 1e-6);
}

function shell(
  shape: BuiltRoofShape,
  outline: readonly EnuM[] = RECT,
  heights: { baseM?: number; eaveM?: number; topM?: number } = {},
): BufferGeometry {
  return buildRoofedShell({
    outline,
    holes: [],
    baseM: heights.baseM ?? 0,
    eaveM: heights.eaveM ?? 6,
    topM: heights.topM ?? 10,
    upEnu: UP,
    shape,
  });
}

/** Signed plan area of the roof: equals the footprint area when it covers it once, no gaps or overlaps. */
function planArea(roof: readonly Triangle[]): number {
  return roof.reduce((sum, t) => sum + crossOf(t.vertices)[2] / 2, 0);
}

/** Every roof edge that lies on the outline is matched by a wall's top edge, so walls meet the roof. */
function unmatchedRoofEdges(geometry: BufferGeometry, outline: readonly EnuM[]): number {
  const key = (p: Vec3): string => p.map((x) => x.toFixed(3)).join(',');
  const wallTops = new Set<string>();
  for (const wall of wallsOf(geometry)) {
    const [a, b, c] = wall.vertices;
    for (const [p, q] of [
      [a, b],
      [b, c],
      [c, a],
    ] as const) {
      wallTops.add(`${key(p)}|${key(q)}`);
      wallTops.add(`${key(q)}|${key(p)}`);
    }
  }
  const onOutline = (p: Vec3): boolean =>
    outline.some((a, i) => {
      const b = outline[(i + 1) % outline.length] ?? a;
      const cross = (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]);
      const along = (p[0] - a[0]) * (b[0] - a[0]) + (p[1] - a[1]) * (b[1] - a[1]);
      const length2 = (b[0] - a[0]) ** 2 + (b[1] - a[1]) ** 2;
      return Math.abs(cross) / Math.sqrt(length2) < 1e-6 && along >= -1e-9 && along <= length2 + 1e-9;
    });
  let unmatched = 0;
  for (const t of roofOf(geometry)) {
    const [a, b, c] = t.vertices;
    for (const [p, q] of [
      [a, b],
      [b, c],
      [c, a],
    ] as const) {
      const mid: Vec3 = [(p[0] + q[0]) / 2, (p[1] + q[1]) / 2, 0];
      if (onOutline(p) && onOutline(q) && onOutline(mid) && !wallTops.has(`${key(p)}|${key(q)}`)) unmatched++;
    }
  }
  return unmatched;
}

const SHAPES: readonly BuiltRoofShape[] = ['flat', 'gabled', 'hipped', 'pyramidal', 'skillion', 'dome'];

describe('orientedBoundingRectangle', () => {
  it('finds a turned rectangle with u along its long side', () => {
    const frame = orientedBoundingRectangle(TURNED);
    expect(frame.halfLengthM).toBeCloseTo(10, 9);
    expect(frame.halfWidthM).toBeCloseTo(5, 9);
    expect(
      Math.abs(frame.axisU[0] * Math.cos(Math.PI / 6) + frame.axisU[1] * Math.sin(Math.PI / 6)),
    ).toBeCloseTo(1, 9);
    // v is u turned counter-clockwise.
    expect(frame.axisV[0]).toBeCloseTo(-frame.axisU[1], 12);
    expect(frame.axisV[1]).toBeCloseTo(frame.axisU[0], 12);
  });

  it('puts the skillion frame low side on the longest edge', () => {
    const frame = skillionFrame(RECT);
    expect(frame.halfWidthM).toBeCloseTo(5, 9);
    // The longest edges are the east-west ones; the first found (south, y = 0) is the low side.
    const southV = (10 - frame.centre[0]) * frame.axisV[0] + (0 - frame.centre[1]) * frame.axisV[1];
    expect(southV).toBeCloseTo(-5, 9);
  });
});

describe('buildRoofedShell', () => {
  it('builds a gabled 10 × 20 m roof: ridge along the 20 m side at 10 m, slopes of atan(4/5)', () => {
    const geometry = shell('gabled');
    const roof = roofOf(geometry);
    const slopeDeg = (Math.atan(4 / 5) * 180) / Math.PI;
    expect(slopeDeg).toBeCloseTo(38.66, 2);
    for (const t of roof) {
      expect((Math.acos(t.normal[2]) * 180) / Math.PI).toBeCloseTo(slopeDeg, 4);
      // The roof planes face north or south: the ridge runs east-west, along the 20 m side.
      expect(Math.abs(t.normal[0])).toBeLessThan(1e-6);
    }
    const ridge = roof.flatMap((t) => t.vertices).filter((v) => Math.abs(v[2] - 10) < 1e-5);
    expect(ridge.length).toBeGreaterThan(0);
    for (const v of ridge) expect(v[1]).toBeCloseTo(5, 5);
    expect(Math.min(...ridge.map((v) => v[0]))).toBeCloseTo(0, 5);
    expect(Math.max(...ridge.map((v) => v[0]))).toBeCloseTo(20, 5);
    const roofArea = roof.reduce((sum, t) => sum + areaOf(t), 0);
    expect(roofArea).toBeCloseTo(200 / Math.cos(Math.atan(4 / 5)), 4);
  });

  it('raises the gable walls to the ridge and the long walls to the eaves', () => {
    const walls = wallsOf(shell('gabled'));
    const west = walls.filter((t) => t.vertices.every((v) => Math.abs(v[0]) < 1e-6));
    expect(Math.max(...west.flatMap((t) => t.vertices.map((v) => v[2])))).toBeCloseTo(10, 5);
    const south = walls.filter((t) => t.vertices.every((v) => Math.abs(v[1]) < 1e-6));
    expect(Math.max(...south.flatMap((t) => t.vertices.map((v) => v[2])))).toBeCloseTo(6, 5);
    // Gable wall: a pentagon of 10 × 6 plus a triangle of 10 × 4.
    expect(west.reduce((sum, t) => sum + areaOf(t), 0)).toBeCloseTo(60 + 20, 4);
  });

  it('builds a hipped rectangle from two trapezoids and two triangles of equal slope', () => {
    const roof = roofOf(shell('hipped'));
    const slope = Math.atan(4 / 5);
    const planes = new Map<string, number>();
    for (const t of roof) {
      expect(Math.acos(t.normal[2])).toBeCloseTo(slope, 5);
      const key = planeKey(t);
      planes.set(key, (planes.get(key) ?? 0) + crossOf(t.vertices)[2] / 2);
    }
    expect(planes.size).toBe(4);
    // Plan areas: trapezoids (20 + 10) / 2 × 5 = 75, triangles 10 × 5 / 2 = 25.
    expect([...planes.values()].map((a) => Math.round(a * 1000) / 1000).sort((a, b) => a - b)).toEqual([
      25, 25, 75, 75,
    ]);
    const ridge = roof.flatMap((t) => t.vertices).filter((v) => Math.abs(v[2] - 10) < 1e-5);
    expect(Math.min(...ridge.map((v) => v[0]))).toBeCloseTo(5, 5);
    expect(Math.max(...ridge.map((v) => v[0]))).toBeCloseTo(15, 5);
    // All walls of a hipped rectangle end at the eaves.
    for (const wall of wallsOf(shell('hipped')))
      for (const v of wall.vertices) expect(v[2]).toBeLessThan(6 + 1e-5);
  });

  it('puts a pyramid apex above the centre with one plane per side', () => {
    const roof = roofOf(shell('pyramidal'));
    const top = roof.flatMap((t) => t.vertices).filter((v) => Math.abs(v[2] - 10) < 1e-5);
    expect(top.length).toBeGreaterThan(0);
    for (const v of top) {
      expect(v[0]).toBeCloseTo(10, 5);
      expect(v[1]).toBeCloseTo(5, 5);
    }
    const planes = new Set(roof.map(planeKey));
    expect(planes.size).toBe(4);
  });

  it('slopes a skillion as one plane from the eaves on one long side to the top on the other', () => {
    const geometry = shell('skillion');
    const roof = roofOf(geometry);
    for (const t of roof) {
      expect(t.normal[0]).toBeCloseTo(0, 6);
      expect(Math.acos(t.normal[2])).toBeCloseTo(Math.atan(4 / 10), 6);
    }
    const heightAt = (y: number): number[] =>
      roof
        .flatMap((t) => t.vertices)
        .filter((v) => Math.abs(v[1] - y) < 1e-6)
        .map((v) => v[2]);
    for (const h of heightAt(0)) expect(h).toBeCloseTo(6, 5);
    for (const h of heightAt(10)) expect(h).toBeCloseTo(10, 5);
  });

  it('builds a faceted dome reaching the top at the centre with a modest triangle count', () => {
    const geometry = shell('dome');
    const roof = roofOf(geometry);
    const highest = Math.max(...roof.flatMap((t) => t.vertices.map((v) => v[2])));
    expect(highest).toBeCloseTo(10, 5);
    expect(triangles(geometry).length).toBeLessThan(600);
  });

  it.each(SHAPES)(
    '%s: roof covers the footprint once, faces outward, walls meet it (rectangle and L)',
    (shape) => {
      for (const outline of [RECT, L_SHAPE, TURNED]) {
        const geometry = shell(shape, outline, { baseM: 1 });
        const footprintArea = outline === L_SHAPE ? 150 : 200;
        const roof = roofOf(geometry);
        expect(planArea(roof)).toBeCloseTo(footprintArea, 4);
        expect(unmatchedRoofEdges(geometry, outline)).toBe(0);
        const all = triangles(geometry);
        expect(all.length).toBe(roof.length + wallsOf(geometry).length);
        const centre = outline === TURNED ? ([6.16, 9.33, 5] as const) : ([10, 5, 5] as const);
        for (const t of all) {
          expect(areaOf(t)).toBeGreaterThan(0);
          const cross = crossOf(t.vertices);
          // The stored normal agrees with the counter-clockwise winding.
          expect(dot(t.normal, cross) / Math.hypot(...cross)).toBeCloseTo(1, 5);
          for (const v of t.vertices) {
            expect(v[2]).toBeGreaterThanOrEqual(1 - 1e-5);
            expect(v[2]).toBeLessThanOrEqual(10 + 1e-5);
          }
          if (outline !== L_SHAPE && t.normal[2] <= 1e-6) {
            const c = centroid(t);
            expect(dot(t.normal, [c[0] - centre[0], c[1] - centre[1], 0])).toBeGreaterThan(0);
          }
        }
      }
    },
  );

  it('lifts the walls to the base height: nothing below min_height', () => {
    const geometry = shell('gabled', RECT, { baseM: 3 });
    const heights = triangles(geometry).flatMap((t) => t.vertices.map((v) => v[2]));
    expect(Math.min(...heights)).toBeCloseTo(3, 6);
  });

  it('clips an L-shaped footprint out of its bounding rectangle gable, walls up to the roof', () => {
    const geometry = shell('gabled', L_SHAPE);
    // The east part (x > 10) reaches only to y = 5, the ridge line: its walls there rise to 10 m.
    const eastWalls = wallsOf(geometry).filter((t) => t.vertices.every((v) => Math.abs(v[0] - 20) < 1e-6));
    expect(Math.max(...eastWalls.flatMap((t) => t.vertices.map((v) => v[2])))).toBeCloseTo(10, 5);
  });
});

describe('resolveRoof', () => {
  it('treats unknown, flat and missing shapes as flat from the base', () => {
    for (const roofShape of [undefined, 'flat', 'unknown'] as const) {
      expect(resolveRoof(RECT, 0, { heightM: 12, roofShape, minHeightM: 2 })).toEqual({
        shape: 'flat',
        baseM: 2,
        eaveM: 12,
        topM: 12,
      });
    }
  });

  it('uses a given roof height, capped at the wall height above the base', () => {
    expect(resolveRoof(RECT, 0, { heightM: 10, roofShape: 'gabled', roofHeightM: 4 })).toMatchObject({
      eaveM: 6,
      topM: 10,
    });
    expect(
      resolveRoof(RECT, 0, { heightM: 10, roofShape: 'gabled', roofHeightM: 8, minHeightM: 5 }),
    ).toMatchObject({ baseM: 5, eaveM: 5 });
  });

  it('defaults a gabled roof to the default pitch over the half-width, keeping 2 m of wall', () => {
    const roof = resolveRoof(RECT, 0, { heightM: 12, roofShape: 'gabled' });
    expect(roof.topM - roof.eaveM).toBeCloseTo(5 * Math.tan((DEFAULT_ROOF_PITCH_DEG * Math.PI) / 180), 9);
    const low = resolveRoof(RECT, 0, { heightM: 4.5, roofShape: 'gabled' });
    expect(low.eaveM).toBeCloseTo(2, 9);
    const tiny = resolveRoof(RECT, 0, { heightM: 3, roofShape: 'hipped' });
    expect(tiny.eaveM).toBeCloseTo(1.5, 9);
  });

  it('builds a pitched roof over a courtyard flat and says so', () => {
    const roof = resolveRoof(RECT, 1, { heightM: 10, roofShape: 'hipped', roofHeightM: 3 });
    expect(roof.shape).toBe('flat');
    expect(roof.note).toMatch(/hipped roof over a footprint with holes/);
  });

  it('knows the OSM names', () => {
    expect(isRoofShape('gabled')).toBe(true);
    expect(isRoofShape('mansard')).toBe(false);
    expect(isRoofShape(3)).toBe(false);
  });
});

describe('extrudeFootprint with roof fields', () => {
  it('builds a gabled shell and a flat courtyard with a note', () => {
    const gabled = extrudeFootprint({ rings: [RECT], heightM: 10, roofShape: 'gabled', roofHeightM: 4 });
    if (!gabled.ok) throw new Error(gabled.reason);
    expect(roofOf(gabled.geometry).some((t) => t.normal[2] < 0.99)).toBe(true);
    expect(gabled.roofNote).toBeUndefined();
    const hole: EnuM[] = [
      [5, 3, 0],
      [15, 3, 0],
      [15, 7, 0],
      [5, 7, 0],
    ];
    const courtyard = extrudeFootprint({
      rings: [RECT, hole],
      heightM: 10,
      roofShape: 'gabled',
      minHeightM: 2,
    });
    if (!courtyard.ok) throw new Error(courtyard.reason);
    expect(courtyard.roofNote).toMatch(/built flat/);
    const heights = triangles(courtyard.geometry).flatMap((t) => t.vertices.map((v) => v[2]));
    expect(Math.min(...heights)).toBeCloseTo(2, 6);
    expect(Math.max(...heights)).toBeCloseTo(10, 6);
  });
});

describe('convexHull', () => {
  it('keeps the corners of an L and none of its inner points', () => {
    const hull = convexHull([
      [0, 0],
      [2, 0],
      [2, 1],
      [1, 1],
      [1, 2],
      [0, 2],
      [0.5, 0.5],
    ]);
    expect(hull).toEqual([
      [0, 0],
      [2, 0],
      [2, 1],
      [1, 2],
      [0, 2],
    ]);
  });
});
