import { describe, expect, it } from 'vitest';
import type { SearchAnswer } from '../../../protocol/index.ts';
import type { FetchLike } from '../api/cityApi.ts';
import { fetchSearch, SearchFetchError, searchQueryOf, searchUrl } from './searchApi.ts';

const ANSWER: SearchAnswer = {
  cityId: 'boeblingen-demo',
  query: 'Calwer',
  results: [
    {
      kind: 'street',
      source: 'pack',
      id: 'street:Calwer Straße',
      label: 'Calwer Straße',
      lon: 9.01,
      lat: 48.68,
    },
  ],
  geocoder: 'off',
};

function respond(body: unknown, status = 200): { fetchFn: FetchLike; urls: string[] } {
  const urls: string[] = [];
  const fetchFn: FetchLike = async (url) => {
    urls.push(url);
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  };
  return { fetchFn, urls };
}

describe('searchUrl', () => {
  it('encodes the query and the city', () => {
    expect(searchUrl('Böblinger Str. 5 & mehr', 'boeblingen-demo')).toBe(
      '/api/v1/search?q=B%C3%B6blinger+Str.+5+%26+mehr&city=boeblingen-demo',
    );
  });
});

describe('searchQueryOf', () => {
  it('trims and cuts to what the server reads', () => {
    expect(searchQueryOf('  Calwer  ')).toBe('Calwer');
    expect(searchQueryOf('x'.repeat(250))).toHaveLength(200);
  });
});

describe('fetchSearch', () => {
  it('parses the answer', async () => {
    const { fetchFn, urls } = respond(ANSWER);
    expect(await fetchSearch('Calwer', 'boeblingen-demo', fetchFn)).toEqual(ANSWER);
    expect(urls).toEqual(['/api/v1/search?q=Calwer&city=boeblingen-demo']);
  });

  it('throws with the status for a refusal', async () => {
    const { fetchFn } = respond({ error: 'too many searches' }, 429);
    const error = await fetchSearch('Calwer', 'boeblingen-demo', fetchFn).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SearchFetchError);
    expect((error as SearchFetchError).status).toBe(429);
  });

  it('throws for an answer that does not fit the protocol', async () => {
    const { fetchFn } = respond({ ...ANSWER, results: [{ kind: 'spaceship' }] });
    await expect(fetchSearch('Calwer', 'boeblingen-demo', fetchFn)).rejects.toThrow(/unreadable/);
  });

  it('throws status 0 when the server cannot be reached', async () => {
    const fetchFn: FetchLike = () => Promise.reject(new TypeError('network down'));
    const error = await fetchSearch('Calwer', 'boeblingen-demo', fetchFn).catch((e: unknown) => e);
    expect((error as SearchFetchError).status).toBe(0);
  });
});
