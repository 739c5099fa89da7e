/**
 * Cesium binding of a WMTS layer in web mercator or geographic tiles (Cesium draws no other tile
 * matrix sets): a REST template or the service's KVP endpoint.
 */
import { WebMapTileServiceImageryProvider } from 'cesium';
import type { LayerEntryOf } from '../../../../../protocol/index.ts';
import type { CesiumLayerContext } from '../../../viewer/layerContext.ts';
import { createImageryCesiumImpl, type ImageryCesiumImpl } from '../imageryCesiumImpl.ts';

export function createWmtsCesiumImpl(
  context: CesiumLayerContext,
  entry: LayerEntryOf<'wmts'>,
): ImageryCesiumImpl {
  return createImageryCesiumImpl(
    context,
    () =>
      Promise.resolve(
        new WebMapTileServiceImageryProvider({
          url: entry.url,
          layer: entry.layer,
          style: entry.style,
          format: entry.format,
          tileMatrixSetID: entry.tileMatrixSet,
          ...(entry.maximumLevel === undefined ? {} : { maximumLevel: entry.maximumLevel }),
          ...(entry.attribution ? { credit: entry.attribution } : {}),
        }),
      ),
    entry.opacity,
  );
}
