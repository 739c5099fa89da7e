/**
 * The colours of the live layers, shared by the map and the legends so both always agree. Chosen to
 * stay apart for common colour-vision deficiencies by lightness as well as hue, and to read on the
 * dark panels and on light-grey buildings alike.
 */
import type { MessageKey } from '../i18n/messages.ts';

export const PALETTE = {
  green: '#1fa85a',
  yellow: '#f0c419',
  orange: '#f07f13',
  red: '#d7263d',
  blue: '#2f86d6',
  /** Stale, offline or missing: never one of the value colours. */
  grey: '#8a939e',
  /** Buildings without live data. */
  building: '#d8dce1',
  /** Features of plain GeoJSON layers. */
  feature: '#9db4cc',
} as const;

/** One row of a layer's legend: a swatch and what it means. */
export interface LegendEntry {
  readonly colorCss: string;
  readonly labelKey: MessageKey;
  /** A text of the catalogue (a style class's label), shown instead of `labelKey`'s message. */
  readonly label?: { readonly de: string; readonly en: string };
  /** Drawn as a line swatch (roads) instead of a square. */
  readonly shape?: 'square' | 'line' | 'dot';
}
