import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Sensor, SensorState } from '../../../protocol/index.ts';
import { SensorSchema } from '../../../protocol/index.ts';
import { cockpitTiles, levelOf } from './cockpitModel.ts';

// The demo town's own sensors (8 garages, 12 stations, 4 basins, 60 traffic segments).
const sensors: Sensor[] = (
  JSON.parse(
    readFileSync(
      fileURLToPath(new URL('../../../data/boeblingen-demo/sensors.json', import.meta.url)),
      'utf8',
    ),
  ) as { sensors: unknown[] }
).sensors.map((raw) => SensorSchema.parse(raw));
const byId = (id: string) => sensors.find((s) => s.id === id) as Sensor;
const NOW = Date.UTC(2026, 11, 3, 15, 0, 0);

function state(
  sensorId: string,
  values: Record<string, number>,
  ageMs = 0,
  freshness: SensorState['freshness'] = 'live',
): SensorState {
  return { sensorId, observation: { sensorId, observedAt: NOW - ageMs, values, quality: 'good' }, freshness };
}

describe('cockpitTiles', () => {
  it('sums the garages, finds the worst air and the loudest station, and counts who reports', () => {
    const states = new Map<string, SensorState>([
      ['parking-elbenplatz', state('parking-elbenplatz', { freeSpaces: 10, occupiedSpaces: 410 })],
      ['parking-flugfeld', state('parking-flugfeld', { freeSpaces: 500, occupiedSpaces: 250 }, 30_000)],
      // Offline: left out of every figure.
      [
        'parking-unterer-see',
        state('parking-unterer-see', { freeSpaces: 340, occupiedSpaces: 0 }, 600_000, 'offline'),
      ],
      [
        'env-bahnhof',
        state('env-bahnhof', {
          no2UgM3: 210,
          pm10UgM3: 30,
          noiseDbA: 71,
          temperatureC: 4.5,
          humidityPercent: 80,
        }),
      ],
      [
        'env-hulb',
        state('env-hulb', {
          no2UgM3: 35,
          pm10UgM3: 45,
          noiseDbA: 52,
          temperatureC: 2.5,
          humidityPercent: 90,
        }),
      ],
      ['basin-hulb', state('basin-hulb', { levelCm: 240, inflowLps: 80 })],
      ['basin-murkenbach', state('basin-murkenbach', { levelCm: 100, inflowLps: 10 })],
    ]);
    const tiles = cockpitTiles(sensors, states, NOW, true);
    expect(tiles.map((t) => t.id)).toEqual(['parking', 'air', 'noise', 'weather', 'water', 'traffic']);
    const [parking, air, noise, weather, water, traffic] = tiles;

    const elbenplatz = byId('parking-elbenplatz');
    const capacity =
      Number(elbenplatz.attributes.capacitySpaces) +
      Number(byId('parking-flugfeld').attributes.capacitySpaces);
    expect(parking?.headline).toMatchObject({ label: 'freeInTown', value: 510, level: 'alarm' });
    expect(parking?.figures[0]).toMatchObject({ label: 'occupancy', share: true, value: 1 - 510 / capacity });
    expect(parking?.figures.slice(1).map((f) => [f.sensorId, f.value, f.level])).toEqual([
      ['parking-elbenplatz', 10, 'alarm'],
      ['parking-flugfeld', 500, 'ok'],
    ]);
    expect([parking?.reporting, parking?.total]).toEqual([2, 8]);

    expect(air?.headline).toMatchObject({
      quantity: 'no2UgM3',
      value: 210,
      sensorId: 'env-bahnhof',
      level: 'alarm',
    });
    expect(air?.figures.map((f) => [f.quantity, f.sensorId, f.level])).toEqual([
      ['no2UgM3', 'env-bahnhof', 'alarm'],
      ['pm10UgM3', 'env-hulb', 'warn'],
    ]);
    expect(air?.level).toBe('alarm');
    expect([air?.reporting, air?.total]).toEqual([2, 12]);

    expect(noise?.headline).toMatchObject({
      label: 'loudest',
      value: 71,
      sensorName: 'Messstation Bahnhof',
      level: 'warn',
    });
    expect(noise?.figures[0]).toMatchObject({ label: 'mean', value: 61.5 });

    expect(weather?.headline).toMatchObject({ label: 'mean', quantity: 'temperatureC', value: 3.5 });
    expect(weather?.figures.map((f) => [f.label, f.value])).toEqual([
      ['coldest', 2.5],
      ['warmest', 4.5],
      ['mean', 85],
    ]);

    // Hulb: 240 of 300 cm, over its warning mark (210); the fullest basin first.
    expect(water?.headline).toMatchObject({
      label: 'fullest',
      sensorId: 'basin-hulb',
      value: 0.8,
      share: true,
      level: 'warn',
    });
    expect(water?.figures.map((f) => f.sensorId)).toEqual(['basin-hulb', 'basin-murkenbach']);

    // No traffic segment reports: no figures, and no level beyond ok.
    expect(traffic).toMatchObject({ headline: null, figures: [], level: 'ok', reporting: 0, total: 60 });
  });

  it('counts slow traffic against each segment’s speed limit', () => {
    const segments = sensors.filter((s) => s.kind === 'traffic').slice(0, 4);
    const states = new Map(
      segments.map((s, i) => {
        const limit = Number(s.attributes.speedLimitKmh);
        // Two below 30 % of the limit, two flowing.
        const speed = i < 2 ? 0.2 * limit : 0.9 * limit;
        return [s.id, state(s.id, { speedKmh: speed, vehiclesPerHour: 600 })];
      }),
    );
    const traffic = cockpitTiles(sensors, states, NOW, true).find((t) => t.id === 'traffic');
    expect(traffic?.headline).toMatchObject({ label: 'slowSegments', value: 2, level: 'alarm' });
    expect(traffic?.figures.find((f) => f.label === 'vehiclesInTown')?.value).toBe(2400);
    expect(traffic?.figures.filter((f) => f.label === 'slowSegment')).toHaveLength(2);
  });

  it('shows nothing as live while the connection is down', () => {
    const states = new Map([['env-bahnhof', state('env-bahnhof', { no2UgM3: 20 })]]);
    // Disconnected: live readings count as stale, still shown.
    expect(cockpitTiles(sensors, states, NOW, false).find((t) => t.id === 'air')?.reporting).toBe(1);
    // A reading far older than its interval is stale and still counts; offline does not.
    const offline = new Map([['env-bahnhof', state('env-bahnhof', { no2UgM3: 20 }, 0, 'offline')]]);
    expect(cockpitTiles(sensors, offline, NOW, true).find((t) => t.id === 'air')?.headline).toBeNull();
  });
});

describe('levelOf', () => {
  it('reads the sensor’s own thresholds in their direction', () => {
    const garage = byId('parking-elbenplatz'); // freeSpaces warn 42, alarm 13, below
    expect(levelOf(garage, 'freeSpaces', 43)).toBe('ok');
    expect(levelOf(garage, 'freeSpaces', 42)).toBe('warn');
    expect(levelOf(garage, 'freeSpaces', 13)).toBe('alarm');
    const station = byId('env-bahnhof'); // no2 warn 100, alarm 200, above
    expect(levelOf(station, 'no2UgM3', 99)).toBe('ok');
    expect(levelOf(station, 'no2UgM3', 200)).toBe('alarm');
    expect(levelOf(station, 'temperatureC', 40)).toBe('ok');
  });
});
