/**
 * Normalizer for The Things Stack v3 application messages, as published on MQTT
 * `v3/{app}@{tenant}/devices/{dev}/up` and posted by webhooks (same body). Pure: no I/O, never throws.
 *
 * - `uplink_message` → one observation of the mapped sensor from `uplink_message.decoded_payload`
 *   (the application's payload formatter output), plus the device's health (best gateway, battery).
 * - `join_accept`, downlink events, `location_solved`, … → one `not-a-reading`.
 */
import type { Observation } from '../../../../protocol/index.ts';
import {
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
} from './lorawanCommon.ts';

/** Top-level keys of TTS application messages that carry no reading. */
const NON_READING_KINDS = [
  'join_accept',
  'downlink_ack',
  'downlink_nack',
  'downlink_sent',
  'downlink_failed',
  'downlink_queued',
  'downlink_queue_invalidated',
  'location_solved',
  'service_data',
] as const;

/**
 * Normalizes one TTS v3 message. `mappings` is keyed by `end_device_ids.device_id` (a key equal to
 * the device's `dev_eui` works too); `receivedAtMs` is used when the message carries no usable time.
 */
export function normalizeTtsMessage(
  raw: string | unknown,
  mappings: ReadonlyMap<string, DeviceMapping>,
  receivedAtMs: number,
): NormalizeResult {
  const parsed = parseJsonObject(raw);
  if (!parsed.ok) return rejectOnly('invalid-payload', `TTS message: ${parsed.why}`);
  const msg = parsed.value;

  const ids = msg['end_device_ids'];
  if (!isObject(ids)) return rejectOnly('invalid-payload', 'TTS message: no "end_device_ids" object');
  const deviceId = nonEmptyString(ids['device_id']);
  if (deviceId === undefined) {
    return rejectOnly(
      'invalid-payload',
      'TTS message: "end_device_ids.device_id" is missing or not a string',
    );
  }
  const devEui = nonEmptyString(ids['dev_eui']);

  const uplink = msg['uplink_message'];
  if (uplink === undefined) {
    const kind = NON_READING_KINDS.find((k) => msg[k] !== undefined);
    if (kind !== undefined) {
      return rejectOnly('not-a-reading', `${deviceId}: a TTS "${kind}" message carries no reading`, deviceId);
    }
    return rejectOnly(
      'invalid-payload',
      `${deviceId}: TTS message has no "uplink_message" nor any known message kind (keys: ${Object.keys(msg).join(', ')})`,
      deviceId,
    );
  }
  if (!isObject(uplink)) {
    return rejectOnly('invalid-payload', `${deviceId}: "uplink_message" is not an object`, deviceId);
  }

  const mapping = findMapping(mappings, { names: [deviceId], eui: devEui });
  if (mapping === undefined) {
    return rejectOnly(
      'unknown-device',
      `TTS device "${deviceId}"${devEui !== undefined ? ` (dev_eui ${devEui})` : ''} is not mapped to any sensor`,
      deviceId,
    );
  }

  const time =
    parseNetworkTime(msg['received_at']) ??
    parseNetworkTime(uplink['received_at']) ??
    fallbackTime(receivedAtMs);
  if (time === undefined) {
    return rejectOnly(
      'invalid-payload',
      `${deviceId}: no usable "received_at" time and no receive time`,
      deviceId,
    );
  }

  const decoded = uplink['decoded_payload'];
  const health = deviceHealth(mapping, time, uplink, msg, isObject(decoded) ? decoded : undefined);
  const result: { observations: Observation[]; rejected: RejectedInput[]; health: DeviceHealth[] } = {
    observations: [],
    rejected: [],
    health: [health],
  };

  if (decoded === undefined || decoded === null) {
    result.rejected.push({
      reason: 'missing-value',
      message: `${deviceId}: the uplink has no "decoded_payload" — the TTS application (or device) has no payload formatter, so the raw frm_payload is not decoded`,
      sourceId: deviceId,
    });
    return result;
  }
  if (!isObject(decoded)) {
    result.rejected.push({
      reason: 'invalid-payload',
      message: `${deviceId}: "decoded_payload" is ${Array.isArray(decoded) ? 'an array' : typeof decoded}, not an object`,
      sourceId: deviceId,
    });
    return result;
  }

  const { values, rejected } = mapFields(decoded, mapping);
  result.rejected.push(...rejected);
  if (Object.keys(values).length > 0) {
    result.observations.push({
      sensorId: mapping.sensorId,
      observedAt: time,
      values,
      // TTS marks uplinks sent from the console's "simulate uplink" as simulated.
      quality: msg['simulated'] === true || uplink['simulated'] === true ? 'uncertain' : 'good',
    });
  }
  return result;
}

function deviceHealth(
  mapping: DeviceMapping,
  seenAt: number,
  uplink: Record<string, unknown>,
  msg: Record<string, unknown>,
  decoded: Record<string, unknown> | undefined,
): DeviceHealth {
  const rx = bestRx(uplink['rx_metadata'], (entry) => {
    const gatewayIds = entry['gateway_ids'];
    return {
      rssi: finite(entry['rssi']) ?? finite(entry['channel_rssi']),
      snr: finite(entry['snr']),
      gatewayId: isObject(gatewayIds) ? nonEmptyString(gatewayIds['gateway_id']) : undefined,
    };
  });
  const lastBattery = uplink['last_battery_percentage'] ?? msg['last_battery_percentage'];
  const battery =
    (isObject(lastBattery) ? batteryPercent(lastBattery['value']) : undefined) ??
    batteryPercent(decoded?.['battery']) ??
    batteryPercent(decoded?.['batteryPercent']);
  return {
    sensorId: mapping.sensorId,
    seenAt,
    ...(battery !== undefined ? { batteryPercent: battery } : {}),
    ...rx,
  };
}
