/** The town's buildings: a 3D Tiles tileset from the pack, coloured by use and by live values. */
import type { LayerTypeDefinition } from '../layerType.ts';
import { buildingsLegend } from './buildingsLayer.ts';

export const tilesetLayerType: LayerTypeDefinition<'tileset'> = {
  type: 'tileset',
  legend: (_entry, { catalog, buildingColorMode }) =>
    buildingsLegend(
      catalog.some((e) => e.type === 'live' && e.kind === 'parking'),
      buildingColorMode,
    ),
  loadCesium: async () => {
    const { createBuildingsCesiumImpl } = await import('./buildingsCesiumImpl.ts');
    return (context, entry, env) => {
      const impl = createBuildingsCesiumImpl(context, entry.url, env.tileSettings, env.tileProbe);
      env.onBuildings(impl, entry.visible);
      return impl;
    };
  },
};
