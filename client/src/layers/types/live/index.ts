/**
 * Live layers: the sensors of one kind, drawn from the live store. Each kind is registered once in
 * {@link LIVE_KINDS}.
 */
import type { SensorKind } from '../../../../../protocol/index.ts';
import type { LayerTypeDefinition } from '../layerType.ts';
import { environmentLiveKind } from './environment/index.ts';
import type { LiveKindDefinition } from './liveKind.ts';
import { parkingLiveKind } from './parking/index.ts';
import { trafficLiveKind } from './traffic/index.ts';
import { waterLiveKind } from './water/index.ts';

/** Every sensor kind's layer. */
export const LIVE_KINDS: { readonly [K in SensorKind]: LiveKindDefinition } = {
  parking: parkingLiveKind,
  traffic: trafficLiveKind,
  environment: environmentLiveKind,
  water: waterLiveKind,
};

export const liveLayerType: LayerTypeDefinition<'live'> = {
  type: 'live',
  legend: (entry) => LIVE_KINDS[entry.kind].legend(),
  loadCesium: async () => {
    const factories = new Map(
      await Promise.all(
        Object.entries(LIVE_KINDS).map(
          async ([kind, definition]) => [kind, await definition.loadCesium()] as const,
        ),
      ),
    );
    return (context, entry) => {
      const factory = factories.get(entry.kind);
      if (!factory) throw new Error(`no live layer for sensor kind ${entry.kind}`);
      return factory(context);
    };
  },
};
