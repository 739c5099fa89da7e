/**
 * "Karte": the maps the town offers under its buildings (its own town map, light or dark, and any
 * WMTS, WMS or XYZ map of the pack or the config), as a radio group with each map's credit.
 */
import type { Basemap } from '../../../protocol/index.ts';
import { useTranslator } from '../i18n/I18nContext.tsx';

export interface BasemapPickerProps {
  readonly basemaps: readonly Basemap[];
  readonly value: string | null;
  readonly onChange: (id: string) => void;
}

export function BasemapPicker({ basemaps, value, onChange }: BasemapPickerProps) {
  const translator = useTranslator();
  if (basemaps.length === 0) return null;
  const chosen = basemaps.find((b) => b.id === value);
  return (
    <fieldset className="basemap-picker" data-testid="basemap-picker">
      <legend className="panel-heading">{translator.t('basemap.title')}</legend>
      <div role="radiogroup" aria-label={translator.t('basemap.pick')} className="basemap-options">
        {basemaps.map((basemap) => {
          const id = `basemap-${basemap.id}`;
          return (
            <div key={basemap.id} className="basemap-option">
              <input
                id={id}
                type="radio"
                name="basemap"
                value={basemap.id}
                checked={basemap.id === value}
                onChange={() => onChange(basemap.id)}
                data-testid="basemap-option"
              />
              <label htmlFor={id}>{basemap.title[translator.locale]}</label>
            </div>
          );
        })}
      </div>
      {chosen?.attribution && (
        <p className="basemap-credit muted">
          {translator.t('basemap.attribution', { attribution: chosen.attribution })}
        </p>
      )}
    </fieldset>
  );
}
