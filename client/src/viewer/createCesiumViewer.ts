/**
 * Creates the one `Cesium.Viewer` of the app, configured to work offline: Cesium's bundled Natural
 * Earth II imagery under the town's map, the pack's terrain or a plain ellipsoid, no Cesium ion, none of the stock widgets that would
 * reach the network (geocoder, base layer picker), and rendering only on request.
 */
import { EllipsoidTerrainProvider, Ion, Terrain, type TerrainProvider, Viewer } from 'cesium';
import { naturalEarthLayer, onScreenCredit } from './mapGround.ts';
import 'cesium/Build/Cesium/Widgets/widgets.css';

/**
 * Creates the viewer in `container`. `attribution` (the city pack's data credit) is shown as text in
 * Cesium's credit line next to the imagery credit; `terrain` (the pack's, while it loads) replaces
 * the ellipsoid.
 */
export function createCesiumViewer(
  container: HTMLElement,
  attribution?: string,
  terrain?: Promise<TerrainProvider> | null,
): Viewer {
  // No ion: an empty token makes any accidental ion request fail loudly instead of using Cesium's
  // shared demo token; nothing below asks ion for anything.
  Ion.defaultAccessToken = '';

  // The world; the town's map is laid over it (mapGround.ts).
  const baseLayer = naturalEarthLayer();

  const viewer = new Viewer(container, {
    baseLayer,
    ...(terrain ? { terrain: new Terrain(terrain) } : { terrainProvider: new EllipsoidTerrainProvider() }),
    baseLayerPicker: false,
    geocoder: false,
    homeButton: false,
    sceneModePicker: false,
    navigationHelpButton: false,
    animation: false,
    timeline: false,
    fullscreenButton: false,
    infoBox: false,
    selectionIndicator: false,
    vrButton: false,
    projectionPicker: false,
    requestRenderMode: true,
    maximumRenderTimeChange: Number.POSITIVE_INFINITY,
  });

  const scene = viewer.scene;
  // Live lines sit just above the ellipsoid; testing them against the globe's depth would clip them.
  scene.globe.depthTestAgainstTerrain = false;
  if (attribution) viewer.creditDisplay.addStaticCredit(onScreenCredit(attribution));
  return viewer;
}
