/**
 * Cesium binding of the parking layer: colours each garage building through its tileset feature and
 * puts a label with the free spaces above it (one LabelCollection for all garages).
 */
import { LabelCollection, type Label } from 'cesium';
import type { Sensor, SensorState } from '../../../../../../protocol/index.ts';
import { displayFreshness } from '../../../../sensors/freshness.ts';
import { cesiumColor } from '../../../../viewer/cesiumColor.ts';
import { watchLiveInputs, type CesiumLayerContext } from '../../../../viewer/layerContext.ts';
import { LABEL_TEXT, LABEL_TEXT_DIM, mapLabelOptions, positionOf } from '../../../../viewer/mapLabels.ts';
import type { LayerImplementation } from '../../../layerModel.ts';
import { parkingCategory, parkingColor, parkingLabel, parkingReading } from './parkingLayer.ts';
import { sensorPickTag } from '../../../pickTag.ts';

/** Metres above the garage's roof centre where its label sits. */
const LABEL_LIFT_M = 4;

interface Garage {
  readonly sensor: Sensor;
  readonly label: Label;
  lastState: SensorState | undefined | null;
}

/** Creates the parking binding for the parking sensors of the city. */
export function createParkingCesiumImpl(context: CesiumLayerContext): LayerImplementation {
  let labels: LabelCollection | null = null;
  let garages: Garage[] = [];
  let stopWatching: (() => void) | null = null;
  let visible = false;
  let destroyed = false;

  function buildingIdOf(sensor: Sensor): string | null {
    return sensor.object.type === 'building' ? sensor.object.id : null;
  }

  function refresh(all: boolean): void {
    if (!visible) return;
    const states = context.live.getSnapshot().state?.sensors;
    const now = context.nowServerMs();
    const connected = context.live.getSnapshot().connection === 'live';
    const translator = context.i18n.getTranslator();
    let changed = false;
    for (const garage of garages) {
      const state = states?.get(garage.sensor.id);
      if (!all && state === garage.lastState) continue;
      garage.lastState = state;
      const reading = parkingReading(garage.sensor, state);
      const freshness = displayFreshness(state, garage.sensor.intervalMs, now, connected);
      const category = parkingCategory(reading, freshness);
      const buildingId = buildingIdOf(garage.sensor);
      if (buildingId) context.featureColors.setColor(buildingId, cesiumColor(parkingColor(category)));
      const text = parkingLabel(reading, freshness, translator);
      if (garage.label.text !== text) {
        garage.label.text = text;
        changed = true;
      }
      const fill = freshness === 'live' ? LABEL_TEXT : LABEL_TEXT_DIM;
      if (!garage.label.fillColor.equals(fill)) {
        garage.label.fillColor = fill;
        changed = true;
      }
    }
    if (changed) context.requestRender();
  }

  function clearColors(): void {
    for (const garage of garages) {
      const buildingId = buildingIdOf(garage.sensor);
      if (buildingId) context.featureColors.setColor(buildingId, null);
    }
  }

  return {
    async load() {
      // Nothing to fetch: garages are in the sensor registry and buildings in the tileset.
      await Promise.resolve();
      if (destroyed) return;
      const collection = new LabelCollection({ scene: context.viewer.scene });
      collection.show = false;
      garages = context.sensors.ofKind('parking').map((sensor) => ({
        sensor,
        lastState: null,
        label: collection.add({
          ...mapLabelOptions(),
          position: positionOf(sensor.position, LABEL_LIFT_M),
          text: context.i18n.getTranslator().t('label.noData'),
          id: sensorPickTag(sensor.id),
        }),
      }));
      labels = context.viewer.scene.primitives.add(collection);
      stopWatching = watchLiveInputs(context, refresh);
    },
    setVisible(show) {
      visible = show;
      if (labels) labels.show = show;
      if (show) {
        refresh(true);
      } else {
        clearColors();
      }
      context.requestRender();
    },
    destroy() {
      destroyed = true;
      stopWatching?.();
      clearColors();
      if (labels) context.viewer.scene.primitives.remove(labels);
      labels = null;
      garages = [];
      context.requestRender();
    },
  };
}
