import { describe, expect, it } from 'vitest';
import type { GridMesh } from './rtin.ts';
import { rtinErrors, rtinMesh } from './rtin.ts';

const SIZE = 65;

/** Heights of the grid from a function of column and row. */
function grid(f: (x: number, y: number) => number, size = SIZE): Float64Array {
  const heights = new Float64Array(size * size);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) heights[y * size + x] = f(x, y);
  return heights;
}

type GridPoint = readonly [x: number, y: number];

/** Each triangle's three grid points. */
function* trianglesOf(mesh: GridMesh): Generator<readonly [GridPoint, GridPoint, GridPoint]> {
  const p = (i: number): GridPoint => [mesh.points[2 * i] ?? 0, mesh.points[2 * i + 1] ?? 0];
  for (let t = 0; t < mesh.triangles.length; t += 3)
    yield [p(mesh.triangles[t] ?? 0), p(mesh.triangles[t + 1] ?? 0), p(mesh.triangles[t + 2] ?? 0)];
}

/**
 * The mesh's surface at every grid point (each point inside or on a triangle takes the triangle's
 * plane there), and how many triangles cover each point: the mesh must cover the whole square.
 */
function surface(
  mesh: GridMesh,
  heights: Float64Array,
  size = SIZE,
): { heights: Float64Array; covered: Uint8Array } {
  const out = new Float64Array(size * size);
  const covered = new Uint8Array(size * size);
  for (const [a, b, c] of trianglesOf(mesh)) {
    const h = ([x, y]: GridPoint) => heights[y * size + x] ?? 0;
    const det = (b[1] - c[1]) * (a[0] - c[0]) + (c[0] - b[0]) * (a[1] - c[1]);
    for (let y = Math.min(a[1], b[1], c[1]); y <= Math.max(a[1], b[1], c[1]); y++) {
      for (let x = Math.min(a[0], b[0], c[0]); x <= Math.max(a[0], b[0], c[0]); x++) {
        const l1 = ((b[1] - c[1]) * (x - c[0]) + (c[0] - b[0]) * (y - c[1])) / det;
        const l2 = ((c[1] - a[1]) * (x - c[0]) + (a[0] - c[0]) * (y - c[1])) / det;
        const l3 = 1 - l1 - l2;
        if (l1 < -1e-9 || l2 < -1e-9 || l3 < -1e-9) continue;
        out[y * size + x] = l1 * h(a) + l2 * h(b) + l3 * h(c);
        covered[y * size + x] = 1;
      }
    }
  }
  return { heights: out, covered };
}

/** Twice the area the triangles cover, in grid cells: 2 * 64 * 64 for the whole square, no overlaps. */
function doubledArea(mesh: GridMesh): number {
  let sum = 0;
  for (const [a, b, c] of trianglesOf(mesh)) {
    sum += Math.abs((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]));
  }
  return sum;
}

describe('RTIN mesh of a height grid', () => {
  it('makes a tilted plane of two triangles on the four corners', () => {
    const heights = grid((x, y) => 400 + 0.5 * x - 0.25 * y);
    const mesh = rtinMesh(rtinErrors(heights, SIZE), SIZE, 0.01);
    expect(mesh.triangles.length / 3).toBe(2);
    expect(mesh.points.length / 2).toBe(4);
    expect(doubledArea(mesh)).toBe(2 * 64 * 64);
  });

  it('keeps every sample of a hill within the tolerance, with far fewer triangles than the grid', () => {
    const hill = (x: number, y: number) => 420 + 30 * Math.exp(-((x - 20) ** 2 + (y - 40) ** 2) / 300);
    const heights = grid(hill);
    const errors = rtinErrors(heights, SIZE);
    for (const tolerance of [0.25, 1, 5]) {
      const mesh = rtinMesh(errors, SIZE, tolerance);
      const { heights: drawn, covered } = surface(mesh, heights);
      expect(covered.every((c) => c === 1)).toBe(true);
      expect(doubledArea(mesh)).toBe(2 * 64 * 64);
      let worst = 0;
      for (let i = 0; i < heights.length; i++)
        worst = Math.max(worst, Math.abs((drawn[i] ?? 0) - (heights[i] ?? 0)));
      expect(worst).toBeLessThanOrEqual(tolerance);
      expect(mesh.triangles.length / 3).toBeLessThan(8192 / 4);
    }
    // A finer tolerance needs more triangles.
    expect(rtinMesh(errors, SIZE, 0.25).triangles.length).toBeGreaterThan(
      rtinMesh(errors, SIZE, 5).triangles.length,
    );
  });

  it('splits down to the grid where the ground is rough, and uses each vertex once', () => {
    // A checkerboard of 0 and 1 m: no triangle larger than a half cell holds it.
    const heights = grid((x, y) => (x + y) % 2);
    const mesh = rtinMesh(rtinErrors(heights, SIZE), SIZE, 0.1);
    expect(mesh.triangles.length / 3).toBe(2 * 64 * 64);
    expect(mesh.points.length / 2).toBe(SIZE * SIZE);
    const seen = new Set<number>();
    for (let i = 0; i < mesh.points.length; i += 2)
      seen.add((mesh.points[i + 1] ?? 0) * SIZE + (mesh.points[i] ?? 0));
    expect(seen.size).toBe(SIZE * SIZE);
  });

  it('numbers the vertices in the order the triangles first use them', () => {
    const heights = grid((x, y) => Math.sin(x / 5) * Math.cos(y / 7) * 10);
    const mesh = rtinMesh(rtinErrors(heights, SIZE), SIZE, 0.5);
    let next = 0;
    for (const index of mesh.triangles) {
      expect(index).toBeLessThanOrEqual(next);
      if (index === next) next++;
    }
    expect(next).toBe(mesh.points.length / 2);
  });

  it('refuses a grid that is not 2^k + 1 on a side, or has the wrong number of heights', () => {
    expect(() => rtinErrors(new Float64Array(64 * 64), 64)).toThrow(
      /2\^k \+ 1 points along a side .* got 64/,
    );
    expect(() => rtinErrors(new Float64Array(10), 65)).toThrow(/has 4225 heights, got 10/);
  });
});
