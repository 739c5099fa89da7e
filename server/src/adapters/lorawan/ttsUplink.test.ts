import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ObservationSchema } from '../../../../protocol/index.ts';
import { fixture as fixturePath } from '../../../../scripts/fixtures/fixturesDir.ts';
import { describeWithFixtures, itWithFixtures } from '../../../../scripts/fixtures/withFixtures.ts';
import type { DeviceMapping, NormalizeResult } from '../normalize.ts';
import { normalizeTtsMessage } from './ttsUplink.ts';

const FIXTURES = fixturePath('ttn-v3');
const fixture = (name: string): string => readFileSync(fixturePath(`ttn-v3/${name}`), 'utf8');
const UPLINK = 'tts-docs-uplink-message-example.json';
const JOIN = 'tts-docs-join-accept-example.json';

const RECEIVED = Date.UTC(2026, 0, 1, 12, 0, 0);
const mapping: DeviceMapping = {
  sourceId: 'dev1',
  sensorId: 'env-athens-1',
  fields: [
    { field: 'temperature', quantity: 'temperatureC' },
    { field: 'luminosity', quantity: 'luminosityPercent', scale: 100 },
  ],
};
const mappings = new Map([['dev1', mapping]]);

/** The uplink fixture, parsed, for building variants. */
const uplinkBody = (): Record<string, unknown> => JSON.parse(fixture(UPLINK)) as Record<string, unknown>;
const withUplink = (patch: Record<string, unknown>): Record<string, unknown> => {
  const body = uplinkBody();
  body['uplink_message'] = { ...(body['uplink_message'] as Record<string, unknown>), ...patch };
  return body;
};

function valid(result: NormalizeResult): NormalizeResult {
  for (const o of result.observations) expect(ObservationSchema.safeParse(o).success).toBe(true);
  return result;
}

describeWithFixtures('normalizeTtsMessage on the TTS v3 fixtures', () => {
  it('covers every fixture file', () => {
    expect(readdirSync(FIXTURES).sort()).toEqual([JOIN, UPLINK]);
  });

  it('turns the uplink example into one observation with nanosecond received_at and gateway health', () => {
    const result = valid(normalizeTtsMessage(fixture(UPLINK), mappings, RECEIVED));
    expect(result.rejected).toEqual([]);
    expect(result.observations).toEqual([
      {
        sensorId: 'env-athens-1',
        observedAt: Date.UTC(2020, 1, 12, 15, 15, 46, 14),
        values: { temperatureC: 1, luminosityPercent: 64 },
        quality: 'good',
      },
    ]);
    expect(result.health).toEqual([
      {
        sensorId: 'env-athens-1',
        seenAt: Date.UTC(2020, 1, 12, 15, 15, 46, 14),
        rssiDbm: -35,
        snrDb: 5,
        gatewayId: 'gtw1',
      },
    ]);
  });

  it('accepts an already parsed body and UTF-8 bytes', () => {
    const fromString = normalizeTtsMessage(fixture(UPLINK), mappings, RECEIVED);
    expect(normalizeTtsMessage(uplinkBody(), mappings, RECEIVED)).toEqual(fromString);
    expect(normalizeTtsMessage(new TextEncoder().encode(fixture(UPLINK)), mappings, RECEIVED)).toEqual(
      fromString,
    );
  });

  it('finds the device by dev_eui when the mappings are keyed by it', () => {
    const byEui = new Map([['0004a30b001c0530', { ...mapping, sourceId: '0004a30b001c0530' }]]);
    const result = normalizeTtsMessage(fixture(UPLINK), byEui, RECEIVED);
    expect(result.observations).toHaveLength(1);
    expect(result.observations[0]?.sensorId).toBe('env-athens-1');
  });

  it('ignores the join-accept example as one not-a-reading', () => {
    const result = normalizeTtsMessage(fixture(JOIN), mappings, RECEIVED);
    expect(result.observations).toEqual([]);
    expect(result.health).toEqual([]);
    expect(result.rejected).toHaveLength(1);
    expect(result.rejected[0]).toMatchObject({ reason: 'not-a-reading', sourceId: 'dev1' });
    expect(result.rejected[0]?.message).toContain('join_accept');
  });
});

describe('normalizeTtsMessage on other and broken inputs', () => {
  it('rejects invalid JSON and non-object bodies as invalid-payload without throwing', () => {
    for (const raw of ['{"end_device_ids":', '', 'null', '[1,2]', '42', 42, null, undefined, [], true]) {
      const result = normalizeTtsMessage(raw, mappings, RECEIVED);
      expect(result.observations).toEqual([]);
      expect(result.rejected).toHaveLength(1);
      expect(result.rejected[0]?.reason).toBe('invalid-payload');
    }
    expect(normalizeTtsMessage('{oops', mappings, RECEIVED).rejected[0]?.message).toContain('not valid JSON');
  });

  itWithFixtures('names what is missing from the envelope', () => {
    const noIds = uplinkBody();
    delete noIds['end_device_ids'];
    expect(normalizeTtsMessage(noIds, mappings, RECEIVED).rejected).toEqual([
      { reason: 'invalid-payload', message: expect.stringContaining('end_device_ids') as unknown },
    ]);
    const numericId = uplinkBody();
    numericId['end_device_ids'] = { device_id: 7 };
    expect(normalizeTtsMessage(numericId, mappings, RECEIVED).rejected[0]?.message).toContain(
      'end_device_ids.device_id',
    );
    const noKind = uplinkBody();
    delete noKind['uplink_message'];
    expect(normalizeTtsMessage(noKind, mappings, RECEIVED).rejected[0]).toMatchObject({
      reason: 'invalid-payload',
      sourceId: 'dev1',
    });
    const stringUplink = { ...uplinkBody(), uplink_message: 'up' };
    expect(normalizeTtsMessage(stringUplink, mappings, RECEIVED).rejected[0]).toMatchObject({
      reason: 'invalid-payload',
      message: expect.stringContaining('uplink_message') as unknown,
    });
  });

  itWithFixtures('treats downlink events as not-a-reading', () => {
    const body = uplinkBody();
    delete body['uplink_message'];
    body['downlink_ack'] = { f_port: 1 };
    expect(normalizeTtsMessage(body, mappings, RECEIVED).rejected[0]).toMatchObject({
      reason: 'not-a-reading',
      message: expect.stringContaining('downlink_ack') as unknown,
    });
  });

  itWithFixtures('names an unknown device', () => {
    const result = normalizeTtsMessage(fixture(UPLINK), new Map(), RECEIVED);
    expect(result.observations).toEqual([]);
    expect(result.health).toEqual([]);
    expect(result.rejected).toEqual([
      { reason: 'unknown-device', message: expect.stringContaining('"dev1"') as unknown, sourceId: 'dev1' },
    ]);
  });

  itWithFixtures(
    'explains a missing decoded_payload as a missing payload formatter, keeping the health',
    () => {
      const body = uplinkBody();
      delete (body['uplink_message'] as Record<string, unknown>)['decoded_payload'];
      const result = normalizeTtsMessage(body, mappings, RECEIVED);
      expect(result.observations).toEqual([]);
      expect(result.rejected).toHaveLength(1);
      expect(result.rejected[0]?.reason).toBe('missing-value');
      expect(result.rejected[0]?.message).toContain('payload formatter');
      expect(result.health).toHaveLength(1);
    },
  );

  itWithFixtures('rejects a decoded_payload of the wrong type', () => {
    const result = normalizeTtsMessage(withUplink({ decoded_payload: [1, 2] }), mappings, RECEIVED);
    expect(result.observations).toEqual([]);
    expect(result.rejected[0]?.reason).toBe('invalid-payload');
  });

  itWithFixtures('keeps the good field when another is a string, null or missing', () => {
    for (const bad of ['0.64', null, undefined, 'NaN']) {
      const result = valid(
        normalizeTtsMessage(
          withUplink({ decoded_payload: { temperature: 21.5, luminosity: bad } }),
          mappings,
          0,
        ),
      );
      expect(result.observations).toHaveLength(1);
      expect(result.observations[0]?.values).toEqual({ temperatureC: 21.5 });
      expect(result.rejected).toHaveLength(1);
      expect(result.rejected[0]).toMatchObject({ reason: 'missing-value', sourceId: 'dev1' });
      expect(result.rejected[0]?.message).toContain('luminosity');
    }
  });

  itWithFixtures('makes no observation when no mapped field is usable', () => {
    const body = withUplink({ decoded_payload: { temperature: 'warm' } });
    const result = normalizeTtsMessage(body, mappings, RECEIVED);
    expect(result.observations).toEqual([]);
    expect(result.rejected.map((r) => r.reason)).toEqual(['missing-value', 'missing-value']);
  });

  itWithFixtures('falls back to uplink_message.received_at, then to the receive time', () => {
    const noTop = uplinkBody();
    delete noTop['received_at'];
    expect(normalizeTtsMessage(noTop, mappings, RECEIVED).observations[0]?.observedAt).toBe(
      Date.UTC(2020, 1, 12, 15, 15, 45, 789),
    );
    const noTimes = withUplink({ received_at: 'yesterday' });
    noTimes['received_at'] = 17;
    const result = normalizeTtsMessage(noTimes, mappings, RECEIVED);
    expect(result.observations[0]?.observedAt).toBe(RECEIVED);
    expect(result.health[0]?.seenAt).toBe(RECEIVED);
    const neither = normalizeTtsMessage(noTimes, mappings, Number.NaN);
    expect(neither.observations).toEqual([]);
    expect(neither.rejected[0]?.reason).toBe('invalid-payload');
  });

  itWithFixtures(
    'picks the strongest gateway, reading channel_rssi when rssi is absent, and skips junk entries',
    () => {
      const body = withUplink({
        rx_metadata: [
          { gateway_ids: { gateway_id: 'weak' }, rssi: -110, snr: -3 },
          'junk',
          { gateway_ids: { gateway_id: 'strong' }, channel_rssi: -60, snr: 8.25 },
          { gateway_ids: { gateway_id: 'nan' }, rssi: Number.NaN },
        ],
      });
      expect(normalizeTtsMessage(body, mappings, RECEIVED).health[0]).toMatchObject({
        rssiDbm: -60,
        snrDb: 8.25,
        gatewayId: 'strong',
      });
      const noRx = normalizeTtsMessage(withUplink({ rx_metadata: 'none' }), mappings, RECEIVED).health[0];
      expect(noRx).toEqual({ sensorId: 'env-athens-1', seenAt: Date.UTC(2020, 1, 12, 15, 15, 46, 14) });
    },
  );

  itWithFixtures(
    'reads the battery from last_battery_percentage, else from a decoded battery field in 0..100',
    () => {
      const fromStack = withUplink({ last_battery_percentage: { f_cnt: 1, value: 87.5 } });
      expect(normalizeTtsMessage(fromStack, mappings, RECEIVED).health[0]?.batteryPercent).toBe(87.5);
      const fromPayload = withUplink({ decoded_payload: { temperature: 1, luminosity: 0.5, battery: 42 } });
      expect(normalizeTtsMessage(fromPayload, mappings, RECEIVED).health[0]?.batteryPercent).toBe(42);
      const percent = withUplink({ decoded_payload: { temperature: 1, luminosity: 0.5, batteryPercent: 9 } });
      expect(normalizeTtsMessage(percent, mappings, RECEIVED).health[0]?.batteryPercent).toBe(9);
      const volts = withUplink({ decoded_payload: { temperature: 1, luminosity: 0.5, battery: 3300 } });
      expect(normalizeTtsMessage(volts, mappings, RECEIVED).health[0]).not.toHaveProperty('batteryPercent');
    },
  );

  itWithFixtures('marks simulated uplinks as uncertain', () => {
    const body = { ...uplinkBody(), simulated: true };
    expect(normalizeTtsMessage(body, mappings, RECEIVED).observations[0]?.quality).toBe('uncertain');
  });
});
