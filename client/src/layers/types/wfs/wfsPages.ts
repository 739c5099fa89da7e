/**
 * Paging through a WFS 2.0 feature type as GeoJSON: GetFeature with COUNT and STARTINDEX inside a
 * bounding box, until a page comes back short or `maxFeatures` is reached. Pure URL building; the
 * loop takes the fetch.
 */
import type { LayerEntryOf } from '../../../../../protocol/index.ts';
import type { FetchLike } from '../../../api/cityApi.ts';
import { parseFeatureCollection, type CityFeature } from '../../../geo/geojson.ts';

/** West, south, east, north in WGS84 degrees. */
export type BboxDeg = readonly [number, number, number, number];

/** The GetFeature URL of one page. Coordinates are asked for in CRS84 order (lon, lat). */
export function wfsPageUrl(
  entry: LayerEntryOf<'wfs'>,
  startIndex: number,
  count: number,
  bbox: BboxDeg,
): string {
  const url = new URL(entry.url, 'http://relative.invalid');
  const params: Record<string, string> = {
    SERVICE: 'WFS',
    VERSION: '2.0.0',
    REQUEST: 'GetFeature',
    TYPENAMES: entry.typeName,
    OUTPUTFORMAT: 'application/json',
    SRSNAME: 'urn:ogc:def:crs:OGC:1.3:CRS84',
    COUNT: String(count),
    STARTINDEX: String(startIndex),
    BBOX: `${bbox.join(',')},urn:ogc:def:crs:OGC:1.3:CRS84`,
  };
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url.origin === 'http://relative.invalid' ? `${url.pathname}${url.search}` : url.toString();
}

/** Every feature of the type in `bbox`, page by page, at most `entry.maxFeatures`. */
export async function loadWfsFeatures(
  entry: LayerEntryOf<'wfs'>,
  bbox: BboxDeg,
  fetchFn: FetchLike,
  signal: AbortSignal,
): Promise<CityFeature[]> {
  const features: CityFeature[] = [];
  for (let start = 0; start < entry.maxFeatures; start += entry.pageSize) {
    const count = Math.min(entry.pageSize, entry.maxFeatures - start);
    const response = await fetchFn(wfsPageUrl(entry, start, count, bbox), { signal });
    if (!response.ok) throw new Error(`WFS ${entry.typeName}: the server answered ${response.status}`);
    const page = parseFeatureCollection(await response.json(), `WFS ${entry.typeName}`);
    features.push(...page.features);
    if (page.features.length + page.rejected.length < count) break;
  }
  return features;
}
