/**
 * React access to the i18n store: `useTranslator()` re-renders a component when the language changes.
 */
import { createContext, useContext, useSyncExternalStore, type ReactNode } from 'react';
import type { I18nStore } from './i18nStore.ts';
import type { Translator } from './messages.ts';

const I18nContext = createContext<I18nStore | null>(null);

/** Provides `store` to the components below. */
export function I18nProvider({ store, children }: { store: I18nStore; children: ReactNode }) {
  return <I18nContext.Provider value={store}>{children}</I18nContext.Provider>;
}

/** The i18n store itself, for components that switch the language. */
export function useI18nStore(): I18nStore {
  const store = useContext(I18nContext);
  if (!store) throw new Error('useI18nStore must be used inside <I18nProvider>.');
  return store;
}

/** The active translator; the component re-renders when the language changes. */
export function useTranslator(): Translator {
  const store = useI18nStore();
  return useSyncExternalStore(store.subscribe, store.getTranslator);
}
