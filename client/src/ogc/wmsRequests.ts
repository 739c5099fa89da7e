/**
 * WMS requests of a catalogue entry: GetMap, GetFeatureInfo at a clicked point and the legend image.
 * A click asks for a small map centred on the point (the pixel at its centre), sized by how many
 * metres a screen pixel shows there, so the answer matches what the user sees without knowing the
 * whole view. Axis order follows the version: WMS 1.3.0 with EPSG:4326 is latitude first. Pure URL
 * building plus one fetching function.
 */
import type { LayerEntryOf } from '../../../protocol/index.ts';
import type { FetchLike } from '../api/cityApi.ts';
import { chooseFeatureInfoFormat, parseFeatureInfo, type FeatureInfoResult } from './featureInfo.ts';
import { fetchText, withParams } from './ogcRequests.ts';
import type { LonLatBbox } from './wmsCapabilities.ts';

type WmsEntry = Pick<
  LayerEntryOf<'wms'>,
  'url' | 'layers' | 'styles' | 'version' | 'format' | 'title' | 'legendUrl'
>;

/** The BBOX parameter of a lon/lat box in EPSG:4326 for `version`. */
export function bbox4326(box: LonLatBbox, version: '1.3.0' | '1.1.1'): string {
  const [w, s, e, n] = box;
  return (version === '1.3.0' ? [s, w, n, e] : [w, s, e, n]).join(',');
}

/** A GetMap URL of the entry for a lon/lat box (tests and previews; Cesium builds its own). */
export function wmsGetMapUrl(
  entry: WmsEntry,
  box: LonLatBbox,
  widthPx: number,
  heightPx: number,
  extra: Readonly<Record<string, string>> = {},
): string {
  return withParams(entry.url, {
    SERVICE: 'WMS',
    VERSION: entry.version,
    REQUEST: 'GetMap',
    LAYERS: entry.layers,
    STYLES: entry.styles ?? '',
    [entry.version === '1.3.0' ? 'CRS' : 'SRS']: 'EPSG:4326',
    BBOX: bbox4326(box, entry.version),
    WIDTH: String(widthPx),
    HEIGHT: String(heightPx),
    FORMAT: entry.format,
    TRANSPARENT: 'TRUE',
    ...extra,
  });
}

/** The small map around a click that GetFeatureInfo asks about. */
export interface FeatureInfoWindow {
  readonly box: LonLatBbox;
  readonly sizePx: number;
  /** The clicked pixel (I/J in 1.3.0, X/Y in 1.1.1): the window's centre. */
  readonly pixel: number;
}

/** Pixels on each side of the clicked one: a tolerance like the servers' own. */
const WINDOW_PX = 101;

/** A window of {@link WINDOW_PX} pixels centred on `lonLat`, each pixel `metresPerPixel` wide. */
export function featureInfoWindow(
  lonLat: readonly [number, number],
  metresPerPixel: number,
): FeatureInfoWindow {
  const [lon, lat] = lonLat;
  const halfM = (metresPerPixel * WINDOW_PX) / 2;
  const halfLat = halfM / 111_320;
  const halfLon = halfM / (111_320 * Math.max(0.01, Math.cos((lat * Math.PI) / 180)));
  return {
    box: [lon - halfLon, lat - halfLat, lon + halfLon, lat + halfLat],
    sizePx: WINDOW_PX,
    pixel: (WINDOW_PX - 1) / 2,
  };
}

/** The GetFeatureInfo URL for a click at `lonLat`. */
export function wmsFeatureInfoUrl(
  entry: WmsEntry,
  lonLat: readonly [number, number],
  metresPerPixel: number,
  infoFormat: string,
  extra: Readonly<Record<string, string>> = {},
): string {
  const window = featureInfoWindow(lonLat, metresPerPixel);
  const pixel = String(window.pixel);
  return withParams(wmsGetMapUrl(entry, window.box, window.sizePx, window.sizePx, extra), {
    REQUEST: 'GetFeatureInfo',
    QUERY_LAYERS: entry.layers,
    INFO_FORMAT: infoFormat,
    FEATURE_COUNT: '10',
    [entry.version === '1.3.0' ? 'I' : 'X']: pixel,
    [entry.version === '1.3.0' ? 'J' : 'Y']: pixel,
  });
}

/**
 * Asks the WMS what is at `lonLat`. `offeredFormats` are the capabilities' GetFeatureInfo formats
 * when known (JSON is preferred, GML otherwise). `language` picks the fallback layer title.
 */
export async function requestWmsFeatureInfo(
  entry: WmsEntry,
  lonLat: readonly [number, number],
  metresPerPixel: number,
  fetchFn: FetchLike,
  options: {
    offeredFormats?: readonly string[];
    language?: 'de' | 'en';
    extra?: Readonly<Record<string, string>>;
    signal?: AbortSignal;
  } = {},
): Promise<FeatureInfoResult[]> {
  const format = chooseFeatureInfoFormat(options.offeredFormats ?? []);
  const url = wmsFeatureInfoUrl(entry, lonLat, metresPerPixel, format, options.extra);
  const { text, contentType } = await fetchText(url, fetchFn, options.signal);
  return parseFeatureInfo(text, contentType || format, entry.title[options.language ?? 'de']);
}

/**
 * The legend image of the entry: its own `legendUrl`, else the capabilities' LegendURL of its first
 * layer's style (`capabilitiesLegendUrl`), else GetLegendGraphic of the first layer.
 */
export function wmsLegendUrl(entry: WmsEntry, capabilitiesLegendUrl: string | null = null): string {
  if (entry.legendUrl) return entry.legendUrl;
  if (capabilitiesLegendUrl) return capabilitiesLegendUrl;
  const layer = entry.layers.split(',')[0]?.trim() ?? entry.layers;
  const style = entry.styles?.split(',')[0]?.trim();
  return withParams(entry.url, {
    SERVICE: 'WMS',
    VERSION: entry.version,
    REQUEST: 'GetLegendGraphic',
    LAYER: layer,
    FORMAT: 'image/png',
    SLD_VERSION: '1.1.0',
    ...(style ? { STYLE: style } : {}),
  });
}
