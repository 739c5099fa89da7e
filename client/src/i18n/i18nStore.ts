/**
 * The active language as a small observable store: remembered in localStorage and mirrored to
 * `<html lang>`. React reads it through `useSyncExternalStore`; Cesium bindings subscribe directly.
 */
import { createTranslator, DEFAULT_LOCALE, isLocale, type Locale, type Translator } from './messages.ts';

/** The localStorage key that remembers the chosen language. */
export const LOCALE_STORAGE_KEY = 'citytwin.locale';

/** Where the choice is kept; `localStorage` in the browser, a stub in tests. */
export interface LocaleStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** Observable holder of the active {@link Translator}. */
export interface I18nStore {
  getTranslator(): Translator;
  setLocale(locale: Locale): void;
  subscribe(listener: () => void): () => void;
}

/** Options for {@link createI18nStore}; both default to the browser's objects when present. */
export interface I18nStoreOptions {
  storage?: LocaleStorage | undefined;
  /** Receives the locale whenever it changes, to set `document.documentElement.lang`. */
  applyDocumentLang?: ((locale: Locale) => void) | undefined;
}

function readStoredLocale(storage: LocaleStorage | undefined): Locale {
  try {
    const stored = storage?.getItem(LOCALE_STORAGE_KEY);
    return isLocale(stored) ? stored : DEFAULT_LOCALE;
  } catch {
    // Storage can throw (privacy mode, quota); the default language is always a fine answer.
    return DEFAULT_LOCALE;
  }
}

/** Creates the store with the remembered locale (German when nothing valid is stored). */
export function createI18nStore(options: I18nStoreOptions = {}): I18nStore {
  const { storage, applyDocumentLang } = options;
  let translator = createTranslator(readStoredLocale(storage));
  const listeners = new Set<() => void>();
  applyDocumentLang?.(translator.locale);

  return {
    getTranslator: () => translator,
    setLocale(locale) {
      if (locale === translator.locale) return;
      translator = createTranslator(locale);
      try {
        storage?.setItem(LOCALE_STORAGE_KEY, locale);
      } catch {
        // Not remembering the choice is acceptable; the switch itself still works.
      }
      applyDocumentLang?.(locale);
      for (const listener of [...listeners]) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
