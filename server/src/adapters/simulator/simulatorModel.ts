/**
 * The simulator's physics: pure functions from (sensor, seed, instant) to a reading. No state, no
 * timers, no I/O, so every value is reproducible and any instant, past or future, can be computed.
 *
 * The curves are shaped after public knowledge of German towns: two weekday rush hours on roads,
 * shopping and commuter garages filling through the day, NO2 following traffic, a daily temperature
 * wave around the seasonal mean of the Stuttgart region, and basins that fill during heavy rain and
 * drain over hours.
 */
import type { Sensor } from '../../../../protocol/index.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** A 32-bit hash of a string, seeded (FNV-1a, then avalanche-mixed). */
export function hashString(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return mix32(h);
}

function mix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d) >>> 0;
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/** A uniform number in [0, 1) determined by the seed, a key and an integer slot. */
export function unitNoise(seed: number, key: string, slot: number): number {
  return mix32(hashString(key, seed) ^ Math.imul(slot | 0, 0x9e3779b1)) / 4_294_967_296;
}

/** Smooth noise in [-1, 1]: random values every `periodMs`, eased in between. */
export function smoothNoise(seed: number, key: string, tMs: number, periodMs: number): number {
  const x = tMs / periodMs;
  const slot = Math.floor(x);
  const f = x - slot;
  const ease = f * f * (3 - 2 * f);
  const a = unitNoise(seed, key, slot) * 2 - 1;
  const b = unitNoise(seed, key, slot + 1) * 2 - 1;
  return a + (b - a) * ease;
}

/** Local wall-clock facts for a town's time zone. */
export interface LocalTime {
  /** Fractional hour of day, 0 <= hour < 24. */
  hour: number;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
  /** 1 … 366. */
  dayOfYear: number;
}

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };
const formatters = new Map<string, Intl.DateTimeFormat>();

/** Hour, weekday and day of year at `tMs` in `timeZone` (daylight saving included). */
export function localTime(tMs: number, timeZone: string): LocalTime {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    formatters.set(timeZone, format);
  }
  const parts: Record<string, string> = {};
  for (const part of format.formatToParts(tMs)) parts[part.type] = part.value;
  const year = Number(parts.year);
  const month = Number(parts.month);
  const day = Number(parts.day);
  const hour = Number(parts.hour) + Number(parts.minute) / 60 + Number(parts.second) / 3600;
  const dayOfYear = Math.round((Date.UTC(year, month - 1, day) - Date.UTC(year, 0, 1)) / DAY_MS) + 1;
  return { hour, weekday: WEEKDAYS[parts.weekday ?? 'Mon'] ?? 1, dayOfYear };
}

function gaussian(x: number, centre: number, width: number): number {
  const d = (x - centre) / width;
  return Math.exp(-0.5 * d * d);
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

function numberAttribute(sensor: Sensor, name: string, fallback: number): number {
  const value = sensor.attributes[name];
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

/**
 * Share of a road's capacity in use, 0…~1.1: a morning and an evening peak on weekdays, a broad
 * midday hump on Saturdays, quiet Sundays and nights.
 */
export function trafficDemand(local: LocalTime): number {
  const h = local.hour;
  const night = 0.04 + 0.06 * gaussian(h, 13, 6);
  if (local.weekday === 0) return night + 0.3 * gaussian(h, 15, 3.5);
  if (local.weekday === 6) return night + 0.55 * gaussian(h, 12.5, 3);
  return night + 0.85 * gaussian(h, 7.75, 1.0) + 0.9 * gaussian(h, 17, 1.4) + 0.45 * gaussian(h, 12.5, 2.5);
}

/** Share of a garage in use, 0…1, for a shopping or a commuter garage. */
export function parkingDemand(local: LocalTime, profile: 'shopping' | 'commuter' | 'event'): number {
  const h = local.hour;
  const sunday = local.weekday === 0;
  const saturday = local.weekday === 6;
  if (profile === 'commuter') {
    if (sunday || saturday) return 0.12 + 0.2 * gaussian(h, 13, 3);
    return 0.08 + 0.82 * clamp((h - 6) / 2.5, 0, 1) * clamp((19 - h) / 2.5, 0, 1);
  }
  if (profile === 'event') {
    return (
      0.1 + 0.35 * gaussian(h, 12, 3) + (local.weekday === 5 || saturday ? 0.5 : 0.25) * gaussian(h, 20, 1.5)
    );
  }
  if (sunday) return 0.06 + 0.15 * gaussian(h, 15, 3);
  const peak = saturday ? 0.92 : 0.78;
  return (
    0.05 +
    (peak - 0.05) *
      clamp((h - 8.5) / 3, 0, 1) *
      clamp((20 - h) / 2.5, 0, 1) *
      (0.85 + 0.15 * gaussian(h, 15, 2))
  );
}

function parkingProfile(sensor: Sensor): 'shopping' | 'commuter' | 'event' {
  const text = `${sensor.id} ${sensor.name}`.toLowerCase();
  if (/bahnhof|flugfeld|diezenhalde|p\+r/.test(text)) return 'commuter';
  if (/kongress|halle|see|arena/.test(text)) return 'event';
  return 'shopping';
}

const ROAD_CAPACITY_VEH_PER_LANE_H: Record<string, number> = {
  primary: 1500,
  secondary: 1100,
  tertiary: 800,
  residential: 400,
};

/** Heavy rain: at most one event a day, on about a third of days, in the afternoon. */
export interface RainEvent {
  startMs: number;
  durationMs: number;
  /** 0…1, how hard it rains (1 = a once-in-years cloudburst). */
  intensity: number;
}

/** The rain event of the UTC day `dayIndex` (days since the Unix epoch), or null for a dry day. */
export function rainEventOfDay(seed: number, dayIndex: number): RainEvent | null {
  // Every fourth day rains for sure, so a demo left running sees an event within days; other days
  // rain by chance. About a third of days get an event in all.
  const chance = unitNoise(seed, 'rain-day', dayIndex);
  if (dayIndex % 4 !== 0 && chance > 0.15) return null;
  const startHourUtc = 11 + unitNoise(seed, 'rain-start', dayIndex) * 6;
  const durationMs = (30 + unitNoise(seed, 'rain-duration', dayIndex) * 75) * 60_000;
  const intensity = 0.45 + unitNoise(seed, 'rain-intensity', dayIndex) * 0.55;
  return { startMs: dayIndex * DAY_MS + startHourUtc * HOUR_MS, durationMs, intensity };
}

/**
 * How full a basin is from rain, 0…~1: rises while it rains, then drains exponentially
 * (`drainHours`). Events of the two preceding days still count.
 */
export function basinRainFill(
  seed: number,
  tMs: number,
  drainHours: number,
): { fill: number; raining: number } {
  const day = Math.floor(tMs / DAY_MS);
  let fill = 0;
  let raining = 0;
  for (let d = day - 2; d <= day; d++) {
    const event = rainEventOfDay(seed, d);
    if (!event || tMs < event.startMs) continue;
    const end = event.startMs + event.durationMs;
    if (tMs <= end) {
      const progress = (tMs - event.startMs) / event.durationMs;
      fill += event.intensity * progress * progress * (3 - 2 * progress);
      raining = Math.max(raining, event.intensity);
    } else {
      fill += event.intensity * Math.exp(-(tMs - end) / (drainHours * HOUR_MS));
    }
  }
  return { fill, raining };
}

/** Seasonal mean temperature near Stuttgart: about 1 °C in mid-January, 19 °C in mid-July. */
export function seasonalMeanC(dayOfYear: number): number {
  return 10 - 9 * Math.cos(((dayOfYear - 15) / 365) * 2 * Math.PI);
}

/**
 * One reading of `sensor` at `tMs`, deterministic in (seed, sensor id, tMs). The keys are the
 * sensor's quantities; values are rounded to what a real device reports.
 */
export function simulateValues(
  sensor: Sensor,
  seed: number,
  tMs: number,
  timeZone: string,
): Record<string, number> {
  const local = localTime(tMs, timeZone);
  const key = sensor.id;
  switch (sensor.kind) {
    case 'traffic': {
      const lanes = numberAttribute(sensor, 'lanes', 1);
      const limitKmh = numberAttribute(sensor, 'speedLimitKmh', 50);
      const roadClass = String(sensor.attributes.roadClass ?? (limitKmh >= 70 ? 'primary' : 'secondary'));
      const capacityVehH = (ROAD_CAPACITY_VEH_PER_LANE_H[roadClass] ?? 900) * lanes;
      // Some segments are bottlenecks (a junction, a narrowing): they saturate earlier.
      const bottleneck = 0.75 + 0.55 * unitNoise(seed, `${key}:bottleneck`, 0);
      const wobble = 1 + 0.12 * smoothNoise(seed, `${key}:flow`, tMs, 10 * 60_000);
      const loadRatio = Math.max(0, trafficDemand(local) * bottleneck * wobble);
      const vehiclesPerHour = Math.round(capacityVehH * Math.min(loadRatio, 1.05));
      // BPR-style speed-flow curve: speed holds until the road fills, then collapses.
      const freeFlowKmh = limitKmh * (0.92 + 0.06 * unitNoise(seed, `${key}:free`, 0));
      const speed = freeFlowKmh / (1 + 0.6 * Math.pow(loadRatio, 5));
      const jitter = 1 + 0.04 * (unitNoise(seed, `${key}:speed`, Math.floor(tMs / 15_000)) * 2 - 1);
      return { speedKmh: round1(clamp(speed * jitter, 3, limitKmh * 1.15)), vehiclesPerHour };
    }
    case 'parking': {
      const capacity = Math.max(1, Math.round(numberAttribute(sensor, 'capacitySpaces', 300)));
      const base = parkingDemand(local, parkingProfile(sensor));
      const drift = 0.05 * smoothNoise(seed, `${key}:drift`, tMs, 45 * 60_000);
      // Cars come and go between reports: a few spaces either way, even at steady demand.
      const churn = Math.round(
        (unitNoise(seed, `${key}:churn`, Math.floor(tMs / 20_000)) * 2 - 1) * Math.max(2, capacity * 0.006),
      );
      const occupiedSpaces = clamp(Math.round(capacity * clamp(base + drift, 0, 1)) + churn, 0, capacity);
      return { occupiedSpaces, freeSpaces: capacity - occupiedSpaces };
    }
    case 'environment': {
      const nearRoad = 0.6 + 0.8 * unitNoise(seed, `${key}:road`, 0);
      const traffic = trafficDemand(local);
      const mean = seasonalMeanC(local.dayOfYear) + 1.5 * smoothNoise(seed, 'weather', tMs, 2 * DAY_MS);
      const temperatureC =
        mean +
        5 * Math.sin(((local.hour - 9) / 24) * 2 * Math.PI) +
        0.6 * smoothNoise(seed, `${key}:t`, tMs, HOUR_MS);
      const humidityPercent = clamp(
        78 - 2.2 * (temperatureC - mean) * 2 + 6 * smoothNoise(seed, `${key}:h`, tMs, 3 * HOUR_MS),
        25,
        99,
      );
      // NO2 follows traffic with winter inversions raising it; PM tracks NO2 loosely.
      const winter = 1 + 0.35 * Math.cos(((local.dayOfYear - 15) / 365) * 2 * Math.PI);
      const no2UgM3 = Math.max(
        3,
        (12 + 55 * traffic * nearRoad) * winter * (1 + 0.15 * smoothNoise(seed, `${key}:no2`, tMs, HOUR_MS)),
      );
      const pm10UgM3 = Math.max(
        4,
        (11 + 18 * traffic * nearRoad) *
          winter *
          (1 + 0.2 * smoothNoise(seed, `${key}:pm`, tMs, 2 * HOUR_MS)),
      );
      const pm25UgM3 = pm10UgM3 * (0.55 + 0.1 * unitNoise(seed, `${key}:pmratio`, 0));
      const noiseDbA =
        42 + 26 * Math.sqrt(traffic) * nearRoad + 1.5 * smoothNoise(seed, `${key}:noise`, tMs, 5 * 60_000);
      const values: Record<string, number> = {
        no2UgM3: round1(no2UgM3),
        pm10UgM3: round1(pm10UgM3),
        pm25UgM3: round1(pm25UgM3),
        temperatureC: round1(temperatureC),
        humidityPercent: Math.round(humidityPercent),
        noiseDbA: round1(noiseDbA),
      };
      return pick(values, sensor.quantities);
    }
    case 'water': {
      const maxLevelCm = numberAttribute(sensor, 'maxLevelCm', 400);
      const drainHours = 2 + 4 * unitNoise(seed, `${key}:drain`, 0);
      // Basins on one catchment see the same rain, each with its own response.
      const response = 0.7 + 0.45 * unitNoise(seed, `${key}:response`, 0);
      const { fill, raining } = basinRainFill(seed, tMs, drainHours);
      const dryShare = 0.08 + 0.04 * smoothNoise(seed, `${key}:dry`, tMs, 6 * HOUR_MS);
      const share = clamp(dryShare + fill * response, 0, 1);
      const dryFlowLps = 15 + 25 * unitNoise(seed, `${key}:dryflow`, 0);
      const inflowLps = dryFlowLps * (1 + 0.2 * trafficDemand(local)) + raining * 900 * response;
      return pick(
        { levelCm: Math.round(share * maxLevelCm), inflowLps: Math.round(inflowLps) },
        sensor.quantities,
      );
    }
  }
}

function pick(values: Record<string, number>, quantities: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const q of quantities) {
    const v = values[q];
    if (v !== undefined) out[q] = v;
  }
  return out;
}

/** Each sensor reports on its own grid, offset by a seeded phase so reports don't all land at once. */
export function reportPhaseMs(seed: number, sensor: Pick<Sensor, 'id' | 'intervalMs'>): number {
  return Math.floor(unitNoise(seed, `${sensor.id}:phase`, 0) * sensor.intervalMs);
}

/** The latest report instant of `sensor` at or before `tMs`. */
export function latestReportAt(seed: number, sensor: Pick<Sensor, 'id' | 'intervalMs'>, tMs: number): number {
  const phase = reportPhaseMs(seed, sensor);
  return Math.floor((tMs - phase) / sensor.intervalMs) * sensor.intervalMs + phase;
}

/** What a simulated LoRaWAN device's network server would say about it at one report. */
export interface SimulatedHealth {
  readonly batteryPercent: number;
  readonly rssiDbm: number;
  readonly snrDb: number;
  readonly gatewayId: string;
}

/** The demo's devices were installed from 2023 on; a battery lasts four to six years. */
const FIRST_INSTALL_MS = Date.UTC(2023, 0, 1);

/**
 * Device health for sensors registered with `attributes.radio = 'lorawan'` (undefined for others):
 * a battery that drains linearly over the device's seeded lifetime from its seeded install day, and a
 * radio link whose strength depends on the device's (seeded) distance to its gateway, with a little
 * jitter per report. SNR follows RSSI, as it does near the noise floor.
 */
export function simulateHealth(sensor: Sensor, seed: number, tMs: number): SimulatedHealth | undefined {
  if (sensor.attributes.radio !== 'lorawan') return undefined;
  const key = sensor.id;
  const installedMs = FIRST_INSTALL_MS + Math.floor(unitNoise(seed, `${key}:installed`, 0) * 900) * DAY_MS;
  const lifetimeMs = (1460 + unitNoise(seed, `${key}:battery`, 0) * 730) * DAY_MS;
  const used = clamp((tMs - installedMs) / lifetimeMs, 0, 0.99);
  const slot = Math.floor(tMs / Math.max(1, sensor.intervalMs));
  const linkDbm = -78 - 40 * unitNoise(seed, `${key}:distance`, 0);
  const rssiDbm = Math.round(linkDbm + 6 * (unitNoise(seed, `${key}:rssi`, slot) - 0.5));
  const snrDb = round1(clamp((rssiDbm + 118) / 3 + 2 * (unitNoise(seed, `${key}:snr`, slot) - 0.5), -20, 12));
  const gateway = 1 + Math.floor(unitNoise(seed, `${key}:gateway`, 0) * 3);
  return { batteryPercent: Math.round(100 * (1 - used)), rssiDbm, snrDb, gatewayId: `sim-gw-${gateway}` };
}
