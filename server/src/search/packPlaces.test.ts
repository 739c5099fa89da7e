import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { placesOfGeoJson, readPackPlaces } from './packPlaces.ts';

const LANDSCAPE = {
  type: 'FeatureCollection',
  features: [
    {
      type: 'Feature',
      id: 'pl-1',
      properties: { layer: 'places', name: 'Altstadt', placeType: 'suburb' },
      geometry: { type: 'Point', coordinates: [9.01, 48.68] },
    },
    {
      type: 'Feature',
      properties: { kind: 'place', name: 'Oberer See' },
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [9, 48],
            [9.02, 48],
            [9.02, 48.02],
            [9, 48],
          ],
        ],
      },
    },
    {
      type: 'Feature',
      properties: { layer: 'forest', name: 'Stadtwald' },
      geometry: { type: 'Point', coordinates: [9, 48] },
    },
    { type: 'Feature', properties: { layer: 'places' }, geometry: { type: 'Point', coordinates: [9, 48] } },
    {
      type: 'Feature',
      properties: { layer: 'places', name: 'Nirgendwo' },
      geometry: { type: 'Point', coordinates: [500, 48] },
    },
  ],
};

describe('placesOfGeoJson', () => {
  it('takes named features marked as places, points as they are and areas by their mean', () => {
    const places = placesOfGeoJson(LANDSCAPE, 'landscape.geojson');
    expect(places.map((p) => p.name)).toEqual(['Altstadt', 'Oberer See']);
    expect(places[0]).toEqual({ id: 'pl-1', name: 'Altstadt', lon: 9.01, lat: 48.68, placeType: 'suburb' });
    expect(places[1]?.id).toBe('landscape.geojson#1');
    expect(places[1]?.lon).toBeCloseTo(9.01, 9);
  });

  it('answers no places for something that is not a FeatureCollection', () => {
    expect(placesOfGeoJson(null, 'x')).toEqual([]);
    expect(placesOfGeoJson({ features: 'no' }, 'x')).toEqual([]);
  });
});

describe('readPackPlaces', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('reads every GeoJSON file of the folder and tells about a broken one without failing', async () => {
    dir = mkdtempSync(join(tmpdir(), 'citytwin-places-'));
    writeFileSync(join(dir, 'landscape.geojson'), JSON.stringify(LANDSCAPE));
    writeFileSync(join(dir, 'roads.geojson'), JSON.stringify({ type: 'FeatureCollection', features: [] }));
    writeFileSync(join(dir, 'broken.geojson'), '{"layer": "places", ');
    writeFileSync(join(dir, 'notes.txt'), '{"layer": "places"}');
    const problems: string[] = [];
    const places = await readPackPlaces(dir, (file) => problems.push(file));
    expect(places.map((p) => p.name)).toEqual(['Altstadt', 'Oberer See']);
    expect(problems).toEqual(['broken.geojson']);
  });
});
