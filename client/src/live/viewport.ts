/**
 * The view rectangle a viewer subscribes with: what the camera sees, padded so that a small pan does
 * not need a new subscription, snapped outward to a grid so that nearby viewers share one group on
 * the server (and share its once-encoded diffs). Pure; the camera's rectangle comes from the viewer.
 */
import type { BBox } from '../../../protocol/index.ts';

/** A rectangle in degrees, as the camera reports it. */
export interface ViewRectangleDeg {
  readonly west: number;
  readonly south: number;
  readonly east: number;
  readonly north: number;
}

/** Grid the subscription rectangle is snapped to, degrees (about 550 m north–south). */
export const VIEWPORT_GRID_DEG = 0.005;
/** Padding on each side, as a share of the view's width and height. */
export const VIEWPORT_PADDING = 0.25;
/** Views wider than this (degrees) subscribe to the whole town: a bbox would filter nothing. */
export const WHOLE_TOWN_SPAN_DEG = 0.5;

const snapDown = (value: number) => Math.floor(value / VIEWPORT_GRID_DEG) * VIEWPORT_GRID_DEG;
const snapUp = (value: number) => Math.ceil(value / VIEWPORT_GRID_DEG) * VIEWPORT_GRID_DEG;
const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));
/** Grid values without floating-point dust (0.015000000000000001). */
const tidy = (value: number) => Math.round(value * 1e6) / 1e6;

/**
 * The subscription rectangle for a camera view, or undefined for the whole town (no view known, a
 * view across the antimeridian, or one so wide that filtering saves nothing).
 */
export function viewportBBox(view: ViewRectangleDeg | null): BBox | undefined {
  if (!view) return undefined;
  const { west, south, east, north } = view;
  if (![west, south, east, north].every(Number.isFinite) || east < west || north < south) return undefined;
  const width = east - west;
  const height = north - south;
  if (width > WHOLE_TOWN_SPAN_DEG || height > WHOLE_TOWN_SPAN_DEG) return undefined;
  return [
    tidy(clamp(snapDown(west - width * VIEWPORT_PADDING), -180, 180)),
    tidy(clamp(snapDown(south - height * VIEWPORT_PADDING), -90, 90)),
    tidy(clamp(snapUp(east + width * VIEWPORT_PADDING), -180, 180)),
    tidy(clamp(snapUp(north + height * VIEWPORT_PADDING), -90, 90)),
  ];
}

/** Whether two subscription rectangles are the same (undefined is the whole town). */
export function sameBBox(a: BBox | undefined, b: BBox | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.every((value, i) => value === b[i]);
}
