/** The legend image of a catalogue entry, for the layer panel: a URL or null. */
import type { LayerEntry, LayerType } from '../../../../protocol/index.ts';
import { LAYER_TYPES } from './index.ts';
import type { LayerTypeDefinition } from './layerType.ts';

export function legendImageUrlOf(entry: LayerEntry): string | null {
  const definition = LAYER_TYPES[entry.type] as LayerTypeDefinition<LayerType> as {
    legendImageUrl?: (e: LayerEntry) => string | null;
  };
  return definition.legendImageUrl?.(entry) ?? null;
}
