/**
 * Lookups over the sensor registry that the layers and panels need: by id, by kind, and from a city
 * object (a building id of the tileset, a road or basin feature id) to the sensor bound to it.
 */
import type { Sensor, SensorKind } from '../../../protocol/index.ts';

/** Read-only indexes over one city's sensors. */
export interface SensorIndex {
  readonly all: readonly Sensor[];
  byId(sensorId: string): Sensor | undefined;
  ofKind(kind: SensorKind): readonly Sensor[];
  /** The sensor bound to a city object, e.g. `('building', 'b00042')`. */
  boundTo(objectType: Sensor['object']['type'], objectId: string): Sensor | undefined;
}

/** Builds the indexes once; the registry does not change while the viewer runs. */
export function createSensorIndex(sensors: readonly Sensor[]): SensorIndex {
  const byId = new Map(sensors.map((s) => [s.id, s]));
  const byObject = new Map(sensors.map((s) => [`${s.object.type}:${s.object.id}`, s]));
  const byKind = new Map<SensorKind, Sensor[]>();
  for (const sensor of sensors) {
    const list = byKind.get(sensor.kind) ?? [];
    list.push(sensor);
    byKind.set(sensor.kind, list);
  }
  return {
    all: sensors,
    byId: (id) => byId.get(id),
    ofKind: (kind) => byKind.get(kind) ?? [],
    boundTo: (type, id) => byObject.get(`${type}:${id}`),
  };
}

/** A numeric static attribute (`capacitySpaces`, `speedLimitKmh`, `maxLevelCm`), or null when absent. */
export function numericAttribute(sensor: Sensor, name: string): number | null {
  const value = sensor.attributes[name];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
