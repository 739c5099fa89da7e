/**
 * The hub holds the latest state of every sensor, judges freshness, rejects bad input with a reason,
 * and hands each subscriber at most one coalesced diff per tick with only what changed for it.
 */
import type { DeviceHealth, NormalizeRejectionReason, RejectedInput } from '../adapters/normalize.ts';
import type {
  Diff,
  Observation,
  Sensor,
  SensorHealth,
  SensorState,
  Snapshot,
} from '../../../protocol/index.ts';
import { ObservationSchema } from '../../../protocol/index.ts';
import type { Clock } from '../clock.ts';
import type { SubscriptionFilter } from './liveState.ts';
import type { HeldReading } from './liveState.ts';
import { buildDiff, freshnessOf, matchesFilter, mergeReading } from './liveState.ts';
import { implausibility } from './plausibility.ts';

/** Why an input was turned away. Used as the metrics label, so the set is closed. */
export type RejectionReason =
  | 'invalid-payload'
  | 'unknown-sensor'
  | 'unknown-quantity'
  | 'future-timestamp'
  | 'past-timestamp'
  | 'implausible-value'
  | 'duplicate'
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

/**
 * Where one subscriber's messages go. `isCongested` says its connection has too much unsent: it is
 * skipped (never queued for) and later gets `resync` with the whole state, latest value wins.
 */
export interface SubscriberSink {
  send(diff: Diff): void;
  isCongested(): boolean;
  /** The whole subscription again after it was skipped; without it, the sink's next diff tells it. */
  resync?(snapshot: Snapshot): void;
  /**
   * True for a member the hub's `GroupBroadcast` reaches (a socket in its group's room): it gets the
   * group's once-encoded broadcast, not `send`.
   */
  readonly viaBroadcast?: boolean;
}

/**
 * Sends one group's diff to all of its members at once, so it is encoded once (Socket.io rooms),
 * except the congested members named in `skip`. Without one, each member's sink gets it.
 */
export type GroupBroadcast = (groupId: string, diff: Diff, skip: readonly string[]) => void;

/** How a subscriber is grouped: identical filters at the same rate share one group and one diff. */
export interface SubscribeOptions {
  /** Send at most once every this many hub ticks (a 10 Hz hub with 5 gives 2 Hz). Default 1. */
  readonly periodTicks?: number;
  /** The subscriber's id (a socket id); generated when left out. */
  readonly memberId?: string;
}

export interface HubOptions {
  sensors: readonly Sensor[];
  clock: Clock;
  metrics?: HubMetrics;
  deadLetterLimit?: number;
  /** How far ahead of the hub's clock a timestamp may be (clock skew of devices). */
  maxFutureSkewMs?: number;
  /**
   * How old a reading may be and still be taken (devices that buffered while out of reach). Older
   * ones are a wrong clock or a replayed archive, not live data; history imports take another path.
   */
  maxPastAgeMs?: number;
}

/** Subscribers with the same filter and rate: one sensor set, one sequence, one diff per send. */
interface Group {
  readonly id: string;
  readonly filter: SubscriptionFilter;
  readonly periodTicks: number;
  /** The sensors in the group's view. */
  readonly sensorIds: ReadonlySet<string>;
  readonly members: Map<string, Member>;
  seq: number;
  /** Changed since the group's last diff. */
  readonly pending: Set<string>;
}

interface Member {
  readonly id: string;
  readonly group: Group;
  readonly sink: SubscriberSink;
  /** Skipped while congested: it gets the whole state once it can take messages again. */
  behind: boolean;
}

/** The key under which identical subscriptions share a group. */
function groupKey(filter: SubscriptionFilter, periodTicks: number): string {
  return JSON.stringify([
    [...filter.kinds].sort(),
    filter.bbox ?? null,
    [...(filter.everywhere ?? [])].sort(),
    [...filter.visibilities].sort(),
    periodTicks,
  ]);
}

const MAX_DEAD_LETTER_INPUT_CHARS = 2048;

/** Readings older than this are refused by default: 30 days. */
export const DEFAULT_MAX_PAST_AGE_MS = 30 * 86_400_000;

/** A readable copy of an input for a dead letter, at most 2 KB, never throwing on hostile objects. */
function describeInput(input: unknown): string {
  let text: string;
  if (typeof input === 'string') text = input;
  else {
    try {
      text = JSON.stringify(input) ?? String(input);
    } catch {
      text = Object.prototype.toString.call(input);
    }
  }
  if (text.length <= MAX_DEAD_LETTER_INPUT_CHARS) return text;
  // A slice would keep the whole (possibly megabytes long) input alive; a copy keeps only 2 KB.
  return `${Buffer.from(text.slice(0, MAX_DEAD_LETTER_INPUT_CHARS)).toString()}…`;
}

export class Hub {
  readonly sensors: ReadonlyMap<string, Sensor>;
  private readonly clock: Clock;
  private readonly metrics: HubMetrics | undefined;
  private readonly deadLetterLimit: number;
  private readonly maxFutureSkewMs: number;
  private readonly maxPastAgeMs: number;
  private readonly states = new Map<string, SensorState>();
  /** The newest value of each quantity per sensor, with its own time (see `mergeReading`). */
  private readonly held = new Map<string, HeldReading>();
  private readonly lastSources = new Map<string, string>();
  private readonly dirty = new Set<string>();
  private readonly groups = new Map<string, Group>();
  private readonly groupsByKey = new Map<string, Group>();
  private readonly members = new Map<string, Member>();
  /** For each sensor, the groups whose view holds it: routing a change costs its audience only. */
  private readonly groupsBySensor = new Map<string, Set<Group>>();
  private broadcast: GroupBroadcast | undefined;
  /** Members skipped while congested, waiting to be sent the whole state. */
  private readonly behind = new Set<Member>();
  private tickCount = 0;
  private nextGroupNumber = 1;
  private readonly deadLetterList: DeadLetter[] = [];
  private nextSubscriberNumber = 1;

  constructor(options: HubOptions) {
    this.clock = options.clock;
    this.metrics = options.metrics;
    this.deadLetterLimit = options.deadLetterLimit ?? 500;
    this.maxFutureSkewMs = options.maxFutureSkewMs ?? 5 * 60_000;
    this.maxPastAgeMs = options.maxPastAgeMs ?? DEFAULT_MAX_PAST_AGE_MS;
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
    let parsed: ReturnType<typeof ObservationSchema.safeParse>;
    try {
      parsed = ObservationSchema.safeParse(input);
    } catch (error) {
      // Only an in-process caller can hand over an object whose getters throw; still no throw here.
      return this.reject(
        'invalid-payload',
        source,
        `the input cannot be read (${error instanceof Error ? error.message : String(error)})`,
        input,
      );
    }
    if (!parsed.success) {
      const detail = parsed.error.issues
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; ');
      return this.reject('invalid-payload', source, `not an observation: ${detail}`, input);
    }
    return this.ingestObservation(parsed.data, source, input);
  }

  /**
   * Like {@link Hub.ingest}, for an observation its adapter already parsed with `ObservationSchema`
   * at the boundary (push, replay): the second parse is skipped, every other check still runs.
   * `input` is what a dead letter shows of it.
   */
  ingestObservation(observation: Observation, source: string, input: unknown = observation): IngestResult {
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
    if (observation.observedAt < nowMs - this.maxPastAgeMs) {
      return this.reject(
        'past-timestamp',
        source,
        `observedAt ${new Date(observation.observedAt).toISOString()} is more than ${Math.round(this.maxPastAgeMs / 86_400_000)} days before the server clock`,
        input,
      );
    }
    // Unknown quantities and impossible values are dropped one by one so the sensor's good values
    // still count.
    const warnings: DeadLetter[] = [];
    const values: Record<string, number> = {};
    const unknown: string[] = [];
    for (const [quantity, value] of Object.entries(observation.values)) {
      if (!sensor.quantities.includes(quantity)) {
        unknown.push(quantity);
        continue;
      }
      const problem = implausibility(sensor, quantity, value);
      if (problem !== undefined) {
        warnings.push(this.recordRejection('implausible-value', source, problem, input));
        continue;
      }
      values[quantity] = value;
    }
    if (unknown.length > 0)
      // One dead letter for all of them: a reading with many unknown quantities costs one, not many.
      warnings.unshift(
        this.recordRejection(
          'unknown-quantity',
          source,
          `sensor "${sensor.id}" has no quantit${unknown.length === 1 ? 'y' : 'ies'} ${unknown.map((q) => `"${q}"`).join(', ')} (known: ${sensor.quantities.join(', ')})`,
          input,
        ),
      );
    if (Object.keys(values).length === 0) {
      const rejection = warnings[0];
      if (rejection) return { accepted: false, rejection };
    }
    const accepted: Observation = { ...observation, values };
    const state = this.states.get(sensor.id);
    const merged = mergeReading(this.held.get(sensor.id), accepted, sensor.intervalMs, source);
    if (!merged.ok) {
      const at = new Date(accepted.observedAt).toISOString();
      // Brokers redeliver QoS 1 messages and feeds repeat unchanged lots: counted, never applied twice.
      return merged.reason === 'duplicate'
        ? this.reject(
            'duplicate',
            source,
            `reading of "${sensor.id}" at ${at} is already held${merged.sameValues ? '' : ' (with other values: the first one stays)'}`,
            input,
          )
        : this.reject(
            'out-of-order',
            source,
            `reading of "${sensor.id}" at ${at} is not newer than the one held`,
            input,
          );
    }
    this.held.set(sensor.id, merged.held);
    // One fixed shape (no spread of the old state): this is the hottest line of ingest.
    const next: SensorState = {
      sensorId: sensor.id,
      observation: merged.observation,
      freshness: freshnessOf(merged.observation.observedAt, sensor.intervalMs, nowMs),
    };
    if (state?.health !== undefined) next.health = state.health;
    this.states.set(sensor.id, next);
    this.dirty.add(sensor.id);
    this.lastSources.set(sensor.id, source);
    this.metrics?.readingAccepted(source);
    return { accepted: true, observation: accepted, warnings };
  }

  /**
   * Whether the hub already holds every value of `observation` at its time: a source that resends
   * what it sent (a whole NGSI-LD entity, an unchanged feed) can skip it instead of being told
   * `duplicate`.
   */
  holds(observation: Pick<Observation, 'sensorId' | 'observedAt' | 'values'>): boolean {
    const held = this.held.get(observation.sensorId);
    if (!held) return false;
    return Object.entries(observation.values).every(([quantity, value]) => {
      const entry = held.get(quantity);
      return entry !== undefined && entry.observedAtMs === observation.observedAt && entry.value === value;
    });
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

  /**
   * Records what a source says about a device's health (last heard, battery, radio link). Facts
   * merge into what is known, so a status message with only the battery keeps the last RSSI. Facts
   * for sensors not in the registry are ignored: the normalizer already rejected their readings.
   */
  reportHealth(fact: DeviceHealth, source: string): void {
    const state = this.states.get(fact.sensorId);
    // A device clock far ahead would freeze "last heard" in the future for good: such a fact is dropped.
    if (!state || !Number.isFinite(fact.seenAt) || fact.seenAt > this.clock.now() + this.maxFutureSkewMs)
      return;
    const merged: SensorHealth = {
      ...state.health,
      lastSeenMs: Math.max(state.health?.lastSeenMs ?? 0, Math.round(fact.seenAt)),
      source,
    };
    if (fact.batteryPercent !== undefined && Number.isFinite(fact.batteryPercent))
      merged.batteryPercent = Math.min(100, Math.max(0, fact.batteryPercent));
    if (fact.rssiDbm !== undefined && Number.isFinite(fact.rssiDbm)) merged.rssiDbm = fact.rssiDbm;
    if (fact.snrDb !== undefined && Number.isFinite(fact.snrDb)) merged.snrDb = fact.snrDb;
    if (fact.gatewayId) merged.gatewayId = fact.gatewayId;
    this.states.set(fact.sensorId, { ...state, health: merged });
    this.dirty.add(fact.sensorId);
  }

  /** The source whose reading of the sensor the hub took last, if any. */
  lastSourceOf(sensorId: string): string | undefined {
    return this.lastSources.get(sensorId);
  }

  /** The newest rejections, oldest first. */
  deadLetters(): readonly DeadLetter[] {
    return this.deadLetterList;
  }

  state(sensorId: string): SensorState | undefined {
    return this.states.get(sensorId);
  }

  /**
   * Lets the transport send each group's diff once to all its members (Socket.io rooms). The group
   * id is the `subscriptionId` of its diffs and snapshots.
   */
  setBroadcast(broadcast: GroupBroadcast | undefined): void {
    this.broadcast = broadcast;
  }

  /**
   * Registers a subscriber in the group of its filter and rate (made when it is the first); it gets
   * nothing until `snapshot` is called for it. Returns the member id. A member id already subscribed
   * leaves its old group first.
   */
  subscribe(filter: SubscriptionFilter, sink: SubscriberSink, options: SubscribeOptions = {}): string {
    const periodTicks = Math.max(1, Math.round(options.periodTicks ?? 1));
    const memberId = options.memberId ?? `sub-${this.nextSubscriberNumber++}`;
    this.unsubscribe(memberId);
    const key = groupKey(filter, periodTicks);
    let group = this.groupsByKey.get(key);
    if (!group) {
      const sensorIds = new Set<string>();
      for (const sensor of this.sensors.values()) if (matchesFilter(sensor, filter)) sensorIds.add(sensor.id);
      group = {
        id: `g${this.nextGroupNumber++}`,
        filter,
        periodTicks,
        sensorIds,
        members: new Map(),
        seq: 0,
        pending: new Set(),
      };
      this.groups.set(group.id, group);
      this.groupsByKey.set(key, group);
      for (const sensorId of sensorIds) {
        let audience = this.groupsBySensor.get(sensorId);
        if (!audience) this.groupsBySensor.set(sensorId, (audience = new Set()));
        audience.add(group);
      }
    }
    const member: Member = { id: memberId, group, sink, behind: false };
    group.members.set(memberId, member);
    this.members.set(memberId, member);
    return memberId;
  }

  /** Removes a subscriber; its group goes when it was the last. */
  unsubscribe(memberId: string): void {
    const member = this.members.get(memberId);
    if (!member) return;
    this.members.delete(memberId);
    this.behind.delete(member);
    const group = member.group;
    group.members.delete(memberId);
    if (group.members.size > 0) return;
    this.groups.delete(group.id);
    this.groupsByKey.delete(groupKey(group.filter, group.periodTicks));
    for (const sensorId of group.sensorIds) this.groupsBySensor.get(sensorId)?.delete(group);
  }

  get subscriberCount(): number {
    return this.members.size;
  }

  /** Groups of identical subscriptions now (each is sent one diff per send). */
  get groupCount(): number {
    return this.groups.size;
  }

  /** The group (its id is the `subscriptionId` of diffs) a member is in. */
  groupOf(memberId: string): string | undefined {
    return this.members.get(memberId)?.group.id;
  }

  /**
   * The member's group's full state now, at the group's current `seq`: the next diff continues from
   * it. (A change already in it that is still pending comes again in that diff; applying a state
   * twice changes nothing.)
   */
  snapshot(memberId: string): Snapshot {
    const member = this.members.get(memberId);
    if (!member) throw new Error(`no subscription ${memberId}`);
    member.behind = false;
    this.behind.delete(member);
    this.refreshFreshness(this.clock.now());
    return this.groupSnapshot(member.group);
  }

  private groupSnapshot(group: Group): Snapshot {
    const states: SensorState[] = [];
    for (const id of group.sensorIds) {
      const state = this.states.get(id);
      if (state) states.push(state);
    }
    return { subscriptionId: group.id, seq: group.seq, serverTimeMs: this.clock.now(), states };
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
   * One tick: re-judge freshness, route what changed to the groups whose view holds it, and send
   * each group that is due (every `periodTicks` ticks) one diff, built and encoded once for all its
   * members. A congested member is skipped, not queued for: once it can take messages again it gets
   * the whole state (latest value wins), so a slow client never grows the server's memory.
   */
  tick(): void {
    const nowMs = this.clock.now();
    this.tickCount += 1;
    this.refreshFreshness(nowMs);
    if (this.dirty.size > 0) {
      for (const id of this.dirty) {
        const audience = this.groupsBySensor.get(id);
        if (audience) for (const group of audience) group.pending.add(id);
      }
      this.dirty.clear();
    }
    for (const member of this.behind) {
      if (member.sink.isCongested()) continue;
      this.behind.delete(member);
      member.behind = false;
      member.sink.resync?.(this.groupSnapshot(member.group));
    }
    for (const group of this.groups.values()) {
      if (group.pending.size === 0 || this.tickCount % group.periodTicks !== 0) continue;
      group.seq += 1;
      const diff = buildDiff(group.id, group.seq, nowMs, group.pending, this.states);
      group.pending.clear();
      const skip: string[] = [];
      let reached = 0;
      for (const member of group.members.values()) {
        if (member.behind || member.sink.isCongested()) {
          member.behind = true;
          this.behind.add(member);
          if (member.sink.viaBroadcast) skip.push(member.id);
        } else if (member.sink.viaBroadcast && this.broadcast) reached += 1;
        else member.sink.send(diff);
      }
      if (reached > 0) this.broadcast?.(group.id, diff, skip);
    }
  }
}
