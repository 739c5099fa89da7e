/**
 * Cesium binding of the environment layer: each station as a point (one PointPrimitiveCollection)
 * with a label of its main value and the reading's age (one LabelCollection).
 */
import {
  Cartesian2,
  Color,
  DistanceDisplayCondition,
  HorizontalOrigin,
  LabelCollection,
  VerticalOrigin,
  PointPrimitiveCollection,
  type Label,
  type PointPrimitive,
} from 'cesium';
import type { Sensor, SensorState } from '../../../protocol/index.ts';
import { displayFreshness } from '../sensors/freshness.ts';
import { cesiumColor } from '../viewer/cesiumColor.ts';
import { watchLiveInputs, type CesiumLayerContext } from '../viewer/layerContext.ts';
import { LABEL_TEXT, LABEL_TEXT_DIM, mapLabelOptions, positionOf } from '../viewer/mapLabels.ts';
import {
  environmentCategory,
  environmentColor,
  environmentLabel,
  mainQuantity,
  mainValue,
} from './environmentLayer.ts';
import type { LayerImplementation } from './layerModel.ts';
import { sensorPickTag } from './pickTag.ts';

/** Metres above the station's position where its point is drawn (stations sit on masts and roofs). */
const POINT_LIFT_M = 3;
const POINT_SIZE_PX = 16;
/** Camera distance beyond which station labels are hidden. */
const LABEL_MAX_DISTANCE_M = 2500;

interface Station {
  readonly sensor: Sensor;
  readonly quantity: string;
  readonly point: PointPrimitive;
  readonly label: Label;
}

/** Creates the environment binding for the environment sensors of the city. */
export function createEnvironmentCesiumImpl(context: CesiumLayerContext): LayerImplementation {
  let points: PointPrimitiveCollection | null = null;
  let labels: LabelCollection | null = null;
  let stations: Station[] = [];
  let stopWatching: (() => void) | null = null;
  let visible = false;
  let destroyed = false;

  // Ages change every second, so every refresh looks at every station; unchanged texts and colours
  // are not touched, which keeps the label glyphs and the point buffer as they are.
  function refresh(): void {
    if (!visible) return;
    const states = context.live.getSnapshot().state?.sensors;
    const now = context.nowServerMs();
    const connected = context.live.getSnapshot().connection === 'live';
    const translator = context.i18n.getTranslator();
    let changed = false;
    for (const station of stations) {
      const state: SensorState | undefined = states?.get(station.sensor.id);
      const freshness = displayFreshness(state, station.sensor.intervalMs, now, connected);
      const category = environmentCategory(
        station.sensor,
        station.quantity,
        mainValue(station.sensor, state),
        freshness,
      );
      const color = cesiumColor(environmentColor(category));
      if (!station.point.color.equals(color)) {
        station.point.color = color;
        changed = true;
      }
      const text = environmentLabel(station.sensor, state, freshness, now, translator);
      if (station.label.text !== text) {
        station.label.text = text;
        changed = true;
      }
      const fill = freshness === 'live' ? LABEL_TEXT : LABEL_TEXT_DIM;
      if (!station.label.fillColor.equals(fill)) {
        station.label.fillColor = fill;
        changed = true;
      }
    }
    if (changed) context.requestRender();
  }

  return {
    async load() {
      await Promise.resolve();
      if (destroyed) return;
      const pointCollection = new PointPrimitiveCollection({ show: false });
      const labelCollection = new LabelCollection({ scene: context.viewer.scene, show: false });
      const noData = context.i18n.getTranslator().t('label.noData');
      stations = context.sensors.ofKind('environment').map((sensor) => {
        const id = sensorPickTag(sensor.id);
        const position = positionOf(sensor.position, POINT_LIFT_M);
        return {
          sensor,
          quantity: mainQuantity(sensor),
          point: pointCollection.add({
            position,
            pixelSize: POINT_SIZE_PX,
            color: cesiumColor(environmentColor('noData')),
            outlineColor: Color.WHITE,
            outlineWidth: 2,
            disableDepthTestDistance: Number.POSITIVE_INFINITY,
            id,
          }),
          label: labelCollection.add({
            ...mapLabelOptions(),
            // Beside the point, not above it: garage labels sit above their roofs nearby.
            horizontalOrigin: HorizontalOrigin.LEFT,
            verticalOrigin: VerticalOrigin.CENTER,
            pixelOffset: new Cartesian2(POINT_SIZE_PX / 2 + 6, 0),
            // Twelve two-line labels crowd the overview; the coloured points carry it, the values
            // appear when the camera comes closer.
            distanceDisplayCondition: new DistanceDisplayCondition(0, LABEL_MAX_DISTANCE_M),
            position,
            text: noData,
            id,
          }),
        };
      });
      points = context.viewer.scene.primitives.add(pointCollection);
      labels = context.viewer.scene.primitives.add(labelCollection);
      stopWatching = watchLiveInputs(context, refresh);
    },
    setVisible(show) {
      visible = show;
      if (points) points.show = show;
      if (labels) labels.show = show;
      if (show) refresh();
      context.requestRender();
    },
    destroy() {
      destroyed = true;
      stopWatching?.();
      if (points) context.viewer.scene.primitives.remove(points);
      if (labels) context.viewer.scene.primitives.remove(labels);
      points = null;
      labels = null;
      stations = [];
      context.requestRender();
    },
  };
}
