import { describe, expect, it } from 'vitest';
import type { CityFeature } from '../../geo/geojson.ts';
import { memoryFeatures, registerMemorySource, releaseMemorySource } from './memorySources.ts';
import { suggestStyle, userFileEntry } from './userFileEntry.ts';

const pin = (i: number): CityFeature => ({
  id: `#${i}`,
  properties: { name: `P${i}` },
  geometry: { type: 'Point', coordinates: [9 + i * 1e-4, 48] },
});
const area: CityFeature = {
  id: '#a',
  properties: {},
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

describe('suggestStyle', () => {
  it('gives points pins with their names, areas a see-through fill, many points clusters', () => {
    expect(suggestStyle([pin(1), pin(2)])).toMatchObject({ icon: 'pin', label: 'name' });
    expect(suggestStyle([pin(1), pin(2)]).cluster).toBeUndefined();
    expect(suggestStyle([area])).toMatchObject({ fillColor: '#e8590c59', lineWidth: 2 });
    expect(suggestStyle([area]).icon).toBeUndefined();
    expect(suggestStyle(Array.from({ length: 300 }, (_, i) => pin(i))).cluster).toBe(true);
  });
});

describe('userFileEntry and memory sources', () => {
  it('points a visible GeoJSON entry at the file’s features in memory', () => {
    const features = [pin(1), area];
    const url = registerMemorySource(features, 'Meine Punkte.kml');
    expect(url).toMatch(/^memory:meine-punkte-kml-\d+$/);
    const entry = userFileEntry('Meine Punkte.kml', features, url, new Date('2026-12-07T12:00:00Z'));
    expect(entry).toMatchObject({
      type: 'geojson',
      url,
      visible: true,
      title: { de: 'Meine Punkte.kml' },
      updated: '2026-12-07',
    });
    expect(entry.description?.de).toContain('„Meine Punkte.kml“');
    expect(memoryFeatures(url)).toBe(features);
    expect(memoryFeatures('/data/x.geojson')).toBeNull();
    releaseMemorySource(url);
    expect(() => memoryFeatures(url)).toThrow(/no longer open/);
  });
});
