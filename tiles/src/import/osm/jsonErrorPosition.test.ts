import { describe, expect, it } from 'vitest';
import { jsonSyntaxErrorOffset, textPositionOf } from './jsonErrorPosition.ts';

describe('jsonSyntaxErrorOffset', () => {
  it('finds nothing wrong in valid JSON', () => {
    expect(jsonSyntaxErrorOffset('{"a": [1, -2.5e3, "x\\u00e4", true, null], "b": {}}')).toBeUndefined();
  });

  it.each([
    ['{"a": }', 6],
    ['{"a": 1', 7],
    ['[1, 2,]', 6],
    ['{"a": 1} x', 9],
    ['"tab\there"', 4],
    ['', 0],
  ])('places the error in %j at offset %d', (text, offset) => {
    expect(jsonSyntaxErrorOffset(text)).toBe(offset);
    expect(() => JSON.parse(text) as unknown).toThrow();
  });
});

describe('textPositionOf', () => {
  it('counts lines and columns from 1', () => {
    expect(textPositionOf('ab\ncd', 4)).toEqual({ line: 2, column: 2, offset: 4 });
  });
});
