/**
 * The one door of every client → server event. `eventGate.ts` has already refused, unread, what the
 * packet's text gives away (undeclared, binary, over budget, not allowed, over the rate); here the
 * parsed payload is walked once against the event's shape bounds (depth, keys, list items, text
 * length, values in all, and field names that reach for prototypes), parsed with the event's schema,
 * the capability is checked again, and the domain's handler answers. A refused call gets a short
 * error code and a sentence that names what was wrong, never an echo of the input. Every refusal
 * counts against the socket; a socket that keeps offending is disconnected.
 *
 * Handlers are one function per event for all sockets (Socket.io calls a listener with the socket as
 * `this`): thousands of viewers must not each carry closures of their own.
 */
import type { z } from 'zod';
import type {
  Ack,
  Capability,
  ClientEvent,
  CostClass,
  ErrorCode,
  ShapeLimits,
} from '../../../protocol/index.ts';
import { CLIENT_EVENTS, ERROR_CODES, can, shapeLimitsOf, zodErrorText } from '../../../protocol/index.ts';
import type { Logger } from '../logger.ts';
import type { AppMetrics } from '../metrics.ts';
import type { BucketRate, TakeResult } from '../limits/tokenBucket.ts';
import { KeyedBuckets, TokenBucket } from '../limits/tokenBucket.ts';
import type { ConnectionGate } from './eventGate.ts';
import { REFUSED_EVENT, RefusedPayload } from './eventGate.ts';
import type { LiveSocket } from './liveTypes.ts';

/** A request a handler turns down, with the code the caller gets. */
export class RequestError extends Error {
  override name = 'RequestError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** The parsed payload an event's handler gets. */
export type PayloadOf<E extends ClientEvent> = (typeof CLIENT_EVENTS)[E]['payload'] extends z.ZodType
  ? z.output<(typeof CLIENT_EVENTS)[E]['payload']>
  : undefined;

/** What an event's handler answers (the data of its `Ack`). */
export type AnswerOf<E extends ClientEvent> = (typeof CLIENT_EVENTS)[E]['ack'] extends z.ZodType
  ? z.input<(typeof CLIENT_EVENTS)[E]['ack']>
  : void;

/** An event's handler: the socket it came from and its parsed payload; throws {@link RequestError} to refuse. */
export type Handler<E extends ClientEvent> = (
  socket: LiveSocket,
  payload: PayloadOf<E>,
) => AnswerOf<E> | Promise<AnswerOf<E>>;

/** A handler for some events: each domain module gives one for its events. */
export type Handlers<E extends ClientEvent> = { readonly [K in E]: Handler<K> };

/** Rates of one cost class: per socket, and per address (all sockets from one address together). */
export interface CostRate {
  readonly socket: BucketRate;
  readonly address: BucketRate;
}

/** The door's limits. */
export interface DoorLimits {
  readonly rates: Readonly<Record<CostClass, CostRate>>;
  /** Whether the per-address buckets apply (off where many clients share an address by design: benches). */
  readonly perAddress: boolean;
  /** Refusals a socket may collect at once, and how fast they are forgiven, before it is disconnected. */
  readonly strikes: BucketRate;
}

/**
 * Default rates. Light requests (subscriptions, lists) come with panning and clicking; the history
 * is asked as the timeline moves; writes are staff saving; comments are the public writing. An
 * address gets several sockets' worth: a town hall or a kiosk network shares one.
 */
export const DEFAULT_DOOR_LIMITS: DoorLimits = {
  rates: {
    light: { socket: { burst: 40, perSecond: 10 }, address: { burst: 400, perSecond: 100 } },
    history: { socket: { burst: 60, perSecond: 15 }, address: { burst: 240, perSecond: 60 } },
    write: { socket: { burst: 20, perSecond: 2 }, address: { burst: 100, perSecond: 10 } },
    comment: { socket: { burst: 3, perSecond: 1 / 30 }, address: { burst: 10, perSecond: 1 / 15 } },
  },
  perAddress: true,
  strikes: { burst: 20, perSecond: 0.5 },
};

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * What is wrong with `value`'s shape, or undefined when it keeps within `limits`. One iterative
 * walk, stopping at the first excess: its cost is bounded by the limits, not by the input.
 */
export function shapeProblem(value: unknown, limits: ShapeLimits): string | undefined {
  let nodes = 0;
  const stack: unknown[] = [value];
  const depths: number[] = [0];
  while (stack.length > 0) {
    const item = stack.pop();
    const depth = depths.pop() as number;
    if (++nodes > limits.nodes) return `more than ${limits.nodes} values`;
    if (typeof item === 'string') {
      if (item.length > limits.string) return `a text longer than ${limits.string} characters`;
      continue;
    }
    if (item === null || typeof item !== 'object') continue;
    if (depth >= limits.depth) return `nested deeper than ${limits.depth} levels`;
    if (Array.isArray(item)) {
      if (item.length > limits.array) return `a list of more than ${limits.array} items`;
      for (let i = item.length - 1; i >= 0; i -= 1) {
        stack.push(item[i]);
        depths.push(depth + 1);
      }
      continue;
    }
    if (Object.getPrototypeOf(item) !== Object.prototype) return 'a value of a kind JSON does not have';
    const keys = Object.keys(item);
    if (keys.length > limits.keys) return `an object with more than ${limits.keys} fields`;
    for (const key of keys) {
      if (FORBIDDEN_KEYS.has(key)) return 'a field named __proto__, constructor or prototype';
      if (key.length > limits.string) return `a field name longer than ${limits.string} characters`;
      stack.push((item as Record<string, unknown>)[key]);
      depths.push(depth + 1);
    }
  }
  return undefined;
}

const KNOWN_CODES: ReadonlySet<string> = new Set(ERROR_CODES);

/** The code and message of an error a service threw on purpose (any error class with a known `code`). */
function refusalOf(error: unknown): { code: ErrorCode; message: string; retryAfterMs?: number } | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string' || !KNOWN_CODES.has(code)) return undefined;
  const retryAfterMs = (error as { retryAfterMs?: unknown }).retryAfterMs;
  return {
    code: code as ErrorCode,
    message: error.message,
    ...(typeof retryAfterMs === 'number' ? { retryAfterMs } : {}),
  };
}

type AckFn = (answer: Ack<unknown>) => void;

/** One socket's standing at the door: its rights, its buckets, its offences. */
export class SocketGuard implements ConnectionGate {
  private readonly buckets = new Map<CostClass, TokenBucket>();
  private readonly strikes: TokenBucket;
  /** Refusals so far, by code (for the log line when it is disconnected). */
  readonly refusals = new Map<string, number>();

  constructor(
    private readonly door: Door,
    readonly role: string,
    readonly address: string,
  ) {
    this.strikes = new TokenBucket(door.limits.strikes, door.now());
  }

  can(capability: Capability): boolean {
    return can(this.role, capability);
  }

  take(cost: CostClass): TakeResult {
    const nowMs = this.door.now();
    const rate = this.door.limits.rates[cost];
    let bucket = this.buckets.get(cost);
    if (bucket === undefined) this.buckets.set(cost, (bucket = new TokenBucket(rate.socket, nowMs)));
    const own = bucket.take(nowMs);
    if (!own.ok || !this.door.limits.perAddress) return own;
    return this.door.addressBuckets(cost).take(this.address, nowMs);
  }

  /** Counts an offence; false once the socket has offended too often and must go. */
  strike(code: string): boolean {
    this.refusals.set(code, (this.refusals.get(code) ?? 0) + 1);
    return this.strikes.take(this.door.now()).ok;
  }
}

export interface DoorOptions {
  readonly logger: Logger;
  readonly metrics: AppMetrics;
  readonly limits?: DoorLimits;
  readonly now?: () => number;
}

/** The door of one gateway: the listeners every socket gets, and the buckets shared per address. */
export class Door {
  readonly limits: DoorLimits;
  readonly now: () => number;
  private readonly perAddress = new Map<CostClass, KeyedBuckets>();
  private readonly guards = new WeakMap<LiveSocket, SocketGuard>();
  private readonly listeners = new Map<string, (this: LiveSocket, ...args: unknown[]) => void>();

  /** The listener of events no declaration names (the gate passes them on under one name). */
  private readonly onUndeclared: (this: LiveSocket, ...args: unknown[]) => void;

  constructor(private readonly options: DoorOptions) {
    this.limits = options.limits ?? DEFAULT_DOOR_LIMITS;
    this.now = options.now ?? (() => performance.now());
    this.onUndeclared = undeclaredListenerOf(this);
  }

  /** The buckets of one cost class by address. */
  addressBuckets(cost: CostClass): KeyedBuckets {
    let buckets = this.perAddress.get(cost);
    if (buckets === undefined)
      this.perAddress.set(cost, (buckets = new KeyedBuckets(this.limits.rates[cost].address)));
    return buckets;
  }

  /** Declares `handlers` as the answer to their events; every event must get exactly one. */
  handle<E extends ClientEvent>(handlers: Handlers<E>): void {
    for (const event of Object.keys(handlers) as E[]) {
      if (this.listeners.has(event)) throw new Error(`${event} has two handlers`);
      this.listeners.set(event, listenerOf(this, event, handlers[event] as Handler<E>));
    }
  }

  /** Checks that every declared event has its handler (at start, not at the first request). */
  assertComplete(): void {
    const missing = (Object.keys(CLIENT_EVENTS) as ClientEvent[]).filter((e) => !this.listeners.has(e));
    if (missing.length > 0) throw new Error(`no handler for ${missing.join(', ')}`);
  }

  /** Opens the door for a socket whose handshake is done: its guard, and every event's listener. */
  open(socket: LiveSocket, address: string): SocketGuard {
    const guard = new SocketGuard(this, socket.data.role, address);
    this.guards.set(socket, guard);
    for (const [event, listener] of this.listeners) socket.on(event as ClientEvent, listener as never);
    socket.on(REFUSED_EVENT as ClientEvent, this.onUndeclared as never);
    return guard;
  }

  /** Takes one call of `event` from `socket` through the door (the listeners' work). */
  call<E extends ClientEvent>(socket: LiveSocket, event: E, handler: Handler<E>, args: unknown[]): void {
    const spec = CLIENT_EVENTS[event];
    const ack = typeof args[args.length - 1] === 'function' ? (args.pop() as AckFn) : undefined;
    const first = args[0];
    if (first instanceof RefusedPayload) {
      this.refuse(socket, event, ack, first.code, first.message, first.retryAfterMs);
      return;
    }
    if (spec.ack !== null && ack === undefined) {
      // Nothing can be answered; our viewer never does this.
      this.refuse(socket, event, undefined, 'bad-request', 'needs an acknowledgement callback');
      return;
    }
    const guard = this.guards.get(socket);
    if (guard === undefined || !guard.can(spec.capability)) {
      this.refuse(socket, event, ack, 'forbidden', `needs the right "${spec.capability}"`);
      return;
    }
    let payload: unknown;
    if (spec.payload === null) {
      if (args.length > 0) {
        this.refuse(socket, event, ack, 'bad-request', 'takes no payload');
        return;
      }
    } else {
      if (args.length !== 1) {
        this.refuse(socket, event, ack, 'bad-request', 'takes exactly one payload');
        return;
      }
      const problem = shapeProblem(first, shapeLimitsOf(event));
      if (problem !== undefined) {
        this.refuse(socket, event, ack, 'bad-request', `the payload has ${problem}`);
        return;
      }
      const parsed = spec.payload.safeParse(first);
      if (!parsed.success) {
        this.refuse(socket, event, ack, 'bad-request', zodErrorText(parsed.error));
        return;
      }
      payload = parsed.data;
    }
    let answer: unknown;
    try {
      answer = handler(socket, payload as PayloadOf<E>);
    } catch (error) {
      this.failed(socket, event, ack, error);
      return;
    }
    if (answer instanceof Promise)
      answer.then(
        (data: unknown) => ack?.({ ok: true, data }),
        (error: unknown) => this.failed(socket, event, ack, error),
      );
    else ack?.({ ok: true, data: answer });
  }

  /** A handler's error: a refusal with its code, or an internal error (logged, not shown). */
  private failed(socket: LiveSocket, event: string, ack: AckFn | undefined, error: unknown): void {
    const refusal = refusalOf(error);
    if (refusal !== undefined) {
      // A refusal by the domain (not found, bad state) is an answer, not an offence.
      ack?.({
        ok: false,
        error: {
          code: refusal.code,
          message: `${event}: ${refusal.message}`,
          ...(refusal.retryAfterMs === undefined ? {} : { retryAfterMs: refusal.retryAfterMs }),
        },
      });
      return;
    }
    this.options.logger.error('socket request failed', {
      event,
      socket: socket.id,
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
    ack?.({ ok: false, error: { code: 'internal', message: `${event}: the server could not answer` } });
  }

  /** Answers a refusal, counts it, and disconnects a socket that keeps offending. */
  refuse(
    socket: LiveSocket,
    event: string,
    ack: AckFn | undefined,
    code: ErrorCode,
    message: string,
    retryAfterMs?: number,
  ): void {
    this.options.metrics.socketRefusals.inc({ event, code });
    ack?.({
      ok: false,
      error: {
        code,
        message: `${event}: ${message}`,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      },
    });
    const guard = this.guards.get(socket);
    if (guard === undefined || guard.strike(code)) return;
    if (!socket.connected) return;
    this.options.metrics.offendersDisconnected.inc();
    this.options.logger.warn('socket disconnected: it kept sending refused requests', {
      socket: socket.id,
      address: guard.address,
      role: guard.role,
      refusals: Object.fromEntries(guard.refusals),
    });
    socket.disconnect(true);
  }
}

/** The listener of one event for every socket: Socket.io calls it with the socket as `this`. */
function listenerOf<E extends ClientEvent>(
  door: Door,
  event: E,
  handler: Handler<E>,
): (this: LiveSocket, ...args: unknown[]) => void {
  return function (this: LiveSocket, ...args: unknown[]) {
    door.call(this, event, handler, args);
  };
}

/** The listener of events no declaration names: each is refused and counted. */
function undeclaredListenerOf(door: Door): (this: LiveSocket, ...args: unknown[]) => void {
  return function (this: LiveSocket, ...args: unknown[]) {
    const ack = typeof args[args.length - 1] === 'function' ? (args.pop() as AckFn) : undefined;
    const refused = args[0];
    if (refused instanceof RefusedPayload) door.refuse(this, 'unknown', ack, refused.code, refused.message);
  };
}
