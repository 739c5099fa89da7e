/**
 * The layers of one city, made from its catalog in catalog order, matched by id, plus the layers a
 * user adds while viewing (from a service URL, a dropped file or a shared link).
 */
import type { LayerEntry, SensorKind } from '../../../protocol/index.ts';
import { LayerModel } from './layerModel.ts';

/** The layer models of the catalog. */
export interface LayerRegistry {
  /** The catalogue's layers, then the added ones; a new array after every addition or removal. */
  readonly layers: readonly LayerModel[];
  get(id: string): LayerModel | undefined;
  /** The live layer showing `kind`, if the catalog has one. */
  liveLayerOf(kind: SensorKind): LayerModel | undefined;
  /** The sensor kinds of the catalog's live layers, each once. */
  liveKinds(): SensorKind[];
  /** Adds a layer the user brought; an id already in use gets a suffix. Returns its model. */
  add(entry: LayerEntry, origin?: 'service' | 'file'): LayerModel;
  /** Removes a layer the user added (catalogue layers stay). */
  remove(id: string): void;
  /** Whether the user added this layer, and from where. */
  originOf(id: string): 'catalogue' | 'service' | 'file' | undefined;
  /** Calls `listener` when layers are added or removed; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
  destroy(): void;
}

/** Creates one model per catalog entry; a repeated id keeps the first entry. */
export function createLayerRegistry(entries: readonly LayerEntry[]): LayerRegistry {
  const byId = new Map<string, LayerModel>();
  const origins = new Map<string, 'catalogue' | 'service' | 'file'>();
  for (const entry of entries) {
    if (!byId.has(entry.id)) {
      byId.set(entry.id, new LayerModel(entry));
      origins.set(entry.id, 'catalogue');
    }
  }
  let layers: readonly LayerModel[] = [...byId.values()];
  const listeners = new Set<() => void>();
  const changed = () => {
    layers = [...byId.values()];
    for (const listener of [...listeners]) listener();
  };
  return {
    get layers() {
      return layers;
    },
    get: (id) => byId.get(id),
    liveLayerOf: (kind) => layers.find((l) => l.entry.type === 'live' && l.entry.kind === kind),
    liveKinds: () => [...new Set(layers.flatMap((l) => (l.entry.type === 'live' ? [l.entry.kind] : [])))],
    add(entry, origin = 'service') {
      let id = entry.id;
      for (let n = 2; byId.has(id); n += 1) id = `${entry.id}-${n}`;
      const model = new LayerModel({ ...entry, id });
      byId.set(id, model);
      origins.set(id, origin);
      changed();
      return model;
    },
    remove(id) {
      const model = byId.get(id);
      if (!model || origins.get(id) === 'catalogue') return;
      byId.delete(id);
      origins.delete(id);
      model.destroy();
      changed();
    },
    originOf: (id) => origins.get(id),
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    destroy: () => {
      for (const layer of layers) layer.destroy();
      listeners.clear();
    },
  };
}
