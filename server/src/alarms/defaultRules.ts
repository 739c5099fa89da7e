/**
 * The rules a town gets without configuring any: what the issue and the EU's air-quality directive
 * name. A config's `alarms.rules` replaces one of these by its id or adds its own; operators change
 * them at run time (`alarm:rule`).
 */
import type { AlarmRuleInput } from '../../../protocol/alarms.ts';
import { SENSOR_KINDS } from '../../../protocol/index.ts';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

export const DEFAULT_RULES: readonly AlarmRuleInput[] = [
  {
    id: 'parking-full',
    name: { de: 'Parkhaus fast voll (ab 95 % belegt)', en: 'Garage nearly full (95 % or more)' },
    kind: 'parking',
    severity: 'warning',
    condition: { type: 'ratio', quantity: 'occupiedSpaces', attribute: 'capacitySpaces', above: 0.95 },
    hysteresis: 0.03,
    raiseDelayMs: MINUTE,
    clearDelayMs: 2 * MINUTE,
  },
  {
    id: 'no2-hour',
    name: { de: 'NO₂ über 200 µg/m³ (Stundenmittel)', en: 'NO₂ above 200 µg/m³ (1-hour mean)' },
    kind: 'environment',
    severity: 'alarm',
    condition: { type: 'value', quantity: 'no2UgM3', above: 200, meanOverMs: HOUR },
    hysteresis: 10,
  },
  {
    id: 'no2-year',
    name: { de: 'NO₂ über 40 µg/m³ (Jahresmittel)', en: 'NO₂ above 40 µg/m³ (annual mean)' },
    kind: 'environment',
    severity: 'warning',
    condition: { type: 'value', quantity: 'no2UgM3', above: 40, meanOverMs: 365 * DAY },
    hysteresis: 1,
  },
  {
    id: 'pm10-day',
    name: { de: 'PM10 über 50 µg/m³ (Tagesmittel)', en: 'PM10 above 50 µg/m³ (24-hour mean)' },
    kind: 'environment',
    severity: 'warning',
    condition: { type: 'value', quantity: 'pm10UgM3', above: 50, meanOverMs: DAY },
    hysteresis: 2,
  },
  {
    id: 'basin-warn',
    name: { de: 'Regenbecken über der Warnmarke', en: 'Basin above its warning mark' },
    kind: 'water',
    severity: 'warning',
    condition: { type: 'mark', quantity: 'levelCm', level: 'warn' },
    hysteresis: 5,
    clearDelayMs: 5 * MINUTE,
  },
  {
    id: 'basin-alarm',
    name: { de: 'Regenbecken über der Alarmmarke', en: 'Basin above its alarm mark' },
    kind: 'water',
    severity: 'alarm',
    condition: { type: 'mark', quantity: 'levelCm', level: 'alarm' },
    hysteresis: 5,
    clearDelayMs: 5 * MINUTE,
  },
  {
    id: 'traffic-slow',
    name: {
      de: 'Verkehr unter 30 % der freien Fahrt (Tempolimit)',
      en: 'Traffic below 30 % of free flow (speed limit)',
    },
    kind: 'traffic',
    severity: 'warning',
    condition: { type: 'ratio', quantity: 'speedKmh', attribute: 'speedLimitKmh', below: 0.3 },
    hysteresis: 0.05,
    raiseDelayMs: 2 * MINUTE,
    clearDelayMs: 2 * MINUTE,
  },
  ...SENSOR_KINDS.map((kind): AlarmRuleInput => ({
    id: `offline-${kind}`,
    name: { de: 'Sensor offline', en: 'Sensor offline' },
    kind,
    severity: 'warning',
    condition: { type: 'offline' },
  })),
];
