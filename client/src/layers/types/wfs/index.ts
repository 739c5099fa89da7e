/** A WFS 2.0 feature type, drawn as vector features. */
import type { LayerTypeDefinition } from '../layerType.ts';
import { geojsonLegend } from '../geojson/geojsonLayer.ts';

export const wfsLayerType: LayerTypeDefinition<'wfs'> = {
  type: 'wfs',
  legend: () => geojsonLegend(),
  loadCesium: async () => {
    const [{ createVectorCesiumImpl }, { loadWfsFeatures }, { townBbox }] = await Promise.all([
      import('../geojson/vectorCesiumImpl.ts'),
      import('./wfsPages.ts'),
      import('../townBbox.ts'),
    ]);
    return (context, entry) =>
      createVectorCesiumImpl(
        context,
        (signal) => loadWfsFeatures(entry, townBbox(context.info), context.fetchFn, signal),
        entry.opacity,
      );
  },
};
