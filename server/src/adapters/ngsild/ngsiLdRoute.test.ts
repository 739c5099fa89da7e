/**
 * The NGSI-LD notify endpoint over real HTTP: the router mounted in a bare express app on port 0 with
 * real hubs, fed the Smart Data Models examples as a broker would send them.
 */
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Sensor } from '../../../../protocol/index.ts';
import { fixture as fixturePath } from '../../../../scripts/fixtures/fixturesDir.ts';
import { itWithFixtures } from '../../../../scripts/fixtures/withFixtures.ts';
import { WrongKeyThrottle } from '../../auth/accessKeys.ts';
import { createManualClock } from '../../clock.ts';
import type { ManualClock } from '../../clock.ts';
import { Hub } from '../../hub/hub.ts';
import { createLogger } from '../../logger.ts';
import { NgsiLdSourceSchema, ngsiLdDeviceMappings } from './ngsiLdSourceConfig.ts';
import { createNgsiLdRouter } from './ngsiLdRoute.ts';
import type { NgsiLdEntityRejection, NgsiLdSource } from './ngsiLdRoute.ts';

function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(fixturePath(`ngsi-ld/${name}`), 'utf8')) as Record<string, unknown>;
}

const PARKING_ID = 'urn:ngsi-ld:OffStreetParking:porto-ParkingLot-23889';
const TRAFFIC_ID = 'urn:ngsi-ld:TrafficFlowObserved:TrafficFlowObserved-Valladolid-osm-60821110';
const AIR_ID = 'urn:ngsi-ld:AirQualityObserved:Madrid-AmbientObserved-28079004-2016-03-15T11:00:00';
const KEY = 'fiware-porto-test-key-0123456789';
const OTHER_KEY = 'fiware-madrid-key-abcdef9876543210';
const ORPHAN_KEY = 'fiware-orphan-key-0000111122223333';
/** Minutes after the examples' own times, so the hub takes them as recent readings. */
const PARKING_NOW = Date.UTC(2018, 8, 21, 12, 1, 0);
const TRAFFIC_NOW = Date.UTC(2016, 11, 7, 11, 16, 0);
const AIR_NOW = Date.UTC(2016, 2, 15, 11, 5, 0);
const MAX_BODY_BYTES = 64 * 1024;

function sensor(id: string, kind: Sensor['kind'], quantities: string[]): Sensor {
  return {
    id,
    kind,
    name: id,
    position: [-8.61, 41.15, 0],
    object: { type: 'site', id },
    quantities,
    intervalMs: 300_000,
    thresholds: {},
    visibility: 'public',
    attributes: {},
  };
}

/** The sources as the config schema parses them, resolved the way the app resolves push sources. */
const porto = NgsiLdSourceSchema.parse({
  type: 'ngsi-ld',
  id: 'fiware-porto',
  apiKey: KEY,
  entities: [
    {
      entityId: PARKING_ID,
      sensorId: 'parking-trindade',
      attributes: [
        { field: 'availableSpotNumber', quantity: 'freeSpaces' },
        { field: 'occupiedSpotNumber', quantity: 'occupiedSpaces' },
      ],
    },
    {
      entityId: TRAFFIC_ID,
      sensorId: 'traffic-salamanca',
      attributes: [
        { field: 'intensity', quantity: 'flowVehicles' },
        { field: 'averageVehicleSpeed', quantity: 'speedKmh' },
      ],
    },
    {
      // Mapped here, but the city's registry has no such sensor: the hub turns it away.
      entityId: 'urn:ngsi-ld:OffStreetParking:not-registered',
      sensorId: 'parking-nowhere',
      attributes: [{ field: 'availableSpotNumber', quantity: 'freeSpaces' }],
    },
  ],
});
const madrid = NgsiLdSourceSchema.parse({
  type: 'ngsi-ld',
  id: 'fiware-madrid',
  city: 'madrid',
  apiKeyEnv: 'MADRID_KEY',
  entities: [
    {
      entityId: AIR_ID,
      sensorId: 'env-plaza-espana',
      attributes: [
        { field: 'NO2', quantity: 'no2UgM3' },
        { field: 'relativeHumidity', quantity: 'humidityPercent', scale: 100 },
      ],
    },
  ],
});
const sources: NgsiLdSource[] = [
  { id: porto.id, cityId: 'porto', apiKey: KEY, mappings: ngsiLdDeviceMappings(porto) },
  { id: madrid.id, cityId: 'madrid', apiKey: OTHER_KEY, mappings: ngsiLdDeviceMappings(madrid) },
  { id: 'fiware-orphan', cityId: 'atlantis', apiKey: ORPHAN_KEY, mappings: new Map() },
];

let server: Server;
let baseUrl: string;
let hubs: Map<string, Hub>;
let clock: ManualClock;

beforeAll(async () => {
  const app = express();
  app.use(
    createNgsiLdRouter({
      sources,
      hubFor: (cityId) => hubs.get(cityId),
      logger: createLogger('silent'),
      throttle: new WrongKeyThrottle({ logger: createLogger('silent'), now: Date.now }),
      maxBodyBytes: MAX_BODY_BYTES,
      now: () => clock.now(),
    }),
  );
  server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
});

beforeEach(() => {
  // Fresh hubs per test: no test sees another's readings or dead letters.
  clock = createManualClock(PARKING_NOW);
  hubs = new Map([
    [
      'porto',
      new Hub({
        clock,
        sensors: [
          sensor('parking-trindade', 'parking', ['freeSpaces', 'occupiedSpaces']),
          sensor('traffic-salamanca', 'traffic', ['flowVehicles', 'speedKmh']),
        ],
      }),
    ],
    ['madrid', new Hub({ clock, sensors: [sensor('env-plaza-espana', 'environment', ['no2UgM3'])] })],
  ]);
});

function notification(...data: unknown[]): string {
  return JSON.stringify({
    id: 'urn:ngsi-ld:Notification:0001',
    type: 'Notification',
    subscriptionId: 'urn:ngsi-ld:Subscription:citytwin',
    notifiedAt: '2026-11-18T09:59:59.500Z',
    data,
  });
}

function notify(body: string, headers: Record<string, string>): Promise<Response> {
  return fetch(`${baseUrl}/api/v1/ngsi-ld/notify`, { method: 'POST', headers, body });
}

const asPorto = { 'content-type': 'application/ld+json', authorization: `Bearer ${KEY}` };

interface Answer {
  accepted: number;
  rejected: NgsiLdEntityRejection[];
  error?: string;
  reason?: string;
}

describe('POST /api/v1/ngsi-ld/notify', () => {
  itWithFixtures(
    "takes a broker's notifications of the parking and traffic examples into the source's city",
    async () => {
      clock.set(PARKING_NOW);
      const parking = await notify(
        notification(fixture('OffStreetParking-example-normalized.jsonld')),
        asPorto,
      );
      expect(parking.status).toBe(200);
      // availableSpotNumber at its observedAt, occupiedSpotNumber (no time given) at the receive time.
      expect(await parking.json()).toEqual({ accepted: 2, unchanged: 0, rejected: [] });
      clock.set(TRAFFIC_NOW);
      const traffic = await notify(
        notification(fixture('TrafficFlowObserved-example-normalized.jsonld')),
        asPorto,
      );
      expect(traffic.status).toBe(200);
      expect(await traffic.json()).toEqual({ accepted: 1, unchanged: 0, rejected: [] });
      const hub = hubs.get('porto');
      expect(hub?.state('traffic-salamanca')?.observation).toEqual({
        sensorId: 'traffic-salamanca',
        observedAt: Date.UTC(2016, 11, 7, 11, 15, 0),
        values: { flowVehicles: 197, speedKmh: 52.6 },
        quality: 'good',
      });
      // Both attributes show together, timed by the older (availableSpotNumber's own observedAt, a
      // minute before the receive time that dates occupiedSpotNumber) and as uncertain as the worse.
      expect(hub?.state('parking-trindade')?.observation).toEqual({
        sensorId: 'parking-trindade',
        observedAt: Date.UTC(2018, 8, 21, 12, 0, 0),
        values: { freeSpaces: 132, occupiedSpaces: 282 },
        quality: 'uncertain',
      });
      expect(hub?.deadLetters()).toEqual([]);

      // The broker notifies the whole entity again: the traffic reading it already gave is unchanged.
      const again = await notify(
        notification(fixture('TrafficFlowObserved-example-normalized.jsonld')),
        asPorto,
      );
      expect(again.status).toBe(200);
      expect(await again.json()).toEqual({ accepted: 0, unchanged: 1, rejected: [] });
      expect(hub?.deadLetters()).toEqual([]);
    },
  );

  itWithFixtures(
    'reads the key from X-API-Key, takes application/json, and feeds the hub of that key’s city only',
    async () => {
      const air = fixture('AirQualityObserved-example-normalized.jsonld');
      air.dateObserved = '2016-03-15T11:00:00+01:00/2016-03-15T12:00:00+01:00';
      clock.set(AIR_NOW);
      const response = await notify(JSON.stringify(air), {
        'content-type': 'application/json; charset=utf-8',
        'x-api-key': OTHER_KEY,
      });
      // humidityPercent is mapped but the registry has no such quantity: the reading still counts.
      expect(response.status).toBe(422);
      expect(await response.json()).toEqual({
        accepted: 1,
        unchanged: 0,
        rejected: [
          {
            index: 0,
            entityId: AIR_ID,
            reason: 'unknown-quantity',
            message: 'sensor "env-plaza-espana" has no quantity "humidityPercent" (known: no2UgM3)',
          },
        ],
      });
      expect(hubs.get('madrid')?.state('env-plaza-espana')?.observation).toEqual({
        sensorId: 'env-plaza-espana',
        observedAt: Date.UTC(2016, 2, 15, 11, 0, 0),
        values: { no2UgM3: 69 },
        quality: 'good',
      });
      expect(hubs.get('porto')?.deadLetters()).toEqual([]);
    },
  );

  itWithFixtures(
    'answers each turned-away entity with its index, id and reason, and keeps the good ones',
    async () => {
      clock.set(PARKING_NOW);
      const trafficWithoutSpeed = fixture('TrafficFlowObserved-example-normalized.jsonld');
      delete trafficWithoutSpeed.averageVehicleSpeed;
      // Moved next to the parking example's time, so the hub's clock suits both.
      trafficWithoutSpeed.dateObservedTo = '2018-09-21T11:55:00Z';
      const body = notification(
        fixture('OffStreetParking-example-normalized.jsonld'),
        { id: 'urn:ngsi-ld:OffStreetParking:unmapped', type: 'OffStreetParking' },
        trafficWithoutSpeed,
        'not an entity',
        {
          id: 'urn:ngsi-ld:OffStreetParking:not-registered',
          type: 'OffStreetParking',
          availableSpotNumber: { type: 'Property', value: 3, observedAt: '2018-09-21T11:59:00Z' },
        },
      );
      const response = await notify(body, asPorto);
      expect(response.status).toBe(422);
      const answer = (await response.json()) as Answer;
      expect(answer.accepted).toBe(3);
      expect(answer.rejected.map((r) => [r.index, r.entityId, r.reason])).toEqual([
        [1, 'urn:ngsi-ld:OffStreetParking:unmapped', 'unknown-device'],
        [2, TRAFFIC_ID, 'missing-value'],
        [3, undefined, 'invalid-payload'],
        [4, 'urn:ngsi-ld:OffStreetParking:not-registered', 'unknown-sensor'],
      ]);
      expect(answer.rejected[1]?.message).toBe(
        `${TRAFFIC_ID}: no attribute "averageVehicleSpeed" (for traffic-salamanca.speedKmh)`,
      );
      expect(answer.rejected[2]?.message).toBe('data[3] is "not an entity", not an NGSI-LD entity');
      const hub = hubs.get('porto');
      expect(hub?.state('traffic-salamanca')?.observation?.values).toEqual({ flowVehicles: 197 });
      expect(hub?.state('parking-trindade')?.observation?.values).toEqual({
        freeSpaces: 132,
        occupiedSpaces: 282,
      });
      // Every rejection is a dead letter of this source, with the entity it concerns beside it.
      const letters = hub?.deadLetters() ?? [];
      expect(letters.map((l) => [l.source, l.reason])).toEqual([
        ['fiware-porto', 'unknown-device'],
        ['fiware-porto', 'missing-value'],
        ['fiware-porto', 'invalid-payload'],
        ['fiware-porto', 'unknown-sensor'],
      ]);
      expect(letters[0]?.input).toContain('urn:ngsi-ld:OffStreetParking:unmapped');
    },
  );

  itWithFixtures(
    'answers an older state of an entity than the hub holds with the hub’s out-of-order',
    async () => {
      clock.set(TRAFFIC_NOW);
      const traffic = fixture('TrafficFlowObserved-example-normalized.jsonld');
      expect((await notify(notification(traffic), asPorto)).status).toBe(200);
      traffic.dateObservedTo = '2016-12-07T11:10:00Z';
      const older = await notify(notification(traffic), asPorto);
      expect(older.status).toBe(422);
      const answer = (await older.json()) as Answer;
      expect(answer.accepted).toBe(0);
      expect(answer.rejected.map((r) => [r.index, r.entityId, r.reason])).toEqual([
        [0, TRAFFIC_ID, 'out-of-order'],
      ]);
      expect(hubs.get('porto')?.state('traffic-salamanca')?.observation?.observedAt).toBe(
        Date.UTC(2016, 11, 7, 11, 15, 0),
      );
    },
  );

  it('takes an empty notification as nothing to do', async () => {
    const response = await notify(notification(), asPorto);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ accepted: 0, unchanged: 0, rejected: [] });
  });

  itWithFixtures('refuses a missing or unknown key with 401, before reading the body', async () => {
    const body = notification(fixture('TrafficFlowObserved-example-normalized.jsonld'));
    const none = await notify(body, { 'content-type': 'application/ld+json' });
    expect(none.status).toBe(401);
    expect(((await none.json()) as Answer).error).toContain('Authorization: Bearer');
    const wrong = await notify(body, { 'content-type': 'application/json', 'x-api-key': 'x'.repeat(32) });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ error: 'unknown API key' });
    const tooBigWithoutKey = await notify('x'.repeat(MAX_BODY_BYTES * 2), {
      'content-type': 'application/json',
    });
    expect(tooBigWithoutKey.status).toBe(401);
    expect(hubs.get('porto')?.state('traffic-salamanca')?.observation).toBeNull();
  });

  itWithFixtures(
    'refuses another content type or charset with 415, an oversized body with 413, and a body that is no NGSI-LD with 400',
    async () => {
      const xml = await notify('<entity/>', { ...asPorto, 'content-type': 'application/xml' });
      expect(xml.status).toBe(415);
      expect(((await xml.json()) as Answer).error).toBe(
        'content type application/xml is not accepted; send application/json or application/ld+json',
      );

      const big = notification(
        ...Array.from({ length: 200 }, () => fixture('OffStreetParking-example-normalized.jsonld')),
      );
      expect(big.length).toBeGreaterThan(MAX_BODY_BYTES);
      const tooLarge = await notify(big, asPorto);
      expect(tooLarge.status).toBe(413);
      expect(await tooLarge.json()).toEqual({
        accepted: 0,
        error: `the request body is larger than ${MAX_BODY_BYTES} bytes; lower the subscription's batch size`,
        reason: 'too-large',
      });

      const notJson = await notify('{"type": "Notification", ', asPorto);
      expect(notJson.status).toBe(400);
      const notJsonAnswer = (await notJson.json()) as Answer;
      expect(notJsonAnswer.reason).toBe('invalid-payload');
      expect(notJsonAnswer.error).toMatch(/^NGSI-LD input is not JSON/);

      const noData = await notify(
        JSON.stringify({ type: 'Notification', subscriptionId: 'urn:s:9' }),
        asPorto,
      );
      expect(noData.status).toBe(400);
      expect(await noData.json()).toEqual({
        accepted: 0,
        error: 'NGSI-LD Notification of subscription urn:s:9 has no "data" array',
        reason: 'invalid-payload',
      });
      const klingon = await notify(notification(), {
        ...asPorto,
        'content-type': 'application/json; charset=klingon',
      });
      expect(klingon.status).toBe(415);
      expect(((await klingon.json()) as Answer).error).toMatch(
        /^the request body could not be read \(unsupported charset/,
      );

      // Each refused request is a dead letter of the source, with the body (or its type) beside it.
      const letters = hubs.get('porto')?.deadLetters() ?? [];
      expect(letters.map((l) => [l.source, l.reason])).toEqual([
        ['fiware-porto', 'invalid-payload'],
        ['fiware-porto', 'too-large'],
        ['fiware-porto', 'invalid-payload'],
        ['fiware-porto', 'invalid-payload'],
        ['fiware-porto', 'invalid-payload'],
      ]);
      expect(letters[0]?.input).toContain('application/xml');
      expect(letters[2]?.input).toContain('Notification');
    },
  );

  it('answers 503 for a source whose city is not served', async () => {
    const response = await notify(notification(), {
      'content-type': 'application/json',
      authorization: `Bearer ${ORPHAN_KEY}`,
    });
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ error: 'city atlantis of source fiware-orphan is not served' });
  });
});

describe('NgsiLdSourceSchema', () => {
  const valid = {
    type: 'ngsi-ld',
    id: 'fiware-porto',
    apiKey: KEY,
    entities: [
      {
        entityId: PARKING_ID,
        sensorId: 'p',
        attributes: [{ field: 'availableSpotNumber', quantity: 'freeSpaces' }],
      },
    ],
  };

  it('parses a source and turns its entities into mappings keyed by entity id', () => {
    const mappings = ngsiLdDeviceMappings(NgsiLdSourceSchema.parse(valid));
    expect([...mappings]).toEqual([
      [
        PARKING_ID,
        {
          sourceId: PARKING_ID,
          sensorId: 'p',
          fields: [{ field: 'availableSpotNumber', quantity: 'freeSpaces' }],
        },
      ],
    ]);
  });

  it('names each wrong field', () => {
    const issues = (input: unknown): string[] => {
      const parsed = NgsiLdSourceSchema.safeParse(input);
      return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    expect(issues({ ...valid, apiKey: 'short' })).toEqual(['apiKey: API keys need at least 16 characters']);
    const { apiKey: _apiKey, ...withoutKey } = valid;
    expect(issues(withoutKey)).toEqual([
      'apiKey: set "apiKey", or "apiKeyEnv" naming the environment variable that holds the key',
    ]);
    expect(issues({ ...valid, id: 'Porto' })).toEqual(['id: lower-case letters, digits and -']);
    expect(issues({ ...valid, entities: [] })).toHaveLength(1);
    expect(issues({ ...valid, url: 'http://broker' })[0]).toMatch(/url/);
    expect(issues({ ...valid, entities: [{ ...valid.entities[0], extra: 1 }] })[0]).toMatch(
      /^entities\.0: .*extra/,
    );
    expect(issues({ ...valid, entities: [valid.entities[0], valid.entities[0]] })).toEqual([
      `entities.1.entityId: entity "${PARKING_ID}" is mapped twice`,
    ]);
  });
});
