/** Loading features for the view: each cell once, features once, bounded. */
import { describe, expect, it } from 'vitest';
import type { CityFeature } from '../../../geo/geojson.ts';
import { cellsBbox, cellsCovering, createViewFeatureCache, MAX_CELLS_PER_SIDE } from './viewFeatureCache.ts';
import type { BboxDeg } from './wfsPages.ts';

const point = (id: string, lon: number, lat: number): CityFeature => ({
  id,
  properties: {},
  geometry: { type: 'Point', coordinates: [lon, lat] },
});

/** A service of points on a 0.005° grid around Böblingen. */
function fakeService() {
  const asked: BboxDeg[] = [];
  const load = (bbox: BboxDeg, max: number): Promise<CityFeature[]> => {
    asked.push(bbox);
    const found: CityFeature[] = [];
    for (let lon = 8.95; lon < 9.05; lon += 0.005)
      for (let lat = 48.65; lat < 48.71; lat += 0.005) {
        const [w, s, e, n] = bbox;
        if (lon >= w && lon <= e && lat >= s && lat <= n)
          found.push(point(`${lon.toFixed(3)}/${lat.toFixed(3)}`, lon, lat));
      }
    return Promise.resolve(found.slice(0, max));
  };
  return { asked, load };
}

describe('view feature cache', () => {
  it('covers a view with grid cells and clamps a huge view around its centre', () => {
    expect(cellsCovering([9.0, 48.68, 9.01, 48.69])).toEqual(['450:2434']);
    expect(cellsBbox(['450:2434'])[0]).toBeCloseTo(9.0, 9);
    expect(cellsCovering([0, 40, 20, 60])).toHaveLength(MAX_CELLS_PER_SIDE * MAX_CELLS_PER_SIDE);
  });

  it('does not ask again for a view it has loaded, after panning away and back', async () => {
    const service = fakeService();
    const cache = createViewFeatureCache(service.load, 10_000);
    const signal = new AbortController().signal;
    const home: BboxDeg = [8.99, 48.67, 9.01, 48.69];
    expect(await cache.load(home, signal)).toBe(true);
    expect(await cache.load([9.01, 48.67, 9.03, 48.69], signal)).toBe(true);
    const asked = service.asked.length;
    expect(await cache.load(home, signal)).toBe(false);
    expect(service.asked).toHaveLength(asked);
    const ids = cache.features().map((f) => f.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('stops at maxFeatures', async () => {
    const service = fakeService();
    const cache = createViewFeatureCache(service.load, 5);
    const signal = new AbortController().signal;
    await cache.load([8.95, 48.65, 9.05, 48.71], signal);
    expect(cache.features()).toHaveLength(5);
    expect(await cache.load([9.06, 48.72, 9.08, 48.74], signal)).toBe(false);
  });
});
