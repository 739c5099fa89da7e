import { describe, expect, it } from 'vitest';
import type { LayerEntry } from '../../../protocol/index.ts';
import { createLayerRegistry } from '../layers/layerRegistry.ts';
import { shareLayersOf } from './useShareLink.ts';

const title = { de: 'Ebene', en: 'Layer' };
const catalogue: LayerEntry[] = [
  { id: 'roads', type: 'geojson', title, url: '/roads.geojson', visible: true, opacity: 1 } as LayerEntry,
  { id: 'broadband', type: 'geojson', title, url: '/b.geojson', visible: false, opacity: 0.8 } as LayerEntry,
  { id: 'plan', type: 'geojson', title, url: '/p.geojson', visible: false, opacity: 0.85 } as LayerEntry,
];

describe('shareLayersOf', () => {
  it('lists only the catalogue layers the user changed, so an untouched map keeps a short link', () => {
    const registry = createLayerRegistry(catalogue);
    expect(shareLayersOf(registry)).toEqual({ layers: [], added: [] });

    registry.get('roads')?.setVisible(false);
    registry.get('broadband')?.setVisible(true);
    registry.get('plan')?.setOpacity(0.4);
    expect(shareLayersOf(registry).layers).toEqual([
      { id: 'roads', visible: false, opacity: 1 },
      { id: 'broadband', visible: true, opacity: 0.8 },
      { id: 'plan', visible: false, opacity: 0.4 },
    ]);
  });

  it('carries an added service layer whole, and never a file the user opened', () => {
    const registry = createLayerRegistry(catalogue);
    const wms = {
      id: 'user-wms',
      type: 'wms',
      title,
      url: 'https://geo.example.de/wms',
      layers: 'bplan',
      visible: true,
      opacity: 1,
    } as LayerEntry;
    registry.add(wms, 'service').setOpacity(0.5);
    registry.add({ ...catalogue[0], id: 'my-file' } as LayerEntry, 'file');
    const state = shareLayersOf(registry);
    expect(state.layers).toEqual([]);
    expect(state.added).toEqual([{ ...wms, visible: true, opacity: 0.5 }]);
  });
});
