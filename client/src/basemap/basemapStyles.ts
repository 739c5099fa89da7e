/**
 * The basemap's styles as plain data: what each vector-tile layer looks like at each zoom. A style is
 * a list of paint rules drawn in order (areas, then casings, then line fills) plus label rules; a
 * third style is one more entry in {@link BASEMAP_STYLES}, no code.
 *
 * `light` is calm on purpose: pale ground, white streets, muted water and greens, so the live
 * colours drawn over it (parking red/amber/green, traffic speeds, stations) stand out. `dark` is for
 * the control room: dark blue-grey ground, dim streets, light labels.
 */

/** Zoom stops `[zoom, value]`, interpolated linearly between stops and held beyond the ends. */
export type ZoomStops = readonly (readonly [zoom: number, value: number])[];

/** Which features of a layer a rule applies to. */
export interface FeatureFilter {
  /** Feature classes (`class` property) the rule applies to; all when left out. */
  readonly classes?: readonly string[];
  /** Geometry: 1 point, 2 line, 3 polygon; all when left out. */
  readonly geometry?: 1 | 2 | 3;
}

/** Fills areas (and may outline them). */
export interface FillRule extends FeatureFilter {
  readonly kind: 'fill';
  readonly layer: string;
  readonly color: string;
  readonly outline?: string;
  readonly minZoom?: number;
}

/** Strokes lines (or area outlines). */
export interface LineRule extends FeatureFilter {
  readonly kind: 'line';
  readonly layer: string;
  readonly color: string;
  /** Width in CSS pixels by zoom. */
  readonly width: ZoomStops;
  /** Dash pattern in pixels. */
  readonly dash?: readonly number[];
  readonly minZoom?: number;
}

/** One drawing step of a style. */
export type PaintRule = FillRule | LineRule;

/** Text along lines (streets, motorways by their number). */
export interface LineLabelRule extends FeatureFilter {
  readonly kind: 'lineLabel';
  readonly layer: string;
  /** The property holding the text. */
  readonly field: string;
  readonly minZoom: number;
  readonly sizePx: number;
  readonly weight?: number;
  readonly color: string;
  readonly halo: string;
}

/** Text at points (place names, the station), sized by the place's rank. */
export interface PointLabelRule extends FeatureFilter {
  readonly kind: 'pointLabel';
  readonly layer: string;
  readonly field: string;
  readonly minZoom: number;
  /** Last zoom it shows at (towns make room for streets up close); no limit when left out. */
  readonly maxZoom?: number;
  /** Font size in pixels by rank (1 biggest); features without rank use the last entry. */
  readonly sizePxByRank: readonly number[];
  readonly weight?: number;
  readonly color: string;
  readonly halo: string;
  /** A dot under the text (towns seen from afar, the station). */
  readonly dot?: { readonly color: string; readonly radiusPx: number; readonly maxZoom: number };
  /** Upper-case, letter-spaced text (quarters). */
  readonly upperCase?: boolean;
  readonly italic?: boolean;
}

/** Text at the middle of areas (lakes). */
export interface AreaLabelRule extends FeatureFilter {
  readonly kind: 'areaLabel';
  readonly layer: string;
  readonly field: string;
  readonly minZoom: number;
  readonly sizePx: number;
  readonly color: string;
  readonly halo: string;
  readonly italic?: boolean;
}

/** One label rule of a style. */
export type LabelRule = LineLabelRule | PointLabelRule | AreaLabelRule;

/** A complete basemap style. */
export interface BasemapStyle {
  readonly id: string;
  readonly background: string;
  readonly paint: readonly PaintRule[];
  /**
   * Placed in order: earlier rules win space over later ones. Place names are not among them: the
   * viewer draws those as screen-space labels (placeLabelsCesiumImpl.ts) in {@link places}' colours,
   * since text in imagery smears when Cesium stretches a coarse tile towards the horizon.
   */
  readonly labels: readonly LabelRule[];
  /** Colours of the screen-space place names: towns and villages, quarters, and the halo. */
  readonly places: { readonly color: string; readonly quarterColor: string; readonly halo: string };
  /** CSS font family list for every label. */
  readonly fontFamily: string;
}

/** Interpolates zoom stops at `zoom`. */
export function valueAtZoom(stops: ZoomStops, zoom: number): number {
  const first = stops[0];
  if (!first) return 0;
  if (zoom <= first[0]) return first[1];
  for (let i = 1; i < stops.length; i++) {
    const [z1, v1] = stops[i] as readonly [number, number];
    const [z0, v0] = stops[i - 1] as readonly [number, number];
    if (zoom <= z1) return v0 + ((v1 - v0) * (zoom - z0)) / (z1 - z0);
  }
  return (stops[stops.length - 1] as readonly [number, number])[1];
}

/** Whether a feature of `cls` and geometry type `type` passes a rule's filter. */
export function matchesFilter(filter: FeatureFilter, cls: unknown, type: number): boolean {
  if (filter.geometry !== undefined && filter.geometry !== type) return false;
  if (filter.classes && !filter.classes.includes(String(cls))) return false;
  return true;
}

const FONT_FAMILY = '"Noto Sans", "DejaVu Sans", "Liberation Sans", Arial, sans-serif';

/** Street widths in pixels by class and zoom: thin lines from afar, true-ish widths up close. */
const WIDTH: Readonly<Record<string, ZoomStops>> = {
  motorway: [
    [8, 1.4],
    [11, 2.4],
    [14, 6],
    [17, 18],
    [19, 48],
  ],
  primary: [
    [8, 1.2],
    [11, 2.2],
    [14, 5],
    [17, 16],
    [19, 44],
  ],
  secondary: [
    [10, 1],
    [12, 1.8],
    [14, 4.5],
    [17, 14],
    [19, 40],
  ],
  tertiary: [
    [12, 1],
    [14, 3.5],
    [17, 12],
    [19, 34],
  ],
  residential: [
    [13, 0.8],
    [14, 2.5],
    [17, 9],
    [19, 28],
  ],
  service: [
    [14, 0.8],
    [17, 5],
    [19, 14],
  ],
  path: [
    [15, 0.6],
    [17, 1.5],
    [19, 3],
  ],
};

/** Adds the casing (outline) width to a street width, by zoom. */
function casing(stops: ZoomStops, extraPx: number): ZoomStops {
  // Thin outlines from afar still lift pale roads off the pale ground at region zoom.
  return stops.map(([zoom, width]) => [zoom, width + extraPx] as const);
}

interface Palette {
  readonly background: string;
  readonly forest: string;
  readonly green: string;
  readonly meadow: string;
  readonly water: string;
  readonly waterLine: string;
  readonly building: string;
  readonly buildingOutline: string;
  readonly rail: string;
  readonly railDash: string;
  readonly roadCasing: string;
  readonly road: string;
  readonly majorRoad: string;
  readonly majorRoadCasing: string;
  readonly motorwayCasing: string;
  readonly motorway: string;
  readonly path: string;
  readonly streetLabel: string;
  readonly streetHalo: string;
  readonly placeLabel: string;
  readonly quarterLabel: string;
  readonly placeHalo: string;
  readonly waterLabel: string;
  readonly stationDot: string;
}

/** One style from a palette: both styles share their structure, only the colours differ. */
function styleFromPalette(id: string, p: Palette): BasemapStyle {
  const streets = ['residential', 'tertiary', 'secondary', 'primary'] as const;
  return {
    id,
    background: p.background,
    fontFamily: FONT_FAMILY,
    places: { color: p.placeLabel, quarterColor: p.quarterLabel, halo: p.placeHalo },
    paint: [
      { kind: 'fill', layer: 'forest', color: p.forest },
      { kind: 'fill', layer: 'green', color: p.meadow, classes: ['meadow'] },
      { kind: 'fill', layer: 'green', color: p.green, classes: ['park'] },
      { kind: 'fill', layer: 'water', color: p.water, geometry: 3 },
      {
        kind: 'line',
        layer: 'water',
        color: p.waterLine,
        geometry: 2,
        width: [
          [10, 1],
          [13, 2.5],
          [16, 6],
          [19, 14],
        ],
      },
      { kind: 'fill', layer: 'buildings', color: p.building, outline: p.buildingOutline },
      {
        kind: 'line',
        layer: 'roads',
        color: p.path,
        classes: ['path'],
        width: WIDTH.path ?? [],
        dash: [3, 2],
      },
      // Casings of all streets first, so crossings join cleanly.
      {
        kind: 'line',
        layer: 'roads',
        color: p.roadCasing,
        classes: ['service'],
        width: casing(WIDTH.service ?? [], 1),
        minZoom: 15,
      },
      ...streets.map((cls): LineRule => {
        const major = cls === 'primary' || cls === 'secondary';
        return {
          kind: 'line',
          layer: 'roads',
          color: major ? p.majorRoadCasing : p.roadCasing,
          classes: [cls],
          width: casing(WIDTH[cls] ?? [], major ? 2 : 1.5),
        };
      }),
      {
        kind: 'line',
        layer: 'roads',
        color: p.motorwayCasing,
        classes: ['motorway'],
        width: casing(WIDTH.motorway ?? [], 1.5),
      },
      { kind: 'line', layer: 'roads', color: p.road, classes: ['service'], width: WIDTH.service ?? [] },
      ...streets.map((cls): LineRule => ({
        kind: 'line',
        layer: 'roads',
        color: cls === 'primary' || cls === 'secondary' ? p.majorRoad : p.road,
        classes: [cls],
        width: WIDTH[cls] ?? [],
      })),
      { kind: 'line', layer: 'roads', color: p.motorway, classes: ['motorway'], width: WIDTH.motorway ?? [] },
      {
        kind: 'line',
        layer: 'rail',
        color: p.rail,
        classes: ['rail'],
        width: [
          [9, 0.8],
          [13, 1.6],
          [16, 3],
          [19, 5],
        ],
      },
      {
        kind: 'line',
        layer: 'rail',
        color: p.railDash,
        classes: ['rail'],
        width: [
          [13, 0.6],
          [16, 1.6],
          [19, 3],
        ],
        dash: [6, 6],
        minZoom: 13,
      },
    ],
    labels: [
      {
        kind: 'pointLabel',
        layer: 'rail',
        field: 'name',
        classes: ['station'],
        minZoom: 14,
        sizePxByRank: [11.5],
        weight: 600,
        color: p.placeLabel,
        halo: p.placeHalo,
        dot: { color: p.stationDot, radiusPx: 4, maxZoom: 30 },
      },
      {
        kind: 'lineLabel',
        layer: 'roads',
        field: 'ref',
        classes: ['motorway'],
        // Not on the coarse tiles Cesium stretches towards the horizon in oblique views.
        minZoom: 12,
        sizePx: 11,
        weight: 700,
        color: p.streetLabel,
        halo: p.streetHalo,
      },
      {
        kind: 'lineLabel',
        layer: 'roads',
        field: 'name',
        classes: ['primary', 'secondary'],
        minZoom: 14,
        sizePx: 11.5,
        weight: 500,
        color: p.streetLabel,
        halo: p.streetHalo,
      },
      {
        kind: 'lineLabel',
        layer: 'roads',
        field: 'name',
        classes: ['tertiary', 'residential'],
        minZoom: 15,
        sizePx: 11,
        color: p.streetLabel,
        halo: p.streetHalo,
      },
      {
        kind: 'areaLabel',
        layer: 'water',
        field: 'name',
        geometry: 3,
        minZoom: 15,
        sizePx: 11.5,
        color: p.waterLabel,
        halo: p.streetHalo,
        italic: true,
      },
      {
        kind: 'lineLabel',
        layer: 'water',
        field: 'name',
        geometry: 2,
        minZoom: 14,
        sizePx: 11,
        color: p.waterLabel,
        halo: p.placeHalo,
      },
    ],
  };
}

/** The calm light style: the default under the live layers. */
export const LIGHT_STYLE: BasemapStyle = styleFromPalette('light', {
  background: '#f3f2ee',
  forest: '#d6e4cc',
  green: '#dfebd3',
  meadow: '#e6eedb',
  water: '#bfd6e6',
  waterLine: '#a8c6dc',
  building: '#e2ded7',
  buildingOutline: '#cec9c0',
  rail: '#a9a6a1',
  railDash: '#f3f2ee',
  roadCasing: '#d3cfc8',
  road: '#ffffff',
  majorRoad: '#fdfbf6',
  majorRoadCasing: '#c2bbae',
  motorwayCasing: '#cdb98f',
  motorway: '#f1dfb6',
  path: '#bdb8ae',
  streetLabel: '#555555',
  streetHalo: '#ffffff',
  placeLabel: '#333333',
  quarterLabel: '#57524c',
  placeHalo: 'rgba(243, 242, 238, 0.92)',
  waterLabel: '#4f7590',
  stationDot: '#4a5a6a',
});

/** The dark control-room style. */
export const DARK_STYLE: BasemapStyle = styleFromPalette('dark', {
  background: '#1b222d',
  forest: '#1e2b29',
  green: '#212f2a',
  meadow: '#212b28',
  water: '#1b3a57',
  waterLine: '#24476a',
  building: '#29313d',
  buildingOutline: '#343d4b',
  rail: '#4f5664',
  railDash: '#1b222d',
  roadCasing: '#11161d',
  road: '#3a4350',
  majorRoad: '#434c5a',
  majorRoadCasing: '#0e1218',
  motorwayCasing: '#11161d',
  motorway: '#55596a',
  path: '#3d4552',
  streetLabel: '#aab4c2',
  streetHalo: '#1b222d',
  placeLabel: '#d7dee8',
  quarterLabel: '#b3bccb',
  placeHalo: 'rgba(27, 34, 45, 0.9)',
  waterLabel: '#7fa3c2',
  stationDot: '#9aa8ba',
});

/** The styles by id. */
export const BASEMAP_STYLES = { light: LIGHT_STYLE, dark: DARK_STYLE } as const;
/** A style id: `light` or `dark`. */
export type BasemapStyleId = keyof typeof BASEMAP_STYLES;
