/**
 * The Cesium binding shared by image layers (WMS, WMTS): one imagery layer above the basemap,
 * created when the layer is first shown, with the catalogue's opacity.
 */
import { ImageryLayer, type ImageryProvider } from 'cesium';
import type { CesiumLayerContext } from '../../viewer/layerContext.ts';
import type { LayerImplementation } from '../layerModel.ts';

/** An image layer whose provider `createProvider` makes (it may read capabilities first). */
export interface ImageryCesiumImpl extends LayerImplementation {
  /** The imagery layer once loaded (feature info asks its provider). */
  readonly imageryLayer: ImageryLayer | null;
}

export function createImageryCesiumImpl(
  context: CesiumLayerContext,
  createProvider: (signal: AbortSignal) => Promise<ImageryProvider>,
  opacity: number,
): ImageryCesiumImpl {
  let layer: ImageryLayer | null = null;
  let alpha = opacity;
  let destroyed = false;
  const abort = new AbortController();
  return {
    get imageryLayer() {
      return layer;
    },
    async load() {
      const provider = await createProvider(abort.signal);
      if (destroyed) return;
      layer = new ImageryLayer(provider, { alpha, show: false });
      context.viewer.imageryLayers.add(layer);
      // Cesium reports tile failures on the provider; one failed tile must not end the layer.
      provider.errorEvent.addEventListener(() => context.requestRender());
    },
    setVisible(visible) {
      if (layer) layer.show = visible;
      context.requestRender();
    },
    setOpacity(value) {
      alpha = value;
      if (layer) layer.alpha = value;
      context.requestRender();
    },
    destroy() {
      destroyed = true;
      abort.abort();
      if (layer) context.viewer.imageryLayers.remove(layer, true);
      layer = null;
      context.requestRender();
    },
  };
}
