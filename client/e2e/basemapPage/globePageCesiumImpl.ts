/**
 * The Cesium page of the basemap browser test: a bare globe (no other imagery, no terrain) with the
 * pack's basemap as its only imagery layer, looking down on the demo town. `window.showBasemap(style)`
 * resolves once every tile in view is loaded.
 */
import { Cartesian3, CesiumWidget, EllipsoidTerrainProvider, Math as CesiumMath } from 'cesium';
import type { BasemapStyleId } from '../../src/basemap/basemapStyles.ts';
import { createPackBasemapProvider } from '../../src/basemap/packBasemapCesiumImpl.ts';

const widget = new CesiumWidget('globe', {
  baseLayer: false,
  terrainProvider: new EllipsoidTerrainProvider(),
  skyBox: false,
  skyAtmosphere: false,
});
widget.scene.globe.showGroundAtmosphere = false;
widget.scene.fog.enabled = false;

async function showBasemap(style: BasemapStyleId, heightM: number): Promise<void> {
  widget.imageryLayers.removeAll();
  const provider = await createPackBasemapProvider({ url: '/tiles/boeblingen-demo/basemap', style });
  widget.imageryLayers.addImageryProvider(provider);
  widget.camera.setView({
    destination: Cartesian3.fromDegrees(9.015, 48.685, heightM),
    orientation: { heading: 0, pitch: CesiumMath.toRadians(-90), roll: 0 },
  });
  // Loaded when the globe says so for several frames in a row (a frame can pass between requests).
  await new Promise<void>((resolve) => {
    let calm = 0;
    const check = () => {
      calm = widget.scene.globe.tilesLoaded ? calm + 1 : 0;
      if (calm >= 10) resolve();
      else requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  });
}

(window as unknown as { showBasemap: typeof showBasemap }).showBasemap = showBasemap;
(window as unknown as { cesiumPageReady: boolean }).cesiumPageReady = true;
