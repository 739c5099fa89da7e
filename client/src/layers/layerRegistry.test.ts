import { describe, expect, it } from 'vitest';
import type { LayerEntry } from '../../../protocol/index.ts';
import { createLayerRegistry } from './layerRegistry.ts';

const entry = (id: string, type: 'live' | 'geojson' = 'geojson'): LayerEntry =>
  type === 'live'
    ? { id, type, kind: 'parking', title: { de: id, en: id }, visible: true, opacity: 1 }
    : { id, type, url: `/data/x/${id}.geojson`, title: { de: id, en: id }, visible: true, opacity: 1 };

describe('createLayerRegistry', () => {
  it('keeps the catalogue order and the first of a repeated id', () => {
    const registry = createLayerRegistry([entry('a'), entry('parking', 'live'), entry('a')]);
    expect(registry.layers.map((l) => l.id)).toEqual(['a', 'parking']);
    expect(registry.liveKinds()).toEqual(['parking']);
    expect(registry.originOf('a')).toBe('catalogue');
  });

  it('adds user layers after the catalogue under a free id, tells listeners, removes only those', () => {
    const registry = createLayerRegistry([entry('a')]);
    const seen: string[][] = [];
    registry.subscribe(() => seen.push(registry.layers.map((l) => l.id)));
    const added = registry.add(entry('a'), 'service');
    expect(added.id).toBe('a-2');
    expect(registry.originOf('a-2')).toBe('service');
    registry.remove('a');
    expect(registry.get('a')).toBeDefined();
    registry.remove('a-2');
    expect(added.isDestroyed).toBe(true);
    expect(seen).toEqual([['a', 'a-2'], ['a']]);
  });
});
