/**
 * The shape of a glTF 2.0 model (GLB, or glTF JSON with its buffers embedded as data URIs): every
 * triangle of the default scene's meshes, with the nodes' transforms applied, in the model's own
 * axes (glTF: y up, metres). Materials, textures and animations are not read; a planner's model is
 * placed and measured by its shape. Pure: bytes in, triangles out.
 */

/** A model that cannot be read, with the reason in words a planner can act on. */
export class GltfShapeError extends Error {
  override readonly name = 'GltfShapeError';
}

export interface GltfShape {
  /** x, y, z per vertex in the model's axes (y up), every node transform applied. */
  readonly positions: Float64Array;
  /** Three vertex indices per triangle. */
  readonly indices: Uint32Array;
  /** What was left out (lines, points, unsupported primitives), one sentence each. */
  readonly notes: string[];
}

type Json = Record<string, unknown>;
type Mat4 = number[];

const GLB_MAGIC = 0x46546c67; // "glTF"
const CHUNK_JSON = 0x4e4f534a;
const CHUNK_BIN = 0x004e4942;
/** Extensions that change how geometry is stored: without a decoder the triangles cannot be read. */
const GEOMETRY_EXTENSIONS: Readonly<Record<string, string>> = {
  KHR_draco_mesh_compression: 'Draco-compressed',
  EXT_meshopt_compression: 'meshopt-compressed',
  KHR_mesh_quantization: 'quantized (KHR_mesh_quantization)',
};
const COMPONENT_BYTES: Readonly<Record<number, number>> = {
  5120: 1,
  5121: 1,
  5122: 2,
  5123: 2,
  5125: 4,
  5126: 4,
};
const TYPE_COMPONENTS: Readonly<Record<string, number>> = { SCALAR: 1, VEC2: 2, VEC3: 3, VEC4: 4 };

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const arrayOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

const IDENTITY: Mat4 = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];

/** Column-major 4×4 product a·b. */
function multiply(a: Mat4, b: Mat4): Mat4 {
  const out = new Array<number>(16).fill(0);
  for (let col = 0; col < 4; col += 1)
    for (let row = 0; row < 4; row += 1) {
      let sum = 0;
      for (let k = 0; k < 4; k += 1) sum += (a[k * 4 + row] as number) * (b[col * 4 + k] as number);
      out[col * 4 + row] = sum;
    }
  return out;
}

/** A node's local matrix: `matrix`, else translation · rotation · scale. */
function localMatrix(node: Json): Mat4 {
  const matrix = arrayOf(node.matrix);
  if (matrix.length === 16 && matrix.every((v) => typeof v === 'number')) return matrix as number[];
  const t = arrayOf(node.translation) as number[];
  const r = arrayOf(node.rotation) as number[];
  const s = arrayOf(node.scale) as number[];
  const [tx, ty, tz] = t.length === 3 ? t : [0, 0, 0];
  const [x, y, z, w] = r.length === 4 ? r : [0, 0, 0, 1];
  const [sx, sy, sz] = s.length === 3 ? s : [1, 1, 1];
  const [qx, qy, qz, qw] = [x as number, y as number, z as number, w as number];
  // Rotation matrix of a unit quaternion, columns scaled.
  return [
    (1 - 2 * (qy * qy + qz * qz)) * (sx as number),
    2 * (qx * qy + qz * qw) * (sx as number),
    2 * (qx * qz - qy * qw) * (sx as number),
    0,
    2 * (qx * qy - qz * qw) * (sy as number),
    (1 - 2 * (qx * qx + qz * qz)) * (sy as number),
    2 * (qy * qz + qx * qw) * (sy as number),
    0,
    2 * (qx * qz + qy * qw) * (sz as number),
    2 * (qy * qz - qx * qw) * (sz as number),
    (1 - 2 * (qx * qx + qy * qy)) * (sz as number),
    0,
    tx as number,
    ty as number,
    tz as number,
    1,
  ];
}

/** The JSON part and the binary chunk of a GLB, or the JSON of a .gltf file. */
function splitContainer(bytes: Uint8Array): { json: Json; bin: Uint8Array | undefined } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength >= 12 && view.getUint32(0, true) === GLB_MAGIC) {
    const version = view.getUint32(4, true);
    if (version !== 2) throw new GltfShapeError(`a GLB of version ${version}; only glTF 2.0 is read`);
    const declared = view.getUint32(8, true);
    if (declared > bytes.byteLength)
      throw new GltfShapeError(`the GLB says it has ${declared} bytes but the file has ${bytes.byteLength}`);
    let offset = 12;
    let json: Json | undefined;
    let bin: Uint8Array | undefined;
    while (offset + 8 <= declared) {
      const length = view.getUint32(offset, true);
      const type = view.getUint32(offset + 4, true);
      const start = offset + 8;
      if (start + length > declared)
        throw new GltfShapeError(`a GLB chunk at byte ${offset} runs past the end`);
      const chunk = bytes.subarray(start, start + length);
      if (type === CHUNK_JSON && json === undefined) json = parseJson(new TextDecoder().decode(chunk));
      else if (type === CHUNK_BIN && bin === undefined) bin = chunk;
      offset = start + length + ((4 - (length % 4)) % 4);
    }
    if (json === undefined) throw new GltfShapeError('the GLB has no JSON chunk');
    return { json, bin };
  }
  return { json: parseJson(new TextDecoder().decode(bytes)), bin: undefined };
}

function parseJson(text: string): Json {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new GltfShapeError(`the glTF JSON cannot be read: ${(error as Error).message}`);
  }
  if (!isObject(value)) throw new GltfShapeError('the glTF JSON is not an object');
  return value;
}

function decodeDataUri(uri: string, index: number): Uint8Array {
  const match = /^data:[^;,]*(;base64)?,(.*)$/s.exec(uri);
  if (!match) {
    throw new GltfShapeError(
      `buffer ${index} is the separate file "${uri.slice(0, 80)}"; export the model as one GLB file (or glTF with embedded buffers)`,
    );
  }
  const body = match[2] ?? '';
  return match[1]
    ? new Uint8Array(Buffer.from(body, 'base64'))
    : new TextEncoder().encode(decodeURIComponent(body));
}

/** Reads the triangles of a glTF 2.0 model. Throws {@link GltfShapeError} when it cannot. */
export function readGltfShape(bytes: Uint8Array): GltfShape {
  const { json, bin } = splitContainer(bytes);
  const asset = isObject(json.asset) ? json.asset : undefined;
  const version = typeof asset?.version === 'string' ? asset.version : undefined;
  if (version === undefined || !version.startsWith('2.')) {
    throw new GltfShapeError(`not a glTF 2.0 model (asset.version is ${version ?? 'missing'})`);
  }
  for (const name of arrayOf(json.extensionsRequired)) {
    const what = typeof name === 'string' ? GEOMETRY_EXTENSIONS[name] : undefined;
    if (what) throw new GltfShapeError(`the model's geometry is ${what}; export it without compression`);
  }
  const buffers = arrayOf(json.buffers).map((buffer, index) => {
    if (!isObject(buffer)) throw new GltfShapeError(`buffer ${index} is not an object`);
    if (typeof buffer.uri === 'string') return decodeDataUri(buffer.uri, index);
    if (bin === undefined)
      throw new GltfShapeError(`buffer ${index} has no data (no uri and no GLB binary chunk)`);
    return bin;
  });
  const bufferViews = arrayOf(json.bufferViews);
  const accessors = arrayOf(json.accessors);
  const meshes = arrayOf(json.meshes);
  const nodes = arrayOf(json.nodes);
  const notes: string[] = [];

  const readAccessor = (index: unknown, what: string): { values: Float64Array; components: number } => {
    const accessor = typeof index === 'number' ? accessors[index] : undefined;
    if (!isObject(accessor)) throw new GltfShapeError(`${what}: accessor ${String(index)} does not exist`);
    if (accessor.sparse !== undefined) throw new GltfShapeError(`${what}: sparse accessors are not read`);
    const components = TYPE_COMPONENTS[String(accessor.type)];
    const componentType = Number(accessor.componentType);
    const size = COMPONENT_BYTES[componentType];
    const count = Number(accessor.count);
    if (components === undefined || size === undefined || !Number.isInteger(count) || count < 0)
      throw new GltfShapeError(`${what}: accessor ${index} has an unknown type or count`);
    const values = new Float64Array(count * components);
    if (accessor.bufferView === undefined) return { values, components }; // all zeros, as the spec says
    const bufferView = bufferViews[Number(accessor.bufferView)];
    if (!isObject(bufferView))
      throw new GltfShapeError(`${what}: bufferView ${String(accessor.bufferView)} does not exist`);
    const buffer = buffers[Number(bufferView.buffer)];
    if (buffer === undefined)
      throw new GltfShapeError(`${what}: buffer ${String(bufferView.buffer)} does not exist`);
    const start = Number(bufferView.byteOffset ?? 0) + Number(accessor.byteOffset ?? 0);
    const stride = Number(bufferView.byteStride ?? 0) || components * size;
    const end = start + (count - 1) * stride + components * size;
    const viewEnd = Number(bufferView.byteOffset ?? 0) + Number(bufferView.byteLength);
    if (count > 0 && (end > viewEnd || end > buffer.byteLength))
      throw new GltfShapeError(`${what}: accessor ${index} reads past the end of its buffer`);
    const data = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    for (let i = 0; i < count; i += 1) {
      for (let c = 0; c < components; c += 1) {
        const at = start + i * stride + c * size;
        const value =
          componentType === 5126
            ? data.getFloat32(at, true)
            : componentType === 5125
              ? data.getUint32(at, true)
              : componentType === 5123
                ? data.getUint16(at, true)
                : componentType === 5122
                  ? data.getInt16(at, true)
                  : componentType === 5121
                    ? data.getUint8(at)
                    : data.getInt8(at);
        values[i * components + c] = value;
      }
    }
    return { values, components };
  };

  const positions: number[] = [];
  const indices: number[] = [];
  const visit = (nodeIndex: number, parent: Mat4, depth: number) => {
    const node = nodes[nodeIndex];
    if (!isObject(node) || depth > 64) return;
    const world = multiply(parent, localMatrix(node));
    const mesh = typeof node.mesh === 'number' ? meshes[node.mesh] : undefined;
    if (isObject(mesh)) {
      for (const [p, primitive] of arrayOf(mesh.primitives).entries()) {
        if (!isObject(primitive) || !isObject(primitive.attributes)) continue;
        const mode = Number(primitive.mode ?? 4);
        const label = `mesh ${String(node.mesh)} primitive ${p}`;
        if (mode < 4 || mode > 6) {
          notes.push(`${label}: points or lines (mode ${mode}) are left out`);
          continue;
        }
        const position = readAccessor(primitive.attributes.POSITION, `${label} POSITION`);
        if (position.components !== 3) throw new GltfShapeError(`${label}: POSITION is not VEC3`);
        const vertexCount = position.values.length / 3;
        const base = positions.length / 3;
        for (let i = 0; i < vertexCount; i += 1) {
          const x = position.values[i * 3] as number;
          const y = position.values[i * 3 + 1] as number;
          const z = position.values[i * 3 + 2] as number;
          positions.push(
            (world[0] as number) * x +
              (world[4] as number) * y +
              (world[8] as number) * z +
              (world[12] as number),
            (world[1] as number) * x +
              (world[5] as number) * y +
              (world[9] as number) * z +
              (world[13] as number),
            (world[2] as number) * x +
              (world[6] as number) * y +
              (world[10] as number) * z +
              (world[14] as number),
          );
        }
        const order =
          primitive.indices === undefined
            ? Array.from({ length: vertexCount }, (_, i) => i)
            : Array.from(readAccessor(primitive.indices, `${label} indices`).values);
        if (order.some((i) => i >= vertexCount))
          throw new GltfShapeError(`${label}: an index points past the last vertex`);
        // A mirroring transform turns the winding round; keep triangles facing out.
        const det =
          (world[0] as number) *
            ((world[5] as number) * (world[10] as number) - (world[9] as number) * (world[6] as number)) -
          (world[4] as number) *
            ((world[1] as number) * (world[10] as number) - (world[9] as number) * (world[2] as number)) +
          (world[8] as number) *
            ((world[1] as number) * (world[6] as number) - (world[5] as number) * (world[2] as number));
        const push = (a: number, b: number, c: number) => {
          if (a === b || b === c || a === c) return;
          if (det < 0) indices.push(base + a, base + c, base + b);
          else indices.push(base + a, base + b, base + c);
        };
        if (mode === 4)
          for (let i = 0; i + 2 < order.length; i += 3)
            push(order[i] as number, order[i + 1] as number, order[i + 2] as number);
        else if (mode === 5)
          for (let i = 0; i + 2 < order.length; i += 1)
            if (i % 2 === 0) push(order[i] as number, order[i + 1] as number, order[i + 2] as number);
            else push(order[i + 1] as number, order[i] as number, order[i + 2] as number);
        else
          for (let i = 1; i + 1 < order.length; i += 1)
            push(order[0] as number, order[i] as number, order[i + 1] as number);
      }
    }
    for (const child of arrayOf(node.children)) if (typeof child === 'number') visit(child, world, depth + 1);
  };

  const scenes = arrayOf(json.scenes);
  const scene = scenes[typeof json.scene === 'number' ? json.scene : 0];
  const roots = isObject(scene)
    ? arrayOf(scene.nodes).filter((n): n is number => typeof n === 'number')
    : // No scene: every node that is nobody's child.
      (() => {
        const children = new Set(nodes.flatMap((n) => (isObject(n) ? arrayOf(n.children) : [])));
        return nodes.map((_, i) => i).filter((i) => !children.has(i));
      })();
  for (const root of roots) visit(root, IDENTITY, 0);
  if (indices.length === 0) throw new GltfShapeError('the model has no triangles');
  return { positions: Float64Array.from(positions), indices: Uint32Array.from(indices), notes };
}
