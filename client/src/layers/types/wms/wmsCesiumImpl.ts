/**
 * Cesium binding of a WMS layer: Cesium's WMS imagery provider with the catalogue's parameters. A
 * layer bound to the timeline (`time: true`) asks for TIME = the map's time snapped to the service's
 * time steps (read from its capabilities when it has them) and draws new images once per settled
 * change of that value.
 */
import { WebMapServiceImageryProvider } from 'cesium';
import type { LayerEntryOf } from '../../../../../protocol/index.ts';
import { cachedWmsCapabilities } from '../../../ogc/capabilitiesCache.ts';
import type { TimeExtent } from '../../../ogc/timeDimension.ts';
import { findWmsLayer } from '../../../ogc/wmsCapabilities.ts';
import type { CesiumLayerContext } from '../../../viewer/layerContext.ts';
import { createImageryCesiumImpl, type ImageryCesiumImpl } from '../imageryCesiumImpl.ts';
import { followMapTime, type TimeFollower } from './wmsTime.ts';

function provider(entry: LayerEntryOf<'wms'>, time: string | null): WebMapServiceImageryProvider {
  return new WebMapServiceImageryProvider({
    url: entry.url,
    layers: entry.layers,
    parameters: {
      format: entry.format,
      transparent: true,
      styles: entry.styles ?? '',
      version: entry.version,
      ...(time === null ? {} : { time }),
    },
    // Feature info is asked by the app itself (ogc/wmsRequests.ts), in the formats it reads.
    enablePickFeatures: false,
    ...(entry.maximumLevel === undefined ? {} : { maximumLevel: entry.maximumLevel }),
    ...(entry.attribution ? { credit: entry.attribution } : {}),
  });
}

/** The time values of the entry's first layer, or null when the capabilities cannot be read. */
async function timeExtentOf(
  context: CesiumLayerContext,
  entry: LayerEntryOf<'wms'>,
): Promise<TimeExtent | null> {
  try {
    const caps = await cachedWmsCapabilities(entry.url, context.fetchFn);
    const name = entry.layers.split(',')[0]?.trim() ?? '';
    return findWmsLayer(caps, name)?.time?.extent ?? null;
  } catch {
    // A service without readable capabilities still draws: TIME is the map's time to the minute.
    return null;
  }
}

export function createWmsCesiumImpl(
  context: CesiumLayerContext,
  entry: LayerEntryOf<'wms'>,
): ImageryCesiumImpl {
  let follower: TimeFollower | null = null;
  let unsubscribe: (() => void) | null = null;
  let destroyed = false;
  const impl = createImageryCesiumImpl(
    context,
    async () => {
      if (!entry.time) return provider(entry, null);
      const extent = await timeExtentOf(context, entry);
      follower = followMapTime(context.mapTime.nowMs, extent, (time) => {
        if (!destroyed) impl.replaceProvider(provider(entry, time));
      });
      unsubscribe = context.mapTime.subscribe(() => follower?.changed());
      return provider(entry, follower.current);
    },
    entry.opacity,
  );
  return {
    get imageryLayer() {
      return impl.imageryLayer;
    },
    load: () => impl.load(),
    setVisible: (visible) => impl.setVisible(visible),
    setOpacity: (value) => impl.setOpacity?.(value),
    replaceProvider: (next) => impl.replaceProvider(next),
    destroy() {
      destroyed = true;
      follower?.stop();
      unsubscribe?.();
      impl.destroy();
    },
  };
}
