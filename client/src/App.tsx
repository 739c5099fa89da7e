/**
 * The root component: loads the list of cities and the description of the one to show (`?city=` in
 * the URL, else the server's default), then hands over to {@link CityTwin}. Switching town changes
 * the URL, so the back button and shared links work. While loading or after a failure it still
 * shows the header with the connection badge.
 */
import { useCallback, useEffect, useState } from 'react';
import type { CityInfo, CityList } from '../../protocol/index.ts';
import { fetchCityInfo, fetchCityList } from './api/cityApi.ts';
import { chooseCity, cityFromSearch, hrefWithCity } from './city/cityChoice.ts';
import { hrefWithoutTownState } from './share/shareLink.ts';
import { CityTwin } from './CityTwin.tsx';
import { useTranslator } from './i18n/I18nContext.tsx';
import type { LiveStore } from './live/liveStore.ts';
import type { CityTwinProbe } from './perfProbe.ts';
import { Header } from './ui/Header.tsx';

type CityLoad =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; info: CityInfo; list: CityList; unknownRequested: string | undefined };

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
  const [requestedCity, setRequestedCity] = useState(() => cityFromSearch(window.location.search));

  useEffect(() => {
    const onPopState = () => setRequestedCity(cityFromSearch(window.location.search));
    window.addEventListener('popstate', onPopState);
    return () => window.removeEventListener('popstate', onPopState);
  }, []);

  useEffect(() => {
    const abort = new AbortController();
    const fetchFn = (input: string, init?: RequestInit) => fetch(input, init);
    setLoad({ status: 'loading' });
    (async () => {
      const list = await fetchCityList(fetchFn, abort.signal);
      const choice = chooseCity(list, requestedCity);
      const info = await fetchCityInfo(fetchFn, abort.signal, choice.cityId);
      return { list, info, unknownRequested: choice.unknownRequested };
    })().then(
      ({ list, info, unknownRequested }) => {
        if (abort.signal.aborted) return;
        if (unknownRequested !== undefined)
          console.warn(`[app] this server has no city "${unknownRequested}"; showing ${info.city.id}`);
        setLoad({ status: 'ready', info, list, unknownRequested });
      },
      (error: unknown) => {
        if (abort.signal.aborted) return;
        console.error('[app] loading the city failed', error);
        setLoad({ status: 'error', message: error instanceof Error ? error.message : String(error) });
      },
    );
    return () => abort.abort();
  }, [attempt, requestedCity]);

  const defaultCityId = load.status === 'ready' ? load.list.defaultCityId : undefined;
  const selectCity = useCallback(
    (cityId: string) => {
      if (defaultCityId === undefined) return;
      // The other town opens at its home view, not at this town's camera, layers or selection.
      const href = hrefWithCity(hrefWithoutTownState(window.location.href), cityId, defaultCityId);
      window.history.pushState(null, '', href);
      setRequestedCity(cityId);
    },
    [defaultCityId],
  );

  if (load.status === 'ready') {
    return (
      <CityTwin
        // A new city is a new twin: viewer, layers and live connection start afresh.
        key={load.info.city.id}
        info={load.info}
        live={live}
        probe={probe}
        cities={load.list.cities}
        onSelectCity={selectCity}
        notice={
          load.unknownRequested === undefined
            ? undefined
            : translator.t('header.cityNotFound', {
                requested: load.unknownRequested,
                name: load.info.city.name,
              })
        }
      />
    );
  }

  return (
    <div className="app">
      <Header city={null} store={live} />
      <main className="splash">
        {load.status === 'loading' ? (
          <p role="status">{translator.t('app.loading')}</p>
        ) : (
          <div role="alert" className="splash-error">
            <p>{translator.t('app.loadError', { message: load.message })}</p>
            <button type="button" className="button" onClick={() => setAttempt((n) => n + 1)}>
              {translator.t('app.retry')}
            </button>
          </div>
        )}
      </main>
    </div>
  );
}
