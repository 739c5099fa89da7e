/**
 * Cesium binding of vector features (a GeoJSON file, a WFS or OGC API Features collection): lines
 * and polygon outlines in one PolylineCollection, points in one PointPrimitiveCollection.
 */
import { Cartesian3, Material, PointPrimitiveCollection, PolylineCollection } from 'cesium';
import { heightOf, linesOf, type CityFeature } from '../../../geo/geojson.ts';
import { cesiumColor } from '../../../viewer/cesiumColor.ts';
import type { CesiumLayerContext } from '../../../viewer/layerContext.ts';
import type { LayerImplementation } from '../../layerModel.ts';
import { GEOJSON_COLOR_CSS, GEOJSON_LINE_WIDTH_PX } from './geojsonLayer.ts';

/** Metres above the ground, so lines do not flicker against it. */
const LIFT_M = 0.5;
const POINT_SIZE_PX = 9;

/** Loads the features to draw; aborted when the layer goes away. */
export type LoadFeatures = (signal: AbortSignal) => Promise<readonly CityFeature[]>;

export function createVectorCesiumImpl(
  context: CesiumLayerContext,
  loadFeatures: LoadFeatures,
  opacity: number,
): LayerImplementation {
  let lines: PolylineCollection | null = null;
  let points: PointPrimitiveCollection | null = null;
  let destroyed = false;
  let alpha = opacity;
  const abort = new AbortController();

  function paint(): void {
    const color = cesiumColor(GEOJSON_COLOR_CSS, 0.8 * alpha);
    if (lines) for (let i = 0; i < lines.length; i += 1) lines.get(i).material.uniforms.color = color;
    if (points)
      for (let i = 0; i < points.length; i += 1) points.get(i).color = cesiumColor(GEOJSON_COLOR_CSS, alpha);
  }

  return {
    async load() {
      const features = await loadFeatures(abort.signal);
      if (destroyed) return;
      const lineCollection = new PolylineCollection({ show: false });
      const pointCollection = new PointPrimitiveCollection({ show: false });
      for (const feature of features) {
        if (feature.geometry.type === 'Point') {
          const p = feature.geometry.coordinates;
          pointCollection.add({
            position: Cartesian3.fromDegrees(p[0], p[1], heightOf(p) + LIFT_M),
            pixelSize: POINT_SIZE_PX,
            outlineColor: cesiumColor('#ffffff'),
            outlineWidth: 1.5,
          });
        }
        for (const line of linesOf(feature.geometry)) {
          lineCollection.add({
            positions: line.map((p) => Cartesian3.fromDegrees(p[0], p[1], heightOf(p) + LIFT_M)),
            width: GEOJSON_LINE_WIDTH_PX,
            // One material per polyline: the collection destroys each with its polyline.
            material: Material.fromType('Color', { color: cesiumColor(GEOJSON_COLOR_CSS, 0.8) }),
          });
        }
      }
      lines = context.viewer.scene.primitives.add(lineCollection);
      points = context.viewer.scene.primitives.add(pointCollection);
      paint();
    },
    setVisible(visible) {
      if (lines) lines.show = visible;
      if (points) points.show = visible;
      context.requestRender();
    },
    setOpacity(value) {
      alpha = value;
      paint();
      context.requestRender();
    },
    destroy() {
      destroyed = true;
      abort.abort();
      if (lines) context.viewer.scene.primitives.remove(lines);
      if (points) context.viewer.scene.primitives.remove(points);
      lines = null;
      points = null;
      context.requestRender();
    },
  };
}
