/** Cesium binding of a WMS layer: Cesium's WMS imagery provider with the catalogue's parameters. */
import { WebMapServiceImageryProvider } from 'cesium';
import type { LayerEntryOf } from '../../../../../protocol/index.ts';
import type { CesiumLayerContext } from '../../../viewer/layerContext.ts';
import { createImageryCesiumImpl, type ImageryCesiumImpl } from '../imageryCesiumImpl.ts';

export function createWmsCesiumImpl(
  context: CesiumLayerContext,
  entry: LayerEntryOf<'wms'>,
): ImageryCesiumImpl {
  return createImageryCesiumImpl(
    context,
    () =>
      Promise.resolve(
        new WebMapServiceImageryProvider({
          url: entry.url,
          layers: entry.layers,
          parameters: {
            format: entry.format,
            transparent: true,
            styles: entry.styles ?? '',
            version: entry.version,
          },
          enablePickFeatures: entry.featureInfo,
          ...(entry.maximumLevel === undefined ? {} : { maximumLevel: entry.maximumLevel }),
          ...(entry.attribution ? { credit: entry.attribution } : {}),
        }),
      ),
    entry.opacity,
  );
}
