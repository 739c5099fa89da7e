/**
 * Binary columns of an EXT_structural_metadata property table (3D Metadata "Binary Table Format"):
 * little-endian scalars, and strings as UTF-8 bytes plus `count + 1` offsets.
 *
 * Pure encode/decode so the layout is tested on its own, apart from GLB writing.
 */

/** Offset types allowed for STRING columns; the encoder picks the smallest that fits. */
export type OffsetType = 'UINT8' | 'UINT16' | 'UINT32';

/** One encoded column: `values` plus, for strings, the offsets into it. */
export interface PropertyColumn {
  readonly values: Uint8Array;
  readonly stringOffsets?: Uint8Array;
  readonly stringOffsetType?: OffsetType;
}

const OFFSET_BYTES: Readonly<Record<OffsetType, number>> = { UINT8: 1, UINT16: 2, UINT32: 4 };

/** Byte size of one offset of the given type. */
export function offsetTypeByteSize(type: OffsetType): number {
  return OFFSET_BYTES[type];
}

/**
 * Encodes a STRING column. Offsets use the smallest type that holds the total byte length, which
 * keeps tables small without any padding.
 */
export function encodeStringColumn(strings: readonly string[]): PropertyColumn {
  const encoder = new TextEncoder();
  const encoded = strings.map((text) => encoder.encode(text));
  const totalBytes = encoded.reduce((sum, bytes) => sum + bytes.byteLength, 0);
  const stringOffsetType: OffsetType =
    totalBytes <= 0xff ? 'UINT8' : totalBytes <= 0xffff ? 'UINT16' : 'UINT32';
  const offsetBytes = OFFSET_BYTES[stringOffsetType];
  const values = new Uint8Array(totalBytes);
  const stringOffsets = new Uint8Array((strings.length + 1) * offsetBytes);
  const offsetView = new DataView(stringOffsets.buffer);
  let offset = 0;
  const writeOffset = (index: number): void => {
    if (stringOffsetType === 'UINT8') offsetView.setUint8(index, offset);
    else if (stringOffsetType === 'UINT16') offsetView.setUint16(index * 2, offset, true);
    else offsetView.setUint32(index * 4, offset, true);
  };
  for (const [index, bytes] of encoded.entries()) {
    writeOffset(index);
    values.set(bytes, offset);
    offset += bytes.byteLength;
  }
  writeOffset(strings.length);
  return { values, stringOffsets, stringOffsetType };
}

/** Decodes a STRING column of `count` rows. */
export function decodeStringColumn(column: PropertyColumn, count: number): string[] {
  const { values, stringOffsets, stringOffsetType = 'UINT32' } = column;
  if (!stringOffsets) throw new Error('a STRING column needs stringOffsets');
  const offsetView = new DataView(stringOffsets.buffer, stringOffsets.byteOffset, stringOffsets.byteLength);
  const readOffset = (index: number): number =>
    stringOffsetType === 'UINT8'
      ? offsetView.getUint8(index)
      : stringOffsetType === 'UINT16'
        ? offsetView.getUint16(index * 2, true)
        : offsetView.getUint32(index * 4, true);
  const decoder = new TextDecoder();
  const strings: string[] = [];
  for (let index = 0; index < count; index++) {
    strings.push(decoder.decode(values.subarray(readOffset(index), readOffset(index + 1))));
  }
  return strings;
}

/** Encodes a FLOAT32 SCALAR column (little-endian). */
export function encodeFloat32Column(numbers: readonly number[]): PropertyColumn {
  const values = new Uint8Array(numbers.length * 4);
  const view = new DataView(values.buffer);
  for (const [index, value] of numbers.entries()) view.setFloat32(index * 4, value, true);
  return { values };
}

/** Decodes a FLOAT32 SCALAR column of `count` rows. */
export function decodeFloat32Column(column: PropertyColumn, count: number): number[] {
  const view = new DataView(column.values.buffer, column.values.byteOffset, column.values.byteLength);
  return Array.from({ length: count }, (_, index) => view.getFloat32(index * 4, true));
}

/** A 16-bit integer SCALAR component type. */
export type Int16Type = 'UINT16' | 'INT16';

/**
 * Encodes a UINT16 or INT16 SCALAR column (little-endian).
 *
 * @throws RangeError when a value is not an integer of the type's range (silent wrapping would
 *   store a wrong value).
 */
export function encodeInt16Column(numbers: readonly number[], type: Int16Type): PropertyColumn {
  const [min, max] = type === 'UINT16' ? [0, 0xffff] : [-0x8000, 0x7fff];
  const values = new Uint8Array(numbers.length * 2);
  const view = new DataView(values.buffer);
  for (const [index, value] of numbers.entries()) {
    if (!Number.isInteger(value) || value < min || value > max)
      throw new RangeError(`${type} column row ${index}: ${value} is out of range`);
    if (type === 'UINT16') view.setUint16(index * 2, value, true);
    else view.setInt16(index * 2, value, true);
  }
  return { values };
}

/** Decodes a UINT16 or INT16 SCALAR column of `count` rows. */
export function decodeInt16Column(column: PropertyColumn, count: number, type: Int16Type): number[] {
  const view = new DataView(column.values.buffer, column.values.byteOffset, column.values.byteLength);
  return Array.from({ length: count }, (_, index) =>
    type === 'UINT16' ? view.getUint16(index * 2, true) : view.getInt16(index * 2, true),
  );
}
