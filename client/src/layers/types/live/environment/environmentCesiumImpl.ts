/**
 * Cesium binding of the environment layer: each station as a point (one PointPrimitiveCollection,
 * whose points keep their own colour and are rewritten one by one when they change) with a label of
 * its main value (one LabelCollection). Changes come once per animation frame (`LiveFrames`); a frame
 * with some stations changed touches only those.
 *
 * Labels are made for towns of up to {@link MAX_LABELLED_STATIONS} stations. Beyond that they would
 * cover each other at any distance where they are readable, and each costs about as much memory and
 * upload as a dozen points; such a network shows its coloured points, and a click gives the values.
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
import type { Sensor, SensorState } from '../../../../../../protocol/index.ts';
import type { Translator } from '../../../../i18n/messages.ts';
import { displayFreshness } from '../../../../sensors/freshness.ts';
import { cesiumColor } from '../../../../viewer/cesiumColor.ts';
import { watchLiveInputs, type CesiumLayerContext } from '../../../../viewer/layerContext.ts';
import { LABEL_TEXT, LABEL_TEXT_DIM, mapLabelOptions, positionOf } from '../../../../viewer/mapLabels.ts';
import {
  environmentCategory,
  environmentColor,
  type EnvironmentCategory,
  environmentLabel,
  mainQuantity,
} from './environmentLayer.ts';
import type { LayerImplementation } from '../../../layerModel.ts';
import { sensorPickTag } from '../../../pickTag.ts';

/** Metres above the station's position where its point is drawn (stations sit on masts and roofs). */
const POINT_LIFT_M = 3;
const POINT_SIZE_PX = 16;
/** Camera distance beyond which station labels are hidden. */
const LABEL_MAX_DISTANCE_M = 2500;
/** The most stations that get a label (see the module comment). */
export const MAX_LABELLED_STATIONS = 2000;

/** `PointPrimitive.COLOR_INDEX` and WebGL's `STREAM_DRAW` (neither is in Cesium's public types). */
const POINT_COLOR_INDEX = 2;
const WEBGL_STREAM_DRAW = 0x88e0;

/**
 * Keeps Cesium from rebuilding the whole collection on every colour change. PointPrimitiveCollection
 * picks each vertex buffer's usage (static or stream) from whether that property changed since the
 * vertex array was made, and makes the whole array anew whenever the usage it picks differs from
 * the one it has: a frame with colour changes switches the colour buffer to stream and rebuilds every
 * point, and the next frame without changes switches back and rebuilds again. At 100,000 stations
 * that was 70 ms of main thread for each of the two frames (`npm run bench:viewer`). Here the usage
 * is fixed when the collection is made: colours (the one thing that changes) in a stream buffer of
 * their own, everything else static. A change then writes and uploads colours only. Adding or
 * removing points still rebuilds, as before. (`_buffersUsage` and `computeNewBuffersUsage` are
 * Cesium internals; the bench's colour check would fail if they stopped working.)
 */
function pinBufferUsage(collection: PointPrimitiveCollection): PointPrimitiveCollection {
  const internals = collection as unknown as {
    _buffersUsage: number[];
    computeNewBuffersUsage: () => boolean;
  };
  internals._buffersUsage[POINT_COLOR_INDEX] = WEBGL_STREAM_DRAW;
  internals.computeNewBuffersUsage = () => false;
  return collection;
}

/** The Cesium colour of each band, made once. */
const categoryColors = new Map<EnvironmentCategory, Color>();
function categoryColor(category: EnvironmentCategory): Color {
  let color = categoryColors.get(category);
  if (!color) categoryColors.set(category, (color = cesiumColor(environmentColor(category))));
  return color;
}

interface Station {
  readonly sensor: Sensor;
  readonly quantity: string;
  readonly point: PointPrimitive;
  readonly label: Label | null;
  category: EnvironmentCategory | null;
}

/** Creates the environment binding for the environment sensors of the city. */
export function createEnvironmentCesiumImpl(context: CesiumLayerContext): LayerImplementation {
  let points: PointPrimitiveCollection | null = null;
  let labels: LabelCollection | null = null;
  let stations: Station[] = [];
  let stationById = new Map<string, Station>();
  let stopWatching: (() => void) | null = null;
  let visible = false;
  let destroyed = false;

  /** Brings one station's point and label up to date; true when anything on screen changed. */
  function update(
    station: Station,
    states: ReadonlyMap<string, SensorState> | undefined,
    now: number | null,
    connected: boolean,
    translator: Translator,
  ): boolean {
    const state = states?.get(station.sensor.id);
    const freshness = displayFreshness(state, station.sensor.intervalMs, now, connected);
    const category = environmentCategory(
      station.sensor,
      station.quantity,
      state?.observation?.values[station.quantity] ?? null,
      freshness,
    );
    let changed = false;
    if (category !== station.category) {
      station.category = category;
      station.point.color = categoryColor(category);
      changed = true;
    }
    const label = station.label;
    if (!label) return changed;
    const text = environmentLabel(station.sensor, state, freshness, now, translator);
    if (label.text !== text) {
      label.text = text;
      changed = true;
    }
    const fill = freshness === 'live' ? LABEL_TEXT : LABEL_TEXT_DIM;
    if (!label.fillColor.equals(fill)) {
      label.fillColor = fill;
      changed = true;
    }
    return changed;
  }

  // A frame's changed stations, or all of them when the clock ticked (a reading may have turned
  // stale), a snapshot came or the language changed. Unchanged colours and texts are not touched,
  // which keeps the point buffer and the label glyphs as they are.
  function refresh(all: boolean, changedIds?: ReadonlySet<string>): void {
    if (!visible) return;
    const snapshot = context.live.getSnapshot();
    const states = snapshot.state?.sensors;
    const now = context.nowServerMs();
    const connected = snapshot.connection === 'live';
    const translator = context.i18n.getTranslator();
    let changed = false;
    if (all || !changedIds) {
      for (const station of stations) if (update(station, states, now, connected, translator)) changed = true;
    } else {
      for (const id of changedIds) {
        const station = stationById.get(id);
        if (station && update(station, states, now, connected, translator)) changed = true;
      }
    }
    if (changed) context.requestRender();
  }

  return {
    async load() {
      await Promise.resolve();
      if (destroyed) return;
      const pointCollection = pinBufferUsage(new PointPrimitiveCollection({ show: false }));
      const sensors = context.sensors.ofKind('environment');
      const labelCollection =
        sensors.length <= MAX_LABELLED_STATIONS
          ? new LabelCollection({ scene: context.viewer.scene, show: false })
          : null;
      const noData = context.i18n.getTranslator().t('label.noData');
      const noDataColor = cesiumColor(environmentColor('noData'));
      stations = sensors.map((sensor) => {
        const id = sensorPickTag(sensor.id);
        const position = positionOf(sensor.position, POINT_LIFT_M);
        return {
          sensor,
          quantity: mainQuantity(sensor),
          category: 'noData',
          point: pointCollection.add({
            position,
            pixelSize: POINT_SIZE_PX,
            color: noDataColor,
            outlineColor: Color.WHITE,
            outlineWidth: 2,
            disableDepthTestDistance: Number.POSITIVE_INFINITY,
            id,
          }),
          label:
            labelCollection?.add({
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
            }) ?? null,
        };
      });
      stationById = new Map(stations.map((station) => [station.sensor.id, station]));
      points = context.viewer.scene.primitives.add(pointCollection);
      labels = labelCollection ? context.viewer.scene.primitives.add(labelCollection) : null;
      stopWatching = watchLiveInputs(context, refresh);
    },
    setVisible(show) {
      visible = show;
      if (points) points.show = show;
      if (labels) labels.show = show;
      if (show) refresh(true);
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
      stationById = new Map();
      context.requestRender();
    },
  };
}
