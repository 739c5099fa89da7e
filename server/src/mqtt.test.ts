/**
 * MQTT against a real Mosquitto: The Things Stack v3 uplinks published on the broker reach a
 * socket.io-client viewer through the server; the broker is stopped and started again mid-stream and
 * every QoS 1 uplink published around the outage arrives once it is back. Started again without its
 * state, the broker knows no subscription: the source must subscribe again, even when the broker says
 * its session is present, and every uplink published after that arrives.
 */
import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';
import type { MqttClient } from 'mqtt';
import { io as connect } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientToServerEvents, SensorHealth, ServerToClientEvents } from '../../protocol/index.ts';
import { PROTOCOL_VERSION } from '../../protocol/index.ts';
import type { App } from './app.ts';
import { createApp } from './app.ts';
import { loadConfig } from './config.ts';
import type { MqttLink, TestBroker } from './testing/mosquitto.ts';
import { DiffReader } from './testing/diffReader.ts';
import { createMqttLink, createTestBroker, mosquittoAvailable } from './testing/mosquitto.ts';

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
  let link: MqttLink;
  let app: App;
  let publisher: MqttClient;
  let viewer: Socket<ServerToClientEvents, ClientToServerEvents>;
  const seenNo2 = new Set<number>();
  const seenHealth: SensorHealth[] = [];

  beforeAll(async () => {
    broker = await createTestBroker();
    await broker.start();
    // The server reaches the broker through a link that can drop its connection on purpose.
    link = await createMqttLink(broker);
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
            url: link.url,
            format: 'tts',
            topics: ['v3/+/devices/+/up'],
            devices: [
              { sourceId: DEVICE, sensorId: SENSOR, fields: [{ field: 'no2', quantity: 'no2UgM3' }] },
            ],
          },
        ],
      },
      { rootDir: repoRoot, history: null },
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
    const reader = new DiffReader();
    viewer.on('live:diff', (wire) => {
      const diff = reader.read(wire);
      for (const state of diff.upserts)
        if (state.sensorId === SENSOR && state.observation) {
          seenNo2.add(state.observation.values.no2UgM3 ?? -1);
          if (state.health) seenHealth.push(state.health);
        }
    });
    await new Promise<void>((resolve) => viewer.once('server:hello', () => resolve()));
    const ack = await reader.subscribe(viewer, { protocolVersion: PROTOCOL_VERSION, kinds: ['environment'] });
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
    await link?.close();
    await broker?.dispose();
  });

  it('delivers uplinks to a viewer, with the gateway and signal as health', async () => {
    await publisher.publishAsync(TOPIC, uplink(31, new Date()), { qos: 1 });
    await waitFor(() => seenNo2.has(31), 10_000, 'the viewer to see no2 = 31');
    await waitFor(() => seenHealth.length > 0, 5_000, 'the viewer to see the device health');
    expect(seenHealth.at(-1)).toMatchObject({
      gatewayId: 'gw-rathaus',
      rssiDbm: -97,
      snrDb: 7.5,
      source: 'ttn-luft',
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

  it('subscribes again after a broker restart that lost its state; later uplinks reach the viewer', async () => {
    const adapter = app.mqtt[0];
    if (!adapter) throw new Error('no adapter');
    for (let n = 400; n < 420; n++) await publishNext(n);
    await waitFor(() => hubHas(419), 10_000, 'the readings before the outage');

    await broker.stop();
    broker.discardState();
    // Published while the broker is down: the publisher's mqtt.js keeps them and sends them when it is
    // back. The broker then acknowledges them, but it delivers each only if the server's SUBSCRIBE got
    // there first, which no one can promise after a restart that lost every subscription: nothing is
    // expected of them.
    const during = Array.from({ length: 20 }, (_, i) => publishNext(500 + i));
    await new Promise((r) => setTimeout(r, 1500));
    expect(adapter.connected()).toBe(false);
    await broker.start();
    await Promise.all(during);
    await waitFor(() => adapter.connected(), 10_000, 'the adapter to reconnect');

    await untilSubscribed(900);
    await expectEveryUplinkArrives(600);
  }, 60_000);

  it('subscribes again when the broker lost its state and the reconnect lost its SUBSCRIBE', async () => {
    const adapter = app.mqtt[0];
    if (!adapter) throw new Error('no adapter');
    await broker.stop();
    broker.discardState();
    // The first reconnect's CONNECT makes the broker create a session for the server's client id, but
    // its SUBSCRIBE never arrives: the next CONNACK says sessionPresent = 1 for a session without a
    // subscription, and mqtt.js by itself resubscribes only when it says 0.
    const cut = link.cutNextSubscribe();
    await broker.start();
    await cut;
    await waitFor(() => adapter.connected(), 10_000, 'the adapter to reconnect again');

    await untilSubscribed(1900);
    await expectEveryUplinkArrives(800);
  }, 60_000);

  /** Every NO2 value the hub accepted from the MQTT source, in order. */
  const acceptedValues: number[] = [];
  function hubHas(value: number): boolean {
    return acceptedValues.includes(value);
  }

  let lastReadingMs = 0;
  /** Publishes uplink `no2` with QoS 1, timed after every uplink before it so the hub takes it. */
  function publishNext(no2: number): Promise<unknown> {
    lastReadingMs = Math.max(lastReadingMs + 1, Date.now());
    return publisher.publishAsync(TOPIC, uplink(no2, new Date(lastReadingMs)), { qos: 1 });
  }

  /**
   * Publishes probe uplinks `from`, `from + 1`, … until one reaches the hub, which shows the server is
   * subscribed again. One published before the broker has the SUBSCRIBE has no subscriber to go to.
   */
  async function untilSubscribed(from: number): Promise<void> {
    const started = Date.now();
    for (let probe = from; !acceptedValues.some((n) => n >= from && n < from + 100); probe++) {
      if (Date.now() - started > 10_000)
        throw new Error(`no probe uplink reached the hub within 10 s after the broker was back`);
      await publishNext(probe);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** Twenty uplinks published once the server is subscribed again: each reaches the hub and the viewer. */
  async function expectEveryUplinkArrives(first: number): Promise<void> {
    const sent = Array.from({ length: 20 }, (_, i) => first + i);
    for (const n of sent) await publishNext(n);
    await waitFor(() => hubHas(first + 19), 10_000, 'the readings after the restart');
    expect(sent.filter((n) => !hubHas(n))).toEqual([]);
    expect(acceptedValues.filter((n) => n >= first && n < first + 20)).toHaveLength(20);
    await waitFor(() => seenNo2.has(first + 19), 5_000, `the viewer to see no2 = ${first + 19}`);
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
