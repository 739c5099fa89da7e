import { describe, expect, it } from 'vitest';
import {
  decodeFloat32Column,
  decodeStringColumn,
  encodeFloat32Column,
  encodeStringColumn,
} from './propertyTable.ts';

describe('encodeStringColumn', () => {
  it('round-trips UTF-8 strings, empty ones included', () => {
    const strings = ['b00001', '', 'Parkhaus Mühlgässle', '駐車場', 'b00002'];
    const column = encodeStringColumn(strings);
    expect(decodeStringColumn(column, strings.length)).toEqual(strings);
  });

  it('writes count + 1 offsets, the last one being the byte length', () => {
    const column = encodeStringColumn(['ab', '', 'cde']);
    expect(column.stringOffsetType).toBe('UINT8');
    expect(Array.from(column.stringOffsets ?? [])).toEqual([0, 2, 2, 5]);
    expect(new TextDecoder().decode(column.values)).toBe('abcde');
  });

  it('picks the smallest offset type that holds the total length', () => {
    expect(encodeStringColumn(['x'.repeat(255)]).stringOffsetType).toBe('UINT8');
    const medium = encodeStringColumn(['x'.repeat(200), 'y'.repeat(200)]);
    expect(medium.stringOffsetType).toBe('UINT16');
    expect(medium.stringOffsets?.byteLength).toBe(3 * 2);
    expect(decodeStringColumn(medium, 2)).toEqual(['x'.repeat(200), 'y'.repeat(200)]);
    const large = encodeStringColumn(['z'.repeat(70_000), 'w']);
    expect(large.stringOffsetType).toBe('UINT32');
    expect(decodeStringColumn(large, 2)[1]).toBe('w');
  });
});

describe('encodeFloat32Column', () => {
  it('stores little-endian float32 values', () => {
    const column = encodeFloat32Column([12.5, 0.1]);
    expect(column.values.byteLength).toBe(8);
    expect(new DataView(column.values.buffer).getFloat32(0, true)).toBe(12.5);
    expect(decodeFloat32Column(column, 2)).toEqual([12.5, Math.fround(0.1)]);
  });
});
