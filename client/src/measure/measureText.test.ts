import { describe, expect, it } from 'vitest';
import { createTranslator } from '../i18n/messages.ts';
import type { MeasureResult } from './measureModel.ts';
import { measureLabel, measureLines } from './measureText.ts';

const de = createTranslator('de');
const en = createTranslator('en');
const plain = (lines: string[]) => lines.map((line) => line.replace(/\u00a0/g, ' '));

const distance = (geodesicM: number, length3dM: number, showsLength3d: boolean): MeasureResult => ({
  kind: 'distance',
  pointCount: 2,
  geodesicM,
  length3dM,
  showsLength3d,
});

describe('measureLines', () => {
  it('says a distance in German by default', () => {
    expect(plain(measureLines(distance(1234.54, 1234.54, false), de))).toEqual(['Strecke: 1.234,5 m']);
  });

  it('adds the slope length when the heights make a difference', () => {
    expect(plain(measureLines(distance(30, 50, true), en))).toEqual([
      'Distance: 30.0 m',
      'Slope, with height change: 50.0 m',
    ]);
  });

  it('says nothing for a single point of a distance', () => {
    expect(
      measureLines({ kind: 'distance', pointCount: 1, geodesicM: 0, length3dM: 0, showsLength3d: false }, de),
    ).toEqual([]);
  });

  it('gives an area in hectares with its square metres, and the perimeter', () => {
    const result: MeasureResult = { kind: 'area', pointCount: 4, areaM2: 23_456, perimeterM: 612.3 };
    expect(plain(measureLines(result, de))).toEqual(['Fläche: 2,35 ha (23.456 m²)', 'Umfang: 612,3 m']);
    expect(plain(measureLines(result, en))).toEqual(['Area: 2.35 ha (23,456 m²)', 'Perimeter: 612.3 m']);
  });

  it('gives a small area in square metres only', () => {
    const result: MeasureResult = { kind: 'area', pointCount: 3, areaM2: 850.54, perimeterM: 130 };
    expect(plain(measureLines(result, de))[0]).toBe('Fläche: 850,5 m²');
  });

  it('asks for a third corner of an area', () => {
    const result: MeasureResult = { kind: 'area', pointCount: 2, areaM2: 0, perimeterM: 50 };
    expect(measureLines(result, de)).toEqual(['Mindestens drei Ecken für eine Fläche.']);
  });

  it('gives a height difference as a size, whichever point came first', () => {
    const result: MeasureResult = {
      kind: 'height',
      pointCount: 2,
      heightAboveEllipsoidM: 448.25,
      heightAboveGroundM: 18.25,
      differenceM: -18.25,
      horizontalM: 3.5,
    };
    expect(plain(measureLines(result, de))).toEqual([
      'Höhenunterschied: 18,3 m',
      'Waagerechter Abstand: 3,50 m',
    ]);
  });

  it('gives one point’s height above ground and ellipsoid, or the ellipsoid’s only where the ground is unknown', () => {
    const one: MeasureResult = {
      kind: 'height',
      pointCount: 1,
      heightAboveEllipsoidM: 452.5,
      heightAboveGroundM: 22.5,
      differenceM: null,
      horizontalM: null,
    };
    expect(plain(measureLines(one, en))).toEqual([
      'Height above ground: 22.5 m',
      'Height above the ellipsoid (WGS84): 452.5 m',
    ]);
    expect(plain(measureLines({ ...one, heightAboveGroundM: null }, de))).toEqual([
      'Höhe über dem Ellipsoid (WGS84): 452,5 m',
    ]);
  });

  it('puts the lines under each other on the map label', () => {
    expect(measureLabel(distance(30, 50, true), en).split('\n')).toHaveLength(2);
  });
});
