/**
 * Load generator of `ingest.mqtt`, run by `ingestBench.ts` in a child process of its own: one MQTT
 * connection to the bench's Mosquitto that publishes the run's messages (generic JSON, one topic per
 * sensor) at the configured QoS without waiting between them; mqtt.js keeps them in order on the one
 * connection. Messages are built in `prepare`, untimed; `go` answers once the broker has taken all
 * of them (PUBACK for QoS 1), which is not yet when the server has: the bench counts that itself.
 */
import mqtt from 'mqtt';
import type { MqttLoadConfig } from './ingestLoad.ts';
import { mqttMessage } from './ingestLoad.ts';
import { serveLoadRequests } from './loadChild.ts';

const config = JSON.parse(process.argv[2] ?? '{}') as MqttLoadConfig;
const client = await mqtt.connectAsync(config.url, {
  clientId: `citytwin-bench-publisher-${process.pid}`,
  clean: true,
  reconnectPeriod: 0,
});
let messages: { topic: string; payload: string }[] = [];

serveLoadRequests({
  prepare(baseMs) {
    messages = Array.from({ length: config.messagesPerRun }, (_, i) =>
      mqttMessage(config.sensors, i, baseMs),
    );
    return {
      type: 'prepared',
      items: messages.length,
      bytes: messages.reduce((sum, m) => sum + Buffer.byteLength(m.payload), 0),
    };
  },
  async go() {
    const startMs = performance.now();
    const errors: string[] = [];
    await Promise.all(
      messages.map((m) =>
        client.publishAsync(m.topic, m.payload, { qos: config.qos }).catch((error: unknown) => {
          errors.push(error instanceof Error ? error.message : String(error));
        }),
      ),
    );
    return {
      type: 'done',
      sent: messages.length,
      accepted: messages.length - errors.length,
      requests: messages.length,
      wallMs: performance.now() - startMs,
      errors,
    };
  },
  async probe(baseMs, i) {
    const m = mqttMessage(config.sensors, i, baseMs);
    await client.publishAsync(m.topic, m.payload, { qos: config.qos });
  },
  async close() {
    await client.endAsync();
  },
});
