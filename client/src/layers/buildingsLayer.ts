/**
 * The buildings layer (a 3D Tiles tileset of the city pack), pure part: its neutral colour, the
 * metadata property that names a building, and its legend. Its Cesium binding is
 * `buildingsCesiumImpl.ts`; garages on it are coloured by the parking layer.
 */
import { PALETTE, type LegendEntry } from './palette.ts';

/** The tileset feature property holding the building id of the city pack (`b00042`). */
export const BUILDING_ID_PROPERTY = 'buildingId';

/** Colour of buildings without live data: a neutral light grey that live colours stand out from. */
export const BUILDING_COLOR_CSS = PALETTE.building;

/** Reads the building id from a feature's property value; anything but a non-empty string is no id. */
export function buildingIdOf(propertyValue: unknown): string | null {
  return typeof propertyValue === 'string' && propertyValue !== '' ? propertyValue : null;
}

/** The legend of the buildings layer; the garage row only when a parking layer colours garages. */
export function buildingsLegend(hasParkingLayer: boolean): readonly LegendEntry[] {
  const neutral: LegendEntry = { colorCss: BUILDING_COLOR_CSS, labelKey: 'legend.buildings.neutral' };
  return hasParkingLayer
    ? [neutral, { colorCss: PALETTE.green, labelKey: 'legend.buildings.garage' }]
    : [neutral];
}
