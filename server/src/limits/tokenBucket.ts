/**
 * Token buckets: a bucket holds up to `burst` tokens and gains `perSecond` of them each second; a
 * request takes one or is refused with the time until one is there. Keyed buckets (per socket, per
 * address) are kept in one map whose size is bounded: a full bucket carries no state worth keeping,
 * so the map drops full ones first and the oldest beyond its limit.
 */

/** A bucket's size and refill. */
export interface BucketRate {
  /** Tokens a full bucket holds: how many requests may come at once. */
  readonly burst: number;
  /** Tokens added per second: the lasting rate. */
  readonly perSecond: number;
}

/** Taken: go on; refused: wait `retryAfterMs` before the next try can succeed. */
export type TakeResult = { readonly ok: true } | { readonly ok: false; readonly retryAfterMs: number };

interface BucketState {
  tokens: number;
  atMs: number;
}

/** One bucket. */
export class TokenBucket {
  private state: BucketState;

  constructor(
    private readonly rate: BucketRate,
    nowMs: number,
  ) {
    this.state = { tokens: rate.burst, atMs: nowMs };
  }

  take(nowMs: number, cost = 1): TakeResult {
    return takeFrom(this.state, this.rate, nowMs, cost);
  }
}

function refill(state: BucketState, rate: BucketRate, nowMs: number): void {
  const elapsedS = Math.max(0, nowMs - state.atMs) / 1000;
  state.tokens = Math.min(rate.burst, state.tokens + elapsedS * rate.perSecond);
  state.atMs = nowMs;
}

function takeFrom(state: BucketState, rate: BucketRate, nowMs: number, cost: number): TakeResult {
  refill(state, rate, nowMs);
  if (state.tokens >= cost) {
    state.tokens -= cost;
    return { ok: true };
  }
  const missing = cost - state.tokens;
  const retryAfterMs = rate.perSecond > 0 ? Math.ceil((missing / rate.perSecond) * 1000) : Infinity;
  return { ok: false, retryAfterMs };
}

/** Buckets by key (an address, a socket), at most `maxKeys` of them. */
export class KeyedBuckets {
  private readonly buckets = new Map<string, BucketState>();

  constructor(
    private readonly rate: BucketRate,
    private readonly maxKeys = 100_000,
  ) {}

  /** Takes `cost` tokens from `key`'s bucket. */
  take(key: string, nowMs: number, cost = 1): TakeResult {
    let state = this.buckets.get(key);
    if (state === undefined) {
      if (this.buckets.size >= this.maxKeys) this.prune(nowMs);
      state = { tokens: this.rate.burst, atMs: nowMs };
      this.buckets.set(key, state);
    }
    return takeFrom(state, this.rate, nowMs, cost);
  }

  /** Whether `key`'s bucket has at least `cost` tokens now (takes none). */
  has(key: string, nowMs: number, cost = 1): boolean {
    const state = this.buckets.get(key);
    if (state === undefined) return this.rate.burst >= cost;
    refill(state, this.rate, nowMs);
    return state.tokens >= cost;
  }

  /** Keys held now (for tests and metrics). */
  get size(): number {
    return this.buckets.size;
  }

  /** Drops full buckets; if none was full, the oldest tenth. */
  private prune(nowMs: number): void {
    for (const [key, state] of this.buckets) {
      refill(state, this.rate, nowMs);
      if (state.tokens >= this.rate.burst) this.buckets.delete(key);
    }
    if (this.buckets.size < this.maxKeys) return;
    let drop = Math.ceil(this.maxKeys / 10);
    for (const key of this.buckets.keys()) {
      if (drop-- <= 0) break;
      this.buckets.delete(key);
    }
  }
}
