import { describe, expect, it } from 'vitest';
import { createTranslator } from '../../../../i18n/messages.ts';
import { reading, sensor } from '../../../../testing/fixtures.ts';
import { PALETTE } from '../../../palette.ts';
import { waterCategory, waterColor, waterLabel, waterReading } from './waterLayer.ts';

const de = createTranslator('de');
const en = createTranslator('en');
const basin = (maxLevelCm?: number) =>
  sensor({
    id: 'basin-a',
    kind: 'water',
    object: { type: 'site', id: 'basin-a' },
    quantities: ['levelCm', 'inflowLps'],
    attributes: maxLevelCm === undefined ? {} : { maxLevelCm },
  });

describe('waterReading', () => {
  it('computes the fill ratio from the level and the maximum', () => {
    expect(waterReading(basin(200), reading('basin-a', { levelCm: 85 })).fillRatio).toBeCloseTo(0.425, 6);
  });

  it('takes the maximum from the basin feature when the sensor lacks it', () => {
    expect(waterReading(basin(), reading('basin-a', { levelCm: 50 }), 100).fillRatio).toBeCloseTo(0.5, 6);
  });

  it('has no level (not zero) without a reading', () => {
    expect(waterReading(basin(200), undefined)).toEqual({ levelCm: null, maxLevelCm: 200, fillRatio: null });
  });
});

describe('waterCategory', () => {
  const at = (level: number) =>
    waterCategory(waterReading(basin(100), reading('basin-a', { levelCm: level })), 'live');

  it('bands the fill ratio at 50, 75 and 90 %', () => {
    expect(at(49)).toBe('normal');
    expect(at(50)).toBe('raised');
    expect(at(75)).toBe('high');
    expect(at(90)).toBe('critical');
    expect(at(120)).toBe('critical');
  });

  it('is grey when stale or unknown', () => {
    expect(waterCategory(waterReading(basin(100), reading('basin-a', { levelCm: 95 })), 'stale')).toBe(
      'noData',
    );
    expect(waterCategory(waterReading(basin(), reading('basin-a', { levelCm: 95 })), 'live')).toBe('noData');
    expect(waterColor('noData')).toBe(PALETTE.grey);
    expect(waterColor('critical')).toBe(PALETTE.red);
  });
});

describe('waterLabel', () => {
  it('shows the level in cm and the percentage of the maximum', () => {
    const r = waterReading(basin(200), reading('basin-a', { levelCm: 85 }));
    expect(waterLabel(r, 'live', de)).toBe('85 cm · 43 %');
    expect(waterLabel(r, 'live', en)).toBe('85 cm · 43 %');
  });

  it('shows only the level when the maximum is unknown, and marks stale values', () => {
    const r = waterReading(basin(), reading('basin-a', { levelCm: 85 }));
    expect(waterLabel(r, 'stale', de)).toBe('85 cm\nveraltet');
  });

  it('shows no number when offline or without a reading', () => {
    expect(waterLabel(waterReading(basin(200), undefined), 'noData', de)).toBe('keine Daten');
    expect(waterLabel(waterReading(basin(200), reading('basin-a', { levelCm: 85 })), 'offline', en)).toBe(
      'offline',
    );
  });
});
