/**
 * The town switcher in the header: a labelled select of every city pack the server serves. Only
 * rendered when there is more than one.
 */
import { useId } from 'react';
import type { CitySummary } from '../../../protocol/index.ts';
import { useTranslator } from '../i18n/I18nContext.tsx';

/** Props of {@link CitySwitcher}. */
export interface CitySwitcherProps {
  readonly cities: readonly CitySummary[];
  readonly currentCityId: string;
  readonly onSelect: (cityId: string) => void;
}

/** A native select: keyboard and screen readers work without extra code. */
export function CitySwitcher({ cities, currentCityId, onSelect }: CitySwitcherProps) {
  const translator = useTranslator();
  const id = useId();
  if (cities.length < 2) return null;
  return (
    <div className="city-switcher">
      <label htmlFor={id}>{translator.t('header.city')}</label>
      <select
        id={id}
        data-testid="city-switcher"
        value={currentCityId}
        onChange={(event) => onSelect(event.target.value)}
      >
        {cities.map((city) => (
          <option key={city.id} value={city.id}>
            {city.name}
          </option>
        ))}
      </select>
    </div>
  );
}
