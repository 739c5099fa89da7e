/**
 * The MQTT adapter against a real Mosquitto without persistence, reached through a link that can drop
 * a SUBSCRIBE on its way: when the broker ends up with a session for the adapter's client id but no
 * subscription in it, it answers the next CONNECT with sessionPresent = 1, and only a SUBSCRIBE sent
 * on every connect brings the readings back.
 */
import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';
import type { MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadCityPack } from '../../cityPack/loadCityPack.ts';
import type { CityPack } from '../../cityPack/loadCityPack.ts';
import { createSystemClock } from '../../clock.ts';
import { Hub } from '../../hub/hub.ts';
import type { Logger } from '../../logger.ts';
import type { MqttLink, TestBroker } from '../../testing/mosquitto.ts';
import { createMqttLink, createTestBroker, mosquittoAvailable } from '../../testing/mosquitto.ts';
import type { MqttAdapter } from './mqttAdapter.ts';
import { createMqttAdapter } from './mqttAdapter.ts';

const SENSOR = 'env-elbenplatz';
const DEVICE = 'luft-1';
const TOPIC = `citytwin/test/${DEVICE}/state`;

interface LogRecord {
  readonly level: string;
  readonly message: string;
  readonly fields: Record<string, unknown> | undefined;
}

describe.skipIf(!mosquittoAvailable())('MQTT adapter when the broker lost its state', () => {
  let pack: CityPack;
  let broker: TestBroker;
  let link: MqttLink;
  let publisher: MqttClient;
  let adapter: MqttAdapter | undefined;
  let hub: Hub;
  let accepted: number[];
  let logs: LogRecord[];
  // Reading times grow across the whole file, so the hub takes every reading as the newest.
  const base = Date.now();
  let published = 0;

  beforeAll(async () => {
    pack = await loadCityPack(fileURLToPath(new URL('../../../../data/boeblingen-demo', import.meta.url)));
    broker = await createTestBroker({ persistence: false });
    await broker.start();
    link = await createMqttLink(broker);
    // The publisher goes straight to the broker, only the adapter's connection runs through the link.
    publisher = mqtt.connect(broker.url, {
      clientId: 'citytwin-adapter-test-publisher',
      reconnectPeriod: 200,
    });
    await new Promise<void>((resolve) => publisher.once('connect', () => resolve()));
  }, 30_000);

  afterAll(async () => {
    await publisher?.endAsync();
    await link?.close();
    await broker?.dispose();
  });

  afterEach(async () => {
    await adapter?.stop();
    adapter = undefined;
  });

  function startAdapter(clientId: string): MqttAdapter {
    hub = new Hub({ sensors: pack.sensors, clock: createSystemClock(1) });
    accepted = [];
    const ingest = hub.ingest.bind(hub);
    hub.ingest = (input, source) => {
      const result = ingest(input, source);
      if (result.accepted) accepted.push(result.observation.values.no2UgM3 ?? -1);
      return result;
    };
    logs = [];
    const record =
      (level: string) =>
      (message: string, fields?: Record<string, unknown>): void => {
        logs.push({ level, message, fields });
      };
    const logger: Logger = {
      debug: record('debug'),
      info: record('info'),
      warn: record('warn'),
      error: record('error'),
    };
    adapter = createMqttAdapter({
      source: {
        id: 'luft-test',
        url: link.url,
        clientId,
        topics: ['citytwin/test/+/state'],
        format: 'generic',
        deviceSegment: 2,
        timeField: 'ts',
        devices: [{ sourceId: DEVICE, sensorId: SENSOR, fields: [{ field: 'no2', quantity: 'no2UgM3' }] }],
      },
      hub,
      logger,
    });
    adapter.start();
    return adapter;
  }

  /** Publishes NO2 reading `no2` with QoS 1, timed after every reading published before it. */
  function publish(no2: number): Promise<unknown> {
    published += 1;
    const ts = new Date(base + published).toISOString();
    return publisher.publishAsync(TOPIC, JSON.stringify({ no2, ts }), { qos: 1 });
  }

  /**
   * Publishes probe readings until one reaches the hub: the adapter is subscribed again. A reading
   * published before the broker has its SUBSCRIBE has no subscriber and is dropped, so nothing
   * earlier can be counted on.
   */
  async function untilSubscribed(what: string): Promise<void> {
    const started = Date.now();
    for (let probe = 1; !accepted.some((n) => n >= 1000 && n < 2000); probe++) {
      if (Date.now() - started > 10_000)
        throw new Error(
          `${what}: no reading arrived within 10 s; connected = ${String(adapter?.connected())}, ` +
            `received = ${String(adapter?.received())}`,
        );
      await publish(1000 + probe);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** Every one of twenty readings published now, once subscribed, must arrive. */
  async function expectEveryReadingArrives(first: number): Promise<void> {
    const sent = Array.from({ length: 20 }, (_, i) => first + i);
    for (const n of sent) await publish(n);
    await waitFor(() => accepted.includes(first + 19), 10_000, `reading ${first + 19}`);
    expect(sent.filter((n) => !accepted.includes(n))).toEqual([]);
  }

  function sessionPresentOnEachConnect(): unknown[] {
    return logs.filter((l) => l.message.endsWith(' connected')).map((l) => l.fields?.sessionPresent);
  }

  it('subscribes again when the broker restarted empty and the reconnect lost its SUBSCRIBE', async () => {
    const source = startAdapter('citytwin-adapter-test-restart');
    await waitFor(() => source.connected(), 10_000, 'the adapter to connect');
    await untilSubscribed('first subscription');

    await broker.stop();
    // The broker comes back without sessions; the SUBSCRIBE after the first reconnect never reaches
    // it, but the CONNECT made it create a persistent session for the adapter's client id.
    const cut = link.cutNextSubscribe();
    await broker.start();
    await cut;
    accepted.length = 0;
    await waitFor(() => sessionPresentOnEachConnect().length === 3, 10_000, 'the second reconnect');
    await waitFor(() => source.connected(), 10_000, 'the adapter to be connected');
    // A session without subscriptions: mqtt.js itself resubscribes only when sessionPresent is false.
    expect(sessionPresentOnEachConnect()).toEqual([false, false, true]);

    await untilSubscribed('after the restart');
    await expectEveryReadingArrives(3000);
  }, 60_000);

  it('subscribes again when its first SUBSCRIBE after start was lost', async () => {
    const cut = link.cutNextSubscribe();
    const source = startAdapter('citytwin-adapter-test-first');
    await cut;
    await waitFor(() => sessionPresentOnEachConnect().length === 2, 10_000, 'the reconnect');
    await waitFor(() => source.connected(), 10_000, 'the adapter to be connected');
    expect(sessionPresentOnEachConnect()).toEqual([false, true]);

    await untilSubscribed('after the reconnect');
    await expectEveryReadingArrives(4000);
  }, 60_000);

  it('sends a SUBSCRIBE on a present session too, and it keeps the queued readings', async () => {
    const source = startAdapter('citytwin-adapter-test-present');
    await waitFor(() => source.connected(), 10_000, 'the adapter to connect');
    await untilSubscribed('first subscription');
    await source.stop();
    adapter = undefined;

    // Queued for the absent adapter by its persistent session while it is away.
    for (let n = 5000; n < 5020; n++) await publish(n);
    const again = startAdapter('citytwin-adapter-test-present');
    await waitFor(() => accepted.includes(5019), 10_000, 'the queued readings');
    expect(Array.from({ length: 20 }, (_, i) => 5000 + i).filter((n) => !accepted.includes(n))).toEqual([]);
    expect(sessionPresentOnEachConnect()).toEqual([true]);
    await waitFor(() => logs.some((l) => l.message.endsWith(' subscribed')), 5_000, 'the SUBACK');
    expect(again.connected()).toBe(true);
  }, 60_000);
});

async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
