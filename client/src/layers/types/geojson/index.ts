/** A GeoJSON file: reference geometry drawn in the layer's style. */
import type { LayerTypeDefinition } from '../layerType.ts';
import { geojsonLegend } from './geojsonLayer.ts';

export const geojsonLayerType: LayerTypeDefinition<'geojson'> = {
  type: 'geojson',
  legend: (entry) => geojsonLegend(entry.style),
  loadCesium: async () => {
    const { createGeojsonCesiumImpl } = await import('./geojsonCesiumImpl.ts');
    return createGeojsonCesiumImpl;
  },
};
