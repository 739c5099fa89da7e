import { describe, expect, it } from 'vitest';
import { createTranslator } from '../../../../i18n/messages.ts';
import { noReading, reading, sensor } from '../../../../testing/fixtures.ts';
import {
  environmentCategory,
  environmentColor,
  environmentLabel,
  mainQuantity,
  mainValue,
} from './environmentLayer.ts';
import { PALETTE } from '../../../palette.ts';

const de = createTranslator('de');
const en = createTranslator('en');
const station = (overrides: Parameters<typeof sensor>[0] = { id: 'env-a' }) =>
  sensor({
    kind: 'environment',
    object: { type: 'site', id: 'station-a' },
    quantities: ['temperatureC', 'no2UgM3', 'pm10UgM3'],
    attributes: {},
    ...overrides,
  });

describe('mainQuantity', () => {
  it('prefers NO₂, then particulate matter, then the first quantity', () => {
    expect(mainQuantity(station())).toBe('no2UgM3');
    expect(mainQuantity(station({ id: 'x', quantities: ['humidityPercent', 'pm25UgM3'] }))).toBe('pm25UgM3');
    expect(mainQuantity(station({ id: 'x', quantities: ['humidityPercent'] }))).toBe('humidityPercent');
  });
});

describe('environmentCategory', () => {
  it('bands NO₂ at 40, 100 and 200 µg/m³', () => {
    const s = station();
    expect(environmentCategory(s, 'no2UgM3', 39.9, 'live')).toBe('good');
    expect(environmentCategory(s, 'no2UgM3', 40, 'live')).toBe('moderate');
    expect(environmentCategory(s, 'no2UgM3', 100, 'live')).toBe('high');
    expect(environmentCategory(s, 'no2UgM3', 200, 'live')).toBe('veryHigh');
  });

  it('keeps the legend bands for NO₂ even when the sensor has thresholds', () => {
    const s = station({ id: 'x', thresholds: { no2UgM3: { warn: 100, alarm: 200, direction: 'above' } } });
    expect(environmentCategory(s, 'no2UgM3', 60, 'live')).toBe('moderate');
  });

  it("uses the sensor's own thresholds for quantities without built-in bands", () => {
    const s = station({
      id: 'x',
      quantities: ['noiseDbA'],
      thresholds: { noiseDbA: { warn: 65, alarm: 75, direction: 'above' } },
    });
    expect(environmentCategory(s, 'noiseDbA', 60, 'live')).toBe('good');
    expect(environmentCategory(s, 'noiseDbA', 70, 'live')).toBe('high');
    expect(environmentCategory(s, 'noiseDbA', 75, 'live')).toBe('veryHigh');
    const cold = station({
      id: 'y',
      quantities: ['temperatureC'],
      thresholds: { temperatureC: { alarm: 0, direction: 'below' } },
    });
    expect(environmentCategory(cold, 'temperatureC', -2, 'live')).toBe('veryHigh');
  });

  it('is neutral for a quantity without limits and grey for anything not fresh', () => {
    expect(environmentCategory(station(), 'temperatureC', 31, 'live')).toBe('neutral');
    expect(environmentCategory(station(), 'no2UgM3', 10, 'stale')).toBe('noData');
    expect(environmentCategory(station(), 'no2UgM3', null, 'live')).toBe('noData');
    expect(environmentColor('noData')).toBe(PALETTE.grey);
  });
});

describe('environmentLabel', () => {
  const state = reading('env-a', { no2UgM3: 23.4, temperatureC: 18 }, 1_000_000);

  it('shows the main value with its unit, and no age while the reading is live', () => {
    expect(environmentLabel(station(), state, 'live', 1_012_000, de)).toBe('NO₂ 23 µg/m³');
    expect(environmentLabel(station(), state, 'live', 1_052_000, en)).toBe('NO₂ 23 µg/m³');
  });

  it('says stale in front of the age of a stale reading, in whole minutes', () => {
    expect(environmentLabel(station(), state, 'stale', 1_300_000, de)).toBe(
      'NO₂ 23 µg/m³\nveraltet · vor 5 Min.',
    );
    expect(environmentLabel(station(), state, 'stale', 1_300_999, de)).toBe(
      'NO₂ 23 µg/m³\nveraltet · vor 5 Min.',
    );
    expect(environmentLabel(station(), state, 'stale', 1_045_000, de)).toBe(
      'NO₂ 23 µg/m³\nveraltet · vor < 1 Min.',
    );
    expect(environmentLabel(station(), state, 'stale', 1_045_000, en)).toBe(
      'NO₂ 23 µg/m³\nstale · < 1 min ago',
    );
  });

  it('shows no number for a missing main value or an offline station', () => {
    expect(environmentLabel(station(), reading('env-a', { temperatureC: 18 }), 'live', 1_000_000, de)).toBe(
      'keine Daten',
    );
    expect(environmentLabel(station(), noReading('env-a', 'live'), 'noData', 1_000_000, de)).toBe(
      'keine Daten',
    );
    expect(environmentLabel(station(), state, 'offline', 1_000_000, de)).toBe('offline');
    expect(mainValue(station(), noReading('env-a'))).toBeNull();
  });

  it('leaves out the age while the server time is unknown', () => {
    expect(environmentLabel(station(), state, 'stale', null, de)).toBe('NO₂ 23 µg/m³\nveraltet');
  });
});
