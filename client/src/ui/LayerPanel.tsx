/**
 * The side panel "Ebenen": one checkbox per catalog layer with its loading state and legend; the
 * buildings layer has a "colour by" select, and the garage list sits under the parking layer.
 */
import type { ReactNode } from 'react';
import type { LayerEntry } from '../../../protocol/index.ts';
import { useTranslator } from '../i18n/I18nContext.tsx';
import type { LayerModel } from '../layers/layerModel.ts';
import {
  BUILDING_COLOR_MODES,
  COLOR_MODE_LABEL_KEYS,
  isBuildingColorMode,
  type BuildingColorMode,
} from '../layers/types/tileset/buildingsLayer.ts';
import { legendFor } from '../layers/legend.ts';
import { useLayerView } from './hooks.ts';
import { Legend } from './Legend.tsx';

/** Props of {@link LayerPanel}. */
export interface LayerPanelProps {
  /** Shown above the layers (the control room's alarm list). */
  readonly before?: ReactNode;
  readonly layers: readonly LayerModel[];
  /** Extra content under a layer's legend (the garage list under the parking layer). */
  readonly renderExtra?: ((layer: LayerModel) => ReactNode) | undefined;
  /** The attribute buildings are coloured by. */
  readonly buildingColorMode: BuildingColorMode;
  readonly onBuildingColorModeChange: (mode: BuildingColorMode) => void;
}

function ColorModeSelect({
  layerId,
  value,
  onChange,
}: {
  layerId: string;
  value: BuildingColorMode;
  onChange: (mode: BuildingColorMode) => void;
}) {
  const translator = useTranslator();
  const selectId = `layer-color-by-${layerId}`;
  return (
    <div className="color-by">
      <label htmlFor={selectId}>{translator.t('buildings.colorBy')}</label>
      <select
        id={selectId}
        data-testid="building-color-by"
        value={value}
        onChange={(event) => {
          const mode = event.currentTarget.value;
          if (isBuildingColorMode(mode)) onChange(mode);
        }}
      >
        {BUILDING_COLOR_MODES.map((mode) => (
          <option key={mode} value={mode}>
            {translator.t(COLOR_MODE_LABEL_KEYS[mode])}
          </option>
        ))}
      </select>
    </div>
  );
}

function LayerItem({
  layer,
  catalog,
  extra,
  buildingColorMode,
  onBuildingColorModeChange,
}: {
  layer: LayerModel;
  catalog: readonly LayerEntry[];
  extra: ReactNode;
  buildingColorMode: BuildingColorMode;
  onBuildingColorModeChange: (mode: BuildingColorMode) => void;
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
      {layer.entry.type === 'tileset' && view.visible && (
        <ColorModeSelect layerId={layer.id} value={buildingColorMode} onChange={onBuildingColorModeChange} />
      )}
      <Legend entries={legendFor(layer.entry, catalog, buildingColorMode)} layerTitle={title} />
      {extra}
    </li>
  );
}

/** The layer panel. */
export function LayerPanel({
  layers,
  before,
  renderExtra,
  buildingColorMode,
  onBuildingColorModeChange,
}: LayerPanelProps) {
  const translator = useTranslator();
  const catalog = layers.map((l) => l.entry);
  return (
    <aside className="side-panel" aria-labelledby="layers-title">
      {before}
      <h2 id="layers-title" className="panel-heading">
        {translator.t('layers.title')}
      </h2>
      <ul className="layer-list">
        {layers.map((layer) => (
          <LayerItem
            key={layer.id}
            layer={layer}
            catalog={catalog}
            extra={renderExtra?.(layer)}
            buildingColorMode={buildingColorMode}
            onBuildingColorModeChange={onBuildingColorModeChange}
          />
        ))}
      </ul>
    </aside>
  );
}
