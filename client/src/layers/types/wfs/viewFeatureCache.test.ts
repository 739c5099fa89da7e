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

  it('never holds more than maxFeatures', async () => {
    const service = fakeService();
    const cache = createViewFeatureCache(service.load, 5);
    const signal = new AbortController().signal;
    await cache.load([8.95, 48.65, 9.05, 48.71], signal);
    expect(cache.features()).toHaveLength(5);
    await cache.load([9.02, 48.69, 9.03, 48.7], signal);
    expect(cache.features().length).toBeLessThanOrEqual(5);
  });

  it('when nearly full, drops the cells seen longest ago out of view, so a new view gets its features', async () => {
    const service = fakeService();
    const signal = new AbortController().signal;
    const view = (lon: number, lat: number): BboxDeg => [lon + 0.001, lat + 0.001, lon + 0.019, lat + 0.019];
    const [a, b, c] = [view(8.96, 48.66), view(8.98, 48.66), view(9.0, 48.66)];
    const cellOf = (f: CityFeature) => {
      const [lon = 0, lat = 0] = f.geometry.type === 'Point' ? f.geometry.coordinates : [];
      return cellsCovering([lon, lat, lon, lat])[0];
    };
    /** The service's points in the cell of a view, as a fresh cache of plenty of room gets them. */
    const all = async (v: BboxDeg) => {
      const fresh = createViewFeatureCache(fakeService().load, 10_000);
      await fresh.load(v, signal);
      return fresh.features().filter((f) => cellOf(f) === cellsCovering(v)[0]).length;
    };
    const [inA, inB, inC] = [await all(a), await all(b), await all(c)];
    expect(Math.min(inA, inB, inC)).toBeGreaterThan(8);
    // Room for the first two cells and not quite a third.
    const cache = createViewFeatureCache(service.load, inA + inB + Math.floor(inC / 2));
    const inside = (v: BboxDeg) => cache.features().filter((f) => cellOf(f) === cellsCovering(v)[0]).length;
    await cache.load(a, signal);
    await cache.load(b, signal);
    // A is looked at again: B is now the one seen longest ago.
    await cache.load(a, signal);
    expect([inside(a), inside(b)]).toEqual([inA, inB]);
    expect(await cache.load(c, signal)).toBe(true);
    // C got all its features; B made room for them, A (seen later) stayed.
    expect([inside(a), inside(b), inside(c)]).toEqual([inA, 0, inC]);
    // Back to B: asked again, since its cell was dropped.
    const asked = service.asked.length;
    await cache.load(b, signal);
    expect(service.asked.length).toBe(asked + 1);
    expect(inside(b)).toBe(inB);
  });

  it('keeps a feature lying in two cells while one of them stays loaded', async () => {
    const line: CityFeature = {
      id: 'across',
      properties: {},
      geometry: {
        type: 'LineString',
        coordinates: [
          [8.97, 48.67],
          [8.99, 48.67],
        ],
      },
    };
    const fill = (prefix: string, lon: number) =>
      Array.from({ length: 20 }, (_, i) => point(`${prefix}${i}`, lon, 48.665 + i * 0.0005));
    const service = (bbox: BboxDeg) =>
      Promise.resolve(
        [line, ...fill('w', 8.965), ...fill('e', 8.985)].filter((f) => {
          const [lon = 0] = f.geometry.type === 'Point' ? f.geometry.coordinates : [8.98];
          return (lon >= bbox[0] && lon <= bbox[2]) || f.id === 'across';
        }),
      );
    const cache = createViewFeatureCache(service, 44);
    const signal = new AbortController().signal;
    await cache.load([8.961, 48.661, 8.979, 48.679], signal); // west cell: the line and 20 points
    await cache.load([8.981, 48.661, 8.999, 48.679], signal); // east cell: the line again and 20 more
    expect(cache.features()).toHaveLength(41);
    // A third cell, empty: the west cell (seen longest ago) is dropped, the line stays with the east.
    await cache.load([9.001, 48.661, 9.019, 48.679], signal);
    const ids = cache.features().map((f) => f.id);
    expect(ids).toContain('across');
    expect(ids.some((id) => id.startsWith('w'))).toBe(false);
    expect(ids.filter((id) => id.startsWith('e'))).toHaveLength(20);
  });
});
