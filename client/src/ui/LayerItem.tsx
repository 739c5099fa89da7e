/**
 * One layer of the panel: its checkbox and loading state, its legend, and behind "Details" what the
 * layer is (description, source, licence, date, demo data) and how opaque it is drawn.
 */
import { useId, useState, type ReactNode } from 'react';
import type { LayerEntry } from '../../../protocol/index.ts';
import { useTranslator } from '../i18n/I18nContext.tsx';
import { legendFor } from '../layers/legend.ts';
import type { LayerModel } from '../layers/layerModel.ts';
import {
  BUILDING_COLOR_MODES,
  COLOR_MODE_LABEL_KEYS,
  isBuildingColorMode,
  type BuildingColorMode,
} from '../layers/types/tileset/buildingsLayer.ts';
import { legendImageUrlOf } from '../layers/types/legendImage.ts';
import { useLayerView } from './hooks.ts';
import { Legend } from './Legend.tsx';

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

/** A calendar day in the UI's language (`5. Dez. 2026`). */
function dayText(iso: string, intlLocale: string): string {
  const ms = Date.parse(iso);
  return Number.isFinite(ms)
    ? new Intl.DateTimeFormat(intlLocale, { dateStyle: 'medium', timeZone: 'UTC' }).format(ms)
    : iso;
}

export interface LayerItemProps {
  readonly layer: LayerModel;
  readonly catalog: readonly LayerEntry[];
  readonly extra: ReactNode;
  readonly buildingColorMode: BuildingColorMode;
  readonly onBuildingColorModeChange: (mode: BuildingColorMode) => void;
  /** Where a layer the user added came from; such a layer can be removed. */
  readonly added?: 'service' | 'file' | undefined;
  readonly onRemove?: (() => void) | undefined;
}

export function LayerItem({
  layer,
  catalog,
  extra,
  buildingColorMode,
  onBuildingColorModeChange,
  added,
  onRemove,
}: LayerItemProps) {
  const translator = useTranslator();
  const view = useLayerView(layer);
  const [open, setOpen] = useState(false);
  const detailsId = useId();
  const entry = layer.entry;
  // Known for a WMTS layer once its capabilities are read: the view changes then.
  const legendImage = view.state === 'ACTIVE' || entry.type === 'wms' ? legendImageUrlOf(entry) : null;
  const title = entry.title[translator.locale];
  const inputId = `layer-toggle-${layer.id}`;
  const opacityId = `layer-opacity-${layer.id}`;
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
        <button
          type="button"
          className="layer-details-toggle"
          aria-expanded={open}
          aria-controls={detailsId}
          aria-label={translator.t('layers.detailsOf', { layer: title })}
          onClick={() => setOpen((o) => !o)}
          data-testid="layer-details-toggle"
        >
          {translator.t('layers.details')}
        </button>
      </div>
      {entry.type === 'tileset' && view.visible && (
        <ColorModeSelect layerId={layer.id} value={buildingColorMode} onChange={onBuildingColorModeChange} />
      )}
      {open && (
        <div id={detailsId} className="layer-details" data-testid="layer-details">
          {entry.description && <p>{entry.description[translator.locale]}</p>}
          {view.error && <p className="layer-error">{view.error}</p>}
          <dl>
            {entry.synthetic && (
              <div>
                <dt className="visually-hidden">{translator.t('layers.source')}</dt>
                <dd className="synthetic-tag">{translator.t('layers.synthetic')}</dd>
              </div>
            )}
            {entry.source && (
              <div>
                <dt>{translator.t('layers.source')}</dt>
                <dd>{entry.source}</dd>
              </div>
            )}
            {entry.licence && (
              <div>
                <dt>{translator.t('layers.licence')}</dt>
                <dd>{entry.licence}</dd>
              </div>
            )}
            {entry.updated && (
              <div>
                <dt>{translator.t('layers.updated')}</dt>
                <dd>{dayText(entry.updated, translator.intlLocale)}</dd>
              </div>
            )}
          </dl>
          {added === 'file' && <p className="muted">{translator.t('layers.localFile')}</p>}
          <div className="layer-opacity">
            <label htmlFor={opacityId}>{translator.t('layers.opacity')}</label>
            <input
              id={opacityId}
              type="range"
              min={0}
              max={100}
              step={5}
              value={Math.round(view.opacity * 100)}
              aria-label={translator.t('layers.opacityOf', { layer: title })}
              aria-valuetext={`${Math.round(view.opacity * 100)} %`}
              onChange={(event) => layer.setOpacity(Number(event.currentTarget.value) / 100)}
              data-testid="layer-opacity"
            />
            <output htmlFor={opacityId}>{Math.round(view.opacity * 100)} %</output>
          </div>
          {onRemove && (
            <button
              type="button"
              className="button"
              onClick={onRemove}
              aria-label={translator.t('layers.removeLabel', { layer: title })}
            >
              {translator.t('layers.remove')}
            </button>
          )}
        </div>
      )}
      <Legend entries={legendFor(entry, catalog, buildingColorMode)} layerTitle={title} />
      {legendImage && view.visible && (
        <img
          className="legend-image"
          src={legendImage}
          alt={translator.t('layers.legendImage', { layer: title })}
          loading="lazy"
        />
      )}
      {extra}
    </li>
  );
}
