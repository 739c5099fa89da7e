/**
 * The layers of one city, made from its catalog in catalog order, matched by id.
 */
import type { LayerEntry, SensorKind } from '../../../protocol/index.ts';
import { LayerModel } from './layerModel.ts';

/** The layer models of the catalog. */
export interface LayerRegistry {
  readonly layers: readonly LayerModel[];
  get(id: string): LayerModel | undefined;
  /** The live layer showing `kind`, if the catalog has one. */
  liveLayerOf(kind: SensorKind): LayerModel | undefined;
  /** The sensor kinds of the catalog's live layers, each once. */
  liveKinds(): SensorKind[];
  destroy(): void;
}

/** Creates one model per catalog entry; a repeated id keeps the first entry. */
export function createLayerRegistry(entries: readonly LayerEntry[]): LayerRegistry {
  const byId = new Map<string, LayerModel>();
  for (const entry of entries) {
    if (!byId.has(entry.id)) byId.set(entry.id, new LayerModel(entry));
  }
  const layers = [...byId.values()];
  return {
    layers,
    get: (id) => byId.get(id),
    liveLayerOf: (kind) => layers.find((l) => l.entry.type === 'live' && l.entry.kind === kind),
    liveKinds: () => [...new Set(layers.flatMap((l) => (l.entry.type === 'live' ? [l.entry.kind] : [])))],
    destroy: () => {
      for (const layer of layers) layer.destroy();
    },
  };
}
