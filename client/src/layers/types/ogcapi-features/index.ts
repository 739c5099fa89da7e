/** A collection of an OGC API Features service, drawn as vector features. */
import type { LayerTypeDefinition } from '../layerType.ts';
import { geojsonLegend } from '../geojson/geojsonLayer.ts';

export const ogcApiFeaturesLayerType: LayerTypeDefinition<'ogcapi-features'> = {
  type: 'ogcapi-features',
  legend: () => geojsonLegend(),
  loadCesium: async () => {
    const [{ createVectorCesiumImpl }, { loadOgcApiFeatures }, { townBbox }] = await Promise.all([
      import('../geojson/vectorCesiumImpl.ts'),
      import('./ogcApiPages.ts'),
      import('../townBbox.ts'),
    ]);
    return (context, entry) =>
      createVectorCesiumImpl(
        context,
        (signal) => loadOgcApiFeatures(entry, townBbox(context.info), context.fetchFn, signal),
        entry.opacity,
      );
  },
};
