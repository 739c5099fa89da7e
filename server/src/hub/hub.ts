/**
 * The hub holds the latest state of every sensor, judges freshness, rejects bad input with a reason,
 * and hands each subscriber at most one coalesced diff per tick with only what changed for it.
 */
import type { NormalizeRejectionReason, RejectedInput } from '../adapters/normalize.ts';
import type { Diff, Observation, Sensor, SensorState, Snapshot } from '../../../protocol/index.ts';
import { ObservationSchema } from '../../../protocol/index.ts';
import type { Clock } from '../clock.ts';
import type { SubscriptionFilter } from './liveState.ts';
import { buildDiff, freshnessOf, isNewer, matchesFilter } from './liveState.ts';

/** Why an input was turned away. Used as the metrics label, so the set is closed. */
export type RejectionReason =
  | 'invalid-payload'
  | 'unknown-sensor'
  | 'unknown-quantity'
  | 'future-timestamp'
  | 'out-of-order'
  | Exclude<NormalizeRejectionReason, 'invalid-payload'>;

/** One rejected input, kept for operators in a bounded list. */
export interface DeadLetter {
  atMs: number;
  source: string;
  reason: RejectionReason;
  message: string;
  /** The input as JSON, cut to 2 KB. */
  input: string;
}

export type IngestResult =
  | { accepted: true; observation: Observation; warnings: DeadLetter[] }
  | { accepted: false; rejection: DeadLetter };

/** Counters the hub reports into; the app wires them to Prometheus. */
export interface HubMetrics {
  readingAccepted(source: string): void;
  readingRejected(reason: RejectionReason, source: string): void;
}

/** Where a subscriber's diffs go. `isCongested` lets a slow client skip ticks (its diffs coalesce). */
export interface SubscriberSink {
  send(diff: Diff): void;
  isCongested(): boolean;
}

export interface HubOptions {
  sensors: readonly Sensor[];
  clock: Clock;
  metrics?: HubMetrics;
  deadLetterLimit?: number;
  /** How far ahead of the hub's clock a timestamp may be (clock skew of devices). */
  maxFutureSkewMs?: number;
}

interface Subscriber {
  id: string;
  filter: SubscriptionFilter;
  members: Set<string>;
  sink: SubscriberSink;
  seq: number;
  pending: Set<string>;
}

const MAX_DEAD_LETTER_INPUT_CHARS = 2048;

function describeInput(input: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(input) ?? String(input);
  } catch {
    text = String(input);
  }
  return text.length > MAX_DEAD_LETTER_INPUT_CHARS ? `${text.slice(0, MAX_DEAD_LETTER_INPUT_CHARS)}…` : text;
}

export class Hub {
  readonly sensors: ReadonlyMap<string, Sensor>;
  private readonly clock: Clock;
  private readonly metrics: HubMetrics | undefined;
  private readonly deadLetterLimit: number;
  private readonly maxFutureSkewMs: number;
  private readonly states = new Map<string, SensorState>();
  private readonly dirty = new Set<string>();
  private readonly subscribers = new Map<string, Subscriber>();
  private readonly deadLetterList: DeadLetter[] = [];
  private nextSubscriberNumber = 1;

  constructor(options: HubOptions) {
    this.clock = options.clock;
    this.metrics = options.metrics;
    this.deadLetterLimit = options.deadLetterLimit ?? 500;
    this.maxFutureSkewMs = options.maxFutureSkewMs ?? 5 * 60_000;
    const sensors = new Map<string, Sensor>();
    for (const sensor of options.sensors) {
      sensors.set(sensor.id, sensor);
      this.states.set(sensor.id, { sensorId: sensor.id, observation: null, freshness: 'offline' });
    }
    this.sensors = sensors;
  }

  /**
   * Takes one raw input from `source`. Anything malformed is rejected with a reason and kept in the
   * dead-letter list; it never throws and never affects other sensors.
   */
  ingest(input: unknown, source: string): IngestResult {
    const parsed = ObservationSchema.safeParse(input);
    if (!parsed.success) {
      const detail = parsed.error.issues
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; ');
      return this.reject('invalid-payload', source, `not an observation: ${detail}`, input);
    }
    const observation = parsed.data;
    const sensor = this.sensors.get(observation.sensorId);
    if (!sensor) {
      return this.reject(
        'unknown-sensor',
        source,
        `no sensor "${observation.sensorId}" in the registry`,
        input,
      );
    }
    const nowMs = this.clock.now();
    if (observation.observedAt > nowMs + this.maxFutureSkewMs) {
      return this.reject(
        'future-timestamp',
        source,
        `observedAt ${new Date(observation.observedAt).toISOString()} is more than ${this.maxFutureSkewMs / 1000} s ahead of the server clock`,
        input,
      );
    }
    // Unknown quantities are dropped one by one so the sensor's good values still count.
    const warnings: DeadLetter[] = [];
    const values: Record<string, number> = {};
    for (const [quantity, value] of Object.entries(observation.values)) {
      if (sensor.quantities.includes(quantity)) {
        values[quantity] = value;
      } else {
        warnings.push(
          this.recordRejection(
            'unknown-quantity',
            source,
            `sensor "${sensor.id}" has no quantity "${quantity}" (known: ${sensor.quantities.join(', ')})`,
            input,
          ),
        );
      }
    }
    if (Object.keys(values).length === 0) {
      const rejection = warnings[0];
      if (rejection) return { accepted: false, rejection };
    }
    const accepted: Observation = { ...observation, values };
    const state = this.states.get(sensor.id);
    const current = state?.observation ?? null;
    if (!isNewer(accepted, current)) {
      return this.reject(
        'out-of-order',
        source,
        `reading of "${sensor.id}" at ${new Date(accepted.observedAt).toISOString()} is not newer than the one held`,
        input,
      );
    }
    this.states.set(sensor.id, {
      sensorId: sensor.id,
      observation: accepted,
      freshness: freshnessOf(accepted.observedAt, sensor.intervalMs, nowMs),
    });
    this.dirty.add(sensor.id);
    this.metrics?.readingAccepted(source);
    return { accepted: true, observation: accepted, warnings };
  }

  private recordRejection(
    reason: RejectionReason,
    source: string,
    message: string,
    input: unknown,
  ): DeadLetter {
    const letter: DeadLetter = {
      atMs: this.clock.now(),
      source,
      reason,
      message,
      input: describeInput(input),
    };
    if (this.deadLetterLimit > 0) {
      this.deadLetterList.push(letter);
      if (this.deadLetterList.length > this.deadLetterLimit) this.deadLetterList.shift();
    }
    this.metrics?.readingRejected(reason, source);
    return letter;
  }

  private reject(reason: RejectionReason, source: string, message: string, input: unknown): IngestResult {
    return { accepted: false, rejection: this.recordRejection(reason, source, message, input) };
  }

  /**
   * Records what a source's normalizer turned away: counted by reason and source, and kept as a dead
   * letter, except `not-a-reading` (join and status messages), which is only counted.
   */
  rejectInput(rejected: RejectedInput, source: string, input: unknown): DeadLetter | undefined {
    if (rejected.reason === 'not-a-reading') {
      this.metrics?.readingRejected(rejected.reason, source);
      return undefined;
    }
    return this.recordRejection(rejected.reason, source, rejected.message, input);
  }

  /** The newest rejections, oldest first. */
  deadLetters(): readonly DeadLetter[] {
    return this.deadLetterList;
  }

  state(sensorId: string): SensorState | undefined {
    return this.states.get(sensorId);
  }

  /** Registers a subscriber; it gets nothing until `snapshot` is called for it. */
  subscribe(filter: SubscriptionFilter, sink: SubscriberSink): string {
    const id = `sub-${this.nextSubscriberNumber++}`;
    const members = new Set<string>();
    for (const sensor of this.sensors.values()) if (matchesFilter(sensor, filter)) members.add(sensor.id);
    this.subscribers.set(id, { id, filter, members, sink, seq: 0, pending: new Set() });
    return id;
  }

  unsubscribe(subscriptionId: string): void {
    this.subscribers.delete(subscriptionId);
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  /**
   * The subscription's full state now. Anything pending is folded in, so the next diff carries only
   * later changes and continues from this snapshot's `seq`.
   */
  snapshot(subscriptionId: string): Snapshot {
    const subscriber = this.subscribers.get(subscriptionId);
    if (!subscriber) throw new Error(`no subscription ${subscriptionId}`);
    this.refreshFreshness(this.clock.now());
    subscriber.pending.clear();
    const states: SensorState[] = [];
    for (const id of subscriber.members) {
      const state = this.states.get(id);
      if (state) states.push(state);
    }
    return { subscriptionId, seq: subscriber.seq, serverTimeMs: this.clock.now(), states };
  }

  private refreshFreshness(nowMs: number): void {
    for (const [id, state] of this.states) {
      const sensor = this.sensors.get(id);
      if (!sensor) continue;
      const freshness = freshnessOf(state.observation?.observedAt, sensor.intervalMs, nowMs);
      if (freshness !== state.freshness) {
        this.states.set(id, { ...state, freshness });
        this.dirty.add(id);
      }
    }
  }

  /**
   * One tick: re-judge freshness, route what changed to the subscribers whose view contains it, and
   * send each uncongested subscriber one diff. A congested one keeps its pending set for later.
   */
  tick(): void {
    const nowMs = this.clock.now();
    this.refreshFreshness(nowMs);
    if (this.dirty.size > 0) {
      for (const subscriber of this.subscribers.values()) {
        for (const id of this.dirty) if (subscriber.members.has(id)) subscriber.pending.add(id);
      }
      this.dirty.clear();
    }
    for (const subscriber of this.subscribers.values()) {
      if (subscriber.pending.size === 0 || subscriber.sink.isCongested()) continue;
      subscriber.seq += 1;
      const diff = buildDiff(subscriber.id, subscriber.seq, nowMs, subscriber.pending, this.states);
      subscriber.pending.clear();
      subscriber.sink.send(diff);
    }
  }
}
