import { describe, expect, it } from 'vitest';
import { createTranslator } from '../i18n/messages.ts';
import { noReading, reading, sensor } from '../testing/fixtures.ts';
import { describeDevice, describeSensor, summarizeGarage } from './sensorDetails.ts';

const de = createTranslator('de');
const en = createTranslator('en');
const garage = () => sensor({ id: 'parking-a', name: 'Parkhaus Mitte' });
const road = () =>
  sensor({
    id: 'traffic-r1',
    kind: 'traffic',
    name: 'Bahnhofstraße',
    object: { type: 'road', id: 'r1' },
    quantities: ['speedKmh', 'vehiclesPerHour'],
    attributes: { speedLimitKmh: 50 },
  });

describe('describeSensor', () => {
  it('lists each value with its translated name and unit, and when it was measured', () => {
    const observedAt = Date.UTC(2024, 6, 1, 12, 0, 0);
    const details = describeSensor(
      road(),
      reading('traffic-r1', { speedKmh: 42, vehiclesPerHour: 1250 }, observedAt),
      observedAt + 12_000,
      de,
      'Europe/Berlin',
    );
    expect(details.name).toBe('Bahnhofstraße');
    expect(details.kindLabel).toBe('Straßenabschnitt');
    expect(details.values).toEqual([
      { key: 'speedKmh', label: 'Geschwindigkeit', value: '42', unit: 'km/h' },
      { key: 'vehiclesPerHour', label: 'Verkehrsstärke', value: '1.250', unit: 'Fz/h' },
    ]);
    expect(details.facts.find((f) => f.key === 'relativeSpeed')?.value).toBe('84');
    expect(details.freshnessLabel).toBe('live');
    expect(details.measured).toEqual({ time: '14:00:00', age: 'vor 12 s' });
  });

  it('shows missing values as missing, never as 0', () => {
    const details = describeSensor(garage(), reading('parking-a', { freeSpaces: 17 }), null, en);
    expect(details.values).toEqual([
      { key: 'occupiedSpaces', label: 'Occupied spaces', value: null, unit: '' },
      { key: 'freeSpaces', label: 'Free spaces', value: '17', unit: '' },
    ]);
  });

  it('says so when a sensor has no reading', () => {
    const details = describeSensor(garage(), noReading('parking-a'), 5_000, de);
    expect(details.measured).toBeNull();
    expect(details.freshnessLabel).toBe('offline');
    expect(details.values.every((row) => row.value === null)).toBe(true);
    expect(details.facts.find((f) => f.key === 'occupancy')?.value).toBeNull();
  });

  it('notes an uncertain reading', () => {
    const state = reading('parking-a', { freeSpaces: 3 });
    const uncertain = {
      ...state,
      observation: state.observation && { ...state.observation, quality: 'uncertain' as const },
    };
    expect(describeSensor(garage(), uncertain, null, de).qualityNote).toBe('Messwert unsicher');
  });
});

describe('summarizeGarage', () => {
  it('gives the free spaces and a status text', () => {
    expect(summarizeGarage(garage(), reading('parking-a', { freeSpaces: 120 }, 0), 1_000, de)).toEqual({
      sensorId: 'parking-a',
      name: 'Parkhaus Mitte',
      freeSpaces: 120,
      freshness: 'live',
      statusText: '120 frei',
    });
  });

  it('keeps a stale number but says it is stale', () => {
    const summary = summarizeGarage(garage(), reading('parking-a', { freeSpaces: 120 }, 0), 10 * 60_000, en);
    expect(summary.freeSpaces).toBe(120);
    expect(summary.statusText).toBe('120 free · stale');
  });

  it('has no number when offline or without data', () => {
    expect(
      summarizeGarage(garage(), reading('parking-a', { freeSpaces: 5 }, 0, 'offline'), 0, de).freeSpaces,
    ).toBeNull();
    const missing = summarizeGarage(garage(), undefined, 0, de);
    expect(missing.freeSpaces).toBeNull();
    expect(missing.statusText).toBe('keine Daten');
  });
});

describe('describeDevice (the info panel device section)', () => {
  const at = Date.UTC(2024, 6, 1, 12, 0, 0);
  const station = () =>
    sensor({
      id: 'env-1',
      kind: 'environment',
      quantities: ['no2UgM3'],
      intervalMs: 15 * 60_000,
      attributes: {},
    });

  it('shows interval, last heard, battery, signal, gateway and source from a LoRaWAN device', () => {
    const state = {
      ...reading('env-1', { no2UgM3: 31 }, at),
      health: {
        lastSeenMs: at + 60_000,
        batteryPercent: 87,
        rssiDbm: -97,
        snrDb: 7.5,
        gatewayId: 'gw-rathaus',
        source: 'ttn-luft',
      },
    };
    const device = describeDevice(station(), state, at + 90_000, de, 'Europe/Berlin');
    expect(device.rows.map((row) => [row.key, row.value, row.unit])).toEqual([
      ['reportInterval', '15 min', ''],
      ['lastSeen', '14:01:00 (vor 30 s)', ''],
      ['battery', '87', '%'],
      ['signal', '-97 dBm, SNR 7,5 dB', ''],
      ['gateway', 'gw-rathaus', ''],
      ['source', 'ttn-luft', ''],
    ]);
    expect(device.batteryLow).toBe(false);
    expect(device.silentNote).toBeNull();
  });

  it('uses the newest reading as last heard when the source reports no health', () => {
    const device = describeDevice(station(), reading('env-1', { no2UgM3: 31 }, at), at + 5_000, en, 'UTC');
    expect(device.rows.map((row) => row.key)).toEqual(['reportInterval', 'lastSeen']);
    expect(device.rows[1]?.value).toBe('12:00:00 (5 sec ago)');
  });

  it('flags a low battery and a device silent for more than twice its interval', () => {
    const state = { ...noReading('env-1'), health: { lastSeenMs: at, batteryPercent: 12 } };
    const device = describeDevice(station(), state, at + 3 * 3_600_000, de);
    expect(device.batteryLow).toBe(true);
    expect(device.silentNote).toBe('Seit 3 h keine Meldung (erwartet alle 15 min).');
  });

  it('shows only the interval for a sensor never heard from', () => {
    const device = describeDevice(station(), noReading('env-1'), at, en);
    expect(device.rows).toEqual([
      { key: 'reportInterval', label: 'Reports every', value: '15 min', unit: '' },
    ]);
    expect(device.silentNote).toBeNull();
  });
});
