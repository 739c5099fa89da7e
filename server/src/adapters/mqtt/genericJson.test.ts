import { describe, expect, it } from 'vitest';
import type { DeviceMapping } from '../normalize.ts';
import { normalizeGenericJson } from './genericJson.ts';

const mappings = new Map<string, DeviceMapping>([
  [
    'pegel-7',
    {
      sourceId: 'pegel-7',
      sensorId: 'basin-murkenbach',
      fields: [{ field: 'level.mm', quantity: 'levelCm', scale: 0.1 }],
    },
  ],
]);
const options = { deviceSegment: 2, timeField: 'ts' };
const AT = Date.UTC(2026, 10, 18, 9);

describe('normalizeGenericJson', () => {
  it('takes the device from the topic, scales the mapped field and reads the time', () => {
    const result = normalizeGenericJson(
      'stadt/pegel/pegel-7/state',
      JSON.stringify({ level: { mm: 412 }, ts: '2026-11-18T08:59:30Z' }),
      mappings,
      options,
      AT,
    );
    expect(result.rejected).toEqual([]);
    expect(result.observations).toEqual([
      { sensorId: 'basin-murkenbach', observedAt: AT - 30_000, values: { levelCm: 41.2 }, quality: 'good' },
    ]);
    expect(result.health).toEqual([{ sensorId: 'basin-murkenbach', seenAt: AT }]);
  });

  it('uses the receive time without a readable time, and names every kind of bad message', () => {
    const noTime = normalizeGenericJson(
      'stadt/pegel/pegel-7/state',
      '{"level":{"mm":1}}',
      mappings,
      options,
      AT,
    );
    expect(noTime.observations[0]?.observedAt).toBe(AT);
    const cases: [string, string, string][] = [
      ['stadt/pegel/pegel-7/state', '{"level":', 'invalid-payload'],
      ['stadt/pegel/pegel-7/state', '[1,2]', 'invalid-payload'],
      ['stadt/pegel/pegel-9/state', '{"level":{"mm":1}}', 'unknown-device'],
      ['stadt/pegel/pegel-7/state', '{"level":{"mm":"hoch"}}', 'missing-value'],
      ['stadt', '{}', 'invalid-payload'],
    ];
    for (const [topic, payload, reason] of cases) {
      const result = normalizeGenericJson(topic, payload, mappings, options, AT);
      expect(result.observations, `${topic} ${payload}`).toEqual([]);
      expect(
        result.rejected.map((r) => r.reason),
        `${topic} ${payload}`,
      ).toEqual([reason]);
    }
  });
});

describe('payload times', () => {
  const at = (ts: unknown) =>
    normalizeGenericJson(
      'stadt/pegel/pegel-7/state',
      JSON.stringify({ level: { mm: 412 }, ts }),
      mappings,
      options,
      AT,
    ).observations[0];

  it('reads Unix times in seconds and in milliseconds', () => {
    expect(at((AT - 60_000) / 1000)?.observedAt).toBe(AT - 60_000);
    expect(at(AT - 60_000)?.observedAt).toBe(AT - 60_000);
  });

  it('uses the receive time, marked uncertain, for a time field it cannot read', () => {
    expect(at('gestern')).toMatchObject({ observedAt: AT, quality: 'uncertain' });
    expect(at('2026-11-18T08:59:30')).toMatchObject({ observedAt: AT, quality: 'uncertain' });
  });
});
