/**
 * A checker for a 3D Tiles 1.1 `tileset.json` tree and its GLB contents: the asset version, geometric
 * errors that shrink down the tree, and every content vertex inside its tile's bounding volume.
 *
 * The GLBs are read through a callback, so the check itself is pure and tests need no files.
 *
 * Spec: https://github.com/CesiumGS/3d-tiles/tree/main/specification (tileset, tile, boundingVolume).
 */
import type { Vec3 } from './geodesy.ts';
import { ecefToGeodetic } from './geodesy.ts';
import type { JsonRecord, TileMetadataMessage } from './validateTileMetadata.ts';
import { isRecord, MessageCollector, parseGlb, readAccessor } from './validateTileMetadata.ts';

/** The findings for one tileset. */
export interface TilesetReport {
  readonly errors: readonly TileMetadataMessage[];
  readonly warnings: readonly TileMetadataMessage[];
}

/** Options of {@link validateTileset}. */
export interface ValidateTilesetOptions {
  /**
   * How far a vertex may lie outside its tile's bounding volume, metres. Default 1 mm: boxes are
   * rounded to the millimetre and vertices are float32.
   */
  readonly toleranceM?: number;
}

/** Column-major 4x4 matrix, as in glTF and 3D Tiles. */
type Matrix4 = readonly number[];

const IDENTITY: Matrix4 = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];

/** glTF y-up to 3D Tiles z-up, the rotation 3D Tiles applies to glTF content. */
const Y_UP_TO_Z_UP: Matrix4 = [1, 0, 0, 0, 0, 0, 1, 0, 0, -1, 0, 0, 0, 0, 0, 1];

function multiply(a: Matrix4, b: Matrix4): number[] {
  const out = new Array<number>(16).fill(0);
  for (let column = 0; column < 4; column++) {
    for (let row = 0; row < 4; row++) {
      let sum = 0;
      for (let k = 0; k < 4; k++) sum += (a[k * 4 + row] ?? 0) * (b[column * 4 + k] ?? 0);
      out[column * 4 + row] = sum;
    }
  }
  return out;
}

/** Applies a column-major 4x4 matrix to a point. */
export function transformPoint(matrix: Matrix4, [x, y, z]: Vec3): Vec3 {
  const m = (i: number): number => matrix[i] ?? Number.NaN;
  return [
    m(0) * x + m(4) * y + m(8) * z + m(12),
    m(1) * x + m(5) * y + m(9) * z + m(13),
    m(2) * x + m(6) * y + m(10) * z + m(14),
  ];
}

function isMatrix(value: unknown): value is number[] {
  return (
    Array.isArray(value) &&
    value.length === 16 &&
    value.every((v) => typeof v === 'number' && Number.isFinite(v))
  );
}

function numbers(value: unknown, length: number): number[] | undefined {
  return Array.isArray(value) &&
    value.length === length &&
    value.every((v) => typeof v === 'number' && Number.isFinite(v))
    ? (value as number[])
    : undefined;
}

/** Local matrix of a glTF node (matrix, or translation/rotation/scale). */
function nodeMatrix(node: JsonRecord): Matrix4 {
  if (isMatrix(node['matrix'])) return node['matrix'];
  const [tx = 0, ty = 0, tz = 0] = numbers(node['translation'], 3) ?? [];
  const [qx = 0, qy = 0, qz = 0, qw = 1] = numbers(node['rotation'], 4) ?? [];
  const [sx = 1, sy = 1, sz = 1] = numbers(node['scale'], 3) ?? [];
  return [
    (1 - 2 * (qy * qy + qz * qz)) * sx,
    2 * (qx * qy + qz * qw) * sx,
    2 * (qx * qz - qy * qw) * sx,
    0,
    2 * (qx * qy - qz * qw) * sy,
    (1 - 2 * (qx * qx + qz * qz)) * sy,
    2 * (qy * qz + qx * qw) * sy,
    0,
    2 * (qx * qz + qy * qw) * sz,
    2 * (qy * qz - qx * qw) * sz,
    (1 - 2 * (qx * qx + qy * qy)) * sz,
    0,
    tx,
    ty,
    tz,
    1,
  ];
}

/**
 * Every vertex position of a GLB in the tile's frame: through the glTF node hierarchy of the default
 * scene (or of all root nodes), then from y-up to z-up.
 *
 * @throws Error when the GLB container cannot be parsed.
 */
export function readContentPositions(glb: Uint8Array): { positions: Vec3[]; problems: string[] } {
  const { json, bin } = parseGlb(glb);
  if (!isRecord(json)) throw new Error('the JSON chunk is not a JSON object');
  const messages = new MessageCollector();
  const nodes = Array.isArray(json['nodes']) ? json['nodes'] : [];
  const meshes = Array.isArray(json['meshes']) ? json['meshes'] : [];
  const scenes = Array.isArray(json['scenes']) ? json['scenes'] : [];
  const sceneIndex = typeof json['scene'] === 'number' ? json['scene'] : 0;
  const scene: unknown = scenes[sceneIndex];
  const rootNodes: unknown[] = isRecord(scene) && Array.isArray(scene['nodes']) ? scene['nodes'] : [];
  const positions: Vec3[] = [];
  const visit = (nodeIndex: unknown, parent: Matrix4, depth: number): void => {
    const node: unknown = typeof nodeIndex === 'number' ? nodes[nodeIndex] : undefined;
    if (!isRecord(node) || depth > nodes.length) return;
    const world = multiply(parent, nodeMatrix(node));
    const mesh: unknown = typeof node['mesh'] === 'number' ? meshes[node['mesh']] : undefined;
    const primitives: unknown[] =
      isRecord(mesh) && Array.isArray(mesh['primitives']) ? mesh['primitives'] : [];
    for (const primitive of primitives) {
      const attributes =
        isRecord(primitive) && isRecord(primitive['attributes']) ? primitive['attributes'] : {};
      const accessor = readAccessor({ json, bin }, attributes['POSITION'], '/meshes', messages);
      if (!accessor || accessor.components !== 3) continue;
      for (let i = 0; i < accessor.values.length; i += 3) {
        const local: Vec3 = [
          accessor.values[i] ?? 0,
          accessor.values[i + 1] ?? 0,
          accessor.values[i + 2] ?? 0,
        ];
        positions.push(transformPoint(world, local));
      }
    }
    const children: unknown[] = Array.isArray(node['children']) ? node['children'] : [];
    for (const child of children) visit(child, world, depth + 1);
  };
  for (const nodeIndex of rootNodes) visit(nodeIndex, Y_UP_TO_Z_UP, 0);
  return { positions, problems: messages.errors.map((m) => `${m.pointer}: ${m.message}`) };
}

/** Axis-aligned min/max of points. */
export function pointBounds(points: readonly Vec3[]): { min: Vec3; max: Vec3 } {
  const min = [Infinity, Infinity, Infinity];
  const max = [-Infinity, -Infinity, -Infinity];
  for (const point of points) {
    for (let axis = 0; axis < 3; axis++) {
      min[axis] = Math.min(min[axis] ?? Infinity, point[axis] ?? 0);
      max[axis] = Math.max(max[axis] ?? -Infinity, point[axis] ?? 0);
    }
  }
  return { min: [min[0] ?? 0, min[1] ?? 0, min[2] ?? 0], max: [max[0] ?? 0, max[1] ?? 0, max[2] ?? 0] };
}

/** A bounding volume, parsed. */
type Volume =
  | { readonly kind: 'box'; readonly values: readonly number[] }
  | { readonly kind: 'region'; readonly values: readonly number[] }
  | { readonly kind: 'sphere'; readonly values: readonly number[] };

function parseVolume(value: unknown, pointer: string, messages: MessageCollector): Volume | undefined {
  if (!isRecord(value)) {
    messages.error(pointer, 'boundingVolume must be an object.');
    return undefined;
  }
  const kinds = (['box', 'region', 'sphere'] as const).filter((kind) => value[kind] !== undefined);
  const kind = kinds[0];
  if (kinds.length !== 1 || !kind) {
    messages.error(pointer, 'boundingVolume must have exactly one of box, region or sphere.');
    return undefined;
  }
  const values = numbers(value[kind], { box: 12, region: 6, sphere: 4 }[kind]);
  if (!values) {
    messages.error(
      `${pointer}/${kind}`,
      `${kind} must be ${{ box: 12, region: 6, sphere: 4 }[kind]} finite numbers.`,
    );
    return undefined;
  }
  if (kind === 'sphere' && (values[3] ?? 0) < 0)
    messages.error(`${pointer}/sphere`, 'sphere radius is negative.');
  if (kind === 'region') {
    const [west = 0, south = 0, east = 0, north = 0, minH = 0, maxH = 0] = values;
    if (Math.abs(west) > Math.PI || Math.abs(east) > Math.PI || south > north || minH > maxH)
      messages.error(
        `${pointer}/region`,
        'region must be [west, south, east, north] radians with south <= north, minimum <= maximum height.',
      );
    if (Math.abs(south) > Math.PI / 2 || Math.abs(north) > Math.PI / 2)
      messages.error(`${pointer}/region`, 'region latitudes must lie in [-pi/2, pi/2].');
  }
  return { kind, values };
}

/**
 * How far (metres) a point lies outside a box or sphere in the same frame; 0 inside. For boxes the
 * distance is measured along each half-axis.
 */
function distanceOutside(volume: Volume, point: Vec3): number {
  const v = volume.values;
  const d: Vec3 = [point[0] - (v[0] ?? 0), point[1] - (v[1] ?? 0), point[2] - (v[2] ?? 0)];
  if (volume.kind === 'sphere') return Math.max(0, Math.hypot(...d) - (v[3] ?? 0));
  const axes: Vec3[] = [
    [v[3] ?? 0, v[4] ?? 0, v[5] ?? 0],
    [v[6] ?? 0, v[7] ?? 0, v[8] ?? 0],
    [v[9] ?? 0, v[10] ?? 0, v[11] ?? 0],
  ];
  const coordinates = solve3(axes, d);
  let outside = 0;
  for (const [i, axis] of axes.entries()) {
    const length = Math.hypot(...axis);
    const coordinate = coordinates?.[i] ?? (length > 0 ? dot(d, axis) / (length * length) : 0);
    if (length === 0) outside = Math.max(outside, Math.abs(dot(d, normalOf(axes, i))));
    else outside = Math.max(outside, (Math.abs(coordinate) - 1) * length);
  }
  return outside;
}

function dot(a: Vec3, b: Vec3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

function cross(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

/** Unit normal to the two other axes (for a box flat along axis i). */
function normalOf(axes: readonly Vec3[], i: number): Vec3 {
  const others = axes.filter((_, j) => j !== i);
  const n = cross(others[0] ?? [0, 0, 0], others[1] ?? [0, 0, 0]);
  const length = Math.hypot(...n);
  return length > 0 ? [n[0] / length, n[1] / length, n[2] / length] : [0, 0, 0];
}

/** Solves [a0 a1 a2] x = d (Cramer's rule); undefined for a (nearly) flat box. */
function solve3(axes: readonly Vec3[], d: Vec3): Vec3 | undefined {
  const [a = [0, 0, 0], b = [0, 0, 0], c = [0, 0, 0]] = axes;
  const det = dot(a, cross(b, c));
  const scale = Math.hypot(...a) * Math.hypot(...b) * Math.hypot(...c);
  if (scale === 0 || Math.abs(det) < 1e-12 * scale) return undefined;
  return [dot(d, cross(b, c)) / det, dot(a, cross(d, c)) / det, dot(a, cross(b, d)) / det];
}

/** How far (metres, roughly) an ECEF point lies outside a region; 0 inside. */
function distanceOutsideRegion(region: readonly number[], ecef: Vec3): number {
  const [west = 0, south = 0, east = 0, north = 0, minH = 0, maxH = 0] = region;
  const [lonDeg, latDeg, heightM] = ecefToGeodetic(ecef);
  const lon = (lonDeg * Math.PI) / 180;
  const lat = (latDeg * Math.PI) / 180;
  const radiusM = 6_378_137;
  const lonInside = west <= east ? lon >= west && lon <= east : lon >= west || lon <= east;
  const lonOff = lonInside
    ? 0
    : Math.min(Math.abs(lon - west), Math.abs(lon - east)) * radiusM * Math.cos(lat);
  const latOff = Math.max(0, south - lat, lat - north) * radiusM;
  const heightOff = Math.max(0, minH - heightM, heightM - maxH);
  return Math.max(lonOff, latOff, heightOff);
}

/** The eight corners of a box, in its frame. */
function boxCorners(box: readonly number[]): Vec3[] {
  const corners: Vec3[] = [];
  for (const sx of [-1, 1]) {
    for (const sy of [-1, 1]) {
      for (const sz of [-1, 1]) {
        const at = (axis: number): number =>
          (box[axis] ?? 0) +
          sx * (box[3 + axis] ?? 0) +
          sy * (box[6 + axis] ?? 0) +
          sz * (box[9 + axis] ?? 0);
        corners.push([at(0), at(1), at(2)]);
      }
    }
  }
  return corners;
}

interface TileContext {
  readonly pointer: string;
  /** Transform from this tile's frame to the tileset's (ECEF) frame. */
  readonly world: Matrix4;
  readonly parentGeometricError: number | undefined;
  readonly parentVolume: Volume | undefined;
  /** Transform from this tile's frame to its parent's frame (for child-in-parent checks). */
  readonly local: Matrix4;
}

/**
 * Validates a parsed `tileset.json` and its GLB contents.
 *
 * @param loadContent reads a content by its URI (relative to tileset.json); may throw.
 */
export async function validateTileset(
  tileset: unknown,
  loadContent: (uri: string) => Promise<Uint8Array>,
  options: ValidateTilesetOptions = {},
): Promise<TilesetReport> {
  const toleranceM = options.toleranceM ?? 0.001;
  const messages = new MessageCollector();
  if (!isRecord(tileset)) {
    messages.error('', 'tileset.json must be a JSON object.');
    return { errors: messages.errors, warnings: messages.warnings };
  }
  const asset = tileset['asset'];
  if (!isRecord(asset) || asset['version'] !== '1.1') {
    messages.error(
      '/asset/version',
      `asset.version must be "1.1", got ${JSON.stringify(isRecord(asset) ? asset['version'] : asset)}.`,
    );
  }
  const geometricError = tileset['geometricError'];
  if (typeof geometricError !== 'number' || !(geometricError >= 0)) {
    messages.error('/geometricError', 'geometricError must be a number >= 0.');
  }
  const root = tileset['root'];
  if (!isRecord(root)) {
    messages.error('/root', 'the tileset has no root tile.');
    return { errors: messages.errors, warnings: messages.warnings };
  }
  const refine = root['refine'];
  if (refine === undefined)
    messages.error('/root/refine', 'the root tile must have refine (ADD or REPLACE).');
  const tiles: [JsonRecord, TileContext][] = [
    [
      root,
      {
        pointer: '/root',
        world: IDENTITY,
        parentGeometricError: typeof geometricError === 'number' ? geometricError : undefined,
        parentVolume: undefined,
        local: IDENTITY,
      },
    ],
  ];
  // Depth-first, iterative: deep trees must not overflow the stack.
  for (let next = tiles.pop(); next; next = tiles.pop()) {
    const [tile, context] = next;
    const children = await validateTile(tile, context, loadContent, toleranceM, messages);
    tiles.push(...children.reverse());
  }
  return { errors: messages.errors, warnings: messages.warnings };
}

async function validateTile(
  tile: JsonRecord,
  context: TileContext,
  loadContent: (uri: string) => Promise<Uint8Array>,
  toleranceM: number,
  messages: MessageCollector,
): Promise<[JsonRecord, TileContext][]> {
  const { pointer } = context;
  const refine = tile['refine'];
  if (refine !== undefined && refine !== 'ADD' && refine !== 'REPLACE')
    messages.error(`${pointer}/refine`, `refine must be ADD or REPLACE, got ${JSON.stringify(refine)}.`);
  let local: Matrix4 = IDENTITY;
  if (tile['transform'] !== undefined) {
    if (isMatrix(tile['transform'])) local = tile['transform'];
    else messages.error(`${pointer}/transform`, 'transform must be 16 finite numbers (column-major 4x4).');
  }
  const world = multiply(context.world, local);
  const childrenDef = tile['children'];
  const children: unknown[] = Array.isArray(childrenDef) ? childrenDef : [];
  if (childrenDef !== undefined && !Array.isArray(childrenDef))
    messages.error(`${pointer}/children`, 'children must be an array.');

  const geometricError = tile['geometricError'];
  if (typeof geometricError !== 'number' || !(geometricError >= 0)) {
    messages.error(`${pointer}/geometricError`, 'geometricError must be a number >= 0.');
  } else if (context.parentGeometricError !== undefined) {
    const parent = context.parentGeometricError;
    if (geometricError > parent) {
      messages.error(
        `${pointer}/geometricError`,
        `geometricError ${geometricError} is larger than its parent's ${parent}; errors must shrink down the tree.`,
      );
    } else if (geometricError === parent && parent > 0 && pointer !== '/root') {
      messages.warning(
        `${pointer}/geometricError`,
        `geometricError ${geometricError} equals its parent's; refining to this tile gains nothing.`,
      );
    }
  }
  if (children.length > 0 && geometricError === 0) {
    messages.warning(
      `${pointer}/geometricError`,
      'an inner tile with geometricError 0 never refines to its children.',
    );
  }

  const volume = parseVolume(tile['boundingVolume'], `${pointer}/boundingVolume`, messages);
  if (volume?.kind === 'box' && context.parentVolume?.kind === 'box') {
    const corners = boxCorners(volume.values).map((corner) => transformPoint(context.local, corner));
    const worst = Math.max(
      ...corners.map((corner) => distanceOutside(context.parentVolume as Volume, corner)),
    );
    // Twice the tolerance: both boxes may be rounded (to the millimetre, in this builder).
    if (worst > 2 * toleranceM) {
      messages.warning(
        `${pointer}/boundingVolume`,
        `the box reaches ${worst.toFixed(4)} m outside its parent's box.`,
      );
    }
  }

  const contents: [unknown, string][] = [];
  if (tile['content'] !== undefined) contents.push([tile['content'], `${pointer}/content`]);
  if (Array.isArray(tile['contents']))
    tile['contents'].forEach((content, index) => contents.push([content, `${pointer}/contents/${index}`]));
  for (const [content, contentPointer] of contents) {
    if (!isRecord(content) || typeof content['uri'] !== 'string') {
      messages.error(contentPointer, 'content must have a uri.');
      continue;
    }
    const contentVolume =
      content['boundingVolume'] === undefined
        ? undefined
        : parseVolume(content['boundingVolume'], `${contentPointer}/boundingVolume`, messages);
    await validateContent(content['uri'], contentPointer, {
      volumes: [
        ...(volume ? [[volume, `${pointer}/boundingVolume`] as const] : []),
        ...(contentVolume ? [[contentVolume, `${contentPointer}/boundingVolume`] as const] : []),
      ],
      world,
      loadContent,
      toleranceM,
      messages,
    });
  }

  return children.flatMap((child, index): [JsonRecord, TileContext][] => {
    const childPointer = `${pointer}/children/${index}`;
    if (!isRecord(child)) {
      messages.error(childPointer, 'a tile must be an object.');
      return [];
    }
    const childLocal = isMatrix(child['transform']) ? child['transform'] : IDENTITY;
    return [
      [
        child,
        {
          pointer: childPointer,
          world,
          parentGeometricError: typeof geometricError === 'number' ? geometricError : undefined,
          parentVolume: volume,
          local: childLocal,
        },
      ],
    ];
  });
}

async function validateContent(
  uri: string,
  pointer: string,
  context: {
    volumes: readonly (readonly [Volume, string])[];
    world: Matrix4;
    loadContent: (uri: string) => Promise<Uint8Array>;
    toleranceM: number;
    messages: MessageCollector;
  },
): Promise<void> {
  const { messages } = context;
  if (!/\.glb$/i.test(uri.split(/[?#]/)[0] ?? '')) {
    messages.warning(`${pointer}/uri`, `content ${uri} is not a GLB; it was not checked.`);
    return;
  }
  let positions: Vec3[];
  try {
    const read = readContentPositions(await context.loadContent(uri));
    positions = read.positions;
    for (const problem of read.problems) messages.error(`${pointer}/uri`, `${uri}: ${problem}`);
  } catch (error) {
    messages.error(
      `${pointer}/uri`,
      `${uri} cannot be read: ${error instanceof Error ? error.message : String(error)}`,
    );
    return;
  }
  if (positions.length === 0) messages.warning(`${pointer}/uri`, `${uri} has no vertex positions.`);
  for (const [volume, volumePointer] of context.volumes) {
    let worst = 0;
    let worstVertex = -1;
    for (const [vertex, position] of positions.entries()) {
      const outside =
        volume.kind === 'region'
          ? distanceOutsideRegion(volume.values, transformPoint(context.world, position))
          : distanceOutside(volume, position);
      if (outside > worst) {
        worst = outside;
        worstVertex = vertex;
      }
    }
    if (worst > context.toleranceM) {
      messages.error(
        volumePointer,
        `vertex ${worstVertex} of ${uri} lies ${worst.toFixed(4)} m outside the ${volume.kind}.`,
      );
    }
  }
}
