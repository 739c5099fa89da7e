import { describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, type CityInfo } from '../../../protocol/index.ts';
import { fetchCityInfo, fetchFeatures, packFileUrl, type FetchLike } from './cityApi.ts';

const city = {
  id: 'boeblingen-demo',
  name: 'Böblingen (Demo)',
  synthetic: true,
  centre: [9.01, 48.68],
  homeView: { lon: 9.01, lat: 48.67, heightM: 900 },
  crs: 'EPSG:4326',
  timezone: 'Europe/Berlin',
};

function respond(body: unknown, status = 200): FetchLike {
  return async () =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

describe('fetchCityInfo', () => {
  it('parses the city description and fills schema defaults', async () => {
    const info = await fetchCityInfo(
      respond({
        city,
        layers: [{ id: 'parking', type: 'live', kind: 'parking', title: { de: 'Parken', en: 'Parking' } }],
        sensors: [],
        protocolVersion: PROTOCOL_VERSION,
      }),
    );
    expect(info.city.homeView.pitchDeg).toBe(-45);
    expect(info.layers[0]?.visible).toBe(true);
    expect(info.layers[0]?.opacity).toBe(1);
    expect(info.map).toEqual({ basemaps: [], packTiles: null, terrain: null });
  });

  it('names the problem of a malformed answer', async () => {
    await expect(
      fetchCityInfo(respond({ city: { ...city, crs: 'EPSG:25832' }, layers: [], sensors: [] })),
    ).rejects.toThrow(/city\.crs/);
  });

  it('reports HTTP errors', async () => {
    await expect(fetchCityInfo(respond({}, 503))).rejects.toThrow(/503/);
  });
});

describe('fetchFeatures', () => {
  it('logs and skips broken features', async () => {
    const warnings: string[] = [];
    const parsed = await fetchFeatures(
      '/data/x/roads.geojson',
      respond({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: null }] }),
      undefined,
      { warn: (m: string) => warnings.push(m) },
    );
    expect(parsed.features).toEqual([]);
    expect(warnings).toHaveLength(1);
  });
});

describe('packFileUrl', () => {
  const info = (layers: CityInfo['layers']): CityInfo => ({
    city: {
      ...city,
      centre: [9.01, 48.68],
      homeView: { ...city.homeView, headingDeg: 0, pitchDeg: -45 },
      crs: 'EPSG:4326',
    },
    layers,
    groups: [],
    map: { basemaps: [], packTiles: null, terrain: null },
    sensors: [],
    protocolVersion: PROTOCOL_VERSION,
  });

  it("uses the catalog's GeoJSON layer of that file", () => {
    const url = packFileUrl(
      info([
        {
          id: 'streets',
          type: 'geojson',
          url: '/data/boeblingen-demo/roads.geojson?v=2',
          title: { de: 'S', en: 'S' },
          visible: false,
          opacity: 1,
        },
      ]),
      'roads',
    );
    expect(url).toBe('/data/boeblingen-demo/roads.geojson?v=2');
  });

  it("falls back to the pack's conventional path", () => {
    expect(packFileUrl(info([]), 'basins')).toBe('/data/boeblingen-demo/basins.geojson');
  });
});
