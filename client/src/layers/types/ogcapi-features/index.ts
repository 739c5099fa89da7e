/** A collection of an OGC API Features service, drawn as vector features of the part of the town in view. */
import type { LayerTypeDefinition } from '../layerType.ts';
import { geojsonLegend } from '../geojson/geojsonLayer.ts';

export const ogcApiFeaturesLayerType: LayerTypeDefinition<'ogcapi-features'> = {
  type: 'ogcapi-features',
  legend: () => geojsonLegend(),
  loadCesium: async () => {
    const [{ createViewFeaturesCesiumImpl }, { loadOgcApiFeatures }] = await Promise.all([
      import('../wfs/viewFeaturesCesiumImpl.ts'),
      import('./ogcApiPages.ts'),
    ]);
    return (context, entry) =>
      createViewFeaturesCesiumImpl(
        context,
        (bbox, maxFeatures, signal) =>
          loadOgcApiFeatures({ ...entry, maxFeatures }, bbox, context.fetchFn, signal),
        entry.maxFeatures,
        entry.opacity,
        entry.title,
      );
  },
};
