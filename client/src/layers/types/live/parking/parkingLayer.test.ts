import { describe, expect, it } from 'vitest';
import { createTranslator } from '../../../../i18n/messages.ts';
import { noReading, reading, sensor } from '../../../../testing/fixtures.ts';
import { PALETTE } from '../../../palette.ts';
import {
  parkingCategory,
  parkingColor,
  parkingLabel,
  parkingLegend,
  parkingReading,
} from './parkingLayer.ts';

const de = createTranslator('de');
const en = createTranslator('en');
const garage = () => sensor({ id: 'parking-a', attributes: { capacitySpaces: 400 } });

function categoryFor(occupied: number) {
  return parkingCategory(
    parkingReading(garage(), reading('parking-a', { occupiedSpaces: occupied })),
    'live',
  );
}

describe('parkingReading', () => {
  it('derives free spaces from occupancy and capacity when free spaces are not reported', () => {
    const r = parkingReading(garage(), reading('parking-a', { occupiedSpaces: 300 }));
    expect(r.freeSpaces).toBe(100);
    expect(r.occupancyRatio).toBeCloseTo(0.75, 6);
  });

  it('prefers reported free spaces', () => {
    expect(
      parkingReading(garage(), reading('parking-a', { freeSpaces: 12, occupiedSpaces: 300 })).freeSpaces,
    ).toBe(12);
  });

  it('knows nothing, not zero, without a reading', () => {
    expect(parkingReading(garage(), noReading('parking-a'))).toEqual({
      freeSpaces: null,
      occupiedSpaces: null,
      capacitySpaces: 400,
      occupancyRatio: null,
    });
  });

  it('treats zero free spaces without a capacity as full', () => {
    const noCapacity = sensor({ id: 'p', attributes: {} });
    expect(parkingReading(noCapacity, reading('p', { freeSpaces: 0 })).occupancyRatio).toBe(1);
  });
});

describe('parkingCategory', () => {
  it('colours by occupancy band at the thresholds', () => {
    expect(categoryFor(0)).toBe('plenty');
    expect(categoryFor(279)).toBe('plenty');
    expect(categoryFor(280)).toBe('filling');
    expect(categoryFor(340)).toBe('almostFull');
    expect(categoryFor(380)).toBe('full');
    expect(categoryFor(400)).toBe('full');
  });

  it('draws stale, offline and missing readings grey, never in a value colour', () => {
    const r = parkingReading(garage(), reading('parking-a', { occupiedSpaces: 10 }));
    expect(parkingCategory(r, 'stale')).toBe('noData');
    expect(parkingCategory(r, 'offline')).toBe('noData');
    expect(parkingColor(parkingCategory(r, 'stale'))).toBe(PALETTE.grey);
    expect(parkingCategory(parkingReading(garage(), undefined), 'live')).toBe('noData');
  });

  it('maps bands to the palette', () => {
    expect(parkingColor('plenty')).toBe(PALETTE.green);
    expect(parkingColor('full')).toBe(PALETTE.red);
  });
});

describe('parkingLabel', () => {
  it('shows the free spaces in the active language', () => {
    const r = parkingReading(garage(), reading('parking-a', { freeSpaces: 1234 }));
    expect(parkingLabel(r, 'live', de)).toBe('1.234 frei');
    expect(parkingLabel(r, 'live', en)).toBe('1,234 free');
  });

  it('marks a stale value as stale', () => {
    const r = parkingReading(garage(), reading('parking-a', { freeSpaces: 5 }));
    expect(parkingLabel(r, 'stale', de)).toBe('5 frei\nveraltet');
  });

  it('shows no number for missing or offline readings', () => {
    expect(parkingLabel(parkingReading(garage(), undefined), 'noData', de)).toBe('keine Daten');
    expect(
      parkingLabel(parkingReading(garage(), reading('parking-a', { freeSpaces: 5 })), 'offline', de),
    ).toBe('offline');
  });
});

describe('parkingLegend', () => {
  it('lists every band and the grey no-data entry', () => {
    expect(parkingLegend().map((e) => e.colorCss)).toEqual([
      PALETTE.green,
      PALETTE.yellow,
      PALETTE.orange,
      PALETTE.red,
      PALETTE.grey,
    ]);
  });
});
