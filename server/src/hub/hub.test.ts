import { describe, expect, it } from 'vitest';
import type { Diff, Sensor } from '../../../protocol/index.ts';
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

  it('does not let an older reading replace a newer one', () => {
    const { hub } = setup();
    hub.ingest({ sensorId: 'p1', observedAt: T0, values: { freeSpaces: 4 } }, 's');
    const late = hub.ingest({ sensorId: 'p1', observedAt: T0 - 5000, values: { freeSpaces: 9 } }, 's');
    expect(late.accepted ? null : late.rejection.reason).toBe('out-of-order');
    expect(hub.state('p1')?.observation?.values.freeSpaces).toBe(4);
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

  it('coalesces diffs for a congested subscriber: latest value wins, sequence stays unbroken', () => {
    const { hub, sink, diffs, setCongested } = setup();
    const id = hub.subscribe({ kinds: ['parking'], visibilities: ['public'] }, sink);
    hub.snapshot(id);
    setCongested(true);
    for (let i = 0; i < 5; i++) {
      hub.ingest({ sensorId: 'p1', observedAt: T0 + i, values: { freeSpaces: i } }, 's');
      hub.tick();
    }
    expect(diffs).toHaveLength(0);
    setCongested(false);
    hub.tick();
    expect(diffs).toHaveLength(1);
    expect(diffs[0]?.seq).toBe(1);
    expect(diffs[0]?.upserts[0]?.observation?.values.freeSpaces).toBe(4);
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
