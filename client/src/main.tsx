/**
 * Entry point: creates the app-wide stores (language, live state, probe) and renders the app.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { I18nProvider } from './i18n/I18nContext.tsx';
import { createI18nStore, type LocaleStorage } from './i18n/i18nStore.ts';
import { LiveStore } from './live/liveStore.ts';
import { installProbe } from './perfProbe.ts';
import './styles.css';

function browserStorage(): LocaleStorage | undefined {
  try {
    return window.localStorage;
  } catch {
    // Storage can be blocked entirely (sandboxed frames, strict privacy settings).
    return undefined;
  }
}

const i18n = createI18nStore({
  storage: browserStorage(),
  applyDocumentLang: (locale) => {
    document.documentElement.lang = locale;
  },
});
const live = new LiveStore();
const probe = installProbe();
// The map's module (with Cesium, most of the app's bytes) starts loading now, beside the city's
// data, instead of after it: the map waits for both anyway. MapView imports the same module.
// The city cockpit (`?window=cockpit`) has no map.
if (new URLSearchParams(window.location.search).get('window') !== 'cockpit')
  void import('./viewer/cityViewer.ts').catch(() => undefined);

const rootElement = document.getElementById('root');
if (!rootElement) throw new Error('index.html has no #root element.');

createRoot(rootElement).render(
  <StrictMode>
    <I18nProvider store={i18n}>
      <App live={live} probe={probe} />
    </I18nProvider>
  </StrictMode>,
);
