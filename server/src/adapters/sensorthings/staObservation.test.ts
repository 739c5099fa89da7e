import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixture as fixturePath } from '../../../../scripts/fixtures/fixturesDir.ts';
import { itWithFixtures } from '../../../../scripts/fixtures/withFixtures.ts';
import type { DeviceMapping } from '../normalize.ts';
import { datastreamIdFromTopic, normalizeExpandedThing, normalizeStaObservation } from './staObservation.ts';

// The real FROST samples, read by the tests that use them (skipped where the samples are missing).
function fixture(name: string): string {
  return readFileSync(fixturePath(`sensorthings/${name}`), 'utf8');
}
const expandedText = (): string => fixture('frost-docs-thing-expand-datastreams-observations.json');
const geoJsonText = (): string => fixture('frost-tests-geoJsonResult.json');

const UUID = '7b4e1c2a-b198-11f0-a67c-63170af7411e';
const mappings = new Map<string, DeviceMapping>([
  [
    '19',
    { sourceId: '19', sensorId: 'env-lantern', fields: [{ field: 'ignored', quantity: 'temperatureC' }] },
  ],
  [
    '21',
    { sourceId: '21', sensorId: 'env-lantern-rh', fields: [{ field: 'rh', quantity: 'humidityPercent' }] },
  ],
  [
    UUID,
    {
      sourceId: UUID,
      sensorId: 'water-1',
      fields: [
        { field: 'level', quantity: 'levelCm', scale: 100 },
        { field: 'temp.water', quantity: 'waterTempC', offset: -273.15 },
      ],
    },
  ],
  ['5', { sourceId: '5', sensorId: 'traffic-5', fields: [{ field: 'v', quantity: 'speedKmh', scale: 3.6 }] }],
]);
const RECEIVED = Date.UTC(2026, 10, 18, 10, 0, 0);
const T_2020 = Date.UTC(2020, 3, 10, 16, 0, 0);

describe('datastreamIdFromTopic', () => {
  it('reads numeric and quoted-string ids', () => {
    expect(datastreamIdFromTopic('v1.1/Datastreams(19)/Observations')).toBe('19');
    expect(datastreamIdFromTopic(`v1.1/Datastreams('${UUID}')/Observations`)).toBe(UUID);
    expect(datastreamIdFromTopic("v1.1/Datastreams('it''s')/Observations")).toBe("it's");
    expect(datastreamIdFromTopic('v1.1/Datastreams(7)/Observations?$select=result,phenomenonTime')).toBe('7');
  });

  it('is undefined for other topics', () => {
    expect(datastreamIdFromTopic('v1.1/Observations')).toBeUndefined();
    expect(datastreamIdFromTopic('v1.1/Datastreams(19)')).toBeUndefined();
    expect(datastreamIdFromTopic('v1.1/Things(17)/Datastreams')).toBeUndefined();
    expect(datastreamIdFromTopic('v1.1/Datastreams(abc)/Observations')).toBeUndefined();
    expect(datastreamIdFromTopic("v1.1/Datastreams('')/Observations")).toBeUndefined();
  });
});

describe('normalizeStaObservation', () => {
  it('maps a numeric result to the first field quantity with scale, at phenomenonTime', () => {
    const raw = JSON.stringify({
      '@iot.id': 901,
      phenomenonTime: '2026-11-18T09:59:30.000Z',
      resultTime: '2026-11-18T09:59:31.000Z',
      result: 12.5,
    });
    const r = normalizeStaObservation(
      raw,
      datastreamIdFromTopic('v1.1/Datastreams(5)/Observations'),
      mappings,
      RECEIVED,
    );
    expect(r.rejected).toEqual([]);
    expect(r.health).toEqual([]);
    expect(r.observations).toEqual([
      {
        sensorId: 'traffic-5',
        observedAt: Date.UTC(2026, 10, 18, 9, 59, 30),
        values: { speedKmh: 45 },
        quality: 'good',
      },
    ]);
  });

  it('uses the end of an interval phenomenonTime', () => {
    const r = normalizeStaObservation(
      { phenomenonTime: '2026-11-18T09:00:00Z/2026-11-18T09:15:00Z', result: 20 },
      '19',
      mappings,
      RECEIVED,
    );
    expect(r.observations[0]?.observedAt).toBe(Date.UTC(2026, 10, 18, 9, 15, 0));
    expect(r.observations[0]?.values).toEqual({ temperatureC: 20 });
  });

  it('maps an object result through the fields, with a UUID datastream from an expanded Datastream', () => {
    const r = normalizeStaObservation(
      {
        '@iot.id': 'a0000000-0000-4000-8000-000000000001',
        phenomenonTime: '2026-11-18T09:00:00Z',
        result: { level: 1.25, temp: { water: 285.15 } },
        Datastream: { '@iot.id': UUID },
      },
      undefined,
      mappings,
      RECEIVED,
    );
    expect(r.rejected).toEqual([]);
    expect(r.observations).toHaveLength(1);
    expect(r.observations[0]?.sensorId).toBe('water-1');
    expect(r.observations[0]?.values.levelCm).toBe(125);
    expect(r.observations[0]?.values.waterTempC).toBeCloseTo(12, 10);
  });

  it('keeps the mapped fields of an object result and rejects the missing one', () => {
    const r = normalizeStaObservation(
      { phenomenonTime: '2026-11-18T09:00:00Z', result: { level: 0.5 } },
      UUID,
      mappings,
      RECEIVED,
    );
    expect(r.observations[0]?.values).toEqual({ levelCm: 50 });
    expect(r.rejected).toHaveLength(1);
    expect(r.rejected[0]?.reason).toBe('missing-value');
    expect(r.rejected[0]?.message).toContain('temp.water');
  });

  it('finds the datastream in a Datastreams(id) navigation link', () => {
    const r = normalizeStaObservation(
      {
        phenomenonTime: '2026-11-18T09:00:00Z',
        result: 1,
        'Datastream@iot.navigationLink': `http://h/FROST-Server/v1.1/Datastreams('${UUID}')`,
      },
      undefined,
      mappings,
      RECEIVED,
    );
    expect(r.rejected).toEqual([]);
    expect(r.observations.map((o) => [o.sensorId, o.values])).toEqual([['water-1', { levelCm: 100 }]]);
  });

  it('an Observation naming no datastream is unknown-device', () => {
    const r = normalizeStaObservation(
      {
        phenomenonTime: '2026-11-18T09:00:00Z',
        result: 1,
        'Datastream@iot.navigationLink': 'http://h/v1.1/Observations(3)/Datastream',
      },
      undefined,
      mappings,
      RECEIVED,
    );
    expect(r.observations).toEqual([]);
    expect(r.rejected[0]?.reason).toBe('unknown-device');
    expect(r.rejected[0]?.sourceId).toBeUndefined();
  });

  it('falls back to resultTime, then to the receive time as uncertain', () => {
    const byResultTime = normalizeStaObservation(
      { resultTime: '2026-11-18T08:00:00Z', result: 3 },
      '19',
      mappings,
      RECEIVED,
    );
    expect(byResultTime.observations[0]?.observedAt).toBe(Date.UTC(2026, 10, 18, 8, 0, 0));
    expect(byResultTime.observations[0]?.quality).toBe('good');
    const untimed = normalizeStaObservation({ result: 3 }, '19', mappings, RECEIVED);
    expect(untimed.observations[0]).toEqual({
      sensorId: 'env-lantern',
      observedAt: RECEIVED,
      values: { temperatureC: 3 },
      quality: 'uncertain',
    });
  });

  itWithFixtures('rejects invalid JSON and non-Observations as invalid-payload', () => {
    const bad = normalizeStaObservation('{"result": 4.6,', '19', mappings, RECEIVED);
    expect(bad.observations).toEqual([]);
    expect(bad.rejected).toHaveLength(1);
    expect(bad.rejected[0]?.reason).toBe('invalid-payload');
    expect(bad.rejected[0]?.sourceId).toBe('19');
    for (const raw of [geoJsonText(), '[]', 'null', '42', { name: 'a Thing' }]) {
      const r = normalizeStaObservation(raw, '19', mappings, RECEIVED);
      expect(r.rejected.map((x) => x.reason)).toEqual(['invalid-payload']);
      expect(r.observations).toEqual([]);
    }
  });

  it('rejects an unparseable phenomenonTime as invalid-payload', () => {
    for (const phenomenonTime of [
      'yesterday',
      '2026-11-18T09:00:00Z/soon',
      1700000000000,
      '1969-12-31T23:59:59Z',
    ]) {
      const r = normalizeStaObservation({ phenomenonTime, result: 1 }, '19', mappings, RECEIVED);
      expect(r.rejected.map((x) => x.reason)).toEqual(['invalid-payload']);
    }
  });

  it('rejects a missing, null, string or non-finite result as missing-value', () => {
    for (const obs of [
      { phenomenonTime: '2026-11-18T09:00:00Z' },
      { phenomenonTime: '2026-11-18T09:00:00Z', result: null },
      { phenomenonTime: '2026-11-18T09:00:00Z', result: '21.5' },
      { phenomenonTime: '2026-11-18T09:00:00Z', result: Number.NaN },
      { phenomenonTime: '2026-11-18T09:00:00Z', result: [1, 2] },
      { phenomenonTime: '2026-11-18T09:00:00Z', result: true },
    ]) {
      const r = normalizeStaObservation(obs, '19', mappings, RECEIVED);
      expect(r.observations).toEqual([]);
      expect(r.rejected.map((x) => x.reason)).toEqual(['missing-value']);
      expect(r.rejected[0]?.sourceId).toBe('19');
    }
    const s = normalizeStaObservation(
      { phenomenonTime: '2026-11-18T09:00:00Z', result: '21.5' },
      '19',
      mappings,
      RECEIVED,
    );
    expect(s.rejected[0]?.message).toContain('"21.5"');
  });

  it('rejects an unmapped datastream as unknown-device', () => {
    const r = normalizeStaObservation(
      { '@iot.id': 77, phenomenonTime: '2026-11-18T09:00:00Z', result: 1 },
      '999',
      mappings,
      RECEIVED,
    );
    expect(r.observations).toEqual([]);
    expect(r.rejected).toEqual([
      {
        reason: 'unknown-device',
        message: 'Observation 77: no mapping names Datastream 999',
        sourceId: '999',
      },
    ]);
  });

  itWithFixtures('reads the fixture Observations one by one with the topic datastream id', () => {
    const thing = JSON.parse(expandedText()) as { Datastreams: { Observations: unknown[] }[] };
    const first = thing.Datastreams[0]?.Observations[0];
    const r = normalizeStaObservation(
      first,
      datastreamIdFromTopic('v1.1/Datastreams(19)/Observations'),
      mappings,
      RECEIVED,
    );
    expect(r.observations).toEqual([
      { sensorId: 'env-lantern', observedAt: T_2020, values: { temperatureC: 4.6 }, quality: 'good' },
    ]);
  });
});

describe('normalizeExpandedThing', () => {
  itWithFixtures('turns the fixture Thing 17 into its 2 Observations', () => {
    const r = normalizeExpandedThing(expandedText(), mappings, RECEIVED);
    expect(r.rejected).toEqual([]);
    expect(r.health).toEqual([]);
    expect(r.observations).toEqual([
      { sensorId: 'env-lantern', observedAt: T_2020, values: { temperatureC: 4.6 }, quality: 'good' },
      { sensorId: 'env-lantern-rh', observedAt: T_2020, values: { humidityPercent: 40.5 }, quality: 'good' },
    ]);
  });

  itWithFixtures('rejects an unmapped datastream once, keeping the mapped one', () => {
    const only19 = new Map([...mappings].filter(([k]) => k !== '21'));
    const r = normalizeExpandedThing(JSON.parse(expandedText()) as unknown, only19, RECEIVED);
    expect(r.observations.map((o) => o.values)).toEqual([{ temperatureC: 4.6 }]);
    expect(r.rejected).toHaveLength(1);
    expect(r.rejected[0]).toMatchObject({ reason: 'unknown-device', sourceId: '21' });
  });

  it('orders Observations oldest first and rejects bad ones among them', () => {
    const r = normalizeExpandedThing(
      {
        '@iot.id': 'thing-uuid',
        Datastreams: [
          {
            '@iot.id': 19,
            Observations: [
              { phenomenonTime: '2026-11-18T09:10:00Z', result: 2 },
              { phenomenonTime: '2026-11-18T09:05:00Z', result: 'n/a' },
              { phenomenonTime: '2026-11-18T09:00:00Z', result: 1 },
            ],
          },
          { '@iot.id': 21 },
          { description: 'no id', Observations: [] },
        ],
      },
      mappings,
      RECEIVED,
    );
    expect(r.observations.map((o) => o.values.temperatureC)).toEqual([1, 2]);
    expect(r.rejected.map((x) => x.reason)).toEqual(['missing-value', 'invalid-payload', 'invalid-payload']);
  });

  itWithFixtures('rejects invalid JSON and a Thing without expanded Datastreams', () => {
    expect(normalizeExpandedThing('{', mappings, RECEIVED).rejected[0]?.reason).toBe('invalid-payload');
    const r = normalizeExpandedThing({ '@iot.id': 17 }, mappings, RECEIVED);
    expect(r.rejected).toEqual([
      {
        reason: 'invalid-payload',
        message: 'SensorThings Thing 17 has no expanded Datastreams array',
        sourceId: '17',
      },
    ]);
    expect(normalizeExpandedThing(geoJsonText(), mappings, RECEIVED).rejected).toHaveLength(1);
  });
});
