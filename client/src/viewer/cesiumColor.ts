/**
 * CSS colours of the pure layer styles as Cesium colours, converted once and shared (Cesium compares
 * materials by value and features keep a reference, so reusing instances also saves garbage).
 */
import { Color } from 'cesium';

const cache = new Map<string, Color>();

/** The Cesium colour of `css` with opacity `alpha`; treat the result as read-only. */
export function cesiumColor(css: string, alpha = 1): Color {
  const key = `${css}|${alpha}`;
  let color = cache.get(key);
  if (!color) {
    color = Color.fromCssColorString(css).withAlpha(alpha);
    cache.set(key, color);
  }
  return color;
}
