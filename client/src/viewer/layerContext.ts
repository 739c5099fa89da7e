/**
 * What every Cesium layer binding gets from the viewer: the scene, the city, the live store, the
 * language and the shared tick.
 */
import type { Viewer } from 'cesium';
import type { CityInfo } from '../../../protocol/index.ts';
import type { FetchLike } from '../api/cityApi.ts';
import type { I18nStore } from '../i18n/i18nStore.ts';
import type { LiveStore } from '../live/liveStore.ts';
import type { SensorIndex } from '../sensors/sensorIndex.ts';
import type { FeatureColorRegistry } from './featureColorRegistry.ts';
import type { GroundHeights } from './groundHeight.ts';
import type { LiveFrames, LiveRefresh } from './liveFrames.ts';

/**
 * The time the map shows: the present while live, the timeline's time in the past. Layers with a
 * time (a WMS TIME dimension, road works with dates) follow it.
 */
export interface MapTime {
  /** The shown time, ms since the epoch. */
  nowMs(): number;
  /** Calls `listener` when the shown time jumps or moves (not on every tick while live). */
  subscribe(listener: () => void): () => void;
}

/** Shared inputs of the `*CesiumImpl` bindings. */
export interface CesiumLayerContext {
  readonly viewer: Viewer;
  readonly info: CityInfo;
  readonly sensors: SensorIndex;
  readonly live: LiveStore;
  readonly i18n: I18nStore;
  /** The live changes of each animation frame. */
  readonly liveFrames: LiveFrames;
  readonly featureColors: FeatureColorRegistry;
  readonly fetchFn: FetchLike;
  readonly mapTime: MapTime;
  /** The ground under what layers draw: the pack's terrain, or the ellipsoid. */
  readonly ground: GroundHeights;
  /** Asks for a frame (the viewer renders only on request). */
  requestRender(): void;
  /** Estimated server time now, or null before the first server time arrived. */
  nowServerMs(): number | null;
}

/**
 * Calls `refresh` once per animation frame in which something changed: with the ids of the sensors
 * that changed, or with `all` when every sensor needs a look (a new snapshot, the connection, the
 * language or the once-a-second tick, which ages readings). Returns the function that stops it.
 */
export function watchLiveInputs(context: CesiumLayerContext, refresh: LiveRefresh): () => void {
  return context.liveFrames.add(refresh);
}
