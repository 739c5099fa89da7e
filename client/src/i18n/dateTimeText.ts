/**
 * Date and time as a person types and reads them, in the UI language. The browser's own
 * `<input type="datetime-local">` shows the browser's locale whatever the page's language (Chromium
 * ignores `lang`): a German kiosk in an English browser read "12/06/2026, 04:13 AM" beside German
 * labels, and switching the language changed nothing. The viewer's fields are text in the UI
 * language instead (`DateTimeField`); the value behind them stays the wall-clock form
 * `YYYY-MM-DDTHH:mm` of the city's time zone that the rest of the viewer uses.
 */
import type { Locale } from './messages.ts';

/** A wall-clock time as `YYYY-MM-DDTHH:mm` (what `datetime-local` inputs hold), or `''` for none. */
export type WallClock = string;

const WALL_CLOCK = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;
/** `6.12.2026 4:13`, `06.12.2026, 04:13` (German). */
const GERMAN = /^(\d{1,2})\.(\d{1,2})\.(\d{4}),?\s+(\d{1,2}):(\d{2})$/;
/** `2026-12-06 04:13`, `2026-12-06T04:13` (ISO 8601, the English form). */
const ISO = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:T|,?\s+)(\d{1,2}):(\d{2})$/;

/** How the field writes a time, per language: the hint names it and the parser reads it. */
export const DATE_TIME_PATTERN: Readonly<Record<Locale, string>> = {
  de: 'TT.MM.JJJJ HH:MM',
  en: 'YYYY-MM-DD HH:MM',
};

const two = (n: number) => String(n).padStart(2, '0');

/** `value` as the field shows it in `locale` (`''` stays `''`). */
export function formatDateTimeText(value: WallClock, locale: Locale): string {
  const match = WALL_CLOCK.exec(value);
  if (!match) return value;
  const [, y, mo, d, h, mi] = match as unknown as [string, string, string, string, string, string];
  return locale === 'de' ? `${d}.${mo}.${y} ${h}:${mi}` : `${y}-${mo}-${d} ${h}:${mi}`;
}

export type DateTimeParse =
  | { readonly ok: true; readonly value: WallClock }
  /**
   * `empty`: nothing typed; `format`: not a date and time in a form the field reads; `date`: a day
   * the calendar lacks (31 April); `time`: an hour or minute beyond the clock.
   */
  | { readonly ok: false; readonly problem: 'empty' | 'format' | 'date' | 'time' };

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * What a person typed, as a wall-clock time. Both forms are read in either language, as they cannot
 * be mistaken for each other (day first with dots, year first with dashes); slashes are not, as
 * 06/12 is June in one country and December in another.
 */
export function parseDateTimeText(text: string): DateTimeParse {
  const trimmed = text.trim().replace(/\s+/g, ' ');
  if (trimmed === '') return { ok: false, problem: 'empty' };
  let parts: [number, number, number, number, number] | undefined;
  const german = GERMAN.exec(trimmed);
  if (german) {
    const [, d, mo, y, h, mi] = german.map(Number) as [number, number, number, number, number, number];
    parts = [y, mo, d, h, mi];
  } else {
    const iso = ISO.exec(trimmed);
    if (iso) {
      const [, y, mo, d, h, mi] = iso.map(Number) as [number, number, number, number, number, number];
      parts = [y, mo, d, h, mi];
    }
  }
  if (!parts) return { ok: false, problem: 'format' };
  const [year, month, day, hour, minute] = parts;
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month))
    return { ok: false, problem: 'date' };
  if (hour > 23 || minute > 59) return { ok: false, problem: 'time' };
  return {
    ok: true,
    value: `${String(year).padStart(4, '0')}-${two(month)}-${two(day)}T${two(hour)}:${two(minute)}`,
  };
}
