import type { BufferGeometry } from 'three';
import { describe, expect, it } from 'vitest';
import type { ExtrusionResult } from './extrudeFootprint.ts';
import { extrudeFootprint, normalizeFootprintRings } from './extrudeFootprint.ts';
import type { EnuM, Vec3 } from './geodesy.ts';

const SQUARE: EnuM[] = [
  [0, 0, 0],
  [10, 0, 0],
  [10, 10, 0],
  [0, 10, 0],
];

function geometryOf(result: ExtrusionResult): BufferGeometry {
  if (!result.ok) throw new Error(`extrusion failed: ${result.reason}`);
  return result.geometry;
}

interface Triangle {
  readonly vertices: readonly [Vec3, Vec3, Vec3];
  readonly normals: readonly [Vec3, Vec3, Vec3];
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
    result.push({
      vertices: [vec(position, a), vec(position, b), vec(position, c)],
      normals: [vec(normal, a), vec(normal, b), vec(normal, c)],
    });
  }
  return result;
}

/** Unit face normal from the winding (counter-clockwise = front). */
function faceNormal([a, b, c]: readonly [Vec3, Vec3, Vec3]): Vec3 {
  const u = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
  const v = [c[0] - a[0], c[1] - a[1], c[2] - a[2]];
  const n: Vec3 = [
    (u[1] ?? 0) * (v[2] ?? 0) - (u[2] ?? 0) * (v[1] ?? 0),
    (u[2] ?? 0) * (v[0] ?? 0) - (u[0] ?? 0) * (v[2] ?? 0),
    (u[0] ?? 0) * (v[1] ?? 0) - (u[1] ?? 0) * (v[0] ?? 0),
  ];
  const length = Math.hypot(...n);
  return [n[0] / length, n[1] / length, n[2] / length];
}

function dot(a: Vec3, b: Vec3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

function centroid(vertices: readonly Vec3[]): Vec3 {
  const sum = vertices.reduce<Vec3>((acc, v) => [acc[0] + v[0], acc[1] + v[1], acc[2] + v[2]], [0, 0, 0]);
  return [sum[0] / vertices.length, sum[1] / vertices.length, sum[2] / vertices.length];
}

describe('extrudeFootprint', () => {
  it('extrudes a square to 20 vertices and 10 triangles (roof 2, walls 4 x 2, no floor)', () => {
    const geometry = geometryOf(extrudeFootprint({ rings: [SQUARE], heightM: 12 }));
    expect(geometry.getAttribute('position').count).toBe(20);
    expect(geometry.getAttribute('normal').count).toBe(20);
    expect(triangles(geometry)).toHaveLength(10);
  });

  it('puts the roof at heightM and the walls between 0 and heightM', () => {
    const geometry = geometryOf(extrudeFootprint({ rings: [SQUARE], heightM: 12.5 }));
    geometry.computeBoundingBox();
    expect(geometry.boundingBox?.min.toArray()).toEqual([0, 0, 0]);
    expect(geometry.boundingBox?.max.toArray()).toEqual([10, 10, 12.5]);
    const roof = triangles(geometry).filter((t) => t.normals[0][2] > 0.99);
    expect(roof).toHaveLength(2);
    for (const t of roof) for (const v of t.vertices) expect(v[2]).toBeCloseTo(12.5, 6);
  });

  it('gives every face an outward normal that agrees with its counter-clockwise winding', () => {
    const geometry = geometryOf(extrudeFootprint({ rings: [SQUARE], heightM: 12 }));
    const buildingCentre: Vec3 = [5, 5, 6];
    for (const triangle of triangles(geometry)) {
      const fromWinding = faceNormal(triangle.vertices);
      const faceCentre = centroid(triangle.vertices);
      const outward: Vec3 = [
        faceCentre[0] - buildingCentre[0],
        faceCentre[1] - buildingCentre[1],
        faceCentre[2] - buildingCentre[2],
      ];
      for (const normal of triangle.normals) {
        expect(Math.hypot(...normal)).toBeCloseTo(1, 6);
        expect(dot(normal, fromWinding)).toBeCloseTo(1, 6);
        expect(dot(normal, outward)).toBeGreaterThan(0);
      }
    }
  });

  it('normalises a clockwise ring and drops a closing point', () => {
    const clockwiseClosed: EnuM[] = [...SQUARE].reverse();
    clockwiseClosed.push([0, 10, 0]);
    const geometry = geometryOf(extrudeFootprint({ rings: [clockwiseClosed], heightM: 3 }));
    expect(geometry.getAttribute('position').count).toBe(20);
    for (const triangle of triangles(geometry)) {
      expect(dot(triangle.normals[0], faceNormal(triangle.vertices))).toBeCloseTo(1, 6);
    }
  });

  it('builds a courtyard with walls facing into the hole', () => {
    const hole: EnuM[] = [
      [3, 3, 0],
      [7, 3, 0],
      [7, 7, 0],
      [3, 7, 0],
    ];
    const geometry = geometryOf(extrudeFootprint({ rings: [SQUARE, hole], heightM: 6 }));
    const all = triangles(geometry);
    // Roof: a square ring around a square hole is 8 triangles; walls: 8 quads.
    expect(all.filter((t) => t.normals[0][2] > 0.99)).toHaveLength(8);
    const holeWalls = all.filter(
      (t) =>
        t.normals[0][2] < 0.5 && t.vertices.every((v) => v[0] >= 3 && v[0] <= 7 && v[1] >= 3 && v[1] <= 7),
    );
    expect(holeWalls).toHaveLength(8);
    for (const wall of holeWalls) {
      const c = centroid(wall.vertices);
      // Facing the courtyard's centre (5, 5), i.e. away from the building's material.
      expect(dot(wall.normals[0], [5 - c[0], 5 - c[1], 0])).toBeGreaterThan(0);
      expect(dot(wall.normals[0], faceNormal(wall.vertices))).toBeCloseTo(1, 6);
    }
  });

  it('extrudes along a tilted up vector, keeping the roof normal equal to it', () => {
    const tilt = 0.001;
    const up: Vec3 = [Math.sin(tilt), 0, Math.cos(tilt)];
    const geometry = geometryOf(extrudeFootprint({ rings: [SQUARE], heightM: 100, upEnu: up }));
    const roof = triangles(geometry).filter((t) => t.normals[0][2] > 0.99);
    for (const t of roof) {
      expect(t.vertices[0][0] - Math.round(t.vertices[0][0])).toBeCloseTo(100 * Math.sin(tilt), 4);
      expect(dot(t.normals[0], up)).toBeCloseTo(1, 6);
    }
  });

  it('rejects a footprint without area and a non-positive height', () => {
    const collinear: EnuM[] = [
      [0, 0, 0],
      [5, 0, 0],
      [10, 0, 0],
    ];
    const flat = extrudeFootprint({ rings: [collinear], heightM: 5 });
    expect(flat.ok).toBe(false);
    expect(flat.ok ? '' : flat.reason).toMatch(/too small/);
    expect(extrudeFootprint({ rings: [SQUARE], heightM: 0 }).ok).toBe(false);
    expect(extrudeFootprint({ rings: [], heightM: 5 }).ok).toBe(false);
  });
});

describe('normalizeFootprintRings', () => {
  it('removes repeated points and ignores a hole without area', () => {
    const repeated: EnuM[] = [[0, 0, 0], [0, 0, 0], ...SQUARE.slice(1), [0, 0, 0.0001]];
    const tinyHole: EnuM[] = [
      [5, 5, 0],
      [5.01, 5, 0],
      [5.01, 5.01, 0],
    ];
    const result = normalizeFootprintRings([repeated, tinyHole]);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.outline).toHaveLength(4);
    expect(result.holes).toHaveLength(0);
  });
});
