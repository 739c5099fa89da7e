/**
 * Cesium binding of a WMTS layer in web mercator or geographic tiles (Cesium draws no other tile
 * matrix sets). Given the capabilities URL, it reads them and takes the layer's drawable set, its
 * ResourceURL template (any order of {TileCol} and {TileRow}) or the KVP endpoint, the identifier of
 * each level (`00`, `01`… or `EPSG:3857:5`) and the levels the set has; a layer offered only in, say,
 * EPSG:25832 fails with a message saying so. Given a REST template, it draws web mercator tiles.
 */
import {
  GeographicTilingScheme,
  Rectangle,
  WebMapTileServiceImageryProvider,
  WebMercatorTilingScheme,
} from 'cesium';
import type { LayerEntryOf } from '../../../../../protocol/index.ts';
import { cachedWmtsCapabilities } from '../../../ogc/capabilitiesCache.ts';
import { chooseWmtsTiling } from '../../../ogc/wmtsCapabilities.ts';
import type { CesiumLayerContext } from '../../../viewer/layerContext.ts';
import { createImageryCesiumImpl, type ImageryCesiumImpl } from '../imageryCesiumImpl.ts';

/** True for a REST tile template (the URL names the tile), false for a capabilities or KVP URL. */
export function isTileTemplate(url: string): boolean {
  return /\{TileMatrix\}/i.test(url) && /\{TileRow\}/i.test(url) && /\{TileCol\}/i.test(url);
}

export function createWmtsCesiumImpl(
  context: CesiumLayerContext,
  entry: LayerEntryOf<'wmts'>,
): ImageryCesiumImpl {
  const common = {
    layer: entry.layer,
    style: entry.style,
    ...(entry.attribution ? { credit: entry.attribution } : {}),
  };
  return createImageryCesiumImpl(
    context,
    async () => {
      if (isTileTemplate(entry.url)) {
        return new WebMapTileServiceImageryProvider({
          ...common,
          url: entry.url,
          format: entry.format,
          tileMatrixSetID: entry.tileMatrixSet,
          ...(entry.maximumLevel === undefined ? {} : { maximumLevel: entry.maximumLevel }),
        });
      }
      const caps = await cachedWmtsCapabilities(entry.url, context.fetchFn);
      const tiling = chooseWmtsTiling(caps, entry.layer, {
        tileMatrixSet: entry.tileMatrixSet,
        format: entry.format,
        style: entry.style,
      });
      const geographic = tiling.kind === 'geographic';
      const maximumLevel = Math.min(tiling.maximumLevel, entry.maximumLevel ?? Infinity);
      return new WebMapTileServiceImageryProvider({
        ...common,
        url: tiling.url,
        format: tiling.format,
        tileMatrixSetID: tiling.tileMatrixSet,
        tileMatrixLabels: [...tiling.tileMatrixLabels],
        tilingScheme: geographic ? new GeographicTilingScheme() : new WebMercatorTilingScheme(),
        minimumLevel: tiling.minimumLevel,
        maximumLevel,
        ...(tiling.bbox ? { rectangle: Rectangle.fromDegrees(...tiling.bbox) } : {}),
      });
    },
    entry.opacity,
  );
}
