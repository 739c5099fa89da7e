/**
 * The parking layer's style, pure: from a garage's reading to its occupancy category, colour, map
 * label and legend. Its Cesium binding is `parkingCesiumImpl.ts`.
 */
import type { Sensor, SensorState } from '../../../../../../protocol/index.ts';
import type { Translator } from '../../../../i18n/messages.ts';
import type { DisplayFreshness } from '../../../../sensors/freshness.ts';
import { numericAttribute } from '../../../../sensors/sensorIndex.ts';
import { PALETTE, type LegendEntry } from '../../../palette.ts';

/** What a garage's latest reading says, with `null` for what it does not say (never 0). */
export interface ParkingReading {
  readonly freeSpaces: number | null;
  readonly occupiedSpaces: number | null;
  readonly capacitySpaces: number | null;
  /** Occupied share 0..1, or null when it cannot be known. */
  readonly occupancyRatio: number | null;
}

/** Occupancy bands; `noData` covers stale, offline and missing readings. */
export type ParkingCategory = 'plenty' | 'filling' | 'almostFull' | 'full' | 'noData';

/** Upper bounds (exclusive) of the occupied share per band; at or above the last a garage is full. */
export const PARKING_THRESHOLDS = { plenty: 0.7, filling: 0.85, almostFull: 0.95 } as const;

const CATEGORY_COLORS: Readonly<Record<ParkingCategory, string>> = {
  plenty: PALETTE.green,
  filling: PALETTE.yellow,
  almostFull: PALETTE.orange,
  full: PALETTE.red,
  noData: PALETTE.grey,
};

function value(state: SensorState | undefined, quantity: string): number | null {
  return state?.observation?.values[quantity] ?? null;
}

/**
 * Reads free and occupied spaces from a garage's state. Free spaces come from `freeSpaces` or, when
 * only occupancy is reported, from `capacitySpaces - occupiedSpaces`.
 */
export function parkingReading(sensor: Sensor, state: SensorState | undefined): ParkingReading {
  const capacitySpaces = numericAttribute(sensor, 'capacitySpaces');
  const reportedFree = value(state, 'freeSpaces');
  const reportedOccupied = value(state, 'occupiedSpaces');
  const freeSpaces =
    reportedFree ??
    (reportedOccupied !== null && capacitySpaces !== null
      ? Math.max(0, capacitySpaces - reportedOccupied)
      : null);
  const occupiedSpaces =
    reportedOccupied ??
    (reportedFree !== null && capacitySpaces !== null ? Math.max(0, capacitySpaces - reportedFree) : null);
  let occupancyRatio: number | null = null;
  if (capacitySpaces !== null && capacitySpaces > 0 && occupiedSpaces !== null) {
    occupancyRatio = Math.min(1, Math.max(0, occupiedSpaces / capacitySpaces));
  } else if (freeSpaces === 0) {
    occupancyRatio = 1;
  }
  return { freeSpaces, occupiedSpaces, capacitySpaces, occupancyRatio };
}

/** The occupancy band to draw; anything not fresh is `noData`, so stale is never drawn like live. */
export function parkingCategory(reading: ParkingReading, freshness: DisplayFreshness): ParkingCategory {
  if (freshness !== 'live') return 'noData';
  const ratio = reading.occupancyRatio;
  if (ratio === null) return 'noData';
  if (reading.freeSpaces === 0 || ratio >= PARKING_THRESHOLDS.almostFull) return 'full';
  if (ratio >= PARKING_THRESHOLDS.filling) return 'almostFull';
  if (ratio >= PARKING_THRESHOLDS.plenty) return 'filling';
  return 'plenty';
}

/** CSS colour of a band. */
export function parkingColor(category: ParkingCategory): string {
  return CATEGORY_COLORS[category];
}

/**
 * The label above a garage: "123 frei" when live, with a second line "veraltet" when stale, only
 * "offline" when the sensor is silent and "keine Daten" when nothing is known.
 */
export function parkingLabel(
  reading: ParkingReading,
  freshness: DisplayFreshness,
  translator: Translator,
): string {
  if (freshness === 'offline') return translator.t('label.offline');
  if (freshness === 'noData' || reading.freeSpaces === null) return translator.t('label.noData');
  const free = translator.t('label.free', { count: reading.freeSpaces });
  return freshness === 'stale' ? `${free}\n${translator.t('label.stale')}` : free;
}

/** The legend of the parking layer. */
export function parkingLegend(): readonly LegendEntry[] {
  return [
    { colorCss: PALETTE.green, labelKey: 'legend.parking.plenty' },
    { colorCss: PALETTE.yellow, labelKey: 'legend.parking.filling' },
    { colorCss: PALETTE.orange, labelKey: 'legend.parking.almostFull' },
    { colorCss: PALETTE.red, labelKey: 'legend.parking.full' },
    { colorCss: PALETTE.grey, labelKey: 'legend.noData' },
  ];
}
