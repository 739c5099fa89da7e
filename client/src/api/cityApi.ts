/**
 * The viewer's HTTP reads: the city info it starts from and the GeoJSON layers of the pack. Every
 * response is parsed before use.
 */
import type { ZodError } from 'zod';
import { CityInfoSchema, CityListSchema, type CityInfo, type CityList } from '../../../protocol/index.ts';
import { parseFeatureCollection, type ParsedFeatures } from '../geo/geojson.ts';
import { zodErrorText } from '../../../protocol/zodError.ts';

/** The endpoint that describes the default city for the caller's role. */
export const CITY_INFO_URL = '/api/v1/city';
/** The endpoint that lists every city the server serves. */
export const CITY_LIST_URL = '/api/v1/cities';

/** The endpoint that describes one city: the default one when `cityId` is absent. */
export function cityInfoUrl(cityId?: string): string {
  return cityId === undefined ? CITY_INFO_URL : `${CITY_LIST_URL}/${encodeURIComponent(cityId)}`;
}

/** `fetch`, injectable for tests. */
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

async function getJson(url: string, fetchFn: FetchLike, signal?: AbortSignal): Promise<unknown> {
  const response = await fetchFn(url, { headers: { accept: 'application/json' }, signal: signal ?? null });
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status} ${response.statusText}`.trim());
  return response.json();
}

function firstIssues(error: ZodError): string {
  return zodErrorText(error, { maxIssues: 3 });
}

/**
 * Loads and parses `GET /api/v1/city` (or `/api/v1/cities/<id>` for `cityId`). A malformed answer
 * throws with the first problems named.
 */
export async function fetchCityInfo(
  fetchFn: FetchLike = fetch,
  signal?: AbortSignal,
  cityId?: string,
): Promise<CityInfo> {
  const url = cityInfoUrl(cityId);
  const parsed = CityInfoSchema.safeParse(await getJson(url, fetchFn, signal));
  if (!parsed.success)
    throw new Error(`${url} is not a valid city description (${firstIssues(parsed.error)})`);
  return parsed.data;
}

/** Loads and parses `GET /api/v1/cities`: the cities the town switcher offers and the default one. */
export async function fetchCityList(fetchFn: FetchLike = fetch, signal?: AbortSignal): Promise<CityList> {
  const parsed = CityListSchema.safeParse(await getJson(CITY_LIST_URL, fetchFn, signal));
  if (!parsed.success)
    throw new Error(`${CITY_LIST_URL} is not a valid list of cities (${firstIssues(parsed.error)})`);
  return parsed.data;
}

/** Loads a GeoJSON FeatureCollection; features that fail to parse are logged and left out. */
export async function fetchFeatures(
  url: string,
  fetchFn: FetchLike = fetch,
  signal?: AbortSignal,
  logger: Pick<Console, 'warn'> = console,
): Promise<ParsedFeatures> {
  const parsed = parseFeatureCollection(await getJson(url, fetchFn, signal), url);
  for (const line of parsed.rejected) logger.warn(`[geojson] skipped ${line}`);
  return parsed;
}

/**
 * The URL of one of the pack's GeoJSON files (`roads`, `basins`): the catalog's GeoJSON layer with
 * that id or file name when there is one, else the pack's conventional path under `/data/<city>/`.
 */
export function packFileUrl(info: CityInfo, name: 'roads' | 'basins' | 'buildings'): string {
  const entry = info.layers.find(
    (layer) =>
      layer.type === 'geojson' &&
      (layer.id === name || layer.url.split('?')[0]?.endsWith(`/${name}.geojson`)),
  );
  return entry && entry.type === 'geojson' ? entry.url : `/data/${info.city.id}/${name}.geojson`;
}
