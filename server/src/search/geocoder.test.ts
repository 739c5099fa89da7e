import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SearchResultSchema } from '../../../protocol/index.ts';
import type { FakeGeocoder } from '../testing/fakeGeocoder.ts';
import { startFakeGeocoder } from '../testing/fakeGeocoder.ts';
import { createGeocoder } from './geocoder.ts';
import type { GeocoderConfig } from './searchConfig.ts';

const CENTRE: [number, number] = [9.015, 48.685];
let fake: FakeGeocoder;

beforeAll(async () => {
  fake = await startFakeGeocoder();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.mode = 'ok';
  fake.requests.length = 0;
});

const config = (type: GeocoderConfig['type'], extra: Partial<GeocoderConfig> = {}): GeocoderConfig => ({
  type,
  url: `${fake.url}/`,
  maxResults: 5,
  timeoutMs: 2000,
  minPackResults: 3,
  language: 'de',
  ...extra,
});

describe('Nominatim', () => {
  it('asks /search in jsonv2 near the city and reads its answer as search results', async () => {
    const results = await createGeocoder(config('nominatim')).search({
      query: 'Wilhelma',
      centre: CENTRE,
      limit: 8,
    });
    const asked = fake.requests[0];
    expect(asked?.pathname).toBe('/search');
    expect(Object.fromEntries(asked?.searchParams ?? [])).toMatchObject({
      q: 'Wilhelma',
      format: 'jsonv2',
      limit: '5',
      'accept-language': 'de',
      bounded: '0',
      viewbox: '8.5150,49.1850,9.5150,48.1850',
    });
    expect(results.map((r) => SearchResultSchema.parse(r))).toEqual([
      {
        kind: 'place',
        source: 'geocoder',
        id: 'geocoder:node2647391718',
        label: 'Wilhelma',
        sublabel: 'Rosensteinpark, Bad Cannstatt, Stuttgart, Baden-Württemberg, 70376, Deutschland',
        lon: 9.2056713,
        lat: 48.8049633,
        bbox: [9.2016713, 48.8009633, 9.2096713, 48.8089633],
      },
      {
        kind: 'address',
        source: 'geocoder',
        id: 'geocoder:way123456789',
        label: 'Poststraße 12',
        sublabel: 'Altstadt, Böblingen, Landkreis Böblingen, Baden-Württemberg, 71032, Deutschland',
        lon: 9.0112345,
        lat: 48.6851234,
        bbox: [9.0111845, 48.6850734, 9.0112845, 48.6851734],
      },
    ]);
  });
});

describe('Photon', () => {
  it('asks /api with a location bias and reads its GeoJSON, extent in Photon order', async () => {
    const results = await createGeocoder(config('photon')).search({
      query: 'Wilhelma',
      centre: CENTRE,
      limit: 3,
    });
    const asked = fake.requests[0];
    expect(asked?.pathname).toBe('/api');
    expect(Object.fromEntries(asked?.searchParams ?? [])).toEqual({
      q: 'Wilhelma',
      limit: '3',
      lang: 'de',
      lon: '9.01500',
      lat: '48.68500',
    });
    expect(results).toEqual([
      {
        kind: 'place',
        source: 'geocoder',
        id: 'geocoder:N2647391718',
        label: 'Wilhelma',
        sublabel: 'Bad Cannstatt, 70376 Stuttgart',
        lon: 9.2056713,
        lat: 48.8049633,
        bbox: [9.2016713, 48.8009633, 9.2096713, 48.8089633],
      },
      {
        kind: 'address',
        source: 'geocoder',
        id: 'geocoder:W123456789',
        label: 'Poststraße 12',
        sublabel: '71032 Böblingen',
        lon: 9.0112345,
        lat: 48.6851234,
      },
    ]);
  });
});

describe('a geocoder in trouble', () => {
  it('throws when it answers an error status', async () => {
    fake.mode = 'error';
    await expect(
      createGeocoder(config('nominatim')).search({ query: 'x', centre: CENTRE, limit: 5 }),
    ).rejects.toThrow('the geocoder answered 500');
  });

  it('throws when it answers something that is not JSON', async () => {
    fake.mode = 'nonsense';
    await expect(
      createGeocoder(config('photon')).search({ query: 'x', centre: CENTRE, limit: 5 }),
    ).rejects.toThrow();
  });

  it('gives up after its time limit when it does not answer', async () => {
    fake.mode = 'hang';
    await expect(
      createGeocoder(config('nominatim', { timeoutMs: 100 })).search({
        query: 'x',
        centre: CENTRE,
        limit: 5,
      }),
    ).rejects.toThrow(/timeout|aborted/i);
  });
});
