/**
 * Normalizer for ChirpStack v4 integration events (JSON marshaler), as published on MQTT
 * `application/{applicationId}/device/{devEui}/event/{type}` or posted by the HTTP integration
 * (`?event={type}`). Pure: no I/O, never throws.
 *
 * - `up` → one observation of the mapped sensor from `object` (the device profile codec's output),
 *   plus the device's health (best gateway).
 * - `status` → the device's health (battery), no observation and no rejection.
 * - `join`, `location`, `ack`, `txack`, `log`, `integration` → one `not-a-reading`.
 */
import type { Observation } from '../../../../protocol/index.ts';
import {
  emptyResult,
  mapFields,
  rejectOnly,
  type DeviceHealth,
  type DeviceMapping,
  type NormalizeResult,
  type RejectedInput,
} from '../normalize.ts';
import {
  batteryPercent,
  bestRx,
  fallbackTime,
  finite,
  findMapping,
  isObject,
  nonEmptyString,
  parseJsonObject,
  parseNetworkTime,
  type JsonObject,
} from './lorawanCommon.ts';

/** The event type from an MQTT topic ending in `/event/{type}`, or undefined. */
export function chirpstackEventType(topic: string | undefined): string | undefined {
  if (topic === undefined) return undefined;
  const match = /\/event\/([A-Za-z]+)$/.exec(topic);
  return match?.[1];
}

/** Guesses the event type of a body that came without a topic. */
function inferEventType(event: JsonObject): string | undefined {
  const has = (key: string): boolean => event[key] !== undefined;
  if (has('object') || has('data') || has('fPort') || has('rxInfo') || has('fCnt')) return 'up';
  if (has('batteryLevel') || has('margin') || has('externalPowerSource') || has('batteryLevelUnavailable')) {
    return 'status';
  }
  if (has('location')) return 'location';
  if (has('acknowledged')) return 'ack';
  if (has('queueItemId') || has('txInfo') || has('fCntDown')) return 'txack';
  if (has('level') && has('code')) return 'log';
  if (has('devAddr')) return 'join';
  return undefined;
}

/**
 * Normalizes one ChirpStack v4 event. `topic` (when the event came over MQTT) gives the event type;
 * without it the type is inferred from the body. `mappings` is keyed by `deviceInfo.devEui` (any case)
 * or `deviceInfo.deviceName`; `receivedAtMs` is used when the event carries no usable `time`.
 */
export function normalizeChirpstackEvent(
  topic: string | undefined,
  raw: string | unknown,
  mappings: ReadonlyMap<string, DeviceMapping>,
  receivedAtMs: number,
): NormalizeResult {
  const parsed = parseJsonObject(raw);
  if (!parsed.ok) return rejectOnly('invalid-payload', `ChirpStack event: ${parsed.why}`);
  const event = parsed.value;

  const info = event['deviceInfo'];
  const devEui = isObject(info) ? nonEmptyString(info['devEui']) : undefined;
  const deviceName = isObject(info) ? nonEmptyString(info['deviceName']) : undefined;

  const type = chirpstackEventType(topic) ?? inferEventType(event);
  if (type === undefined) {
    return rejectOnly(
      'invalid-payload',
      `ChirpStack event${devEui !== undefined ? ` from ${devEui}` : ''}: no event type in the topic${topic !== undefined ? ` "${topic}"` : ''} and none recognisable in the body`,
      devEui,
    );
  }
  if (type !== 'up' && type !== 'status') {
    return rejectOnly(
      'not-a-reading',
      `${devEui ?? 'ChirpStack device'}: a ChirpStack "${type}" event carries no reading`,
      devEui,
    );
  }

  if (!isObject(info))
    return rejectOnly('invalid-payload', `ChirpStack "${type}" event: no "deviceInfo" object`);
  if (devEui === undefined) {
    return rejectOnly(
      'invalid-payload',
      `ChirpStack "${type}" event: "deviceInfo.devEui" is missing or not a string`,
      deviceName,
    );
  }

  const mapping = findMapping(mappings, { eui: devEui, names: [deviceName] });
  if (mapping === undefined) {
    return rejectOnly(
      'unknown-device',
      `ChirpStack device ${devEui}${deviceName !== undefined ? ` ("${deviceName}")` : ''} is not mapped to any sensor`,
      devEui,
    );
  }

  const time = parseNetworkTime(event['time']) ?? fallbackTime(receivedAtMs);
  if (time === undefined) {
    return rejectOnly('invalid-payload', `${devEui}: no usable "time" and no receive time`, devEui);
  }

  if (type === 'status') return { ...emptyResult(), health: [statusHealth(mapping, time, event)] };
  return upEvent(event, mapping, devEui, time);
}

function statusHealth(mapping: DeviceMapping, seenAt: number, event: JsonObject): DeviceHealth {
  // ChirpStack sends batteryLevel 0 with batteryLevelUnavailable or externalPowerSource: not a level.
  const unavailable = event['batteryLevelUnavailable'] === true || event['externalPowerSource'] === true;
  const battery = unavailable ? undefined : batteryPercent(event['batteryLevel']);
  return {
    sensorId: mapping.sensorId,
    seenAt,
    ...(battery !== undefined ? { batteryPercent: battery } : {}),
  };
}

function upEvent(event: JsonObject, mapping: DeviceMapping, devEui: string, time: number): NormalizeResult {
  const rx = bestRx(event['rxInfo'], (entry) => ({
    rssi: finite(entry['rssi']),
    snr: finite(entry['snr']),
    gatewayId: nonEmptyString(entry['gatewayId']),
  }));
  const result: { observations: Observation[]; rejected: RejectedInput[]; health: DeviceHealth[] } = {
    observations: [],
    rejected: [],
    health: [{ sensorId: mapping.sensorId, seenAt: time, ...rx }],
  };

  const object = event['object'];
  if (object === undefined || object === null) {
    result.rejected.push({
      reason: 'missing-value',
      message: `${devEui}: the up event has no decoded "object" — the device profile has no codec, and the raw base64 "data" is not decoded here`,
      sourceId: devEui,
    });
    return result;
  }
  if (!isObject(object)) {
    result.rejected.push({
      reason: 'invalid-payload',
      message: `${devEui}: "object" is ${Array.isArray(object) ? 'an array' : typeof object}, not an object`,
      sourceId: devEui,
    });
    return result;
  }

  const { values, rejected } = mapFields(object, mapping);
  result.rejected.push(...rejected);
  if (Object.keys(values).length > 0) {
    result.observations.push({ sensorId: mapping.sensorId, observedAt: time, values, quality: 'good' });
  }
  return result;
}
