import { describe, expect, it } from 'vitest';
import { KeyedBuckets, TokenBucket } from './tokenBucket.ts';

describe('TokenBucket', () => {
  it('lets a burst through, then refuses with the time until the next token', () => {
    const bucket = new TokenBucket({ burst: 3, perSecond: 2 }, 0);
    expect([bucket.take(0), bucket.take(0), bucket.take(0)].every((r) => r.ok)).toBe(true);
    const refused = bucket.take(0);
    expect(refused).toEqual({ ok: false, retryAfterMs: 500 });
    expect(bucket.take(499).ok).toBe(false);
    expect(bucket.take(1000).ok).toBe(true);
  });

  it('never holds more than its burst after a long quiet time', () => {
    const bucket = new TokenBucket({ burst: 2, perSecond: 10 }, 0);
    const results = [0, 1, 2].map(() => bucket.take(3_600_000));
    expect(results.map((r) => r.ok)).toEqual([true, true, false]);
  });
});

describe('KeyedBuckets', () => {
  it('keeps one bucket per key', () => {
    const buckets = new KeyedBuckets({ burst: 1, perSecond: 1 });
    expect(buckets.take('a', 0).ok).toBe(true);
    expect(buckets.take('a', 0).ok).toBe(false);
    expect(buckets.take('b', 0).ok).toBe(true);
  });

  it('stays within its key limit, dropping full buckets first', () => {
    const buckets = new KeyedBuckets({ burst: 2, perSecond: 1 }, 10);
    buckets.take('busy', 0);
    buckets.take('busy', 0);
    for (let i = 0; i < 50; i += 1) buckets.take(`k${i}`, 0);
    expect(buckets.size).toBeLessThanOrEqual(10);
  });
});
