/**
 * The registry of layer types: one entry per type of the catalogue (`protocol/mapLayers.ts`). A new
 * type is a folder here with its `index.ts` and one line below; a type missing here is a type error.
 */
import type { LayerEntry, LayerType } from '../../../../protocol/index.ts';
import { czmlLayerType } from './czml/index.ts';
import { geojsonLayerType } from './geojson/index.ts';
import type { CesiumLayerEnv, LayerTypeDefinition, LegendContext } from './layerType.ts';
import { liveLayerType } from './live/index.ts';
import { ogcApiFeaturesLayerType } from './ogcapi-features/index.ts';
import { tiles3dLayerType } from './3dtiles/index.ts';
import { tilesetLayerType } from './tileset/index.ts';
import { wfsLayerType } from './wfs/index.ts';
import { wmsLayerType } from './wms/index.ts';
import { wmtsLayerType } from './wmts/index.ts';
import type { CesiumLayerContext } from '../../viewer/layerContext.ts';
import type { LayerImplementation } from '../layerModel.ts';
import type { LegendEntry } from '../palette.ts';

export const LAYER_TYPES: { readonly [T in LayerType]: LayerTypeDefinition<T> } = {
  tileset: tilesetLayerType,
  '3dtiles': tiles3dLayerType,
  geojson: geojsonLayerType,
  live: liveLayerType,
  wms: wmsLayerType,
  wmts: wmtsLayerType,
  wfs: wfsLayerType,
  'ogcapi-features': ogcApiFeaturesLayerType,
  czml: czmlLayerType,
};

/** The definition of an entry's type, typed for that entry. */
function definitionOf<T extends LayerType>(entry: LayerEntry & { type: T }): LayerTypeDefinition<T> {
  return LAYER_TYPES[entry.type] as LayerTypeDefinition<T>;
}

/** The legend rows of a catalogue entry. */
export function legendOf(entry: LayerEntry, context: LegendContext): readonly LegendEntry[] {
  return definitionOf(entry).legend(entry, context);
}

/** Creates Cesium bindings for entries; the types' code is loaded first (`loadBindings`). */
export interface CesiumBindings {
  create(entry: LayerEntry): LayerImplementation;
}

/** Loads the Cesium code of every type among `entries`, then creates bindings synchronously. */
export async function loadBindings(
  entries: readonly LayerEntry[],
  context: CesiumLayerContext,
  env: CesiumLayerEnv,
): Promise<CesiumBindings> {
  const types = [...new Set(entries.map((e) => e.type))];
  const factories = new Map(
    await Promise.all(types.map(async (type) => [type, await LAYER_TYPES[type].loadCesium()] as const)),
  );
  return {
    create(entry) {
      const factory = factories.get(entry.type) as
        ((c: CesiumLayerContext, e: LayerEntry, v: CesiumLayerEnv) => LayerImplementation) | undefined;
      if (!factory) throw new Error(`layer type ${entry.type} was not loaded`);
      return factory(context, entry, env);
    },
  };
}
