/**
 * What the info panel and the garage list show about one sensor, computed from the registry entry,
 * its live state and the estimated server time. Pure; the components only lay it out.
 */
import type { Sensor, SensorState } from '../../../protocol/index.ts';
import { formatAge, formatDuration, formatNumber, formatTime } from '../i18n/format.ts';
import type { MessageKey, Translator } from '../i18n/messages.ts';
import { parkingReading } from '../layers/types/live/parking/parkingLayer.ts';
import { relativeSpeed } from '../layers/types/live/traffic/trafficLayer.ts';
import { waterReading } from '../layers/types/live/water/waterLayer.ts';
import { readingAgeMs } from '../time/serverClock.ts';
import { displayFreshness, type DisplayFreshness } from './freshness.ts';
import { formatQuantity } from './quantities.ts';
import { numericAttribute } from './sensorIndex.ts';

/** One line of values: a label and the value with its unit; `value` null means no reading (shown as a dash). */
export interface DetailRow {
  readonly key: string;
  readonly label: string;
  readonly value: string | null;
  readonly unit: string;
}

/** Everything the info panel shows. */
export interface SensorDetails {
  readonly sensorId: string;
  readonly name: string;
  readonly kindLabel: string;
  readonly freshness: DisplayFreshness;
  readonly freshnessLabel: string;
  /** Measured values, in the order of the registry's quantities. */
  readonly values: readonly DetailRow[];
  /** Static facts and derived shares (capacity, occupancy, speed limit...). */
  readonly facts: readonly DetailRow[];
  /** Local time of the reading and its age, or null without a reading. */
  readonly measured: { readonly time: string; readonly age: string | null } | null;
  /** A warning when the source marked the reading uncertain or bad. */
  readonly qualityNote: string | null;
  /** The device behind the sensor: how often it reports, when it was last heard, battery, radio. */
  readonly device: DeviceDetails;
}

/** The device section of the info panel. */
export interface DeviceDetails {
  /** Report interval, last heard, battery, signal, gateway, source: only the rows with data. */
  readonly rows: readonly DetailRow[];
  /** Below this share the battery is flagged (the device may soon fall silent). */
  readonly batteryLow: boolean;
  /** Set when the device has been silent for longer than twice its interval: says for how long. */
  readonly silentNote: string | null;
}

/** A battery at or below this many percent is flagged as low. */
export const LOW_BATTERY_PERCENT = 20;

function textRow(key: string, label: string, value: string): DetailRow {
  return { key, label, value, unit: '' };
}

/**
 * The device section: the expected report interval always; when the device was last heard (from
 * its health, else from its newest reading) with the age; battery, signal and gateway when the
 * source reports them (LoRaWAN metadata). Battery sensors report rarely, so an operator needs to see
 * whether silence is normal or a flat battery.
 */
export function describeDevice(
  sensor: Sensor,
  state: SensorState | undefined,
  nowServerMs: number | null,
  translator: Translator,
  timeZone?: string,
): DeviceDetails {
  const t = translator.t;
  const health = state?.health;
  const rows: DetailRow[] = [
    textRow('reportInterval', t('info.reportInterval'), formatDuration(sensor.intervalMs, translator)),
  ];
  const lastSeenMs = Math.max(health?.lastSeenMs ?? -Infinity, state?.observation?.observedAt ?? -Infinity);
  let silentNote: string | null = null;
  if (Number.isFinite(lastSeenMs)) {
    const time = formatTime(lastSeenMs, translator.intlLocale, timeZone);
    const ageMs = nowServerMs === null ? null : readingAgeMs(lastSeenMs, nowServerMs);
    rows.push(
      textRow(
        'lastSeen',
        t('info.lastSeen'),
        ageMs === null ? time : t('info.measuredAtValue', { time, age: formatAge(ageMs, translator) }),
      ),
    );
    if (ageMs !== null && ageMs > 2 * sensor.intervalMs)
      silentNote = t('info.silent', {
        duration: formatDuration(ageMs, translator),
        interval: formatDuration(sensor.intervalMs, translator),
      });
  }
  const batteryLow = health?.batteryPercent !== undefined && health.batteryPercent <= LOW_BATTERY_PERCENT;
  if (health?.batteryPercent !== undefined)
    rows.push({
      key: 'battery',
      label: t('info.battery'),
      value: formatNumber(health.batteryPercent, translator.intlLocale, 0),
      unit: t('unit.percent'),
    });
  if (health?.rssiDbm !== undefined) {
    const rssi = formatNumber(health.rssiDbm, translator.intlLocale, 0);
    rows.push(
      textRow(
        'signal',
        t('info.signal'),
        health.snrDb === undefined
          ? t('info.signalRssi', { rssi })
          : t('info.signalValue', { rssi, snr: formatNumber(health.snrDb, translator.intlLocale, 1) }),
      ),
    );
  }
  if (health?.gatewayId) rows.push(textRow('gateway', t('info.gateway'), health.gatewayId));
  if (health?.source) rows.push(textRow('source', t('info.source'), health.source));
  return { rows, batteryLow, silentNote };
}

const KIND_KEYS: Readonly<Record<Sensor['kind'], MessageKey>> = {
  parking: 'info.kind.parking',
  traffic: 'info.kind.traffic',
  environment: 'info.kind.environment',
  water: 'info.kind.water',
};

const FRESHNESS_KEYS: Readonly<Record<DisplayFreshness, MessageKey>> = {
  live: 'freshness.live',
  stale: 'freshness.stale',
  offline: 'freshness.offline',
  noData: 'freshness.noData',
};

/** The translated word for a freshness. */
export function freshnessLabel(freshness: DisplayFreshness, translator: Translator): string {
  return translator.t(FRESHNESS_KEYS[freshness]);
}

function percentRow(key: string, label: string, ratio: number | null, translator: Translator): DetailRow {
  return {
    key,
    label,
    value: ratio === null ? null : formatNumber(ratio * 100, translator.intlLocale, 0),
    unit: translator.t('unit.percent'),
  };
}

function numberRow(
  key: string,
  label: string,
  value: number | null,
  unit: string,
  translator: Translator,
): DetailRow {
  return { key, label, value: value === null ? null : formatNumber(value, translator.intlLocale, 0), unit };
}

function factsOf(sensor: Sensor, state: SensorState | undefined, translator: Translator): DetailRow[] {
  const t = translator.t;
  switch (sensor.kind) {
    case 'parking': {
      const reading = parkingReading(sensor, state);
      return [
        numberRow('capacitySpaces', t('info.capacity'), reading.capacitySpaces, '', translator),
        percentRow(
          'occupancy',
          t('info.occupancy'),
          state?.observation ? reading.occupancyRatio : null,
          translator,
        ),
      ];
    }
    case 'traffic':
      return [
        numberRow(
          'speedLimitKmh',
          t('info.speedLimit'),
          numericAttribute(sensor, 'speedLimitKmh'),
          t('unit.kmh'),
          translator,
        ),
        percentRow('relativeSpeed', t('info.relativeSpeed'), relativeSpeed(sensor, state), translator),
      ];
    case 'water': {
      const reading = waterReading(sensor, state);
      return [
        numberRow('maxLevelCm', t('info.maxLevel'), reading.maxLevelCm, t('unit.cm'), translator),
        percentRow('fillRatio', t('info.fillRatio'), reading.fillRatio, translator),
      ];
    }
    case 'environment':
      return [];
  }
}

/**
 * Describes a sensor for the info panel. Values the reading lacks are listed with `value: null`, so
 * the panel shows a dash and never a made-up 0. `timeZone` is the city's (readings are shown in local
 * time of the city). While not `connected`, live readings show as stale.
 */
export function describeSensor(
  sensor: Sensor,
  state: SensorState | undefined,
  nowServerMs: number | null,
  translator: Translator,
  timeZone?: string,
  connected = true,
): SensorDetails {
  const observation = state?.observation ?? null;
  const freshness = displayFreshness(state, sensor.intervalMs, nowServerMs, connected);
  const quantities = [...sensor.quantities];
  for (const q of Object.keys(observation?.values ?? {})) if (!quantities.includes(q)) quantities.push(q);
  const values = quantities.map((quantity): DetailRow => {
    const value = observation?.values[quantity];
    const formatted = formatQuantity(quantity, value ?? 0, translator);
    return {
      key: quantity,
      label: formatted.label,
      value: value === undefined ? null : formatted.value,
      unit: formatted.unit,
    };
  });
  const qualityNote =
    observation?.quality === 'uncertain'
      ? translator.t('info.quality.uncertain')
      : observation?.quality === 'bad'
        ? translator.t('info.quality.bad')
        : null;
  return {
    sensorId: sensor.id,
    name: sensor.name,
    kindLabel: translator.t(KIND_KEYS[sensor.kind]),
    freshness,
    freshnessLabel: freshnessLabel(freshness, translator),
    values,
    facts: factsOf(sensor, state, translator),
    measured: observation
      ? {
          time: formatTime(observation.observedAt, translator.intlLocale, timeZone),
          age:
            nowServerMs === null
              ? null
              : formatAge(readingAgeMs(observation.observedAt, nowServerMs), translator),
        }
      : null,
    qualityNote,
    device: describeDevice(sensor, state, nowServerMs, translator, timeZone),
  };
}

/** One garage as the list shows it. */
export interface GarageSummary {
  readonly sensorId: string;
  readonly name: string;
  /** Free spaces to show; null when unknown, offline or without a reading (never 0 for "unknown"). */
  readonly freeSpaces: number | null;
  readonly freshness: DisplayFreshness;
  /** "123 frei", "123 frei · veraltet", "offline" or "keine Daten". */
  readonly statusText: string;
}

/** Summarises a garage for the garage list. */
export function summarizeGarage(
  sensor: Sensor,
  state: SensorState | undefined,
  nowServerMs: number | null,
  translator: Translator,
  connected = true,
): GarageSummary {
  const freshness = displayFreshness(state, sensor.intervalMs, nowServerMs, connected);
  const reading = parkingReading(sensor, state);
  const freeSpaces = freshness === 'live' || freshness === 'stale' ? reading.freeSpaces : null;
  let statusText: string;
  if (freeSpaces === null)
    statusText = freshnessLabel(freshness === 'offline' ? 'offline' : 'noData', translator);
  else {
    const free = translator.t('garages.free', { count: freeSpaces });
    statusText = freshness === 'stale' ? `${free} · ${freshnessLabel('stale', translator)}` : free;
  }
  return { sensorId: sensor.id, name: sensor.name, freeSpaces, freshness, statusText };
}
