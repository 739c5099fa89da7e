/**
 * The one home of keys: staff access keys (each with an id, a role and an optional display name) and
 * the throttle on wrong keys. Every place that takes a key (the Socket.io handshake, the HTTP routes)
 * asks here; what a role may then do is `protocol/roles.ts`'s table.
 *
 * Keys are compared as SHA-256 digests with `timingSafeEqual`, every entry each time, so neither a
 * key's length nor its content leaks through the answer time. A wrong key counts against the
 * address it came from: past a small burst, every key from that address is refused for a while
 * (`throttled`), whether right or wrong, so guessing gets nowhere. Wrong keys are logged with the
 * address and the place, never the key.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Registry } from 'prom-client';
import { collectedCounter } from '../metrics.ts';
import type { StaffRole } from '../../../protocol/roles.ts';
import type { Logger } from '../logger.ts';
import type { BucketRate } from '../limits/tokenBucket.ts';
import { KeyedBuckets } from '../limits/tokenBucket.ts';

/** A staff member's key as the config gives it, resolved. */
export interface AccessKey {
  readonly id: string;
  readonly role: StaffRole;
  readonly key: string;
  /** Shown to the public (and in public payloads) instead of the key id; none: nothing is shown. */
  readonly displayName?: string | undefined;
}

/** Who a key belongs to. */
export interface StaffIdentity {
  readonly id: string;
  readonly role: StaffRole;
  readonly displayName: string | null;
}

/** What a presented key turned out to be. */
export type KeyCheck<T> =
  | { readonly kind: 'none' }
  | { readonly kind: 'known'; readonly holder: T }
  | { readonly kind: 'unknown' }
  | { readonly kind: 'throttled'; readonly retryAfterMs: number };

/** Wrong keys allowed per address: 10 at once, then one every 6 s. */
export const DEFAULT_WRONG_KEY_RATE: BucketRate = { burst: 10, perSecond: 1 / 6 };

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/** Counts wrong keys per address and refuses keys from an address that sent too many. */
export class WrongKeyThrottle {
  private readonly failures: KeyedBuckets;
  /** Addresses told once that they are throttled, so the log gets one line per episode. */
  private readonly announced = new Set<string>();
  /** Wrong keys seen since the start. */
  wrongKeys = 0;
  /** Keys refused unread because their address was throttled. */
  throttled = 0;

  constructor(
    private readonly options: {
      readonly logger: Logger;
      readonly now: () => number;
      readonly rate?: BucketRate;
    },
  ) {
    this.failures = new KeyedBuckets(options.rate ?? DEFAULT_WRONG_KEY_RATE);
  }

  /** Whether keys from `address` are refused now, and for how long. */
  blockedFor(address: string): number | undefined {
    const nowMs = this.options.now();
    if (this.failures.has(address, nowMs)) {
      this.announced.delete(address);
      return undefined;
    }
    this.throttled += 1;
    if (!this.announced.has(address)) {
      this.announced.add(address);
      if (this.announced.size > 10_000) this.announced.clear();
      this.options.logger.warn('keys from an address refused for a while: too many wrong keys', { address });
    }
    // The time until one more wrong key would be allowed.
    const rate = this.options.rate ?? DEFAULT_WRONG_KEY_RATE;
    return Math.ceil(1000 / rate.perSecond);
  }

  /** Counts a wrong key from `address` at `where` (a route, `socket handshake`). */
  wrong(address: string, where: string): void {
    this.wrongKeys += 1;
    this.failures.take(address, this.options.now());
    this.options.logger.warn('wrong key', { address, where });
  }
}

/**
 * A set of keys, each with its holder, checked through a throttle shared by every place that takes
 * keys. `check` answers `none` for no key, `known` with the holder, `unknown`, or `throttled`.
 */
export class KeySet<T> {
  private readonly entries: readonly { readonly holder: T; readonly digest: Buffer }[];

  constructor(
    entries: readonly { readonly key: string; readonly holder: T }[],
    private readonly throttle: WrongKeyThrottle,
  ) {
    this.entries = entries.map((entry) => ({ holder: entry.holder, digest: digest(entry.key) }));
  }

  check(presented: string | undefined, address: string, where: string): KeyCheck<T> {
    if (presented === undefined || presented === '') return { kind: 'none' };
    const blocked = this.throttle.blockedFor(address);
    if (blocked !== undefined) return { kind: 'throttled', retryAfterMs: blocked };
    const match = this.find(presented);
    if (match !== undefined) return { kind: 'known', holder: match };
    this.throttle.wrong(address, where);
    return { kind: 'unknown' };
  }

  /** The holder of `presented`, compared against every entry in constant time; no throttle. */
  find(presented: string): T | undefined {
    const given = digest(presented);
    let match: T | undefined;
    for (const entry of this.entries)
      if (timingSafeEqual(entry.digest, given) && match === undefined) match = entry.holder;
    return match;
  }

  get size(): number {
    return this.entries.length;
  }
}

/** The staff keys of the config: who each key is, and the name the public sees for them. */
export class AccessKeyRing {
  readonly keys: KeySet<StaffIdentity>;
  private readonly names = new Map<string, string | null>();

  constructor(keys: readonly AccessKey[], throttle: WrongKeyThrottle) {
    this.keys = new KeySet(
      keys.map((entry) => ({
        key: entry.key,
        holder: { id: entry.id, role: entry.role, displayName: entry.displayName ?? null },
      })),
      throttle,
    );
    for (const entry of keys) this.names.set(entry.id, entry.displayName ?? null);
  }

  /** Looks a presented key up (see {@link KeySet.check}). */
  check(presented: string | undefined, address: string, where: string): KeyCheck<StaffIdentity> {
    return this.keys.check(presented, address, where);
  }

  /** What someone without `staff:identities` sees of a staff id: the display name, or null. */
  publicNameOf(staffId: string | null | undefined): string | null {
    if (staffId === null || staffId === undefined) return null;
    return this.names.get(staffId) ?? null;
  }
}

/** Reports the throttle's counts in `/metrics`: wrong keys, and keys refused while throttled. */
export function registerKeyMetrics(registry: Registry, throttle: WrongKeyThrottle): void {
  collectedCounter(
    registry,
    'citytwin_wrong_keys_total',
    'Keys presented that no source or staff member has.',
    () => throttle.wrongKeys,
  );
  collectedCounter(
    registry,
    'citytwin_keys_throttled_total',
    'Keys refused unread because their address had sent too many wrong ones.',
    () => throttle.throttled,
  );
}
