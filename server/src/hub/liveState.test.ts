import { describe, expect, it } from 'vitest';
import type { Sensor } from '../../../protocol/index.ts';
import { freshnessOf, isInBBox, matchesFilter, mergeReading } from './liveState.ts';

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

describe('mergeReading', () => {
  it('mixes no values of another source in', () => {
    const T1 = Date.UTC(2026, 10, 20, 12, 0, 0);
    const simulated = mergeReading(
      undefined,
      { sensorId: 's1', observedAt: T1, values: { freeSpaces: 10, occupiedSpaces: 90 }, quality: 'good' },
      60_000,
      'simulator',
    );
    if (!simulated.ok) throw new Error('refused');
    const real = mergeReading(
      simulated.held,
      { sensorId: 's1', observedAt: T1 + 1000, values: { freeSpaces: 77 }, quality: 'good' },
      60_000,
      'stadtwerke',
    );
    expect(real.ok && real.observation).toEqual({
      sensorId: 's1',
      observedAt: T1 + 1000,
      values: { freeSpaces: 77 },
      quality: 'good',
    });
  });

  const T = Date.UTC(2026, 10, 20, 12, 0, 0);
  const obs = (observedAt: number, values: Record<string, number>, quality: 'good' | 'uncertain' = 'good') =>
    Object.freeze({ sensorId: 's1', observedAt, values: Object.freeze(values), quality });

  it('replaces a whole newer reading of the held quantities as the quantity-by-quantity merge does', () => {
    const first = mergeReading(undefined, obs(T, { freeSpaces: 10, occupiedSpaces: 90 }), 60_000, 'sta');
    if (!first.ok) throw new Error('refused');
    // Same quantities in the held order (the shortcut) and in another order (the general merge).
    const whole = mergeReading(
      first.held,
      obs(T + 5, { freeSpaces: 12, occupiedSpaces: 88 }, 'uncertain'),
      60_000,
      'sta',
    );
    const general = mergeReading(
      first.held,
      obs(T + 5, { occupiedSpaces: 88, freeSpaces: 12 }, 'uncertain'),
      60_000,
      'sta',
    );
    expect(whole).toEqual(general);
    expect(whole.ok && Object.keys(whole.observation.values)).toEqual(['freeSpaces', 'occupiedSpaces']);
    expect(whole.ok && [...whole.held.values()].map((v) => [v.value, v.observedAtMs, v.quality])).toEqual([
      [12, T + 5, 'uncertain'],
      [88, T + 5, 'uncertain'],
    ]);
    // Not newer: still a duplicate, not a replacement.
    expect(mergeReading(first.held, obs(T, { freeSpaces: 10, occupiedSpaces: 90 }), 60_000, 'sta')).toEqual({
      ok: false,
      reason: 'duplicate',
      sameValues: true,
    });
  });

  it('keeps the values of two streams of one sensor, timed by the older one', () => {
    const first = mergeReading(undefined, obs(T, { no2UgM3: 31 }), 600_000, 'sta');
    if (!first.ok) throw new Error('refused');
    const second = mergeReading(first.held, obs(T + 5_000, { pm10UgM3: 18 }, 'uncertain'), 600_000, 'sta');
    if (!second.ok) throw new Error('refused');
    expect(second.observation).toEqual({
      sensorId: 's1',
      observedAt: T,
      values: { no2UgM3: 31, pm10UgM3: 18 },
      quality: 'uncertain',
    });
  });

  it('takes an older value of a quantity the held reading has newer of no further', () => {
    const first = mergeReading(undefined, obs(T, { no2UgM3: 31, pm10UgM3: 18 }), 600_000, 'sta');
    if (!first.ok) throw new Error('refused');
    const late = mergeReading(first.held, obs(T - 1_000, { pm10UgM3: 99, pm25UgM3: 7 }), 600_000, 'sta');
    if (!late.ok) throw new Error('refused');
    // pm25 is new to the sensor and taken; the late pm10 is not.
    expect(late.observation.values).toEqual({ no2UgM3: 31, pm10UgM3: 18, pm25UgM3: 7 });
    expect(late.observation.observedAt).toBe(T - 1_000);
    expect(mergeReading(late.held, obs(T - 2_000, { pm10UgM3: 1 }), 600_000, 'sta')).toEqual({
      ok: false,
      reason: 'out-of-order',
      sameValues: true,
    });
  });

  it('calls a reading held at its time a duplicate, and says whether its values differ', () => {
    const first = mergeReading(undefined, obs(T, { no2UgM3: 31 }), 600_000, 'sta');
    if (!first.ok) throw new Error('refused');
    expect(mergeReading(first.held, obs(T, { no2UgM3: 31 }), 600_000, 'sta')).toMatchObject({
      ok: false,
      reason: 'duplicate',
      sameValues: true,
    });
    expect(mergeReading(first.held, obs(T, { no2UgM3: 30 }), 600_000, 'sta')).toMatchObject({
      reason: 'duplicate',
      sameValues: false,
    });
  });

  it('drops a stream that fell silent for more than twice the interval', () => {
    const first = mergeReading(undefined, obs(T, { no2UgM3: 31, pm10UgM3: 18 }), 60_000, 'sta');
    if (!first.ok) throw new Error('refused');
    const later = mergeReading(first.held, obs(T + 121_000, { no2UgM3: 40 }), 60_000, 'sta');
    if (!later.ok) throw new Error('refused');
    expect(later.observation).toMatchObject({ observedAt: T + 121_000, values: { no2UgM3: 40 } });
    expect(later.held.has('pm10UgM3')).toBe(false);
  });
});
