/** Any 3D Tiles tileset besides the town's buildings (a bridge, trees, a point cloud). */
import type { LayerTypeDefinition } from '../layerType.ts';

export const tiles3dLayerType: LayerTypeDefinition<'3dtiles'> = {
  type: '3dtiles',
  legend: () => [],
  loadCesium: async () => (await import('./tiles3dCesiumImpl.ts')).createTiles3dCesiumImpl,
};
