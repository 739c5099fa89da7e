import { describe, expect, it } from 'vitest';
import type { Diff, SensorState } from './schemas.ts';
import {
  decodeDiff,
  DiffTextEncoder,
  encodeDiff,
  encodeDiffText,
  NO_READING,
  WireDiffSchema,
  type WireDiff,
} from './wireDiff.ts';

const ORDER = ['parking-stadtmitte', 'traffic-herrenberger', 'env-lantern', 'basin-murkenbach'];
const INDEX = new Map(ORDER.map((id, i) => [id, i]));

function state(
  sensorId: string,
  values: Record<string, number> | null,
  extra: Partial<SensorState> = {},
  observedAt = 1_790_000_000_000,
): SensorState {
  return {
    sensorId,
    observation: values === null ? null : { sensorId, observedAt, values, quality: 'good' },
    freshness: values === null ? 'offline' : 'live',
    ...extra,
  };
}

const DIFF: Diff = {
  subscriptionId: 'g7',
  seq: 42,
  serverTimeMs: 1_790_000_000_250,
  upserts: [
    state('traffic-herrenberger', { occupancyPercent: 42.5, speedKmh: 37 }),
    state('parking-stadtmitte', { freeSpaces: 118, occupiedSpaces: 282 }, {}, 1_790_000_000_000 - 95_000),
    state(
      'env-lantern',
      { temperatureC: -3.25 },
      {
        freshness: 'stale',
        health: {
          lastSeenMs: 1_790_000_000_100,
          batteryPercent: 62,
          rssiDbm: -88,
          snrDb: 10.9,
          gatewayId: 'gw-1',
        },
      },
    ),
    state('basin-murkenbach', null, { health: { lastSeenMs: 1_790_000_000_000, source: 'ttn' } }),
  ],
  removed: [],
};
DIFF.upserts[0] = {
  ...DIFF.upserts[0]!,
  observation: { ...DIFF.upserts[0]!.observation!, quality: 'uncertain' },
};

describe('encodeDiff and decodeDiff', () => {
  it('give back the same diff: values, times, freshness, quality, health and sensors without a reading', () => {
    const wire = encodeDiff(DIFF, INDEX);
    // What travels is JSON: the round trip goes through it and through the schema a viewer parses with.
    const received = WireDiffSchema.parse(JSON.parse(JSON.stringify(wire)));
    expect(decodeDiff(received, ORDER)).toEqual({ ok: true, diff: DIFF });
    // The text is written directly; it is exactly what JSON.stringify writes of the same object.
    expect(encodeDiffText(DIFF, INDEX)).toBe(JSON.stringify(wire));
  });

  it('writes numbers as JSON does, small, large and negative', () => {
    const odd = [1e-7, 1.5e21, -0.1, 123456.789, 2 ** 53 + 2];
    const diff: Diff = {
      ...DIFF,
      upserts: odd.map((v, i) => state(ORDER[i % 4]!, { levelCm: v })).slice(0, 4),
    };
    const text = encodeDiffText(diff, INDEX);
    const parsed = JSON.parse(text) as WireDiff;
    expect(parsed.u.map((row) => row[5])).toEqual(odd.slice(0, 4));
    expect(text).toBe(JSON.stringify(parsed));
  });

  it('writes one row of numbers per sensor, names each set of quantities once, and is a fraction of the readable size', () => {
    const many: Diff = {
      subscriptionId: 'g1',
      seq: 3,
      serverTimeMs: 1_790_000_000_250,
      removed: [],
      upserts: Array.from({ length: 200 }, (_, i) =>
        state(`traffic-segment-${String(i).padStart(3, '0')}`, {
          occupancyPercent: i % 100,
          speedKmh: 30 + (i % 20),
        }),
      ),
    };
    const order = many.upserts.map((u) => u.sensorId);
    const wire = encodeDiff(many, new Map(order.map((id, i) => [id, i])));
    expect(wire.k).toEqual({ 0: ['occupancyPercent', 'speedKmh'] });
    expect(wire.u[5]).toEqual([5, 0, 250, 0, 0, 5, 35]);
    const compact = JSON.stringify(wire).length;
    const readable = JSON.stringify(many).length;
    expect(compact * 5).toBeLessThan(readable);
    expect(decodeDiff(wire, order)).toEqual({ ok: true, diff: many });
  });

  it('marks a sensor without a reading with its own shape and carries removals by id', () => {
    const wire = encodeDiff({ ...DIFF, upserts: [state('env-lantern', null)], removed: ['old-one'] }, INDEX);
    expect(wire.u).toEqual([[2, NO_READING, 0, 2, 0]]);
    expect(wire.r).toEqual(['old-one']);
    expect(wire.h).toBeUndefined();
  });

  it('refuses to encode a sensor the subscription does not hold, naming it', () => {
    expect(() => encodeDiff({ ...DIFF, upserts: [state('nowhere', { levelCm: 1 })] }, INDEX)).toThrow(
      /sensor "nowhere" is not in subscription g7/,
    );
  });

  it('encodeAt, given the place of each upsert in the snapshot, writes what encode finds by sensor id', () => {
    const positions = DIFF.upserts.map((s) => INDEX.get(s.sensorId)!);
    const byPosition = new DiffTextEncoder().encodeAt(DIFF, positions);
    expect(byPosition).toBe(new DiffTextEncoder().encode(DIFF, INDEX));
    expect(decodeDiff(JSON.parse(byPosition) as WireDiff, ORDER)).toEqual({ ok: true, diff: DIFF });
  });

  it('one encoder keeps shape numbers for its life and, in a new tick, writes new ages', () => {
    const encoder = new DiffTextEncoder();
    const parking = state('parking-stadtmitte', { freeSpaces: 118, occupiedSpaces: 282 });
    const traffic = state('traffic-herrenberger', { occupancyPercent: 40, speedKmh: 31 });
    // Two groups in one tick: the second sees the parking garage at another position.
    const first = JSON.parse(encoder.encode({ ...DIFF, upserts: [traffic, parking] }, INDEX)) as WireDiff;
    const otherOrder = ['env-lantern', 'parking-stadtmitte'];
    const second = JSON.parse(
      encoder.encode(
        { ...DIFF, subscriptionId: 'g8', upserts: [parking] },
        new Map(otherOrder.map((id, i) => [id, i])),
      ),
    ) as WireDiff;
    expect(first.k).toEqual({ 0: ['occupancyPercent', 'speedKmh'], 1: ['freeSpaces', 'occupiedSpaces'] });
    expect(second.k).toEqual({ 1: ['freeSpaces', 'occupiedSpaces'] });
    expect(second.u).toEqual([[1, 1, 250, 0, 0, 118, 282]]);
    expect(decodeDiff(second, otherOrder)).toEqual({
      ok: true,
      diff: {
        subscriptionId: 'g8',
        seq: 42,
        serverTimeMs: DIFF.serverTimeMs,
        upserts: [parking],
        removed: [],
      },
    });
    // The next tick: the same state object is older now.
    const later = JSON.parse(
      encoder.encode({ ...DIFF, serverTimeMs: DIFF.serverTimeMs + 100, upserts: [parking] }, INDEX),
    ) as WireDiff;
    expect(later.u).toEqual([[0, 1, 350, 0, 0, 118, 282]]);
  });

  it('one encoder writes rows at any place, first or not, in any order of places, and an empty diff', () => {
    const encoder = new DiffTextEncoder();
    const order = Array.from({ length: 1_500 }, (_, i) => `s-${i}`);
    const index = new Map(order.map((id, i) => [id, i]));
    const at = (i: number, value: number) => state(`s-${i}`, { count: value });
    // The highest place first, then lower ones: each row keeps its own place.
    const wide = encoder.encode({ ...DIFF, upserts: [at(1_499, 1), at(7, 2), at(0, 3)] }, index);
    expect((JSON.parse(wide) as WireDiff).u.map((row) => [row[0], row.at(-1)])).toEqual([
      [1_499, 1],
      [7, 2],
      [0, 3],
    ]);
    const narrow = encoder.encode({ ...DIFF, upserts: [at(3, 4), at(1_000, 5)] }, index);
    expect(decodeDiff(JSON.parse(narrow) as WireDiff, order)).toEqual({
      ok: true,
      diff: { ...DIFF, upserts: [at(3, 4), at(1_000, 5)] },
    });
    const empty = encoder.encode({ ...DIFF, upserts: [] }, index);
    expect(JSON.parse(empty)).toEqual({ id: 'g7', seq: 42, t: DIFF.serverTimeMs, k: {}, u: [] });
  });

  describe('decodeDiff refuses a diff that does not fit the snapshot, with the row and the reason', () => {
    const good = encodeDiff(DIFF, INDEX);
    const withRow = (row: number[]): WireDiff => ({ ...good, u: [good.u[0]!, row] });
    const cases: [string, WireDiff, RegExp][] = [
      [
        'an index beyond the snapshot',
        withRow([4, 0, 0, 0, 0, 1, 2]),
        /row 1: index 4 is not in the snapshot of 4 sensors/,
      ],
      ['a negative index', withRow([-1, 0, 0, 0, 0, 1, 2]), /row 1: index -1/],
      ['a fractional index', withRow([1.5, 0, 0, 0, 0, 1, 2]), /row 1: index 1.5/],
      ['an unknown shape', withRow([1, 9, 0, 0, 0, 1]), /row 1: shape 9 is not in k/],
      ['a fractional shape', withRow([1, 0.5, 0, 0, 0, 1]), /row 1: shape 0.5 is not in k/],
      ['too few values', withRow([1, 0, 0, 0, 0, 1]), /row 1: 1 values for the 2 of shape 0/],
      ['too many values', withRow([1, 0, 0, 0, 0, 1, 2, 3]), /row 1: 3 values for the 2 of shape 0/],
      ['an unknown freshness', withRow([1, 0, 0, 7, 0, 1, 2]), /row 1: freshness 7 is not 0-2/],
      ['an unknown quality', withRow([1, 0, 0, 0, 3, 1, 2]), /row 1: quality 3 is not 0-2/],
      [
        'a time before the epoch',
        withRow([1, 0, 1_790_000_000_251, 0, 0, 1, 2]),
        /row 1: age .* gives no valid time/,
      ],
      ['a row cut short', withRow([1, 0]), /row 1: freshness undefined/],
    ];
    it.each(cases)('%s', (_what, wire, reason) => {
      const decoded = decodeDiff(wire, ORDER);
      expect(decoded.ok).toBe(false);
      if (!decoded.ok) expect(decoded.reason).toMatch(reason);
    });
  });

  it('the schema refuses a payload of the old readable form and rows that are not numbers', () => {
    expect(WireDiffSchema.safeParse(DIFF).success).toBe(false);
    expect(WireDiffSchema.safeParse({ ...encodeDiff(DIFF, INDEX), u: [['a', 1]] }).success).toBe(false);
  });
});
