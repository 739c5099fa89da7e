/**
 * Cesium binding of a plain GeoJSON layer: lines and polygon outlines in one PolylineCollection.
 * Reference geometry only; live values are drawn by the live layers.
 */
import { Cartesian3, Material, PolylineCollection } from 'cesium';
import { fetchFeatures } from '../api/cityApi.ts';
import { heightOf, linesOf } from '../geo/geojson.ts';
import { cesiumColor } from '../viewer/cesiumColor.ts';
import type { CesiumLayerContext } from '../viewer/layerContext.ts';
import { GEOJSON_COLOR_CSS, GEOJSON_LINE_WIDTH_PX } from './geojsonLayer.ts';
import type { LayerImplementation } from './layerModel.ts';

/** Metres above the ground, so lines do not flicker against it. */
const LIFT_M = 0.5;

/** Creates the binding for the GeoJSON file at `url`. */
export function createGeojsonCesiumImpl(context: CesiumLayerContext, url: string): LayerImplementation {
  let collection: PolylineCollection | null = null;
  let destroyed = false;
  const abort = new AbortController();

  return {
    async load() {
      const parsed = await fetchFeatures(url, context.fetchFn, abort.signal);
      if (destroyed) return;
      const lines = new PolylineCollection({ show: false });
      for (const feature of parsed.features) {
        for (const line of linesOf(feature.geometry)) {
          lines.add({
            positions: line.map((p) => Cartesian3.fromDegrees(p[0], p[1], heightOf(p) + LIFT_M)),
            width: GEOJSON_LINE_WIDTH_PX,
            // One material per polyline: the collection destroys each with its polyline.
            material: Material.fromType('Color', { color: cesiumColor(GEOJSON_COLOR_CSS, 0.8) }),
          });
        }
      }
      collection = context.viewer.scene.primitives.add(lines);
    },
    setVisible(visible) {
      if (collection) collection.show = visible;
      context.requestRender();
    },
    destroy() {
      destroyed = true;
      abort.abort();
      if (collection) context.viewer.scene.primitives.remove(collection);
      collection = null;
      context.requestRender();
    },
  };
}
