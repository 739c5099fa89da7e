/**
 * One city's alarms: the rules applied to every reading the hub accepts, and once a second to every
 * sensor (delays run out, sensors go offline without sending anything). An alarm is raised, then
 * acknowledged by an operator (who, when, comment) and cleared when the condition is over; one that
 * clears before anyone acknowledged it stays listed until someone does. Every change goes to
 * `onChange`, in order.
 */
import type { Alarm, AlarmRule } from '../../../protocol/alarms.ts';
import type { Observation, Sensor } from '../../../protocol/index.ts';
import { OFFLINE_AFTER_INTERVALS } from '../hub/liveState.ts';
import type { Limit, RuleState } from './ruleEvaluation.ts';
import { conditionValue, IDLE, judge, limitOf, ruleApplies, RunningMean, step } from './ruleEvaluation.ts';

/** A request the engine turns down. */
export class AlarmError extends Error {
  override name = 'AlarmError';
  constructor(
    readonly code: 'not-found' | 'bad-request',
    message: string,
  ) {
    super(message);
  }
}

/** One rule watching one sensor. */
interface Watch {
  readonly rule: AlarmRule;
  readonly sensor: Sensor;
  readonly limit: Limit | null;
  readonly mean: RunningMean | undefined;
  state: RuleState;
  /** The open alarm this watch raised (until it clears). */
  alarmId: string | null;
}

export interface AlarmEngineOptions {
  readonly cityId: string;
  readonly sensors: readonly Sensor[];
  readonly rules: readonly AlarmRule[];
  readonly now: () => number;
  readonly onChange: (alarm: Alarm) => void;
}

/** Closed alarms kept for the log. */
const CLOSED_KEPT = 200;

export class AlarmEngine {
  private readonly options: AlarmEngineOptions;
  private readonly sensors: readonly Sensor[];
  private watches: Watch[] = [];
  private watchesBySensor = new Map<string, Watch[]>();
  /** The last value of each quantity per sensor, and when the sensor last reported. */
  private readonly values = new Map<string, Record<string, number>>();
  private readonly lastSeen = new Map<string, number>();
  private readonly open = new Map<string, Alarm>();
  private readonly closed: Alarm[] = [];
  private rules: AlarmRule[];
  private readonly startedAtMs: number;
  private nextNumber = 1;

  constructor(options: AlarmEngineOptions) {
    this.options = options;
    this.sensors = options.sensors;
    this.rules = [...options.rules];
    this.startedAtMs = options.now();
    this.build();
  }

  /** The rules in force. */
  currentRules(): readonly AlarmRule[] {
    return this.rules;
  }

  /**
   * Replaces the rules. Watches of unchanged rules keep their state (and means); an alarm whose rule
   * changed or went away stays open until it is acknowledged, then closes.
   */
  setRules(rules: readonly AlarmRule[]): void {
    const before = new Map(this.watches.map((w) => [`${w.rule.id}\u0000${w.sensor.id}`, w]));
    const unchanged = new Set(
      rules
        .filter((r) => JSON.stringify(r) === JSON.stringify(this.rules.find((o) => o.id === r.id)))
        .map((r) => r.id),
    );
    this.rules = [...rules];
    this.build((rule, sensor) =>
      unchanged.has(rule.id) ? before.get(`${rule.id}\u0000${sensor.id}`) : undefined,
    );
    for (const watch of before.values()) {
      if (watch.alarmId === null || unchanged.has(watch.rule.id)) continue;
      this.clearAlarm(watch.alarmId, this.options.now());
    }
  }

  private build(keep: (rule: AlarmRule, sensor: Sensor) => Watch | undefined = () => undefined): void {
    this.watches = [];
    this.watchesBySensor = new Map();
    for (const sensor of this.sensors) {
      const list: Watch[] = [];
      for (const rule of this.rules) {
        if (!ruleApplies(rule, sensor)) continue;
        const kept = keep(rule, sensor);
        const condition = rule.condition;
        const watch: Watch = kept ?? {
          rule,
          sensor,
          limit: limitOf(rule, sensor),
          mean:
            condition.type === 'value' && condition.meanOverMs !== undefined
              ? new RunningMean(condition.meanOverMs, sensor.intervalMs)
              : undefined,
          state: IDLE,
          alarmId: null,
        };
        list.push(watch);
        this.watches.push(watch);
      }
      if (list.length > 0) this.watchesBySensor.set(sensor.id, list);
    }
  }

  /** Takes an accepted reading (the hub's hook) and judges the sensor's rules at once. */
  record(sensor: Sensor, observation: Observation): void {
    let values = this.values.get(sensor.id);
    if (!values) this.values.set(sensor.id, (values = {}));
    for (const quantity in observation.values) values[quantity] = observation.values[quantity] as number;
    this.lastSeen.set(sensor.id, Math.max(this.lastSeen.get(sensor.id) ?? 0, observation.observedAt));
    const watches = this.watchesBySensor.get(sensor.id);
    if (!watches) return;
    const nowMs = this.options.now();
    for (const watch of watches) {
      const condition = watch.rule.condition;
      if (watch.mean && condition.type !== 'offline') {
        const value = observation.values[condition.quantity];
        if (value !== undefined) watch.mean.add(observation.observedAt, value);
      }
      this.judgeWatch(watch, nowMs);
    }
  }

  /** Judges every watch now: delays that ran out, sensors gone offline. Call about once a second. */
  sweep(): void {
    const nowMs = this.options.now();
    for (const watch of this.watches) this.judgeWatch(watch, nowMs);
  }

  private judgeWatch(watch: Watch, nowMs: number): void {
    const { rule, sensor } = watch;
    let breach: boolean | undefined;
    let value: number | null = null;
    if (rule.condition.type === 'offline') {
      // A sensor that never reported counts from the engine's start.
      const seen = this.lastSeen.get(sensor.id) ?? this.startedAtMs;
      breach = nowMs - seen > OFFLINE_AFTER_INTERVALS * sensor.intervalMs;
    } else {
      const measured = conditionValue(
        rule.condition,
        sensor,
        this.values.get(sensor.id) ?? {},
        watch.mean,
        nowMs,
      );
      if (measured !== undefined && watch.limit) {
        breach = judge(measured, watch.limit, rule.hysteresis);
        value = measured;
      }
    }
    const next = step(watch.state, breach, nowMs, rule);
    watch.state = next.state;
    if (next.change === 'raise') watch.alarmId = this.raise(watch, value, nowMs).id;
    else if (next.change === 'clear' && watch.alarmId !== null) {
      this.clearAlarm(watch.alarmId, nowMs);
      watch.alarmId = null;
    }
  }

  private raise(watch: Watch, value: number | null, nowMs: number): Alarm {
    const limit =
      watch.limit === null ? null : 'above' in watch.limit ? watch.limit.above : watch.limit.below;
    const alarm: Alarm = {
      id: `${this.options.cityId}-${nowMs.toString(36)}-${(this.nextNumber++).toString(36)}`,
      cityId: this.options.cityId,
      ruleId: watch.rule.id,
      sensorId: watch.sensor.id,
      severity: watch.rule.severity,
      state: 'raised',
      value,
      limit,
      raisedAtMs: nowMs,
      acknowledgedAtMs: null,
      acknowledgedBy: null,
      comment: null,
      clearedAtMs: null,
      version: 1,
    };
    this.open.set(alarm.id, alarm);
    this.options.onChange(alarm);
    return alarm;
  }

  private clearAlarm(alarmId: string, nowMs: number): void {
    const alarm = this.open.get(alarmId);
    if (!alarm || alarm.state === 'cleared') return;
    const cleared: Alarm = { ...alarm, state: 'cleared', clearedAtMs: nowMs, version: alarm.version + 1 };
    this.replace(cleared);
  }

  /** Acknowledges an open alarm; an already cleared one closes with it. */
  acknowledge(alarmId: string, by: string, comment: string | undefined): Alarm {
    const alarm = this.open.get(alarmId);
    if (!alarm) throw new AlarmError('not-found', 'no such open alarm');
    if (alarm.acknowledgedAtMs !== null)
      throw new AlarmError(
        'bad-request',
        `alarm ${alarmId} is already acknowledged by ${alarm.acknowledgedBy}`,
      );
    const acknowledged: Alarm = {
      ...alarm,
      state: alarm.state === 'cleared' ? 'cleared' : 'acknowledged',
      acknowledgedAtMs: this.options.now(),
      acknowledgedBy: by,
      comment: comment?.trim() ? comment.trim() : null,
      version: alarm.version + 1,
    };
    this.replace(acknowledged);
    return acknowledged;
  }

  private replace(alarm: Alarm): void {
    // Cleared and acknowledged: closed, kept in the log only.
    if (alarm.state === 'cleared' && alarm.acknowledgedAtMs !== null) {
      this.open.delete(alarm.id);
      this.closed.push(alarm);
      if (this.closed.length > CLOSED_KEPT) this.closed.shift();
    } else this.open.set(alarm.id, alarm);
    this.options.onChange(alarm);
  }

  /** Open alarms (raised, acknowledged, or cleared without acknowledgement), newest first. */
  list(): Alarm[] {
    return [...this.open.values()].sort((a, b) => b.raisedAtMs - a.raisedAtMs);
  }

  /** Closed alarms, newest last. */
  log(): readonly Alarm[] {
    return this.closed;
  }
}
