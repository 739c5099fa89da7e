import { describe, expect, it } from 'vitest';
import type { AlarmRule } from '../../../protocol/alarms.ts';
import { AlarmRuleSchema } from '../../../protocol/alarms.ts';
import { TEST_BASIN, TEST_GARAGE } from './testSensors.ts';
import { IDLE, judge, limitOf, ruleApplies, RunningMean, step, type RuleState } from './ruleEvaluation.ts';

const basin = TEST_BASIN;
const garage = TEST_GARAGE;

function rule(input: Partial<AlarmRule> & Pick<AlarmRule, 'condition' | 'kind'>): AlarmRule {
  return AlarmRuleSchema.parse({ id: 'r', name: { de: 'R', en: 'R' }, severity: 'alarm', ...input });
}

/** Runs `step` over timed values (undefined: nothing to judge) and returns the changes with times. */
function run(r: AlarmRule, limit: Parameters<typeof judge>[1], samples: [number, number | undefined][]) {
  let state: RuleState = IDLE;
  const changes: string[] = [];
  for (const [t, value] of samples) {
    const breach = value === undefined ? undefined : judge(value, limit, r.hysteresis);
    const next = step(state, breach, t, r);
    state = next.state;
    if (next.change) changes.push(`${next.change}@${t}`);
  }
  return { changes, state };
}

describe('alarm rules', () => {
  it('take the basin’s own marks, a sensor’s override, or the rule’s limit', () => {
    const mark = rule({ kind: 'water', condition: { type: 'mark', quantity: 'levelCm', level: 'alarm' } });
    expect(limitOf(mark, basin)).toEqual({ above: 288 });
    expect(ruleApplies(mark, basin)).toBe(true);
    expect(ruleApplies(mark, garage)).toBe(false);
    const full = rule({
      kind: 'parking',
      condition: { type: 'ratio', quantity: 'occupiedSpaces', attribute: 'capacitySpaces', above: 0.95 },
      overrides: { 'garage-2': { above: 0.9 }, 'garage-3': { enabled: false } },
    });
    expect(limitOf(full, garage)).toEqual({ above: 0.95 });
    expect(limitOf(full, { ...garage, id: 'garage-2' })).toEqual({ above: 0.9 });
    expect(ruleApplies(full, { ...garage, id: 'garage-3' })).toBe(false);
    // A garage without a capacity cannot be judged by its share.
    expect(ruleApplies(full, { ...garage, attributes: {} })).toBe(false);
  });

  it('raise at the limit and clear only beyond the hysteresis: a value on the edge does not flap', () => {
    const r = rule({
      kind: 'water',
      condition: { type: 'value', quantity: 'levelCm', above: 288 },
      hysteresis: 10,
    });
    const { changes } = run(r, { above: 288 }, [
      [0, 280],
      [1, 288], // at the limit: raised
      [2, 285],
      [3, 289],
      [4, 279], // still within 10 of the limit
      [5, 277.9], // clear
      [6, 287],
    ]);
    expect(changes).toEqual(['raise@1', 'clear@5']);
  });

  it('raise only once the condition held for the delay, and reset the delay when it lets go', () => {
    const r = rule({
      kind: 'traffic',
      condition: { type: 'value', quantity: 'speedKmh', below: 15 },
      raiseDelayMs: 120_000,
      clearDelayMs: 60_000,
    });
    const { changes } = run(r, { below: 15 }, [
      [0, 10],
      [60_000, 12],
      [90_000, 20], // let go before the two minutes: starts again
      [100_000, 9],
      [200_000, 9],
      [220_000, 10], // held 120 s since 100 s
      [230_000, 30],
      [250_000, 30],
      [290_000, 30], // clear for 60 s since 230 s
    ]);
    expect(changes).toEqual(['raise@220000', 'clear@290000']);
  });

  it('change nothing without data: a missing value neither raises, clears nor resets a delay', () => {
    const r = rule({
      kind: 'water',
      condition: { type: 'value', quantity: 'levelCm', above: 288 },
      raiseDelayMs: 60_000,
    });
    const { changes, state } = run(r, { above: 288 }, [
      [0, 300],
      [30_000, undefined],
      [60_000, 301], // the delay counted from 0 through the gap
      [70_000, undefined],
      [200_000, undefined],
    ]);
    expect(changes).toEqual(['raise@60000']);
    expect(state.active).toBe(true);
  });

  it('treat offline as a condition like any other', () => {
    const r = rule({ kind: 'water', condition: { type: 'offline' }, raiseDelayMs: 0, clearDelayMs: 0 });
    let state: RuleState = IDLE;
    const a = step(state, true, 10, r);
    expect(a.change).toBe('raise');
    state = a.state;
    expect(step(state, true, 20, r).change).toBeUndefined();
    expect(step(state, false, 30, r).change).toBe('clear');
  });

  it('keep running means that count only with enough readings (EU: 75 %)', () => {
    const hour = new RunningMean(3_600_000, 60_000);
    // 40 readings a minute apart: 67 % of an hour, no mean yet.
    for (let m = 0; m < 40; m += 1) hour.add(m * 60_000, 150);
    expect(hour.mean(39 * 60_000)).toBeUndefined();
    for (let m = 40; m < 60; m += 1) hour.add(m * 60_000, 270);
    expect(hour.mean(59 * 60_000)).toBeCloseTo((40 * 150 + 20 * 270) / 60, 9);
    // An hour later the old readings have left the window.
    for (let m = 60; m < 120; m += 1) hour.add(m * 60_000, 100);
    expect(hour.mean(119 * 60_000)).toBeCloseTo(100, 9);
    // A long silence: too few readings in the window again.
    expect(hour.mean(200 * 60_000)).toBeUndefined();
  });
});
