/**
 * Cesium binding of a feature service layer (WFS, OGC API Features) that loads the features of the
 * view: first the view at the start, then, each time the camera comes to rest, the cells of the new
 * view not loaded before ({@link createViewFeatureCache}). New features are drawn by a fresh vector
 * binding that replaces the old one once it is built, so nothing blinks.
 */
import { Math as CesiumMath } from 'cesium';
import type { LocalizedText } from '../../../../../protocol/index.ts';
import type { CityFeature } from '../../../geo/geojson.ts';
import type { CesiumLayerContext } from '../../../viewer/layerContext.ts';
import type { LayerImplementation } from '../../layerModel.ts';
import { createVectorCesiumImpl } from '../geojson/vectorCesiumImpl.ts';
import { townBbox } from '../townBbox.ts';
import { createViewFeatureCache } from './viewFeatureCache.ts';
import type { BboxDeg } from './wfsPages.ts';

/** The view in degrees, or the town when the camera sees no ground (looking at the sky). */
export function viewBbox(context: CesiumLayerContext): BboxDeg {
  const rectangle = context.viewer.camera.computeViewRectangle(context.viewer.scene.globe.ellipsoid);
  if (!rectangle) return townBbox(context.info);
  const d = CesiumMath.toDegrees;
  return [d(rectangle.west), d(rectangle.south), d(rectangle.east), d(rectangle.north)];
}

export function createViewFeaturesCesiumImpl(
  context: CesiumLayerContext,
  loadBbox: (bbox: BboxDeg, maxFeatures: number, signal: AbortSignal) => Promise<readonly CityFeature[]>,
  maxFeatures: number,
  opacity: number,
  title: LocalizedText,
): LayerImplementation {
  const cache = createViewFeatureCache(loadBbox, maxFeatures);
  const abort = new AbortController();
  let drawn: LayerImplementation | null = null;
  let visible = false;
  let alpha = opacity;
  let destroyed = false;
  let refreshing: Promise<void> | null = null;
  let again = false;
  let stopListening: (() => void) | null = null;

  async function redraw(): Promise<void> {
    const features = cache.features();
    const next = createVectorCesiumImpl(context, () => Promise.resolve(features), { opacity: alpha, title });
    await next.load();
    if (destroyed) {
      next.destroy();
      return;
    }
    next.setOpacity?.(alpha);
    next.setVisible(visible);
    drawn?.destroy();
    drawn = next;
  }

  async function refresh(): Promise<void> {
    if (refreshing) {
      again = true;
      return refreshing;
    }
    refreshing = (async () => {
      do {
        again = false;
        const changed = await cache.load(viewBbox(context), abort.signal);
        if (destroyed) return;
        if (changed) await redraw();
      } while (again && !destroyed);
    })().finally(() => {
      refreshing = null;
    });
    return refreshing;
  }

  return {
    async load() {
      await cache.load(viewBbox(context), abort.signal);
      if (destroyed) return;
      await redraw();
      if (destroyed) return;
      stopListening = context.viewer.camera.moveEnd.addEventListener(() => {
        if (visible) refresh().catch(() => undefined);
      });
    },
    setVisible(value) {
      visible = value;
      drawn?.setVisible(value);
      if (value) refresh().catch(() => undefined);
    },
    setOpacity(value) {
      alpha = value;
      drawn?.setOpacity?.(value);
    },
    destroy() {
      destroyed = true;
      abort.abort();
      stopListening?.();
      drawn?.destroy();
      drawn = null;
    },
  };
}
