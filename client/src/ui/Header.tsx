/**
 * The top bar: city name, the synthetic-data label, the town switcher, the home-view button, the
 * language switch and the connection badge.
 */
import type { ReactNode } from 'react';
import type { CityManifest, CitySummary } from '../../../protocol/index.ts';
import { useTranslator } from '../i18n/I18nContext.tsx';
import type { LiveStore } from '../live/liveStore.ts';
import { CitySwitcher } from './CitySwitcher.tsx';
import { ConnectionBadge } from './ConnectionBadge.tsx';
import { LanguageSwitch } from './LanguageSwitch.tsx';

/** Props of {@link Header}. */
export interface HeaderProps {
  /** Null while the city is still loading. */
  readonly city: CityManifest | null;
  readonly store: LiveStore | null;
  readonly onHome?: (() => void) | undefined;
  /** Every city the server serves; the switcher shows when there are several. */
  readonly cities?: readonly CitySummary[] | undefined;
  readonly onSelectCity?: ((cityId: string) => void) | undefined;
  /** The staff sign-in (or who is signed in), when the twin runs. */
  readonly staff?: ReactNode;
  /** The map's tools in the header (search, share). */
  readonly tools?: ReactNode;
}

/** The top bar of the app. */
export function Header({ city, store, onHome, cities, onSelectCity, staff, tools }: HeaderProps) {
  const translator = useTranslator();
  return (
    <header className="app-header">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true" />
        <h1 className="city-name">{city ? city.name : translator.t('app.name')}</h1>
        {city?.synthetic && (
          <span className="synthetic-tag" data-testid="synthetic-label">
            {translator.t('header.synthetic')}
          </span>
        )}
      </div>
      <div className="header-tools">
        {city && cities && onSelectCity && (
          <CitySwitcher cities={cities} currentCityId={city.id} onSelect={onSelectCity} />
        )}
        {onHome && (
          <button
            type="button"
            className="button"
            onClick={onHome}
            aria-label={translator.t('header.homeLabel')}
          >
            {translator.t('header.home')}
          </button>
        )}
        {tools}
        {staff}
        <LanguageSwitch />
        {store && <ConnectionBadge store={store} />}
      </div>
    </header>
  );
}
