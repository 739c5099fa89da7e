/**
 * `cesium` for the basemap browser test's page: the prebuilt library the page loads as a script, so
 * the test's dev server does not bundle Cesium (the test's Vite config aliases `cesium` here).
 */
import type * as CesiumModule from 'cesium';

const cesium = (window as unknown as { Cesium: typeof CesiumModule }).Cesium;

export const {
  CesiumWidget,
  Cartesian3,
  Credit,
  EllipsoidTerrainProvider,
  Event,
  Math,
  Rectangle,
  WebMercatorTilingScheme,
} = cesium;
