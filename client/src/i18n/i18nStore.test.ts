import { describe, expect, it } from 'vitest';
import { createI18nStore, LOCALE_STORAGE_KEY, type LocaleStorage } from './i18nStore.ts';

function memoryStorage(
  initial: Record<string, string> = {},
): LocaleStorage & { data: Record<string, string> } {
  const data = { ...initial };
  return { data, getItem: (k) => data[k] ?? null, setItem: (k, v) => void (data[k] = v) };
}

describe('createI18nStore', () => {
  it('starts in German when nothing is stored', () => {
    expect(createI18nStore({ storage: memoryStorage() }).getTranslator().locale).toBe('de');
  });

  it('starts in the remembered language and ignores unknown values', () => {
    expect(
      createI18nStore({ storage: memoryStorage({ [LOCALE_STORAGE_KEY]: 'en' }) }).getTranslator().locale,
    ).toBe('en');
    expect(
      createI18nStore({ storage: memoryStorage({ [LOCALE_STORAGE_KEY]: 'xx' }) }).getTranslator().locale,
    ).toBe('de');
  });

  it('remembers a switch, sets the document language and notifies listeners', () => {
    const storage = memoryStorage();
    const langs: string[] = [];
    const store = createI18nStore({ storage, applyDocumentLang: (l) => langs.push(l) });
    let notified = 0;
    store.subscribe(() => notified++);
    store.setLocale('en');
    expect(store.getTranslator().t('connection.live')).toBe('Live');
    expect(store.getTranslator().t('connection.offline')).toBe('Offline');
    expect(store.getTranslator().t('layers.title')).toBe('Layers');
    expect(storage.data[LOCALE_STORAGE_KEY]).toBe('en');
    expect(langs).toEqual(['de', 'en']);
    expect(notified).toBe(1);
  });

  it('still switches when storage throws', () => {
    const broken: LocaleStorage = {
      getItem: () => {
        throw new Error('blocked');
      },
      setItem: () => {
        throw new Error('blocked');
      },
    };
    const store = createI18nStore({ storage: broken });
    store.setLocale('en');
    expect(store.getTranslator().locale).toBe('en');
  });
});
