import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ObservationSchema } from '../../../../protocol/index.ts';
import { fixture as fixturePath } from '../../../../scripts/fixtures/fixturesDir.ts';
import { describeWithFixtures, itWithFixtures } from '../../../../scripts/fixtures/withFixtures.ts';
import type { DeviceMapping } from '../normalize.ts';
import { chirpstackEventType, normalizeChirpstackEvent } from './chirpstackEvent.ts';

const FIXTURES = fixturePath('chirpstack-v4');
const fixture = (name: string): string => readFileSync(fixturePath(`chirpstack-v4/${name}`), 'utf8');
const body = (name: string): Record<string, unknown> => JSON.parse(fixture(name)) as Record<string, unknown>;
const UP = 'chirpstack-docs-event-up.json';
const STATUS = 'chirpstack-docs-event-status.json';
const JOIN = 'chirpstack-docs-event-join.json';
const LOCATION = 'chirpstack-docs-event-location.json';
const EUI = '0101010101010101';
const topic = (type: string): string =>
  `application/17c82e96-be03-4f38-aef3-f83d48582d97/device/${EUI}/event/${type}`;

const RECEIVED = Date.UTC(2026, 0, 1, 12, 0, 0);
const UP_TIME = Date.UTC(2022, 6, 18, 9, 34, 15, 775);
const mapping: DeviceMapping = {
  sourceId: EUI,
  sensorId: 'water-level-1',
  fields: [
    { field: 'levelMm', quantity: 'levelCm', scale: 0.1 },
    { field: 'temp.water', quantity: 'waterTemperatureC', offset: -40 },
  ],
};
const mappings = new Map([[EUI, mapping]]);
const withObject = (object: unknown): Record<string, unknown> => ({ ...body(UP), object });

describeWithFixtures('normalizeChirpstackEvent on the ChirpStack v4 fixtures', () => {
  it('covers every fixture file', () => {
    expect(readdirSync(FIXTURES).sort()).toEqual([JOIN, LOCATION, STATUS, UP].sort());
  });

  for (const viaTopic of [true, false]) {
    const t = (type: string): string | undefined => (viaTopic ? topic(type) : undefined);
    const how = viaTopic ? 'from the topic' : 'inferred from the body';

    it(`up (${how}): no codec object → one missing-value, and the gateway health`, () => {
      const result = normalizeChirpstackEvent(t('up'), fixture(UP), mappings, RECEIVED);
      expect(result.observations).toEqual([]);
      expect(result.rejected).toHaveLength(1);
      expect(result.rejected[0]).toMatchObject({ reason: 'missing-value', sourceId: EUI });
      expect(result.rejected[0]?.message).toContain('no codec');
      expect(result.health).toEqual([
        {
          sensorId: 'water-level-1',
          seenAt: UP_TIME,
          rssiDbm: -36,
          snrDb: 10.5,
          gatewayId: '0016c001f153a14c',
        },
      ]);
    });

    it(`status (${how}): battery health, no observation, no rejection`, () => {
      const result = normalizeChirpstackEvent(t('status'), fixture(STATUS), mappings, RECEIVED);
      expect(result).toEqual({
        observations: [],
        rejected: [],
        health: [
          { sensorId: 'water-level-1', seenAt: Date.UTC(2022, 6, 18, 9, 35, 6, 927), batteryPercent: 88.3 },
        ],
      });
    });

    for (const [name, type] of [
      [JOIN, 'join'],
      [LOCATION, 'location'],
    ] as const) {
      it(`${type} (${how}): one not-a-reading`, () => {
        const result = normalizeChirpstackEvent(t(type), fixture(name), mappings, RECEIVED);
        expect(result.observations).toEqual([]);
        expect(result.health).toEqual([]);
        expect(result.rejected).toEqual([
          {
            reason: 'not-a-reading',
            message: expect.stringContaining(`"${type}"`) as unknown,
            sourceId: EUI,
          },
        ]);
      });
    }
  }

  it('decodes an up event with a codec object into one observation', () => {
    const result = normalizeChirpstackEvent(
      topic('up'),
      withObject({ levelMm: 1234, temp: { water: 52.5 } }),
      mappings,
      0,
    );
    expect(result.rejected).toEqual([]);
    expect(result.observations).toEqual([
      {
        sensorId: 'water-level-1',
        observedAt: UP_TIME,
        values: { levelCm: 123.4, waterTemperatureC: 12.5 },
        quality: 'good',
      },
    ]);
    expect(ObservationSchema.safeParse(result.observations[0]).success).toBe(true);
  });

  it('finds the device by upper-case EUI or by deviceName', () => {
    const upper = new Map([[EUI.toUpperCase(), mapping]]);
    expect(normalizeChirpstackEvent(undefined, fixture(STATUS), upper, 0).health).toHaveLength(1);
    const byName = new Map([['Test device', mapping]]);
    expect(normalizeChirpstackEvent(undefined, fixture(STATUS), byName, 0).health).toHaveLength(1);
  });
});

describe('normalizeChirpstackEvent on other and broken inputs', () => {
  it('rejects invalid JSON and non-object bodies as invalid-payload without throwing', () => {
    for (const raw of ['{"deviceInfo":', '', 'null', '"up"', '[]', 3, null, undefined, false]) {
      const result = normalizeChirpstackEvent(topic('up'), raw, mappings, RECEIVED);
      expect(result.observations).toEqual([]);
      expect(result.rejected).toHaveLength(1);
      expect(result.rejected[0]?.reason).toBe('invalid-payload');
    }
  });

  itWithFixtures('names a missing deviceInfo or devEui', () => {
    const noInfo = body(UP);
    delete noInfo['deviceInfo'];
    expect(normalizeChirpstackEvent(topic('up'), noInfo, mappings, 0).rejected).toEqual([
      { reason: 'invalid-payload', message: expect.stringContaining('deviceInfo') as unknown },
    ]);
    const numericEui = { ...body(UP), deviceInfo: { devEui: 0x0101, deviceName: 'x' } };
    expect(normalizeChirpstackEvent(topic('up'), numericEui, mappings, 0).rejected[0]).toMatchObject({
      reason: 'invalid-payload',
      message: expect.stringContaining('deviceInfo.devEui') as unknown,
    });
  });

  it('rejects a body whose type can be neither read nor inferred', () => {
    const result = normalizeChirpstackEvent('some/other/topic', { deviceInfo: { devEui: EUI } }, mappings, 0);
    expect(result.rejected[0]).toMatchObject({ reason: 'invalid-payload', sourceId: EUI });
  });

  it('treats ack, txack and log events as not-a-reading', () => {
    for (const type of ['ack', 'txack', 'log']) {
      const result = normalizeChirpstackEvent(topic(type), { deviceInfo: { devEui: EUI } }, mappings, 0);
      expect(result.rejected).toEqual([
        { reason: 'not-a-reading', message: expect.stringContaining(type) as unknown, sourceId: EUI },
      ]);
    }
    const inferredAck = { deviceInfo: { devEui: EUI }, acknowledged: true, fCntDown: 3 };
    expect(normalizeChirpstackEvent(undefined, inferredAck, mappings, 0).rejected[0]?.message).toContain(
      '"ack"',
    );
  });

  itWithFixtures('names an unknown device', () => {
    const result = normalizeChirpstackEvent(topic('up'), fixture(UP), new Map(), 0);
    expect(result.health).toEqual([]);
    expect(result.rejected).toEqual([
      { reason: 'unknown-device', message: expect.stringContaining(EUI) as unknown, sourceId: EUI },
    ]);
  });

  itWithFixtures('keeps the good field when another is a string or missing', () => {
    for (const object of [
      { levelMm: 500, temp: { water: '12' } },
      { levelMm: 500 },
      { levelMm: 500, temp: 7 },
    ]) {
      const result = normalizeChirpstackEvent(topic('up'), withObject(object), mappings, 0);
      expect(result.observations.map((o) => o.values)).toEqual([{ levelCm: 50 }]);
      expect(result.rejected).toHaveLength(1);
      expect(result.rejected[0]).toMatchObject({ reason: 'missing-value', sourceId: EUI });
      expect(result.rejected[0]?.message).toContain('temp.water');
    }
  });

  itWithFixtures('rejects an object of the wrong type', () => {
    const result = normalizeChirpstackEvent(topic('up'), withObject('qg=='), mappings, 0);
    expect(result.observations).toEqual([]);
    expect(result.rejected[0]?.reason).toBe('invalid-payload');
  });

  itWithFixtures('falls back to the receive time when time is missing or not ISO', () => {
    const result = normalizeChirpstackEvent(
      topic('up'),
      { ...body(UP), time: 1658136855, object: { levelMm: 10, temp: { water: 40 } } },
      mappings,
      RECEIVED,
    );
    expect(result.observations[0]?.observedAt).toBe(RECEIVED);
    const none = normalizeChirpstackEvent(topic('status'), { ...body(STATUS), time: 'now' }, mappings, -1);
    expect(none.rejected[0]?.reason).toBe('invalid-payload');
  });

  itWithFixtures('picks the strongest gateway and skips junk rxInfo entries', () => {
    const event = {
      ...body(UP),
      rxInfo: [
        { gatewayId: 'a', rssi: -120, snr: -7 },
        null,
        { gatewayId: 'b', rssi: -80, snr: 2 },
        { rssi: '-10' },
      ],
    };
    expect(normalizeChirpstackEvent(topic('up'), event, mappings, 0).health[0]).toEqual({
      sensorId: 'water-level-1',
      seenAt: UP_TIME,
      rssiDbm: -80,
      snrDb: 2,
      gatewayId: 'b',
    });
  });

  itWithFixtures('reports no battery level when it is unavailable, external or out of range', () => {
    for (const patch of [
      { batteryLevelUnavailable: true, batteryLevel: 0 },
      { externalPowerSource: true, batteryLevel: 0 },
      { batteryLevel: 255 },
      { batteryLevel: '88' },
    ]) {
      const result = normalizeChirpstackEvent(topic('status'), { ...body(STATUS), ...patch }, mappings, 0);
      expect(result.rejected).toEqual([]);
      expect(result.health).toHaveLength(1);
      expect(result.health[0]).not.toHaveProperty('batteryPercent');
    }
  });

  it('reads the event type from the topic', () => {
    expect(chirpstackEventType(topic('up'))).toBe('up');
    expect(chirpstackEventType('application/1/device/2/event/txack')).toBe('txack');
    expect(chirpstackEventType('application/1/device/2/command/down')).toBeUndefined();
    expect(chirpstackEventType(undefined)).toBeUndefined();
  });
});
