import { describe, expect, it } from 'vitest';
import type { Alarm } from '../../../protocol/index.ts';
import { AlarmStore } from './alarmStore.ts';

const T = Date.UTC(2026, 11, 3, 15);

function alarm(id: string, patch: Partial<Alarm> = {}): Alarm {
  return {
    id,
    cityId: 'town',
    ruleId: 'basin-alarm',
    sensorId: 'basin-1',
    severity: 'alarm',
    state: 'raised',
    value: 300,
    limit: 288,
    raisedAtMs: T,
    acknowledgedAtMs: null,
    acknowledgedBy: null,
    comment: null,
    clearedAtMs: null,
    version: 1,
    ...patch,
  };
}

describe('AlarmStore', () => {
  it('takes the list, then numbered changes in order; asks again after a gap', () => {
    const store = new AlarmStore();
    const raised: string[] = [];
    store.onRaised((a) => raised.push(a.id));
    expect(store.applyChange({ seq: 1, alarm: alarm('a') })).toBe('gap');
    expect(store.applyList({ seq: 4, alarms: [alarm('a')], rules: [] })).toBe(true);
    expect(store.applyChange({ seq: 4, alarm: alarm('a') })).toBe('stale');
    expect(
      store.applyChange({ seq: 5, alarm: alarm('b', { severity: 'warning', raisedAtMs: T + 1000 }) }),
    ).toBe('applied');
    expect(raised).toEqual(['b']);
    expect(store.applyChange({ seq: 7, alarm: alarm('c') })).toBe('gap');
    expect(store.getView().seq).toBe(5);
    expect(store.applyChange({ seq: 'x' })).toBe('malformed');
  });

  it('orders unacknowledged before acknowledged, alarms before warnings, newest first; drops closed ones', () => {
    const store = new AlarmStore();
    store.applyList({
      seq: 1,
      alarms: [
        alarm('old-alarm', { raisedAtMs: T }),
        alarm('new-warning', { severity: 'warning', raisedAtMs: T + 5000 }),
        alarm('acked', {
          state: 'acknowledged',
          acknowledgedAtMs: T + 1,
          acknowledgedBy: 'a',
          version: 2,
          raisedAtMs: T + 9000,
        }),
        alarm('new-alarm', { raisedAtMs: T + 2000 }),
      ],
      rules: [],
    });
    expect(store.getView().alarms.map((a) => a.id)).toEqual([
      'new-alarm',
      'old-alarm',
      'new-warning',
      'acked',
    ]);
    store.applyChange({
      seq: 2,
      alarm: alarm('acked', {
        state: 'cleared',
        acknowledgedAtMs: T + 1,
        acknowledgedBy: 'a',
        clearedAtMs: T + 20_000,
        version: 3,
      }),
    });
    expect(store.getView().alarms.map((a) => a.id)).not.toContain('acked');
  });

  it('says when the console may not see alarms', () => {
    const store = new AlarmStore();
    store.refuse('alarms are for staff');
    expect(store.getView()).toMatchObject({ available: false, reason: 'alarms are for staff', alarms: [] });
  });

  it('takes changed rules from another console and a saved rule, and refuses malformed ones', () => {
    const store = new AlarmStore();
    const rule = {
      id: 'basin-alarm',
      name: { de: 'Becken', en: 'Basin' },
      kind: 'water',
      severity: 'alarm',
      condition: { type: 'mark', quantity: 'levelCm', level: 'alarm' },
    };
    // Before the list there is nothing to change.
    expect(store.applyRules([rule])).toBe(false);
    expect(store.applyList({ seq: 0, alarms: [], rules: [rule] })).toBe(true);
    expect(
      store.applyRules([
        { ...rule, severity: 'warning' },
        { ...rule, id: 'new-rule' },
      ]),
    ).toBe(true);
    expect([...store.getView().rules.keys()]).toEqual(['basin-alarm', 'new-rule']);
    expect(store.getView().rules.get('basin-alarm')?.severity).toBe('warning');
    expect(store.applyRule({ ...rule, enabled: false })).toBe(true);
    expect(store.getView().rules.get('basin-alarm')?.enabled).toBe(false);
    expect(store.applyRules([{ ...rule, condition: { type: 'value', quantity: 'levelCm' } }])).toBe(false);
    expect(store.applyRule({ id: 'x' })).toBe(false);
    expect(store.getView().rules.size).toBe(2);
  });
});
