import { describe, expect, it } from 'vitest';
import type { Sensor } from '../../../protocol/index.ts';
import { implausibility } from './plausibility.ts';

const garage: Sensor = {
  id: 'parking-elbenplatz',
  kind: 'parking',
  name: 'Parkhaus Elbenplatz',
  position: [9.0156, 48.6848, 0],
  object: { type: 'building', id: 'b1' },
  quantities: ['freeSpaces', 'occupiedSpaces'],
  intervalMs: 20_000,
  thresholds: {},
  visibility: 'public',
  attributes: { capacitySpaces: 420 },
};
const station: Sensor = {
  ...garage,
  id: 'env-elbenplatz',
  kind: 'environment',
  quantities: ['no2UgM3', 'temperatureC', 'humidityPercent', 'noiseDbA'],
  attributes: {},
};
const basin: Sensor = {
  ...garage,
  id: 'basin-1',
  kind: 'water',
  quantities: ['levelCm'],
  attributes: { maxLevelCm: 300 },
};

describe('implausibility', () => {
  it('lets real readings through, unusual ones included', () => {
    expect(implausibility(garage, 'freeSpaces', 0)).toBeUndefined();
    expect(implausibility(garage, 'occupiedSpaces', 420)).toBeUndefined();
    expect(implausibility(station, 'temperatureC', -24.5)).toBeUndefined();
    expect(implausibility(station, 'temperatureC', 39.8)).toBeUndefined();
    expect(implausibility(station, 'no2UgM3', 412)).toBeUndefined();
    expect(implausibility(station, 'humidityPercent', 100)).toBeUndefined();
    expect(implausibility(basin, 'levelCm', 320)).toBeUndefined();
  });

  it('turns away negative and fractional space counts and more cars than the garage holds', () => {
    expect(implausibility(garage, 'freeSpaces', -3)).toMatch(
      /"parking-elbenplatz".freeSpaces = -3 is below 0/,
    );
    expect(implausibility(garage, 'freeSpaces', 12.5)).toMatch(/not a whole number/);
    expect(implausibility(garage, 'occupiedSpaces', 421)).toMatch(/more than the 420 spaces/);
  });

  it('turns away values outside what the unit allows', () => {
    expect(implausibility(station, 'humidityPercent', 140)).toMatch(/above 100, impossible for a percentage/);
    expect(implausibility(station, 'temperatureC', 295.15)).toMatch(/impossible for a temperature/);
    expect(implausibility(station, 'no2UgM3', -1)).toMatch(/below 0/);
    expect(implausibility(station, 'noiseDbA', 250)).toMatch(/dB\(A\)/);
    expect(implausibility({ ...garage, kind: 'traffic' }, 'speedKmh', 900)).toMatch(/km\/h/);
  });

  it('turns away a basin level of more than twice its depth', () => {
    expect(implausibility(basin, 'levelCm', 601)).toMatch(/twice the basin's depth of 300 cm/);
  });

  it('has no opinion on quantities of units it does not know', () => {
    expect(implausibility(station, 'luminosityLux', -5)).toBeUndefined();
  });
});
