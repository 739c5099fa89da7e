/**
 * The long-lived, renderer-independent parts of one city session: sensor indexes, layer models,
 * the live store and the shared tick. Created once per city info; the viewer and the live client
 * attach to it and detach again.
 */
import type { CityInfo } from '../../protocol/index.ts';
import { createLayerRegistry, type LayerRegistry } from './layers/layerRegistry.ts';
import type { LiveStore } from './live/liveStore.ts';
import { createSensorIndex, type SensorIndex } from './sensors/sensorIndex.ts';
import { createTicker, type SubscribeTick } from './time/ticker.ts';

/** One city's session state. */
export interface CityRuntime {
  readonly info: CityInfo;
  readonly sensors: SensorIndex;
  readonly layers: LayerRegistry;
  readonly live: LiveStore;
  readonly subscribeTick: SubscribeTick;
}

/** Builds the runtime for `info` around the app's live store. */
export function createCityRuntime(info: CityInfo, live: LiveStore): CityRuntime {
  return {
    info,
    sensors: createSensorIndex(info.sensors),
    layers: createLayerRegistry(info.layers),
    live,
    subscribeTick: createTicker(1000),
  };
}
