/**
 * MQTT against a real Mosquitto: The Things Stack v3 uplinks published on the broker reach a
 * socket.io-client viewer through the server; the broker is stopped and started again mid-stream and
 * every QoS 1 uplink published around the outage arrives once it is back.
 */
import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';
import type { MqttClient } from 'mqtt';
import { io as connect } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientToServerEvents, Diff, ServerToClientEvents } from '../../protocol/index.ts';
import { PROTOCOL_VERSION } from '../../protocol/index.ts';
import type { App } from './app.ts';
import { createApp } from './app.ts';
import { loadConfig } from './config.ts';
import type { TestBroker } from './testing/mosquitto.ts';
import { createTestBroker, mosquittoAvailable } from './testing/mosquitto.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const DEVICE = 'eui-luft-elbenplatz';
const SENSOR = 'env-elbenplatz';
const TOPIC = `v3/citytwin-test@ttn/devices/${DEVICE}/up`;

/** A TTS v3 uplink as the stack publishes it, with its NO2 reading `no2` in the decoded payload. */
function uplink(no2: number, at: Date): string {
  return JSON.stringify({
    end_device_ids: { device_id: DEVICE, application_ids: { application_id: 'citytwin-test' } },
    received_at: at.toISOString(),
    uplink_message: {
      decoded_payload: { no2 },
      rx_metadata: [{ gateway_ids: { gateway_id: 'gw-rathaus' }, rssi: -97, snr: 7.5 }],
      received_at: at.toISOString(),
    },
  });
}

describe.skipIf(!mosquittoAvailable())('MQTT source on a real Mosquitto', () => {
  let broker: TestBroker;
  let app: App;
  let publisher: MqttClient;
  let viewer: Socket<ServerToClientEvents, ClientToServerEvents>;
  const seenNo2 = new Set<number>();

  beforeAll(async () => {
    broker = await createTestBroker();
    await broker.start();
    const config = loadConfig({
      env: { PORT: '0', HOST: '127.0.0.1', CITYTWIN_LOG_LEVEL: 'silent', CITYTWIN_SIMULATOR: 'false' },
    });
    app = await createApp(
      {
        ...config,
        tickHz: 20,
        sources: [
          {
            type: 'mqtt',
            id: 'ttn-luft',
            url: broker.url,
            format: 'tts',
            topics: ['v3/+/devices/+/up'],
            devices: [
              { sourceId: DEVICE, sensorId: SENSOR, fields: [{ field: 'no2', quantity: 'no2UgM3' }] },
            ],
          },
        ],
      },
      { rootDir: repoRoot },
    );
    // Record what the hub accepts from the source, so the count is exact however fast it arrives.
    const ingest = app.hub.ingest.bind(app.hub);
    app.hub.ingest = (input, source) => {
      const result = ingest(input, source);
      if (result.accepted && source === 'ttn-luft')
        acceptedValues.push(result.observation.values.no2UgM3 ?? -1);
      return result;
    };
    const port = await app.listen();
    viewer = connect(`http://127.0.0.1:${port}`, {
      auth: { protocolVersion: PROTOCOL_VERSION },
      transports: ['websocket'],
      forceNew: true,
    });
    viewer.on('live:diff', (diff: Diff) => {
      for (const state of diff.upserts)
        if (state.sensorId === SENSOR && state.observation)
          seenNo2.add(state.observation.values.no2UgM3 ?? -1);
    });
    await new Promise<void>((resolve) => viewer.once('server:hello', () => resolve()));
    const ack = await viewer
      .timeout(5000)
      .emitWithAck('live:subscribe', { protocolVersion: PROTOCOL_VERSION, kinds: ['environment'] });
    if (!ack.ok) throw new Error(ack.error.message);
    await waitFor(() => app.mqtt[0]?.connected() === true, 10_000, 'the adapter to connect');
    publisher = mqtt.connect(broker.url, {
      clientId: 'citytwin-test-publisher',
      clean: false,
      reconnectPeriod: 200,
    });
    await new Promise<void>((resolve) => publisher.once('connect', () => resolve()));
  }, 60_000);

  afterAll(async () => {
    viewer?.disconnect();
    await publisher?.endAsync();
    await app?.close();
    await broker?.dispose();
  });

  it('delivers uplinks to a viewer, with the gateway and signal as health', async () => {
    await publisher.publishAsync(TOPIC, uplink(31, new Date()), { qos: 1 });
    await waitFor(() => seenNo2.has(31), 10_000, 'the viewer to see no2 = 31');
    expect(app.mqtt[0]?.health().get(SENSOR)).toMatchObject({
      gatewayId: 'gw-rathaus',
      rssiDbm: -97,
      snrDb: 7.5,
    });
  }, 30_000);

  it('gets every QoS 1 uplink published around a broker restart, once it is back', async () => {
    const adapter = app.mqtt[0];
    if (!adapter) throw new Error('no adapter');
    const start = Date.now();
    const sent: number[] = [];
    const publish = (n: number) => {
      sent.push(n);
      // Distinct, increasing times so the hub takes each as the newest reading.
      return publisher.publishAsync(TOPIC, uplink(n, new Date(start + n)), { qos: 1 });
    };
    for (let n = 100; n < 120; n++) await publish(n);
    await waitFor(() => hubHas(119), 10_000, 'the readings before the outage');

    await broker.stop();
    // Published while the broker is down: mqtt.js keeps them in its outgoing store.
    const during = Array.from({ length: 20 }, (_, i) => publish(200 + i));
    await new Promise((r) => setTimeout(r, 1500));
    expect(adapter.connected()).toBe(false);
    await broker.start();
    await Promise.all(during);
    for (let n = 300; n < 320; n++) await publish(n);

    await waitFor(() => hubHas(319), 20_000, 'the readings after the restart');
    const arrived = new Set(acceptedValues);
    const missing = sent.filter((n) => !arrived.has(n));
    expect(missing).toEqual([]);
    expect(sent).toHaveLength(60);
    // QoS 1 is at least once: a redelivered copy is turned away by the hub as not newer, never counted twice.
    expect(acceptedValues.filter((n) => n >= 100)).toHaveLength(60);
  }, 60_000);

  /** Every NO2 value the hub accepted from the MQTT source, in order. */
  const acceptedValues: number[] = [];
  function hubHas(value: number): boolean {
    return acceptedValues.includes(value);
  }
});

async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
