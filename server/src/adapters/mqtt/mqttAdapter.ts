/**
 * MQTT ingest: one connection per configured source, QoS 1 subscriptions on a persistent session
 * (fixed client id, `clean: false`), so readings published while the server or the broker was away
 * arrive when it is back; mqtt.js reconnects by itself. Each message goes through the source's
 * normalizer (The Things Stack v3, ChirpStack v4 or generic JSON) into the hub.
 *
 * The adapter, not mqtt.js, owns the subscriptions: it sends a SUBSCRIBE after every CONNACK. mqtt.js's
 * own bookkeeping (`resubscribe: true`, the default) would make that call a silent no-op for a topic
 * it has sent once, and it resubscribes by itself only when the CONNACK says sessionPresent = 0. A
 * broker can answer sessionPresent = 1 for a session that has no subscription in it: one that lost its
 * state and then saw a CONNECT whose SUBSCRIBE did not reach it before the connection dropped. That
 * source would stay connected and receive nothing, for good.
 */
import type { MqttClient } from 'mqtt';
import { connectPersistent } from './persistentConnect.ts';
import type { Hub } from '../../hub/hub.ts';
import type { Logger } from '../../logger.ts';
import { normalizeChirpstackEvent } from '../lorawan/chirpstackEvent.ts';
import { normalizeTtsMessage } from '../lorawan/ttsUplink.ts';
import { deliverNormalized } from '../deliver.ts';
import type { DeviceMapping, NormalizeResult } from '../normalize.ts';
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
  readonly connected: () => boolean;
}

export function createMqttAdapter(options: MqttAdapterOptions): MqttAdapter {
  const { source, hub, logger } = options;
  const now = options.now ?? Date.now;
  const mappings = new Map(source.devices.map((device) => [device.sourceId, device]));
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
    deliverNormalized(hub, source.id, result, text);
  };

  return {
    start() {
      if (client) return;
      const current = connectPersistent(source.url, source);
      client = current;
      current.on('connect', (connack) => {
        logger.info(`mqtt source ${source.id} connected`, { sessionPresent: connack.sessionPresent });
        // On every connect, whatever sessionPresent says: on a session that has the subscriptions it
        // replaces them and keeps the queued messages (a retained message comes again, and the hub turns
        // it away as not newer); on one that lost them it is the only way back.
        current.subscribe([...source.topics], { qos: 1 }, (error, granted) => {
          if (error) {
            // Either the connection closed before the SUBACK (the next connect subscribes again) or
            // the broker refused a topic (a permission to fix on the broker).
            logger.error(`mqtt source ${source.id}: subscribe failed`, { error: error.message });
            return;
          }
          // The granted QoS tells an operator whether readings are kept while away (The Things Stack's
          // MQTT server grants QoS 0 only).
          const grants = (granted ?? []).map(({ topic, qos }) => ({ topic, qos }));
          logger.info(`mqtt source ${source.id} subscribed`, { granted: grants });
        });
      });
      current.on('message', onMessage);
      current.on('error', (error) => logger.warn(`mqtt source ${source.id}: ${error.message}`));
      current.on('offline', () => logger.warn(`mqtt source ${source.id} offline; reconnecting`));
    },
    async stop() {
      const current = client;
      client = undefined;
      if (current) await current.endAsync();
    },
    received: () => received,
    connected: () => client?.connected ?? false,
  };
}
