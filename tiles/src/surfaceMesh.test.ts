import { describe, expect, it } from 'vitest';
import type { EnuM, Vec3 } from './geodesy.ts';
import type { SurfacePolygon, TriangulatedSurface } from './surfaceMesh.ts';
import { meshSurfaces, newellNormal, triangulateSurface } from './surfaceMesh.ts';

const sub = (a: EnuM, b: EnuM): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const cross = (a: Vec3, b: Vec3): Vec3 => [
  a[1] * b[2] - a[2] * b[1],
  a[2] * b[0] - a[0] * b[2],
  a[0] * b[1] - a[1] * b[0],
];
const dot = (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];

/** The surface, or a failed assertion. */
function triangulated(polygon: SurfacePolygon): TriangulatedSurface {
  const result = triangulateSurface(polygon);
  if (!result.ok) throw new Error(result.reason);
  return result.surface;
}

/** Sum of the 3D triangle areas, and whether every triangle's own normal agrees with `normal`. */
function inspect(surface: TriangulatedSurface): { areaM2: number; windingAgrees: boolean } {
  let areaM2 = 0;
  let windingAgrees = true;
  for (const [a, b, c] of surface.triangles) {
    const [pa, pb, pc] = [surface.points[a], surface.points[b], surface.points[c]];
    if (!pa || !pb || !pc) throw new Error('triangle index out of range');
    const n = cross(sub(pb, pa), sub(pc, pa));
    areaM2 += Math.hypot(...n) / 2;
    if (dot(n, surface.normal) <= 0) windingAgrees = false;
  }
  return { areaM2, windingAgrees };
}

function expectVec(actual: Vec3, expected: Vec3): void {
  for (let axis = 0; axis < 3; axis++) expect(actual[axis]).toBeCloseTo(expected[axis] ?? NaN, 9);
}

const close = (ring: EnuM[]): EnuM[] => [...ring, ring[0] ?? [0, 0, 0]];
const sin30 = Math.sin(Math.PI / 6);
const cos30 = Math.cos(Math.PI / 6);

describe('triangulateSurface on a unit square', () => {
  const cases: { name: string; kind: SurfacePolygon['kind']; ring: EnuM[]; normal: Vec3 }[] = [
    {
      name: 'horizontal roof',
      kind: 'roof',
      ring: [
        [0, 0, 5],
        [1, 0, 5],
        [1, 1, 5],
        [0, 1, 5],
      ],
      normal: [0, 0, 1],
    },
    {
      name: 'vertical wall facing south',
      kind: 'wall',
      ring: [
        [0, 0, 0],
        [1, 0, 0],
        [1, 0, 1],
        [0, 0, 1],
      ],
      normal: [0, -1, 0],
    },
    {
      name: 'roof sloped at 30° facing south',
      kind: 'roof',
      ring: [
        [0, 0, 0],
        [1, 0, 0],
        [1, cos30, sin30],
        [0, cos30, sin30],
      ],
      normal: [0, -sin30, cos30],
    },
  ];

  for (const { name, kind, ring, normal } of cases) {
    it(`${name}: 2 triangles, the plane's normal, area 1 m²`, () => {
      const surface = triangulated({ kind, rings: [close(ring)] });
      expect(surface.triangles).toHaveLength(2);
      expectVec(surface.normal, normal);
      const { areaM2, windingAgrees } = inspect(surface);
      expect(areaM2).toBeCloseTo(1, 9);
      expect(surface.areaM2).toBeCloseTo(1, 9);
      expect(windingAgrees).toBe(true);
      // Vertices are the ring points themselves, so heights stay exact.
      expect(surface.points).toEqual(ring);
    });
  }
});

describe('triangulateSurface', () => {
  it('leaves a hole open: a 4 m square with a 2 m hole covers 12 m²', () => {
    const outer: EnuM[] = [
      [0, 0, 3],
      [4, 0, 3],
      [4, 4, 3],
      [0, 4, 3],
    ];
    // Holes wind the other way in CityGML; the mesher must not depend on it.
    const hole: EnuM[] = [
      [1, 1, 3],
      [3, 1, 3],
      [3, 3, 3],
      [1, 3, 3],
    ];
    const surface = triangulated({ kind: 'roof', rings: [close(outer), close(hole)] });
    const { areaM2, windingAgrees } = inspect(surface);
    expect(areaM2).toBeCloseTo(12, 9);
    expect(windingAgrees).toBe(true);
    expect(surface.triangles.length).toBeGreaterThanOrEqual(8);
    for (const [a, b, c] of surface.triangles) {
      const centre = [a, b, c]
        .map((index) => surface.points[index] ?? [NaN, NaN, NaN])
        .reduce((sum, p) => [sum[0] + p[0] / 3, sum[1] + p[1] / 3, sum[2] + p[2] / 3], [0, 0, 0]);
      const insideHole = centre[0] > 1 && centre[0] < 3 && centre[1] > 1 && centre[1] < 3;
      expect(insideHole).toBe(false);
    }
  });

  it('turns a ground polygon wound like a roof to face down, and a reversed roof to face up', () => {
    const upward: EnuM[] = [
      [0, 0, 0],
      [2, 0, 0],
      [2, 1, 0],
      [0, 1, 0],
    ];
    expect(newellNormal(upward)[2]).toBeGreaterThan(0);
    const ground = triangulated({ kind: 'ground', rings: [close(upward)] });
    expectVec(ground.normal, [0, 0, -1]);
    expect(inspect(ground)).toEqual({ areaM2: 2, windingAgrees: true });

    const roof = triangulated({ kind: 'roof', rings: [close([...upward].reverse())] });
    expectVec(roof.normal, [0, 0, 1]);
    expect(inspect(roof)).toEqual({ areaM2: 2, windingAgrees: true });
  });

  it('drops degenerate polygons with a reason', () => {
    const collinear = triangulateSurface({
      kind: 'wall',
      rings: [
        [
          [0, 0, 0],
          [1, 0, 0],
          [2, 0, 0],
          [0, 0, 0],
        ],
      ],
    });
    expect(collinear).toEqual({ ok: false, reason: expect.stringMatching(/too small/) });
    const twoPoints = triangulateSurface({
      kind: 'roof',
      rings: [
        [
          [0, 0, 0],
          [1, 0, 0],
          [1, 0, 0.0001],
          [0, 0, 0],
        ],
      ],
    });
    expect(twoPoints).toEqual({ ok: false, reason: expect.stringMatching(/2 distinct points/) });
    const tiny = triangulateSurface({
      kind: 'roof',
      rings: [
        [
          [0, 0, 0],
          [0.005, 0, 0],
          [0.005, 0.005, 0],
          [0, 0.005, 0],
        ],
      ],
    });
    expect(tiny).toEqual({ ok: false, reason: expect.stringMatching(/too small/) });
  });
});

describe('meshSurfaces', () => {
  it('merges surfaces into one geometry with flat normals, skipping closures and reporting drops', () => {
    const roof: SurfacePolygon = {
      kind: 'roof',
      rings: [
        [
          [0, 0, 3],
          [1, 0, 3],
          [1, 1, 3],
          [0, 1, 3],
        ],
      ],
    };
    const closure: SurfacePolygon = { ...roof, kind: 'closure' };
    const sliver: SurfacePolygon = {
      kind: 'wall',
      rings: [
        [
          [0, 0, 0],
          [1, 0, 0],
          [2, 0, 0],
        ],
      ],
    };
    const { geometry, dropped } = meshSurfaces([closure, roof, sliver]);
    expect(dropped).toEqual([{ surfaceIndex: 2, reason: expect.stringMatching(/too small/) }]);
    expect(geometry?.getAttribute('position').count).toBe(4);
    expect(geometry?.getIndex()?.count).toBe(6);
    expect(Array.from(geometry?.getAttribute('normal').array ?? [])).toEqual([
      0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1,
    ]);
    expect(meshSurfaces([sliver]).geometry).toBeUndefined();
  });
});
