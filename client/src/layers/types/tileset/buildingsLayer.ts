/**
 * The buildings layer (a 3D Tiles tileset of the city pack), pure part: its neutral colour, the
 * metadata property that names a building, the "colour by" styles with their legends, and the
 * highlight of a selected building. Its Cesium binding is `buildingsCesiumImpl.ts`; garages on it are
 * coloured by the parking layer.
 */
import type { MessageKey } from '../../../i18n/messages.ts';
import { PALETTE, type LegendEntry } from '../../palette.ts';
import { BUILDING_USES, type BuildingUse } from '../../../../../protocol/index.ts';

/** The tileset feature property holding the building id of the city pack (`b00042`). */
export const BUILDING_ID_PROPERTY = 'buildingId';

/** The metadata properties of a building feature the viewer reads (see docs/tiles.md). */
export const BUILDING_PROPERTIES = [
  BUILDING_ID_PROPERTY,
  'name',
  'use',
  'heightM',
  'storeys',
  'yearOfConstruction',
] as const;

/** A building's metadata as read from its tile feature; values are unchecked. */
export type BuildingProperties = Readonly<Partial<Record<(typeof BUILDING_PROPERTIES)[number], unknown>>>;

/** Colour of buildings without live data: a neutral light grey that live colours stand out from. */
export const BUILDING_COLOR_CSS = PALETTE.building;

/**
 * Colour of the selected building. The UI accent, a light cyan that none of the style or live
 * colours uses, so the selection reads over any of them.
 */
export const BUILDING_HIGHLIGHT_CSS = '#58c4ff';

/** `yearOfConstruction` of a building whose year is unknown (the property's `noData`). */
export const YEAR_NO_DATA = -32768;

/** Reads the building id from a feature's property value; anything but a non-empty string is no id. */
export function buildingIdOf(propertyValue: unknown): string | null {
  return typeof propertyValue === 'string' && propertyValue !== '' ? propertyValue : null;
}

export { BUILDING_USES, type BuildingUse };

/** Narrows a `use` property value to a known use, or null. */
export function buildingUseOf(value: unknown): BuildingUse | null {
  return typeof value === 'string' && (BUILDING_USES as readonly string[]).includes(value)
    ? (value as BuildingUse)
    : null;
}

/** The translated-label key of each use. */
export const USE_LABEL_KEYS: Readonly<Record<BuildingUse, MessageKey>> = {
  residential: 'building.use.residential',
  mixed: 'building.use.mixed',
  commercial: 'building.use.commercial',
  industrial: 'building.use.industrial',
  public: 'building.use.public',
  school: 'building.use.school',
  parking: 'building.use.parking',
};

/** The year of construction, or null when the column is absent, the value is `noData` or not a year. */
export function constructionYearOf(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value !== YEAR_NO_DATA ? value : null;
}

/** The attribute buildings are coloured by; `none` keeps them neutral. */
export const BUILDING_COLOR_MODES = ['none', 'use', 'height', 'year'] as const;
export type BuildingColorMode = (typeof BUILDING_COLOR_MODES)[number];

/** Narrows a string (a select's value) to a colour mode. */
export function isBuildingColorMode(value: unknown): value is BuildingColorMode {
  return typeof value === 'string' && (BUILDING_COLOR_MODES as readonly string[]).includes(value);
}

/** The translated-label key of each colour mode (the options of the select). */
export const COLOR_MODE_LABEL_KEYS: Readonly<Record<BuildingColorMode, MessageKey>> = {
  none: 'buildings.colorBy.none',
  use: 'buildings.colorBy.use',
  height: 'buildings.colorBy.height',
  year: 'buildings.colorBy.year',
};

/** Use colours: distinct hues, all lighter than the occupancy colours garages are drawn in. */
const USE_COLORS: Readonly<Record<BuildingUse, string>> = {
  residential: '#f2d8a7',
  mixed: '#e8a87c',
  commercial: '#c59ad6',
  industrial: '#a47551',
  public: '#8fd19e',
  school: '#f28da0',
  parking: '#6f7d8c',
};
const UNKNOWN_COLOR = PALETTE.grey;

/** Height bands (upper bound exclusive, metres), low to high, as a light-to-dark sequence. */
const HEIGHT_BANDS: readonly {
  readonly belowM: number;
  readonly colorCss: string;
  readonly labelKey: MessageKey;
}[] = [
  { belowM: 6, colorCss: '#fff3b0', labelKey: 'legend.height.below6' },
  { belowM: 12, colorCss: '#f9c74f', labelKey: 'legend.height.6to12' },
  { belowM: 20, colorCss: '#f3722c', labelKey: 'legend.height.12to20' },
  { belowM: 40, colorCss: '#c1121f', labelKey: 'legend.height.20to40' },
  { belowM: Infinity, colorCss: '#6a040f', labelKey: 'legend.height.40plus' },
];

/** Construction periods (upper bound exclusive), old to new. */
const YEAR_BANDS: readonly {
  readonly beforeYear: number;
  readonly colorCss: string;
  readonly labelKey: MessageKey;
}[] = [
  { beforeYear: 1919, colorCss: '#8c510a', labelKey: 'legend.year.before1919' },
  { beforeYear: 1949, colorCss: '#d8b365', labelKey: 'legend.year.1919to1948' },
  { beforeYear: 1979, colorCss: '#f6e8c3', labelKey: 'legend.year.1949to1978' },
  { beforeYear: 1995, colorCss: '#c7eae5', labelKey: 'legend.year.1979to1994' },
  { beforeYear: 2010, colorCss: '#5ab4ac', labelKey: 'legend.year.1995to2009' },
  { beforeYear: Infinity, colorCss: '#01665e', labelKey: 'legend.year.2010plus' },
];

/**
 * The colour of a building under `mode`, from its metadata. Missing or unreadable values get the
 * unknown grey rather than a band they may not belong to.
 */
export function buildingColorCss(mode: BuildingColorMode, properties: BuildingProperties): string {
  switch (mode) {
    case 'none':
      return BUILDING_COLOR_CSS;
    case 'use': {
      const use = buildingUseOf(properties.use);
      return use ? USE_COLORS[use] : UNKNOWN_COLOR;
    }
    case 'height': {
      const heightM = properties.heightM;
      if (typeof heightM !== 'number' || !Number.isFinite(heightM)) return UNKNOWN_COLOR;
      return HEIGHT_BANDS.find((band) => heightM < band.belowM)?.colorCss ?? UNKNOWN_COLOR;
    }
    case 'year': {
      const year = constructionYearOf(properties.yearOfConstruction);
      if (year === null) return UNKNOWN_COLOR;
      return YEAR_BANDS.find((band) => year < band.beforeYear)?.colorCss ?? UNKNOWN_COLOR;
    }
  }
}

/**
 * The legend of the buildings layer under `mode`; the garage row only when a parking layer colours
 * garages (it does so in every mode).
 */
export function buildingsLegend(
  hasParkingLayer: boolean,
  mode: BuildingColorMode = 'none',
): readonly LegendEntry[] {
  const garage: readonly LegendEntry[] = hasParkingLayer
    ? [{ colorCss: PALETTE.green, labelKey: 'legend.buildings.garage' }]
    : [];
  const unknown: LegendEntry = { colorCss: UNKNOWN_COLOR, labelKey: 'legend.buildings.unknown' };
  switch (mode) {
    case 'none':
      return [{ colorCss: BUILDING_COLOR_CSS, labelKey: 'legend.buildings.neutral' }, ...garage];
    case 'use':
      return [
        // Garages show occupancy instead of their use colour when a parking layer is there.
        ...BUILDING_USES.filter((use) => !(hasParkingLayer && use === 'parking')).map((use): LegendEntry => ({
          colorCss: USE_COLORS[use],
          labelKey: USE_LABEL_KEYS[use],
        })),
        unknown,
        ...garage,
      ];
    case 'height':
      return [...HEIGHT_BANDS.map(({ colorCss, labelKey }) => ({ colorCss, labelKey })), ...garage];
    case 'year':
      return [...YEAR_BANDS.map(({ colorCss, labelKey }) => ({ colorCss, labelKey })), unknown, ...garage];
  }
}
