/**
 * Lengths and areas as text in the active locale: the unit follows the size (m or km; m², ha or km²)
 * and the number of fraction digits is fixed per unit, so a value that changes while the mouse moves
 * keeps its width ("1.234,5 m", "2,35 ha", "12.345 m²"; English "1,234.5 m"). Number and unit are
 * joined by a no-break space, so they never wrap apart. Pure apart from the formatter cache.
 */

/** Joins a number and its unit. */
export const UNIT_SPACE = '\u00a0';

const formats = new Map<string, Intl.NumberFormat>();

function fixed(value: number, intlLocale: string, fractionDigits: number): string {
  const key = `${intlLocale}|${fractionDigits}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(intlLocale, {
      minimumFractionDigits: fractionDigits,
      maximumFractionDigits: fractionDigits,
    });
    formats.set(key, format);
  }
  // -0 would read "-0,0".
  return format.format(value === 0 ? 0 : value);
}

/**
 * A length: centimetres under 10 m ("2,35 m"), decimetres up to 10 km ("1.234,5 m"), then kilometres
 * ("12,35 km"). Negative lengths (a height difference downwards) keep their sign.
 */
export function formatLength(metres: number, intlLocale: string): string {
  const size = Math.abs(metres);
  if (size < 10) return `${fixed(metres, intlLocale, 2)}${UNIT_SPACE}m`;
  if (size < 10_000) return `${fixed(metres, intlLocale, 1)}${UNIT_SPACE}m`;
  return `${fixed(metres / 1000, intlLocale, 2)}${UNIT_SPACE}km`;
}

/** Square metres in a hectare and in a square kilometre. */
const HECTARE_M2 = 10_000;
const SQUARE_KM_M2 = 1_000_000;

/**
 * An area: square metres under a hectare ("850,5 m²", whole from 1,000 m²), hectares up to a square
 * kilometre ("2,35 ha"), then square kilometres ("3,21 km²").
 */
export function formatArea(squareMetres: number, intlLocale: string): string {
  const size = Math.abs(squareMetres);
  if (size < HECTARE_M2) return formatSquareMetres(squareMetres, intlLocale);
  if (size < SQUARE_KM_M2) return `${fixed(squareMetres / HECTARE_M2, intlLocale, 2)}${UNIT_SPACE}ha`;
  return `${fixed(squareMetres / SQUARE_KM_M2, intlLocale, 2)}${UNIT_SPACE}km²`;
}

/**
 * An area in square metres whatever its size ("12.345 m²"), for planners who need the figure the
 * hectares round away; one fraction digit under 1,000 m².
 */
export function formatSquareMetres(squareMetres: number, intlLocale: string): string {
  return `${fixed(squareMetres, intlLocale, Math.abs(squareMetres) < 1000 ? 1 : 0)}${UNIT_SPACE}m²`;
}

/** Whether {@link formatArea} shows another unit than square metres (then m² are worth adding). */
export function areaUsesLargerUnit(squareMetres: number): boolean {
  return Math.abs(squareMetres) >= HECTARE_M2;
}
