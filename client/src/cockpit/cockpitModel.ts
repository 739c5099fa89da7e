/**
 * The city cockpit's figures (a tile view of the town in the style of Bad Hersfeld's: parking, air,
 * noise, weather, basins, traffic), computed from the live store's sensor states at the time shown.
 * Only readings that are live or stale count; offline sensors and sensors without a reading do not,
 * and each tile says how many of its sensors report. Levels come from each sensor's own thresholds
 * in the city pack. Pure: no React, no socket.
 */
import type { Sensor, SensorState } from '../../../protocol/index.ts';
import { displayFreshness } from '../sensors/freshness.ts';
import { numericAttribute } from '../sensors/sensorIndex.ts';

export type CockpitLevel = 'ok' | 'warn' | 'alarm';
export type CockpitTileId = 'parking' | 'air' | 'noise' | 'weather' | 'water' | 'traffic';

/** One figure of a tile: a value of a quantity, at a sensor or over the town. */
export interface CockpitFigure {
  /** What the figure is (a message key suffix, `cockpit.figure.<label>`). */
  readonly label: string;
  readonly quantity: string;
  /** The value in the quantity's unit, or a share 0..1 when `share`. */
  readonly value: number;
  readonly share?: boolean;
  /** The sensor it comes from (its name is shown), when one. */
  readonly sensorId: string | null;
  readonly sensorName: string | null;
  readonly level: CockpitLevel;
}

export interface CockpitTile {
  readonly id: CockpitTileId;
  /** The tile's main figure; null when no sensor of it reports. */
  readonly headline: CockpitFigure | null;
  readonly figures: readonly CockpitFigure[];
  /** The worst level of its figures. */
  readonly level: CockpitLevel;
  /** Sensors with a live or stale reading, of all the tile's sensors. */
  readonly reporting: number;
  readonly total: number;
}

interface Reading {
  readonly sensor: Sensor;
  readonly value: number;
}

const RANK: Record<CockpitLevel, number> = { ok: 0, warn: 1, alarm: 2 };
const worst = (levels: readonly CockpitLevel[]): CockpitLevel =>
  levels.reduce<CockpitLevel>((a, b) => (RANK[b] > RANK[a] ? b : a), 'ok');

/** The level of a sensor's value by its own thresholds for the quantity (ok without any). */
export function levelOf(sensor: Sensor, quantity: string, value: number): CockpitLevel {
  const threshold = sensor.thresholds?.[quantity];
  if (!threshold) return 'ok';
  const beyond = (limit: number | undefined) =>
    limit !== undefined && (threshold.direction === 'below' ? value <= limit : value >= limit);
  if (beyond(threshold.alarm)) return 'alarm';
  if (beyond(threshold.warn)) return 'warn';
  return 'ok';
}

/** Builds the tiles from the sensors of the town and their states at server time `nowServerMs`. */
export function cockpitTiles(
  sensors: readonly Sensor[],
  states: ReadonlyMap<string, SensorState>,
  nowServerMs: number | null,
  connected: boolean,
): CockpitTile[] {
  const byKind = (kind: Sensor['kind']) => sensors.filter((s) => s.kind === kind);
  const reportingOf = (list: readonly Sensor[]) =>
    list.filter((sensor) => {
      const freshness = displayFreshness(states.get(sensor.id), sensor.intervalMs, nowServerMs, connected);
      return freshness === 'live' || freshness === 'stale';
    });
  const readings = (list: readonly Sensor[], quantity: string): Reading[] =>
    list.flatMap((sensor) => {
      const value = states.get(sensor.id)?.observation?.values[quantity];
      return typeof value === 'number' && Number.isFinite(value) ? [{ sensor, value }] : [];
    });
  const at = (label: string, quantity: string, reading: Reading): CockpitFigure => ({
    label,
    quantity,
    value: reading.value,
    sensorId: reading.sensor.id,
    sensorName: reading.sensor.name,
    level: levelOf(reading.sensor, quantity, reading.value),
  });
  const town = (
    label: string,
    quantity: string,
    value: number,
    level: CockpitLevel = 'ok',
  ): CockpitFigure => ({
    label,
    quantity,
    value,
    sensorId: null,
    sensorName: null,
    level,
  });
  const highest = (list: readonly Reading[]) =>
    list.reduce<Reading | null>((best, r) => (best === null || r.value > best.value ? r : best), null);
  const lowest = (list: readonly Reading[]) =>
    list.reduce<Reading | null>((best, r) => (best === null || r.value < best.value ? r : best), null);
  const mean = (list: readonly Reading[]) => list.reduce((sum, r) => sum + r.value, 0) / list.length;
  const tile = (
    id: CockpitTileId,
    all: readonly Sensor[],
    headline: CockpitFigure | null,
    figures: readonly CockpitFigure[],
  ): CockpitTile => {
    const reporting = reportingOf(all).length;
    const shown = reporting === 0 ? [] : figures;
    const top = reporting === 0 ? null : headline;
    return {
      id,
      headline: top,
      figures: shown,
      level: worst([...(top ? [top.level] : []), ...shown.map((f) => f.level)]),
      reporting,
      total: all.length,
    };
  };

  const tiles: CockpitTile[] = [];

  // Parking: free spaces in the town, and each garage's.
  const garages = byKind('parking');
  if (garages.length > 0) {
    const fresh = reportingOf(garages);
    const free = readings(fresh, 'freeSpaces');
    const capacity = fresh.reduce((sum, g) => sum + (numericAttribute(g, 'capacitySpaces') ?? 0), 0);
    const totalFree = free.reduce((sum, r) => sum + r.value, 0);
    const figures = free
      .slice()
      .sort((a, b) => a.value - b.value)
      .map((r) => at('garage', 'freeSpaces', r));
    tiles.push(
      tile(
        'parking',
        garages,
        free.length === 0
          ? null
          : town('freeInTown', 'freeSpaces', totalFree, worst(figures.map((f) => f.level))),
        capacity > 0 && free.length > 0
          ? [{ ...town('occupancy', 'occupiedSpaces', 1 - totalFree / capacity), share: true }, ...figures]
          : figures,
      ),
    );
  }

  const stations = reportingOf(byKind('environment'));
  const environment = byKind('environment');
  // Air: the highest NO₂, PM10 and PM2.5 of the town, where.
  const pollutants = ['no2UgM3', 'pm10UgM3', 'pm25UgM3'].flatMap((quantity) => {
    const top = highest(readings(stations, quantity));
    return top ? [at('highest', quantity, top)] : [];
  });
  if (environment.some((s) => s.quantities.some((q) => q.endsWith('UgM3'))))
    tiles.push(tile('air', environment, pollutants[0] ?? null, pollutants));

  // Noise: the loudest station and the town's mean.
  const noise = readings(stations, 'noiseDbA');
  if (environment.some((s) => s.quantities.includes('noiseDbA'))) {
    const loudest = highest(noise);
    const figures = noise
      .slice()
      .sort((a, b) => b.value - a.value)
      .slice(0, 3)
      .map((r) => at('station', 'noiseDbA', r));
    tiles.push(
      tile(
        'noise',
        environment,
        loudest ? at('loudest', 'noiseDbA', loudest) : null,
        noise.length > 0 ? [town('mean', 'noiseDbA', mean(noise)), ...figures] : figures,
      ),
    );
  }

  // Weather: mean temperature, its range, mean humidity.
  const temperature = readings(stations, 'temperatureC');
  const humidity = readings(stations, 'humidityPercent');
  if (environment.some((s) => s.quantities.includes('temperatureC'))) {
    const coldest = lowest(temperature);
    const warmest = highest(temperature);
    const figures = [
      ...(coldest ? [at('coldest', 'temperatureC', coldest)] : []),
      ...(warmest ? [at('warmest', 'temperatureC', warmest)] : []),
      ...(humidity.length > 0 ? [town('mean', 'humidityPercent', mean(humidity))] : []),
    ];
    tiles.push(
      tile(
        'weather',
        environment,
        temperature.length > 0 ? town('mean', 'temperatureC', mean(temperature)) : null,
        figures,
      ),
    );
  }

  // Basins: each level against its marks; the fullest first.
  const basins = byKind('water');
  if (basins.length > 0) {
    const levels = readings(reportingOf(basins), 'levelCm');
    const fill = (r: Reading) => {
      const max = numericAttribute(r.sensor, 'maxLevelCm');
      return max !== null && max > 0 ? r.value / max : null;
    };
    const figures = levels
      .slice()
      .sort((a, b) => (fill(b) ?? 0) - (fill(a) ?? 0))
      .map((r) => at('basin', 'levelCm', r));
    const fullest = levels.reduce<Reading | null>(
      (best, r) => (best === null || (fill(r) ?? 0) > (fill(best) ?? 0) ? r : best),
      null,
    );
    const fullestShare = fullest ? fill(fullest) : null;
    tiles.push(
      tile(
        'water',
        basins,
        fullest && fullestShare !== null
          ? { ...at('fullest', 'levelCm', fullest), value: fullestShare, share: true }
          : null,
        figures,
      ),
    );
  }

  // Traffic: segments below 30 % of free flow (their speed limit), mean speed, vehicles per hour.
  const segments = byKind('traffic');
  if (segments.length > 0) {
    const fresh = reportingOf(segments);
    const speeds = readings(fresh, 'speedKmh');
    const slow = speeds.filter((r) => {
      const limit = numericAttribute(r.sensor, 'speedLimitKmh');
      return limit !== null && r.value < 0.3 * limit;
    });
    const volume = readings(fresh, 'vehiclesPerHour');
    const slowShare = speeds.length > 0 ? slow.length / speeds.length : 0;
    const figures = [
      ...(speeds.length > 0 ? [town('meanSpeed', 'speedKmh', mean(speeds))] : []),
      ...(volume.length > 0
        ? [
            town(
              'vehiclesInTown',
              'vehiclesPerHour',
              volume.reduce((s, r) => s + r.value, 0),
            ),
          ]
        : []),
      ...slow
        .slice()
        .sort((a, b) => a.value - b.value)
        .slice(0, 3)
        .map((r) => ({ ...at('slowSegment', 'speedKmh', r), level: 'warn' as const })),
    ];
    tiles.push(
      tile(
        'traffic',
        segments,
        speeds.length > 0
          ? town(
              'slowSegments',
              'segments',
              slow.length,
              slowShare >= 0.2 ? 'alarm' : slow.length > 0 ? 'warn' : 'ok',
            )
          : null,
        figures,
      ),
    );
  }
  return tiles;
}
