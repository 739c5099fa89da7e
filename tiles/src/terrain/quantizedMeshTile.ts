/**
 * Cesium's "quantized-mesh-1.0" terrain tiles: a tile's ground as a triangle mesh, few triangles
 * where the ground is smooth (an RTIN of the tile's height grid, `rtin.ts`), written and read. Pure.
 *
 * Layout (https://github.com/CesiumGS/quantized-mesh), little-endian:
 * - header, 88 bytes: the mesh's centre (3 float64, earth-centred metres), its lowest and highest
 *   height (2 float32), a bounding sphere (4 float64), the horizon occlusion point (3 float64, in the
 *   ellipsoid-scaled frame);
 * - vertex count (uint32), then u, v and height of every vertex as uint16 each 0..32767 across the
 *   tile (u west to east, v south to north, height lowest to highest), each array delta- and
 *   zig-zag-encoded;
 * - triangle count (uint32) and three indices per triangle, "high-water mark" encoded (uint16; uint32
 *   from 65,536 vertices on, after padding to 4 bytes);
 * - the indices of the vertices on the west, south, east and north edge, each as a count (uint32)
 *   and the indices, not encoded (Cesium hangs the skirts that hide cracks between tiles on them).
 *
 * Unlike heightmap-1.0 (65 x 65 heights in every tile, and in every tile Cesium makes from one by
 * upsampling), a smooth tile has tens of triangles, and a tile upsampled from it only its share.
 */
import { geodeticToEcef, WGS84_SEMI_MAJOR_AXIS_M, WGS84_SEMI_MINOR_AXIS_M } from '../geodesy.ts';
import type { TileAddress } from './terrainTiling.ts';
import { tileRectangleDeg } from './terrainTiling.ts';
import type { GridMesh } from './rtin.ts';
import { rtinErrors, rtinMesh } from './rtin.ts';

/** Samples along a tile's side from which its mesh is made (2^6 + 1, as heightmap-1.0 has). */
export const MESH_GRID_SIZE = 65;
const QUANTIZED_MAX = 32767;
const HEADER_BYTES = 88;

type Vec3 = [number, number, number];
type Point3 = readonly [number, number, number];

/** Earth-centred, earth-fixed metres of a WGS84 position (Cesium's globe is WGS84). */
const ecefOf = (lonDeg: number, latDeg: number, heightM: number): Vec3 => [
  ...geodeticToEcef([lonDeg, latDeg, heightM]),
];

const length = (v: Point3) => Math.hypot(v[0], v[1], v[2]);

/**
 * Cesium's horizon occlusion point: a point in the ellipsoid-scaled frame such that, when it is
 * below the horizon, so is every vertex (the method of Cesium's `EllipsoidalOccluder`: each vertex
 * gives the distance along the direction to the mesh's centre from which it would be hidden, and
 * the farthest wins). Below the ellipsoid the test is against an ellipsoid lowered to the lowest
 * vertex, as Cesium does for such tiles. A tile so large that some vertex faces away from its centre
 * (a root tile is a whole hemisphere) gets a point far out along that direction: hidden only from
 * cameras behind the globe as seen from the tile.
 */
export function horizonOcclusionPoint(
  positions: readonly Point3[],
  centre: Point3,
  minHeightM: number,
): Vec3 {
  const lower = Math.min(0, minHeightM);
  const radii: Vec3 = [
    WGS84_SEMI_MAJOR_AXIS_M + lower,
    WGS84_SEMI_MAJOR_AXIS_M + lower,
    WGS84_SEMI_MINOR_AXIS_M + lower,
  ];
  const scaled = (p: Point3): Vec3 => [p[0] / radii[0], p[1] / radii[1], p[2] / radii[2]];
  const towards = scaled(centre);
  const towardsLength = length(towards);
  const direction: Vec3 = [
    towards[0] / towardsLength,
    towards[1] / towardsLength,
    towards[2] / towardsLength,
  ];
  const FAR = 1e3;
  let magnitude = 0;
  for (const position of positions) {
    const s = scaled(position);
    const sLength = length(s);
    const unit: Vec3 = [s[0] / sLength, s[1] / sLength, s[2] / sLength];
    // A vertex below the ellipsoid counts as on it.
    const m = Math.max(1, sLength);
    const cosAlpha = unit[0] * direction[0] + unit[1] * direction[1] + unit[2] * direction[2];
    const cross: Vec3 = [
      unit[1] * direction[2] - unit[2] * direction[1],
      unit[2] * direction[0] - unit[0] * direction[2],
      unit[0] * direction[1] - unit[1] * direction[0],
    ];
    const sinAlpha = length(cross);
    const cosBeta = 1 / m;
    const sinBeta = Math.sqrt(m * m - 1) * cosBeta;
    const denominator = cosAlpha * cosBeta - sinAlpha * sinBeta;
    if (denominator <= 0) {
      magnitude = FAR;
      break;
    }
    magnitude = Math.max(magnitude, 1 / denominator);
  }
  return [direction[0] * magnitude, direction[1] * magnitude, direction[2] * magnitude];
}

/** Zig-zag encodes a delta into an unsigned 16-bit value. */
const zigZag = (value: number) => ((value << 1) ^ (value >> 31)) & 0xffff;
const unZigZag = (value: number) => (value >> 1) ^ -(value & 1);

/**
 * The grid mesh with every triangle counter-clockwise seen from above (rows run to the south, so
 * the turn is taken with the row axis flipped), and its vertices numbered again in the order the
 * triangles now first use them, as the high-water mark encoding needs.
 */
function orientedUpwards(grid: GridMesh): GridMesh {
  const { points } = grid;
  const triangles = Uint32Array.from(grid.triangles);
  for (let t = 0; t < triangles.length; t += 3) {
    const a = triangles[t] ?? 0;
    const b = triangles[t + 1] ?? 0;
    const c = triangles[t + 2] ?? 0;
    const ax = points[2 * a] ?? 0;
    const ay = -(points[2 * a + 1] ?? 0);
    const cross =
      ((points[2 * b] ?? 0) - ax) * (-(points[2 * c + 1] ?? 0) - ay) -
      (-(points[2 * b + 1] ?? 0) - ay) * ((points[2 * c] ?? 0) - ax);
    if (cross < 0) {
      triangles[t + 1] = c;
      triangles[t + 2] = b;
    }
  }
  const renumbered = new Int32Array(points.length / 2).fill(-1);
  const reordered = new Uint16Array(points.length);
  let next = 0;
  for (let t = 0; t < triangles.length; t++) {
    const old = triangles[t] ?? 0;
    let now = renumbered[old] ?? -1;
    if (now < 0) {
      now = next++;
      renumbered[old] = now;
      reordered[2 * now] = points[2 * old] ?? 0;
      reordered[2 * now + 1] = points[2 * old + 1] ?? 0;
    }
    triangles[t] = now;
  }
  return { points: reordered, triangles };
}

/** A tile's mesh as written: vertices in the tile's u, v and height, triangles, and what the header says. */
export interface QuantizedMesh {
  readonly minHeightM: number;
  readonly maxHeightM: number;
  readonly centre: readonly [number, number, number];
  readonly boundingSphere: readonly [number, number, number, number];
  readonly horizonOcclusionPoint: readonly [number, number, number];
  /** 0..32767 west to east. */
  readonly u: Uint16Array;
  /** 0..32767 south to north. */
  readonly v: Uint16Array;
  /** 0..32767 from `minHeightM` to `maxHeightM`. */
  readonly height: Uint16Array;
  readonly triangles: Uint32Array;
  readonly westIndices: Uint32Array;
  readonly southIndices: Uint32Array;
  readonly eastIndices: Uint32Array;
  readonly northIndices: Uint32Array;
}

/**
 * The tile's mesh: its ground sampled on a {@link MESH_GRID_SIZE} grid, simplified until no sample
 * lies more than `maxErrorM` from the surface, quantized. Triangles run counter-clockwise seen from
 * above, as Cesium's globe draws the front of a face.
 */
export function meshTile(
  tile: TileAddress,
  heightAt: (lonDeg: number, latDeg: number) => number,
  maxErrorM: number,
): QuantizedMesh {
  const [west, south, east, north] = tileRectangleDeg(tile);
  const size = MESH_GRID_SIZE;
  const cells = size - 1;
  const heights = new Float64Array(size * size);
  for (let row = 0; row < size; row++) {
    const latDeg = north - ((north - south) * row) / cells;
    for (let col = 0; col < size; col++)
      heights[row * size + col] = heightAt(west + ((east - west) * col) / cells, latDeg);
  }
  const grid = orientedUpwards(rtinMesh(rtinErrors(heights, size), size, maxErrorM));
  const vertexCount = grid.points.length / 2;
  let lowest = Infinity;
  let highest = -Infinity;
  for (let i = 0; i < vertexCount; i++) {
    const h = heights[(grid.points[2 * i + 1] ?? 0) * size + (grid.points[2 * i] ?? 0)] ?? 0;
    lowest = Math.min(lowest, h);
    highest = Math.max(highest, h);
  }
  // The header holds them as float32, and Cesium takes the heights from those.
  const minHeightM = Math.fround(lowest);
  const maxHeightM = Math.fround(highest);
  const heightRange = maxHeightM - minHeightM;
  const u = new Uint16Array(vertexCount);
  const v = new Uint16Array(vertexCount);
  const height = new Uint16Array(vertexCount);
  const positions: Vec3[] = [];
  const edges: [number[], number[], number[], number[]] = [[], [], [], []];
  for (let i = 0; i < vertexCount; i++) {
    const col = grid.points[2 * i] ?? 0;
    const row = grid.points[2 * i + 1] ?? 0;
    const h = heights[row * size + col] ?? 0;
    u[i] = Math.round((col / cells) * QUANTIZED_MAX);
    v[i] = Math.round(((cells - row) / cells) * QUANTIZED_MAX);
    height[i] = heightRange > 0 ? Math.round(((h - minHeightM) / heightRange) * QUANTIZED_MAX) : 0;
    // Where Cesium will put the vertex: from the quantized values.
    positions.push(
      ecefOf(
        west + ((u[i] ?? 0) / QUANTIZED_MAX) * (east - west),
        south + ((v[i] ?? 0) / QUANTIZED_MAX) * (north - south),
        minHeightM + ((height[i] ?? 0) / QUANTIZED_MAX) * heightRange,
      ),
    );
    if (col === 0) edges[0].push(i);
    if (row === cells) edges[1].push(i);
    if (col === cells) edges[2].push(i);
    if (row === 0) edges[3].push(i);
  }
  const triangles = grid.triangles;
  const centre = ecefOf((west + east) / 2, (south + north) / 2, (minHeightM + maxHeightM) / 2);
  const lo: Vec3 = [Infinity, Infinity, Infinity];
  const hi: Vec3 = [-Infinity, -Infinity, -Infinity];
  for (const p of positions) {
    for (let k = 0; k < 3; k++) {
      lo[k] = Math.min(lo[k] ?? 0, p[k] ?? 0);
      hi[k] = Math.max(hi[k] ?? 0, p[k] ?? 0);
    }
  }
  const sphereCentre: Vec3 = [(lo[0] + hi[0]) / 2, (lo[1] + hi[1]) / 2, (lo[2] + hi[2]) / 2];
  let radius = 0;
  for (const p of positions) {
    radius = Math.max(
      radius,
      length([p[0] - sphereCentre[0], p[1] - sphereCentre[1], p[2] - sphereCentre[2]]),
    );
  }
  return {
    minHeightM,
    maxHeightM,
    centre,
    boundingSphere: [...sphereCentre, radius],
    horizonOcclusionPoint: horizonOcclusionPoint(positions, sphereCentre, minHeightM),
    u,
    v,
    height,
    triangles,
    westIndices: Uint32Array.from(edges[0]),
    southIndices: Uint32Array.from(edges[1]),
    eastIndices: Uint32Array.from(edges[2]),
    northIndices: Uint32Array.from(edges[3]),
  };
}

/** The tile's bytes. */
export function encodeQuantizedMesh(mesh: QuantizedMesh): Uint8Array {
  const vertexCount = mesh.u.length;
  const wide = vertexCount > 65_536;
  const indexBytes = wide ? 4 : 2;
  const edges = [mesh.westIndices, mesh.southIndices, mesh.eastIndices, mesh.northIndices];
  let offset = HEADER_BYTES + 4 + vertexCount * 6;
  const padding = wide && offset % 4 !== 0 ? 4 - (offset % 4) : 0;
  const total =
    offset +
    padding +
    4 +
    mesh.triangles.length * indexBytes +
    edges.reduce((sum, indices) => sum + 4 + indices.length * indexBytes, 0);
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  let at = 0;
  const float64 = (value: number) => {
    view.setFloat64(at, value, true);
    at += 8;
  };
  mesh.centre.forEach(float64);
  view.setFloat32(at, mesh.minHeightM, true);
  view.setFloat32(at + 4, mesh.maxHeightM, true);
  at += 8;
  mesh.boundingSphere.forEach(float64);
  mesh.horizonOcclusionPoint.forEach(float64);
  view.setUint32(at, vertexCount, true);
  at += 4;
  for (const values of [mesh.u, mesh.v, mesh.height]) {
    let previous = 0;
    for (const value of values) {
      view.setUint16(at, zigZag(value - previous), true);
      previous = value;
      at += 2;
    }
  }
  at += padding;
  const index = (value: number) => {
    if (wide) view.setUint32(at, value, true);
    else view.setUint16(at, value, true);
    at += indexBytes;
  };
  view.setUint32(at, mesh.triangles.length / 3, true);
  at += 4;
  // High-water mark: each index as its distance below the highest index so far plus one; a
  // vertex's first use is 0. The vertices are numbered in the order the triangles first use them.
  let highest = 0;
  for (const value of mesh.triangles) {
    if (value > highest) throw new Error(`vertex ${value} is used before vertex ${highest}`);
    index(highest - value);
    if (value === highest) highest++;
  }
  for (const indices of edges) {
    view.setUint32(at, indices.length, true);
    at += 4;
    indices.forEach(index);
  }
  offset = at;
  if (offset !== total) throw new Error(`quantized mesh: wrote ${offset} of ${total} bytes`);
  return bytes;
}

/** Reads a tile's bytes (for tests and checks; Cesium does this in the viewer). */
export function decodeQuantizedMesh(bytes: Uint8Array): QuantizedMesh {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  const float64 = () => {
    const value = view.getFloat64(at, true);
    at += 8;
    return value;
  };
  const vec3 = (): Vec3 => [float64(), float64(), float64()];
  const centre = vec3();
  const minHeightM = view.getFloat32(at, true);
  const maxHeightM = view.getFloat32(at + 4, true);
  at += 8;
  const boundingSphere: [number, number, number, number] = [float64(), float64(), float64(), float64()];
  const horizon = vec3();
  const vertexCount = view.getUint32(at, true);
  at += 4;
  const decoded = [0, 1, 2].map(() => {
    const values = new Uint16Array(vertexCount);
    let value = 0;
    for (let i = 0; i < vertexCount; i++) {
      value += unZigZag(view.getUint16(at, true));
      values[i] = value;
      at += 2;
    }
    return values;
  });
  const wide = vertexCount > 65_536;
  if (wide && at % 4 !== 0) at += 4 - (at % 4);
  const readIndex = () => {
    const value = wide ? view.getUint32(at, true) : view.getUint16(at, true);
    at += wide ? 4 : 2;
    return value;
  };
  const triangleCount = view.getUint32(at, true);
  at += 4;
  const triangles = new Uint32Array(triangleCount * 3);
  let highest = 0;
  for (let i = 0; i < triangles.length; i++) {
    const code = readIndex();
    triangles[i] = highest - code;
    if (code === 0) highest++;
  }
  const edge = () => {
    const count = view.getUint32(at, true);
    at += 4;
    return Uint32Array.from({ length: count }, readIndex);
  };
  const [u = new Uint16Array(), v = new Uint16Array(), height = new Uint16Array()] = decoded;
  return {
    minHeightM,
    maxHeightM,
    centre,
    boundingSphere,
    horizonOcclusionPoint: horizon,
    u,
    v,
    height,
    triangles,
    westIndices: edge(),
    southIndices: edge(),
    eastIndices: edge(),
    northIndices: edge(),
  };
}
