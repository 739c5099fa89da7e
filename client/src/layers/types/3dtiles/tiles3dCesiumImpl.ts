/** Cesium binding of a plain 3D Tiles layer: the tileset as its author styled it, with opacity. */
import { Cesium3DTileset, Cesium3DTileStyle } from 'cesium';
import type { LayerEntryOf } from '../../../../../protocol/index.ts';
import type { CesiumLayerContext } from '../../../viewer/layerContext.ts';
import type { LayerImplementation } from '../../layerModel.ts';

function opacityStyle(opacity: number): Cesium3DTileStyle | undefined {
  return opacity >= 1 ? undefined : new Cesium3DTileStyle({ color: `color('white', ${opacity})` });
}

export function createTiles3dCesiumImpl(
  context: CesiumLayerContext,
  entry: LayerEntryOf<'3dtiles'>,
): LayerImplementation {
  let tileset: Cesium3DTileset | null = null;
  let destroyed = false;
  let opacity = entry.opacity;
  return {
    async load() {
      const loaded = await Cesium3DTileset.fromUrl(entry.url, {
        maximumScreenSpaceError: entry.maximumScreenSpaceError ?? 16,
        show: false,
      });
      if (destroyed) {
        loaded.destroy();
        return;
      }
      loaded.style = opacityStyle(opacity);
      tileset = context.viewer.scene.primitives.add(loaded);
      loaded.tileLoad.addEventListener(() => context.requestRender());
    },
    setVisible(visible) {
      if (tileset) tileset.show = visible;
      context.requestRender();
    },
    setOpacity(value) {
      opacity = value;
      if (tileset) tileset.style = opacityStyle(value);
      context.requestRender();
    },
    destroy() {
      destroyed = true;
      if (tileset) context.viewer.scene.primitives.remove(tileset);
      tileset = null;
      context.requestRender();
    },
  };
}
