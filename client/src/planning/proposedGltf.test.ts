import { describe, expect, it } from 'vitest';
import type { ProposedBuilding } from '../../../protocol/index.ts';
import { metresPerDegree } from './figures.ts';
import { proposedGltf, triangulate } from './proposedGltf.ts';

const LON = 9.0152;
const LAT = 48.6805;
const scale = metresPerDegree(LAT);
const at = (x: number, y: number): [number, number] => [LON + x / scale.lon, LAT + y / scale.lat];
/** An L-shaped footprint (6 corners), clockwise as drawn by someone going the other way round. */
const lShape: [number, number][] = [
  at(0, 0),
  at(0, 30),
  at(10, 30),
  at(10, 10),
  at(20, 10),
  at(20, 0),
  at(0, 0),
];
const building: ProposedBuilding = {
  id: 'haus-1',
  footprint: lShape,
  eavesHeightM: 12,
  roofHeightM: 4,
  roof: 'gabled',
  storeys: 4,
  use: 'residential',
};

function decode(gltf: Record<string, unknown>) {
  const buffers = gltf.buffers as { uri: string; byteLength: number }[];
  const bytes = Uint8Array.from(atob((buffers[0]?.uri ?? '').split(',')[1] ?? ''), (c) => c.charCodeAt(0));
  const views = gltf.bufferViews as { byteOffset: number; byteLength: number }[];
  const view = (i: number) =>
    bytes.buffer.slice(views[i]?.byteOffset ?? 0, (views[i]?.byteOffset ?? 0) + (views[i]?.byteLength ?? 0));
  return {
    bytes,
    positions: new Float32Array(view(0)),
    normals: new Float32Array(view(1)),
    indices: new Uint32Array(view(2)),
  };
}

describe('proposedGltf', () => {
  it('makes a closed solid: the roof triangulated, a wall quad per edge, in glTF axes', () => {
    const result = proposedGltf([building], [LON, LAT], [1, 0.6, 0.3, 1]);
    if (!result) throw new Error('no model');
    // Roof: 6 corners → 4 triangles; walls: 6 quads → 12 triangles.
    expect(result.triangles).toBe(16);
    expect(result.vertices).toBe(6 + 6 * 4);
    const { bytes, positions, normals, indices } = decode(result.gltf);
    expect(bytes.byteLength).toBe((result.gltf.buffers as { byteLength: number }[])[0]?.byteLength);
    // Heights (glTF y): 0 and 12 + 4/2 (a gable drawn as a block of its volume).
    const ys = [...positions].filter((_, i) => i % 3 === 1);
    expect(new Set(ys.map((y) => Math.round(y * 1000) / 1000))).toEqual(new Set([0, 14]));
    // x east 0..20, z south −30..0.
    const xs = [...positions].filter((_, i) => i % 3 === 0);
    const zs = [...positions].filter((_, i) => i % 3 === 2);
    expect(Math.min(...xs)).toBeCloseTo(0, 3);
    expect(Math.max(...xs)).toBeCloseTo(20, 3);
    expect(Math.min(...zs)).toBeCloseTo(-30, 3);
    expect(Math.max(...zs)).toBeCloseTo(0, 3);
    const accessors = result.gltf.accessors as { min?: number[]; max?: number[] }[];
    expect(accessors[0]?.max?.[1]).toBeCloseTo(14, 3);
    // The roof's area from its triangles equals the footprint’s (400 m²: 20 × 10 plus 10 × 20).
    let roofArea = 0;
    for (let t = 0; t < 12; t += 3) {
      const p = (k: number) => [
        positions[(indices[t + k] as number) * 3] as number,
        positions[(indices[t + k] as number) * 3 + 2] as number,
      ];
      const [a, b, c] = [p(0), p(1), p(2)] as [number[], number[], number[]];
      roofArea +=
        Math.abs(
          ((b[0] as number) - (a[0] as number)) * ((c[1] as number) - (a[1] as number)) -
            ((c[0] as number) - (a[0] as number)) * ((b[1] as number) - (a[1] as number)),
        ) / 2;
    }
    expect(roofArea).toBeCloseTo(400, 1);
    // Every wall normal points away from the footprint's inside (the south wall's to −north = +z).
    const southWall = [...Array(result.vertices).keys()].find(
      (v) => Math.abs((normals[v * 3 + 2] as number) - 1) < 1e-6,
    );
    expect(southWall).toBeDefined();
    expect(positions[(southWall as number) * 3 + 2]).toBeCloseTo(0, 3);
  });

  it('stands each building on its own base above the origin (terrain under a slope)', () => {
    const uphill: ProposedBuilding = {
      ...building,
      id: 'haus-2',
      footprint: building.footprint.map(([lon, lat]) => [lon + 40 / scale.lon, lat]),
      mesh: {
        origin: at(80, 0),
        positions: [0, 0, 0, 5, 0, 0, 0, 5, 0, 0, 0, 7],
        indices: [0, 1, 2, 0, 1, 3],
      },
    };
    const result = proposedGltf([building, uphill], [LON, LAT], [1, 1, 1, 1], [0, 6.5]);
    if (!result) throw new Error('no model');
    const { positions } = decode(result.gltf);
    const first = [...positions].slice(0, result.vertices * 3 - 6 * 3);
    const ys = (values: number[]) =>
      new Set(values.filter((_, i) => i % 3 === 1).map((y) => Math.round(y * 1000) / 1000));
    // The drawn one from 0 to 14 m, the imported one's triangles (6 vertices) from 6.5 m up.
    expect(ys(first)).toEqual(new Set([0, 14]));
    expect(ys([...positions].slice(first.length))).toEqual(new Set([6.5, 13.5]));
  });

  it('has nothing to draw without buildings', () => {
    expect(proposedGltf([], [LON, LAT], [1, 1, 1, 1])).toBeNull();
  });
});

describe('triangulate', () => {
  const area = (ring: [number, number][], t: number[]) => {
    let sum = 0;
    for (let k = 0; k < t.length; k += 3) {
      const [a, b, c] = [ring[t[k] as number], ring[t[k + 1] as number], ring[t[k + 2] as number]] as [
        [number, number],
        [number, number],
        [number, number],
      ];
      sum += ((b[0] - a[0]) * (c[1] - a[1]) - (c[0] - a[0]) * (b[1] - a[1])) / 2;
    }
    return sum;
  };
  it('cuts convex and concave footprints into triangles that cover them exactly once', () => {
    const square: [number, number][] = [
      [0, 0],
      [10, 0],
      [10, 10],
      [0, 10],
    ];
    expect(area(square, triangulate(square))).toBeCloseTo(100, 9);
    expect(triangulate(square)).toHaveLength(6);
    // A U, counter-clockwise: 30 × 20 less the 10 × 10 notch from the top.
    const u: [number, number][] = [
      [0, 0],
      [30, 0],
      [30, 20],
      [20, 20],
      [20, 10],
      [10, 10],
      [10, 20],
      [0, 20],
    ];
    const t = triangulate(u);
    expect(t).toHaveLength(3 * (u.length - 2));
    // Every triangle counter-clockwise (positive), summing to the U's area.
    expect(area(u, t)).toBeCloseTo(500, 9);
    for (let k = 0; k < t.length; k += 3) expect(area(u, t.slice(k, k + 3))).toBeGreaterThan(0);
  });
});
