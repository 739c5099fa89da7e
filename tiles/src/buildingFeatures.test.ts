import { describe, expect, it } from 'vitest';
import type { Feature } from './buildingFeatures.ts';
import { BuildingsInputError, parseBuildings } from './buildingFeatures.ts';

const square = [
  [
    [9.0, 48.0],
    [9.0001, 48.0],
    [9.0001, 48.0001],
    [9.0, 48.0001],
    [9.0, 48.0],
  ],
];

function feature(
  id: string,
  properties: Record<string, unknown>,
  geometry: unknown = { type: 'Polygon', coordinates: square },
): unknown {
  return { type: 'Feature', id, geometry, properties: { id, ...properties } };
}

function collection(...features: unknown[]): unknown {
  return { type: 'FeatureCollection', features };
}

function problemsOf(input: unknown): readonly string[] {
  try {
    parseBuildings(input, 'data/test/buildings.geojson');
  } catch (error) {
    if (error instanceof BuildingsInputError) return error.problems;
    throw error;
  }
  return [];
}

describe('parseBuildings', () => {
  it('reads id, heightM, use, name and polygons', () => {
    const multi: Feature['geometry'] = { type: 'MultiPolygon', coordinates: [square, square] };
    const [first, second] = parseBuildings(
      collection(
        feature('b00001', { heightM: 12, storeys: 4, use: 'parking', name: 'Parkhaus Mitte' }),
        feature('b00002', { heightM: 9.5, storeys: 3, use: 'residential' }, multi),
      ),
    );
    expect(first).toMatchObject({ id: 'b00001', heightM: 12, use: 'parking', name: 'Parkhaus Mitte' });
    expect(first?.polygons[0]?.[0]?.[1]).toEqual([9.0001, 48.0]);
    expect(second).toMatchObject({ id: 'b00002', name: '' });
    expect(second?.polygons).toHaveLength(2);
  });

  it('names feature index, id and field for every problem', () => {
    const problems = problemsOf(
      collection(
        feature('b00001', { heightM: -3, use: 'residential' }),
        feature('b00002', { heightM: 10, use: '' }),
        feature('b00003', { heightM: 10, use: 'school', name: 7 }),
        feature('b00004', { heightM: 10, use: 'school' }, { type: 'Point', coordinates: [9, 48] }),
        feature(
          'b00005',
          { heightM: 10, use: 'school' },
          {
            type: 'Polygon',
            coordinates: [
              [
                [9, 48],
                [9, 95],
                [9.1, 48],
              ],
            ],
          },
        ),
      ),
    );
    expect(problems).toEqual([
      expect.stringMatching(/^feature 0 \(b00001\): properties\.heightM must be a finite number > 0/),
      expect.stringMatching(/^feature 1 \(b00002\): properties\.use/),
      expect.stringMatching(/^feature 2 \(b00003\): properties\.name/),
      expect.stringMatching(/^feature 3 \(b00004\): geometry\.type must be "Polygon" or "MultiPolygon"/),
      expect.stringMatching(
        /^feature 4 \(b00005\): geometry\.coordinates\[0\]\[1\] must be \[lonDeg, latDeg\]/,
      ),
    ]);
  });

  it('rejects duplicate ids and an id that differs from properties.id', () => {
    const mismatched = {
      type: 'Feature',
      id: 'b00003',
      geometry: { type: 'Polygon', coordinates: square },
      properties: { id: 'b3', heightM: 5, use: 'public' },
    };
    const problems = problemsOf(
      collection(
        feature('b00001', { heightM: 5, use: 'public' }),
        feature('b00001', { heightM: 6, use: 'public' }),
        mismatched,
      ),
    );
    expect(problems).toEqual([
      'feature 1 (b00001): id duplicates feature 0',
      'feature 2 (b00003): properties.id must equal id, got "b3"',
    ]);
  });

  it('puts the source label in the error message', () => {
    expect(() => parseBuildings({ type: 'Feature' }, 'data/x/buildings.geojson')).toThrow(
      /^data\/x\/buildings\.geojson: .*FeatureCollection/,
    );
  });
});
