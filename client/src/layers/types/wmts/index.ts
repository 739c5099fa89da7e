/** A WMTS layer: pre-rendered map tiles of an OGC Web Map Tile Service. */
import { knownWmtsCapabilities } from '../../../ogc/capabilitiesCache.ts';
import type { LayerTypeDefinition } from '../layerType.ts';

export const wmtsLayerType: LayerTypeDefinition<'wmts'> = {
  type: 'wmts',
  legend: () => [],
  legendImageUrl(entry) {
    // Known once the binding has read the capabilities; a REST template has no legend.
    const layer = knownWmtsCapabilities(entry.url)?.layers.find((l) => l.identifier === entry.layer);
    const style =
      layer?.styles.find((s) => s.identifier === entry.style) ?? layer?.styles.find((s) => s.isDefault);
    return style?.legendUrl ?? null;
  },
  loadCesium: async () => (await import('./wmtsCesiumImpl.ts')).createWmtsCesiumImpl,
};
