/**
 * A GeoJSON layer of the catalogue (reference geometry without live values), pure part. Its Cesium
 * binding is `geojsonCesiumImpl.ts`; styles are resolved in `vectorStyle.ts`.
 */
import type { VectorStyle } from '../../../../../protocol/index.ts';
import type { LegendEntry } from '../../palette.ts';
import { DEFAULT_LINE_WIDTH_PX, DEFAULT_VECTOR_COLOR, vectorLegend } from './vectorStyle.ts';

/** Colour of plain GeoJSON features; muted, so live layers drawn over them stand out. */
export const GEOJSON_COLOR_CSS = DEFAULT_VECTOR_COLOR;

/** Line width in CSS pixels for lines and polygon outlines. */
export const GEOJSON_LINE_WIDTH_PX = DEFAULT_LINE_WIDTH_PX;

/** The legend of a vector layer: the classes of its style with their labels, or one plain row. */
export function geojsonLegend(style?: VectorStyle): readonly LegendEntry[] {
  return vectorLegend(style);
}
