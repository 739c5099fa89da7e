/**
 * A measurement's values as lines of text in the active language, for the panel and the map label
 * ("Strecke: 1.234,5 m", "Fläche: 2,35 ha (23.456 m²)", "Höhenunterschied: 18,25 m"). Pure.
 */
import type { Translator } from '../i18n/messages.ts';
import type { MeasureResult } from './measureModel.ts';
import { areaUsesLargerUnit, formatArea, formatLength, formatSquareMetres } from './measureFormat.ts';

/** The lines that say `result`; empty while there are too few points to say anything. */
export function measureLines(result: MeasureResult, translator: Translator): string[] {
  const locale = translator.intlLocale;
  const length = (metres: number) => formatLength(metres, locale);
  switch (result.kind) {
    case 'distance': {
      if (result.pointCount < 2) return [];
      const lines = [translator.t('measure.distance', { value: length(result.geodesicM) })];
      if (result.showsLength3d)
        lines.push(translator.t('measure.distance3d', { value: length(result.length3dM) }));
      return lines;
    }
    case 'area': {
      if (result.pointCount < 2) return [];
      if (result.pointCount < 3) return [translator.t('measure.needMore')];
      const value = formatArea(result.areaM2, locale);
      return [
        areaUsesLargerUnit(result.areaM2)
          ? translator.t('measure.areaBoth', {
              value,
              squareMetres: formatSquareMetres(result.areaM2, locale),
            })
          : translator.t('measure.area', { value }),
        translator.t('measure.perimeter', { value: length(result.perimeterM) }),
      ];
    }
    case 'height': {
      if (result.differenceM !== null && result.horizontalM !== null)
        return [
          translator.t('measure.heightDifference', { value: length(Math.abs(result.differenceM)) }),
          translator.t('measure.horizontal', { value: length(result.horizontalM) }),
        ];
      const lines: string[] = [];
      if (result.heightAboveGroundM !== null)
        lines.push(translator.t('measure.aboveGround', { value: length(result.heightAboveGroundM) }));
      if (result.heightAboveEllipsoidM !== null)
        lines.push(translator.t('measure.aboveEllipsoid', { value: length(result.heightAboveEllipsoidM) }));
      return lines;
    }
  }
}

/** The map label: the same lines, one under the other. */
export function measureLabel(result: MeasureResult, translator: Translator): string {
  return measureLines(result, translator).join('\n');
}
