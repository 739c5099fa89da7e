import { describe, expect, it } from 'vitest';
import type { Diff, Sensor, Snapshot } from '../../../protocol/index.ts';
import { createManualClock } from '../clock.ts';
import type { RejectionReason } from './hub.ts';
import { Hub } from './hub.ts';

const T0 = Date.UTC(2026, 10, 22, 8, 0, 0);

function sensor(
  id: string,
  kind: Sensor['kind'],
  lon: number,
  quantities: string[],
  intervalMs = 10_000,
): Sensor {
  return {
    id,
    kind,
    name: id,
    position: [lon, 48.685, 0],
    object: { type: 'site', id: `site-${id}` },
    quantities,
    intervalMs,
    thresholds: {},
    visibility: 'public',
    attributes: {},
  };
}

const SENSORS: Sensor[] = [
  sensor('p1', 'parking', 9.0, ['freeSpaces', 'occupiedSpaces']),
  sensor('p2', 'parking', 9.05, ['freeSpaces', 'occupiedSpaces']),
  sensor('t1', 'traffic', 9.0, ['speedKmh']),
  { ...sensor('secret', 'parking', 9.0, ['freeSpaces']), visibility: 'internal' },
];

function setup() {
  const clock = createManualClock(T0);
  const rejected: RejectionReason[] = [];
  const accepted: string[] = [];
  const hub = new Hub({
    sensors: SENSORS,
    clock,
    deadLetterLimit: 3,
    metrics: { readingAccepted: (s) => accepted.push(s), readingRejected: (r) => rejected.push(r) },
  });
  const diffs: Diff[] = [];
  let congested = false;
  const sink = { send: (d: Diff) => diffs.push(d), isCongested: () => congested };
  return { clock, hub, diffs, sink, rejected, accepted, setCongested: (c: boolean) => (congested = c) };
}

describe('Hub ingest', () => {
  it('keeps the latest reading per sensor and counts it', () => {
    const { hub, accepted } = setup();
    expect(
      hub.ingest({ sensorId: 'p1', observedAt: T0 - 1000, values: { freeSpaces: 10 } }, 'test').accepted,
    ).toBe(true);
    expect(hub.state('p1')?.observation?.values).toEqual({ freeSpaces: 10 });
    expect(hub.state('p1')?.freshness).toBe('live');
    expect(accepted).toEqual(['test']);
  });

  it('rejects a payload that is not an observation and names the field', () => {
    const { hub, rejected } = setup();
    const result = hub.ingest({ sensorId: 'p1', observedAt: 'yesterday', values: { freeSpaces: 1 } }, 'http');
    expect(result.accepted).toBe(false);
    if (result.accepted) return;
    expect(result.rejection.reason).toBe('invalid-payload');
    expect(result.rejection.message).toContain('observedAt');
    expect(rejected).toEqual(['invalid-payload']);
  });

  it('rejects readings of unknown sensors and far-future timestamps', () => {
    const { hub } = setup();
    const unknown = hub.ingest({ sensorId: 'nope', observedAt: T0, values: { freeSpaces: 1 } }, 'mqtt');
    const future = hub.ingest(
      { sensorId: 'p1', observedAt: T0 + 3_600_000, values: { freeSpaces: 1 } },
      'mqtt',
    );
    expect(unknown.accepted ? null : unknown.rejection.reason).toBe('unknown-sensor');
    expect(future.accepted ? null : future.rejection.reason).toBe('future-timestamp');
    expect(hub.state('p1')?.observation).toBeNull();
  });

  it('refuses a reading 3 minutes ahead of the server clock, naming the tolerance', () => {
    const { hub, rejected } = setup();
    const result = hub.ingest(
      { sensorId: 'p1', observedAt: T0 + 3 * 60_000, values: { freeSpaces: 1 } },
      'push',
    );
    expect(result.accepted).toBe(false);
    if (result.accepted) return;
    expect(result.rejection.reason).toBe('future-timestamp');
    expect(result.rejection.message).toContain('more than 30 s ahead of the server clock');
    expect(rejected).toEqual(['future-timestamp']);
    expect(hub.state('p1')?.observation).toBeNull();
  });

  it('takes a reading 10 s ahead, and the correct reading a second later replaces it', () => {
    const clock = createManualClock(T0);
    const recorded: [number, Record<string, number>][] = [];
    const hub = new Hub({
      sensors: SENSORS,
      clock,
      onAccepted: (_sensor, observation) => recorded.push([observation.observedAt, observation.values]),
    });
    const ahead = hub.ingest({ sensorId: 'p1', observedAt: T0 + 10_000, values: { freeSpaces: 7 } }, 'push');
    expect(ahead.accepted).toBe(true);
    // Sent again, it is the same reading; one measured before it arrived is still late.
    const again = hub.ingest({ sensorId: 'p1', observedAt: T0 + 10_000, values: { freeSpaces: 7 } }, 'push');
    expect(again.accepted ? null : again.rejection.reason).toBe('duplicate');
    const late = hub.ingest({ sensorId: 'p1', observedAt: T0 - 60_000, values: { freeSpaces: 1 } }, 'push');
    expect(late.accepted ? null : late.rejection.reason).toBe('out-of-order');
    clock.advance(1000);
    const correct = hub.ingest({ sensorId: 'p1', observedAt: T0 + 1000, values: { freeSpaces: 8 } }, 'push');
    expect(correct.accepted).toBe(true);
    expect(hub.state('p1')?.observation).toEqual({
      sensorId: 'p1',
      observedAt: T0 + 1000,
      values: { freeSpaces: 8 },
      quality: 'good',
    });
    // The history gets both, each at the time it was sent with.
    expect(recorded).toEqual([
      [T0 + 10_000, { freeSpaces: 7 }],
      [T0 + 1000, { freeSpaces: 8 }],
    ]);
    // The next correct reading follows as usual, and an older one is out of order again.
    clock.advance(1000);
    expect(
      hub.ingest({ sensorId: 'p1', observedAt: T0 + 2000, values: { freeSpaces: 9 } }, 'push').accepted,
    ).toBe(true);
    const older = hub.ingest({ sensorId: 'p1', observedAt: T0 + 1500, values: { freeSpaces: 1 } }, 'push');
    expect(older.accepted ? null : older.rejection.reason).toBe('out-of-order');
  });

  it('never lets a late copy of an older reading ahead of the clock replace a newer one', () => {
    const clock = createManualClock(T0);
    const hub = new Hub({ sensors: SENSORS, clock });
    const reading = (offsetMs: number, freeSpaces: number) =>
      hub.ingest({ sensorId: 'p1', observedAt: T0 + offsetMs, values: { freeSpaces } }, 'mqtt');
    // Two readings a little ahead of the clock, in order; then the broker redelivers the first.
    expect(reading(110, 1).accepted).toBe(true);
    clock.advance(1);
    expect(reading(111, 2).accepted).toBe(true);
    clock.advance(5);
    const copyWhileAhead = reading(110, 1);
    expect(copyWhileAhead.accepted ? null : copyWhileAhead.rejection.reason).toBe('out-of-order');
    // Once the clock has passed them, the copy comes again: still older than what is held.
    clock.advance(2000);
    const copyLater = reading(110, 1);
    expect(copyLater.accepted ? null : copyLater.rejection.reason).toBe('out-of-order');
    expect(hub.state('p1')?.observation?.values).toEqual({ freeSpaces: 2 });
  });

  it('takes the tolerance from its options', () => {
    const hub = new Hub({ sensors: SENSORS, clock: createManualClock(T0), maxFutureSkewMs: 5000 });
    const refused = hub.ingest({ sensorId: 'p1', observedAt: T0 + 6000, values: { freeSpaces: 1 } }, 'x');
    expect(refused.accepted ? null : refused.rejection.message).toContain('more than 5 s ahead');
    expect(
      hub.ingest({ sensorId: 'p1', observedAt: T0 + 4000, values: { freeSpaces: 1 } }, 'x').accepted,
    ).toBe(true);
  });

  it('drops an unknown quantity but keeps the good values beside it', () => {
    const { hub, rejected } = setup();
    const result = hub.ingest(
      { sensorId: 'p1', observedAt: T0, values: { freeSpaces: 4, colour: 2 } },
      'mqtt',
    );
    expect(result.accepted).toBe(true);
    expect(hub.state('p1')?.observation?.values).toEqual({ freeSpaces: 4 });
    expect(rejected).toEqual(['unknown-quantity']);
    expect(hub.deadLetters()[0]?.message).toContain('"colour"');
  });

  it('keeps the good values before and after a dropped one, in their order, and the input untouched', () => {
    const { hub, rejected } = setup();
    const values = Object.freeze({ occupiedSpaces: 12, colour: 2, freeSpaces: 4 });
    const result = hub.ingest({ sensorId: 'p1', observedAt: T0, values }, 'mqtt');
    expect(result.accepted).toBe(true);
    const kept = hub.state('p1')?.observation?.values ?? {};
    expect(Object.entries(kept)).toEqual([
      ['occupiedSpaces', 12],
      ['freeSpaces', 4],
    ]);
    expect(rejected).toEqual(['unknown-quantity']);
    // A reading with nothing to drop is taken as it is.
    expect(
      hub.ingest({ sensorId: 'p1', observedAt: T0 + 1, values: { freeSpaces: 5, occupiedSpaces: 11 } }, 's'),
    ).toMatchObject({ accepted: true, observation: { values: { freeSpaces: 5, occupiedSpaces: 11 } } });
  });

  it('does not let an older reading replace a newer one', () => {
    const { hub } = setup();
    hub.ingest({ sensorId: 'p1', observedAt: T0, values: { freeSpaces: 4 } }, 's');
    const late = hub.ingest({ sensorId: 'p1', observedAt: T0 - 5000, values: { freeSpaces: 9 } }, 's');
    expect(late.accepted ? null : late.rejection.reason).toBe('out-of-order');
    expect(hub.state('p1')?.observation?.values.freeSpaces).toBe(4);
  });

  it('refuses readings older than the allowed age, naming the limit', () => {
    const { hub, rejected } = setup();
    const old = hub.ingest(
      { sensorId: 'p1', observedAt: T0 - 31 * 86_400_000, values: { freeSpaces: 1 } },
      'x',
    );
    expect(old.accepted ? null : old.rejection.message).toMatch(/more than 30 days before the server clock/);
    expect(rejected).toEqual(['past-timestamp']);
    expect(hub.state('p1')?.observation).toBeNull();
  });

  it('drops an impossible value but keeps the plausible ones of the same reading', () => {
    const { hub, rejected } = setup();
    const result = hub.ingest(
      { sensorId: 'p1', observedAt: T0, values: { freeSpaces: -4, occupiedSpaces: 120 } },
      'x',
    );
    expect(result.accepted).toBe(true);
    if (result.accepted) expect(result.warnings[0]?.message).toMatch(/freeSpaces = -4 is below 0/);
    expect(hub.state('p1')?.observation?.values).toEqual({ occupiedSpaces: 120 });
    expect(rejected).toEqual(['implausible-value']);
  });

  it('rejects a reading whose only value is impossible', () => {
    const { hub } = setup();
    const result = hub.ingest({ sensorId: 't1', observedAt: T0, values: { speedKmh: 1200 } }, 'x');
    expect(result.accepted ? null : result.rejection.reason).toBe('implausible-value');
    expect(hub.state('t1')?.observation).toBeNull();
  });

  it('counts a repeated reading as a duplicate and keeps the first', () => {
    const { hub, rejected } = setup();
    hub.ingest({ sensorId: 'p1', observedAt: T0, values: { freeSpaces: 10 } }, 'x');
    const again = hub.ingest({ sensorId: 'p1', observedAt: T0, values: { freeSpaces: 10 } }, 'x');
    const other = hub.ingest({ sensorId: 'p1', observedAt: T0, values: { freeSpaces: 11 } }, 'x');
    expect(again.accepted ? null : again.rejection.reason).toBe('duplicate');
    expect(other.accepted ? null : other.rejection.message).toMatch(/with other values: the first one stays/);
    expect(rejected).toEqual(['duplicate', 'duplicate']);
    expect(hub.state('p1')?.observation?.values).toEqual({ freeSpaces: 10 });
  });

  it('keeps only the newest rejections in the dead-letter list', () => {
    const { hub } = setup();
    for (let i = 0; i < 5; i++) hub.ingest({ sensorId: `x${i}`, observedAt: T0, values: { a: 1 } }, 's');
    expect(hub.deadLetters().map((d) => d.message)).toEqual([
      'no sensor "x2" in the registry',
      'no sensor "x3" in the registry',
      'no sensor "x4" in the registry',
    ]);
  });

  it('never throws on hostile input', () => {
    const { hub } = setup();
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    for (const input of [null, undefined, 42, 'text', [], circular, { values: null }]) {
      expect(hub.ingest(input, 's').accepted).toBe(false);
    }
  });
});

describe('Hub subscriptions', () => {
  it('answers a subscription with a snapshot of only its kinds and visible sensors', () => {
    const { hub, sink } = setup();
    hub.ingest({ sensorId: 'p1', observedAt: T0, values: { freeSpaces: 4 } }, 's');
    const id = hub.subscribe({ kinds: ['parking'], visibilities: ['public'] }, sink);
    const snapshot = hub.snapshot(id);
    expect(snapshot.seq).toBe(0);
    expect(snapshot.states.map((s) => s.sensorId).sort()).toEqual(['p1', 'p2']);
    expect(snapshot.states.find((s) => s.sensorId === 'p2')).toEqual({
      sensorId: 'p2',
      observation: null,
      freshness: 'offline',
    });
  });

  it('sends one diff per tick with only what changed in the subscription', () => {
    const { hub, sink, diffs } = setup();
    const id = hub.subscribe(
      { kinds: ['parking'], visibilities: ['public'], bbox: [8.99, 48.6, 9.01, 48.7] },
      sink,
    );
    hub.snapshot(id);
    hub.ingest({ sensorId: 'p1', observedAt: T0, values: { freeSpaces: 4 } }, 's');
    hub.ingest({ sensorId: 'p1', observedAt: T0 + 1, values: { freeSpaces: 5 } }, 's');
    hub.ingest({ sensorId: 'p2', observedAt: T0, values: { freeSpaces: 7 } }, 's');
    hub.ingest({ sensorId: 't1', observedAt: T0, values: { speedKmh: 30 } }, 's');
    hub.tick();
    expect(diffs).toHaveLength(1);
    expect(diffs[0]?.seq).toBe(1);
    expect(diffs[0]?.upserts.map((u) => [u.sensorId, u.observation?.values.freeSpaces])).toEqual([['p1', 5]]);
    hub.tick();
    expect(diffs).toHaveLength(1);
  });

  it('tells subscribers when a sensor turns stale', () => {
    const { hub, sink, diffs, clock } = setup();
    const id = hub.subscribe({ kinds: ['traffic'], visibilities: ['public'] }, sink);
    hub.ingest({ sensorId: 't1', observedAt: T0, values: { speedKmh: 30 } }, 's');
    hub.snapshot(id);
    clock.advance(20_001);
    hub.tick();
    expect(diffs.at(-1)?.upserts[0]?.freshness).toBe('stale');
  });

  it('skips a congested subscriber and then sends it the whole state: latest value wins, no gap', () => {
    const { hub, sink, diffs, setCongested } = setup();
    const snapshots: Snapshot[] = [];
    const id = hub.subscribe(
      { kinds: ['parking'], visibilities: ['public'] },
      {
        ...sink,
        resync: (snapshot) => snapshots.push(snapshot),
      },
    );
    hub.snapshot(id);
    setCongested(true);
    for (let i = 0; i < 5; i++) {
      hub.ingest({ sensorId: 'p1', observedAt: T0 + i, values: { freeSpaces: i } }, 's');
      hub.tick();
    }
    expect(diffs).toHaveLength(0);
    setCongested(false);
    hub.tick();
    expect(snapshots).toHaveLength(1);
    expect(snapshots[0]?.seq).toBe(5);
    expect(snapshots[0]?.states.find((s) => s.sensorId === 'p1')?.observation?.values.freeSpaces).toBe(4);
    hub.ingest({ sensorId: 'p1', observedAt: T0 + 10, values: { freeSpaces: 9 } }, 's');
    hub.tick();
    expect(diffs.map((d) => d.seq)).toEqual([6]);
  });

  it('stops sending after unsubscribe', () => {
    const { hub, sink, diffs } = setup();
    const id = hub.subscribe({ kinds: ['parking'], visibilities: ['public'] }, sink);
    hub.unsubscribe(id);
    hub.ingest({ sensorId: 'p1', observedAt: T0, values: { freeSpaces: 4 } }, 's');
    hub.tick();
    expect(diffs).toHaveLength(0);
    expect(hub.subscriberCount).toBe(0);
  });
});

describe('Hub device health', () => {
  it('merges health facts into the state, keeps the reading, and sends them in the next diff', () => {
    const { hub, diffs, sink } = setup();
    hub.ingest({ sensorId: 'p1', observedAt: T0 - 1000, values: { freeSpaces: 10 } }, 'ttn');
    const id = hub.subscribe({ kinds: ['parking'], visibilities: ['public'] }, sink);
    hub.snapshot(id);
    hub.reportHealth({ sensorId: 'p1', seenAt: T0, rssiDbm: -101, snrDb: 4.5, gatewayId: 'gw-1' }, 'ttn');
    hub.reportHealth({ sensorId: 'p1', seenAt: T0 + 500, batteryPercent: 140 }, 'ttn');
    hub.tick();
    expect(diffs).toHaveLength(1);
    expect(diffs[0]?.upserts[0]).toEqual({
      sensorId: 'p1',
      observation: { sensorId: 'p1', observedAt: T0 - 1000, values: { freeSpaces: 10 }, quality: 'good' },
      freshness: 'live',
      health: {
        lastSeenMs: T0 + 500,
        rssiDbm: -101,
        snrDb: 4.5,
        gatewayId: 'gw-1',
        batteryPercent: 100,
        source: 'ttn',
      },
    });
  });

  it('keeps the health when a new reading arrives and never moves last-seen backwards', () => {
    const { hub } = setup();
    hub.reportHealth({ sensorId: 'p1', seenAt: T0, batteryPercent: 80 }, 'ttn');
    hub.reportHealth({ sensorId: 'p1', seenAt: T0 - 60_000 }, 'ttn');
    hub.ingest({ sensorId: 'p1', observedAt: T0, values: { freeSpaces: 3 } }, 'ttn');
    expect(hub.state('p1')?.health).toEqual({ lastSeenMs: T0, batteryPercent: 80, source: 'ttn' });
  });

  it('ignores health facts for sensors not in the registry', () => {
    const { hub } = setup();
    hub.reportHealth({ sensorId: 'nowhere', seenAt: T0 }, 'ttn');
    expect(hub.state('nowhere')).toBeUndefined();
  });
});

describe('Hub with several streams per sensor', () => {
  it('shows the values of two streams of one sensor together, neither hiding the other', () => {
    const { hub, rejected } = setup();
    hub.ingest({ sensorId: 'p1', observedAt: T0 - 2000, values: { freeSpaces: 12 } }, 'sta');
    hub.ingest({ sensorId: 'p1', observedAt: T0 - 2000, values: { occupiedSpaces: 388 } }, 'sta');
    expect(rejected).toEqual([]);
    expect(hub.state('p1')?.observation).toMatchObject({
      observedAt: T0 - 2000,
      values: { freeSpaces: 12, occupiedSpaces: 388 },
    });
    expect(hub.holds({ sensorId: 'p1', observedAt: T0 - 2000, values: { freeSpaces: 12 } })).toBe(true);
    expect(hub.holds({ sensorId: 'p1', observedAt: T0 - 2000, values: { freeSpaces: 13 } })).toBe(false);
  });
});

describe('Hub against hostile and broken input', () => {
  it('refuses a time beyond any date instead of throwing while describing it', () => {
    const { hub } = setup();
    const result = hub.ingest({ sensorId: 'p1', observedAt: 8.7e15, values: { freeSpaces: 1 } }, 'x');
    expect(result.accepted ? null : result.rejection.reason).toBe('invalid-payload');
  });

  it('refuses an object whose getters throw, without throwing', () => {
    const { hub } = setup();
    const hostile = {
      get sensorId(): string {
        throw new Error('boom');
      },
    };
    const result = hub.ingest(hostile, 'x');
    expect(result.accepted ? null : result.rejection.message).toMatch(/cannot be read \(boom\)/);
  });

  it('writes one dead letter for all unknown quantities of a reading', () => {
    const { hub, rejected } = setup();
    const values: Record<string, number> = { freeSpaces: 5 };
    for (let i = 0; i < 40; i++) values[`extra${i}Percent`] = i;
    const result = hub.ingest({ sensorId: 'p1', observedAt: T0, values }, 'x');
    expect(result.accepted).toBe(true);
    expect(rejected).toEqual(['unknown-quantity']);
    expect(hub.deadLetters().at(-1)?.message).toMatch(/no quantities "extra0Percent", "extra1Percent"/);
  });

  it('refuses a reading with more values than any sensor measures', () => {
    const { hub } = setup();
    const values: Record<string, number> = {};
    for (let i = 0; i < 65; i++) values[`q${i}`] = i;
    const result = hub.ingest({ sensorId: 'p1', observedAt: T0, values }, 'x');
    expect(result.accepted ? null : result.rejection.message).toMatch(/at most 64 values/);
  });

  it('keeps only 2 KB of a huge input in a dead letter', () => {
    const { hub } = setup();
    hub.rejectInput({ reason: 'invalid-payload', message: 'bad' }, 'x', 'y'.repeat(1_000_000));
    expect(hub.deadLetters().at(-1)?.input).toHaveLength(2049);
  });

  it('ignores a device-health time far in the future, so last-heard cannot freeze there', () => {
    const { hub } = setup();
    hub.reportHealth({ sensorId: 'p1', seenAt: T0 + 86_400_000, batteryPercent: 50 }, 'x');
    expect(hub.state('p1')?.health).toBeUndefined();
  });

  it('remembers which source fed a sensor last', () => {
    const { hub } = setup();
    expect(hub.lastSourceOf('p1')).toBeUndefined();
    hub.ingest({ sensorId: 'p1', observedAt: T0, values: { freeSpaces: 5 } }, 'stadtwerke');
    expect(hub.lastSourceOf('p1')).toBe('stadtwerke');
  });
});

/** `ticks` ticks, each after a new reading of p1: how many diffs each tick sent. */
function diffsPerTick(hub: Hub, diffs: readonly Diff[], ticks: number): number[] {
  const perTick: number[] = [];
  for (let i = 1; i <= ticks; i++) {
    hub.ingest({ sensorId: 'p1', observedAt: T0 + i, values: { freeSpaces: i } }, 's');
    const before = diffs.length;
    hub.tick();
    perTick.push(diffs.length - before);
  }
  return perTick;
}

describe('Hub groups of identical subscriptions', () => {
  it('puts identical subscriptions in one group and builds its diff once for all', () => {
    const { hub } = setup();
    const broadcasts: { groupId: string; diff: Diff; skip: readonly string[] }[] = [];
    hub.setBroadcast((groupId, diff, skip) => broadcasts.push({ groupId, diff, skip }));
    const sink = { send: () => undefined, isCongested: () => false, viaBroadcast: true };
    const a = hub.subscribe({ kinds: ['parking'], visibilities: ['public'] }, sink, { memberId: 'a' });
    const b = hub.subscribe({ kinds: ['parking'], visibilities: ['public'] }, sink, { memberId: 'b' });
    const c = hub.subscribe({ kinds: ['traffic'], visibilities: ['public'] }, sink, { memberId: 'c' });
    expect(hub.groupOf(a)).toBe(hub.groupOf(b));
    expect(hub.groupOf(c)).not.toBe(hub.groupOf(a));
    expect(hub.groupCount).toBe(2);
    hub.ingest({ sensorId: 'p1', observedAt: T0, values: { freeSpaces: 3 } }, 's');
    hub.tick();
    // Only the parking group holds p1: one broadcast, none for the traffic group.
    expect(broadcasts).toHaveLength(1);
    expect(broadcasts[0]?.groupId).toBe(hub.groupOf(a));
    expect(broadcasts[0]?.diff.upserts.map((u) => u.sensorId)).toEqual(['p1']);
    hub.unsubscribe(a);
    hub.unsubscribe(b);
    expect(hub.groupCount).toBe(1);
  });

  it('names congested members to skip in the broadcast', () => {
    const { hub } = setup();
    const broadcasts: (readonly string[])[] = [];
    hub.setBroadcast((_groupId, _diff, skip) => broadcasts.push(skip));
    hub.subscribe(
      { kinds: ['parking'], visibilities: ['public'] },
      { send: () => undefined, isCongested: () => false, viaBroadcast: true },
      { memberId: 'fast' },
    );
    hub.subscribe(
      { kinds: ['parking'], visibilities: ['public'] },
      { send: () => undefined, isCongested: () => true, viaBroadcast: true },
      { memberId: 'slow' },
    );
    hub.ingest({ sensorId: 'p1', observedAt: T0, values: { freeSpaces: 3 } }, 's');
    const direct: Diff[] = [];
    hub.subscribe(
      { kinds: ['parking'], visibilities: ['public'] },
      { send: (diff) => direct.push(diff), isCongested: () => false },
      { memberId: 'in-process' },
    );
    hub.tick();
    expect(broadcasts).toEqual([['slow']]);
    // A member outside the broadcast (an in-process subscriber) still gets the same diff itself.
    expect(direct).toHaveLength(1);
  });

  it('sends a slower class every n-th tick, with all changes since its last diff', () => {
    const { hub, diffs, sink } = setup();
    const id = hub.subscribe({ kinds: ['parking'], visibilities: ['public'] }, sink, { periodTicks: 5 });
    hub.snapshot(id);
    const sentAt: number[] = [];
    const latest = new Map<string, number>();
    for (let i = 1; i <= 10; i++) {
      const sensorId = i % 2 ? 'p1' : 'p2';
      hub.ingest({ sensorId, observedAt: T0 + i, values: { freeSpaces: i } }, 's');
      latest.set(sensorId, i);
      const before = diffs.length;
      hub.tick();
      if (diffs.length > before) {
        sentAt.push(i);
        // Every change since the last diff, each sensor's newest value.
        const sent = new Map(
          diffs.at(-1)?.upserts.map((u) => [u.sensorId, u.observation?.values.freeSpaces]),
        );
        expect(sent).toEqual(latest);
      }
    }
    expect(diffs.map((d) => d.seq)).toEqual([1, 2]);
    expect(sentAt[1]! - sentAt[0]!).toBe(5);
  });

  it('spreads groups of one rate over the ticks of their period', () => {
    const { hub, diffs, sink } = setup();
    // Ten distinct views (each a different box around the town) at every 5th tick.
    for (let g = 0; g < 10; g++) {
      const id = hub.subscribe(
        { kinds: ['parking'], bbox: [-180 + g, -90, 180, 90], visibilities: ['public'] },
        sink,
        { periodTicks: 5 },
      );
      hub.snapshot(id);
    }
    expect(hub.groupCount).toBe(10);
    const perTick = diffsPerTick(hub, diffs, 10);
    // Two groups a tick, not ten every fifth tick; each group still every fifth tick.
    expect(perTick).toEqual([2, 2, 2, 2, 2, 2, 2, 2, 2, 2]);
    const bySubscription = new Map<string, number>();
    for (const diff of diffs)
      bySubscription.set(diff.subscriptionId, (bySubscription.get(diff.subscriptionId) ?? 0) + 1);
    expect([...bySubscription.values()]).toEqual(Array(10).fill(2));
  });

  it('spreads identical subscriptions over the phases too, one group per phase', () => {
    const { hub, diffs, sink } = setup();
    const filter = { kinds: ['parking' as const], visibilities: ['public' as const] };
    const members: string[] = [];
    for (let m = 0; m < 10; m++) members.push(hub.subscribe(filter, sink, { periodTicks: 5 }));
    // Five phases, two members each: five groups, not one group of ten.
    expect(hub.groupCount).toBe(5);
    const perTick = diffsPerTick(hub, diffs, 10);
    // Each tick writes to two members; every member still gets every fifth tick's diff.
    expect(perTick).toEqual(Array(10).fill(2));
    // A member that leaves frees its phase: the next identical subscriber takes that phase.
    const leaving = members[3] as string;
    const phaseGroup = hub.groupOf(leaving);
    hub.unsubscribe(leaving);
    const next = hub.subscribe(filter, sink, { periodTicks: 5 });
    expect(hub.groupOf(next)).toBe(phaseGroup);
    expect(hub.groupCount).toBe(5);
  });
});
