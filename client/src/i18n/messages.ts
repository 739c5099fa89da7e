/**
 * The i18n core: locales, message keys, interpolation and the translator. Pure; the React side and
 * the persisted choice live in `i18nStore.ts` and `I18nContext.tsx`.
 */
import { de } from './de.ts';
import { en } from './en.ts';

/** A key of the German dictionary; every language provides all of them. */
export type MessageKey = keyof typeof de;

/** A complete dictionary for one language. */
export type Messages = Record<MessageKey, string>;

/** Languages of the UI; the first is the default. */
export const LOCALES = ['de', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'de';

/** The dictionaries by locale. */
export const DICTIONARIES: Readonly<Record<Locale, Messages>> = { de, en };

/** BCP 47 tags handed to `Intl` (English with day-month order and a 24-hour clock, as in Germany). */
export const INTL_LOCALES: Readonly<Record<Locale, string>> = { de: 'de-DE', en: 'en-GB' };

/** Values for `{name}` placeholders; numbers are formatted for the locale. */
export type MessageParams = Readonly<Record<string, string | number>>;

/** Narrows an arbitrary string (from storage, a URL) to a supported locale. */
export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/**
 * Replaces each `{name}` in `template` with `params[name]`. A placeholder without a value stays as
 * written, so a missing parameter is visible instead of silently empty.
 */
export function interpolate(
  template: string,
  params: MessageParams | undefined,
  formatNumber: (value: number) => string = String,
): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === 'number' ? formatNumber(value) : value;
  });
}

/** Translates keys for one locale. */
export interface Translator {
  readonly locale: Locale;
  /** The tag for `Intl` formatters. */
  readonly intlLocale: string;
  t(key: MessageKey, params?: MessageParams): string;
}

/** Builds the translator for `locale`; numbers in parameters get at most one fraction digit. */
export function createTranslator(locale: Locale): Translator {
  const messages = DICTIONARIES[locale];
  const intlLocale = INTL_LOCALES[locale];
  const numberFormat = new Intl.NumberFormat(intlLocale, { maximumFractionDigits: 1 });
  return {
    locale,
    intlLocale,
    t: (key, params) => interpolate(messages[key], params, (value) => numberFormat.format(value)),
  };
}
