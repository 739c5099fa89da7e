/**
 * The side panel: the basemap picker ("Karte"), then the catalogue's layers ("Ebenen") in its groups
 * and order, then the layers the user added; tools to add layers sit at the end.
 */
import type { ReactNode } from 'react';
import type { Basemap, LayerGroup } from '../../../protocol/index.ts';
import { useTranslator } from '../i18n/I18nContext.tsx';
import type { LayerModel } from '../layers/layerModel.ts';
import type { BuildingColorMode } from '../layers/types/tileset/buildingsLayer.ts';
import { BasemapPicker } from './BasemapPicker.tsx';
import { LayerItem } from './LayerItem.tsx';

/** Props of {@link LayerPanel}. */
export interface LayerPanelProps {
  /** Shown above the layers (the control room's alarm list). */
  readonly before?: ReactNode;
  readonly layers: readonly LayerModel[];
  /** The catalogue's groups, in order. */
  readonly groups?: readonly LayerGroup[] | undefined;
  /** Where each layer came from; those the user added can be removed. */
  readonly originOf?: ((id: string) => 'catalogue' | 'service' | 'file' | undefined) | undefined;
  readonly onRemove?: ((id: string) => void) | undefined;
  /** Extra content under a layer's legend (the garage list under the parking layer). */
  readonly renderExtra?: ((layer: LayerModel) => ReactNode) | undefined;
  /** The attribute buildings are coloured by. */
  readonly buildingColorMode: BuildingColorMode;
  readonly onBuildingColorModeChange: (mode: BuildingColorMode) => void;
  readonly basemaps?: readonly Basemap[] | undefined;
  readonly basemapId?: string | null | undefined;
  readonly onBasemapChange?: ((id: string) => void) | undefined;
  /** Adding layers (a service URL, a file), under the list. */
  readonly tools?: ReactNode;
}

interface Section {
  readonly key: string;
  readonly title: string | null;
  readonly layers: readonly LayerModel[];
}

/** The layers in the catalogue's groups (in the groups' order), then ungrouped ones, then added ones. */
function sectionsOf(
  layers: readonly LayerModel[],
  groups: readonly LayerGroup[],
  origin: (id: string) => string | undefined,
  locale: 'de' | 'en',
  ungroupedTitle: string,
  addedTitle: string,
): Section[] {
  const catalogue = layers.filter((l) => (origin(l.id) ?? 'catalogue') === 'catalogue');
  const added = layers.filter((l) => (origin(l.id) ?? 'catalogue') !== 'catalogue');
  const sections: Section[] = groups.map((g) => ({
    key: g.id,
    title: g.title[locale],
    layers: catalogue.filter((l) => l.entry.group === g.id),
  }));
  const known = new Set(groups.map((g) => g.id));
  const rest = catalogue.filter((l) => l.entry.group === undefined || !known.has(l.entry.group));
  // Without groups, the catalogue is one plain list as before.
  sections.push({ key: '-ungrouped', title: groups.length > 0 ? ungroupedTitle : null, layers: rest });
  sections.push({ key: '-added', title: addedTitle, layers: added });
  return sections.filter((s) => s.layers.length > 0);
}

/** The layer panel. */
export function LayerPanel({
  layers,
  groups = [],
  originOf = () => 'catalogue',
  onRemove,
  before,
  renderExtra,
  buildingColorMode,
  onBuildingColorModeChange,
  basemaps = [],
  basemapId = null,
  onBasemapChange,
  tools,
}: LayerPanelProps) {
  const translator = useTranslator();
  const catalog = layers.map((l) => l.entry);
  const sections = sectionsOf(
    layers,
    groups,
    originOf,
    translator.locale,
    translator.t('layers.ungrouped'),
    translator.t('layers.addedGroup'),
  );
  const item = (layer: LayerModel) => {
    const origin = originOf(layer.id);
    const added = origin === 'service' || origin === 'file' ? origin : undefined;
    return (
      <LayerItem
        key={layer.id}
        layer={layer}
        catalog={catalog}
        extra={renderExtra?.(layer)}
        buildingColorMode={buildingColorMode}
        onBuildingColorModeChange={onBuildingColorModeChange}
        added={added}
        onRemove={added && onRemove ? () => onRemove(layer.id) : undefined}
      />
    );
  };
  return (
    <aside className="side-panel" aria-labelledby="layers-title">
      {before}
      {onBasemapChange && <BasemapPicker basemaps={basemaps} value={basemapId} onChange={onBasemapChange} />}
      <h2 id="layers-title" className="panel-heading">
        {translator.t('layers.title')}
      </h2>
      {sections.map((section) =>
        section.title === null ? (
          <ul key={section.key} className="layer-list">
            {section.layers.map(item)}
          </ul>
        ) : (
          <section
            key={section.key}
            className="layer-group"
            aria-label={section.title}
            data-group-id={section.key}
          >
            <h3 className="layer-group-title">{section.title}</h3>
            <ul className="layer-list">{section.layers.map(item)}</ul>
          </section>
        ),
      )}
      {tools}
    </aside>
  );
}
