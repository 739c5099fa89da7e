import { describe, expect, it } from 'vitest';
import {
  heightOf,
  linesOf,
  numericProperty,
  parseFeatureCollection,
  pointsOf,
  polygonsOf,
} from './geojson.ts';

const road = {
  type: 'Feature',
  id: 'r0001',
  properties: { id: 'r0001', speedLimitKmh: 50 },
  geometry: {
    type: 'LineString',
    coordinates: [
      [9.0, 48.6],
      [9.01, 48.61],
    ],
  },
};
const basin = {
  type: 'Feature',
  properties: { id: 'basin-a', maxLevelCm: 300 },
  geometry: {
    type: 'Polygon',
    coordinates: [
      [
        [9, 48],
        [9.1, 48],
        [9.1, 48.1],
        [9, 48],
      ],
    ],
  },
};

describe('parseFeatureCollection', () => {
  it('parses features and takes the id from the feature or its properties', () => {
    const parsed = parseFeatureCollection(
      { type: 'FeatureCollection', features: [road, basin] },
      'test.geojson',
    );
    expect(parsed.features.map((f) => f.id)).toEqual(['r0001', 'basin-a']);
    expect(parsed.rejected).toEqual([]);
    expect(numericProperty(parsed.features[0]!, 'speedLimitKmh')).toBe(50);
    expect(numericProperty(parsed.features[0]!, 'name')).toBeNull();
  });

  it('skips a broken feature with a reason naming file and index, keeping the rest', () => {
    const broken = { ...road, geometry: { type: 'LineString', coordinates: [[200, 48]] } };
    const parsed = parseFeatureCollection(
      { type: 'FeatureCollection', features: [broken, basin] },
      'roads.geojson',
    );
    expect(parsed.features.map((f) => f.id)).toEqual(['basin-a']);
    expect(parsed.rejected).toHaveLength(1);
    expect(parsed.rejected[0]).toMatch(/^roads\.geojson feature 0: geometry/);
  });

  it('throws for something that is no FeatureCollection', () => {
    expect(() => parseFeatureCollection({ type: 'Feature' }, 'x.geojson')).toThrow(/x\.geojson/);
  });
});

describe('geometry helpers', () => {
  it('gives lines of line strings and polygon rings', () => {
    const parsed = parseFeatureCollection({ type: 'FeatureCollection', features: [road, basin] }, 't');
    expect(linesOf(parsed.features[0]!.geometry)).toHaveLength(1);
    expect(linesOf(parsed.features[1]!.geometry)[0]).toHaveLength(4);
    expect(polygonsOf(parsed.features[1]!.geometry)).toHaveLength(1);
    expect(polygonsOf(parsed.features[0]!.geometry)).toHaveLength(0);
  });

  it('reads heights and defaults to 0', () => {
    expect(heightOf([9, 48])).toBe(0);
    expect(heightOf([9, 48, 12.5])).toBe(12.5);
  });
});

describe('catalogue layers and points', () => {
  const noId = {
    type: 'Feature',
    properties: { name: 'Pin' },
    geometry: { type: 'Point', coordinates: [9, 48] },
  };
  const multi = {
    type: 'Feature',
    properties: null,
    geometry: {
      type: 'MultiPoint',
      coordinates: [
        [9, 48],
        [9.1, 48.1],
      ],
    },
  };

  it('gives features without an id their index when asked, and rejects them otherwise', () => {
    const collection = { type: 'FeatureCollection', features: [road, noId, multi] };
    expect(
      parseFeatureCollection(collection, 'a.geojson', { idFromIndex: true }).features.map((f) => f.id),
    ).toEqual(['r0001', '#1', '#2']);
    expect(parseFeatureCollection(collection, 'a.geojson').rejected).toEqual([
      'a.geojson feature 1: no id',
      'a.geojson feature 2: no id',
    ]);
  });

  it('keeps MultiPoint features and lists their points', () => {
    const parsed = parseFeatureCollection({ type: 'FeatureCollection', features: [multi] }, 'm.geojson', {
      idFromIndex: true,
    });
    const [feature] = parsed.features;
    expect(feature && pointsOf(feature.geometry)).toEqual([
      [9, 48],
      [9.1, 48.1],
    ]);
    expect(feature && linesOf(feature.geometry)).toEqual([]);
  });
});
