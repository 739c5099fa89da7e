/**
 * The traffic layer's style, pure: a road segment's speed relative to its limit gives a level of
 * service, drawn as a coloured line. Its Cesium binding is `trafficCesiumImpl.ts`.
 */
import type { Sensor, SensorState } from '../../../../../../protocol/index.ts';
import type { DisplayFreshness } from '../../../../sensors/freshness.ts';
import { numericAttribute } from '../../../../sensors/sensorIndex.ts';
import { PALETTE, type LegendEntry } from '../../../palette.ts';

/** Level of service bands; `noData` covers stale, offline and missing readings. */
export type TrafficCategory = 'free' | 'dense' | 'slow' | 'jam' | 'noData';

/** Lower bounds (inclusive) of speed / speed limit per band; below the last is congestion. */
export const TRAFFIC_THRESHOLDS = { free: 0.75, dense: 0.5, slow: 0.25 } as const;

/** How a segment is drawn. */
export interface TrafficStyle {
  readonly colorCss: string;
  /** Line width in CSS pixels. */
  readonly widthPx: number;
  /** Opacity 0..1: no-data lines are dimmed so they never look like a live value. */
  readonly alpha: number;
}

const STYLES: Readonly<Record<TrafficCategory, TrafficStyle>> = {
  free: { colorCss: PALETTE.green, widthPx: 6, alpha: 1 },
  dense: { colorCss: PALETTE.yellow, widthPx: 6, alpha: 1 },
  slow: { colorCss: PALETTE.orange, widthPx: 7, alpha: 1 },
  jam: { colorCss: PALETTE.red, widthPx: 8, alpha: 1 },
  noData: { colorCss: PALETTE.grey, widthPx: 3, alpha: 0.55 },
};

/**
 * Speed as a share of the limit, or null when either is unknown. The limit comes from the sensor's
 * `speedLimitKmh` attribute, else from the road feature (`fallbackLimitKmh`).
 */
export function relativeSpeed(
  sensor: Sensor,
  state: SensorState | undefined,
  fallbackLimitKmh: number | null = null,
): number | null {
  const speedKmh = state?.observation?.values['speedKmh'];
  const limitKmh = numericAttribute(sensor, 'speedLimitKmh') ?? fallbackLimitKmh;
  if (speedKmh === undefined || limitKmh === null || limitKmh <= 0) return null;
  return Math.max(0, speedKmh / limitKmh);
}

/** The level of service to draw; anything not fresh is `noData`. */
export function trafficCategory(ratio: number | null, freshness: DisplayFreshness): TrafficCategory {
  if (freshness !== 'live' || ratio === null) return 'noData';
  if (ratio >= TRAFFIC_THRESHOLDS.free) return 'free';
  if (ratio >= TRAFFIC_THRESHOLDS.dense) return 'dense';
  if (ratio >= TRAFFIC_THRESHOLDS.slow) return 'slow';
  return 'jam';
}

/** Colour, width and opacity of a band. */
export function trafficStyle(category: TrafficCategory): TrafficStyle {
  return STYLES[category];
}

/** The legend of the traffic layer. */
export function trafficLegend(): readonly LegendEntry[] {
  return [
    { colorCss: PALETTE.green, labelKey: 'legend.traffic.free', shape: 'line' },
    { colorCss: PALETTE.yellow, labelKey: 'legend.traffic.dense', shape: 'line' },
    { colorCss: PALETTE.orange, labelKey: 'legend.traffic.slow', shape: 'line' },
    { colorCss: PALETTE.red, labelKey: 'legend.traffic.jam', shape: 'line' },
    { colorCss: PALETTE.grey, labelKey: 'legend.traffic.stale', shape: 'line' },
  ];
}
