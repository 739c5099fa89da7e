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
import type { SubscribeTick } from '../time/ticker.ts';
import type { FeatureColorRegistry } from './featureColorRegistry.ts';

/** Shared inputs of the `*CesiumImpl` bindings. */
export interface CesiumLayerContext {
  readonly viewer: Viewer;
  readonly info: CityInfo;
  readonly sensors: SensorIndex;
  readonly live: LiveStore;
  readonly i18n: I18nStore;
  readonly subscribeTick: SubscribeTick;
  readonly featureColors: FeatureColorRegistry;
  readonly fetchFn: FetchLike;
  /** Asks for a frame (the viewer renders only on request). */
  requestRender(): void;
  /** Estimated server time now, or null before the first server time arrived. */
  nowServerMs(): number | null;
}

/**
 * Calls `refresh(false)` after each live update (only changed sensors need work) and `refresh(true)`
 * on each tick and language change (ages, local staleness and texts may change for all). Returns the
 * function that stops watching.
 */
export function watchLiveInputs(context: CesiumLayerContext, refresh: (all: boolean) => void): () => void {
  const stops = [
    context.live.subscribe(() => refresh(false)),
    context.i18n.subscribe(() => refresh(true)),
    context.subscribeTick(() => refresh(true)),
  ];
  return () => {
    for (const stop of stops) stop();
  };
}
