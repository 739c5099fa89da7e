/**
 * The SensorThings adapter against a stand-in FROST-Server (serving FROST's own sample answers) and,
 * where Mosquitto is installed, a real broker: catalogue paging, initial values, MQTT, the polling
 * fallback and recovery from a failing server, all into a real Hub.
 */
import mqtt from 'mqtt';
import type { MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Sensor } from '../../../../protocol/index.ts';
import { FIXTURES_TAG } from '../../../../scripts/fixtures/fixturesDir.ts';
import { describeWithFixtures, SKIP_FIXTURE_TESTS } from '../../../../scripts/fixtures/withFixtures.ts';
import { createManualClock } from '../../clock.ts';
import { Hub } from '../../hub/hub.ts';
import type { RejectionReason } from '../../hub/hub.ts';
import type { Logger } from '../../logger.ts';
import type { FrostStandIn, FrostStandInOptions } from '../../testing/frostStandIn.ts';
import { createFrostStandIn } from '../../testing/frostStandIn.ts';
import type { TestBroker } from '../../testing/mosquitto.ts';
import { createTestBroker, mosquittoAvailable } from '../../testing/mosquitto.ts';
import type { DeviceMapping } from '../normalize.ts';
import type { SensorThingsAdapter, SensorThingsSource } from './staAdapter.ts';
import { createSensorThingsAdapter } from './staAdapter.ts';
import { SensorThingsSourceSchema } from './staSourceConfig.ts';

const SOURCE_ID = 'frost-test';
const UUID = '7b4e1c2a-b198-11f0-a67c-63170af7411e';
/** The phenomenonTime of the FROST docs sample's Observations. */
const T_SAMPLE = Date.UTC(2020, 3, 10, 16, 0, 0);
const at = (minutes: number) => new Date(T_SAMPLE + minutes * 60_000).toISOString();

function sensor(id: string, kind: Sensor['kind'], quantities: string[]): Sensor {
  return {
    id,
    kind,
    name: id,
    position: [9.01, 48.685, 0],
    object: { type: 'site', id: `site-${id}` },
    quantities,
    intervalMs: 60_000,
    thresholds: {},
    visibility: 'public',
    attributes: {},
  };
}

const SENSORS: Sensor[] = [
  sensor('env-lantern-temp', 'environment', ['temperatureC']),
  sensor('env-lantern-rh', 'environment', ['humidityPercent']),
  sensor('water-murkenbach', 'water', ['levelCm', 'waterTempC']),
  sensor('traffic-herrenberger', 'traffic', ['occupancyPercent']),
  sensor('parking-stadtmitte', 'parking', ['freeSpaces']),
];

const MAPPINGS: DeviceMapping[] = [
  { sourceId: '19', sensorId: 'env-lantern-temp', fields: [{ field: 'value', quantity: 'temperatureC' }] },
  { sourceId: '21', sensorId: 'env-lantern-rh', fields: [{ field: 'value', quantity: 'humidityPercent' }] },
  {
    sourceId: UUID,
    sensorId: 'water-murkenbach',
    fields: [
      { field: 'level', quantity: 'levelCm', scale: 100 },
      { field: 'temp.water', quantity: 'waterTempC', offset: -273.15 },
    ],
  },
  // Datastream 32 is the third of its Thing: only the nested Datastreams@iot.nextLink page has it.
  {
    sourceId: '32',
    sensorId: 'traffic-herrenberger',
    fields: [{ field: 'value', quantity: 'occupancyPercent' }],
  },
  // The server has no datastream 999.
  { sourceId: '999', sensorId: 'env-gone', fields: [{ field: 'value', quantity: 'temperatureC' }] },
];

interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
}

function captureLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: LogLine['level']) => (message: string) => lines.push({ level, message });
  return { logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }, lines };
}

async function waitFor(
  condition: () => boolean,
  timeoutMs: number,
  what: string,
  context: () => unknown = () => undefined,
): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) {
      const seen = context();
      throw new Error(
        `timed out waiting for ${what}${seen === undefined ? '' : `: ${JSON.stringify(seen)}`}`,
      );
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Harness {
  hub: Hub;
  standIn: FrostStandIn;
  adapter: SensorThingsAdapter;
  lines: LogLine[];
  /** Every value the hub accepted from the source, per sensor, in order. */
  accepted: Map<string, Record<string, number>[]>;
  rejectedReasons: RejectionReason[];
  value(sensorId: string, quantity: string): number | undefined;
  observationRequests(): string[];
}

let running: Harness[] = [];

afterEach(async () => {
  for (const h of running) {
    await h.adapter.stop();
    await h.standIn.close();
  }
  running = [];
});

async function setup(
  overrides: Partial<SensorThingsSource> = {},
  standInOptions: FrostStandInOptions = {},
  prepare: (standIn: FrostStandIn) => void = () => undefined,
): Promise<Harness> {
  const standIn = await createFrostStandIn(standInOptions);
  prepare(standIn);
  const rejectedReasons: RejectionReason[] = [];
  const hub = new Hub({
    sensors: SENSORS,
    // Two hours after the sample's Observations: the hub refuses readings from far in the past.
    clock: createManualClock(T_SAMPLE + 2 * 3_600_000),
    metrics: { readingAccepted: () => undefined, readingRejected: (reason) => rejectedReasons.push(reason) },
  });
  const accepted = new Map<string, Record<string, number>[]>();
  const ingest = hub.ingest.bind(hub);
  hub.ingest = (input, source) => {
    const result = ingest(input, source);
    if (result.accepted && source === SOURCE_ID) {
      const list = accepted.get(result.observation.sensorId) ?? [];
      list.push(result.observation.values);
      accepted.set(result.observation.sensorId, list);
    }
    return result;
  };
  const { logger, lines } = captureLogger();
  const adapter = createSensorThingsAdapter({
    source: {
      id: SOURCE_ID,
      url: standIn.url,
      clientId: `citytwin-test-${SOURCE_ID}`,
      pollIntervalMs: 200,
      datastreams: MAPPINGS,
      ...overrides,
    },
    hub,
    logger,
  });
  const harness: Harness = {
    hub,
    standIn,
    adapter,
    lines,
    accepted,
    rejectedReasons,
    value: (sensorId, quantity) => hub.state(sensorId)?.observation?.values[quantity],
    observationRequests: () => standIn.requests.filter((r) => r.includes('/Observations')),
  };
  running.push(harness);
  adapter.start();
  return harness;
}

describe('SensorThingsSourceSchema', () => {
  it('fills the defaults and refuses a non-HTTP root, a bad MQTT URL and a datastream mapped twice', () => {
    const ok = SensorThingsSourceSchema.parse({
      type: 'sensorthings',
      id: 'frost-stadtwerke',
      url: 'https://frost.example/FROST-Server/v1.1',
      datastreams: [MAPPINGS[0]],
    });
    expect(ok.pollIntervalMs).toBe(60_000);
    expect(ok.mqttUrl).toBeUndefined();
    const bad = SensorThingsSourceSchema.safeParse({
      type: 'sensorthings',
      id: 'frost-stadtwerke',
      url: 'ftp://frost.example/v1.1',
      mqttUrl: 'http://frost.example:1883',
      pollIntervalMs: 10,
      passwordEnv: 'FROST_PASSWORD',
      datastreams: [MAPPINGS[0], MAPPINGS[0]],
    });
    expect(bad.success).toBe(false);
    const paths = bad.error?.issues.map((issue) => issue.path.join('.')).sort();
    expect(paths).toEqual(['datastreams.1.sourceId', 'mqttUrl', 'passwordEnv', 'pollIntervalMs', 'url']);
  });
});

describeWithFixtures('SensorThings adapter over HTTP (stand-in FROST-Server)', () => {
  it('loads the catalogue over several pages and a nested Datastreams page, naming missing and unmapped datastreams', async () => {
    const h = await setup();
    await waitFor(() => h.adapter.status().catalogueLoaded, 3_000, 'the catalogue');
    const status = h.adapter.status();
    expect(status).toMatchObject({
      things: 5,
      serverDatastreams: 8,
      mappedDatastreams: 5,
      foundDatastreams: 4,
      missingDatastreams: ['999'],
      unmappedDatastreams: 4,
      mode: 'polling',
      mqttConnected: false,
    });
    const thingsPages = h.standIn.requests.filter((r) => r.startsWith('/FROST-Server/v1.1/Things?'));
    expect(thingsPages).toHaveLength(3);
    expect(thingsPages[0]).toBe('/FROST-Server/v1.1/Things?$expand=Datastreams,Locations');
    expect(thingsPages[2]).toContain('$skip=4');
    expect(
      h.standIn.requests.filter((r) => r.startsWith('/FROST-Server/v1.1/Things(20)/Datastreams')),
    ).toHaveLength(1);
    const warnings = h.lines.filter((l) => l.level === 'warn').map((l) => l.message);
    expect(warnings.some((m) => m.includes('1 of 5 mapped datastreams are not on the server: 999'))).toBe(
      true,
    );
    expect(h.lines.some((l) => l.message.includes('4 server datastreams are not mapped to a sensor'))).toBe(
      true,
    );
    // Datastream 999 is never polled: the server does not have it.
    await waitFor(() => h.adapter.status().counts.pollRounds >= 1, 3_000, 'the first poll round');
    expect(h.observationRequests().some((r) => r.includes('Datastreams(999)'))).toBe(false);
  });

  it('sends thingsFilter as the catalogue $filter and basic auth on every request', async () => {
    const h = await setup(
      { thingsFilter: "properties/owner eq 'Stadtwerke'", username: 'citytwin', password: 's3cret' },
      { basicAuth: { username: 'citytwin', password: 's3cret' } },
    );
    await waitFor(() => h.value('env-lantern-temp', 'temperatureC') !== undefined, 3_000, 'an initial value');
    expect(h.standIn.requests[0]).toBe(
      "/FROST-Server/v1.1/Things?$expand=Datastreams,Locations&$filter=properties/owner eq 'Stadtwerke'",
    );
    expect(h.adapter.status().counts.httpFailures).toBe(0);
  });

  it('delivers the newest Observation of each mapped datastream as its initial value', async () => {
    const h = await setup({}, {}, (standIn) => {
      standIn.addObservation('19', { phenomenonTime: at(-60), result: 3.0 });
      standIn.addObservation(UUID, {
        phenomenonTime: at(0),
        result: { level: 1.25, temp: { water: 285.15 } },
      });
      standIn.addObservation('32', { phenomenonTime: at(-1), result: 17 });
    });
    await waitFor(() => h.accepted.size === 4, 3_000, 'four initial values');
    expect(h.hub.state('env-lantern-temp')?.observation).toEqual({
      sensorId: 'env-lantern-temp',
      observedAt: T_SAMPLE,
      values: { temperatureC: 4.6 },
      quality: 'good',
    });
    expect(h.value('env-lantern-rh', 'humidityPercent')).toBe(40.5);
    expect(h.value('water-murkenbach', 'levelCm')).toBe(125);
    expect(h.value('water-murkenbach', 'waterTempC')).toBeCloseTo(12, 9);
    expect(h.value('traffic-herrenberger', 'occupancyPercent')).toBe(17);
    // Only the newest one each, not the older Observation of datastream 19.
    expect(h.accepted.get('env-lantern-temp')).toEqual([{ temperatureC: 4.6 }]);
    const requests = h.observationRequests();
    expect(requests).toContain(
      '/FROST-Server/v1.1/Datastreams(19)/Observations?$top=1&$orderby=phenomenonTime desc',
    );
    expect(
      requests.some((r) => r.startsWith(`/FROST-Server/v1.1/Datastreams('${UUID}')/Observations?`)),
    ).toBe(true);
    expect(h.hub.deadLetters()).toEqual([]);
  });

  it('polls without mqttUrl and delivers every Observation added later, following nextLinks, once each', async () => {
    const h = await setup({}, { maxTop: 2 });
    await waitFor(() => h.value('env-lantern-temp', 'temperatureC') === 4.6, 3_000, 'the initial value');
    for (let i = 1; i <= 5; i += 1)
      h.standIn.addObservation('19', { phenomenonTime: at(i), result: 5 + i / 10 });
    await waitFor(() => h.value('env-lantern-temp', 'temperatureC') === 5.5, 3_000, 'the polled values');
    expect(h.accepted.get('env-lantern-temp')).toEqual(
      [4.6, 5.1, 5.2, 5.3, 5.4, 5.5].map((temperatureC) => ({ temperatureC })),
    );
    expect(h.hub.state('env-lantern-temp')?.observation?.observedAt).toBe(T_SAMPLE + 5 * 60_000);
    const requests = h.observationRequests();
    expect(
      requests.some((r) =>
        r.startsWith(
          '/FROST-Server/v1.1/Datastreams(19)/Observations?$filter=phenomenonTime gt 2020-04-10T16:00:00.000Z&$orderby=phenomenonTime asc',
        ),
      ),
    ).toBe(true);
    // Five new Observations at two per page: the poll followed the nextLinks.
    expect(requests.some((r) => r.includes('Datastreams(19)') && r.includes('$skip=4'))).toBe(true);
    // Polls that find nothing new deliver nothing twice: no out-of-order rejections.
    await sleep(500);
    expect(h.accepted.get('env-lantern-temp')).toHaveLength(6);
    expect(h.rejectedReasons).toEqual([]);
    expect(h.adapter.status().lastPoll?.ok).toBe(true);
  });

  it('retries a failing catalogue (500, then garbage) with growing delays, never throws, and loads it once the server is back', async () => {
    const h = await setup({ pollIntervalMs: 100 }, {}, (standIn) => standIn.setFailure('http-500'));
    await waitFor(() => h.adapter.status().catalogueFailures >= 2, 3_000, 'two failed catalogue loads');
    expect(h.adapter.status().catalogueLoaded).toBe(false);
    h.standIn.setFailure('garbage');
    await waitFor(() => h.hub.deadLetters().length > 0, 3_000, 'a dead letter for the garbage');
    const letter = h.hub.deadLetters()[0];
    expect(letter?.source).toBe(SOURCE_ID);
    expect(letter?.reason).toBe('invalid-payload');
    expect(letter?.message).toContain('not JSON');
    expect(letter?.input).toContain('502 Bad Gateway');
    h.standIn.setFailure('none');
    await waitFor(() => h.accepted.size === 2, 15_000, 'the initial values after recovery');
    expect(h.adapter.status()).toMatchObject({ catalogueLoaded: true, catalogueFailures: 0, things: 5 });
    const delays = h.lines
      .filter((l) => l.message.includes('catalogue not loaded'))
      .map((l) => Number(/next try in (\d+) ms/.exec(l.message)?.[1]));
    expect(delays.length).toBeGreaterThanOrEqual(3);
    expect(delays.slice(0, 3)).toEqual([200, 400, 800]);
    expect(h.lines.some((l) => l.message.includes('answered 500'))).toBe(true);
  });

  it('turns garbage Observation answers into dead letters, backs off on 500 and delivers what was missed once the server is back', async () => {
    const h = await setup();
    await waitFor(() => h.adapter.status().lastPoll?.ok === true, 3_000, 'the initial values');
    expect(h.value('env-lantern-temp', 'temperatureC')).toBe(4.6);
    h.standIn.setFailure('garbage', 'Observations');
    h.standIn.addObservation('19', { phenomenonTime: at(10), result: 7 });
    await waitFor(() => h.adapter.status().lastPoll?.ok === false, 3_000, 'a failed poll');
    expect(h.adapter.status().lastPoll?.failedDatastreams).toBe(4);
    const letters = h.hub.deadLetters().filter((l) => l.message.includes('Datastream 19 Observations'));
    expect(letters.length).toBeGreaterThan(0);
    expect(letters[0]?.reason).toBe('invalid-payload');
    h.standIn.setFailure('http-500', 'Observations');
    const failuresBefore = h.adapter.status().counts.httpFailures;
    await waitFor(() => h.adapter.status().counts.httpFailures > failuresBefore, 3_000, 'a 500 answer');
    expect(h.value('env-lantern-temp', 'temperatureC')).toBe(4.6);
    h.standIn.setFailure('none');
    await waitFor(() => h.value('env-lantern-temp', 'temperatureC') === 7, 15_000, 'the missed value');
    await waitFor(() => h.adapter.status().lastPoll?.ok === true, 3_000, 'a good poll');
    expect(h.accepted.get('env-lantern-temp')).toEqual([{ temperatureC: 4.6 }, { temperatureC: 7 }]);
    expect(h.lines.some((l) => l.message.includes('polling works again'))).toBe(true);
  });

  it('stops at a nextLink that loops and follows links built on a wrong serviceRootUrl on the configured root', async () => {
    const h = await setup(
      {},
      // The host the FROST docs sample itself links to: a server that was not told its public URL.
      { loopingThingsNextLink: true, serviceRootUrl: 'http://server.de/FROST-Server/v1.1' },
    );
    await waitFor(() => h.adapter.status().catalogueLoaded, 3_000, 'the catalogue');
    expect(h.adapter.status()).toMatchObject({ things: 5, serverDatastreams: 8, foundDatastreams: 4 });
    // Three pages and the first one again, recognised by its Things; not one request more.
    expect(h.standIn.requests.filter((r) => r.startsWith('/FROST-Server/v1.1/Things?'))).toHaveLength(4);
    const warnings = h.lines.filter((l) => l.level === 'warn').map((l) => l.message);
    expect(warnings.some((m) => m.includes('leads back to what was already read'))).toBe(true);
    expect(
      warnings.some((m) => m.includes('http://server.de/FROST-Server/v1.1') && m.includes('serviceRootUrl')),
    ).toBe(true);
    await waitFor(() => h.accepted.size === 2, 3_000, 'the initial values');
  });
});

/** An Observation as FROST publishes it on `v1.1/Datastreams(id)/Observations`. */
function published(id: number, phenomenonTime: string, result: unknown): string {
  return JSON.stringify({
    '@iot.selfLink': `http://server.de/FROST-Server/v1.1/Observations(${id})`,
    '@iot.id': id,
    phenomenonTime,
    resultTime: phenomenonTime,
    result,
    'Datastream@iot.navigationLink': `http://server.de/FROST-Server/v1.1/Observations(${id})/Datastream`,
    'FeatureOfInterest@iot.navigationLink': `http://server.de/FROST-Server/v1.1/Observations(${id})/FeatureOfInterest`,
  });
}

// The stand-in serves the real FROST samples, so this needs them as well as the broker.
const withMqtt = { skip: !mosquittoAvailable() || SKIP_FIXTURE_TESTS, tags: [FIXTURES_TAG] };
describe('SensorThings adapter with MQTT on a real Mosquitto', withMqtt, () => {
  let broker: TestBroker;
  let publisher: MqttClient;

  beforeAll(async () => {
    broker = await createTestBroker();
    await broker.start();
    publisher = mqtt.connect(broker.url, { clientId: 'citytwin-sta-publisher', reconnectPeriod: 200 });
    await new Promise<void>((resolve) => publisher.once('connect', () => resolve()));
  }, 30_000);

  afterAll(async () => {
    await publisher?.endAsync();
    await broker?.dispose();
  });

  it('delivers Observations published for numeric and quoted datastream ids, and turns away oversized ones', async () => {
    const h = await setup({ mqttUrl: broker.url, clientId: 'citytwin-sta-deliver' });
    await waitFor(
      () => h.adapter.status().mode === 'mqtt' && h.accepted.size === 2 && !h.adapter.status().pollingActive,
      15_000,
      'MQTT, the initial values and the catch-up poll',
      () => h.adapter.status(),
    );
    const pollsBefore = h.observationRequests().length;
    await publisher.publishAsync('v1.1/Datastreams(19)/Observations', published(5001, at(20), 9.9), {
      qos: 1,
    });
    await publisher.publishAsync(
      `v1.1/Datastreams('${UUID}')/Observations`,
      published(5002, at(20), { level: 2, temp: { water: 283.15 } }),
      { qos: 1 },
    );
    await publisher.publishAsync('v1.1/Datastreams(19)/Observations', 'x'.repeat(70 * 1024), { qos: 1 });
    await waitFor(() => h.adapter.status().counts.mqttMessages === 3, 15_000, 'three MQTT messages');
    expect(h.hub.state('env-lantern-temp')?.observation).toMatchObject({
      observedAt: T_SAMPLE + 20 * 60_000,
      values: { temperatureC: 9.9 },
    });
    expect(h.value('water-murkenbach', 'levelCm')).toBe(200);
    expect(h.value('water-murkenbach', 'waterTempC')).toBeCloseTo(10, 9);
    expect(h.hub.deadLetters().map((l) => l.reason)).toEqual(['too-large']);
    // Subscribed: no polling while MQTT is up.
    await sleep(600);
    expect(h.observationRequests()).toHaveLength(pollsBefore);
  });

  it('polls while the broker is down and, back on MQTT, catches up on the gap and stops polling', async () => {
    const h = await setup({ mqttUrl: broker.url, clientId: 'citytwin-sta-fallback', pollIntervalMs: 500 });
    await waitFor(
      () => h.adapter.status().mode === 'mqtt' && h.accepted.size === 2 && !h.adapter.status().pollingActive,
      15_000,
      'MQTT and the initial values',
      () => h.adapter.status(),
    );
    const catchUpsBefore = h.adapter.status().counts.catchUpRounds;
    await broker.stop();
    await waitFor(() => h.adapter.status().mode === 'polling', 3_000, 'the fallback to polling');
    expect(h.adapter.status().pollingActive).toBe(true);
    h.standIn.addObservation('19', { phenomenonTime: at(30), result: 11.1 });
    await waitFor(() => h.value('env-lantern-temp', 'temperatureC') === 11.1, 3_000, 'a polled value');
    // Published nowhere: only a poll can bring it.
    h.standIn.addObservation('21', { phenomenonTime: at(31), result: 55 });
    await broker.start();
    await waitFor(() => h.adapter.status().mode === 'mqtt', 15_000, 'MQTT back');
    await waitFor(() => h.value('env-lantern-rh', 'humidityPercent') === 55, 3_000, 'the gap value');
    await waitFor(() => !h.adapter.status().pollingActive, 3_000, 'polling to stop');
    expect(h.adapter.status().counts.catchUpRounds).toBeGreaterThan(catchUpsBefore);
    const requests = h.observationRequests().length;
    await sleep(1_200);
    expect(h.observationRequests()).toHaveLength(requests);
    // And MQTT delivers again.
    await publisher.publishAsync('v1.1/Datastreams(19)/Observations', published(5003, at(40), 12.5), {
      qos: 1,
    });
    await waitFor(() => h.value('env-lantern-temp', 'temperatureC') === 12.5, 15_000, 'an MQTT value');
    expect(h.rejectedReasons).toEqual([]);
  }, 45_000);

  it('counts the first poll as the catch-up when MQTT subscribed before the catalogue came', async () => {
    const h = await setup({ mqttUrl: broker.url, clientId: 'citytwin-sta-late-catalogue' }, {}, (standIn) =>
      standIn.setFailure('http-500'),
    );
    await waitFor(() => h.adapter.status().mqttConnected, 15_000, 'the MQTT subscription');
    expect(h.adapter.status().catalogueLoaded).toBe(false);
    h.standIn.setFailure('none');
    await waitFor(
      () => {
        const status = h.adapter.status();
        return status.catalogueLoaded && status.counts.catchUpRounds >= 1 && !status.pollingActive;
      },
      15_000,
      'the catalogue and the catch-up poll',
      () => h.adapter.status(),
    );
    expect(h.accepted.size).toBe(2);
    // Nothing owed: no poll after that one while MQTT is up.
    const requests = h.observationRequests().length;
    await sleep(600);
    expect(h.observationRequests()).toHaveLength(requests);
  });

  it('quotes a datastream id the catalogue shows to be a string, in URLs and MQTT topics', async () => {
    const parking: DeviceMapping = {
      sourceId: '50',
      sensorId: 'parking-stadtmitte',
      fields: [{ field: 'value', quantity: 'freeSpaces' }],
    };
    const h = await setup(
      { mqttUrl: broker.url, clientId: 'citytwin-sta-string-id', datastreams: [...MAPPINGS, parking] },
      { stringDatastreamIds: [50] },
      (standIn) => standIn.addObservation('50', { phenomenonTime: at(0), result: 120 }),
    );
    // A catch-up poll follows the SUBACK of the subscription made with the catalogue's id types.
    await waitFor(
      () => {
        const status = h.adapter.status();
        return status.mode === 'mqtt' && status.counts.catchUpRounds >= 1 && !status.pollingActive;
      },
      15_000,
      'MQTT with the catalogue and the catch-up poll',
      () => ({ status: h.adapter.status(), log: h.lines.slice(-8) }),
    );
    expect(h.value('parking-stadtmitte', 'freeSpaces')).toBe(120);
    expect(h.observationRequests()).toContain(
      "/FROST-Server/v1.1/Datastreams('50')/Observations?$top=1&$orderby=phenomenonTime desc",
    );
    expect(h.observationRequests().some((r) => r.includes('Datastreams(50)'))).toBe(false);
    await publisher.publishAsync("v1.1/Datastreams('50')/Observations", published(5005, at(5), 118), {
      qos: 1,
    });
    await waitFor(() => h.value('parking-stadtmitte', 'freeSpaces') === 118, 15_000, 'the MQTT value');
  });

  it('turns away Observations of a datastream no mapping names as unknown-device (an old session subscription)', async () => {
    // A first run mapped datastream 30; the broker keeps that subscription in the persistent session.
    const withThirty: DeviceMapping = {
      sourceId: '30',
      sensorId: 'traffic-herrenberger',
      fields: [{ field: 'value', quantity: 'occupancyPercent' }],
    };
    const first = await setup({
      mqttUrl: broker.url,
      clientId: 'citytwin-sta-session',
      datastreams: [...MAPPINGS, withThirty],
    });
    await waitFor(() => first.adapter.status().mode === 'mqtt', 15_000, 'the first run on MQTT');
    await first.adapter.stop();
    const h = await setup({ mqttUrl: broker.url, clientId: 'citytwin-sta-session' });
    await waitFor(() => h.adapter.status().mode === 'mqtt', 15_000, 'the second run on MQTT');
    await publisher.publishAsync('v1.1/Datastreams(30)/Observations', published(5004, at(50), 80), {
      qos: 1,
    });
    await waitFor(() => h.hub.deadLetters().length > 0, 15_000, 'a dead letter');
    const letter = h.hub.deadLetters()[0];
    expect(letter?.reason).toBe('unknown-device');
    expect(letter?.source).toBe(SOURCE_ID);
    expect(letter?.message).toContain('no mapping names Datastream 30');
    expect(h.value('traffic-herrenberger', 'occupancyPercent')).not.toBe(80);
  });
});
