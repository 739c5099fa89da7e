/**
 * The viewer's HTTP reads: the city info it starts from and the GeoJSON layers of the pack. Every
 * response is parsed before use.
 */
import { CityInfoSchema, type CityInfo } from '../../../protocol/index.ts';
import { parseFeatureCollection, type ParsedFeatures } from '../geo/geojson.ts';

/** The endpoint that describes the city for the caller's role. */
export const CITY_INFO_URL = '/api/v1/city';

/** `fetch`, injectable for tests. */
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

async function getJson(url: string, fetchFn: FetchLike, signal?: AbortSignal): Promise<unknown> {
  const response = await fetchFn(url, { headers: { accept: 'application/json' }, signal: signal ?? null });
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status} ${response.statusText}`.trim());
  return response.json();
}

/** Loads and parses `GET /api/v1/city`. A malformed answer throws with the first problems named. */
export async function fetchCityInfo(fetchFn: FetchLike = fetch, signal?: AbortSignal): Promise<CityInfo> {
  const raw = await getJson(CITY_INFO_URL, fetchFn, signal);
  const parsed = CityInfoSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    throw new Error(`${CITY_INFO_URL} is not a valid city description (${issues})`);
  }
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
