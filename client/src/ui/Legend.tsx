/**
 * A layer's legend: colour swatches with what they mean.
 */
import { useTranslator } from '../i18n/I18nContext.tsx';
import type { LegendEntry } from '../layers/palette.ts';

/** Renders the rows of a legend as a list labelled by the layer's title. */
export function Legend({ entries, layerTitle }: { entries: readonly LegendEntry[]; layerTitle: string }) {
  const translator = useTranslator();
  return (
    <ul className="legend" aria-label={translator.t('layers.legendLabel', { layer: layerTitle })}>
      {entries.map((entry) => (
        <li key={(entry.label?.de ?? entry.labelKey) + entry.colorCss} className="legend-row">
          <span
            className={`swatch swatch-${entry.shape ?? 'square'}`}
            style={{ backgroundColor: entry.colorCss }}
            aria-hidden="true"
          />
          <span>{entry.label ? entry.label[translator.locale] : translator.t(entry.labelKey)}</span>
        </li>
      ))}
    </ul>
  );
}
