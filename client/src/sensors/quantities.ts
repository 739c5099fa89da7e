/**
 * What the viewer knows about quantities: the translated name, the unit and how many fraction digits
 * to show. Quantity names carry their unit (`speedKmh`, `no2UgM3`); unknown ones are shown by name.
 */
import { formatNumber } from '../i18n/format.ts';
import type { MessageKey, Translator } from '../i18n/messages.ts';

/** Display facts for one quantity. */
export interface QuantityInfo {
  readonly labelKey: MessageKey;
  /** Null for plain counts without a unit. */
  readonly unitKey: MessageKey | null;
  readonly fractionDigits: number;
}

/** The quantities of the sensor kinds in `docs/city-pack.md`. */
export const QUANTITIES: Readonly<Record<string, QuantityInfo>> = {
  freeSpaces: { labelKey: 'quantity.freeSpaces', unitKey: null, fractionDigits: 0 },
  occupiedSpaces: { labelKey: 'quantity.occupiedSpaces', unitKey: null, fractionDigits: 0 },
  speedKmh: { labelKey: 'quantity.speedKmh', unitKey: 'unit.kmh', fractionDigits: 0 },
  vehiclesPerHour: {
    labelKey: 'quantity.vehiclesPerHour',
    unitKey: 'unit.vehiclesPerHour',
    fractionDigits: 0,
  },
  no2UgM3: { labelKey: 'quantity.no2UgM3', unitKey: 'unit.ugM3', fractionDigits: 0 },
  pm10UgM3: { labelKey: 'quantity.pm10UgM3', unitKey: 'unit.ugM3', fractionDigits: 0 },
  pm25UgM3: { labelKey: 'quantity.pm25UgM3', unitKey: 'unit.ugM3', fractionDigits: 0 },
  temperatureC: { labelKey: 'quantity.temperatureC', unitKey: 'unit.celsius', fractionDigits: 1 },
  humidityPercent: { labelKey: 'quantity.humidityPercent', unitKey: 'unit.percent', fractionDigits: 0 },
  noiseDbA: { labelKey: 'quantity.noiseDbA', unitKey: 'unit.dbA', fractionDigits: 0 },
  levelCm: { labelKey: 'quantity.levelCm', unitKey: 'unit.cm', fractionDigits: 0 },
  inflowLps: { labelKey: 'quantity.inflowLps', unitKey: 'unit.litresPerSecond', fractionDigits: 0 },
};

/** A quantity's name, value and unit, ready to show. */
export interface FormattedQuantity {
  readonly quantity: string;
  readonly label: string;
  readonly value: string;
  /** Empty for unit-less counts. */
  readonly unit: string;
}

/** The translated name of a quantity; an unknown quantity is shown by its own name. */
export function quantityLabel(quantity: string, translator: Translator): string {
  const info = QUANTITIES[quantity];
  return info ? translator.t(info.labelKey) : quantity;
}

/** Formats `value` of `quantity` in the active locale ("1.234", "12,5 °C" parts). */
export function formatQuantity(quantity: string, value: number, translator: Translator): FormattedQuantity {
  const info = QUANTITIES[quantity];
  return {
    quantity,
    label: quantityLabel(quantity, translator),
    value: formatNumber(value, translator.intlLocale, info ? info.fractionDigits : 2),
    unit: info?.unitKey ? translator.t(info.unitKey) : '',
  };
}

/** "NO₂ 23 µg/m³": name, value and unit in one short string for map labels. */
export function quantityShortText(quantity: string, value: number, translator: Translator): string {
  const formatted = formatQuantity(quantity, value, translator);
  return [formatted.label, formatted.value, formatted.unit].filter((part) => part !== '').join(' ');
}
