/**
 * Cesium binding of the water layer: each basin of basins.geojson as a translucent polygon (one
 * Primitive with a per-instance colour attribute), an outline (one PolylineCollection) and a label with
 * its level (one LabelCollection).
 */
import {
  Cartesian3,
  ColorGeometryInstanceAttribute,
  GeometryInstance,
  LabelCollection,
  Material,
  PerInstanceColorAppearance,
  PolygonGeometry,
  PolygonHierarchy,
  PolylineCollection,
  Primitive,
  type Color,
  type Label,
  type Polyline,
} from 'cesium';
import type { Sensor } from '../../../../../../protocol/index.ts';
import { fetchFeatures, packFileUrl } from '../../../../api/cityApi.ts';
import {
  heightOf,
  numericProperty,
  polygonsOf,
  type CityFeature,
  type LonLatMaybeHeight,
} from '../../../../geo/geojson.ts';
import { displayFreshness } from '../../../../sensors/freshness.ts';
import { cesiumColor } from '../../../../viewer/cesiumColor.ts';
import { watchLiveInputs, type CesiumLayerContext } from '../../../../viewer/layerContext.ts';
import { LABEL_TEXT, LABEL_TEXT_DIM, mapLabelOptions, positionOf } from '../../../../viewer/mapLabels.ts';
import { replacePolylineMaterial } from '../../../../viewer/polylineMaterial.ts';
import type { LayerImplementation } from '../../../layerModel.ts';
import { sensorPickTag, type SensorPickTag } from '../../../pickTag.ts';
import { waterCategory, waterColor, waterLabel, waterReading, type WaterCategory } from './waterLayer.ts';

/** Metres above the ground for the basin surface and outline. */
const SURFACE_LIFT_M = 0.6;
const FILL_ALPHA = 0.55;
const OUTLINE_WIDTH_PX = 3;
const LABEL_LIFT_M = 6;

interface Basin {
  readonly sensor: Sensor;
  readonly tag: SensorPickTag;
  readonly outlines: readonly Polyline[];
  readonly label: Label;
  readonly maxLevelCm: number | null;
  category: WaterCategory | null;
}

function ringPositions(ring: readonly LonLatMaybeHeight[], liftM: number): Cartesian3[] {
  return ring.map((p) => Cartesian3.fromDegrees(p[0], p[1], heightOf(p) + liftM));
}

/** Creates the water binding for the water sensors of the city. */
export function createWaterCesiumImpl(context: CesiumLayerContext): LayerImplementation {
  let fill: Primitive | null = null;
  let outlines: PolylineCollection | null = null;
  let labels: LabelCollection | null = null;
  let basins: Basin[] = [];
  let stopWatching: (() => void) | null = null;
  let removePostRender: (() => void) | null = null;
  /** Fill colours waiting for the primitive to become ready (it builds its buffers on first render). */
  const pendingFill = new Map<SensorPickTag, Color>();
  let visible = false;
  let destroyed = false;
  const abort = new AbortController();

  /** A new material for one outline; PolylineCollection destroys it with the polyline. */
  function outlineMaterial(category: WaterCategory): Material {
    return Material.fromType('Color', { color: cesiumColor(waterColor(category)) });
  }

  function flushFill(): boolean {
    if (!fill?.ready || pendingFill.size === 0) return false;
    for (const [tag, color] of pendingFill) {
      const attributes = fill.getGeometryInstanceAttributes(tag) as { color?: Uint8Array } | undefined;
      if (attributes) attributes.color = ColorGeometryInstanceAttribute.toValue(color, attributes.color);
    }
    pendingFill.clear();
    return true;
  }

  function refresh(): void {
    if (!visible) return;
    const states = context.live.getSnapshot().state?.sensors;
    const now = context.nowServerMs();
    const connected = context.live.getSnapshot().connection === 'live';
    const translator = context.i18n.getTranslator();
    let changed = false;
    for (const basin of basins) {
      const state = states?.get(basin.sensor.id);
      const freshness = displayFreshness(state, basin.sensor.intervalMs, now, connected);
      const reading = waterReading(basin.sensor, state, basin.maxLevelCm);
      const category = waterCategory(reading, freshness);
      if (category !== basin.category) {
        basin.category = category;
        pendingFill.set(basin.tag, cesiumColor(waterColor(category), FILL_ALPHA));
        for (const outline of basin.outlines) replacePolylineMaterial(outline, outlineMaterial(category));
        changed = true;
      }
      const text = waterLabel(reading, freshness, translator);
      if (basin.label.text !== text) {
        basin.label.text = text;
        changed = true;
      }
      const textColor = freshness === 'live' ? LABEL_TEXT : LABEL_TEXT_DIM;
      if (!basin.label.fillColor.equals(textColor)) {
        basin.label.fillColor = textColor;
        changed = true;
      }
    }
    if (flushFill() || changed) context.requestRender();
  }

  return {
    async load() {
      const parsed = await fetchFeatures(packFileUrl(context.info, 'basins'), context.fetchFn, abort.signal);
      if (destroyed) return;
      const basinsById = new Map<string, CityFeature>(parsed.features.map((f) => [f.id, f]));
      const instances: GeometryInstance[] = [];
      const outlineCollection = new PolylineCollection({ show: false });
      const labelCollection = new LabelCollection({ scene: context.viewer.scene, show: false });
      const noData = context.i18n.getTranslator().t('label.noData');
      const grey = cesiumColor(waterColor('noData'), FILL_ALPHA);
      basins = [];
      for (const sensor of context.sensors.ofKind('water')) {
        const feature = basinsById.get(sensor.object.id);
        if (!feature) {
          console.warn(`[water] sensor ${sensor.id}: basin ${sensor.object.id} is not in basins.geojson`);
          continue;
        }
        const tag = sensorPickTag(sensor.id);
        const lines: Polyline[] = [];
        for (const [outer, ...holes] of polygonsOf(feature.geometry)) {
          if (!outer) continue;
          // GeoJSON rings repeat their first position at the end; Cesium polygons must not.
          const open = (ring: readonly LonLatMaybeHeight[]) => ringPositions(ring.slice(0, -1), 0);
          instances.push(
            new GeometryInstance({
              geometry: new PolygonGeometry({
                polygonHierarchy: new PolygonHierarchy(
                  open(outer),
                  holes.map((h) => new PolygonHierarchy(open(h))),
                ),
                height: (outer[0] ? heightOf(outer[0]) : 0) + SURFACE_LIFT_M,
                vertexFormat: PerInstanceColorAppearance.FLAT_VERTEX_FORMAT,
              }),
              id: tag,
              attributes: { color: ColorGeometryInstanceAttribute.fromColor(grey) },
            }),
          );
          lines.push(
            outlineCollection.add({
              positions: ringPositions(outer, SURFACE_LIFT_M + 0.3),
              width: OUTLINE_WIDTH_PX,
              material: outlineMaterial('noData'),
              id: tag,
            }),
          );
        }
        basins.push({
          sensor,
          tag,
          outlines: lines,
          label: labelCollection.add({
            ...mapLabelOptions(),
            position: positionOf(sensor.position, LABEL_LIFT_M),
            text: noData,
            id: tag,
          }),
          maxLevelCm: numericProperty(feature, 'maxLevelCm'),
          category: 'noData',
        });
      }
      if (instances.length > 0) {
        fill = context.viewer.scene.primitives.add(
          new Primitive({
            geometryInstances: instances,
            appearance: new PerInstanceColorAppearance({ flat: true, translucent: true }),
            // Few basins: building them on the main thread makes them pickable and colourable on
            // the first frame, without a round trip to the workers.
            asynchronous: false,
            show: false,
          }),
        );
      }
      outlines = context.viewer.scene.primitives.add(outlineCollection);
      labels = context.viewer.scene.primitives.add(labelCollection);
      removePostRender = context.viewer.scene.postRender.addEventListener(() => {
        if (flushFill()) context.requestRender();
      });
      stopWatching = watchLiveInputs(context, refresh);
    },
    setVisible(show) {
      visible = show;
      if (fill) fill.show = show;
      if (outlines) outlines.show = show;
      if (labels) labels.show = show;
      if (show) refresh();
      context.requestRender();
    },
    destroy() {
      destroyed = true;
      abort.abort();
      stopWatching?.();
      removePostRender?.();
      const primitives = context.viewer.scene.primitives;
      if (fill) primitives.remove(fill);
      if (outlines) primitives.remove(outlines);
      if (labels) primitives.remove(labels);
      fill = null;
      outlines = null;
      labels = null;
      basins = [];
      pendingFill.clear();
      context.requestRender();
    },
  };
}
