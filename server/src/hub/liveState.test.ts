import { describe, expect, it } from 'vitest';
import type { Sensor, SensorState } from '../../../protocol/index.ts';
import { buildDiff, freshnessOf, isInBBox, matchesFilter } from './liveState.ts';

const sensor: Sensor = {
  id: 'parking-elbenplatz',
  kind: 'parking',
  name: 'Parkhaus Elbenplatz',
  position: [9.01, 48.685, 20],
  object: { type: 'building', id: 'b00001' },
  quantities: ['freeSpaces'],
  intervalMs: 20_000,
  thresholds: {},
  visibility: 'public',
  attributes: { capacitySpaces: 400 },
};

describe('freshnessOf', () => {
  it('calls a reading live up to twice its interval', () => {
    expect(freshnessOf(1_000, 20_000, 41_000)).toBe('live');
  });

  it('marks a sensor stale after twice its interval', () => {
    expect(freshnessOf(1_000, 20_000, 41_001)).toBe('stale');
  });

  it('marks a sensor offline after ten intervals', () => {
    expect(freshnessOf(1_000, 20_000, 201_000)).toBe('stale');
    expect(freshnessOf(1_000, 20_000, 201_001)).toBe('offline');
  });

  it('calls a sensor that never reported offline', () => {
    expect(freshnessOf(undefined, 20_000, 0)).toBe('offline');
  });
});

describe('subscription filter', () => {
  it('takes sensors of the asked kinds inside the bbox', () => {
    expect(
      matchesFilter(sensor, { kinds: ['parking'], visibilities: ['public'], bbox: [9, 48.6, 9.1, 48.7] }),
    ).toBe(true);
  });

  it('leaves out sensors of other kinds, outside the bbox, or not visible to the role', () => {
    expect(matchesFilter(sensor, { kinds: ['traffic'], visibilities: ['public'] })).toBe(false);
    expect(
      matchesFilter(sensor, { kinds: ['parking'], visibilities: ['public'], bbox: [9.02, 48.6, 9.1, 48.7] }),
    ).toBe(false);
    expect(
      matchesFilter({ ...sensor, visibility: 'internal' }, { kinds: ['parking'], visibilities: ['public'] }),
    ).toBe(false);
  });

  it('handles a bbox across the antimeridian', () => {
    expect(isInBBox([179.5, 0, 0], [179, -1, -179, 1])).toBe(true);
    expect(isInBBox([-179.5, 0, 0], [179, -1, -179, 1])).toBe(true);
    expect(isInBBox([0, 0, 0], [179, -1, -179, 1])).toBe(false);
  });
});

describe('buildDiff', () => {
  it('carries the current state of each changed sensor and leaves its inputs untouched', () => {
    const a: SensorState = Object.freeze({
      sensorId: 'a',
      observation: Object.freeze({
        sensorId: 'a',
        observedAt: 5,
        values: Object.freeze({ freeSpaces: 3 }),
        quality: 'good' as const,
      }),
      freshness: 'live' as const,
    });
    const states = new Map([['a', a]]);
    const changed = Object.freeze(['a', 'missing']);
    const diff = buildDiff('sub-1', 4, 100, changed, states, ['gone']);
    expect(diff).toEqual({
      subscriptionId: 'sub-1',
      seq: 4,
      serverTimeMs: 100,
      upserts: [a],
      removed: ['gone'],
    });
    expect(states.size).toBe(1);
  });
});
