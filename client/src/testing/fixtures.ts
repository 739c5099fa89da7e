/**
 * Builders for registry entries and live states used by the unit tests. Each call returns fresh
 * objects, so tests share no state.
 */
import { SensorSchema, type Observation, type Sensor, type SensorState } from '../../../protocol/index.ts';
import type { LiveState } from '../live/liveStore.ts';
import { SensorStates } from '../live/sensorStates.ts';

/** A parsed sensor; `overrides` replace fields of a parking garage with 400 spaces. */
export function sensor(overrides: Partial<Sensor> & Pick<Sensor, 'id'>): Sensor {
  return SensorSchema.parse({
    kind: 'parking',
    name: `Sensor ${overrides.id}`,
    position: [9.01, 48.68, 20],
    object: { type: 'building', id: 'b00001' },
    quantities: ['occupiedSpaces', 'freeSpaces'],
    intervalMs: 60_000,
    attributes: { capacitySpaces: 400 },
    ...overrides,
  });
}

/** A sensor state with one observation. */
export function reading(
  sensorId: string,
  values: Observation['values'],
  observedAt = 1_000_000,
  freshness: SensorState['freshness'] = 'live',
): SensorState {
  return { sensorId, observation: { sensorId, observedAt, values, quality: 'good' }, freshness };
}

/** A state without any observation (the sensor never reported). */
export function noReading(sensorId: string, freshness: SensorState['freshness'] = 'offline'): SensorState {
  return { sensorId, observation: null, freshness };
}

/** A live state with the given sensors. */
export function liveState(states: readonly SensorState[], seq = 5, subscriptionId = 'sub-1'): LiveState {
  return {
    subscriptionId,
    seq,
    serverTimeMs: 2_000_000,
    sensors: SensorStates.of(states),
    order: states.map((s) => s.sensorId),
  };
}

/** Freezes an object graph, including the entries of Maps (whose `set` a freeze would not stop). */
export function deepFreeze<T>(value: T): T {
  if (value instanceof Map) {
    for (const [k, v] of value) {
      deepFreeze(k);
      deepFreeze(v);
    }
    const map = value as Map<unknown, unknown>;
    const fail = () => {
      throw new TypeError('frozen Map');
    };
    // Maps ignore Object.freeze; replacing the mutators makes a mutation throw like a frozen object.
    Object.defineProperties(map, { set: { value: fail }, delete: { value: fail }, clear: { value: fail } });
    return Object.freeze(value);
  }
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    return Object.freeze(value);
  }
  return value;
}
