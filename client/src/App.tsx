/**
 * The root component: loads the city description, then hands over to {@link CityTwin}. While loading
 * or after a failure it still shows the header with the connection badge.
 */
import { useEffect, useState } from 'react';
import type { CityInfo } from '../../protocol/index.ts';
import { fetchCityInfo } from './api/cityApi.ts';
import { CityTwin } from './CityTwin.tsx';
import { useTranslator } from './i18n/I18nContext.tsx';
import type { LiveStore } from './live/liveStore.ts';
import type { CityTwinProbe } from './perfProbe.ts';
import { Header } from './ui/Header.tsx';

type CityLoad =
  { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; info: CityInfo };

/** Props of {@link App}. */
export interface AppProps {
  readonly live: LiveStore;
  readonly probe: CityTwinProbe;
}

/** The app. */
export function App({ live, probe }: AppProps) {
  const translator = useTranslator();
  const [load, setLoad] = useState<CityLoad>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const abort = new AbortController();
    fetchCityInfo((input, init) => fetch(input, init), abort.signal).then(
      (info) => setLoad({ status: 'ready', info }),
      (error: unknown) => {
        if (abort.signal.aborted) return;
        console.error('[app] loading the city failed', error);
        setLoad({ status: 'error', message: error instanceof Error ? error.message : String(error) });
      },
    );
    return () => abort.abort();
  }, [attempt]);

  if (load.status === 'ready') return <CityTwin info={load.info} live={live} probe={probe} />;

  return (
    <div className="app">
      <Header city={null} store={live} />
      <main className="splash">
        {load.status === 'loading' ? (
          <p role="status">{translator.t('app.loading')}</p>
        ) : (
          <div role="alert" className="splash-error">
            <p>{translator.t('app.loadError', { message: load.message })}</p>
            <button
              type="button"
              className="button"
              onClick={() => {
                setLoad({ status: 'loading' });
                setAttempt((n) => n + 1);
              }}
            >
              {translator.t('app.retry')}
            </button>
          </div>
        )}
      </main>
    </div>
  );
}
