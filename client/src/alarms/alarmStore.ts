/**
 * The alarms a staff console shows: the list the server answered, kept current by the numbered
 * `alarm:changed` events. A change that does not follow the last number means events were missed:
 * the caller asks for the list again. Pure apart from its listeners; no socket in here.
 */
import type { Alarm, AlarmChange, AlarmList, AlarmRule } from '../../../protocol/index.ts';
import { z } from 'zod';
import { AlarmChangeSchema, AlarmListSchema, AlarmRuleSchema } from '../../../protocol/index.ts';

const RulesSchema = z.array(AlarmRuleSchema);

export interface AlarmView {
  /** Null until the server answered; false when this console may not see alarms. */
  readonly available: boolean | null;
  /** Why not, in the server's words. */
  readonly reason: string | null;
  readonly seq: number;
  /** Open alarms (raised, acknowledged, or cleared and not yet acknowledged), newest first. */
  readonly alarms: readonly Alarm[];
  readonly rules: ReadonlyMap<string, AlarmRule>;
}

const EMPTY: AlarmView = { available: null, reason: null, seq: 0, alarms: [], rules: new Map() };

/** Whether an alarm still belongs in the list: closed ones (cleared and acknowledged) leave it. */
export function isOpen(alarm: Alarm): boolean {
  return !(alarm.state === 'cleared' && alarm.acknowledgedAtMs !== null);
}

/** The list order: unacknowledged first, then alarms before warnings, then newest first. */
export function alarmOrder(a: Alarm, b: Alarm): number {
  const unacked = Number(a.acknowledgedAtMs === null) - Number(b.acknowledgedAtMs === null);
  if (unacked !== 0) return -unacked;
  const severe = Number(a.severity === 'alarm') - Number(b.severity === 'alarm');
  if (severe !== 0) return -severe;
  return b.raisedAtMs - a.raisedAtMs;
}

export class AlarmStore {
  private view: AlarmView = EMPTY;
  private readonly listeners = new Set<() => void>();
  private readonly raisedListeners = new Set<(alarm: Alarm) => void>();

  readonly getView = (): AlarmView => this.view;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  /** Called for every alarm newly raised while the console watches (the sound cue). */
  onRaised(listener: (alarm: Alarm) => void): () => void {
    this.raisedListeners.add(listener);
    return () => {
      this.raisedListeners.delete(listener);
    };
  }

  /** Takes an `alarm:list` answer; false when it is malformed. */
  applyList(raw: unknown): boolean {
    const parsed = AlarmListSchema.safeParse(raw);
    if (!parsed.success) return false;
    const list: AlarmList = parsed.data;
    this.set({
      available: true,
      reason: null,
      seq: list.seq,
      alarms: list.alarms.filter(isOpen).sort(alarmOrder),
      rules: new Map(list.rules.map((rule) => [rule.id, rule])),
    });
    return true;
  }

  /** Takes `alarm:rules` (an operator changed a rule) or a saved rule's answer; false when malformed. */
  applyRules(raw: unknown): boolean {
    const parsed = RulesSchema.safeParse(raw);
    if (!parsed.success || this.view.available !== true) return false;
    this.set({ ...this.view, rules: new Map(parsed.data.map((rule) => [rule.id, rule])) });
    return true;
  }

  /** One rule as the server saved it (the answer to `alarm:rule`). */
  applyRule(raw: unknown): boolean {
    const parsed = AlarmRuleSchema.safeParse(raw);
    if (!parsed.success || this.view.available !== true) return false;
    const rules = new Map(this.view.rules);
    rules.set(parsed.data.id, parsed.data);
    this.set({ ...this.view, rules });
    return true;
  }

  /** The server said this console may not see alarms (or they are off). */
  refuse(reason: string): void {
    this.set({ ...EMPTY, available: false, reason });
  }

  /**
   * Takes one `alarm:changed`: `applied`, `stale` (already had it), `gap` (events were missed: ask
   * for the list), or `malformed`.
   */
  applyChange(raw: unknown): 'applied' | 'stale' | 'gap' | 'malformed' {
    const parsed = AlarmChangeSchema.safeParse(raw);
    if (!parsed.success) return 'malformed';
    const change: AlarmChange = parsed.data;
    if (this.view.available !== true) return 'gap';
    if (change.seq <= this.view.seq) return 'stale';
    if (change.seq !== this.view.seq + 1) return 'gap';
    const others = this.view.alarms.filter((a) => a.id !== change.alarm.id);
    const alarms = isOpen(change.alarm) ? [...others, change.alarm].sort(alarmOrder) : others;
    this.set({ ...this.view, seq: change.seq, alarms });
    if (change.alarm.state === 'raised' && change.alarm.version === 1)
      for (const listener of [...this.raisedListeners]) listener(change.alarm);
    return 'applied';
  }

  /** Forgets everything (the console signed out or changed town). */
  clear(): void {
    this.set(EMPTY);
  }

  private set(view: AlarmView): void {
    this.view = view;
    for (const listener of [...this.listeners]) listener();
  }
}
