/**
 * Cesium binding of the traffic layer: each sensor's road segment (from roads.geojson) as a polyline
 * of one PolylineCollection, coloured by level of service. Polylines of one band have equal
 * materials, so the collection draws each band in one batch.
 */
import { Cartesian3, Color, Material, PolylineCollection, type Polyline } from 'cesium';
import type { Sensor, SensorState } from '../../../../../../protocol/index.ts';
import { fetchFeatures, packFileUrl } from '../../../../api/cityApi.ts';
import { heightOf, linesOf, numericProperty, type CityFeature } from '../../../../geo/geojson.ts';
import { displayFreshness } from '../../../../sensors/freshness.ts';
import { cesiumColor } from '../../../../viewer/cesiumColor.ts';
import { watchLiveInputs, type CesiumLayerContext } from '../../../../viewer/layerContext.ts';
import { replacePolylineMaterial } from '../../../../viewer/polylineMaterial.ts';
import type { LayerImplementation } from '../../../layerModel.ts';
import { sensorPickTag } from '../../../pickTag.ts';
import { relativeSpeed, trafficCategory, trafficStyle, type TrafficCategory } from './trafficLayer.ts';

/** Metres above the road surface, so lines do not flicker against the ground. */
const ROAD_LIFT_M = 1.5;

interface Segment {
  readonly sensor: Sensor;
  readonly polylines: readonly Polyline[];
  readonly speedLimitKmh: number | null;
  lastState: SensorState | undefined | null;
  lastCategory: TrafficCategory | null;
}

/** A new material for one polyline (see `replacePolylineMaterial` for why it is never shared). */
function materialFor(category: TrafficCategory): Material {
  const style = trafficStyle(category);
  const color = cesiumColor(style.colorCss, style.alpha);
  // No data is dashed as well as grey and thin: it must not look like a live value.
  return category === 'noData'
    ? Material.fromType('PolylineDash', { color, gapColor: Color.TRANSPARENT, dashLength: 12 })
    : Material.fromType('Color', { color });
}

/** Creates the traffic binding for the traffic sensors of the city. */
export function createTrafficCesiumImpl(context: CesiumLayerContext): LayerImplementation {
  let collection: PolylineCollection | null = null;
  let segments: Segment[] = [];
  let stopWatching: (() => void) | null = null;
  let visible = false;
  let destroyed = false;
  const abort = new AbortController();

  function refresh(all: boolean): void {
    if (!visible) return;
    const states = context.live.getSnapshot().state?.sensors;
    const now = context.nowServerMs();
    const connected = context.live.getSnapshot().connection === 'live';
    let changed = false;
    for (const segment of segments) {
      const state = states?.get(segment.sensor.id);
      if (!all && state === segment.lastState) continue;
      segment.lastState = state;
      const freshness = displayFreshness(state, segment.sensor.intervalMs, now, connected);
      const category = trafficCategory(
        relativeSpeed(segment.sensor, state, segment.speedLimitKmh),
        freshness,
      );
      if (category === segment.lastCategory) continue;
      segment.lastCategory = category;
      const style = trafficStyle(category);
      for (const polyline of segment.polylines) {
        replacePolylineMaterial(polyline, materialFor(category));
        polyline.width = style.widthPx;
      }
      changed = true;
    }
    if (changed) context.requestRender();
  }

  return {
    async load() {
      const roads = await fetchFeatures(packFileUrl(context.info, 'roads'), context.fetchFn, abort.signal);
      if (destroyed) return;
      const roadsById = new Map<string, CityFeature>(roads.features.map((f) => [f.id, f]));
      const polylines = new PolylineCollection({ show: false });
      segments = [];
      for (const sensor of context.sensors.ofKind('traffic')) {
        const road = roadsById.get(sensor.object.id);
        if (!road) {
          console.warn(`[traffic] sensor ${sensor.id}: road ${sensor.object.id} is not in roads.geojson`);
          continue;
        }
        const id = sensorPickTag(sensor.id);
        const lines = linesOf(road.geometry).map((line) =>
          polylines.add({
            positions: line.map((p) => Cartesian3.fromDegrees(p[0], p[1], heightOf(p) + ROAD_LIFT_M)),
            width: trafficStyle('noData').widthPx,
            material: materialFor('noData'),
            id,
          }),
        );
        segments.push({
          sensor,
          polylines: lines,
          speedLimitKmh: numericProperty(road, 'speedLimitKmh'),
          lastState: null,
          lastCategory: 'noData',
        });
      }
      collection = context.viewer.scene.primitives.add(polylines);
      stopWatching = watchLiveInputs(context, refresh);
    },
    setVisible(show) {
      visible = show;
      if (collection) collection.show = show;
      if (show) refresh(true);
      context.requestRender();
    },
    destroy() {
      destroyed = true;
      abort.abort();
      stopWatching?.();
      if (collection) context.viewer.scene.primitives.remove(collection);
      collection = null;
      segments = [];
      context.requestRender();
    },
  };
}
