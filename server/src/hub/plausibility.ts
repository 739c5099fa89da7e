/**
 * Which values no real sensor can report: a negative count of free spaces, more cars in a garage
 * than it holds, 140 % humidity, a car at 900 km/h. Such a value is a broken sensor, decoder or
 * mapping (wrong scale, wrong field), so it is turned away with a sentence saying why instead of
 * being drawn as if true. The rules go by the unit in the quantity's name (DESIGN.md: quantities carry
 * their unit) and by the sensor's static attributes (`capacitySpaces`, `maxLevelCm`).
 *
 * The bounds are wide on purpose: they catch the impossible, not the unusual. A storm, a record heat
 * or a jam must always get through.
 */
import type { Sensor } from '../../../protocol/index.ts';

interface Range {
  readonly min?: number;
  readonly max?: number;
  /** Counts of things: whole numbers. */
  readonly integer?: boolean;
  /** What the range stands for, for the message. */
  readonly what: string;
}

/** Ranges by unit suffix of the quantity name; the first matching suffix wins. */
const RANGES_BY_SUFFIX: readonly (readonly [suffix: string, range: Range])[] = [
  ['Spaces', { min: 0, integer: true, what: 'a count of parking spaces' }],
  ['Percent', { min: 0, max: 100, what: 'a percentage' }],
  ['Kmh', { min: 0, max: 400, what: 'a road speed in km/h' }],
  ['PerHour', { min: 0, max: 20_000, what: 'a flow per hour' }],
  ['UgM3', { min: 0, max: 10_000, what: 'a concentration in µg/m³' }],
  ['DbA', { min: 0, max: 194, what: 'a sound level in dB(A)' }],
  ['Lps', { min: 0, max: 1_000_000, what: 'a flow in l/s' }],
  ['Cm', { min: -10_000, max: 100_000, what: 'a level in cm' }],
  // Air and water temperatures on Earth; hotter or colder means a broken probe or a Kelvin reading.
  ['C', { min: -90, max: 70, what: 'a temperature in °C' }],
];

/** A sensor's attribute as a number, if it is one. */
function numericAttribute(sensor: Sensor, name: string): number | undefined {
  const value = sensor.attributes[name];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/**
 * Why `value` cannot be a real reading of `quantity` from `sensor`, or undefined when it can.
 * The sentence names the sensor, the quantity, the value and the bound it broke.
 */
export function implausibility(sensor: Sensor, quantity: string, value: number): string | undefined {
  const problem = brokenBound(sensor, quantity, value);
  return problem === undefined ? undefined : `"${sensor.id}".${quantity} = ${value} ${problem}`;
}

/** The bound `value` breaks, as the end of a sentence; the sentence is built only for such a value. */
function brokenBound(sensor: Sensor, quantity: string, value: number): string | undefined {
  const entry = RANGES_BY_SUFFIX.find(([suffix]) => quantity.endsWith(suffix));
  if (entry) {
    const [, range] = entry;
    if (range.min !== undefined && value < range.min)
      return `is below ${range.min}, impossible for ${range.what}`;
    if (range.max !== undefined && value > range.max)
      return `is above ${range.max}, impossible for ${range.what}`;
    if (range.integer && !Number.isInteger(value)) return `is not a whole number (${range.what})`;
  }
  if (quantity.endsWith('Spaces')) {
    const capacity = numericAttribute(sensor, 'capacitySpaces');
    if (capacity !== undefined && value > capacity) return `is more than the ${capacity} spaces the site has`;
  }
  if (quantity === 'levelCm') {
    // A basin can overflow a little above its rim, never to twice its depth.
    const maxLevelCm = numericAttribute(sensor, 'maxLevelCm');
    if (maxLevelCm !== undefined && value > 2 * maxLevelCm)
      return `is more than twice the basin's depth of ${maxLevelCm} cm`;
  }
  return undefined;
}
