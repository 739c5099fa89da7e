/**
 * Test support: a stand-in Nominatim or Photon on a loopback port, answering `/search` (Nominatim
 * `format=jsonv2`) and `/api` (Photon GeoJSON) in the real services' formats. Its `mode` switches it
 * to answering 500, nonsense, or never (to see the search time out), and it keeps every request's
 * URL to be read.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Two hits as Nominatim's `/search?format=jsonv2` writes them: a point of interest and a house. */
export const NOMINATIM_JSONV2 = [
  {
    place_id: 132403571,
    licence: 'Data © OpenStreetMap contributors, ODbL 1.0. http://osm.org/copyright',
    osm_type: 'node',
    osm_id: 2647391718,
    lat: '48.8049633',
    lon: '9.2056713',
    category: 'tourism',
    type: 'zoo',
    place_rank: 30,
    importance: 0.4521,
    addresstype: 'tourism',
    name: 'Wilhelma',
    display_name: 'Wilhelma, Rosensteinpark, Bad Cannstatt, Stuttgart, Baden-Württemberg, 70376, Deutschland',
    boundingbox: ['48.8009633', '48.8089633', '9.2016713', '9.2096713'],
  },
  {
    place_id: 98765432,
    licence: 'Data © OpenStreetMap contributors, ODbL 1.0. http://osm.org/copyright',
    osm_type: 'way',
    osm_id: 123456789,
    lat: '48.6851234',
    lon: '9.0112345',
    category: 'building',
    type: 'house',
    place_rank: 30,
    importance: 0.00001,
    addresstype: 'building',
    name: '',
    display_name:
      '12, Poststraße, Altstadt, Böblingen, Landkreis Böblingen, Baden-Württemberg, 71032, Deutschland',
    boundingbox: ['48.6850734', '48.6851734', '9.0111845', '9.0112845'],
  },
  // Something a broken proxy might add: left out, the rest kept.
  { lat: 'north', lon: 9 },
];

/** The same two as Photon's `/api` GeoJSON (its `extent` is `[minLon, maxLat, maxLon, minLat]`). */
export const PHOTON_GEOJSON = {
  type: 'FeatureCollection',
  features: [
    {
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [9.2056713, 48.8049633] },
      properties: {
        osm_type: 'N',
        osm_id: 2647391718,
        osm_key: 'tourism',
        osm_value: 'zoo',
        type: 'house',
        name: 'Wilhelma',
        postcode: '70376',
        city: 'Stuttgart',
        district: 'Bad Cannstatt',
        countrycode: 'DE',
        country: 'Deutschland',
        state: 'Baden-Württemberg',
        extent: [9.2016713, 48.8089633, 9.2096713, 48.8009633],
      },
    },
    {
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [9.0112345, 48.6851234] },
      properties: {
        osm_type: 'W',
        osm_id: 123456789,
        osm_key: 'building',
        osm_value: 'house',
        type: 'house',
        street: 'Poststraße',
        housenumber: '12',
        postcode: '71032',
        city: 'Böblingen',
        countrycode: 'DE',
        country: 'Deutschland',
      },
    },
  ],
};

/** How the stand-in answers. */
export type FakeGeocoderMode = 'ok' | 'error' | 'nonsense' | 'hang';

export interface FakeGeocoder {
  readonly url: string;
  mode: FakeGeocoderMode;
  /** Every request's path and query, in order. */
  readonly requests: URL[];
  close(): Promise<void>;
}

/** Starts the stand-in on 127.0.0.1 and a free port. */
export async function startFakeGeocoder(): Promise<FakeGeocoder> {
  const requests: URL[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push(url);
    if (fake.mode === 'hang') return;
    if (fake.mode === 'error') {
      res.writeHead(500, { 'content-type': 'text/plain' }).end('database gone');
      return;
    }
    if (fake.mode === 'nonsense') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"not": "places"');
      return;
    }
    const body =
      url.pathname === '/search' ? NOMINATIM_JSONV2 : url.pathname === '/api' ? PHOTON_GEOJSON : null;
    if (body === null) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const fake: FakeGeocoder = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    mode: 'ok',
    requests,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return fake;
}
