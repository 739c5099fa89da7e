/**
 * Pure pieces of the alarm rules: which limits a rule has for a sensor, what value it compares, the
 * running means of EU limits, and the one step of a rule's state for a sensor (hysteresis and
 * delays). No clock, no sockets: the alarm engine (`alarmEngine.ts`) calls these.
 */
import type { AlarmRule, RuleCondition } from '../../../protocol/alarms.ts';
import type { Sensor } from '../../../protocol/index.ts';

/** The limit a rule compares against for one sensor: at or above `above`, or at or below `below`. */
export type Limit = { readonly above: number } | { readonly below: number };

/** Whether `rule` watches `sensor` at all (its kind, its list, not switched off for it). */
export function ruleApplies(rule: AlarmRule, sensor: Sensor): boolean {
  if (!rule.enabled || rule.kind !== sensor.kind) return false;
  if (rule.sensorIds && !rule.sensorIds.includes(sensor.id)) return false;
  if (rule.overrides[sensor.id]?.enabled === false) return false;
  const condition = rule.condition;
  if (condition.type === 'offline') return true;
  if (!sensor.quantities.includes(condition.quantity)) return false;
  if (condition.type === 'ratio') return Number(sensor.attributes[condition.attribute]) > 0;
  if (condition.type === 'mark')
    return sensor.thresholds[condition.quantity]?.[condition.level] !== undefined;
  return true;
}

/** The limit of `rule` for `sensor`: its override, the sensor's own mark, or the rule's. */
export function limitOf(rule: AlarmRule, sensor: Sensor): Limit | null {
  const condition = rule.condition;
  if (condition.type === 'offline') return null;
  if (condition.type === 'mark') {
    const threshold = sensor.thresholds[condition.quantity];
    const mark = threshold?.[condition.level];
    if (threshold === undefined || mark === undefined) return null;
    return threshold.direction === 'below' ? { below: mark } : { above: mark };
  }
  const override = rule.overrides[sensor.id];
  if (override?.above !== undefined) return { above: override.above };
  if (override?.below !== undefined) return { below: override.below };
  if (condition.above !== undefined) return { above: condition.above };
  if (condition.below !== undefined) return { below: condition.below };
  return null;
}

/**
 * Whether `value` breaches `limit` (true), is clear of it by the hysteresis (false), or sits in the
 * band between (undefined: the state stays as it is).
 */
export function judge(value: number, limit: Limit, hysteresis: number): boolean | undefined {
  if ('above' in limit) {
    if (value >= limit.above) return true;
    return value < limit.above - hysteresis ? false : undefined;
  }
  if (value <= limit.below) return true;
  return value > limit.below + hysteresis ? false : undefined;
}

/** What one rule remembers of one sensor. */
export interface RuleState {
  readonly active: boolean;
  /** Since when the condition for the next change (raise, or clear) has held; null when it does not. */
  readonly pendingSinceMs: number | null;
}

export const IDLE: RuleState = { active: false, pendingSinceMs: null };

/**
 * One step: `breach` is true while the condition holds, false once it is clear (beyond the
 * hysteresis), undefined when there is nothing to judge (no value, a value in the hysteresis band,
 * a mean with too few readings): then nothing changes and a pending delay neither runs out nor resets.
 */
export function step(
  state: RuleState,
  breach: boolean | undefined,
  nowMs: number,
  rule: Pick<AlarmRule, 'raiseDelayMs' | 'clearDelayMs'>,
): { state: RuleState; change?: 'raise' | 'clear' } {
  if (breach === undefined) return { state };
  const wantsChange = state.active ? breach === false : breach === true;
  if (!wantsChange)
    return state.pendingSinceMs === null ? { state } : { state: { ...state, pendingSinceMs: null } };
  const since = state.pendingSinceMs ?? nowMs;
  const delay = state.active ? rule.clearDelayMs : rule.raiseDelayMs;
  if (nowMs - since < delay) return { state: { active: state.active, pendingSinceMs: since } };
  return { state: { active: !state.active, pendingSinceMs: null }, change: state.active ? 'clear' : 'raise' };
}

/** Share of the expected readings a mean needs to count (the EU's rule for valid means). */
export const MIN_COVERAGE = 0.75;
/** Buckets of a running mean, whatever its window. */
const BUCKETS = 1440;

/**
 * The mean of a quantity over a sliding window (`meanOverMs`), kept in 1,440 buckets (a minute each
 * for a day... six hours each for a year), so a year's mean costs 23 KB per sensor. The window's sum
 * and count are kept as buckets enter and leave it, so adding a reading and asking for the mean cost
 * the same whatever the window. A mean over too few readings (below {@link MIN_COVERAGE} of those
 * expected at the sensor's interval) is no mean.
 */
export class RunningMean {
  private readonly bucketMs: number;
  private readonly sums = new Float64Array(BUCKETS);
  private readonly counts = new Uint32Array(BUCKETS);
  /** Bucket number (time / bucketMs) each slot holds; NaN for an empty slot. */
  private readonly slots = new Float64Array(BUCKETS).fill(Number.NaN);
  /** The newest bucket the window has moved to. */
  private head = Number.NEGATIVE_INFINITY;
  private sum = 0;
  private count = 0;

  constructor(
    readonly windowMs: number,
    private readonly intervalMs: number,
  ) {
    this.bucketMs = Math.max(1, Math.ceil(windowMs / BUCKETS));
  }

  /** Moves the window's end to `bucket`: the buckets that fall out of it leave the sum. */
  private advance(bucket: number): void {
    if (bucket <= this.head) return;
    if (bucket - this.head >= BUCKETS) {
      this.sums.fill(0);
      this.counts.fill(0);
      this.slots.fill(Number.NaN);
      this.sum = 0;
      this.count = 0;
    } else {
      // The slots the buckets head+1..bucket take were those of buckets a window older.
      for (let b = this.head + 1; b <= bucket; b += 1) {
        const slot = b % BUCKETS;
        if (Number.isNaN(this.slots[slot] as number)) continue;
        this.sum -= this.sums[slot] as number;
        this.count -= this.counts[slot] as number;
        this.sums[slot] = 0;
        this.counts[slot] = 0;
        this.slots[slot] = Number.NaN;
      }
    }
    this.head = bucket;
  }

  add(atMs: number, value: number, count = 1): void {
    const bucket = Math.floor(atMs / this.bucketMs);
    if (bucket <= this.head - BUCKETS) return; // older than the window
    this.advance(bucket);
    const slot = bucket % BUCKETS;
    this.slots[slot] = bucket;
    this.sums[slot] = (this.sums[slot] as number) + value * count;
    this.counts[slot] = (this.counts[slot] as number) + count;
    this.sum += value * count;
    this.count += count;
  }

  /** The mean over the window ending at `nowMs`, or undefined with too few readings. */
  mean(nowMs: number): number | undefined {
    this.advance(Math.floor(nowMs / this.bucketMs));
    const expected = this.windowMs / this.intervalMs;
    if (this.count === 0 || this.count < MIN_COVERAGE * expected) return undefined;
    return this.sum / this.count;
  }
}

/** The value a condition compares: the last value, a share of an attribute, or a running mean. */
export function conditionValue(
  condition: Exclude<RuleCondition, { type: 'offline' }>,
  sensor: Sensor,
  values: Readonly<Record<string, number>>,
  mean: RunningMean | undefined,
  nowMs: number,
): number | undefined {
  if (condition.type === 'value' && condition.meanOverMs !== undefined) return mean?.mean(nowMs);
  const value = values[condition.quantity];
  if (value === undefined) return undefined;
  if (condition.type === 'ratio') return value / Number(sensor.attributes[condition.attribute]);
  return value;
}
