/** A WMTS layer: pre-rendered map tiles of an OGC Web Map Tile Service. */
import type { LayerTypeDefinition } from '../layerType.ts';

export const wmtsLayerType: LayerTypeDefinition<'wmts'> = {
  type: 'wmts',
  legend: () => [],
  loadCesium: async () => (await import('./wmtsCesiumImpl.ts')).createWmtsCesiumImpl,
};
