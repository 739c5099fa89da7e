/** Cesium binding of a CZML layer: Cesium's CZML data source. */
import { CzmlDataSource } from 'cesium';
import type { LayerEntryOf } from '../../../../../protocol/index.ts';
import type { CesiumLayerContext } from '../../../viewer/layerContext.ts';
import type { LayerImplementation } from '../../layerModel.ts';

export function createCzmlCesiumImpl(
  context: CesiumLayerContext,
  entry: LayerEntryOf<'czml'>,
): LayerImplementation {
  let source: CzmlDataSource | null = null;
  let destroyed = false;
  return {
    async load() {
      const loaded = await CzmlDataSource.load(entry.url);
      if (destroyed) return;
      loaded.show = false;
      source = loaded;
      await context.viewer.dataSources.add(loaded);
      loaded.changedEvent.addEventListener(() => context.requestRender());
    },
    setVisible(visible) {
      if (source) source.show = visible;
      context.requestRender();
    },
    destroy() {
      destroyed = true;
      if (source) void context.viewer.dataSources.remove(source, true);
      source = null;
      context.requestRender();
    },
  };
}
