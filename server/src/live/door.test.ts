import { describe, expect, it } from 'vitest';
import { DEFAULT_SHAPE_LIMITS } from '../../../protocol/index.ts';
import { shapeProblem } from './door.ts';

const limits = { depth: 4, keys: 3, array: 5, string: 10, nodes: 50 };

function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i += 1) value = [value];
  return value;
}

describe('shapeProblem', () => {
  it('takes payloads within every bound', () => {
    expect(shapeProblem({ a: [1, 2, 'abc'], b: { c: null } }, limits)).toBeUndefined();
    expect(shapeProblem('ten chars!', limits)).toBeUndefined();
    expect(shapeProblem(nested(4), limits)).toBeUndefined();
  });

  it('names the first bound a payload exceeds', () => {
    expect(shapeProblem(nested(5), limits)).toBe('nested deeper than 4 levels');
    expect(shapeProblem({ a: 1, b: 2, c: 3, d: 4 }, limits)).toBe('an object with more than 3 fields');
    expect(shapeProblem([1, 2, 3, 4, 5, 6], limits)).toBe('a list of more than 5 items');
    expect(shapeProblem({ a: 'eleven chars' }, limits)).toBe('a text longer than 10 characters');
    expect(shapeProblem({ 'a-very-long-key': 1 }, limits)).toBe('a field name longer than 10 characters');
    const wide = [
      [1, 2, 3, 4, 5],
      [1, 2, 3, 4, 5],
      [1, 2, 3, 4, 5],
      [1, 2, 3, 4, 5],
      [1, 2, 3, 4, 5],
    ];
    expect(shapeProblem({ a: wide, b: wide }, limits)).toBe('more than 50 values');
  });

  it('refuses field names that reach for prototypes, however they arrive', () => {
    for (const text of [
      '{"__proto__": {"polluted": true}}',
      '{"a": {"constructor": {"prototype": {"polluted": true}}}}',
      '[{"prototype": 1}]',
    ])
      expect(shapeProblem(JSON.parse(text), DEFAULT_SHAPE_LIMITS)).toBe(
        'a field named __proto__, constructor or prototype',
      );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses values JSON cannot carry (a Buffer, a Date)', () => {
    expect(shapeProblem({ data: Buffer.alloc(4) }, DEFAULT_SHAPE_LIMITS)).toBe(
      'a value of a kind JSON does not have',
    );
    expect(shapeProblem([new Date(0)], DEFAULT_SHAPE_LIMITS)).toBe('a value of a kind JSON does not have');
  });

  it('walks a deep payload without recursion and stops at the bound', () => {
    // 100,000 levels would overflow a recursive walk's stack; the bound stops this one at once.
    expect(shapeProblem(nested(100_000), DEFAULT_SHAPE_LIMITS)).toBe(
      `nested deeper than ${DEFAULT_SHAPE_LIMITS.depth} levels`,
    );
  });
});
