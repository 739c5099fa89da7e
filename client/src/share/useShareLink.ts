/**
 * Binds the link to the map's state: a link's layers, added layers and language are applied when the
 * town starts, and every later change of layers and language goes back into the link. The camera,
 * basemap, selection, scenario and swipe are written by their owners through the returned writer.
 */
import { useEffect, useMemo } from 'react';
import type { I18nStore } from '../i18n/i18nStore.ts';
import type { LayerRegistry } from '../layers/layerRegistry.ts';
import { createLinkWriter, type LinkWriter } from './linkWriter.ts';
import type { LinkLayer, ShareState } from './shareLink.ts';

/** Applies a link's layer states and added layers to a town's registry. */
export function applyShareLayers(registry: LayerRegistry, state: ShareState): void {
  for (const entry of state.added) registry.add(entry, 'service');
  for (const layer of state.layers ?? []) {
    const model = registry.get(layer.id);
    if (!model) continue;
    model.setVisible(layer.visible);
    model.setOpacity(layer.opacity);
  }
}

/**
 * The layers' states as a link holds them (only those the user changed from the town's catalogue, so
 * an untouched map keeps a short link), and the service layers the user added.
 */
export function shareLayersOf(registry: LayerRegistry): Pick<ShareState, 'layers' | 'added'> {
  const layers: LinkLayer[] = registry.layers
    .filter((l) => registry.originOf(l.id) === 'catalogue')
    .map((l) => ({ id: l.id, visible: l.visible, opacity: l.getView().opacity }))
    .filter((l) => {
      const entry = registry.get(l.id)?.entry;
      return l.visible !== (entry?.visible ?? true) || Math.abs(l.opacity - (entry?.opacity ?? 1)) > 0.005;
    });
  const added = registry.layers
    .filter((l) => registry.originOf(l.id) === 'service')
    .map((l) => ({ ...l.entry, visible: l.visible, opacity: l.getView().opacity }));
  return { layers, added };
}

/** The writer of this page's link, following the town's layers and the language. */
export function useShareLink(registry: LayerRegistry, i18n: I18nStore): LinkWriter {
  const writer = useMemo(() => createLinkWriter(), []);
  useEffect(() => () => writer.dispose(), [writer]);

  useEffect(() => {
    let stops: (() => void)[] = [];
    const writeLayers = () => writer.write(shareLayersOf(registry));
    const watch = () => {
      for (const stop of stops) stop();
      stops = registry.layers.map((layer) => layer.subscribe(writeLayers));
    };
    watch();
    const stopRegistry = registry.subscribe(() => {
      watch();
      writeLayers();
    });
    return () => {
      stopRegistry();
      for (const stop of stops) stop();
    };
  }, [registry, writer]);

  useEffect(
    () => i18n.subscribe(() => writer.write({ locale: i18n.getTranslator().locale })),
    [i18n, writer],
  );
  return writer;
}
