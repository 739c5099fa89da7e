/**
 * Number, time and age formatting with `Intl` in the active locale. Pure apart from the formatter
 * caches, which only memoise `Intl` objects.
 */
import type { Translator } from './messages.ts';

const numberFormats = new Map<string, Intl.NumberFormat>();
const timeFormats = new Map<string, Intl.DateTimeFormat>();
const relativeFormats = new Map<string, Intl.RelativeTimeFormat>();

function numberFormat(intlLocale: string, fractionDigits: number): Intl.NumberFormat {
  const key = `${intlLocale}|${fractionDigits}`;
  let format = numberFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(intlLocale, { maximumFractionDigits: fractionDigits });
    numberFormats.set(key, format);
  }
  return format;
}

/** Formats `value` with at most `fractionDigits` fraction digits (`1.234,5` in German). */
export function formatNumber(value: number, intlLocale: string, fractionDigits = 0): string {
  return numberFormat(intlLocale, fractionDigits).format(value);
}

/**
 * Local wall-clock time of an instant, with seconds, in `timeZone` (the city's zone) or the
 * browser's zone when none is given.
 */
export function formatTime(epochMs: number, intlLocale: string, timeZone?: string): string {
  const key = `${intlLocale}|${timeZone ?? ''}`;
  let format = timeFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(intlLocale, {
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      ...(timeZone ? { timeZone } : {}),
    });
    timeFormats.set(key, format);
  }
  return format.format(epochMs);
}

function relativeFormat(intlLocale: string, style: Intl.RelativeTimeFormatStyle): Intl.RelativeTimeFormat {
  const key = `${intlLocale}|${style}`;
  let format = relativeFormats.get(key);
  if (!format) {
    format = new Intl.RelativeTimeFormat(intlLocale, { numeric: 'always', style });
    relativeFormats.set(key, format);
  }
  return format;
}

const SECOND_MS = 1000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/**
 * How long ago a reading was taken: "vor 12 s", "vor 5 Min.", "vor 2 Std." / "12 sec ago".
 * Under one second (or a negative age from clock skew) it says "gerade eben" / "just now".
 * Seconds use the narrow style ("vor 12 s"); longer ages use the short style because the narrow
 * German minute ("vor 3 m") reads like metres.
 */
export function formatAge(ageMs: number, translator: Translator): string {
  if (!Number.isFinite(ageMs) || ageMs < SECOND_MS) return translator.t('age.justNow');
  const { intlLocale } = translator;
  if (ageMs < MINUTE_MS)
    return relativeFormat(intlLocale, 'narrow').format(-Math.floor(ageMs / SECOND_MS), 'second');
  if (ageMs < HOUR_MS)
    return relativeFormat(intlLocale, 'short').format(-Math.floor(ageMs / MINUTE_MS), 'minute');
  if (ageMs < DAY_MS) return relativeFormat(intlLocale, 'short').format(-Math.floor(ageMs / HOUR_MS), 'hour');
  return relativeFormat(intlLocale, 'short').format(-Math.floor(ageMs / DAY_MS), 'day');
}

/**
 * A span of time in its largest whole unit: "20 s", "15 min", "2 h", "3 Tg." — for report intervals
 * and silences, where "vor …" would not fit. Rounded down, so a span never reads longer than it is.
 */
export function formatDuration(durationMs: number, translator: Translator): string {
  const ms = Math.max(0, durationMs);
  const count = (unitMs: number) => formatNumber(Math.floor(ms / unitMs), translator.intlLocale, 0);
  if (ms < MINUTE_MS) return translator.t('duration.seconds', { count: count(SECOND_MS) });
  if (ms < HOUR_MS) return translator.t('duration.minutes', { count: count(MINUTE_MS) });
  if (ms < DAY_MS) return translator.t('duration.hours', { count: count(HOUR_MS) });
  return translator.t('duration.days', { count: count(DAY_MS) });
}
