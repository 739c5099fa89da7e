/**
 * Cesium binding of the buildings layer: loads the city's 3D Tiles tileset and hands it to the
 * feature colour registry (neutral grey, garages coloured by the parking layer).
 */
import { Cesium3DTileColorBlendMode, Cesium3DTileset } from 'cesium';
import type { LayerImplementation } from './layerModel.ts';
import type { CesiumLayerContext } from '../viewer/layerContext.ts';

/** The buildings binding, with a promise for the first complete view of the tileset. */
export interface BuildingsCesiumImpl extends LayerImplementation {
  /** Resolves when the tiles of the first view have loaded (used for `__citytwin.ready`). */
  readonly initialTilesLoaded: Promise<void>;
}

/** Creates the binding for a tileset at `url` (relative to the server root). */
export function createBuildingsCesiumImpl(context: CesiumLayerContext, url: string): BuildingsCesiumImpl {
  let tileset: Cesium3DTileset | null = null;
  let detach: (() => void) | null = null;
  let destroyed = false;
  let resolveInitial: () => void = () => undefined;
  const initialTilesLoaded = new Promise<void>((resolve) => {
    resolveInitial = resolve;
  });

  return {
    initialTilesLoaded,
    async load() {
      const loaded = await Cesium3DTileset.fromUrl(url, {
        // Buildings are plain extrusions; a coarser error keeps tile requests low on kiosks.
        maximumScreenSpaceError: 8,
      });
      if (destroyed) {
        loaded.destroy();
        return;
      }
      // REPLACE: the feature colour is the building colour, whatever the glTF material says.
      loaded.colorBlendMode = Cesium3DTileColorBlendMode.REPLACE;
      loaded.show = false;
      loaded.initialTilesLoaded.addEventListener(() => resolveInitial());
      loaded.allTilesLoaded.addEventListener(() => resolveInitial());
      detach = context.featureColors.attach(loaded);
      context.viewer.scene.primitives.add(loaded);
      tileset = loaded;
    },
    setVisible(visible) {
      if (!tileset) return;
      tileset.show = visible;
      // A hidden tileset never completes its first view; readiness must not wait for it.
      if (!visible) resolveInitial();
      context.requestRender();
    },
    destroy() {
      destroyed = true;
      detach?.();
      if (tileset) context.viewer.scene.primitives.remove(tileset);
      tileset = null;
      resolveInitial();
      context.requestRender();
    },
  };
}
