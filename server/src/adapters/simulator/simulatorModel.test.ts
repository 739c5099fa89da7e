import { describe, expect, it } from 'vitest';
import type { Sensor } from '../../../../protocol/index.ts';
import {
  basinRainFill,
  latestReportAt,
  localTime,
  parkingDemand,
  rainEventOfDay,
  seasonalMeanC,
  simulateValues,
  trafficDemand,
} from './simulatorModel.ts';

const TZ = 'Europe/Berlin';
const SEED = 20211;
/** Wednesday 2026-11-18, local times in Berlin (UTC+1 in November). */
const wednesdayAt = (hour: number, minute = 0) => Date.UTC(2026, 10, 18, hour - 1, minute);
const sundayAt = (hour: number) => Date.UTC(2026, 10, 22, hour - 1);

function sensor(partial: Partial<Sensor> & Pick<Sensor, 'id' | 'kind' | 'quantities'>): Sensor {
  return {
    name: partial.id,
    position: [9.01, 48.685, 0],
    object: { type: 'site', id: 'x' },
    intervalMs: 20_000,
    thresholds: {},
    visibility: 'public',
    attributes: {},
    ...partial,
  };
}

const garage = sensor({
  id: 'parking-elbenplatz',
  kind: 'parking',
  name: 'Parkhaus Elbenplatz',
  quantities: ['occupiedSpaces', 'freeSpaces'],
  attributes: { capacitySpaces: 480 },
});
const road = sensor({
  id: 'traffic-r0001',
  kind: 'traffic',
  quantities: ['speedKmh', 'vehiclesPerHour'],
  intervalMs: 15_000,
  attributes: { speedLimitKmh: 50, lanes: 2, roadClass: 'primary' },
});
const station = sensor({
  id: 'env-elbenplatz',
  kind: 'environment',
  quantities: ['no2UgM3', 'pm10UgM3', 'pm25UgM3', 'temperatureC', 'humidityPercent', 'noiseDbA'],
  intervalMs: 60_000,
});
const basin = sensor({
  id: 'basin-murkenbach',
  kind: 'water',
  quantities: ['levelCm', 'inflowLps'],
  intervalMs: 30_000,
  attributes: { maxLevelCm: 400 },
});

describe('localTime', () => {
  it('gives Berlin wall-clock time with daylight saving', () => {
    const winter = localTime(Date.UTC(2026, 0, 15, 12, 30), TZ);
    expect(winter.hour).toBeCloseTo(13.5, 6);
    expect(winter.weekday).toBe(4);
    expect(winter.dayOfYear).toBe(15);
    const summer = localTime(Date.UTC(2026, 6, 1, 12, 0), TZ);
    expect(summer.hour).toBeCloseTo(14, 6);
  });
});

describe('daily curves', () => {
  it('has weekday rush hours well above the night', () => {
    const at = (h: number) => trafficDemand({ hour: h, weekday: 3, dayOfYear: 100 });
    expect(at(7.75)).toBeGreaterThan(4 * at(3));
    expect(at(17)).toBeGreaterThan(4 * at(3));
    expect(at(17)).toBeGreaterThan(at(11));
  });

  it('fills a shopping garage in the afternoon and empties it at night', () => {
    const at = (h: number, weekday = 3) => parkingDemand({ hour: h, weekday, dayOfYear: 100 }, 'shopping');
    expect(at(15)).toBeGreaterThan(0.6);
    expect(at(3)).toBeLessThan(0.1);
    expect(at(15, 6)).toBeGreaterThan(at(15, 3));
  });

  it('follows the seasons of the Stuttgart region', () => {
    expect(seasonalMeanC(15)).toBeCloseTo(1, 1);
    expect(seasonalMeanC(197)).toBeCloseTo(19, 0);
  });
});

describe('simulateValues', () => {
  it('is deterministic in seed, sensor and instant', () => {
    const t = wednesdayAt(8, 5);
    expect(simulateValues(garage, SEED, t, TZ)).toEqual(simulateValues(garage, SEED, t, TZ));
    expect(simulateValues(road, SEED, t, TZ)).not.toEqual(simulateValues(road, SEED + 1, t, TZ));
  });

  it('keeps garage occupancy within capacity and free + occupied = capacity', () => {
    for (let h = 0; h < 24; h += 0.25) {
      const v = simulateValues(garage, SEED, wednesdayAt(0) + h * 3_600_000, TZ);
      expect(v.occupiedSpaces).toBeGreaterThanOrEqual(0);
      expect(v.occupiedSpaces).toBeLessThanOrEqual(480);
      expect((v.occupiedSpaces ?? 0) + (v.freeSpaces ?? 0)).toBe(480);
    }
  });

  it('changes free spaces from one report to the next during the day', () => {
    const changes = [0, 1, 2, 3, 4, 5].filter((i) => {
      const a = simulateValues(garage, SEED, wednesdayAt(11) + i * 20_000, TZ);
      const b = simulateValues(garage, SEED, wednesdayAt(11) + (i + 1) * 20_000, TZ);
      return a.freeSpaces !== b.freeSpaces;
    });
    expect(changes.length).toBeGreaterThanOrEqual(4);
  });

  it('slows traffic in the evening rush compared with the night', () => {
    const rush = simulateValues(road, SEED, wednesdayAt(17), TZ);
    const night = simulateValues(road, SEED, wednesdayAt(3), TZ);
    expect(rush.vehiclesPerHour).toBeGreaterThan(5 * (night.vehiclesPerHour ?? 0));
    expect(rush.speedKmh).toBeLessThan(night.speedKmh ?? 0);
    expect(night.speedKmh).toBeLessThanOrEqual(50 * 1.15);
  });

  it('gives plausible air and weather values with traffic-driven NO2', () => {
    const rush = simulateValues(station, SEED, wednesdayAt(8), TZ);
    const night = simulateValues(station, SEED, wednesdayAt(3), TZ);
    expect(Object.keys(rush).sort()).toEqual([...station.quantities].sort());
    expect(rush.no2UgM3).toBeGreaterThan(night.no2UgM3 ?? Infinity);
    expect(rush.pm25UgM3).toBeLessThan(rush.pm10UgM3 ?? 0);
    expect(rush.temperatureC).toBeGreaterThan(-15);
    expect(rush.temperatureC).toBeLessThan(20);
    expect(rush.humidityPercent).toBeGreaterThanOrEqual(25);
    expect(rush.humidityPercent).toBeLessThanOrEqual(99);
    expect(rush.noiseDbA).toBeGreaterThan(night.noiseDbA ?? Infinity);
    expect(simulateValues(station, SEED, sundayAt(8), TZ).no2UgM3).toBeLessThan(rush.no2UgM3 ?? 0);
  });

  it('fills a basin during heavy rain and drains it afterwards', () => {
    let day = 20_000;
    while (!rainEventOfDay(SEED, day)) day++;
    const event = rainEventOfDay(SEED, day);
    if (!event) throw new Error('unreachable');
    const before = simulateValues(basin, SEED, event.startMs - 60_000, TZ);
    const atEnd = simulateValues(basin, SEED, event.startMs + event.durationMs, TZ);
    const later = simulateValues(basin, SEED, event.startMs + event.durationMs + 6 * 3_600_000, TZ);
    expect(atEnd.levelCm).toBeGreaterThan(2 * (before.levelCm ?? 0));
    expect(atEnd.inflowLps).toBeGreaterThan(5 * (before.inflowLps ?? 0));
    expect(later.levelCm).toBeLessThan(atEnd.levelCm ?? 0);
    expect(atEnd.levelCm).toBeLessThanOrEqual(400);
  });

  it('rains on about a third of days', () => {
    let rainy = 0;
    for (let d = 20_000; d < 20_365; d++) if (rainEventOfDay(SEED, d)) rainy++;
    expect(rainy).toBeGreaterThan(90);
    expect(rainy).toBeLessThan(170);
    expect(basinRainFill(SEED, 0, 3).fill).toBeGreaterThanOrEqual(0);
  });
});

describe('report grid', () => {
  it('puts each report on the sensor interval, at or before now', () => {
    const now = wednesdayAt(9, 17);
    const at = latestReportAt(SEED, garage, now);
    expect(at).toBeLessThanOrEqual(now);
    expect(now - at).toBeLessThan(garage.intervalMs);
    expect(latestReportAt(SEED, garage, at + garage.intervalMs)).toBe(at + garage.intervalMs);
  });
});
