/**
 * `window.__citytwin`: a few numbers for browser tests and performance work, written by the app and
 * read from outside (Playwright's `page.evaluate`). Nothing in the app reads them back.
 */

/** The probe's fields. */
export interface CityTwinProbe {
  /** Frames rendered by the Cesium scene since start (request-render mode: only when needed). */
  renderCount: number;
  /** Milliseconds the last `live:diff` took: applyDiff plus every layer binding's update; null before the first. */
  lastDiffApplyMs: number | null;
  /** Diffs applied since start. */
  diffCount: number;
  /** True once the buildings tileset's first view and the first live snapshot are on screen. */
  ready: boolean;
}

declare global {
  interface Window {
    __citytwin?: CityTwinProbe;
  }
}

/** Creates the probe and exposes it as `window.__citytwin` when there is a window. */
export function installProbe(): CityTwinProbe {
  const probe: CityTwinProbe = { renderCount: 0, lastDiffApplyMs: null, diffCount: 0, ready: false };
  if (typeof window !== 'undefined') window.__citytwin = probe;
  return probe;
}
