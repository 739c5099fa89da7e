/**
 * A plain GeoJSON layer of the catalog (reference geometry without live values), pure part. Its
 * Cesium binding is `geojsonCesiumImpl.ts`.
 */
import { PALETTE, type LegendEntry } from '../../palette.ts';

/** Colour of plain GeoJSON features; muted, so live layers drawn over them stand out. */
export const GEOJSON_COLOR_CSS = PALETTE.feature;

/** Line width in CSS pixels for lines and polygon outlines. */
export const GEOJSON_LINE_WIDTH_PX = 2;

/** The legend of a GeoJSON layer. */
export function geojsonLegend(): readonly LegendEntry[] {
  return [{ colorCss: GEOJSON_COLOR_CSS, labelKey: 'legend.geojson.feature', shape: 'line' }];
}
