/**
 * How every citytwin MQTT client connects (the MQTT source and SensorThings' Observations): a fixed
 * client id on a persistent session (`clean: false`), so the broker keeps QoS 1 messages while the
 * server is away, and reconnecting by itself.
 */
import mqtt from 'mqtt';
import type { MqttClient } from 'mqtt';

export interface PersistentConnectOptions {
  readonly clientId: string;
  readonly username?: string | undefined;
  readonly password?: string | undefined;
}

/**
 * Connects to `url` on a persistent session. mqtt.js's own resubscribe is off: it remembers topics it
 * sent once and then skips their SUBSCRIBE, which leaves a client deaf on a broker that says
 * `sessionPresent` for a session that lost its subscriptions. Callers subscribe after every connect.
 */
export function connectPersistent(url: string, options: PersistentConnectOptions): MqttClient {
  return mqtt.connect(url, {
    clientId: options.clientId,
    clean: false,
    reconnectPeriod: 1000,
    connectTimeout: 10_000,
    resubscribe: false,
    ...(options.username === undefined ? {} : { username: options.username }),
    ...(options.password === undefined ? {} : { password: options.password }),
  });
}
