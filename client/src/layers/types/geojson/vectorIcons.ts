/**
 * The built-in point symbols of vector layers (`pin`, `antenna`, `school`, `works`, `info`) as SVG
 * path data on a 24 × 24 grid: a round badge in the feature's colour with a white glyph. Pure; the
 * binding draws them onto a canvas once per symbol and colour (`Path2D` reads SVG path data).
 */
import type { VectorIcon } from './vectorStyle.ts';

/** A glyph: filled paths and stroked paths (2 px), white on the badge. */
export interface IconGlyph {
  readonly fill: readonly string[];
  readonly stroke: readonly string[];
}

/** The size of the grid the paths are written on. */
export const ICON_GRID = 24;

export const ICON_GLYPHS: Readonly<Record<VectorIcon, IconGlyph>> = {
  // A map pin with a hole.
  pin: {
    fill: [
      'M12 4.5a4.5 4.5 0 0 0-4.5 4.5c0 3.4 4.5 9 4.5 9s4.5-5.6 4.5-9A4.5 4.5 0 0 0 12 4.5zm0 2.7a1.8 1.8 0 1 1 0 3.6 1.8 1.8 0 0 1 0-3.6z',
    ],
    stroke: [],
  },
  // A mast with radio waves on both sides (a LoRaWAN gateway).
  antenna: {
    fill: ['M11 11h2v8h-2z', 'M12 8.2a1.6 1.6 0 1 1 0 3.2 1.6 1.6 0 0 1 0-3.2z'],
    stroke: [
      'M8.6 6.6a4.8 4.8 0 0 0 0 6.8',
      'M15.4 6.6a4.8 4.8 0 0 1 0 6.8',
      'M6.4 4.4a7.9 7.9 0 0 0 0 11.2',
      'M17.6 4.4a7.9 7.9 0 0 1 0 11.2',
    ],
  },
  // A school house with a flag.
  school: {
    fill: [
      'M5.5 11.5 12 7l6.5 4.5V18h-4.2v-3.5h-4.6V18H5.5z',
      'M11.4 3.5h.9v3.6h-.9z',
      'M12.3 3.5h3l-.8 1 .8 1h-3z',
    ],
    stroke: [],
  },
  // A warning triangle with an exclamation mark (road works).
  works: {
    fill: ['M12 4.8 19.5 18h-15zm-.9 4.4v4.6h1.8V9.2zm0 5.6v1.8h1.8v-1.8z'],
    stroke: [],
  },
  // An "i".
  info: {
    fill: ['M10.6 10.2h2.8V18h-2.8z', 'M12 5.6a1.6 1.6 0 1 1 0 3.2 1.6 1.6 0 0 1 0-3.2z'],
    stroke: [],
  },
};

/** The icon names, for checks and the legend. */
export const ICON_NAMES = Object.keys(ICON_GLYPHS) as VectorIcon[];
