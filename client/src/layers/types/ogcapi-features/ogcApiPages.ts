/**
 * Paging through an OGC API Features collection: `/collections/{id}/items` with `limit` and `bbox`,
 * following each page's `next` link until none is left or `maxFeatures` is reached.
 */
import type { LayerEntryOf } from '../../../../../protocol/index.ts';
import type { FetchLike } from '../../../api/cityApi.ts';
import { parseFeatureCollection, type CityFeature } from '../../../geo/geojson.ts';
import type { BboxDeg } from '../wfs/wfsPages.ts';

/** The first page's URL: the landing page (or `/collections`) URL with the collection's items. */
export function ogcItemsUrl(entry: LayerEntryOf<'ogcapi-features'>, limit: number, bbox: BboxDeg): string {
  const base = entry.url.replace(/\/+$/, '').replace(/\/collections$/, '');
  const query = new URLSearchParams({ f: 'json', limit: String(limit), bbox: bbox.join(',') });
  return `${base}/collections/${encodeURIComponent(entry.collection)}/items?${query.toString()}`;
}

/** The `next` link of a page, if any. */
export function nextLink(page: unknown): string | null {
  const links = (page as { links?: unknown } | null)?.links;
  if (!Array.isArray(links)) return null;
  for (const link of links as { rel?: unknown; href?: unknown; type?: unknown }[]) {
    if (link.rel === 'next' && typeof link.href === 'string') return link.href;
  }
  return null;
}

export async function loadOgcApiFeatures(
  entry: LayerEntryOf<'ogcapi-features'>,
  bbox: BboxDeg,
  fetchFn: FetchLike,
  signal: AbortSignal,
): Promise<CityFeature[]> {
  const features: CityFeature[] = [];
  let url: string | null = ogcItemsUrl(entry, Math.min(entry.pageSize, entry.maxFeatures), bbox);
  while (url && features.length < entry.maxFeatures) {
    const response = await fetchFn(url, { signal });
    if (!response.ok) throw new Error(`OGC API ${entry.collection}: the server answered ${response.status}`);
    const body: unknown = await response.json();
    const page = parseFeatureCollection(body, `OGC API ${entry.collection}`);
    features.push(...page.features.slice(0, entry.maxFeatures - features.length));
    const next = nextLink(body);
    url =
      next && page.features.length > 0
        ? new URL(next, new URL(url, 'http://relative.invalid')).toString()
        : null;
  }
  return features;
}
