/** Cesium binding of a GeoJSON file of the catalogue, or of a file the user dropped (`memory:` URLs). */
import type { LayerEntryOf } from '../../../../../protocol/index.ts';
import { parseFeatureCollection, type CityFeature } from '../../../geo/geojson.ts';
import type { CesiumLayerContext } from '../../../viewer/layerContext.ts';
import type { LayerImplementation } from '../../layerModel.ts';
import { memoryFeatures } from '../../userFiles/memorySources.ts';
import { createVectorCesiumImpl } from './vectorCesiumImpl.ts';

/**
 * The features behind a URL: a user's file kept in memory, or a GeoJSON file fetched and parsed.
 * Features without an id get their index; the ones that do not parse are logged and left out.
 */
async function loadGeojson(
  url: string,
  context: CesiumLayerContext,
  signal: AbortSignal,
): Promise<readonly CityFeature[]> {
  const inMemory = memoryFeatures(url);
  if (inMemory) return inMemory;
  const response = await context.fetchFn(url, {
    headers: { accept: 'application/geo+json, application/json' },
    signal,
  });
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status} ${response.statusText}`.trim());
  const parsed = parseFeatureCollection(await response.json(), url, { idFromIndex: true });
  for (const line of parsed.rejected) console.warn(`[geojson] skipped ${line}`);
  return parsed.features;
}

export function createGeojsonCesiumImpl(
  context: CesiumLayerContext,
  entry: LayerEntryOf<'geojson'>,
): LayerImplementation {
  return createVectorCesiumImpl(context, (signal) => loadGeojson(entry.url, context, signal), {
    opacity: entry.opacity,
    style: entry.style,
    time: entry.time,
    title: entry.title,
  });
}
