/** A WFS 2.0 feature type, drawn as vector features of the part of the town in view. */
import type { LayerTypeDefinition } from '../layerType.ts';
import { geojsonLegend } from '../geojson/geojsonLayer.ts';

export const wfsLayerType: LayerTypeDefinition<'wfs'> = {
  type: 'wfs',
  legend: () => geojsonLegend(),
  loadCesium: async () => {
    const [{ createViewFeaturesCesiumImpl }, { loadWfsFeatures, resolveWfsSource }] = await Promise.all([
      import('./viewFeaturesCesiumImpl.ts'),
      import('./wfsPages.ts'),
    ]);
    return (context, entry) => {
      // The capabilities are read once per layer: format and GetFeature URL.
      let source: ReturnType<typeof resolveWfsSource> | null = null;
      return createViewFeaturesCesiumImpl(
        context,
        async (bbox, maxFeatures, signal) => {
          source ??= resolveWfsSource(entry, context.fetchFn, signal);
          return loadWfsFeatures({ ...entry, maxFeatures }, bbox, context.fetchFn, signal, await source);
        },
        entry.maxFeatures,
        entry.opacity,
        entry.title,
      );
    };
  },
};
