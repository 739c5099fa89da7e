/**
 * `window.__citytwin`: a few numbers for browser tests and performance work, written by the app and
 * read from outside (Playwright's `page.evaluate`). Nothing in the app reads them back.
 */

import type { CameraView } from '../../protocol/index.ts';

/**
 * Streaming of the buildings tileset(s), counted from Cesium's tileset events. Counters only grow
 * (a new viewer, e.g. after switching town, starts them again); `pending*` are the latest values.
 */
export interface TileStreamingProbe {
  /** Tile contents loaded (`tileLoad` events). */
  loaded: number;
  /** Tile contents that failed to load (`tileFailed` events). */
  failed: number;
  /** Tile contents dropped from the cache (`tileUnload` events). */
  unloaded: number;
  /** Requests in flight at the last `loadProgress` event. */
  pendingRequests: number;
  /** Tiles being processed (parsed, uploaded) at the last `loadProgress` event. */
  processing: number;
  /** `allTilesLoaded` events: how often the view became complete. */
  allLoadedCount: number;
  /** `performance.now()` of the last `allTilesLoaded` event; null before the first. */
  lastAllLoadedAtMs: number | null;
  /** GPU and CPU memory held by the loaded tiles at the last `allTilesLoaded`, bytes. */
  contentBytes: number;
}

/** A camera position for {@link CityTwinProbe.setView}, like `homeView` in `city.json`. */
export interface ProbeView {
  readonly lon: number;
  readonly lat: number;
  readonly heightM: number;
  readonly headingDeg: number;
  readonly pitchDeg: number;
}

/** The probe's fields. */
export interface CityTwinProbe {
  /** What the map shows at a window position: a pick id (`proposed:…`), `building:<id>`, or null. */
  pickIdAt?: ((x: number, y: number) => string | null) | undefined;
  /** Where the map's camera is now (wall and window tests); null without a map. */
  cameraView?: (() => CameraView | null) | undefined;
  /** Frames rendered by the Cesium scene since start (request-render mode: only when needed). */
  renderCount: number;
  /** `performance.now()` when the first map's first frame was rendered (cold start); null before. */
  firstFrameAtMs: number | null;
  /** Milliseconds the last `live:diff` took to decode and apply to the live state; null before the first. */
  lastDiffApplyMs: number | null;
  /** Diffs applied since start. */
  diffCount: number;
  /**
   * Milliseconds the layers took for the last animation frame's live changes (all diffs since the
   * frame before, applied in one batch); null before the first.
   */
  lastFrameApplyMs: number | null;
  /** Animation frames in which live changes were applied to the layers. */
  frameBatches: number;
  /** True once the buildings tileset's first view and the first live snapshot are on screen. */
  ready: boolean;
  /**
   * `performance.now()` when the ground (basemap imagery and terrain of the view) was first complete
   * after the map became ready; null before. Cold-start benchmarks compare it with and without them.
   */
  groundReadyAtMs?: number | null | undefined;
  /** Whether the ground's tiles for the current view are all loaded (waited for by browser tests). */
  groundLoaded?: (() => boolean) | undefined;
  /**
   * The ground heights the map's terrain has at `[lon, lat]` places, from its most detailed tiles
   * (0 on the ellipsoid); set while a map exists. Browser tests compare them with the pack's DEM.
   */
  groundHeightsAt?: ((places: readonly (readonly [number, number])[]) => Promise<number[]>) | undefined;
  /** Streaming of the buildings tileset(s). */
  tiles: TileStreamingProbe;
  /**
   * Moves the camera at once (no flight), for benchmarks that measure streaming at set views; set
   * while a map exists, null otherwise.
   */
  setView: ((view: ProbeView) => void) | null;
  /**
   * Where a `[lon, lat, heightM]` point is on the map's canvas now (CSS pixels), or null when it is
   * behind the camera; set while a map exists. Browser tests click sensors with it.
   */
  screenPositionOf: ((position: readonly [number, number, number]) => [number, number] | null) | null;
}

declare global {
  interface Window {
    __citytwin?: CityTwinProbe;
  }
}

/** A tile streaming record with every counter at zero. */
export function createTileStreamingProbe(): TileStreamingProbe {
  return {
    loaded: 0,
    failed: 0,
    unloaded: 0,
    pendingRequests: 0,
    processing: 0,
    allLoadedCount: 0,
    lastAllLoadedAtMs: null,
    contentBytes: 0,
  };
}

/** Creates the probe and exposes it as `window.__citytwin` when there is a window. */
export function installProbe(): CityTwinProbe {
  const probe: CityTwinProbe = {
    renderCount: 0,
    firstFrameAtMs: null,
    lastDiffApplyMs: null,
    diffCount: 0,
    lastFrameApplyMs: null,
    frameBatches: 0,
    ready: false,
    tiles: createTileStreamingProbe(),
    setView: null,
    screenPositionOf: null,
  };
  if (typeof window !== 'undefined') window.__citytwin = probe;
  return probe;
}
