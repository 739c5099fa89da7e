import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixture as fixturePath } from '../../../../scripts/fixtures/fixturesDir.ts';
import { describeWithFixtures } from '../../../../scripts/fixtures/withFixtures.ts';
import type { DeviceMapping } from '../normalize.ts';
import { ngsiLdEntitiesOf, normalizeNgsiLdEntities, normalizeNgsiLdEntity } from './ngsiLdEntity.ts';

function fixtureText(name: string): string {
  return readFileSync(fixturePath(`ngsi-ld/${name}`), 'utf8');
}
/** A fresh parsed copy of a fixture, to change one field of in a test. */
function fixture(name: string): Record<string, unknown> {
  return JSON.parse(fixtureText(name)) as Record<string, unknown>;
}
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

const PARKING_FILE = 'OffStreetParking-example-normalized.jsonld';
const TRAFFIC_FILE = 'TrafficFlowObserved-example-normalized.jsonld';
const AIR_FILE = 'AirQualityObserved-example-normalized.jsonld';
const PARKING_ID = 'urn:ngsi-ld:OffStreetParking:porto-ParkingLot-23889';
const TRAFFIC_ID = 'urn:ngsi-ld:TrafficFlowObserved:TrafficFlowObserved-Valladolid-osm-60821110';
const AIR_ID = 'urn:ngsi-ld:AirQualityObserved:Madrid-AmbientObserved-28079004-2016-03-15T11:00:00';

const mappings = new Map<string, DeviceMapping>([
  [
    PARKING_ID,
    {
      sourceId: PARKING_ID,
      sensorId: 'parking-trindade',
      fields: [
        { field: 'availableSpotNumber', quantity: 'freeSpaces' },
        { field: 'occupiedSpotNumber', quantity: 'occupiedSpaces' },
        { field: 'fourWheelerSlots.availableSpotNumber', quantity: 'freeCarSpaces' },
        { field: 'occupancy', quantity: 'occupancyPercent', scale: 100 },
      ],
    },
  ],
  [
    TRAFFIC_ID,
    {
      sourceId: TRAFFIC_ID,
      sensorId: 'traffic-salamanca',
      fields: [
        { field: 'intensity', quantity: 'flowVehicles' },
        { field: 'averageVehicleSpeed', quantity: 'speedKmh' },
        { field: 'occupancy', quantity: 'occupancyPercent', scale: 100 },
      ],
    },
  ],
  [
    AIR_ID,
    {
      sourceId: AIR_ID,
      sensorId: 'env-plaza-espana',
      fields: [
        { field: 'NO2', quantity: 'no2UgM3' },
        { field: 'temperature', quantity: 'temperatureC' },
        { field: 'relativeHumidity', quantity: 'humidityPercent', scale: 100 },
      ],
    },
  ],
]);
const RECEIVED = Date.UTC(2026, 10, 18, 10, 0, 0);

describeWithFixtures('normalizeNgsiLdEntities on the Smart Data Models examples', () => {
  it('reads OffStreetParking (normalized form): observedAt where given, else the receive time as uncertain', () => {
    const r = normalizeNgsiLdEntities(fixtureText(PARKING_FILE), mappings, RECEIVED);
    expect(r.rejected).toEqual([]);
    expect(r.health).toEqual([]);
    expect(r.observations).toHaveLength(2);
    // availableSpotNumber is the only attribute with its own observedAt.
    expect(r.observations[0]).toEqual({
      sensorId: 'parking-trindade',
      observedAt: Date.UTC(2018, 8, 21, 12, 0, 0),
      values: { freeSpaces: 132 },
      quality: 'good',
    });
    const rest = r.observations[1];
    expect(rest?.sensorId).toBe('parking-trindade');
    expect(rest?.observedAt).toBe(RECEIVED);
    expect(rest?.quality).toBe('uncertain');
    expect(Object.keys(rest?.values ?? {}).sort()).toEqual([
      'freeCarSpaces',
      'occupancyPercent',
      'occupiedSpaces',
    ]);
    expect(rest?.values.occupiedSpaces).toBe(282);
    // A dot path into the value of fourWheelerSlots.
    expect(rest?.values.freeCarSpaces).toBe(25);
    expect(rest?.values.occupancyPercent).toBeCloseTo(68, 9);
  });

  it('reads TrafficFlowObserved at the end of its observation window (dateObservedTo)', () => {
    const r = normalizeNgsiLdEntities(fixtureText(TRAFFIC_FILE), mappings, RECEIVED);
    expect(r.rejected).toEqual([]);
    expect(r.observations).toHaveLength(1);
    const [obs] = r.observations;
    expect(obs?.sensorId).toBe('traffic-salamanca');
    expect(obs?.observedAt).toBe(Date.UTC(2016, 11, 7, 11, 15, 0));
    expect(obs?.quality).toBe('good');
    expect(obs?.values.flowVehicles).toBe(197);
    expect(obs?.values.speedKmh).toBeCloseTo(52.6, 9);
    expect(obs?.values.occupancyPercent).toBeCloseTo(76, 9);
  });

  it('refuses the zone-less dateObserved interval of TrafficFlowObserved when no dateObservedTo is given', () => {
    const entity = fixture(TRAFFIC_FILE);
    delete entity.dateObservedTo;
    delete entity.dateObservedFrom;
    const r = normalizeNgsiLdEntity(entity, mappings, RECEIVED);
    expect(r.observations).toEqual([]);
    expect(r.rejected).toEqual([
      {
        reason: 'invalid-payload',
        message: `${TRAFFIC_ID}: dateObserved "2016-12-07T11:10:00/2016-12-07T11:15:00" is not an ISO 8601 time (or interval start/end) with a zone, Z or ±hh:mm; "intensity", "averageVehicleSpeed", "occupancy" not taken`,
        sourceId: TRAFFIC_ID,
      },
    ]);
  });

  it('refuses the AirQualityObserved example (key-values form): its dateObserved interval has no zone', () => {
    const r = normalizeNgsiLdEntities(fixtureText(AIR_FILE), mappings, RECEIVED);
    expect(r.observations).toEqual([]);
    expect(r.rejected).toEqual([
      {
        reason: 'invalid-payload',
        message: `${AIR_ID}: dateObserved "2016-03-15T11:00:00/2016-03-15T12:00:00" is not an ISO 8601 time (or interval start/end) with a zone, Z or ±hh:mm; "NO2", "temperature", "relativeHumidity" not taken`,
        sourceId: AIR_ID,
      },
    ]);
  });

  it('reads AirQualityObserved (key-values form) at the end of its dateObserved interval once the zone is given', () => {
    const entity = fixture(AIR_FILE);
    entity.dateObserved = '2016-03-15T11:00:00+01:00/2016-03-15T12:00:00+01:00';
    const r = normalizeNgsiLdEntity(deepFreeze(entity), mappings, RECEIVED);
    expect(r.rejected).toEqual([]);
    expect(r.observations).toHaveLength(1);
    const [obs] = r.observations;
    expect(obs?.sensorId).toBe('env-plaza-espana');
    expect(obs?.observedAt).toBe(Date.UTC(2016, 2, 15, 11, 0, 0));
    expect(obs?.quality).toBe('good');
    expect(obs?.values.no2UgM3).toBe(69);
    expect(obs?.values.temperatureC).toBeCloseTo(12.2, 9);
    expect(obs?.values.humidityPercent).toBeCloseTo(54, 9);
  });

  it('reads a Notification carrying all three examples, answering each entity on its own', () => {
    const notification = deepFreeze({
      id: 'urn:ngsi-ld:Notification:5fd0fa684eb81930c97005f3',
      type: 'Notification',
      subscriptionId: 'urn:ngsi-ld:Subscription:citytwin-1',
      notifiedAt: '2026-11-18T09:59:59.000Z',
      data: [fixture(PARKING_FILE), fixture(TRAFFIC_FILE), fixture(AIR_FILE)],
    });
    const r = normalizeNgsiLdEntities(notification, mappings, RECEIVED);
    // Oldest first across entities: traffic (2016-12), parking (2018-09), parking fallback (now).
    expect(r.observations.map((o) => [o.sensorId, o.observedAt, o.quality])).toEqual([
      ['traffic-salamanca', Date.UTC(2016, 11, 7, 11, 15, 0), 'good'],
      ['parking-trindade', Date.UTC(2018, 8, 21, 12, 0, 0), 'good'],
      ['parking-trindade', RECEIVED, 'uncertain'],
    ]);
    expect(r.rejected.map((x) => [x.reason, x.sourceId])).toEqual([['invalid-payload', AIR_ID]]);
  });
});

describe('normalizeNgsiLdEntity: attributes and times', () => {
  const base = { id: PARKING_ID, type: 'OffStreetParking' };
  const only = (field: string, quantity = 'freeSpaces', scale?: number): Map<string, DeviceMapping> =>
    new Map([
      [
        PARKING_ID,
        {
          sourceId: PARKING_ID,
          sensorId: 'parking-trindade',
          fields: [{ field, quantity, ...(scale === undefined ? {} : { scale }) }],
        },
      ],
    ]);

  it('gives one observation per distinct observedAt, oldest first, and groups equal times', () => {
    const entity = {
      ...base,
      availableSpotNumber: { type: 'Property', value: 40, observedAt: '2026-11-18T09:58:00Z' },
      occupiedSpotNumber: { type: 'Property', value: 374, observedAt: '2026-11-18T09:50:00Z' },
      totalSpotNumber: { type: 'Property', value: 414, observedAt: '2026-11-18T10:58:00+01:00' },
    };
    const twoTimes = new Map<string, DeviceMapping>([
      [
        PARKING_ID,
        {
          sourceId: PARKING_ID,
          sensorId: 'parking-trindade',
          fields: [
            { field: 'availableSpotNumber', quantity: 'freeSpaces' },
            { field: 'occupiedSpotNumber', quantity: 'occupiedSpaces' },
            { field: 'totalSpotNumber', quantity: 'capacitySpaces' },
          ],
        },
      ],
    ]);
    const r = normalizeNgsiLdEntity(entity, twoTimes, RECEIVED);
    expect(r.rejected).toEqual([]);
    expect(r.observations).toEqual([
      {
        sensorId: 'parking-trindade',
        observedAt: Date.UTC(2026, 10, 18, 9, 50),
        values: { occupiedSpaces: 374 },
        quality: 'good',
      },
      {
        sensorId: 'parking-trindade',
        observedAt: Date.UTC(2026, 10, 18, 9, 58),
        values: { freeSpaces: 40, capacitySpaces: 414 },
        quality: 'good',
      },
    ]);
  });

  it("prefers an attribute's observedAt over the entity's dateObserved", () => {
    const entity = {
      ...base,
      dateObserved: { type: 'Property', value: { '@type': 'DateTime', '@value': '2026-11-18T09:00:00Z' } },
      availableSpotNumber: { type: 'Property', value: 40, observedAt: '2026-11-18T09:30:00Z' },
      occupiedSpotNumber: { type: 'Property', value: 374 },
    };
    const twoFields = new Map<string, DeviceMapping>([
      [
        PARKING_ID,
        {
          sourceId: PARKING_ID,
          sensorId: 'parking-trindade',
          fields: [
            { field: 'availableSpotNumber', quantity: 'freeSpaces' },
            { field: 'occupiedSpotNumber', quantity: 'occupiedSpaces' },
          ],
        },
      ],
    ]);
    const r = normalizeNgsiLdEntity(entity, twoFields, RECEIVED);
    expect(r.observations.map((o) => [o.observedAt, o.values, o.quality])).toEqual([
      [Date.UTC(2026, 10, 18, 9, 0), { occupiedSpaces: 374 }, 'good'],
      [Date.UTC(2026, 10, 18, 9, 30), { freeSpaces: 40 }, 'good'],
    ]);
  });

  it('reads dateObserved as a plain string and as a Property with a string value', () => {
    for (const dateObserved of [
      '2026-11-18T09:45:00Z',
      { type: 'Property', value: '2026-11-18T10:45:00+01:00' },
    ]) {
      const r = normalizeNgsiLdEntity(
        { ...base, dateObserved, availableSpotNumber: 17 },
        only('availableSpotNumber'),
        RECEIVED,
      );
      expect(r.observations).toEqual([
        {
          sensorId: 'parking-trindade',
          observedAt: Date.UTC(2026, 10, 18, 9, 45),
          values: { freeSpaces: 17 },
          quality: 'good',
        },
      ]);
    }
  });

  it('reads a sub-attribute, which inherits its parent observedAt unless it has its own', () => {
    const entity = {
      ...base,
      availableSpotNumber: {
        type: 'Property',
        value: 40,
        observedAt: '2026-11-18T09:58:00Z',
        accuracy: { type: 'Property', value: 2 },
        confirmed: { type: 'Property', value: 39, observedAt: '2026-11-18T09:59:00Z' },
      },
    };
    const inherited = normalizeNgsiLdEntity(
      entity,
      only('availableSpotNumber.accuracy', 'freeSpacesErr'),
      RECEIVED,
    );
    expect(inherited.observations).toEqual([
      {
        sensorId: 'parking-trindade',
        observedAt: Date.UTC(2026, 10, 18, 9, 58),
        values: { freeSpacesErr: 2 },
        quality: 'good',
      },
    ]);
    const own = normalizeNgsiLdEntity(entity, only('availableSpotNumber.confirmed'), RECEIVED);
    expect(own.observations[0]?.observedAt).toBe(Date.UTC(2026, 10, 18, 9, 59));
    expect(own.observations[0]?.values).toEqual({ freeSpaces: 39 });
  });

  it('applies scale and offset', () => {
    const entity = {
      ...base,
      temperature: { type: 'Property', value: 295.15, observedAt: '2026-11-18T09:00:00Z' },
    };
    const kelvin = new Map<string, DeviceMapping>([
      [
        PARKING_ID,
        {
          sourceId: PARKING_ID,
          sensorId: 'env-1',
          fields: [{ field: 'temperature', quantity: 'temperatureC', scale: 1, offset: -273.15 }],
        },
      ],
    ]);
    expect(normalizeNgsiLdEntity(entity, kelvin, RECEIVED).observations[0]?.values.temperatureC).toBeCloseTo(
      22,
      9,
    );
  });

  it('takes the default instance of a multi-attribute (the one without datasetId)', () => {
    const entity = {
      ...base,
      availableSpotNumber: [
        {
          type: 'Property',
          value: 3,
          datasetId: 'urn:ngsi-ld:Dataset:level-1',
          observedAt: '2026-11-18T09:00:00Z',
        },
        { type: 'Property', value: 30, observedAt: '2026-11-18T09:01:00Z' },
      ],
    };
    const r = normalizeNgsiLdEntity(entity, only('availableSpotNumber'), RECEIVED);
    expect(r.observations.map((o) => [o.observedAt, o.values])).toEqual([
      [Date.UTC(2026, 10, 18, 9, 1), { freeSpaces: 30 }],
    ]);
    const noDefault = { ...base, availableSpotNumber: entity.availableSpotNumber.slice(0, 1) };
    expect(normalizeNgsiLdEntity(noDefault, only('availableSpotNumber'), RECEIVED).rejected).toEqual([
      {
        reason: 'missing-value',
        message: `${PARKING_ID}: no attribute "availableSpotNumber" (for parking-trindade.freeSpaces)`,
        sourceId: PARKING_ID,
      },
    ]);
  });

  it('reads attribute names that are expanded IRIs with dots, concise Properties and typed literals', () => {
    const iri = 'https://smartdatamodels.org/dataModel.Parking/availableSpotNumber';
    const entity = {
      ...base,
      [iri]: { value: { '@type': 'xsd:integer', '@value': 12 }, observedAt: '2026-11-18T09:00:00Z' },
    };
    const r = normalizeNgsiLdEntity(entity, only(iri), RECEIVED);
    expect(r.rejected).toEqual([]);
    expect(r.observations).toEqual([
      {
        sensorId: 'parking-trindade',
        observedAt: Date.UTC(2026, 10, 18, 9, 0),
        values: { freeSpaces: 12 },
        quality: 'good',
      },
    ]);
  });

  it('accepts an entity with several types (NGSI-LD 1.6)', () => {
    const r = normalizeNgsiLdEntity(
      { id: PARKING_ID, type: ['OffStreetParking', 'Building'], availableSpotNumber: 5 },
      only('availableSpotNumber'),
      RECEIVED,
    );
    expect(r.observations.map((o) => [o.observedAt, o.values, o.quality])).toEqual([
      [RECEIVED, { freeSpaces: 5 }, 'uncertain'],
    ]);
  });
});

describe('normalizeNgsiLdEntity: what it turns away', () => {
  const base = { id: PARKING_ID, type: 'OffStreetParking' };

  it('answers a missing or non-numeric mapped attribute with missing-value naming entity and attribute, keeping the others', () => {
    const entity = {
      ...base,
      availableSpotNumber: { type: 'Property', value: 'viele', observedAt: '2026-11-18T09:00:00Z' },
      fourWheelerSlots: { type: 'Property', value: { totalSpotNumber: 25 } },
      occupancy: { type: 'Relationship', object: 'urn:ngsi-ld:Thing:x' },
      occupiedSpotNumber: { type: 'Property', value: 200, observedAt: '2026-11-18T09:00:00Z' },
    };
    const r = normalizeNgsiLdEntity(entity, mappings, RECEIVED);
    expect(r.observations).toEqual([
      {
        sensorId: 'parking-trindade',
        observedAt: Date.UTC(2026, 10, 18, 9, 0),
        values: { occupiedSpaces: 200 },
        quality: 'good',
      },
    ]);
    expect(r.rejected).toEqual([
      {
        reason: 'missing-value',
        message: `${PARKING_ID}: attribute "availableSpotNumber" is "viele", not a finite number (for parking-trindade.freeSpaces)`,
        sourceId: PARKING_ID,
      },
      {
        reason: 'missing-value',
        message: `${PARKING_ID}: no attribute "fourWheelerSlots.availableSpotNumber" (for parking-trindade.freeCarSpaces)`,
        sourceId: PARKING_ID,
      },
      {
        reason: 'missing-value',
        message: `${PARKING_ID}: attribute "occupancy" has no value (for parking-trindade.occupancyPercent)`,
        sourceId: PARKING_ID,
      },
    ]);
  });

  it('does not read members inherited from Object.prototype or entity members as attributes', () => {
    const weird = new Map<string, DeviceMapping>([
      [
        PARKING_ID,
        {
          sourceId: PARKING_ID,
          sensorId: 'parking-trindade',
          fields: [
            { field: 'constructor', quantity: 'a' },
            { field: 'availableSpotNumber.toString', quantity: 'b' },
            { field: 'id', quantity: 'c' },
          ],
        },
      ],
    ]);
    const r = normalizeNgsiLdEntity(
      { ...base, availableSpotNumber: { type: 'Property', value: {} } },
      weird,
      RECEIVED,
    );
    expect(r.observations).toEqual([]);
    expect(r.rejected.map((x) => x.reason)).toEqual(['missing-value', 'missing-value', 'missing-value']);
  });

  it('answers a value that scales past the finite range with missing-value', () => {
    const huge = new Map<string, DeviceMapping>([
      [
        PARKING_ID,
        { sourceId: PARKING_ID, sensorId: 's', fields: [{ field: 'n', quantity: 'n', scale: 1e300 }] },
      ],
    ]);
    const r = normalizeNgsiLdEntity({ ...base, n: 1e10 }, huge, RECEIVED);
    expect(r.observations).toEqual([]);
    expect(r.rejected).toEqual([
      {
        reason: 'missing-value',
        message: `${PARKING_ID}: attribute "n" = 10000000000 scales to Infinity`,
        sourceId: PARKING_ID,
      },
    ]);
  });

  it('refuses an observedAt without a zone for that attribute only', () => {
    const entity = {
      ...base,
      availableSpotNumber: { type: 'Property', value: 40, observedAt: '2026-11-18T09:58:00' },
      occupiedSpotNumber: { type: 'Property', value: 374, observedAt: '2026-11-18T09:58:00Z' },
    };
    const r = normalizeNgsiLdEntity(entity, mappings, RECEIVED);
    expect(r.observations.map((o) => o.values)).toEqual([{ occupiedSpaces: 374 }]);
    expect(r.rejected).toContainEqual({
      reason: 'invalid-payload',
      message: `${PARKING_ID}: observedAt "2026-11-18T09:58:00" of "availableSpotNumber" is not an ISO 8601 time (or interval start/end) with a zone, Z or ±hh:mm`,
      sourceId: PARKING_ID,
    });
  });

  it('answers an entity no mapping names with one unknown-device rejection', () => {
    const r = normalizeNgsiLdEntity(
      {
        id: 'urn:ngsi-ld:OffStreetParking:elsewhere',
        type: 'OffStreetParking',
        availableSpotNumber: 1,
        totalSpotNumber: 2,
      },
      mappings,
      RECEIVED,
    );
    expect(r).toEqual({
      observations: [],
      health: [],
      rejected: [
        {
          reason: 'unknown-device',
          message: 'no mapping names entity urn:ngsi-ld:OffStreetParking:elsewhere (type OffStreetParking)',
          sourceId: 'urn:ngsi-ld:OffStreetParking:elsewhere',
        },
      ],
    });
  });

  it('answers values that are no entity with invalid-payload, saying where they were', () => {
    const r = normalizeNgsiLdEntities(
      { type: 'Notification', data: [42, { id: 'urn:x' }, { type: 'OffStreetParking' }, ['a'], null] },
      mappings,
      RECEIVED,
    );
    expect(r.observations).toEqual([]);
    expect(r.rejected).toEqual([
      { reason: 'invalid-payload', message: 'data[0] is 42, not an NGSI-LD entity' },
      {
        reason: 'invalid-payload',
        message: 'data[1] is an object without a "type", not an NGSI-LD entity',
        sourceId: 'urn:x',
      },
      {
        reason: 'invalid-payload',
        message: 'data[2] is an object without a string "id", not an NGSI-LD entity',
      },
      { reason: 'invalid-payload', message: 'data[3] is an array, not an NGSI-LD entity' },
      { reason: 'invalid-payload', message: 'data[4] is null, not an NGSI-LD entity' },
    ]);
  });
});

describe('ngsiLdEntitiesOf', () => {
  it('finds the entities of a Notification, an array and a single entity, with their places', () => {
    const entity = { id: PARKING_ID, type: 'OffStreetParking' };
    expect(ngsiLdEntitiesOf({ type: 'Notification', data: [entity, entity] })).toEqual({
      ok: true,
      entities: [
        { where: 'data[0]', entity },
        { where: 'data[1]', entity },
      ],
    });
    expect(ngsiLdEntitiesOf(JSON.stringify([entity]))).toEqual({
      ok: true,
      entities: [{ where: '[0]', entity }],
    });
    expect(ngsiLdEntitiesOf(entity)).toEqual({ ok: true, entities: [{ where: 'the entity', entity }] });
    expect(ngsiLdEntitiesOf({ type: 'Notification', data: [] })).toEqual({ ok: true, entities: [] });
  });

  it('turns away text that is not JSON, a Notification without data, and JSON that is no entity', () => {
    const notJson = ngsiLdEntitiesOf('{"id": ');
    expect(notJson.ok).toBe(false);
    if (!notJson.ok) {
      expect(notJson.rejection.reason).toBe('invalid-payload');
      expect(notJson.rejection.message).toMatch(/^NGSI-LD input is not JSON \(/);
    }
    expect(ngsiLdEntitiesOf({ type: 'Notification', subscriptionId: 'urn:s:1' })).toEqual({
      ok: false,
      rejection: {
        reason: 'invalid-payload',
        message: 'NGSI-LD Notification of subscription urn:s:1 has no "data" array',
      },
    });
    expect(ngsiLdEntitiesOf('"hallo"')).toEqual({
      ok: false,
      rejection: {
        reason: 'invalid-payload',
        message: 'NGSI-LD input is "hallo", not an entity, an array of entities or a Notification',
      },
    });
    expect(ngsiLdEntitiesOf({ type: 'OffStreetParking' })).toEqual({
      ok: false,
      rejection: {
        reason: 'invalid-payload',
        message:
          'NGSI-LD input is an object with no "id", not an entity, an array of entities or a Notification',
      },
    });
  });

  it('gives normalizeNgsiLdEntities one invalid-payload rejection for text that is not JSON', () => {
    const r = normalizeNgsiLdEntities('not json', mappings, RECEIVED);
    expect(r.observations).toEqual([]);
    expect(r.rejected).toHaveLength(1);
    expect(r.rejected[0]?.reason).toBe('invalid-payload');
  });
});
