/**
 * The environment layer's style, pure: each station shows its main value (NO₂ where measured) with
 * the age of the reading, coloured by air-quality band. Its Cesium binding is `environmentCesiumImpl.ts`.
 */
import type { Sensor, SensorState, Threshold } from '../../../../../../protocol/index.ts';
import { formatAge } from '../../../../i18n/format.ts';
import type { Translator } from '../../../../i18n/messages.ts';
import type { DisplayFreshness } from '../../../../sensors/freshness.ts';
import { quantityShortText } from '../../../../sensors/quantities.ts';
import { readingAgeMs } from '../../../../time/serverClock.ts';
import { PALETTE, type LegendEntry } from '../../../palette.ts';

/** Bands of the main value; `neutral` is a value without known limits, `noData` anything not fresh. */
export type EnvironmentCategory = 'good' | 'moderate' | 'high' | 'veryHigh' | 'neutral' | 'noData';

/** Which quantity a station shows on the map, in order of preference. */
export const MAIN_QUANTITY_PREFERENCE = [
  'no2UgM3',
  'pm10UgM3',
  'pm25UgM3',
  'temperatureC',
  'noiseDbA',
] as const;

/**
 * Band limits in µg/m³ (lower bounds of moderate, high, very high). NO₂: the EU annual limit (40) and
 * hourly limit (200); particulate matter after the EU daily limits and WHO guidance.
 */
export const AIR_QUALITY_BANDS: Readonly<Record<string, readonly [number, number, number]>> = {
  no2UgM3: [40, 100, 200],
  pm10UgM3: [20, 35, 50],
  pm25UgM3: [10, 20, 25],
};

const CATEGORY_COLORS: Readonly<Record<EnvironmentCategory, string>> = {
  good: PALETTE.green,
  moderate: PALETTE.yellow,
  high: PALETTE.orange,
  veryHigh: PALETTE.red,
  neutral: PALETTE.blue,
  noData: PALETTE.grey,
};

/** The quantity a station shows: the first of {@link MAIN_QUANTITY_PREFERENCE} it measures, else its first. */
export function mainQuantity(sensor: Sensor): string {
  return MAIN_QUANTITY_PREFERENCE.find((q) => sensor.quantities.includes(q)) ?? sensor.quantities[0] ?? '';
}

function bandFromThreshold(value: number, threshold: Threshold): EnvironmentCategory {
  const above = threshold.direction !== 'below';
  const beyond = (limit: number | undefined) =>
    limit !== undefined && (above ? value >= limit : value <= limit);
  if (beyond(threshold.alarm)) return 'veryHigh';
  if (beyond(threshold.warn)) return 'high';
  return 'good';
}

/**
 * The band of `value` of `quantity`: the built-in air quality bands where they exist (so the map
 * always matches the legend), else the sensor's own thresholds (noise, temperature), else `neutral`.
 */
export function environmentCategory(
  sensor: Sensor,
  quantity: string,
  value: number | null,
  freshness: DisplayFreshness,
): EnvironmentCategory {
  if (freshness !== 'live' || value === null) return 'noData';
  const bands = AIR_QUALITY_BANDS[quantity];
  if (bands) {
    const [moderate, high, veryHigh] = bands;
    if (value >= veryHigh) return 'veryHigh';
    if (value >= high) return 'high';
    if (value >= moderate) return 'moderate';
    return 'good';
  }
  const threshold = sensor.thresholds[quantity];
  if (threshold && (threshold.warn !== undefined || threshold.alarm !== undefined))
    return bandFromThreshold(value, threshold);
  return 'neutral';
}

/** CSS colour of a band. */
export function environmentColor(category: EnvironmentCategory): string {
  return CATEGORY_COLORS[category];
}

/** The main value of a station's state, or null when it has none. */
export function mainValue(sensor: Sensor, state: SensorState | undefined): number | null {
  return state?.observation?.values[mainQuantity(sensor)] ?? null;
}

/**
 * The station label: "NO₂ 23 µg/m³"; a stale reading adds "veraltet · vor 5 Min." below it. A live
 * reading shows no age: its colour and bright text say it is within its report interval, and an age
 * counting up every second would redraw the map every second for nothing (the info panel has the
 * exact age). Ages on the map count whole minutes, so a stale label changes at most once a minute.
 * Offline and missing readings show no number.
 */
export function environmentLabel(
  sensor: Sensor,
  state: SensorState | undefined,
  freshness: DisplayFreshness,
  nowServerMs: number | null,
  translator: Translator,
): string {
  if (freshness === 'offline') return translator.t('label.offline');
  const quantity = mainQuantity(sensor);
  const value = mainValue(sensor, state);
  const observedAt = state?.observation?.observedAt;
  if (freshness === 'noData' || value === null || observedAt === undefined)
    return translator.t('label.noData');
  const valueText = quantityShortText(quantity, value, translator);
  if (freshness !== 'stale') return valueText;
  const age = nowServerMs === null ? null : formatMapAge(readingAgeMs(observedAt, nowServerMs), translator);
  return `${valueText}\n${[translator.t('label.stale'), age].filter(Boolean).join(' · ')}`;
}

/** An age for the map, in whole minutes at least: "vor < 1 Min.", "vor 5 Min.", "vor 2 Std.". */
export function formatMapAge(ageMs: number, translator: Translator): string {
  return ageMs < MINUTE_MS ? translator.t('age.underMinute') : formatAge(ageMs, translator);
}

const MINUTE_MS = 60_000;

/** The legend of the environment layer. */
export function environmentLegend(): readonly LegendEntry[] {
  return [
    { colorCss: PALETTE.green, labelKey: 'legend.environment.good', shape: 'dot' },
    { colorCss: PALETTE.yellow, labelKey: 'legend.environment.moderate', shape: 'dot' },
    { colorCss: PALETTE.orange, labelKey: 'legend.environment.high', shape: 'dot' },
    { colorCss: PALETTE.red, labelKey: 'legend.environment.veryHigh', shape: 'dot' },
    { colorCss: PALETTE.grey, labelKey: 'legend.noData', shape: 'dot' },
  ];
}
