/**
 * Paging through a WFS 2.0 feature type: GetFeature with COUNT and STARTINDEX inside a bounding box,
 * until a page comes back short or `maxFeatures` is reached (numberMatched is not trusted: servers
 * write 'unknown' or a count of the whole type). GeoJSON where the service offers it, else GML 3.2
 * read in lon/lat. The capabilities say which, and where GetFeature lives; without them GeoJSON at
 * the entry's URL is tried.
 */
import type { LayerEntryOf } from '../../../../../protocol/index.ts';
import type { FetchLike } from '../../../api/cityApi.ts';
import { parseFeatureCollection, type CityFeature } from '../../../geo/geojson.ts';
import {
  gmlToFeatureCollection,
  isLatFirst,
  parseGmlFeatures,
  withFeatureIds,
} from '../../../ogc/gmlFeatures.ts';
import { fetchText, fetchWfsCapabilities, withParams } from '../../../ogc/ogcRequests.ts';
import { gml32OutputFormat, jsonOutputFormat } from '../../../ogc/wfsCapabilities.ts';

/** West, south, east, north in WGS84 degrees. */
export type BboxDeg = readonly [number, number, number, number];

export type WfsEntry = Pick<LayerEntryOf<'wfs'>, 'url' | 'typeName' | 'pageSize' | 'maxFeatures'>;

/** Where and in which format the features are asked for. */
export interface WfsSource {
  readonly getFeatureUrl: string;
  /** The GeoJSON output format, or null: GML 3.2. */
  readonly jsonFormat: string | null;
  readonly gmlFormat: string;
}

/**
 * Both formats are asked for in the EPSG:4326 URN, whose latitude-first order every WFS 2.0 server
 * reads the same way (plain `EPSG:4326` is lon/lat to GeoServer but lat/lon to MapServer, and
 * MapServer refuses the CRS84 URN). GML comes back latitude first and the GML reader knows it;
 * GeoJSON is lon/lat (RFC 7946) unless it names the URN in a `crs` member, as GeoServer does.
 */
const EPSG4326_URN = 'urn:ogc:def:crs:EPSG::4326';

/** Reads the capabilities for the format and URL; a service without readable ones is asked for GeoJSON. */
export async function resolveWfsSource(
  entry: WfsEntry,
  fetchFn: FetchLike,
  signal?: AbortSignal,
): Promise<WfsSource> {
  try {
    const caps = await fetchWfsCapabilities(entry.url, fetchFn, signal);
    const type = caps.featureTypes.find(
      (t) => t.name === entry.typeName || t.name.split(':').pop() === entry.typeName,
    );
    const formats = type?.outputFormats.length ? type.outputFormats : caps.outputFormats;
    return {
      getFeatureUrl: caps.getFeatureUrl ?? entry.url,
      jsonFormat: jsonOutputFormat(formats),
      gmlFormat: gml32OutputFormat(formats),
    };
  } catch (error) {
    if (signal?.aborted) throw error;
    return { getFeatureUrl: entry.url, jsonFormat: 'application/json', gmlFormat: gml32OutputFormat([]) };
  }
}

/** The GetFeature URL of one page; the BBOX latitude first, as its URN says. */
export function wfsPageUrl(
  entry: WfsEntry,
  source: WfsSource,
  startIndex: number,
  count: number,
  bbox: BboxDeg,
): string {
  const [w, s, e, n] = bbox;
  return withParams(source.getFeatureUrl, {
    SERVICE: 'WFS',
    VERSION: '2.0.0',
    REQUEST: 'GetFeature',
    TYPENAMES: entry.typeName,
    OUTPUTFORMAT: source.jsonFormat ?? source.gmlFormat,
    SRSNAME: EPSG4326_URN,
    COUNT: String(count),
    STARTINDEX: String(startIndex),
    BBOX: `${s},${w},${n},${e},${EPSG4326_URN}`,
  });
}

function swapped(coordinates: unknown): unknown {
  if (!Array.isArray(coordinates)) return coordinates;
  if (typeof coordinates[0] === 'number') {
    const [a, b, ...rest] = coordinates as number[];
    return [b, a, ...rest];
  }
  return coordinates.map(swapped);
}

/** GeoJSON in lon/lat: a body whose `crs` member names a latitude-first URN is swapped. */
export function lonLatGeoJson(body: unknown): unknown {
  const crs = (body as { crs?: { properties?: { name?: unknown } } } | null)?.crs?.properties?.name;
  if (typeof crs !== 'string' || !isLatFirst(crs)) return body;
  const collection = body as { features?: unknown };
  if (!Array.isArray(collection.features)) return body;
  return {
    ...collection,
    features: (collection.features as { geometry?: { coordinates?: unknown } | null }[]).map((f) =>
      f.geometry ? { ...f, geometry: { ...f.geometry, coordinates: swapped(f.geometry.coordinates) } } : f,
    ),
  };
}

async function loadPage(
  url: string,
  source: WfsSource,
  fetchFn: FetchLike,
  label: string,
  signal: AbortSignal,
) {
  const { text } = await fetchText(url, fetchFn, signal);
  if (source.jsonFormat !== null && !text.trimStart().startsWith('<')) {
    const page = parseFeatureCollection(
      withFeatureIds(lonLatGeoJson(JSON.parse(text) as unknown), label),
      label,
    );
    return { features: page.features, received: page.features.length + page.rejected.length };
  }
  const gml = parseGmlFeatures(text);
  return {
    features: parseFeatureCollection(withFeatureIds(gmlToFeatureCollection(gml), label), label).features,
    received: gml.length,
  };
}

/** Every feature of the type in `bbox`, page by page, at most `entry.maxFeatures`. */
export async function loadWfsFeatures(
  entry: WfsEntry,
  bbox: BboxDeg,
  fetchFn: FetchLike,
  signal: AbortSignal,
  source?: WfsSource,
): Promise<CityFeature[]> {
  const from = source ?? (await resolveWfsSource(entry, fetchFn, signal));
  const label = `WFS ${entry.typeName}`;
  const features: CityFeature[] = [];
  for (let start = 0; start < entry.maxFeatures; start += entry.pageSize) {
    const count = Math.min(entry.pageSize, entry.maxFeatures - start);
    const page = await loadPage(wfsPageUrl(entry, from, start, count, bbox), from, fetchFn, label, signal);
    features.push(...page.features);
    if (page.received < count) break;
  }
  return features;
}
