/**
 * How an HTTP request presents a key and what it is let do with it. Every route that takes a key
 * asks here before it reads a byte of the body: staff keys and the operator API key through
 * {@link HttpAccess}, a source's key through {@link sourceOf}. All of them go through the app's one
 * `WrongKeyThrottle`, so wrong keys count per address whichever route they came to, and a throttled
 * address gets 429 with `Retry-After`.
 */
import type { Request, RequestHandler, Response } from 'express';
import type { Role } from '../../../protocol/roles.ts';
import { can } from '../../../protocol/roles.ts';
import type { AccessKey, KeyCheck, StaffIdentity, WrongKeyThrottle } from '../auth/accessKeys.ts';
import { KeySet } from '../auth/accessKeys.ts';
import type { RouteAccess } from './routeAccess.ts';

/** Who made a request, as far as its key tells. */
export interface HttpCaller {
  /** `public` without a key; the staff member's role with one; `operator` for the operator API key. */
  readonly role: Role;
  /** The staff member whose key it was; null without one and for the operator API key. */
  readonly staff: StaffIdentity | null;
}

type KeyHolder =
  { readonly kind: 'staff'; readonly staff: StaffIdentity } | { readonly kind: 'operator-api' };

/** The key a request presents: from `Authorization: Bearer <key>`, else from `X-API-Key`. */
export function presentedKey(req: Request): string | undefined {
  const bearer = /^Bearer\s+(.+)$/i.exec(req.get('authorization') ?? '')?.[1]?.trim();
  const key = bearer ?? req.get('x-api-key')?.trim();
  return key === '' ? undefined : key;
}

/** The address wrong keys count against: `req.ip`, which follows the `trust proxy` setting. */
export function clientAddress(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

/** Where a key was presented, for the wrong-key log line. */
const whereOf = (route: RouteAccess): string => `${route.method} ${route.path}`;

/**
 * Answers a key that was not taken: 429 with `Retry-After` for a throttled address, 401 for a wrong
 * key. Neither answer repeats the key.
 */
function refuseKey(res: Response, check: KeyCheck<unknown>, unknownMessage: string): void {
  if (check.kind === 'throttled') {
    const retryAfterS = Math.max(1, Math.ceil(check.retryAfterMs / 1000));
    res
      .status(429)
      .setHeader('Retry-After', String(retryAfterS))
      .json({ error: `too many wrong keys from this address; try again in ${retryAfterS} s` });
    return;
  }
  res.status(401).json({ error: unknownMessage });
}

/**
 * The source whose key a request presents, or undefined after answering 401 (no key, unknown key)
 * or 429 (throttled address).
 */
export function sourceOf<T>(keys: KeySet<T>, route: RouteAccess, req: Request, res: Response): T | undefined {
  const check = keys.check(presentedKey(req), clientAddress(req), whereOf(route));
  if (check.kind === 'known') return check.holder;
  if (check.kind === 'none') {
    res.status(401).json({ error: 'send the source\'s API key as "Authorization: Bearer <key>"' });
    return undefined;
  }
  refuseKey(res, check, 'unknown API key');
  return undefined;
}

/** Staff keys (and the operator API key) on HTTP, and the capability check of a declared route. */
export class HttpAccess {
  private readonly keys: KeySet<KeyHolder>;
  private readonly operatorApiKeySet: boolean;
  private readonly staffRoles: readonly Role[];

  constructor(options: {
    readonly staffKeys: readonly AccessKey[];
    /** The operator API key of the config; undefined when it is off. */
    readonly operatorApiKey: string | undefined;
    readonly throttle: WrongKeyThrottle;
  }) {
    const entries: { key: string; holder: KeyHolder }[] = options.staffKeys.map((entry) => ({
      key: entry.key,
      holder: {
        kind: 'staff',
        staff: { id: entry.id, role: entry.role, displayName: entry.displayName ?? null },
      },
    }));
    if (options.operatorApiKey !== undefined)
      entries.push({ key: options.operatorApiKey, holder: { kind: 'operator-api' } });
    this.keys = new KeySet(entries, options.throttle);
    this.operatorApiKeySet = options.operatorApiKey !== undefined;
    this.staffRoles = options.staffKeys.map((entry) => entry.role);
  }

  /** Whether any configured key could open `route` (a route no key opens is off). */
  anyKeyOpens(route: RouteAccess): boolean {
    const access = route.access;
    if (!('capability' in access)) return false;
    if ('operatorApiKey' in access && access.operatorApiKey && this.operatorApiKeySet) return true;
    return this.staffRoles.some((role) => can(role, access.capability));
  }

  /**
   * The caller of `req` when it may use `route`; otherwise undefined after answering 401 (no key
   * where one is needed, an unknown key), 403 (a key whose role lacks the capability) or 429.
   */
  authorize(route: RouteAccess, req: Request, res: Response): HttpCaller | undefined {
    const access = route.access;
    if (!('capability' in access))
      throw new Error(`route ${whereOf(route)} takes source keys, not staff keys`);
    const check = this.keys.check(presentedKey(req), clientAddress(req), whereOf(route));
    if (check.kind === 'none') {
      if (can('public', access.capability)) return { role: 'public', staff: null };
      res.status(401).json({
        error: `to ${route.purpose}, send an access key with ${access.capability} as "Authorization: Bearer <key>"`,
      });
      return undefined;
    }
    if (check.kind !== 'known') {
      refuseKey(res, check, 'unknown access key');
      return undefined;
    }
    const holder = check.holder;
    if (holder.kind === 'operator-api') {
      if ('operatorApiKey' in access && access.operatorApiKey) return { role: 'operator', staff: null };
    } else if (can(holder.staff.role, access.capability)) {
      return { role: holder.staff.role, staff: holder.staff };
    }
    res.status(403).json({ error: `this key may not ${route.purpose} (it lacks ${access.capability})` });
    return undefined;
  }

  /** Middleware: answers a refused request, or passes on with the caller in `res.locals`. */
  guard(route: RouteAccess): RequestHandler {
    return (req, res, next) => {
      const caller = this.authorize(route, req, res);
      if (caller === undefined) return;
      res.locals.caller = caller;
      next();
    };
  }
}

/** The caller a {@link HttpAccess.guard} let through. */
export function callerOf(res: Response): HttpCaller {
  const caller = res.locals.caller as HttpCaller | undefined;
  if (caller === undefined) throw new Error('the route has no access guard before its handler');
  return caller;
}
