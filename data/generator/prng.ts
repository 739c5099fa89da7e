/**
 * A small seeded pseudo-random number generator (sfc32, seeded through splitmix32). Only integer
 * arithmetic with `Math.imul` and `>>> 0`, so the sequence is the same on every platform and Node
 * version: the demo pack must come out byte-identical from the same seed.
 */

/** A stream of pseudo-random numbers; every method advances it. */
export interface Prng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [minInclusive, maxExclusive). */
  range(minInclusive: number, maxExclusive: number): number;
  /** Uniform integer in [minInclusive, maxInclusive]. */
  int(minInclusive: number, maxInclusive: number): number;
  /** True with probability `probability`. */
  chance(probability: number): boolean;
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
}

/** 32-bit FNV-1a of a string, used to turn labels into seeds. */
function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/**
 * A seed for an independent sub-stream, e.g. one per block, so that changing how many numbers one
 * block draws does not shift every block after it.
 */
export function deriveSeed(seed: number, ...labels: readonly (string | number)[]): number {
  return fnv1a32(`${seed >>> 0}/${labels.join('/')}`);
}

/** Creates a generator; the same seed always gives the same sequence. */
export function createPrng(seed: number): Prng {
  // splitmix32 spreads a small or similar seed over the four words of the sfc32 state.
  let mixState = seed >>> 0;
  const splitmix32 = (): number => {
    mixState = (mixState + 0x9e3779b9) >>> 0;
    let z = mixState;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix32();
  let b = splitmix32();
  let c = splitmix32();
  let d = splitmix32();

  const nextUint32 = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  // The first outputs of sfc32 are still correlated with the seed; discard a few.
  for (let i = 0; i < 12; i++) nextUint32();

  const next = (): number => nextUint32() / 4294967296;
  return {
    next,
    range: (minInclusive, maxExclusive) => minInclusive + (maxExclusive - minInclusive) * next(),
    int: (minInclusive, maxInclusive) =>
      minInclusive + Math.floor(next() * (maxInclusive - minInclusive + 1)),
    chance: (probability) => next() < probability,
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new Error('pick() needs at least one item');
      return items[Math.floor(next() * items.length)] as T;
    },
  };
}
