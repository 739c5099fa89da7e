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
  /**
   * Draws a new provider in place of the current one (a WMS at another TIME). The new layer goes in
   * above the old one, which stays until the globe has loaded the new tiles, so the map does not
   * flash empty; a replacement that comes before that drops the one still loading.
   */
  replaceProvider(provider: ImageryProvider): void;
}

/** The longest the old imagery stays while new tiles load, in ms (a tile that never comes). */
const REPLACE_GRACE_MS = 10_000;

export function createImageryCesiumImpl(
  context: CesiumLayerContext,
  createProvider: (signal: AbortSignal) => Promise<ImageryProvider>,
  opacity: number,
): ImageryCesiumImpl {
  let layer: ImageryLayer | null = null;
  let alpha = opacity;
  let destroyed = false;
  const abort = new AbortController();
  /** Layers on their way out, and how to stop waiting for each. */
  const leaving = new Map<ImageryLayer, () => void>();

  function dropWhenLoaded(old: ImageryLayer): void {
    const globe = context.viewer.scene.globe;
    let stopListening = (): void => undefined;
    const drop = (): void => {
      stopListening();
      clearTimeout(timer);
      leaving.delete(old);
      if (context.viewer.imageryLayers.contains(old)) context.viewer.imageryLayers.remove(old, true);
      context.requestRender();
    };
    const timer = setTimeout(drop, REPLACE_GRACE_MS);
    stopListening = globe.tileLoadProgressEvent.addEventListener((queued: number) => {
      if (queued === 0) drop();
    });
    leaving.set(old, drop);
  }

  return {
    get imageryLayer() {
      return layer;
    },
    replaceProvider(provider) {
      if (destroyed || !layer) return;
      const old = layer;
      const layers = context.viewer.imageryLayers;
      // A layer still waiting for its tiles is dropped at once: only the newest one matters.
      for (const [pending, drop] of leaving) if (pending !== old) drop();
      layer = new ImageryLayer(provider, { alpha, show: old.show });
      layers.add(layer, layers.indexOf(old) + 1);
      provider.errorEvent.addEventListener(() => context.requestRender());
      dropWhenLoaded(old);
      context.requestRender();
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
      if (!visible) for (const drop of [...leaving.values()]) drop();
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
      for (const drop of [...leaving.values()]) drop();
      if (layer) context.viewer.imageryLayers.remove(layer, true);
      layer = null;
      context.requestRender();
    },
  };
}
