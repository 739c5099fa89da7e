import { describe, expect, it } from 'vitest';
import { mapFields, parseTime, readPath } from './normalize.ts';

const mapping = {
  sourceId: 'eui-70b3d57ed0001234',
  sensorId: 'env-01',
  fields: [
    { field: 'air.no2', quantity: 'no2UgM3' },
    { field: 'temperature', quantity: 'temperatureC', scale: 0.1 },
    { field: 'humidity', quantity: 'humidityPercent' },
  ],
};

describe('readPath', () => {
  it('follows dot paths and stops at anything that is not an object', () => {
    expect(readPath({ air: { no2: 21 } }, 'air.no2')).toBe(21);
    expect(readPath({ air: [1] }, 'air.0')).toBeUndefined();
    expect(readPath({ air: null }, 'air.no2')).toBeUndefined();
    expect(readPath('text', 'air')).toBeUndefined();
  });
});

describe('mapFields', () => {
  it('scales mapped fields and names each missing or non-numeric one, keeping the good ones', () => {
    const { values, rejected } = mapFields({ air: { no2: 23 }, temperature: 215, humidity: '60' }, mapping);
    expect(values).toEqual({ no2UgM3: 23, temperatureC: 21.5 });
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatchObject({ reason: 'missing-value', sourceId: 'eui-70b3d57ed0001234' });
    expect(rejected[0]?.message).toContain('"humidity" is "60"');
  });

  it('rejects NaN and Infinity and says when a field is absent', () => {
    const { values, rejected } = mapFields({ air: { no2: Number.NaN }, temperature: Infinity }, mapping);
    expect(values).toEqual({});
    expect(rejected.map((r) => r.message)).toEqual([
      expect.stringContaining('"air.no2" is null'),
      expect.stringContaining('"temperature" is null'),
      expect.stringContaining('has no field "humidity"'),
    ]);
  });
});

describe('parseTime', () => {
  it('reads ISO 8601 times and nothing else', () => {
    expect(parseTime('2026-11-18T09:00:00Z')).toBe(Date.UTC(2026, 10, 18, 9));
    expect(parseTime('2026-11-18T10:00:00.250+01:00')).toBe(Date.UTC(2026, 10, 18, 9, 0, 0, 250));
    expect(parseTime('18.11.2026')).toBeUndefined();
    expect(parseTime('2026-11-18T10:00:00')).toBeUndefined();
    expect(parseTime(1_763_456_400_000)).toBeUndefined();
  });
});
