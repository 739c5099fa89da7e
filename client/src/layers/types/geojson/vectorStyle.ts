/**
 * How a vector feature looks, from the catalogue's style (`VectorStyleSchema`): the base style, then
 * the class its property falls in (`byProperty`). Pure, so the map and the legend read one answer.
 */
import type { LocalizedText, StyleClass, VectorStyle } from '../../../../../protocol/index.ts';
import { PALETTE, type LegendEntry } from '../../palette.ts';

/** A built-in point symbol. */
export type VectorIcon = NonNullable<VectorStyle['icon']>;

/** The style of one feature, every field decided. */
export interface ResolvedStyle {
  /** Lines, polygon outlines and points, `#rrggbb` or `#rrggbbaa`. */
  readonly color: string;
  /** Polygon fill, or null for no fill. */
  readonly fillColor: string | null;
  readonly lineWidthPx: number;
  readonly pointSizePx: number;
  readonly icon: VectorIcon | null;
  /** The `byProperty` class the feature fell in (an index into {@link styleClasses}), or -1. */
  readonly classIndex: number;
}

/** Muted, so live layers drawn over plain features stand out. */
export const DEFAULT_VECTOR_COLOR = PALETTE.feature;
export const DEFAULT_LINE_WIDTH_PX = 2;
export const DEFAULT_POINT_SIZE_PX = 9;
/** The fill of polygons whose style names a line colour but no fill: the line colour, see-through. */
export const DEFAULT_FILL_ALPHA = 0.35;

/** One class of `byProperty`: its style, label and what it matches. */
export interface StyleClassEntry {
  readonly style: StyleClass;
  readonly label: LocalizedText | null;
  /** The value it matches (`values`), or null for a range. */
  readonly value: string | null;
  readonly min: number | null;
  readonly max: number | null;
}

/** The classes of a style's `byProperty`, values first, then ranges, in the catalogue's order. */
export function styleClasses(style: VectorStyle | undefined): readonly StyleClassEntry[] {
  const by = style?.byProperty;
  if (!by) return [];
  const classes: StyleClassEntry[] = [];
  for (const [value, cls] of Object.entries(by.values ?? {}))
    classes.push({ style: cls, label: cls.label ?? null, value, min: null, max: null });
  for (const range of by.ranges ?? [])
    classes.push({
      style: range,
      label: range.label ?? null,
      value: null,
      min: range.min ?? null,
      max: range.max ?? null,
    });
  return classes;
}

/** The index of the class `value` falls in, or -1: a value class by its text, a range by number. */
export function classIndexOf(classes: readonly StyleClassEntry[], value: unknown): number {
  if (value === undefined || value === null) return -1;
  const text =
    typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
      ? String(value)
      : null;
  const number =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && value.trim() !== ''
        ? Number(value)
        : NaN;
  for (let i = 0; i < classes.length; i++) {
    const cls = classes[i] as StyleClassEntry;
    if (cls.value !== null) {
      if (text === cls.value) return i;
    } else if (
      Number.isFinite(number) &&
      (cls.min === null || number >= cls.min) &&
      (cls.max === null || number < cls.max)
    ) {
      return i;
    }
  }
  return -1;
}

/** Resolves styles of many features against one catalogue style (the classes are read once). */
export function createStyleResolver(
  style: VectorStyle | undefined,
): (properties: Readonly<Record<string, unknown>>) => ResolvedStyle {
  const classes = styleClasses(style);
  const property = style?.byProperty?.property;
  const cache = new Map<number, ResolvedStyle>();
  return (properties) => {
    const index = property === undefined ? -1 : classIndexOf(classes, properties[property]);
    let resolved = cache.get(index);
    if (!resolved) {
      resolved = merge(style, index >= 0 ? (classes[index] as StyleClassEntry).style : undefined, index);
      cache.set(index, resolved);
    }
    return resolved;
  };
}

function merge(
  base: VectorStyle | undefined,
  cls: StyleClass | undefined,
  classIndex: number,
): ResolvedStyle {
  const color = cls?.color ?? base?.color ?? DEFAULT_VECTOR_COLOR;
  const fill = cls?.fillColor ?? base?.fillColor ?? null;
  return {
    color,
    fillColor: fill,
    lineWidthPx: cls?.lineWidth ?? base?.lineWidth ?? DEFAULT_LINE_WIDTH_PX,
    pointSizePx: cls?.pointSize ?? base?.pointSize ?? DEFAULT_POINT_SIZE_PX,
    icon: cls?.icon ?? base?.icon ?? null,
    classIndex,
  };
}

/**
 * The legend of a vector layer: one row per class of `byProperty` with its label (the value itself
 * when the class has none), else one row for the whole layer. Polygons show their fill, points a dot.
 */
export function vectorLegend(style: VectorStyle | undefined): readonly LegendEntry[] {
  const classes = styleClasses(style);
  const shapeOf = (resolved: ResolvedStyle): LegendEntry['shape'] =>
    resolved.fillColor !== null ? 'square' : resolved.icon !== null || style?.cluster ? 'dot' : 'line';
  if (classes.length === 0) {
    const resolved = merge(style, undefined, -1);
    return [
      { colorCss: swatchColor(resolved), labelKey: 'legend.geojson.feature', shape: shapeOf(resolved) },
    ];
  }
  return classes.map((cls, index) => {
    const resolved = merge(style, cls.style, index);
    return {
      colorCss: swatchColor(resolved),
      labelKey: 'legend.geojson.feature',
      shape: shapeOf(resolved),
      label: cls.label ?? { de: rangeText(cls, 'de'), en: rangeText(cls, 'en') },
    };
  });
}

/** A swatch shows the fill without its transparency, so light fills still read in the panel. */
function swatchColor(resolved: ResolvedStyle): string {
  return (resolved.fillColor ?? resolved.color).slice(0, 7);
}

function rangeText(cls: StyleClassEntry, locale: 'de' | 'en'): string {
  if (cls.value !== null) return cls.value;
  const n = (value: number) => value.toLocaleString(locale === 'de' ? 'de-DE' : 'en-GB');
  if (cls.min !== null && cls.max !== null) return `${n(cls.min)} – ${n(cls.max)}`;
  if (cls.min !== null) return locale === 'de' ? `ab ${n(cls.min)}` : `${n(cls.min)} and more`;
  if (cls.max !== null) return locale === 'de' ? `unter ${n(cls.max)}` : `below ${n(cls.max)}`;
  return locale === 'de' ? 'alle' : 'all';
}

/** The label text of a feature, or null when it has none. */
export function labelText(
  properties: Readonly<Record<string, unknown>>,
  style: VectorStyle | undefined,
): string | null {
  const name = style?.label;
  if (name === undefined) return null;
  const value = properties[name];
  if (value === null || value === undefined) return null;
  const text =
    typeof value === 'string'
      ? value.trim()
      : typeof value === 'number' || typeof value === 'boolean'
        ? String(value)
        : '';
  return text === '' ? null : text.slice(0, 80);
}
