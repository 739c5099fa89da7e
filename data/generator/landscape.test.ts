import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SEED, DEMO_CITY_ID } from './generateDemoCity.ts';
import { createLocalProjection } from './geometry.ts';
import { CENTRE_LON_LAT } from './districtPlan.ts';
import {
  districtBox,
  generateLandscape,
  LANDSCAPE_FILE,
  LANDSCAPE_LAYERS,
  NEIGHBOUR_PLACES,
  serializeLandscape,
} from './landscape.ts';
import type { LandscapeFeature } from './landscape.ts';
import { buildStreetNetwork } from './streetNetwork.ts';

const landscape = generateLandscape(DEFAULT_SEED);
const PACK_DIR = join(import.meta.dirname, '..', DEMO_CITY_ID);

function positionsOf(feature: LandscapeFeature): [number, number][] {
  const g = feature.geometry;
  if (g.type === 'Point') return [[g.coordinates[0], g.coordinates[1]]];
  if (g.type === 'LineString') return g.coordinates.map((p) => [p[0], p[1]]);
  return g.coordinates.flat().map((p) => [p[0], p[1]]);
}

describe('generateLandscape', () => {
  it('writes the same text for the same seed', () => {
    expect(serializeLandscape(generateLandscape(DEFAULT_SEED))).toBe(serializeLandscape(landscape));
  });

  it('matches the committed landscape.geojson (run `npm run generate:demo` if not)', async () => {
    const committed = await readFile(join(PACK_DIR, LANDSCAPE_FILE), 'utf8');
    expect(committed === serializeLandscape(landscape), `${LANDSCAPE_FILE} is stale`).toBe(true);
  });

  it('has features in every map layer, each with a unique id', () => {
    const layers = new Set(landscape.features.map((f) => f.properties.layer));
    expect([...layers].sort()).toEqual([...LANDSCAPE_LAYERS].sort());
    const ids = landscape.features.map((f) => f.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('names the real neighbouring towns at their real positions with a rank', () => {
    const sindelfingen = landscape.features.find((f) => f.properties.name === 'Sindelfingen');
    expect(sindelfingen?.geometry).toEqual({ type: 'Point', coordinates: [9.0028, 48.7133] });
    expect(sindelfingen?.properties.rank).toBe(2);
    const places = landscape.features.filter((f) => f.properties.layer === 'places');
    expect(places.length).toBeGreaterThanOrEqual(NEIGHBOUR_PLACES.length + 5);
    for (const place of places) expect(place.properties.rank).toBeGreaterThanOrEqual(1);
  });

  it('keeps forests, the river, the railway and the motorways out of the district', () => {
    const network = buildStreetNetwork();
    const box = districtBox(network);
    const projection = createLocalProjection(CENTRE_LON_LAT);
    const outside = landscape.features.filter(
      (f) =>
        f.properties.layer === 'forest' ||
        f.properties.layer === 'rail' ||
        f.properties.class === 'river' ||
        f.properties.class === 'motorway',
    );
    expect(outside.length).toBeGreaterThan(5);
    for (const f of outside) {
      for (const position of positionsOf(f)) {
        const [east, north] = projection.toLocal(position);
        const inside = east > box[0] && east < box[2] && north > box[1] && north < box[3];
        expect(inside, `${f.id} at ${position.join(',')}`).toBe(false);
      }
    }
  });

  it('writes polygons as closed rings', () => {
    for (const f of landscape.features) {
      if (f.geometry.type !== 'Polygon') continue;
      for (const ring of f.geometry.coordinates) expect(ring[0]).toEqual(ring[ring.length - 1]);
    }
  });
});
