/**
 * The map click for WMS feature info: the ground under a screen position in lon/lat and how many
 * metres a pixel shows there, then {@link featureInfoAt}. Null when the click hit the sky.
 */
import { BoundingSphere, Cartesian2, Cartographic, Math as CesiumMath, type Viewer } from 'cesium';
import type { LayerEntry } from '../../../../../protocol/index.ts';
import {
  featureInfoAt,
  queryableEntries,
  type FeatureInfoAnswer,
  type FeatureInfoOptions,
} from '../../../ogc/featureInfoAt.ts';

/** The ground at a screen position (CSS pixels) and the metres per pixel there, or null. */
export function groundAt(
  viewer: Viewer,
  x: number,
  y: number,
): { lonLat: [number, number]; metresPerPixel: number } | null {
  const scene = viewer.scene;
  const ray = scene.camera.getPickRay(new Cartesian2(x, y));
  const position = (ray && scene.globe.pick(ray, scene)) ?? scene.camera.pickEllipsoid(new Cartesian2(x, y));
  if (!position) return null;
  const cartographic = Cartographic.fromCartesian(position);
  const metresPerPixel = scene.camera.getPixelSize(
    new BoundingSphere(position, 1),
    scene.drawingBufferWidth,
    scene.drawingBufferHeight,
  );
  return {
    lonLat: [CesiumMath.toDegrees(cartographic.longitude), CesiumMath.toDegrees(cartographic.latitude)],
    metresPerPixel: Number.isFinite(metresPerPixel) && metresPerPixel > 0 ? metresPerPixel : 1,
  };
}

/** Asks the visible WMS layers about the clicked screen position; null for the sky or no such layer. */
export async function featureInfoAtScreen(
  viewer: Viewer,
  x: number,
  y: number,
  entries: readonly LayerEntry[],
  isVisible: (id: string) => boolean,
  options: FeatureInfoOptions,
): Promise<FeatureInfoAnswer | null> {
  const queryable = queryableEntries(entries, isVisible);
  if (queryable.length === 0) return null;
  const ground = groundAt(viewer, x, y);
  if (!ground) return null;
  return featureInfoAt(queryable, ground.lonLat, ground.metresPerPixel, options);
}
