/** Cesium binding of a GeoJSON file of the catalogue. */
import type { LayerEntryOf } from '../../../../../protocol/index.ts';
import { fetchFeatures } from '../../../api/cityApi.ts';
import type { CesiumLayerContext } from '../../../viewer/layerContext.ts';
import type { LayerImplementation } from '../../layerModel.ts';
import { createVectorCesiumImpl } from './vectorCesiumImpl.ts';

export function createGeojsonCesiumImpl(
  context: CesiumLayerContext,
  entry: LayerEntryOf<'geojson'>,
): LayerImplementation {
  return createVectorCesiumImpl(
    context,
    async (signal) => (await fetchFeatures(entry.url, context.fetchFn, signal)).features,
    entry.opacity,
  );
}
