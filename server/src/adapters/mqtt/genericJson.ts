/**
 * Generic JSON over MQTT: the device id is one segment of the topic (`stadt/sensoren/<id>/state`),
 * the payload a JSON object whose fields the device mapping names. Pure.
 */
import type { DeviceMapping, NormalizeResult } from '../normalize.ts';
import { emptyResult, mapFields, parseTime, readPath, rejectOnly } from '../normalize.ts';

export interface GenericJsonOptions {
  /** Index of the topic segment holding the device id (0-based; negative counts from the end). */
  readonly deviceSegment: number;
  /** Dot path of an ISO 8601 time in the payload; the receive time when absent or unreadable. */
  readonly timeField?: string | undefined;
}

export function normalizeGenericJson(
  topic: string,
  raw: string,
  mappings: ReadonlyMap<string, DeviceMapping>,
  options: GenericJsonOptions,
  receivedAtMs: number,
): NormalizeResult {
  const segments = topic.split('/');
  const index = options.deviceSegment < 0 ? segments.length + options.deviceSegment : options.deviceSegment;
  const deviceId = segments[index];
  if (!deviceId)
    return rejectOnly('invalid-payload', `topic "${topic}" has no segment ${options.deviceSegment}`);
  let payload: unknown;
  try {
    payload = JSON.parse(raw);
  } catch (error) {
    return rejectOnly('invalid-payload', `${topic}: not JSON (${(error as Error).message})`, deviceId);
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload))
    return rejectOnly('invalid-payload', `${topic}: the payload is not a JSON object`, deviceId);
  const mapping = mappings.get(deviceId);
  if (!mapping)
    return rejectOnly('unknown-device', `${topic}: no mapping for device "${deviceId}"`, deviceId);
  const { values, rejected } = mapFields(payload, mapping);
  const rawTime = options.timeField ? readPath(payload, options.timeField) : undefined;
  const time = rawTime === undefined ? undefined : payloadTime(rawTime);
  const result = emptyResult();
  result.rejected.push(...rejected);
  if (Object.keys(values).length > 0)
    result.observations.push({
      sensorId: mapping.sensorId,
      observedAt: time ?? receivedAtMs,
      values,
      // A time field that is there but unreadable leaves the receive time, which is only close.
      quality: rawTime !== undefined && time === undefined ? 'uncertain' : 'good',
    });
  result.health.push({ sensorId: mapping.sensorId, seenAt: receivedAtMs });
  return result;
}

/**
 * A payload's time: an ISO 8601 string with its zone, or a Unix time as a number, in seconds when
 * below 1e11 (which in seconds is the year 5138) and in milliseconds otherwise.
 */
export function payloadTime(value: unknown): number | undefined {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value <= 0) return undefined;
    return Math.round(value < 1e11 ? value * 1000 : value);
  }
  return parseTime(value);
}
