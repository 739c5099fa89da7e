/**
 * A checker for the two metadata extensions of building tiles, EXT_structural_metadata and
 * EXT_mesh_features, written from their specifications (the Khronos glTF validator only reports
 * them as unsupported, and the 3D Tiles validator is not available here).
 *
 * It parses the GLB container itself, so it checks the bytes a client reads and not what glTF
 * Transform makes of them. Pure: bytes in, report out.
 *
 * Specs: https://github.com/CesiumGS/glTF/tree/main/extensions/2.0/Vendor/EXT_structural_metadata,
 * https://github.com/CesiumGS/glTF/tree/main/extensions/2.0/Vendor/EXT_mesh_features and the
 * 3D Metadata specification (https://github.com/CesiumGS/3d-tiles/tree/main/specification/Metadata).
 */

/** One finding: where (a JSON pointer into the glTF JSON; `""` is the whole file) and what. */
export interface TileMetadataMessage {
  readonly pointer: string;
  readonly message: string;
}

/** The findings for one GLB. Errors break the specification; warnings are "should"s and blind spots. */
export interface TileMetadataReport {
  readonly uri: string;
  readonly errors: readonly TileMetadataMessage[];
  readonly warnings: readonly TileMetadataMessage[];
}

/** The two chunks of a GLB. */
export interface GlbChunks {
  /** The parsed JSON chunk (not yet checked for shape). */
  readonly json: unknown;
  /** The BIN chunk, if the file has one. */
  readonly bin: Uint8Array | undefined;
  readonly jsonChunkLength: number;
}

const GLB_MAGIC = 0x46546c67; // "glTF"
const CHUNK_JSON = 0x4e4f534a; // "JSON"
const CHUNK_BIN = 0x004e4942; // "BIN\0"

/**
 * Splits a GLB into its JSON and BIN chunks.
 *
 * @throws Error naming what is wrong with the container (magic, version, lengths, chunk types).
 */
export function parseGlb(glb: Uint8Array): GlbChunks {
  const view = new DataView(glb.buffer, glb.byteOffset, glb.byteLength);
  if (glb.byteLength < 20) throw new Error(`a GLB has at least 20 bytes, got ${glb.byteLength}`);
  if (view.getUint32(0, true) !== GLB_MAGIC) throw new Error('the file does not start with "glTF"');
  const version = view.getUint32(4, true);
  if (version !== 2) throw new Error(`GLB version is ${version}, not 2`);
  const length = view.getUint32(8, true);
  if (length !== glb.byteLength)
    throw new Error(`GLB header length ${length} != file size ${glb.byteLength}`);
  const jsonChunkLength = view.getUint32(12, true);
  if (view.getUint32(16, true) !== CHUNK_JSON) throw new Error('the first GLB chunk is not JSON');
  if (20 + jsonChunkLength > glb.byteLength) throw new Error('the JSON chunk runs past the end of the file');
  let json: unknown;
  try {
    json = JSON.parse(
      new TextDecoder('utf-8', { fatal: true }).decode(glb.subarray(20, 20 + jsonChunkLength)),
    );
  } catch (error) {
    throw new Error(
      `the JSON chunk is not valid UTF-8 JSON: ${error instanceof Error ? error.message : ''}`,
      { cause: error },
    );
  }
  const binStart = 20 + jsonChunkLength;
  if (binStart === glb.byteLength) return { json, bin: undefined, jsonChunkLength };
  if (binStart + 8 > glb.byteLength) throw new Error('a chunk header runs past the end of the file');
  const binLength = view.getUint32(binStart, true);
  if (view.getUint32(binStart + 4, true) !== CHUNK_BIN) throw new Error('the second GLB chunk is not BIN');
  if (binStart + 8 + binLength > glb.byteLength)
    throw new Error('the BIN chunk runs past the end of the file');
  return { json, bin: glb.subarray(binStart + 8, binStart + 8 + binLength), jsonChunkLength };
}

/** A plain JSON object. */
export type JsonRecord = Record<string, unknown>;

/** Whether a JSON value is an object (not an array, not null). */
export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isIndex(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

function escapePointer(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** IDs of classes, properties and enums (3D Metadata). */
const ID_PATTERN = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** 3D Metadata component types: byte size, and integer range (undefined for floats). */
const COMPONENTS: Readonly<Record<string, { bytes: number; range?: readonly [number, number] }>> = {
  INT8: { bytes: 1, range: [-128, 127] },
  UINT8: { bytes: 1, range: [0, 0xff] },
  INT16: { bytes: 2, range: [-0x8000, 0x7fff] },
  UINT16: { bytes: 2, range: [0, 0xffff] },
  INT32: { bytes: 4, range: [-0x80000000, 0x7fffffff] },
  UINT32: { bytes: 4, range: [0, 0xffffffff] },
  INT64: { bytes: 8, range: [-(2 ** 63), 2 ** 63 - 1] },
  UINT64: { bytes: 8, range: [0, 2 ** 64 - 1] },
  FLOAT32: { bytes: 4 },
  FLOAT64: { bytes: 8 },
};

const OFFSET_TYPES = ['UINT8', 'UINT16', 'UINT32', 'UINT64'] as const;

/** Number of components of each 3D Metadata type (0: not a numeric type). */
const TYPE_COMPONENTS: Readonly<Record<string, number>> = {
  SCALAR: 1,
  VEC2: 2,
  VEC3: 3,
  VEC4: 4,
  MAT2: 4,
  MAT3: 9,
  MAT4: 16,
  STRING: 0,
  BOOLEAN: 0,
  ENUM: 0,
};

/** Reads one little-endian value of a 3D Metadata component type (64-bit integers as numbers). */
function readComponent(view: DataView, byteOffset: number, componentType: string): number {
  switch (componentType) {
    case 'INT8':
      return view.getInt8(byteOffset);
    case 'UINT8':
      return view.getUint8(byteOffset);
    case 'INT16':
      return view.getInt16(byteOffset, true);
    case 'UINT16':
      return view.getUint16(byteOffset, true);
    case 'INT32':
      return view.getInt32(byteOffset, true);
    case 'UINT32':
      return view.getUint32(byteOffset, true);
    case 'INT64':
      return Number(view.getBigInt64(byteOffset, true));
    case 'UINT64':
      return Number(view.getBigUint64(byteOffset, true));
    case 'FLOAT32':
      return view.getFloat32(byteOffset, true);
    default:
      return view.getFloat64(byteOffset, true);
  }
}

/** glTF accessor component types: byte size and the matching reader. */
const GLTF_COMPONENTS: Readonly<Record<number, { name: string; bytes: number; metadataType: string }>> = {
  5120: { name: 'BYTE', bytes: 1, metadataType: 'INT8' },
  5121: { name: 'UNSIGNED_BYTE', bytes: 1, metadataType: 'UINT8' },
  5122: { name: 'SHORT', bytes: 2, metadataType: 'INT16' },
  5123: { name: 'UNSIGNED_SHORT', bytes: 2, metadataType: 'UINT16' },
  5125: { name: 'UNSIGNED_INT', bytes: 4, metadataType: 'UINT32' },
  5126: { name: 'FLOAT', bytes: 4, metadataType: 'FLOAT32' },
};

/** Collects messages; shared by the metadata and the tileset checks. */
export class MessageCollector {
  public readonly errors: TileMetadataMessage[] = [];
  public readonly warnings: TileMetadataMessage[] = [];

  public error(pointer: string, message: string): void {
    this.errors.push({ pointer, message });
  }

  public warning(pointer: string, message: string): void {
    this.warnings.push({ pointer, message });
  }
}

/** Bytes of a buffer view of the GLB's BIN chunk, after checking it lies inside the buffer. */
interface ResolvedView {
  readonly index: number;
  readonly byteOffset: number;
  readonly byteStride: number | undefined;
  readonly bytes: Uint8Array;
}

/** The glTF JSON and BIN chunk with helpers to resolve references into them. */
class GltfContext {
  public readonly bufferViews: unknown[];
  public readonly accessors: unknown[];

  public constructor(
    public readonly json: JsonRecord,
    private readonly bin: Uint8Array | undefined,
    private readonly messages: MessageCollector,
  ) {
    this.bufferViews = list(json['bufferViews']);
    this.accessors = list(json['accessors']);
  }

  /**
   * Resolves a buffer view reference made at `pointer`; reports and returns undefined when the index,
   * the buffer or the byte range is wrong.
   */
  public resolveView(index: unknown, pointer: string, what: string): ResolvedView | undefined {
    if (!isIndex(index) || index >= this.bufferViews.length) {
      this.messages.error(pointer, `${what} refers to buffer view ${String(index)}, which does not exist.`);
      return undefined;
    }
    const viewDef = this.bufferViews[index];
    const viewPointer = `/bufferViews/${index}`;
    if (!isRecord(viewDef)) {
      this.messages.error(viewPointer, `buffer view ${index} (${what}) is not an object.`);
      return undefined;
    }
    const byteOffset = viewDef['byteOffset'] ?? 0;
    const byteLength = viewDef['byteLength'];
    const bufferIndex = viewDef['buffer'];
    if (!isIndex(byteOffset) || !isIndex(byteLength)) {
      this.messages.error(viewPointer, `buffer view ${index} (${what}) has no valid byteOffset/byteLength.`);
      return undefined;
    }
    const bufferDef = list(this.json['buffers'])[isIndex(bufferIndex) ? bufferIndex : -1];
    if (!isRecord(bufferDef) || bufferIndex !== 0 || bufferDef['uri'] !== undefined) {
      this.messages.error(
        pointer,
        `${what} (buffer view ${index}) must lie in the GLB's BIN buffer 0, not buffer ${String(bufferIndex)}.`,
      );
      return undefined;
    }
    const bufferLength = isIndex(bufferDef['byteLength']) ? bufferDef['byteLength'] : 0;
    const available = Math.min(bufferLength, this.bin?.byteLength ?? 0);
    if (byteOffset + byteLength > available) {
      this.messages.error(
        pointer,
        `${what} (buffer view ${index}) spans bytes ${byteOffset}..${byteOffset + byteLength} ` +
          `but the buffer has only ${available} bytes.`,
      );
      return undefined;
    }
    const byteStride = viewDef['byteStride'];
    return {
      index,
      byteOffset,
      byteStride: isIndex(byteStride) ? byteStride : undefined,
      bytes: (this.bin ?? new Uint8Array()).subarray(byteOffset, byteOffset + byteLength),
    };
  }
}

/**
 * Validates EXT_structural_metadata and EXT_mesh_features in one GLB.
 *
 * @param uri names the file in the report.
 */
export function validateTileMetadata(glb: Uint8Array, uri: string): TileMetadataReport {
  const messages = new MessageCollector();
  let chunks: GlbChunks;
  try {
    chunks = parseGlb(glb);
  } catch (error) {
    messages.error('', error instanceof Error ? error.message : String(error));
    return { uri, errors: messages.errors, warnings: messages.warnings };
  }
  if (!isRecord(chunks.json)) {
    messages.error('', 'the JSON chunk is not a JSON object.');
    return { uri, errors: messages.errors, warnings: messages.warnings };
  }
  const gltf = new GltfContext(chunks.json, chunks.bin, messages);
  const extensionsUsed = list(chunks.json['extensionsUsed']);
  const rootMetadata = isRecord(chunks.json['extensions'])
    ? chunks.json['extensions']['EXT_structural_metadata']
    : undefined;
  const usesMeshFeatures = list(chunks.json['meshes']).some(
    (mesh) =>
      isRecord(mesh) &&
      list(mesh['primitives']).some(
        (primitive) =>
          isRecord(primitive) &&
          isRecord(primitive['extensions']) &&
          primitive['extensions']['EXT_mesh_features'] !== undefined,
      ),
  );
  for (const [name, used] of [
    ['EXT_structural_metadata', rootMetadata !== undefined],
    ['EXT_mesh_features', usesMeshFeatures],
  ] as const) {
    if (used && !extensionsUsed.includes(name))
      messages.error('/extensionsUsed', `${name} is used but not listed in extensionsUsed.`);
  }
  if (list(chunks.json['extensionsRequired']).includes('EXT_structural_metadata')) {
    messages.warning(
      '/extensionsRequired',
      'EXT_structural_metadata is optional: it should be in extensionsUsed only, not extensionsRequired.',
    );
  }
  let tables: readonly unknown[] = [];
  if (rootMetadata !== undefined) {
    checkChunkPadding(chunks, rootMetadata, messages);
    tables = validateStructuralMetadata(rootMetadata, gltf, messages);
  }
  validateMeshFeatures(gltf, tables, rootMetadata !== undefined, messages);
  return { uri, errors: messages.errors, warnings: messages.warnings };
}

// ---------------------------------------------------------------------------------------------
// EXT_structural_metadata

/**
 * EXT_structural_metadata says the JSON and BIN chunks must be padded to 8 bytes, so that 64-bit
 * property values can be aligned. glTF Transform pads to 4 bytes only. A missing padding is an error
 * where the schema has a 64-bit component type (readers may then fault) and a warning otherwise
 * (no reader depends on it, but the file still breaks the rule).
 */
function checkChunkPadding(chunks: GlbChunks, rootMetadata: unknown, messages: MessageCollector): void {
  const has64Bit = /"(?:INT64|UINT64|FLOAT64)"/.test(JSON.stringify(rootMetadata));
  const report = has64Bit ? messages.error.bind(messages) : messages.warning.bind(messages);
  const lengths = [
    ['JSON', chunks.jsonChunkLength],
    ['BIN', chunks.bin?.byteLength ?? 0],
  ] as const;
  for (const [name, length] of lengths) {
    if (length % 8 !== 0) {
      report(
        '',
        `the ${name} chunk is ${length} bytes; EXT_structural_metadata requires chunks padded to a multiple of 8.`,
      );
    }
  }
}

/** A class property or a property table property, as far as value checks need it. */
interface PropertyShape {
  readonly type: string;
  readonly componentType: string | undefined;
  readonly enumValues: ReadonlyMap<string, number> | undefined;
  readonly enumValueType: string;
  readonly array: boolean;
  readonly arrayCount: number | undefined;
  readonly normalized: boolean;
}

const METADATA_POINTER = '/extensions/EXT_structural_metadata';

/** Validates the root extension; returns its property tables (for EXT_mesh_features' references). */
function validateStructuralMetadata(
  extension: unknown,
  gltf: GltfContext,
  messages: MessageCollector,
): readonly unknown[] {
  if (!isRecord(extension)) {
    messages.error(METADATA_POINTER, 'EXT_structural_metadata must be an object.');
    return [];
  }
  const tables = extension['propertyTables'];
  if (tables !== undefined && (!Array.isArray(tables) || tables.length === 0)) {
    messages.error(`${METADATA_POINTER}/propertyTables`, 'propertyTables must be a non-empty array.');
  }
  const tableList = list(tables);
  for (const key of ['propertyTextures', 'propertyAttributes']) {
    if (extension[key] !== undefined)
      messages.warning(`${METADATA_POINTER}/${key}`, `${key} are not checked by this validator.`);
  }
  const schema = extension['schema'];
  if (schema !== undefined && extension['schemaUri'] !== undefined) {
    messages.error(METADATA_POINTER, 'schema and schemaUri are mutually exclusive.');
  }
  if (schema === undefined) {
    if (extension['schemaUri'] === undefined) {
      messages.error(METADATA_POINTER, 'EXT_structural_metadata needs a schema or a schemaUri.');
    } else {
      messages.warning(
        `${METADATA_POINTER}/schemaUri`,
        'an external schema is not loaded; property tables were not checked.',
      );
    }
    return tableList;
  }
  const classes = validateSchema(schema, messages);
  if (!classes) return tableList;
  for (const [tableIndex, table] of tableList.entries()) {
    validatePropertyTable(table, `${METADATA_POINTER}/propertyTables/${tableIndex}`, classes, gltf, messages);
  }
  return tableList;
}

/** Class id -> property id -> (class property JSON, resolved shape). */
type SchemaClasses = ReadonlyMap<string, ReadonlyMap<string, { def: JsonRecord; shape: PropertyShape }>>;

function validateSchema(schema: unknown, messages: MessageCollector): SchemaClasses | undefined {
  const pointer = `${METADATA_POINTER}/schema`;
  if (!isRecord(schema)) {
    messages.error(pointer, 'schema must be an object.');
    return undefined;
  }
  const id = schema['id'];
  if (typeof id !== 'string' || !ID_PATTERN.test(id)) {
    messages.error(`${pointer}/id`, `schema id must be an identifier matching ${ID_PATTERN.source}.`);
  }
  const enums = validateEnums(schema['enums'], `${pointer}/enums`, messages);
  const classesDef = schema['classes'];
  if (!isRecord(classesDef)) {
    messages.error(`${pointer}/classes`, 'schema must have a classes object.');
    return undefined;
  }
  const classes = new Map<string, Map<string, { def: JsonRecord; shape: PropertyShape }>>();
  for (const [classId, classDef] of Object.entries(classesDef)) {
    const classPointer = `${pointer}/classes/${escapePointer(classId)}`;
    if (!ID_PATTERN.test(classId))
      messages.error(classPointer, `class id "${classId}" is not an identifier.`);
    const properties = new Map<string, { def: JsonRecord; shape: PropertyShape }>();
    classes.set(classId, properties);
    if (!isRecord(classDef)) {
      messages.error(classPointer, 'a class must be an object.');
      continue;
    }
    const propertiesDef = classDef['properties'] ?? {};
    if (!isRecord(propertiesDef)) {
      messages.error(`${classPointer}/properties`, 'class properties must be an object.');
      continue;
    }
    for (const [propertyId, propertyDef] of Object.entries(propertiesDef)) {
      const propertyPointer = `${classPointer}/properties/${escapePointer(propertyId)}`;
      if (!ID_PATTERN.test(propertyId))
        messages.error(propertyPointer, `property id "${propertyId}" is not an identifier.`);
      const shape = validateClassProperty(propertyDef, propertyPointer, enums, messages);
      if (shape && isRecord(propertyDef)) properties.set(propertyId, { def: propertyDef, shape });
    }
  }
  return classes;
}

/** Enum id -> (value type, name -> value). */
type SchemaEnums = ReadonlyMap<string, { valueType: string; values: ReadonlyMap<string, number> }>;

function validateEnums(enumsDef: unknown, pointer: string, messages: MessageCollector): SchemaEnums {
  const enums = new Map<string, { valueType: string; values: Map<string, number> }>();
  if (enumsDef === undefined) return enums;
  if (!isRecord(enumsDef)) {
    messages.error(pointer, 'enums must be an object.');
    return enums;
  }
  for (const [enumId, enumDef] of Object.entries(enumsDef)) {
    const enumPointer = `${pointer}/${escapePointer(enumId)}`;
    if (!ID_PATTERN.test(enumId)) messages.error(enumPointer, `enum id "${enumId}" is not an identifier.`);
    if (!isRecord(enumDef)) {
      messages.error(enumPointer, 'an enum must be an object.');
      continue;
    }
    const valueType = enumDef['valueType'] ?? 'UINT16';
    const range = typeof valueType === 'string' ? COMPONENTS[valueType]?.range : undefined;
    if (typeof valueType !== 'string' || !range) {
      messages.error(
        `${enumPointer}/valueType`,
        `enum valueType ${String(valueType)} is not an integer type.`,
      );
      continue;
    }
    const values = new Map<string, number>();
    const seenValues = new Set<number>();
    const valueDefs = enumDef['values'];
    if (!Array.isArray(valueDefs) || valueDefs.length === 0)
      messages.error(`${enumPointer}/values`, 'enum values must be a non-empty array.');
    for (const [index, valueDef] of list(valueDefs).entries()) {
      const valuePointer = `${enumPointer}/values/${index}`;
      const name = isRecord(valueDef) ? valueDef['name'] : undefined;
      const value = isRecord(valueDef) ? valueDef['value'] : undefined;
      if (typeof name !== 'string' || typeof value !== 'number' || !Number.isInteger(value)) {
        messages.error(valuePointer, 'an enum value needs a string name and an integer value.');
        continue;
      }
      if (value < range[0] || value > range[1])
        messages.error(`${valuePointer}/value`, `enum value ${value} does not fit valueType ${valueType}.`);
      if (values.has(name)) messages.error(`${valuePointer}/name`, `enum value name "${name}" is repeated.`);
      if (seenValues.has(value)) messages.error(`${valuePointer}/value`, `enum value ${value} is repeated.`);
      values.set(name, value);
      seenValues.add(value);
    }
    enums.set(enumId, { valueType, values });
  }
  return enums;
}

function validateClassProperty(
  def: unknown,
  pointer: string,
  enums: SchemaEnums,
  messages: MessageCollector,
): PropertyShape | undefined {
  if (!isRecord(def)) {
    messages.error(pointer, 'a class property must be an object.');
    return undefined;
  }
  const type = def['type'];
  if (typeof type !== 'string' || TYPE_COMPONENTS[type] === undefined) {
    messages.error(`${pointer}/type`, `type ${String(type)} is not a 3D Metadata type.`);
    return undefined;
  }
  const numeric = (TYPE_COMPONENTS[type] ?? 0) > 0;
  const componentType = def['componentType'];
  if (numeric) {
    if (typeof componentType !== 'string' || !COMPONENTS[componentType]) {
      messages.error(`${pointer}/componentType`, `a ${type} property needs a valid componentType.`);
      return undefined;
    }
  } else if (componentType !== undefined) {
    messages.error(`${pointer}/componentType`, `componentType does not apply to ${type} properties.`);
  }
  let enumInfo: ReturnType<SchemaEnums['get']>;
  if (type === 'ENUM') {
    const enumType = def['enumType'];
    enumInfo = typeof enumType === 'string' ? enums.get(enumType) : undefined;
    if (!enumInfo) {
      messages.error(`${pointer}/enumType`, `enumType ${String(enumType)} is not an enum of the schema.`);
      return undefined;
    }
  } else if (def['enumType'] !== undefined) {
    messages.error(`${pointer}/enumType`, `enumType applies only to ENUM properties, not ${type}.`);
  }
  const array = def['array'] === true;
  const count = def['count'];
  if (count !== undefined && (!array || !isIndex(count) || count < 2)) {
    messages.error(`${pointer}/count`, 'count is only for arrays (array: true) and must be an integer >= 2.');
  }
  const integerComponent = numeric && COMPONENTS[String(componentType)]?.range !== undefined;
  const normalized = def['normalized'] === true;
  if (normalized && !integerComponent) {
    messages.error(`${pointer}/normalized`, 'normalized applies only to integer component types.');
  }
  const shape: PropertyShape = {
    type,
    componentType: numeric ? String(componentType) : undefined,
    enumValues: enumInfo?.values,
    enumValueType: enumInfo?.valueType ?? 'UINT16',
    array,
    arrayCount: array && isIndex(count) ? count : undefined,
    normalized,
  };
  validateValueTransforms(def, pointer, shape, messages);
  const required = def['required'] === true;
  for (const key of ['noData', 'default'] as const) {
    if (def[key] === undefined) continue;
    if (required) messages.error(`${pointer}/${key}`, `${key} must not be given for a required property.`);
    if (key === 'noData' && type === 'BOOLEAN') {
      messages.error(`${pointer}/noData`, 'BOOLEAN properties cannot have a noData value.');
      continue;
    }
    // noData is a raw stored value; default is a final value (normalized ones are floats).
    const problem = valueShapeProblem(def[key], shape, key === 'default' && normalized);
    if (problem) messages.error(`${pointer}/${key}`, `${key} ${problem}`);
  }
  return shape;
}

/** Checks offset/scale/min/max of a class property or a property table property. */
function validateValueTransforms(
  def: JsonRecord,
  pointer: string,
  shape: PropertyShape,
  messages: MessageCollector,
): void {
  const numeric = shape.componentType !== undefined;
  const floating = numeric && COMPONENTS[shape.componentType ?? '']?.range === undefined;
  const fixedLength = !shape.array || shape.arrayCount !== undefined;
  for (const key of ['offset', 'scale'] as const) {
    if (def[key] === undefined) continue;
    if (!(floating || shape.normalized) || !fixedLength) {
      messages.error(
        `${pointer}/${key}`,
        `${key} is only allowed for floating-point or normalized numeric properties of fixed size.`,
      );
      continue;
    }
    const problem = valueShapeProblem(def[key], shape, true);
    if (problem) messages.error(`${pointer}/${key}`, `${key} ${problem}`);
  }
  for (const key of ['min', 'max'] as const) {
    if (def[key] === undefined) continue;
    if (!numeric || !fixedLength) {
      messages.error(`${pointer}/${key}`, `${key} is only allowed for numeric properties of fixed size.`);
      continue;
    }
    const problem = valueShapeProblem(def[key], shape, shape.normalized);
    if (problem) messages.error(`${pointer}/${key}`, `${key} ${problem}`);
  }
}

/**
 * Why a JSON value does not fit a property's structure (3D Metadata "Property Values Structure"), or
 * undefined when it fits. `asFloat`: numbers are final (transformed) values, so any finite number.
 */
function valueShapeProblem(value: unknown, shape: PropertyShape, asFloat: boolean): string | undefined {
  const element = (item: unknown): string | undefined => {
    switch (shape.type) {
      case 'STRING':
        return typeof item === 'string' ? undefined : 'must be a string';
      case 'BOOLEAN':
        return typeof item === 'boolean' ? undefined : 'must be a boolean';
      case 'ENUM':
        return typeof item === 'string' && shape.enumValues?.has(item)
          ? undefined
          : 'must be the name of a value of the enum';
      default: {
        if (typeof item !== 'number' || !Number.isFinite(item)) return 'must be a finite number';
        const range = COMPONENTS[shape.componentType ?? '']?.range;
        if (asFloat || !range) return undefined;
        return Number.isInteger(item) && item >= range[0] && item <= range[1]
          ? undefined
          : `must be an integer of ${shape.componentType}`;
      }
    }
  };
  const components = TYPE_COMPONENTS[shape.type] ?? 0;
  const single = (item: unknown): string | undefined => {
    if (components <= 1) return element(item);
    if (!Array.isArray(item) || item.length !== components)
      return `must be an array of ${components} components for ${shape.type}`;
    return item.map(element).find((problem) => problem !== undefined);
  };
  if (!shape.array) return single(value);
  if (!Array.isArray(value)) return 'must be an array for an array property';
  if (shape.arrayCount !== undefined && value.length !== shape.arrayCount)
    return `must have ${shape.arrayCount} elements`;
  return value.map(single).find((problem) => problem !== undefined);
}

function validatePropertyTable(
  table: unknown,
  pointer: string,
  classes: SchemaClasses,
  gltf: GltfContext,
  messages: MessageCollector,
): void {
  if (!isRecord(table)) {
    messages.error(pointer, 'a property table must be an object.');
    return;
  }
  const count = table['count'];
  if (!isIndex(count) || count < 1) {
    messages.error(`${pointer}/count`, `count must be an integer >= 1, got ${String(count)}.`);
    return;
  }
  const classId = table['class'];
  const classProperties = typeof classId === 'string' ? classes.get(classId) : undefined;
  if (!classProperties) {
    messages.error(`${pointer}/class`, `class ${JSON.stringify(classId)} is not a class of the schema.`);
    return;
  }
  const properties = table['properties'] ?? {};
  if (!isRecord(properties)) {
    messages.error(`${pointer}/properties`, 'properties must be an object.');
    return;
  }
  for (const [propertyId, classProperty] of classProperties) {
    if (classProperty.def['required'] === true && properties[propertyId] === undefined) {
      messages.error(
        `${pointer}/properties`,
        `required property "${propertyId}" of class "${String(classId)}" is missing.`,
      );
    }
  }
  for (const [propertyId, column] of Object.entries(properties)) {
    const columnPointer = `${pointer}/properties/${escapePointer(propertyId)}`;
    const classProperty = classProperties.get(propertyId);
    if (!classProperty) {
      messages.error(columnPointer, `"${propertyId}" is not a property of class "${String(classId)}".`);
      continue;
    }
    if (!isRecord(column)) {
      messages.error(columnPointer, 'a property table property must be an object.');
      continue;
    }
    validateValueTransforms(column, columnPointer, classProperty.shape, messages);
    validateColumn(column, columnPointer, count, classProperty, gltf, messages);
  }
}

/** Reads `length` offsets of an offset type; reports and returns undefined on a bad buffer view. */
function readOffsets(
  column: JsonRecord,
  key: 'stringOffsets' | 'arrayOffsets',
  length: number,
  pointer: string,
  gltf: GltfContext,
  messages: MessageCollector,
): number[] | undefined {
  const typeKey = key === 'stringOffsets' ? 'stringOffsetType' : 'arrayOffsetType';
  const type = column[typeKey] ?? 'UINT32';
  if (typeof type !== 'string' || !(OFFSET_TYPES as readonly string[]).includes(type)) {
    messages.error(
      `${pointer}/${typeKey}`,
      `${typeKey} ${String(type)} is not UINT8, UINT16, UINT32 or UINT64.`,
    );
    return undefined;
  }
  if (column[key] === undefined) {
    messages.error(pointer, `${key} is required for this property.`);
    return undefined;
  }
  const view = gltf.resolveView(column[key], `${pointer}/${key}`, key);
  if (!view) return undefined;
  const offsetBytes = COMPONENTS[type]?.bytes ?? 4;
  if (view.byteOffset % offsetBytes !== 0) {
    messages.error(
      `${pointer}/${key}`,
      `buffer view ${view.index} starts at byte ${view.byteOffset}, not aligned to its ${type} offsets (${offsetBytes} bytes).`,
    );
  }
  const expectedBytes = length * offsetBytes;
  if (view.bytes.byteLength !== expectedBytes) {
    messages.error(
      `${pointer}/${key}`,
      `buffer view ${view.index} has ${view.bytes.byteLength} bytes; ${length} ${type} offsets need ${expectedBytes}.`,
    );
    return undefined;
  }
  const data = new DataView(view.bytes.buffer, view.bytes.byteOffset, view.bytes.byteLength);
  const offsets = Array.from({ length }, (_, index) => readComponent(data, index * offsetBytes, type));
  if (offsets[0] !== 0) messages.error(`${pointer}/${key}`, `the first offset is ${offsets[0]}, not 0.`);
  const decreasing = offsets.findIndex((offset, index) => index > 0 && offset < (offsets[index - 1] ?? 0));
  if (decreasing > 0) {
    messages.error(
      `${pointer}/${key}`,
      `offsets decrease at index ${decreasing} (${offsets[decreasing - 1]} then ${offsets[decreasing]}).`,
    );
    return undefined;
  }
  return offsets;
}

function validateColumn(
  column: JsonRecord,
  pointer: string,
  count: number,
  classProperty: { def: JsonRecord; shape: PropertyShape },
  gltf: GltfContext,
  messages: MessageCollector,
): void {
  const { shape } = classProperty;
  const values = gltf.resolveView(column['values'], `${pointer}/values`, 'values');
  if (!values) return;
  if (shape.type !== 'STRING' && column['stringOffsets'] !== undefined)
    messages.error(`${pointer}/stringOffsets`, `stringOffsets applies only to STRING properties.`);
  const variableArray = shape.array && shape.arrayCount === undefined;
  if (!variableArray && column['arrayOffsets'] !== undefined)
    messages.error(`${pointer}/arrayOffsets`, 'arrayOffsets applies only to variable-length arrays.');

  // Number of elements in the values (arrays flattened).
  let elementCount = count * (shape.arrayCount ?? 1);
  if (variableArray) {
    const arrayOffsets = readOffsets(column, 'arrayOffsets', count + 1, pointer, gltf, messages);
    if (!arrayOffsets) return;
    elementCount = arrayOffsets.at(-1) ?? 0;
  }
  const components = TYPE_COMPONENTS[shape.type] ?? 0;
  const componentType =
    shape.type === 'ENUM'
      ? shape.enumValueType
      : shape.type === 'STRING' || shape.type === 'BOOLEAN'
        ? 'UINT8'
        : (shape.componentType ?? 'UINT8');
  const componentBytes = COMPONENTS[componentType]?.bytes ?? 1;
  if (values.byteOffset % componentBytes !== 0) {
    messages.error(
      `${pointer}/values`,
      `buffer view ${values.index} starts at byte ${values.byteOffset}, not aligned to its ${componentType} values (${componentBytes} bytes).`,
    );
  }
  const valuesLength = values.bytes.byteLength;
  const sizeProblem = (expected: number, what: string): boolean => {
    if (valuesLength === expected) return false;
    messages.error(
      `${pointer}/values`,
      `buffer view ${values.index} has ${valuesLength} bytes; ${what} need exactly ${expected}.`,
    );
    return true;
  };

  if (shape.type === 'STRING') {
    const stringOffsets = readOffsets(column, 'stringOffsets', elementCount + 1, pointer, gltf, messages);
    if (!stringOffsets) return;
    const last = stringOffsets.at(-1) ?? 0;
    if (last !== valuesLength) {
      messages.error(
        `${pointer}/stringOffsets`,
        `the last string offset is ${last} but the values buffer view ${values.index} has ${valuesLength} bytes.`,
      );
      if (last > valuesLength) return;
    }
    const decoder = new TextDecoder('utf-8', { fatal: true });
    for (let index = 0; index < elementCount; index++) {
      try {
        decoder.decode(values.bytes.subarray(stringOffsets[index] ?? 0, stringOffsets[index + 1] ?? 0));
      } catch {
        messages.error(`${pointer}/values`, `string ${index} is not valid UTF-8.`);
        return;
      }
    }
    return;
  }
  if (shape.type === 'BOOLEAN') {
    if (sizeProblem(Math.ceil(elementCount / 8), `${elementCount} bit-packed booleans`)) return;
    const unused = elementCount % 8;
    const lastByte = values.bytes[values.bytes.byteLength - 1] ?? 0;
    if (unused !== 0 && lastByte >> unused !== 0)
      messages.error(`${pointer}/values`, 'the unused bits of the last boolean byte must be 0.');
    return;
  }
  const perElement = Math.max(components, 1);
  const expected = elementCount * perElement * componentBytes;
  if (sizeProblem(expected, `${elementCount} × ${shape.type} ${componentType}`)) return;
  const data = new DataView(values.bytes.buffer, values.bytes.byteOffset, values.bytes.byteLength);
  const read = (index: number): number => readComponent(data, index * componentBytes, componentType);
  const total = elementCount * perElement;
  if (shape.type === 'ENUM') {
    const allowed = new Set(shape.enumValues?.values());
    for (let index = 0; index < total; index++) {
      if (!allowed.has(read(index))) {
        messages.error(`${pointer}/values`, `element ${index} is ${read(index)}, not a value of the enum.`);
        return;
      }
    }
    return;
  }
  if (COMPONENTS[componentType]?.range === undefined) {
    for (let index = 0; index < total; index++) {
      if (!Number.isFinite(read(index))) {
        messages.error(
          `${pointer}/values`,
          `element ${index} is ${read(index)}; NaN and infinities are not allowed.`,
        );
        return;
      }
    }
  }
  // Raw values must lie in [min, max] unless they are the noData sentinel (scalars, not normalized).
  if (shape.type === 'SCALAR' && !shape.array && !shape.normalized) {
    const noData = classProperty.def['noData'];
    const min = column['min'] ?? classProperty.def['min'];
    const max = column['max'] ?? classProperty.def['max'];
    for (let index = 0; index < total && (typeof min === 'number' || typeof max === 'number'); index++) {
      const value = read(index);
      if (value === noData) continue;
      if ((typeof min === 'number' && value < min) || (typeof max === 'number' && value > max)) {
        messages.error(
          `${pointer}/values`,
          `row ${index} is ${value}, outside [${String(min)}, ${String(max)}].`,
        );
        return;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// EXT_mesh_features

/**
 * Reads every value of a scalar or vector accessor (honouring byteStride and accessors without a
 * buffer view, which hold zeros). Reports and returns undefined on a bad reference.
 */
export function readAccessor(
  gltf: { json: JsonRecord; bin: Uint8Array | undefined },
  accessorIndex: unknown,
  pointer: string,
  messages: MessageCollector,
): { values: number[]; components: number; componentType: number; def: JsonRecord } | undefined {
  const context = new GltfContext(gltf.json, gltf.bin, messages);
  return readAccessorIn(context, accessorIndex, pointer, messages);
}

function readAccessorIn(
  gltf: GltfContext,
  accessorIndex: unknown,
  pointer: string,
  messages: MessageCollector,
): { values: number[]; components: number; componentType: number; def: JsonRecord } | undefined {
  const def = isIndex(accessorIndex) ? gltf.accessors[accessorIndex] : undefined;
  if (!isRecord(def)) {
    messages.error(pointer, `accessor ${String(accessorIndex)} does not exist.`);
    return undefined;
  }
  const componentType = def['componentType'];
  const component = typeof componentType === 'number' ? GLTF_COMPONENTS[componentType] : undefined;
  // glTF accessor types are the numeric 3D Metadata types (SCALAR, VECn, MATn).
  const components = TYPE_COMPONENTS[String(def['type'])];
  const count = def['count'];
  if (!component || !components || !isIndex(count) || typeof componentType !== 'number') {
    messages.error(
      `/accessors/${String(accessorIndex)}`,
      'accessor has no valid componentType, type or count.',
    );
    return undefined;
  }
  if (def['sparse'] !== undefined) {
    messages.warning(
      `/accessors/${String(accessorIndex)}`,
      'sparse accessors are not read by this validator.',
    );
    return undefined;
  }
  if (def['bufferView'] === undefined)
    return { values: new Array<number>(count * components).fill(0), components, componentType, def };
  const view = gltf.resolveView(
    def['bufferView'],
    `/accessors/${String(accessorIndex)}/bufferView`,
    'accessor',
  );
  if (!view) return undefined;
  const elementBytes = component.bytes * components;
  const stride = view.byteStride ?? elementBytes;
  const byteOffset = isIndex(def['byteOffset']) ? def['byteOffset'] : 0;
  if (count > 0 && byteOffset + stride * (count - 1) + elementBytes > view.bytes.byteLength) {
    messages.error(
      `/accessors/${String(accessorIndex)}`,
      `accessor of ${count} elements does not fit in buffer view ${view.index} (${view.bytes.byteLength} bytes).`,
    );
    return undefined;
  }
  const data = new DataView(view.bytes.buffer, view.bytes.byteOffset, view.bytes.byteLength);
  const values: number[] = [];
  for (let index = 0; index < count; index++) {
    for (let c = 0; c < components; c++) {
      values.push(
        readComponent(data, byteOffset + index * stride + c * component.bytes, component.metadataType),
      );
    }
  }
  return { values, components, componentType, def };
}

function validateMeshFeatures(
  gltf: GltfContext,
  tables: readonly unknown[],
  hasMetadata: boolean,
  messages: MessageCollector,
): void {
  for (const [meshIndex, mesh] of list(gltf.json['meshes']).entries()) {
    for (const [primitiveIndex, primitive] of list(isRecord(mesh) ? mesh['primitives'] : []).entries()) {
      if (!isRecord(primitive) || !isRecord(primitive['extensions'])) continue;
      const extension = primitive['extensions']['EXT_mesh_features'];
      if (extension === undefined) continue;
      const pointer = `/meshes/${meshIndex}/primitives/${primitiveIndex}/extensions/EXT_mesh_features`;
      const featureIds = isRecord(extension) ? extension['featureIds'] : undefined;
      if (!Array.isArray(featureIds) || featureIds.length === 0) {
        messages.error(`${pointer}/featureIds`, 'featureIds must be a non-empty array.');
        continue;
      }
      const attributes = isRecord(primitive['attributes']) ? primitive['attributes'] : {};
      const positionCount = isIndex(attributes['POSITION'])
        ? (gltf.accessors[attributes['POSITION']] as JsonRecord | undefined)?.['count']
        : undefined;
      for (const [setIndex, featureId] of featureIds.entries()) {
        validateFeatureIdSet(featureId, `${pointer}/featureIds/${setIndex}`, {
          gltf,
          attributes,
          positionCount,
          tables,
          hasMetadata,
          messages,
        });
      }
    }
  }
}

function validateFeatureIdSet(
  featureId: unknown,
  pointer: string,
  context: {
    gltf: GltfContext;
    attributes: JsonRecord;
    positionCount: unknown;
    tables: readonly unknown[];
    hasMetadata: boolean;
    messages: MessageCollector;
  },
): void {
  const { gltf, attributes, tables, messages } = context;
  if (!isRecord(featureId)) {
    messages.error(pointer, 'a feature id set must be an object.');
    return;
  }
  const featureCount = featureId['featureCount'];
  if (typeof featureCount !== 'number' || !Number.isInteger(featureCount) || featureCount < 1) {
    messages.error(
      `${pointer}/featureCount`,
      `featureCount must be an integer >= 1, got ${String(featureCount)}.`,
    );
  }
  const nullFeatureId = featureId['nullFeatureId'];
  if (nullFeatureId !== undefined && !isIndex(nullFeatureId))
    messages.error(`${pointer}/nullFeatureId`, 'nullFeatureId must be an integer >= 0.');
  const label = featureId['label'];
  if (label !== undefined && (typeof label !== 'string' || !ID_PATTERN.test(label)))
    messages.error(`${pointer}/label`, `label must be an identifier matching ${ID_PATTERN.source}.`);
  if (featureId['attribute'] !== undefined && featureId['texture'] !== undefined)
    messages.error(pointer, 'a feature id set has either an attribute or a texture, not both.');
  if (featureId['texture'] !== undefined)
    messages.warning(`${pointer}/texture`, 'feature id textures are not checked by this validator.');

  let tableCount: number | undefined;
  const propertyTable = featureId['propertyTable'];
  if (propertyTable !== undefined) {
    const table = isIndex(propertyTable) ? tables[propertyTable] : undefined;
    if (!context.hasMetadata || !isRecord(table)) {
      messages.error(
        `${pointer}/propertyTable`,
        `propertyTable ${String(propertyTable)} is not a property table of EXT_structural_metadata.`,
      );
    } else if (isIndex(table['count'])) {
      tableCount = table['count'];
      if (typeof featureCount === 'number' && featureCount > tableCount) {
        messages.warning(
          `${pointer}/featureCount`,
          `featureCount ${featureCount} exceeds the ${tableCount} rows of property table ${propertyTable}.`,
        );
      }
    }
  }

  const attribute = featureId['attribute'];
  if (attribute === undefined) return;
  if (!isIndex(attribute)) {
    messages.error(`${pointer}/attribute`, 'attribute must be an integer >= 0.');
    return;
  }
  const semantic = `_FEATURE_ID_${attribute}`;
  const accessorIndex = attributes[semantic];
  if (accessorIndex === undefined) {
    messages.error(`${pointer}/attribute`, `the primitive has no ${semantic} attribute.`);
    return;
  }
  const accessor = readAccessorIn(gltf, accessorIndex, `${pointer}/attribute`, messages);
  if (!accessor) return;
  const accessorPointer = `/accessors/${String(accessorIndex)}`;
  if (accessor.def['type'] !== 'SCALAR')
    messages.error(
      accessorPointer,
      `${semantic} must be a SCALAR accessor, not ${String(accessor.def['type'])}.`,
    );
  if (accessor.def['normalized'] === true)
    messages.error(`${accessorPointer}/normalized`, `${semantic} must not be normalized.`);
  if (accessor.componentType === 5125)
    messages.error(`${accessorPointer}/componentType`, 'UNSIGNED_INT is only allowed for indices in glTF.');
  if (context.positionCount !== undefined && accessor.def['count'] !== context.positionCount) {
    messages.error(
      accessorPointer,
      `${semantic} has ${String(accessor.def['count'])} values but POSITION has ${String(context.positionCount)}.`,
    );
  }
  if (accessor.def['type'] !== 'SCALAR') return;
  const distinct = new Set<number>();
  for (const [vertex, id] of accessor.values.entries()) {
    if (!Number.isInteger(id) || id < 0) {
      messages.error(`${pointer}/attribute`, `vertex ${vertex} has feature id ${id}, not an integer >= 0.`);
      return;
    }
    if (id === nullFeatureId) continue;
    if (tableCount !== undefined && id >= tableCount) {
      messages.error(
        `${pointer}/attribute`,
        `vertex ${vertex} has feature id ${id}, but property table ${String(propertyTable)} has ${tableCount} rows` +
          (nullFeatureId === undefined ? '.' : ` and nullFeatureId is ${String(nullFeatureId)}.`),
      );
      return;
    }
    distinct.add(id);
  }
  if (typeof featureCount === 'number' && distinct.size > featureCount) {
    messages.error(
      `${pointer}/featureCount`,
      `featureCount is ${featureCount} but ${semantic} holds ${distinct.size} distinct feature ids.`,
    );
  } else if (typeof featureCount === 'number' && distinct.size < featureCount) {
    messages.warning(
      `${pointer}/featureCount`,
      `featureCount is ${featureCount} but ${semantic} holds only ${distinct.size} distinct feature ids.`,
    );
  }
}
