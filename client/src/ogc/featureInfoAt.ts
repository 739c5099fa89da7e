/**
 * What the WMS layers on the map say about a clicked point: every visible WMS entry with feature
 * info on is asked (in parallel, in the formats its capabilities offer, at the TIME it shows), and
 * the answers come back in the catalogue's order. A layer whose service fails is reported by title,
 * never hiding the others' answers.
 */
import type { LayerEntry, LayerEntryOf } from '../../../protocol/index.ts';
import type { FetchLike } from '../api/cityApi.ts';
import { cachedWmsCapabilities } from './capabilitiesCache.ts';
import type { FeatureInfoResult } from './featureInfo.ts';
import { wmsTimeFor } from './timeDimension.ts';
import { findWmsLayer } from './wmsCapabilities.ts';
import { requestWmsFeatureInfo } from './wmsRequests.ts';

/** The answer for the info panel: results per layer and the layers that could not be asked. */
export interface FeatureInfoAnswer {
  readonly lonLat: readonly [number, number];
  readonly results: readonly FeatureInfoAnswerResult[];
  /** Titles of layers whose service failed. */
  readonly failed: readonly string[];
}

export interface FeatureInfoOptions {
  readonly fetchFn: FetchLike;
  readonly language: 'de' | 'en';
  /** The map's time, for layers bound to the timeline. */
  readonly mapTimeMs: number;
  readonly signal?: AbortSignal;
}

/** The entries a click asks: visible WMS entries with feature info on. */
export function queryableEntries(
  entries: readonly LayerEntry[],
  isVisible: (id: string) => boolean,
): LayerEntryOf<'wms'>[] {
  return entries.filter(
    (e): e is LayerEntryOf<'wms'> => e.type === 'wms' && e.featureInfo && isVisible(e.id),
  );
}

async function askOne(
  entry: LayerEntryOf<'wms'>,
  lonLat: readonly [number, number],
  metresPerPixel: number,
  options: FeatureInfoOptions,
): Promise<FeatureInfoResult[]> {
  let formats: readonly string[] = [];
  let time: string | null = null;
  try {
    const caps = await cachedWmsCapabilities(entry.url, options.fetchFn);
    formats = caps.getFeatureInfo?.formats ?? [];
    const layer = findWmsLayer(caps, entry.layers.split(',')[0]?.trim() ?? '');
    if (entry.time) time = wmsTimeFor(options.mapTimeMs, layer?.time?.extent ?? null);
  } catch {
    // Without capabilities: GML, which every WMS writes, and the time to the minute.
    if (entry.time) time = wmsTimeFor(options.mapTimeMs, null);
  }
  return requestWmsFeatureInfo(entry, lonLat, metresPerPixel, options.fetchFn, {
    offeredFormats: formats,
    language: options.language,
    ...(time === null ? {} : { extra: { TIME: time } }),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

/**
 * What one catalogue layer said: headed by the layer's title as the layer list shows it, with the
 * service's own name of its layer (`serviceTitle`) where that says something more (an entry of
 * several service layers).
 */
export type FeatureInfoAnswerResult = FeatureInfoResult & {
  readonly layerId: string;
  readonly serviceTitle: string | null;
};

/** Asks every entry about `lonLat`, seen at `metresPerPixel` (how much ground a screen pixel shows). */
export async function featureInfoAt(
  entries: readonly LayerEntryOf<'wms'>[],
  lonLat: readonly [number, number],
  metresPerPixel: number,
  options: FeatureInfoOptions,
): Promise<FeatureInfoAnswer> {
  const answers = await Promise.allSettled(entries.map((e) => askOne(e, lonLat, metresPerPixel, options)));
  const results: FeatureInfoAnswerResult[] = [];
  const failed: string[] = [];
  answers.forEach((answer, i) => {
    const entry = entries[i];
    if (!entry) return;
    if (answer.status === 'fulfilled')
      for (const r of answer.value) {
        const title = entry.title[options.language];
        results.push({
          ...r,
          layerId: entry.id,
          layerTitle: title,
          serviceTitle: r.layerTitle.trim() === '' || r.layerTitle === title ? null : r.layerTitle,
        });
      }
    else failed.push(entry.title[options.language]);
  });
  return { lonLat, results, failed };
}
