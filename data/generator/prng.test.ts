import { describe, expect, it } from 'vitest';
import { createPrng, deriveSeed } from './prng.ts';

describe('createPrng', () => {
  it('gives the same sequence for the same seed', () => {
    const a = createPrng(42);
    const b = createPrng(42);
    const first = Array.from({ length: 100 }, () => a.next());
    expect(Array.from({ length: 100 }, () => b.next())).toEqual(first);
  });

  it('gives a different sequence for a different seed', () => {
    const a = createPrng(1);
    const b = createPrng(2);
    expect(Array.from({ length: 10 }, () => b.next())).not.toEqual(
      Array.from({ length: 10 }, () => a.next()),
    );
  });

  it('keeps its first values from release to release, so committed demo data stays reproducible', () => {
    const rng = createPrng(71032);
    const values = Array.from({ length: 3 }, () => Math.round(rng.next() * 1e9));
    expect(values).toEqual([61647099, 327260542, 152579688]);
  });

  it('keeps next() in [0, 1) with a mean near one half', () => {
    const rng = createPrng(7);
    const values = Array.from({ length: 10_000 }, () => rng.next());
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    expect(values.reduce((sum, x) => sum + x, 0) / values.length).toBeCloseTo(0.5, 1);
  });

  it('draws int() from the inclusive range, reaching both ends', () => {
    const rng = createPrng(3);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) seen.add(rng.int(2, 5));
    expect([...seen].sort()).toEqual([2, 3, 4, 5]);
  });

  it('keeps range() inside its bounds', () => {
    const rng = createPrng(5);
    for (let i = 0; i < 1000; i++) {
      const x = rng.range(-3, 8);
      expect(x).toBeGreaterThanOrEqual(-3);
      expect(x).toBeLessThan(8);
    }
  });

  it('refuses to pick from an empty list', () => {
    expect(() => createPrng(1).pick([])).toThrow(/at least one/);
  });
});

describe('deriveSeed', () => {
  it('is stable for the same labels and differs for different ones', () => {
    expect(deriveSeed(71032, 'block', 3)).toBe(deriveSeed(71032, 'block', 3));
    expect(deriveSeed(71032, 'block', 3)).not.toBe(deriveSeed(71032, 'block', 4));
    expect(deriveSeed(71032, 'block', 3)).not.toBe(deriveSeed(71033, 'block', 3));
  });
});
