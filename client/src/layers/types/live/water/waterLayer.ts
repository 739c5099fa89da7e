/**
 * The water layer's style, pure: a drainage basin's fill level as a share of its maximum gives its
 * colour and label. Its Cesium binding is `waterCesiumImpl.ts`.
 */
import type { Sensor, SensorState } from '../../../../../../protocol/index.ts';
import { formatNumber } from '../../../../i18n/format.ts';
import type { Translator } from '../../../../i18n/messages.ts';
import type { DisplayFreshness } from '../../../../sensors/freshness.ts';
import { numericAttribute } from '../../../../sensors/sensorIndex.ts';
import { PALETTE, type LegendEntry } from '../../../palette.ts';

/** Fill bands; `noData` covers stale, offline and missing readings. */
export type WaterCategory = 'normal' | 'raised' | 'high' | 'critical' | 'noData';

/** Lower bounds (inclusive) of level / maximum level per band. */
export const WATER_THRESHOLDS = { raised: 0.5, high: 0.75, critical: 0.9 } as const;

const CATEGORY_COLORS: Readonly<Record<WaterCategory, string>> = {
  normal: PALETTE.blue,
  raised: PALETTE.yellow,
  high: PALETTE.orange,
  critical: PALETTE.red,
  noData: PALETTE.grey,
};

/** A basin's level and fill ratio; null where unknown (never 0). */
export interface WaterReading {
  readonly levelCm: number | null;
  readonly maxLevelCm: number | null;
  /** Level / maximum level, 0..1 (may exceed 1 when the basin overflows), or null. */
  readonly fillRatio: number | null;
}

/** Reads a basin's state; the maximum level comes from the sensor, else from the basin feature. */
export function waterReading(
  sensor: Sensor,
  state: SensorState | undefined,
  fallbackMaxLevelCm: number | null = null,
): WaterReading {
  const levelCm = state?.observation?.values['levelCm'] ?? null;
  const maxLevelCm = numericAttribute(sensor, 'maxLevelCm') ?? fallbackMaxLevelCm;
  const fillRatio =
    levelCm !== null && maxLevelCm !== null && maxLevelCm > 0 ? Math.max(0, levelCm / maxLevelCm) : null;
  return { levelCm, maxLevelCm, fillRatio };
}

/** The band to draw; anything not fresh is `noData`. */
export function waterCategory(reading: WaterReading, freshness: DisplayFreshness): WaterCategory {
  if (freshness !== 'live' || reading.fillRatio === null) return 'noData';
  if (reading.fillRatio >= WATER_THRESHOLDS.critical) return 'critical';
  if (reading.fillRatio >= WATER_THRESHOLDS.high) return 'high';
  if (reading.fillRatio >= WATER_THRESHOLDS.raised) return 'raised';
  return 'normal';
}

/** CSS colour of a band. */
export function waterColor(category: WaterCategory): string {
  return CATEGORY_COLORS[category];
}

/** "85 cm · 42 %", with "veraltet" below when stale; no number when offline or unknown. */
export function waterLabel(
  reading: WaterReading,
  freshness: DisplayFreshness,
  translator: Translator,
): string {
  if (freshness === 'offline') return translator.t('label.offline');
  if (freshness === 'noData' || reading.levelCm === null) return translator.t('label.noData');
  const level = formatNumber(reading.levelCm, translator.intlLocale, 0);
  const text =
    reading.fillRatio === null
      ? translator.t('label.levelNoMax', { level })
      : translator.t('label.level', {
          level,
          percent: formatNumber(reading.fillRatio * 100, translator.intlLocale, 0),
        });
  return freshness === 'stale' ? `${text}\n${translator.t('label.stale')}` : text;
}

/** The legend of the water layer. */
export function waterLegend(): readonly LegendEntry[] {
  return [
    { colorCss: PALETTE.blue, labelKey: 'legend.water.normal' },
    { colorCss: PALETTE.yellow, labelKey: 'legend.water.raised' },
    { colorCss: PALETTE.orange, labelKey: 'legend.water.high' },
    { colorCss: PALETTE.red, labelKey: 'legend.water.critical' },
    { colorCss: PALETTE.grey, labelKey: 'legend.noData' },
  ];
}
