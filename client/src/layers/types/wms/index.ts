/** A WMS layer: map images of one or more layers of an OGC Web Map Service. */
import type { LayerTypeDefinition } from '../layerType.ts';

export const wmsLayerType: LayerTypeDefinition<'wms'> = {
  type: 'wms',
  legend: () => [],
  loadCesium: async () => (await import('./wmsCesiumImpl.ts')).createWmsCesiumImpl,
};
