/**
 * MQTT ingest: one connection per configured source, QoS 1 subscriptions on a persistent session
 * (fixed client id, `clean: false`), so readings published while the server or the broker was away
 * arrive when it is back; mqtt.js reconnects by itself. Each message goes through the source's
 * normalizer (The Things Stack v3, ChirpStack v4 or generic JSON) into the hub.
 */
import mqtt from 'mqtt';
import type { MqttClient } from 'mqtt';
import type { Hub } from '../../hub/hub.ts';
import type { Logger } from '../../logger.ts';
import { normalizeChirpstackEvent } from '../lorawan/chirpstackEvent.ts';
import { normalizeTtsMessage } from '../lorawan/ttsUplink.ts';
import type { DeviceHealth, DeviceMapping, NormalizeResult } from '../normalize.ts';
import { normalizeGenericJson } from './genericJson.ts';

/** Payloads bigger than this are turned away unread. */
export const MAX_MQTT_PAYLOAD_BYTES = 64 * 1024;

export interface MqttSource {
  readonly id: string;
  readonly url: string;
  readonly clientId: string;
  readonly username?: string | undefined;
  readonly password?: string | undefined;
  readonly topics: readonly string[];
  readonly format: 'tts' | 'chirpstack' | 'generic';
  readonly deviceSegment?: number | undefined;
  readonly timeField?: string | undefined;
  readonly devices: readonly DeviceMapping[];
}

export interface MqttAdapterOptions {
  readonly source: MqttSource;
  readonly hub: Hub;
  readonly logger: Logger;
  readonly now?: () => number;
}

export interface MqttAdapter {
  start(): void;
  stop(): Promise<void>;
  /** Messages received since start (before normalizing). */
  readonly received: () => number;
  /** Latest health facts per sensor. */
  readonly health: () => ReadonlyMap<string, DeviceHealth>;
  readonly connected: () => boolean;
}

export function createMqttAdapter(options: MqttAdapterOptions): MqttAdapter {
  const { source, hub, logger } = options;
  const now = options.now ?? Date.now;
  const mappings = new Map(source.devices.map((device) => [device.sourceId, device]));
  const health = new Map<string, DeviceHealth>();
  let client: MqttClient | undefined;
  let received = 0;

  const normalize = (topic: string, text: string, atMs: number): NormalizeResult => {
    switch (source.format) {
      case 'tts':
        return normalizeTtsMessage(text, mappings, atMs);
      case 'chirpstack':
        return normalizeChirpstackEvent(topic, text, mappings, atMs);
      case 'generic':
        return normalizeGenericJson(
          topic,
          text,
          mappings,
          { deviceSegment: source.deviceSegment ?? -1, timeField: source.timeField },
          atMs,
        );
    }
  };

  const onMessage = (topic: string, payload: Buffer) => {
    received += 1;
    if (payload.byteLength > MAX_MQTT_PAYLOAD_BYTES) {
      hub.rejectInput(
        {
          reason: 'too-large',
          message: `${topic}: ${payload.byteLength} bytes, more than ${MAX_MQTT_PAYLOAD_BYTES}`,
        },
        source.id,
        payload.subarray(0, 512).toString('utf8'),
      );
      return;
    }
    const text = payload.toString('utf8');
    let result: NormalizeResult;
    try {
      result = normalize(topic, text, now());
    } catch (error) {
      // Normalizers do not throw; should one ever, the message is a dead letter, not a crash.
      hub.rejectInput(
        { reason: 'invalid-payload', message: `${topic}: ${(error as Error).message}` },
        source.id,
        text,
      );
      return;
    }
    for (const rejected of result.rejected) hub.rejectInput(rejected, source.id, text);
    for (const observation of result.observations) hub.ingest(observation, source.id);
    for (const fact of result.health) health.set(fact.sensorId, { ...health.get(fact.sensorId), ...fact });
  };

  return {
    start() {
      if (client) return;
      client = mqtt.connect(source.url, {
        clientId: source.clientId,
        clean: false,
        reconnectPeriod: 1000,
        connectTimeout: 10_000,
        ...(source.username === undefined ? {} : { username: source.username }),
        ...(source.password === undefined ? {} : { password: source.password }),
      });
      client.on('connect', (connack) => {
        logger.info(`mqtt source ${source.id} connected`, { sessionPresent: connack.sessionPresent });
        // Re-subscribing on a present session is harmless and covers a broker that lost it.
        client?.subscribe([...source.topics], { qos: 1 }, (error) => {
          if (error) logger.error(`mqtt source ${source.id}: subscribe failed`, { error: error.message });
        });
      });
      client.on('message', onMessage);
      client.on('error', (error) => logger.warn(`mqtt source ${source.id}: ${error.message}`));
      client.on('offline', () => logger.warn(`mqtt source ${source.id} offline; reconnecting`));
    },
    async stop() {
      const current = client;
      client = undefined;
      if (current) await current.endAsync();
    },
    received: () => received,
    health: () => health,
    connected: () => client?.connected ?? false,
  };
}
