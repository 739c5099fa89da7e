/**
 * Proposed buildings as one glTF 2.0 model (JSON with an embedded buffer), in a local frame around
 * `origin`: east, up, south (glTF's y-up; CesiumJS turns it to z-up), each drawn building a solid
 * extrusion of its footprint as high as it is drawn elsewhere, each imported one its own triangles. A model, unlike Cesium's geometry
 * primitives, can be drawn on one side of the compare swipe only (`splitDirection`).
 */
import type { ProposedBuilding } from '../../../protocol/index.ts';
import { metresPerDegree } from './figures.ts';
import { drawnHeightM } from './proposedHeight.ts';

export interface ProposedGltf {
  readonly gltf: Record<string, unknown>;
  readonly triangles: number;
  readonly vertices: number;
}

/**
 * Triangles of a simple polygon given counter-clockwise (ear clipping): indices into `ring`. A
 * footprint has a few dozen corners at most, so the quadratic search is fine.
 */
export function triangulate(ring: readonly (readonly [number, number])[]): number[] {
  const left = ring.map((_, i) => i);
  const triangles: number[] = [];
  const cross = (o: readonly [number, number], a: readonly [number, number], b: readonly [number, number]) =>
    (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const inside = (
    p: readonly [number, number],
    a: readonly [number, number],
    b: readonly [number, number],
    c: readonly [number, number],
  ) => cross(a, b, p) >= 0 && cross(b, c, p) >= 0 && cross(c, a, p) >= 0;
  let guard = 0;
  while (left.length > 3 && guard < 10_000) {
    guard += 1;
    let clipped = false;
    for (let k = 0; k < left.length; k += 1) {
      const ia = left[(k + left.length - 1) % left.length] as number;
      const ib = left[k] as number;
      const ic = left[(k + 1) % left.length] as number;
      const a = ring[ia] as readonly [number, number];
      const b = ring[ib] as readonly [number, number];
      const c = ring[ic] as readonly [number, number];
      if (cross(a, b, c) <= 0) continue; // reflex or flat corner: not an ear
      const blocked = left.some(
        (j) => j !== ia && j !== ib && j !== ic && inside(ring[j] as readonly [number, number], a, b, c),
      );
      if (blocked) continue;
      triangles.push(ia, ib, ic);
      left.splice(k, 1);
      clipped = true;
      break;
    }
    // A self-intersecting or degenerate ring: fan out what is left rather than loop.
    if (!clipped) break;
  }
  for (let k = 1; k + 1 < left.length; k += 1)
    triangles.push(left[0] as number, left[k] as number, left[k + 1] as number);
  return triangles;
}

function base64(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

/**
 * The buildings as a glTF model around `origin` (`[lon, lat]`, the model's height 0); each stands
 * at its base in `baseHeightsM` (metres above the origin's height, in the buildings' order; 0 where
 * left out: on terrain, each building's lowest ground less the origin's). Null without any.
 */
export function proposedGltf(
  buildings: readonly ProposedBuilding[],
  origin: readonly [number, number],
  rgba: readonly [number, number, number, number],
  baseHeightsM: readonly number[] = [],
): ProposedGltf | null {
  const scale = metresPerDegree(origin[1]);
  const positions: number[] = [];
  const normals: number[] = [];
  const indices: number[] = [];
  const vertex = (east: number, north: number, up: number, normal: readonly [number, number, number]) => {
    // glTF axes: x east, y up, z south.
    positions.push(east, up, -north);
    normals.push(normal[0], normal[2], -normal[1]);
    return positions.length / 3 - 1;
  };
  for (const [index, building] of buildings.entries()) {
    const base = baseHeightsM[index] ?? 0;
    if (building.mesh) {
      // An imported shape: its triangles as they are, each with its own flat normal.
      const { mesh } = building;
      const dx = (mesh.origin[0] - origin[0]) * scale.lon;
      const dy = (mesh.origin[1] - origin[1]) * scale.lat;
      const at = (i: number): [number, number, number] => [
        (mesh.positions[i * 3] as number) + dx,
        (mesh.positions[i * 3 + 1] as number) + dy,
        (mesh.positions[i * 3 + 2] as number) + base,
      ];
      for (let t = 0; t + 2 < mesh.indices.length; t += 3) {
        const a = at(mesh.indices[t] as number);
        const b = at(mesh.indices[t + 1] as number);
        const c = at(mesh.indices[t + 2] as number);
        const u = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
        const v = [c[0] - a[0], c[1] - a[1], c[2] - a[2]];
        const n: [number, number, number] = [
          (u[1] as number) * (v[2] as number) - (u[2] as number) * (v[1] as number),
          (u[2] as number) * (v[0] as number) - (u[0] as number) * (v[2] as number),
          (u[0] as number) * (v[1] as number) - (u[1] as number) * (v[0] as number),
        ];
        const length = Math.hypot(...n);
        if (length === 0) continue;
        const normal: [number, number, number] = [n[0] / length, n[1] / length, n[2] / length];
        indices.push(vertex(...a, normal), vertex(...b, normal), vertex(...c, normal));
      }
      continue;
    }
    let ring = building.footprint
      .slice(0, -1)
      .map(
        ([lon, lat]) => [(lon - origin[0]) * scale.lon, (lat - origin[1]) * scale.lat] as [number, number],
      );
    if (ring.length < 3) continue;
    // Counter-clockwise seen from above, so outward wall normals point out.
    let twice = 0;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++)
      twice +=
        ((ring[j] as [number, number])[0] - (ring[i] as [number, number])[0]) *
        ((ring[j] as [number, number])[1] + (ring[i] as [number, number])[1]);
    // (Σ (x_prev − x)(y_prev + y) is positive for counter-clockwise rings.)
    if (twice < 0) ring = ring.reverse();
    const height = base + drawnHeightM(building);
    // The roof: the footprint triangulated, at the drawn height.
    const roof = triangulate(ring);
    const first = positions.length / 3;
    for (const [x, y] of ring) vertex(x, y, height, [0, 0, 1]);
    for (let t = 0; t < roof.length; t += 3)
      indices.push(
        first + (roof[t] as number),
        first + (roof[t + 1] as number),
        first + (roof[t + 2] as number),
      );
    // The walls: a quad per edge with its own normal.
    for (let i = 0; i < ring.length; i += 1) {
      const [ax, ay] = ring[i] as [number, number];
      const [bx, by] = ring[(i + 1) % ring.length] as [number, number];
      const length = Math.hypot(bx - ax, by - ay);
      if (length === 0) continue;
      const normal: [number, number, number] = [(by - ay) / length, -(bx - ax) / length, 0];
      const a0 = vertex(ax, ay, base, normal);
      const b0 = vertex(bx, by, base, normal);
      const b1 = vertex(bx, by, height, normal);
      const a1 = vertex(ax, ay, height, normal);
      indices.push(a0, b0, b1, a0, b1, a1);
    }
  }
  if (indices.length === 0) return null;

  const positionBytes = new Float32Array(positions);
  const normalBytes = new Float32Array(normals);
  const indexBytes = new Uint32Array(indices);
  const buffer = new Uint8Array(positionBytes.byteLength + normalBytes.byteLength + indexBytes.byteLength);
  buffer.set(new Uint8Array(positionBytes.buffer), 0);
  buffer.set(new Uint8Array(normalBytes.buffer), positionBytes.byteLength);
  buffer.set(new Uint8Array(indexBytes.buffer), positionBytes.byteLength + normalBytes.byteLength);
  const min = [Infinity, Infinity, Infinity];
  const max = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < positions.length; i += 1) {
    const c = i % 3;
    min[c] = Math.min(min[c] as number, positions[i] as number);
    max[c] = Math.max(max[c] as number, positions[i] as number);
  }
  const count = positions.length / 3;
  const gltf = {
    asset: { version: '2.0', generator: 'citytwin planning' },
    scene: 0,
    scenes: [{ nodes: [0] }],
    nodes: [{ mesh: 0 }],
    meshes: [{ primitives: [{ attributes: { POSITION: 0, NORMAL: 1 }, indices: 2, material: 0, mode: 4 }] }],
    materials: [
      {
        pbrMetallicRoughness: { baseColorFactor: [...rgba], metallicFactor: 0, roughnessFactor: 0.9 },
        // Both faces drawn: the winding of drawn footprints is not to be trusted.
        doubleSided: true,
      },
    ],
    buffers: [
      { byteLength: buffer.byteLength, uri: `data:application/octet-stream;base64,${base64(buffer)}` },
    ],
    bufferViews: [
      { buffer: 0, byteOffset: 0, byteLength: positionBytes.byteLength, target: 34962 },
      { buffer: 0, byteOffset: positionBytes.byteLength, byteLength: normalBytes.byteLength, target: 34962 },
      {
        buffer: 0,
        byteOffset: positionBytes.byteLength + normalBytes.byteLength,
        byteLength: indexBytes.byteLength,
        target: 34963,
      },
    ],
    accessors: [
      { bufferView: 0, componentType: 5126, count, type: 'VEC3', min, max },
      { bufferView: 1, componentType: 5126, count, type: 'VEC3' },
      { bufferView: 2, componentType: 5125, count: indices.length, type: 'SCALAR' },
    ],
  };
  return { gltf, triangles: indices.length / 3, vertices: count };
}
