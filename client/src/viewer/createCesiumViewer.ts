/**
 * Creates the one `Cesium.Viewer` of the app, configured to work offline: Cesium's bundled Natural
 * Earth II imagery, a plain ellipsoid as terrain, no Cesium ion, none of the stock widgets that would
 * reach the network (geocoder, base layer picker), and rendering only on request.
 */
import {
  buildModuleUrl,
  Credit,
  EllipsoidTerrainProvider,
  ImageryLayer,
  Ion,
  TileMapServiceImageryProvider,
  Viewer,
} from 'cesium';
import 'cesium/Build/Cesium/Widgets/widgets.css';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Creates the viewer in `container`. `attribution` (the city pack's data credit) is shown as text in
 * Cesium's credit line next to the imagery credit.
 */
export function createCesiumViewer(container: HTMLElement, attribution?: string): Viewer {
  // No ion: an empty token makes any accidental ion request fail loudly instead of using Cesium's
  // shared demo token; nothing below asks ion for anything.
  Ion.defaultAccessToken = '';

  const baseLayer = ImageryLayer.fromProviderAsync(
    TileMapServiceImageryProvider.fromUrl(buildModuleUrl('Assets/Textures/NaturalEarthII')),
    // Muted, so buildings and live colours carry the picture, not the blurred continent texture.
    { brightness: 0.75, saturation: 0.45, contrast: 1.05 },
  );

  const viewer = new Viewer(container, {
    baseLayer,
    terrainProvider: new EllipsoidTerrainProvider(),
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
  if (attribution) viewer.creditDisplay.addStaticCredit(new Credit(escapeHtml(attribution), true));
  return viewer;
}
