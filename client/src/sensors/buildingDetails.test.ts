import { describe, expect, it } from 'vitest';
import { createTranslator } from '../i18n/messages.ts';
import { buildingDetails } from './buildingDetails.ts';

const de = createTranslator('de');
const en = createTranslator('en');

describe('buildingDetails', () => {
  it('lists use, height, storeys, year and id of a named building', () => {
    const details = buildingDetails(
      Object.freeze({
        buildingId: 'b00042',
        name: 'Rathaus',
        use: 'public',
        heightM: 18.25,
        storeys: 5,
        yearOfConstruction: 1954,
      }),
      de,
    );
    expect(details?.name).toBe('Rathaus');
    expect(details?.kindLabel).toBe('Gebäude');
    expect(details?.rows).toEqual([
      { key: 'use', label: 'Nutzung', value: 'Öffentlich', unit: '' },
      { key: 'heightM', label: 'Höhe', value: '18,3', unit: 'm' },
      { key: 'storeys', label: 'Geschosse', value: '5', unit: '' },
      { key: 'yearOfConstruction', label: 'Baujahr', value: '1954', unit: '' },
      { key: 'buildingId', label: 'Gebäude-ID', value: 'b00042', unit: '' },
    ]);
  });

  it('names an unnamed building by its id', () => {
    expect(buildingDetails({ buildingId: 'b7', name: '' }, de)?.name).toBe('Gebäude b7');
    expect(buildingDetails({ buildingId: 'b7' }, en)?.name).toBe('Building b7');
  });

  it('hides unknown storeys (0) and a year that is noData or absent', () => {
    const keys = (props: Parameters<typeof buildingDetails>[0]) =>
      buildingDetails(props, en)?.rows.map((row) => row.key);
    expect(keys({ buildingId: 'b1', heightM: 9, storeys: 0, yearOfConstruction: -32768 })).toEqual([
      'use',
      'heightM',
      'buildingId',
    ]);
    expect(keys({ buildingId: 'b1', heightM: 9, storeys: 3 })).toEqual([
      'use',
      'heightM',
      'storeys',
      'buildingId',
    ]);
  });

  it('translates every known use and keeps an unlisted use as written', () => {
    const use = (value: unknown) => buildingDetails({ buildingId: 'b1', use: value }, en)?.rows[0]?.value;
    expect(use('residential')).toBe('Residential');
    expect(use('parking')).toBe('Parking garage');
    expect(use('farm')).toBe('farm');
    expect(use(undefined)).toBe('unknown');
  });

  it('describes nothing without a building id', () => {
    expect(buildingDetails({ name: 'Rathaus' }, de)).toBeNull();
    expect(buildingDetails({ buildingId: '' }, de)).toBeNull();
  });
});
