/**
 * Small React hooks over the app's stores.
 */
import { useEffect, useState, useSyncExternalStore } from 'react';
import type { LayerModel, LayerView } from '../layers/layerModel.ts';
import type { LiveSnapshot, LiveStore } from '../live/liveStore.ts';
import { serverNowMs } from '../time/serverClock.ts';
import type { SubscribeTick } from '../time/ticker.ts';

/** The live store's snapshot; re-renders on every change. */
export function useLiveSnapshot(store: LiveStore): LiveSnapshot {
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}

/** A layer's state and visibility; re-renders when they change. */
export function useLayerView(layer: LayerModel): LayerView {
  return useSyncExternalStore(layer.subscribe, layer.getView);
}

/**
 * The estimated server time, recomputed on each shared tick and whenever the live store changes
 * (new clock anchors arrive with every diff). Null before the first server time.
 */
export function useServerNow(store: LiveStore, subscribeTick: SubscribeTick): number | null {
  const [localNow, setLocalNow] = useState(() => performance.now());
  useEffect(() => subscribeTick(() => setLocalNow(performance.now())), [subscribeTick]);
  const snapshot = useLiveSnapshot(store);
  // The anchor changes with each diff; reading it from the snapshot ties the result to it.
  return snapshot.clock ? serverNowMs(snapshot.clock, localNow) : null;
}
