import { describe, expect, it } from 'vitest';
import type { Diff, WireDiff } from '../../../protocol/index.ts';
import { encodeDiff } from '../../../protocol/index.ts';
import { deepFreeze, liveState, noReading, reading } from '../testing/fixtures.ts';
import { applyDiff, applyWireDiff, LiveStore, stateFromSnapshot } from './liveStore.ts';

function diff(overrides: Partial<Diff> = {}): Diff {
  return { subscriptionId: 'sub-1', seq: 6, serverTimeMs: 2_000_100, upserts: [], removed: [], ...overrides };
}

/** The wire form of `diff(overrides)` for a subscription of the sensors `order`. */
function wire(overrides: Partial<Diff> = {}, order: readonly string[] = ['a', 'b']): WireDiff {
  return encodeDiff(diff(overrides), new Map(order.map((id, i) => [id, i])));
}

describe('applyDiff', () => {
  it('applies upserts into a new state without mutating the frozen inputs', () => {
    const before = deepFreeze(
      liveState([reading('a', { freeSpaces: 10 }), reading('b', { freeSpaces: 20 })]),
    );
    const change = deepFreeze(diff({ upserts: [reading('a', { freeSpaces: 9 }, 1_000_500)] }));

    const outcome = applyDiff(before, change);

    expect(outcome.kind).toBe('applied');
    if (outcome.kind !== 'applied') return;
    expect(outcome.state.seq).toBe(6);
    expect(outcome.state.serverTimeMs).toBe(2_000_100);
    expect(outcome.state.sensors.get('a')?.observation?.values['freeSpaces']).toBe(9);
    expect(outcome.changedIds).toEqual(['a']);
    expect(before.seq).toBe(5);
    expect(before.sensors.get('a')?.observation?.values['freeSpaces']).toBe(10);
  });

  it('keeps the identity of sensors the diff does not touch', () => {
    const before = deepFreeze(
      liveState([reading('a', { freeSpaces: 10 }), reading('b', { freeSpaces: 20 })]),
    );
    const outcome = applyDiff(before, deepFreeze(diff({ upserts: [reading('a', { freeSpaces: 9 })] })));
    if (outcome.kind !== 'applied') throw new Error('expected applied');
    expect(outcome.state.sensors.get('b')).toBe(before.sensors.get('b'));
    expect(outcome.state.sensors.get('a')).not.toBe(before.sensors.get('a'));
  });

  it('drops removed sensors and lists them as changed', () => {
    const before = deepFreeze(
      liveState([reading('a', { freeSpaces: 10 }), reading('b', { freeSpaces: 20 })]),
    );
    const outcome = applyDiff(before, deepFreeze(diff({ removed: ['b', 'not-there'] })));
    if (outcome.kind !== 'applied') throw new Error('expected applied');
    expect([...outcome.state.sensors.keys()]).toEqual(['a']);
    expect(outcome.changedIds).toEqual(['b']);
    expect(before.sensors.has('b')).toBe(true);
  });

  it('stores a sensor that lost its reading as null, not as zeros', () => {
    const before = deepFreeze(liveState([reading('a', { freeSpaces: 10 })]));
    const outcome = applyDiff(before, deepFreeze(diff({ upserts: [noReading('a')] })));
    if (outcome.kind !== 'applied') throw new Error('expected applied');
    expect(outcome.state.sensors.get('a')?.observation).toBeNull();
  });

  it('reports a gap when a diff skips a sequence number', () => {
    const before = deepFreeze(liveState([], 5));
    expect(applyDiff(before, deepFreeze(diff({ seq: 8 })))).toEqual({
      kind: 'gap',
      expectedSeq: 6,
      receivedSeq: 8,
    });
  });

  it('ignores diffs of another (older) subscription', () => {
    const before = deepFreeze(liveState([reading('a', { freeSpaces: 10 })], 5, 'sub-2'));
    const outcome = applyDiff(
      before,
      deepFreeze(diff({ subscriptionId: 'sub-1', upserts: [reading('a', { freeSpaces: 1 })] })),
    );
    expect(outcome).toEqual({ kind: 'ignored', reason: 'other-subscription' });
  });

  it('ignores a diff that was already applied', () => {
    const before = deepFreeze(liveState([], 5));
    expect(applyDiff(before, deepFreeze(diff({ seq: 5 })))).toEqual({
      kind: 'ignored',
      reason: 'already-applied',
    });
  });
});

describe('applyWireDiff', () => {
  it('reads the rows against the snapshot order and applies them', () => {
    const before = deepFreeze(
      liveState([reading('a', { freeSpaces: 10 }), reading('b', { freeSpaces: 20 })]),
    );
    const outcome = applyWireDiff(
      before,
      deepFreeze(wire({ upserts: [reading('b', { freeSpaces: 3 }, 2_000_000)] })),
    );
    expect(outcome.kind).toBe('applied');
    if (outcome.kind !== 'applied') return;
    expect(outcome.changedIds).toEqual(['b']);
    expect(outcome.state.sensors.get('b')).toEqual(reading('b', { freeSpaces: 3 }, 2_000_000));
    expect(outcome.state.sensors.get('a')).toBe(before.sensors.get('a'));
    expect(outcome.state.order).toBe(before.order);
  });

  it('tells a gap, another subscription and an old diff before reading any row', () => {
    const before = liveState([reading('a', { freeSpaces: 10 })]);
    const broken: WireDiff = { ...wire(), u: [[99, 0, 0, 0, 0, 1]] };
    expect(applyWireDiff(before, { ...broken, seq: 8 }).kind).toBe('gap');
    expect(applyWireDiff(before, { ...broken, id: 'sub-2' })).toEqual({
      kind: 'ignored',
      reason: 'other-subscription',
    });
    expect(applyWireDiff(before, { ...broken, seq: 5 })).toEqual({
      kind: 'ignored',
      reason: 'already-applied',
    });
  });

  it('applies nothing of a diff whose rows do not fit the snapshot, and says why', () => {
    const before = liveState([reading('a', { freeSpaces: 10 })]);
    const good = wire({ upserts: [reading('a', { freeSpaces: 1 })] }, ['a']);
    const outcome = applyWireDiff(before, { ...good, u: [...good.u, [1, 0, 0, 0, 0, 5]] });
    expect(outcome).toEqual({
      kind: 'malformed',
      reason: 'row 1: index 1 is not in the snapshot of 1 sensors',
    });
  });
});

describe('stateFromSnapshot', () => {
  it('indexes the snapshot states by sensor id', () => {
    const state = stateFromSnapshot({
      subscriptionId: 's',
      seq: 3,
      serverTimeMs: 10,
      states: [reading('a', { levelCm: 4 }), noReading('b')],
    });
    expect(state.seq).toBe(3);
    expect([...state.sensors.keys()]).toEqual(['a', 'b']);
    expect(state.order).toEqual(['a', 'b']);
  });
});

describe('LiveStore', () => {
  const snapshot = {
    subscriptionId: 'sub-1',
    seq: 5,
    serverTimeMs: 2_000_000,
    states: [reading('a', { freeSpaces: 10 })],
  };

  it('notifies subscribers and keeps the snapshot object stable between changes', () => {
    const store = new LiveStore();
    let calls = 0;
    store.subscribe(() => calls++);
    const first = store.getSnapshot();
    expect(store.getSnapshot()).toBe(first);
    store.replaceState(snapshot, 0);
    expect(calls).toBe(1);
    expect(store.getSnapshot()).not.toBe(first);
    expect(store.getSnapshot().state?.seq).toBe(5);
  });

  it('does not notify for a diff it ignores', () => {
    const store = new LiveStore();
    store.replaceState(snapshot, 0);
    let calls = 0;
    store.subscribe(() => calls++);
    expect(store.applyDiff(wire({ seq: 9 }), 0).kind).toBe('gap');
    expect(store.applyDiff(wire({ subscriptionId: 'old' }), 0).kind).toBe('ignored');
    expect(calls).toBe(0);
  });

  it('ignores diffs before the first snapshot', () => {
    expect(new LiveStore().applyDiff(wire(), 0)).toEqual({ kind: 'ignored', reason: 'no-state' });
  });

  it('advances the server clock by local time times the hello time scale', () => {
    const store = new LiveStore();
    store.setHello({ protocolVersion: 1, cityId: 'x', serverTimeMs: 0, timeScale: 60, role: 'public' }, 0);
    store.replaceState(snapshot, 1_000);
    expect(store.nowServerMs(1_000)).toBe(2_000_000);
    expect(store.nowServerMs(3_000)).toBe(2_000_000 + 2_000 * 60);
    store.applyDiff(wire(), 5_000);
    expect(store.nowServerMs(5_500)).toBe(2_000_100 + 500 * 60);
  });

  it('unsubscribes listeners', () => {
    const store = new LiveStore();
    let calls = 0;
    const stop = store.subscribe(() => calls++);
    stop();
    store.setConnection('live');
    expect(calls).toBe(0);
  });
});
