import { describe, expect, it } from 'vitest';
import { deepFreeze, noReading, reading } from '../testing/fixtures.ts';
import { SensorStates } from './sensorStates.ts';

describe('SensorStates', () => {
  it('reads a snapshot in its order, a later duplicate replacing the earlier one', () => {
    const table = SensorStates.of([
      reading('a', { freeSpaces: 1 }),
      reading('b', { freeSpaces: 2 }),
      reading('a', { freeSpaces: 3 }),
    ]);
    expect(table.size).toBe(2);
    expect([...table.keys()]).toEqual(['a', 'b']);
    expect(table.get('a')?.observation?.values['freeSpaces']).toBe(3);
    expect(table.has('c')).toBe(false);
    expect(table.get('c')).toBeUndefined();
  });

  it('makes a new table for changes and leaves the old one as it was', () => {
    const before = deepFreeze(
      SensorStates.of([reading('a', { freeSpaces: 1 }), reading('b', { freeSpaces: 2 })]),
    );
    const changed: string[] = [];
    const after = before.with(
      [reading('b', { freeSpaces: 5 }), reading('c', { freeSpaces: 7 })],
      ['a'],
      changed,
    );
    expect(changed).toEqual(['b', 'c', 'a']);
    expect([...after.entries()].map(([id, s]) => [id, s.observation?.values['freeSpaces']])).toEqual([
      ['b', 5],
      ['c', 7],
    ]);
    expect(after.size).toBe(2);
    expect([...before.values()].map((s) => s.observation?.values['freeSpaces'])).toEqual([1, 2]);
    expect(before.has('c')).toBe(false);
    expect(before.size).toBe(2);
  });

  it('counts only removals that removed something, and a sensor can come back', () => {
    const table = SensorStates.of([noReading('a'), noReading('b')]);
    const changed: string[] = [];
    const removed = table.with([], ['a', 'a', 'zz'], changed);
    expect(changed).toEqual(['a']);
    expect(removed.size).toBe(1);
    const back = removed.with([noReading('a', 'live')], [], changed);
    expect(back.size).toBe(2);
    expect(back.get('a')?.freshness).toBe('live');
    const seen: string[] = [];
    back.forEach((state, id) => seen.push(`${id}:${state.freshness}`));
    expect(seen).toEqual(['a:live', 'b:offline']);
  });
});
