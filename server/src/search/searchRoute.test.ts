/**
 * The search route on the real server (port 0): the demo pack with one sensor made internal and a
 * file of place points added, a staff key, and a stand-in Nominatim on loopback. Each test asks
 * from an address of its own (`X-Forwarded-For` behind a trusted loopback proxy), so the rate limit
 * of one does not reach the others.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SearchAnswer } from '../../../protocol/index.ts';
import { SearchAnswerSchema } from '../../../protocol/index.ts';
import type { App } from '../app.ts';
import { createApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { createLogger } from '../logger.ts';
import { copyDemoPack } from '../testing/copyDemoPack.ts';
import type { FakeGeocoder } from '../testing/fakeGeocoder.ts';
import { startFakeGeocoder } from '../testing/fakeGeocoder.ts';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const OPERATOR_KEY = 'search-operator-key-0123456789ab';
const RATE_BURST = 6;

let app: App;
let baseUrl: string;
let dataDir: string;
let geocoder: FakeGeocoder;
let nextAddress = 1;

beforeAll(async () => {
  geocoder = await startFakeGeocoder();
  dataDir = mkdtempSync(join(tmpdir(), 'citytwin-search-'));
  const packDir = copyDemoPack({ dataDir, id: 'boeblingen-demo', name: 'Böblingen (Demo)' });
  // One station only staff may see.
  const sensorsFile = join(packDir, 'sensors.json');
  const registry = JSON.parse(readFileSync(sensorsFile, 'utf8')) as {
    sensors: { id: string; visibility: string }[];
  };
  for (const sensor of registry.sensors) if (sensor.id === 'env-hulb') sensor.visibility = 'internal';
  writeFileSync(sensorsFile, JSON.stringify(registry));
  // A file of place points as a landscape generator might write it.
  writeFileSync(
    join(packDir, 'landscape.geojson'),
    JSON.stringify({
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          id: 'place-galgenberg',
          properties: { layer: 'places', name: 'Galgenberg', placeType: 'hill' },
          geometry: { type: 'Point', coordinates: [9.0021, 48.6912] },
        },
      ],
    }),
  );
  const config = loadConfig({ env: { PORT: '0', HOST: '127.0.0.1', CITYTWIN_LOG_LEVEL: 'silent' } });
  app = await createApp(
    {
      ...config,
      dataDir,
      accessKeys: [{ id: 'leitstelle', role: 'operator', apiKey: OPERATOR_KEY }],
      security: { ...config.security, trustProxy: 'loopback' },
      search: {
        rate: { burst: RATE_BURST, perSecond: 0.01 },
        geocoder: {
          type: 'nominatim',
          url: geocoder.url,
          maxResults: 5,
          timeoutMs: 300,
          minPackResults: 3,
          language: 'de',
        },
      },
    },
    { rootDir: repoRoot, history: null, autoTick: false, logger: createLogger('silent') },
  );
  baseUrl = `http://127.0.0.1:${await app.listen()}`;
  await app.search.ready();
});

afterAll(async () => {
  await app.close();
  await geocoder.close();
  rmSync(dataDir, { recursive: true, force: true });
});

beforeEach(() => {
  geocoder.mode = 'ok';
  geocoder.requests.length = 0;
  nextAddress += 1;
});

async function get(query: string, key?: string): Promise<Response> {
  return fetch(`${baseUrl}/api/v1/search?${query}`, {
    headers: {
      'x-forwarded-for': `198.51.100.${nextAddress}`,
      ...(key ? { authorization: `Bearer ${key}` } : {}),
    },
  });
}

async function search(q: string, key?: string): Promise<SearchAnswer> {
  const response = await get(new URLSearchParams({ q }).toString(), key);
  expect(response.status).toBe(200);
  return SearchAnswerSchema.parse(await response.json());
}

describe('GET /api/v1/search', () => {
  it('finds a misspelled street of the pack first, as one street with its extent', async () => {
    const answer = await search('Calwr Strase');
    expect(answer.cityId).toBe('boeblingen-demo');
    const [first] = answer.results;
    expect(first).toMatchObject({ kind: 'street', source: 'pack', label: 'Calwer Straße' });
    expect(first?.bbox).toHaveLength(4);
    expect(answer.results.filter((r) => r.kind === 'street' && r.label === 'Calwer Straße')).toHaveLength(1);
  });

  it('reads a UTM coordinate (EPSG:25832) and puts it first', async () => {
    const answer = await search('32U 503210 5392110');
    const [first] = answer.results;
    expect(first?.kind).toBe('coordinate');
    expect(first?.lon).toBeCloseTo(9.04361, 4);
    expect(first?.lat).toBeCloseTo(48.68203, 4);
    expect(answer.geocoder).toBe('unused');
    expect(geocoder.requests).toHaveLength(0);
  });

  it('answers a coordinate alone: its hemisphere letters are not searched as names', async () => {
    const answer = await search(`48°41'06"N 9°00'54"E`);
    expect(answer.results.map((r) => [r.kind, r.label, r.sublabel])).toEqual([
      ['coordinate', '48.68500° N, 9.01500° E', 'UTM 32U 501104 5392440'],
    ]);
  });

  it('finds place points of any pack GeoJSON file marked as places', async () => {
    const answer = await search('Galgenbrg');
    expect(answer.results[0]).toMatchObject({
      kind: 'place',
      label: 'Galgenberg',
      sublabel: 'hill',
      lon: 9.0021,
    });
  });

  it('never shows an internal sensor to the public, and shows it to staff', async () => {
    const publicAnswer = await search('Messstation Hulb');
    expect(publicAnswer.results.map((r) => r.sensorId)).not.toContain('env-hulb');
    const staffAnswer = await search('Messstation Hulb', OPERATOR_KEY);
    expect(staffAnswer.results[0]).toMatchObject({
      kind: 'sensor',
      sensorId: 'env-hulb',
      sensorKind: 'environment',
    });
  });

  it('asks the geocoder when the pack finds little, and lists its answers below the pack, marked', async () => {
    const answer = await search('Zugspitze');
    expect(answer.geocoder).toBe('ok');
    expect(geocoder.requests[0]?.searchParams.get('q')).toBe('Zugspitze');
    const sources = answer.results.map((r) => r.source);
    expect(sources).toContain('geocoder');
    expect(sources.indexOf('geocoder')).toBeGreaterThanOrEqual(sources.lastIndexOf('pack') + 1);
    expect(answer.results.find((r) => r.source === 'geocoder')?.label).toBe('Wilhelma');
  });

  it('does not ask the geocoder when the pack found enough', async () => {
    const answer = await search('Parkhaus');
    expect(answer.results.length).toBeGreaterThanOrEqual(3);
    expect(answer.geocoder).toBe('unused');
    expect(geocoder.requests).toHaveLength(0);
  });

  it.each(['error', 'nonsense', 'hang'] as const)(
    'answers with the pack alone when the geocoder is %s',
    async (mode) => {
      geocoder.mode = mode;
      const answer = await search('Zugspitze');
      expect(answer.geocoder).toBe('failed');
      expect(answer.results.every((r) => r.source === 'pack')).toBe(true);
    },
  );

  it('refuses a missing, repeated or overlong query and an unknown city, with a reason', async () => {
    const cases: [string, number][] = [
      ['', 400],
      ['q=%20%20', 400],
      ['q=a&q=b', 400],
      [`q=${'a'.repeat(201)}`, 400],
      ['q=Calwer&city=atlantis', 404],
    ];
    for (const [query, status] of cases) {
      const response = await get(query);
      const body = (await response.json()) as { error?: unknown };
      expect({ query, status: response.status, hasReason: typeof body.error === 'string' }).toEqual({
        query,
        status,
        hasReason: true,
      });
    }
  });

  it('answers 429 with Retry-After beyond the rate of one address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i <= RATE_BURST; i += 1) statuses.push((await get('q=Calwer')).status);
    expect(statuses.slice(0, RATE_BURST).every((status) => status === 200)).toBe(true);
    const refused = await get('q=Calwer');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.headers.get('cache-control')).toBe('no-store');
  });
});
