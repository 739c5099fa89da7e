import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SearchResult } from '../../../protocol/index.ts';
import type { CityPack } from '../../../protocol/packFeatures.ts';
import { loadCityPack } from '../cityPack/loadCityPack.ts';
import { createLogger } from '../logger.ts';
import type { Geocoder, GeocoderRequest } from './geocoder.ts';
import { SearchService } from './searchService.ts';

const DEMO_DIR = fileURLToPath(new URL('../../../data/boeblingen-demo', import.meta.url));
let pack: CityPack;

beforeAll(async () => {
  pack = await loadCityPack(DEMO_DIR);
});

/** A geocoder that answers `results` and keeps what it was asked. */
function stubGeocoder(results: SearchResult[]): Geocoder & { asked: GeocoderRequest[] } {
  const asked: GeocoderRequest[] = [];
  return {
    type: 'photon',
    asked,
    search: async (request) => {
      asked.push(request);
      return results;
    },
  };
}

const fromGeocoder = (label: string, id = `geocoder:${label}`): SearchResult => ({
  kind: 'address',
  source: 'geocoder',
  id,
  label,
  lon: 9.1,
  lat: 48.7,
});

const request = (query: string) => ({ cityId: 'boeblingen-demo', query, visibilities: ['public'] as const });

describe('SearchService', () => {
  it('says the geocoder is off when none is configured', async () => {
    const service = new SearchService({ packs: [pack], logger: createLogger('silent') });
    const answer = await service.search({ ...request('Calwer'), visibilities: ['public'] });
    expect(answer.geocoder).toBe('off');
    expect(answer.results[0]?.label).toBe('Calwer Straße');
  });

  it('asks the geocoder near the city for what is left of ten, and drops its names the pack has', async () => {
    const geocoder = stubGeocoder([
      fromGeocoder('Zugspitze'),
      fromGeocoder('Calwer Straße'),
      fromGeocoder('Zugspitzbahn'),
    ]);
    const service = new SearchService({
      packs: [pack],
      geocoder,
      logger: createLogger('silent'),
      minPackResults: 10,
    });
    const answer = await service.search({ ...request('Calwer Straße'), visibilities: ['public'] });
    const fromPack = answer.results.filter((r) => r.source === 'pack').length;
    expect(fromPack).toBeGreaterThan(0);
    expect(geocoder.asked[0]).toMatchObject({
      query: 'Calwer Straße',
      centre: pack.city.centre,
      limit: 10 - fromPack,
    });
    // Below the pack's results, without the street the pack has itself, within ten.
    expect(answer.results.slice(fromPack).map((r) => `${r.source}:${r.label}`)).toEqual(
      ['geocoder:Zugspitze', 'geocoder:Zugspitzbahn'].slice(0, 10 - fromPack),
    );
    expect(answer.geocoder).toBe('ok');
  });

  it('warns about a failing geocoder once a minute, not once a search', async () => {
    const lines: string[] = [];
    let nowMs = 0;
    const geocoder: Geocoder = {
      type: 'nominatim',
      search: () => Promise.reject(new Error('connection refused')),
    };
    const service = new SearchService({
      packs: [pack],
      geocoder,
      logger: createLogger('warn', (line) => lines.push(line)),
      now: () => nowMs,
    });
    for (const at of [0, 10_000, 59_000, 61_000]) {
      nowMs = at;
      expect((await service.search({ ...request('Zugspitze'), visibilities: ['public'] })).geocoder).toBe(
        'failed',
      );
    }
    expect(lines.filter((line) => line.includes('geocoder failed'))).toHaveLength(2);
  });
});
