import { describe, expect, it } from 'vitest';
import type { FetchLike } from '../api/cityApi.ts';
import { fetchProfile, fetchSeries, HistoryFetchError, profileUrl, seriesUrl } from './historyApi.ts';

const query = { fromMs: 1_000, toMs: 2_000, stepMs: 300_000, quantities: ['speedKmh', 'vehiclesPerHour'] };

/** A fetch that records the URLs asked and answers `body` with `status`. */
function respond(body: unknown, status = 200): { fetchFn: FetchLike; urls: string[] } {
  const urls: string[] = [];
  const fetchFn: FetchLike = async (url) => {
    urls.push(url);
    return new Response(typeof body === 'string' ? body : JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json' },
    });
  };
  return { fetchFn, urls };
}

const series = {
  sensorId: 'traffic-r0001',
  fromMs: 1_000,
  toMs: 2_000,
  stepMs: 300_000,
  source: 'minute',
  quantities: { speedKmh: { t: [0], mean: [42], min: [30], max: [50], count: [20] } },
};

const emptyGrid = <T>(fill: T) => Array.from({ length: 7 }, () => Array.from({ length: 24 }, () => fill));

describe('history URLs', () => {
  it('escape the ids and carry the window, step and quantities', () => {
    expect(seriesUrl('böblingen', 'a/b', query)).toBe(
      '/api/v1/history/b%C3%B6blingen/sensors/a%2Fb/series?from=1000&to=2000&step=300000&quantity=speedKmh%2CvehiclesPerHour',
    );
    expect(seriesUrl('c', 's', query, 'csv')).toMatch(/&format=csv$/);
    expect(profileUrl('c', 's', { quantity: 'speedKmh', weeks: 4, toMs: 5 })).toBe(
      '/api/v1/history/c/sensors/s/profile?quantity=speedKmh&weeks=4&to=5',
    );
  });
});

describe('fetchSeries', () => {
  it('returns a well-formed series', async () => {
    const { fetchFn, urls } = respond(series);
    const answer = await fetchSeries(fetchFn, 'c', 'traffic-r0001', query);
    expect(answer.quantities['speedKmh']?.mean).toEqual([42]);
    expect(urls).toEqual([seriesUrl('c', 'traffic-r0001', query)]);
  });

  it("throws with the server's reason on a refusal", async () => {
    const { fetchFn } = respond({ error: 'the history is off on this server' }, 404);
    const failure = fetchSeries(fetchFn, 'c', 's', query);
    await expect(failure).rejects.toThrow('the history is off on this server (HTTP 404)');
    await expect(failure).rejects.toBeInstanceOf(HistoryFetchError);
  });

  it('falls back to the status line when the refusal is not JSON', async () => {
    const { fetchFn } = respond('<html>Bad Gateway</html>', 502);
    await expect(fetchSeries(fetchFn, 'c', 's', query)).rejects.toThrow(/502/);
  });

  it('rejects an answer whose columns differ in length', async () => {
    const broken = {
      ...series,
      quantities: { speedKmh: { t: [0, 1], mean: [1], min: [1], max: [1], count: [1] } },
    };
    await expect(fetchSeries(respond(broken).fetchFn, 'c', 's', query)).rejects.toThrow(/differ in length/);
  });
});

describe('fetchProfile', () => {
  const profile = {
    sensorId: 's',
    quantity: 'speedKmh',
    fromMs: 0,
    toMs: 1,
    timeZone: 'Europe/Berlin',
    mean: emptyGrid<number | null>(null),
    counts: emptyGrid(0),
  };

  it('returns a 7 × 24 profile', async () => {
    const answer = await fetchProfile(respond(profile).fetchFn, 'c', 's', { quantity: 'speedKmh' });
    expect(answer.mean).toHaveLength(7);
    expect(answer.timeZone).toBe('Europe/Berlin');
  });

  it('rejects a grid of the wrong size', async () => {
    const short = { ...profile, mean: profile.mean.slice(0, 6) };
    await expect(fetchProfile(respond(short).fetchFn, 'c', 's', { quantity: 'speedKmh' })).rejects.toThrow(
      /mean/,
    );
  });
});
