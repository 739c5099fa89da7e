/**
 * What the live layers put into a Cesium primitive's `id`, so that `scene.pick` leads back to the
 * sensor the primitive shows.
 */

/** The `id` of a picked primitive that stands for a sensor. */
export interface SensorPickTag {
  readonly citytwinSensorId: string;
}

/** Creates the tag for `sensorId`. */
export function sensorPickTag(sensorId: string): SensorPickTag {
  return { citytwinSensorId: sensorId };
}

/** The sensor id behind a picked primitive's `id`, or null when it is not one of ours. */
export function sensorIdFromPickId(id: unknown): string | null {
  if (typeof id !== 'object' || id === null) return null;
  const value = (id as { citytwinSensorId?: unknown }).citytwinSensorId;
  return typeof value === 'string' ? value : null;
}
