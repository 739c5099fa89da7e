/**
 * Under the layer list: adding a layer from a service (WMS, WMTS, OGC API Features) by its URL, or
 * from a file of one's own (GeoJSON, KML, CSV). Added layers go into the town's layer registry with
 * their origin; service layers travel in the share link, files stay on this device.
 */
import { useState } from 'react';
import { useTranslator } from '../i18n/I18nContext.tsx';
import type { LayerRegistry } from '../layers/layerRegistry.ts';
import { AddLayerDialog } from './AddLayerDialog.tsx';
import { DropFile } from './DropFile.tsx';

/** The browser's fetch, for the services the user names. */
const browserFetch = (input: string, init?: RequestInit) => fetch(input, init);

export function LayerTools({ registry }: { readonly registry: LayerRegistry }) {
  const translator = useTranslator();
  const [adding, setAdding] = useState(false);
  return (
    <div className="layer-tools">
      <button type="button" className="button" onClick={() => setAdding(true)} data-testid="add-layer-open">
        {translator.t('ogc.add.open')}
      </button>
      {adding && (
        <AddLayerDialog
          fetchFn={browserFetch}
          takenIds={new Set(registry.layers.map((l) => l.id))}
          onAdd={(entry) => {
            registry.add({ ...entry, visible: true }, 'service');
            setAdding(false);
          }}
          onClose={() => setAdding(false)}
        />
      )}
      <DropFile onLayer={(entry) => registry.add({ ...entry, visible: true }, 'file')} />
    </div>
  );
}
