/**
 * Paging through an OGC API Features collection: `/collections/{id}/items` with `limit` and `bbox`,
 * following each page's `next` link (relative ones resolved against the page's URL) until none is
 * left, a page is empty or `maxFeatures` is reached.
 */
import type { LayerEntryOf } from '../../../../../protocol/index.ts';
import type { FetchLike } from '../../../api/cityApi.ts';
import { parseFeatureCollection, type CityFeature } from '../../../geo/geojson.ts';
import { withFeatureIds } from '../../../ogc/gmlFeatures.ts';
import { nextItemsUrl } from '../../../ogc/ogcApiFeatures.ts';
import { fetchText } from '../../../ogc/ogcRequests.ts';
import type { BboxDeg } from '../wfs/wfsPages.ts';

type OgcEntry = Pick<LayerEntryOf<'ogcapi-features'>, 'url' | 'collection' | 'pageSize' | 'maxFeatures'>;

/** The first page's URL: the landing page (or `/collections`) URL with the collection's items. */
export function ogcItemsUrl(entry: OgcEntry, limit: number, bbox: BboxDeg): string {
  const [path = '', query] = entry.url.split('?');
  const base = path.replace(/\/+$/, '').replace(/\/collections$/, '');
  const params = new URLSearchParams(query ?? '');
  params.set('f', 'json');
  params.set('limit', String(limit));
  params.set('bbox', bbox.join(','));
  return `${base}/collections/${encodeURIComponent(entry.collection)}/items?${params.toString()}`;
}

/**
 * The next link with the bbox added when it lost it: MapServer 8.0 writes next links without the
 * request's bbox, and following them as written would load the whole collection.
 */
export function keepBbox(nextUrl: string, bbox: BboxDeg): string {
  const url = new URL(nextUrl);
  if (!url.searchParams.has('bbox')) url.searchParams.set('bbox', bbox.join(','));
  return url.toString();
}

export async function loadOgcApiFeatures(
  entry: OgcEntry,
  bbox: BboxDeg,
  fetchFn: FetchLike,
  signal: AbortSignal,
): Promise<CityFeature[]> {
  const features: CityFeature[] = [];
  const label = `OGC API ${entry.collection}`;
  let url: string | null = ogcItemsUrl(entry, Math.min(entry.pageSize, entry.maxFeatures), bbox);
  const seen = new Set<string>();
  while (url && features.length < entry.maxFeatures && !seen.has(url)) {
    seen.add(url);
    const { text } = await fetchText(url, fetchFn, signal);
    const body = JSON.parse(text) as unknown;
    const page = parseFeatureCollection(withFeatureIds(body, label), label);
    features.push(...page.features.slice(0, entry.maxFeatures - features.length));
    const pageUrl: string = new URL(url, globalThis.location?.href ?? 'http://relative.invalid').toString();
    const next: string | null =
      page.features.length + page.rejected.length > 0 ? nextItemsUrl(body, pageUrl) : null;
    url = next ? keepBbox(next, bbox) : null;
  }
  return features;
}
