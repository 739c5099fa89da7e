import { describe, expect, it } from 'vitest';
import type { Alarm } from '../../../protocol/alarms.ts';
import { AlarmRuleSchema } from '../../../protocol/alarms.ts';
import type { Sensor } from '../../../protocol/index.ts';
import { TEST_BASIN, TEST_GARAGE } from './testSensors.ts';
import { AlarmEngine } from './alarmEngine.ts';
import { DEFAULT_RULES } from './defaultRules.ts';

const T0 = Date.UTC(2026, 11, 3, 15, 0, 0);
const basin = TEST_BASIN;
const garage = TEST_GARAGE;

function engine(sensors: Sensor[]) {
  let now = T0;
  const changes: Alarm[] = [];
  const e = new AlarmEngine({
    cityId: 'town',
    sensors,
    rules: DEFAULT_RULES.map((r) => AlarmRuleSchema.parse(r)),
    now: () => now,
    onChange: (alarm) => changes.push(alarm),
  });
  return {
    e,
    changes,
    at: (ms: number) => {
      now = ms;
    },
  };
}

describe('AlarmEngine', () => {
  it('raises a basin’s warning and alarm as the level passes its marks, and clears them after the delay', () => {
    const { e, changes, at } = engine([basin]);
    const level = (t: number, cm: number) => {
      at(t);
      e.record(basin, {
        sensorId: basin.id,
        observedAt: t,
        values: { levelCm: cm, inflowLps: 100 },
        quality: 'good',
      });
    };
    level(T0, 200);
    level(T0 + 60_000, 230);
    expect(changes.map((a) => `${a.ruleId}:${a.state}`)).toEqual(['basin-warn:raised']);
    level(T0 + 120_000, 290);
    expect(e.list().map((a) => a.ruleId)).toEqual(['basin-alarm', 'basin-warn']);
    expect(e.list()[0]).toMatchObject({ severity: 'alarm', value: 290, limit: 288 });
    // Falling back under the alarm mark but within the hysteresis: still raised.
    level(T0 + 180_000, 285);
    expect(e.list().filter((a) => a.state === 'cleared')).toHaveLength(0);
    // Clear of it by more than 5 cm, for five minutes.
    level(T0 + 240_000, 270);
    level(T0 + 360_000, 260);
    expect(e.list().find((a) => a.ruleId === 'basin-alarm')?.state).toBe('raised');
    level(T0 + 540_000, 250);
    const alarm = e.list().find((a) => a.ruleId === 'basin-alarm');
    expect(alarm).toMatchObject({ state: 'cleared', clearedAtMs: T0 + 540_000 });
    // Cleared before anyone acknowledged it: listed until someone does, then closed.
    const acknowledged = e.acknowledge(alarm?.id ?? '', 'leitstelle', '  Pumpe lief  ');
    expect(acknowledged).toMatchObject({
      state: 'cleared',
      acknowledgedBy: 'leitstelle',
      comment: 'Pumpe lief',
    });
    expect(e.list().map((a) => a.ruleId)).toEqual(['basin-warn']);
    expect(e.log().map((a) => a.id)).toEqual([alarm?.id]);
  });

  it('acknowledges with who, when and a comment, once', () => {
    const { e, changes, at } = engine([basin]);
    at(T0);
    e.record(basin, { sensorId: basin.id, observedAt: T0, values: { levelCm: 300 }, quality: 'good' });
    const alarm = e.list().find((a) => a.ruleId === 'basin-alarm');
    at(T0 + 5_000);
    const acked = e.acknowledge(alarm?.id ?? '', 'leitstelle', 'Bereitschaft informiert');
    expect(acked).toMatchObject({
      state: 'acknowledged',
      acknowledgedAtMs: T0 + 5_000,
      acknowledgedBy: 'leitstelle',
      comment: 'Bereitschaft informiert',
      version: 2,
    });
    expect(changes.at(-1)).toEqual(acked);
    expect(() => e.acknowledge(alarm?.id ?? '', 'other', undefined)).toThrow(
      /already acknowledged by leitstelle/,
    );
    expect(() => e.acknowledge('nope', 'other', undefined)).toThrow('no such open alarm');
  });

  it('raises offline for a sensor silent for ten intervals, and for one never heard of since the start', () => {
    const { e, changes, at } = engine([basin, garage]);
    at(T0);
    e.record(garage, {
      sensorId: garage.id,
      observedAt: T0,
      values: { occupiedSpaces: 10 },
      quality: 'good',
    });
    at(T0 + 10 * 20_000 + 1);
    e.sweep();
    expect(changes.map((a) => `${a.ruleId}:${a.sensorId}`)).toEqual(['offline-parking:garage-1']);
    at(T0 + 10 * 60_000 + 1);
    e.sweep();
    expect(changes.map((a) => `${a.ruleId}:${a.sensorId}`)).toContain('offline-water:basin-1');
    // The garage reports again: its offline alarm clears.
    e.record(garage, {
      sensorId: garage.id,
      observedAt: T0 + 10 * 60_000,
      values: { occupiedSpaces: 10 },
      quality: 'good',
    });
    expect(e.list().find((a) => a.sensorId === 'garage-1')?.state).toBe('cleared');
  });

  it('raises a full garage only after its share held for a minute', () => {
    const { e, changes, at } = engine([garage]);
    const occupied = (t: number, n: number) => {
      at(t);
      e.record(garage, {
        sensorId: garage.id,
        observedAt: t,
        values: { occupiedSpaces: n, freeSpaces: 400 - n },
        quality: 'good',
      });
    };
    occupied(T0, 381); // 95.25 %
    occupied(T0 + 20_000, 385);
    occupied(T0 + 40_000, 370); // 92.5 %: in the hysteresis band (92 %..95 %): the delay goes on
    occupied(T0 + 60_000, 382);
    expect(changes.map((a) => a.ruleId)).toEqual(['parking-full']);
    expect(changes[0]?.value).toBeCloseTo(382 / 400, 9);
  });

  it('keeps the state of unchanged rules when the rules change, and closes what a removed rule raised once acknowledged', () => {
    const { e, at } = engine([basin]);
    at(T0);
    e.record(basin, { sensorId: basin.id, observedAt: T0, values: { levelCm: 300 }, quality: 'good' });
    expect(e.list()).toHaveLength(2);
    const rules = e.currentRules().filter((r) => r.id !== 'basin-warn');
    e.setRules(rules);
    const warn = e.list().find((a) => a.ruleId === 'basin-warn');
    expect(warn?.state).toBe('cleared');
    expect(e.list().find((a) => a.ruleId === 'basin-alarm')?.state).toBe('raised');
    e.record(basin, {
      sensorId: basin.id,
      observedAt: T0 + 60_000,
      values: { levelCm: 301 },
      quality: 'good',
    });
    // The alarm rule kept its state: no second alarm.
    expect(e.list().filter((a) => a.ruleId === 'basin-alarm')).toHaveLength(1);
  });
});
