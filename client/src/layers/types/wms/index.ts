/** A WMS layer: map images of one or more layers of an OGC Web Map Service. */
import { knownWmsCapabilities } from '../../../ogc/capabilitiesCache.ts';
import { findWmsLayer } from '../../../ogc/wmsCapabilities.ts';
import { wmsLegendUrl } from '../../../ogc/wmsRequests.ts';
import type { LayerTypeDefinition } from '../layerType.ts';

export const wmsLayerType: LayerTypeDefinition<'wms'> = {
  type: 'wms',
  legend: () => [],
  legendImageUrl(entry) {
    // The capabilities' LegendURL of the chosen style when the binding has read them already.
    const caps = knownWmsCapabilities(entry.url);
    const layer = caps ? findWmsLayer(caps, entry.layers.split(',')[0]?.trim() ?? '') : null;
    const styleName = entry.styles?.split(',')[0]?.trim();
    const style =
      layer?.styles.find((s) => s.name === styleName) ?? (styleName ? undefined : layer?.styles[0]);
    return wmsLegendUrl(entry, style?.legendUrl ?? null);
  },
  loadCesium: async () => (await import('./wmsCesiumImpl.ts')).createWmsCesiumImpl,
};
