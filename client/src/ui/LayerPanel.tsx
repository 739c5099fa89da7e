/**
 * The side panel "Ebenen": one checkbox per catalog layer with its loading state and legend; the
 * garage list sits under the parking layer.
 */
import type { ReactNode } from 'react';
import type { LayerEntry } from '../../../protocol/index.ts';
import { useTranslator } from '../i18n/I18nContext.tsx';
import type { LayerModel } from '../layers/layerModel.ts';
import { legendFor } from '../layers/legend.ts';
import { useLayerView } from './hooks.ts';
import { Legend } from './Legend.tsx';

/** Props of {@link LayerPanel}. */
export interface LayerPanelProps {
  readonly layers: readonly LayerModel[];
  /** Extra content under a layer's legend (the garage list under the parking layer). */
  readonly renderExtra?: ((layer: LayerModel) => ReactNode) | undefined;
}

function LayerItem({
  layer,
  catalog,
  extra,
}: {
  layer: LayerModel;
  catalog: readonly LayerEntry[];
  extra: ReactNode;
}) {
  const translator = useTranslator();
  const view = useLayerView(layer);
  const title = layer.entry.title[translator.locale];
  const inputId = `layer-toggle-${layer.id}`;
  return (
    <li
      className={`layer-item${view.visible ? '' : ' layer-hidden'}`}
      data-testid="layer"
      data-layer-id={layer.id}
      data-layer-state={view.state}
    >
      <div className="layer-toggle">
        <input
          id={inputId}
          type="checkbox"
          checked={view.visible}
          onChange={(event) => layer.setVisible(event.currentTarget.checked)}
        />
        <label htmlFor={inputId}>{title}</label>
        {view.visible && view.state === 'LOADING' && (
          <span className="layer-state">{translator.t('layers.loading')}</span>
        )}
        {view.error && (
          <span className="layer-state layer-error" title={view.error}>
            {translator.t('layers.error')}
          </span>
        )}
      </div>
      <Legend entries={legendFor(layer.entry, catalog)} layerTitle={title} />
      {extra}
    </li>
  );
}

/** The layer panel. */
export function LayerPanel({ layers, renderExtra }: LayerPanelProps) {
  const translator = useTranslator();
  const catalog = layers.map((l) => l.entry);
  return (
    <aside className="side-panel" aria-labelledby="layers-title">
      <h2 id="layers-title" className="panel-heading">
        {translator.t('layers.title')}
      </h2>
      <ul className="layer-list">
        {layers.map((layer) => (
          <LayerItem key={layer.id} layer={layer} catalog={catalog} extra={renderExtra?.(layer)} />
        ))}
      </ul>
    </aside>
  );
}
