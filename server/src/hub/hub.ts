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
  SensorIndex,
  Snapshot,
} from '../../../protocol/index.ts';
import { parseObservation, type ObservationParse } from '../../../protocol/index.ts';
import type { Clock } from '../clock.ts';
import type { SubscriptionFilter } from './liveState.ts';
import type { HeldReading } from './liveState.ts';
import { freshnessOf, matchesFilter, mergeReading, replacesHeld } from './liveState.ts';
import { implausibility } from './plausibility.ts';
import { zodErrorText } from '../../../protocol/zodError.ts';

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
 * `positions[i]` is the place of `diff.upserts[i]` in the group's snapshots (what the wire form
 * names it by), known to the hub as it builds the diff.
 */
export type GroupBroadcast = (
  groupId: string,
  diff: Diff,
  skip: readonly string[],
  positions: readonly number[],
) => void;

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
  /**
   * How far ahead of the hub's clock a timestamp may be (clock skew of devices); further ahead is
   * refused. {@link DEFAULT_MAX_FUTURE_SKEW_MS} when left out.
   */
  maxFutureSkewMs?: number;
  /**
   * How old a reading may be and still be taken (devices that buffered while out of reach). Older
   * ones are a wrong clock or a replayed archive, not live data; history imports take another path.
   */
  maxPastAgeMs?: number;
  /** Called with every accepted reading (the values kept): the history records them. */
  onAccepted?: ((sensor: Sensor, observation: Observation) => void) | undefined;
}

/** Subscribers with the same filter and rate: one sensor set, one sequence, one diff per send. */
interface Group {
  readonly id: string;
  readonly filter: SubscriptionFilter;
  readonly periodTicks: number;
  /**
   * Which tick of each period the group sends on. Subscribers of one rate are spread evenly over
   * the ticks of their period (identical subscriptions too: they make one group per phase), so a
   * 50 Hz hub with a thousand 10 Hz viewers writes to a fifth of them each tick rather than to all
   * of them every fifth tick. A tick's writes are a burst the last viewer waits for; spread, the
   * burst is a fraction of the period (decision 0006).
   */
  readonly phase: number;
  /**
   * Registry numbers of the sensors in the group's view, ascending. A sensor's position here is its
   * place in the group's snapshots, and how the wire form of a diff names it.
   */
  readonly numbers: Int32Array;
  readonly members: Map<string, Member>;
  seq: number;
  /** The tick of the group's last diff (or of its making): what changed after it goes in the next. */
  sentAtTick: number;
}

interface Member {
  readonly id: string;
  readonly group: Group;
  readonly sink: SubscriberSink;
  /** Skipped while congested: it gets the whole state once it can take messages again. */
  behind: boolean;
}

/** The key under which identical subscriptions of one phase share a group. */
function groupKey(filter: SubscriptionFilter, periodTicks: number, phase: number): string {
  return JSON.stringify([
    [...filter.kinds].sort(),
    filter.bbox ?? null,
    [...(filter.everywhere ?? [])].sort(),
    [...filter.visibilities].sort(),
    periodTicks,
    phase,
  ]);
}

/** Freshness is judged at most this often (ticks may come 50 times a second; ages are seconds). */
const FRESHNESS_EVERY_MS = 100;

const MAX_DEAD_LETTER_INPUT_CHARS = 2048;

/**
 * How far ahead of the server clock a reading may be by default: 30 s. Devices without NTP (LoRaWAN
 * nodes, data loggers) drift by seconds, and a gateway's clock may lead ours by a few; minutes ahead
 * is a wrong clock or a wrong time zone, and taking it would let a sensor's value look newer than it
 * is. Within it, the reading keeps its time; while it is still ahead of the clock, a correct reading
 * observed after it arrived replaces it (see `replacesHeld`), so it never blocks the sensor.
 */
export const DEFAULT_MAX_FUTURE_SKEW_MS = 30_000;

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
  private readonly onAccepted: ((sensor: Sensor, observation: Observation) => void) | undefined;
  private readonly states = new Map<string, SensorState>();
  /** The same states by sensor number: what a group's diff reads, position by position. */
  private readonly stateAt: SensorState[] = [];
  /** The newest value of each quantity per sensor, with its own time (see `mergeReading`). */
  private readonly held = new Map<string, HeldReading>();
  private readonly lastSources = new Map<string, string>();
  /** Sensors in registry order; a sensor's number is its position here. */
  private readonly sensorList: readonly Sensor[];
  private readonly numberOf = new Map<string, number>();
  /**
   * Per sensor number, the tick whose diffs first carry its newest state. A due group sends the
   * sensors of its view changed since its last diff: no per-group queue of changes, so a group
   * costs the server little more than the list of its sensors.
   */
  private readonly changedAt: Int32Array;
  private readonly groups = new Map<string, Group>();
  private readonly groupsByKey = new Map<string, Group>();
  private readonly members = new Map<string, Member>();
  private broadcast: GroupBroadcast | undefined;
  /** Members skipped while congested, waiting to be sent the whole state. */
  private readonly behind = new Set<Member>();
  private tickCount = 0;
  /** Per period (in ticks), how many members send at each of its phases. */
  private readonly membersAtPhase = new Map<number, Int32Array>();
  /** Per period (in ticks), the groups of each of its phases: a tick visits only the due ones. */
  private readonly groupsAtPhase = new Map<number, Set<Group>[]>();
  private freshnessJudgedAtMs = Number.NEGATIVE_INFINITY;
  private nextGroupNumber = 1;
  private readonly deadLetterList: DeadLetter[] = [];
  private nextSubscriberNumber = 1;

  constructor(options: HubOptions) {
    this.clock = options.clock;
    this.metrics = options.metrics;
    this.deadLetterLimit = options.deadLetterLimit ?? 500;
    this.maxFutureSkewMs = options.maxFutureSkewMs ?? DEFAULT_MAX_FUTURE_SKEW_MS;
    this.maxPastAgeMs = options.maxPastAgeMs ?? DEFAULT_MAX_PAST_AGE_MS;
    this.onAccepted = options.onAccepted;
    const sensors = new Map<string, Sensor>();
    for (const sensor of options.sensors) {
      if (sensors.has(sensor.id)) continue;
      sensors.set(sensor.id, sensor);
      const initial: SensorState = { sensorId: sensor.id, observation: null, freshness: 'offline' };
      this.numberOf.set(sensor.id, this.numberOf.size);
      this.states.set(sensor.id, initial);
      this.stateAt.push(initial);
    }
    this.sensors = sensors;
    this.sensorList = [...sensors.values()];
    this.changedAt = new Int32Array(this.sensorList.length);
  }

  /** A registered sensor's new state: the diffs of the next tick carry it. */
  private putState(sensorId: string, state: SensorState): void {
    const number = this.numberOf.get(sensorId);
    if (number === undefined) return;
    this.states.set(sensorId, state);
    this.stateAt[number] = state;
    this.changedAt[number] = this.tickCount + 1;
  }

  /**
   * Takes one raw input from `source`. Anything malformed is rejected with a reason and kept in the
   * dead-letter list; it never throws and never affects other sensors.
   */
  ingest(input: unknown, source: string): IngestResult {
    let parsed: ObservationParse;
    try {
      parsed = parseObservation(input);
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
      return this.reject(
        'invalid-payload',
        source,
        `not an observation: ${zodErrorText(parsed.error)}`,
        input,
      );
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
        `observedAt ${new Date(observation.observedAt).toISOString()} is more than ${this.maxFutureSkewMs / 1000} s ahead of the server clock (the tolerance for device clocks)`,
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
    const unknown: string[] = [];
    // The values kept, made only once one is dropped: most readings keep all of them as they are.
    let values: Record<string, number> | undefined;
    let kept = 0;
    let seen = 0;
    const given = observation.values;
    for (const quantity in given) {
      const value = given[quantity] as number;
      seen += 1;
      let problem: string | undefined;
      if (!sensor.quantities.includes(quantity)) unknown.push(quantity);
      else if ((problem = implausibility(sensor, quantity, value)) !== undefined)
        warnings.push(this.recordRejection('implausible-value', source, problem, input));
      else {
        if (values !== undefined) values[quantity] = value;
        kept += 1;
        continue;
      }
      if (values === undefined) {
        // Everything before this one was kept.
        values = {};
        let copied = 0;
        for (const earlier in given) {
          if (++copied >= seen) break;
          values[earlier] = given[earlier] as number;
        }
      }
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
    if (kept === 0) {
      const rejection = warnings[0];
      if (rejection) return { accepted: false, rejection };
    }
    const accepted: Observation = values === undefined ? observation : { ...observation, values };
    const state = this.states.get(sensor.id);
    const merged = mergeReading(this.held.get(sensor.id), accepted, sensor.intervalMs, source, nowMs);
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
    if (this.onAccepted) this.record(sensor, accepted, this.held.get(sensor.id));
    this.held.set(sensor.id, merged.held);
    // One fixed shape (no spread of the old state): this is the hottest line of ingest.
    const next: SensorState = {
      sensorId: sensor.id,
      observation: merged.observation,
      freshness: freshnessOf(merged.observation.observedAt, sensor.intervalMs, nowMs),
    };
    if (state?.health !== undefined) next.health = state.health;
    this.putState(sensor.id, next);
    this.lastSources.set(sensor.id, source);
    this.metrics?.readingAccepted(source);
    return { accepted: true, observation: accepted, warnings };
  }

  /**
   * Hands the history what the reading added: the values that replace those held of their quantity
   * (a value the hub already held at that time is not a second reading).
   */
  private record(sensor: Sensor, accepted: Observation, before: HeldReading | undefined): void {
    let values: Record<string, number> | undefined;
    if (before !== undefined) {
      for (const quantity in accepted.values) {
        const held = before.get(quantity);
        if (held !== undefined && !replacesHeld(accepted.observedAt, held, this.clock.now())) {
          values ??= { ...accepted.values };
          delete values[quantity];
        }
      }
    }
    if (values === undefined) this.onAccepted?.(sensor, accepted);
    else if (Object.keys(values).length > 0) this.onAccepted?.(sensor, { ...accepted, values });
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
    this.putState(fact.sensorId, { ...state, health: merged });
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
    const phase = this.quietestPhase(periodTicks);
    const key = groupKey(filter, periodTicks, phase);
    let group = this.groupsByKey.get(key);
    if (!group) {
      const inView: number[] = [];
      this.sensorList.forEach((sensor, number) => {
        if (matchesFilter(sensor, filter)) inView.push(number);
      });
      const number = this.nextGroupNumber++;
      group = {
        id: `g${number}`,
        filter,
        periodTicks,
        phase,
        numbers: Int32Array.from(inView),
        members: new Map(),
        seq: 0,
        sentAtTick: this.tickCount,
      };
      this.groups.set(group.id, group);
      this.groupsByKey.set(key, group);
      this.phaseGroups(periodTicks, phase).add(group);
    }
    const member: Member = { id: memberId, group, sink, behind: false };
    group.members.set(memberId, member);
    this.members.set(memberId, member);
    const counts = this.phaseCounts(periodTicks);
    counts[phase] = (counts[phase] as number) + 1;
    return memberId;
  }

  private phaseGroups(periodTicks: number, phase: number): Set<Group> {
    let phases = this.groupsAtPhase.get(periodTicks);
    if (!phases)
      this.groupsAtPhase.set(periodTicks, (phases = Array.from({ length: periodTicks }, () => new Set())));
    return phases[phase] as Set<Group>;
  }

  private phaseCounts(periodTicks: number): Int32Array {
    let counts = this.membersAtPhase.get(periodTicks);
    if (!counts) this.membersAtPhase.set(periodTicks, (counts = new Int32Array(periodTicks)));
    return counts;
  }

  /** The phase of `periodTicks` with the fewest members (the first of them on a tie). */
  private quietestPhase(periodTicks: number): number {
    const counts = this.phaseCounts(periodTicks);
    let best = 0;
    for (let phase = 1; phase < periodTicks; phase++)
      if ((counts[phase] as number) < (counts[best] as number)) best = phase;
    return best;
  }

  /** Removes a subscriber; its group goes when it was the last. */
  unsubscribe(memberId: string): void {
    const member = this.members.get(memberId);
    if (!member) return;
    this.members.delete(memberId);
    this.behind.delete(member);
    const group = member.group;
    group.members.delete(memberId);
    const counts = this.phaseCounts(group.periodTicks);
    counts[group.phase] = (counts[group.phase] as number) - 1;
    if (group.members.size > 0) return;
    this.groups.delete(group.id);
    this.groupsByKey.delete(groupKey(group.filter, group.periodTicks, group.phase));
    this.phaseGroups(group.periodTicks, group.phase).delete(group);
  }

  get subscriberCount(): number {
    return this.members.size;
  }

  /** Groups of identical subscriptions now (each is sent one diff per send). */
  get groupCount(): number {
    return this.groups.size;
  }

  /**
   * Each sensor's position in the snapshots of a group (its `subscriptionId`): what the encoder
   * needs to write the group's diffs in their wire form.
   */
  sensorOrder(groupId: string): SensorIndex | undefined {
    const group = this.groups.get(groupId);
    if (!group) return undefined;
    const numbers = group.numbers;
    return {
      get: (sensorId) => {
        const number = this.numberOf.get(sensorId);
        if (number === undefined) return undefined;
        // Binary search: the view's numbers are ascending.
        let low = 0;
        let high = numbers.length - 1;
        while (low <= high) {
          const middle = (low + high) >>> 1;
          const at = numbers[middle] as number;
          if (at === number) return middle;
          if (at < number) low = middle + 1;
          else high = middle - 1;
        }
        return undefined;
      },
    };
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
    // Every registered sensor has a state from the start, so `stateAt` lines up with `numbers`.
    const states: SensorState[] = [];
    for (const number of group.numbers) states.push(this.stateAt[number] as SensorState);
    return { subscriptionId: group.id, seq: group.seq, serverTimeMs: this.clock.now(), states };
  }

  private refreshFreshness(nowMs: number): void {
    this.freshnessJudgedAtMs = nowMs;
    for (const [id, state] of this.states) {
      const sensor = this.sensors.get(id);
      if (!sensor) continue;
      const freshness = freshnessOf(state.observation?.observedAt, sensor.intervalMs, nowMs);
      if (freshness !== state.freshness) {
        this.putState(id, { ...state, freshness });
      }
    }
  }

  /**
   * One tick: re-judge freshness, and send each group that is due (every `periodTicks` ticks, at its
   * phase) one diff of the sensors in its view that changed since its last, built and encoded once
   * for all its members. A congested member is skipped, not queued for: once it can take messages
   * again it gets the whole state (latest value wins), so a slow client never grows the server's
   * memory.
   */
  tick(): void {
    const nowMs = this.clock.now();
    // Freshness first: what it changes is marked for this tick's diffs.
    if (nowMs - this.freshnessJudgedAtMs >= FRESHNESS_EVERY_MS) this.refreshFreshness(nowMs);
    this.tickCount += 1;
    const tick = this.tickCount;
    for (const member of this.behind) {
      if (member.sink.isCongested()) continue;
      this.behind.delete(member);
      member.behind = false;
      member.sink.resync?.(this.groupSnapshot(member.group));
    }
    for (const [periodTicks, phases] of this.groupsAtPhase) {
      // Due: the groups whose phase makes (tick + phase) a multiple of the period.
      for (const group of phases[(periodTicks - (tick % periodTicks)) % periodTicks] as Set<Group>)
        this.sendDue(group, tick, nowMs);
    }
  }

  /** Sends `group` its diff of what changed in its view since its last, if anything did. */
  private sendDue(group: Group, tick: number, nowMs: number): void {
    const since = group.sentAtTick;
    group.sentAtTick = tick;
    // The current state of each sensor of the view changed since (latest value wins, however often
    // it changed in between), with its place in the view, which the wire form names it by.
    const numbers = group.numbers;
    const changedAt = this.changedAt;
    const stateAt = this.stateAt;
    let count = 0;
    for (let position = 0; position < numbers.length; position++)
      if ((changedAt[numbers[position] as number] as number) > since) count += 1;
    if (count === 0) return;
    const upserts = new Array<SensorState>(count);
    const positions = new Array<number>(count);
    for (let position = 0, at = 0; at < count; position++) {
      const number = numbers[position] as number;
      if ((changedAt[number] as number) <= since) continue;
      // Every registered sensor has a state from the start (see the constructor).
      upserts[at] = stateAt[number] as SensorState;
      positions[at] = position;
      at += 1;
    }
    group.seq += 1;
    const diff: Diff = {
      subscriptionId: group.id,
      seq: group.seq,
      serverTimeMs: nowMs,
      upserts,
      removed: [],
    };
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
    if (reached > 0) this.broadcast?.(group.id, diff, skip, positions);
  }
}
