/**
 * Which city the viewer shows: `?city=<id>` in the URL when the server serves that city, else the
 * server's default. The URL keeps the choice so a link opens the same town. Pure; `App` applies it.
 */
import type { CityList } from '../../../protocol/index.ts';

/** The query parameter that names the city. */
export const CITY_PARAM = 'city';

/** The city named in a URL's query string (`location.search`), if any. */
export function cityFromSearch(search: string): string | undefined {
  const value = new URLSearchParams(search).get(CITY_PARAM)?.trim();
  return value ? value : undefined;
}

/** The outcome of {@link chooseCity}. */
export interface CityChoice {
  /** The city to show. */
  readonly cityId: string;
  /** Set when the URL asked for a city this server does not serve; the default is shown instead. */
  readonly unknownRequested?: string;
}

/** Picks the requested city when the server serves it, else the default one. */
export function chooseCity(list: CityList, requested: string | undefined): CityChoice {
  if (requested === undefined) return { cityId: list.defaultCityId };
  if (list.cities.some((city) => city.id === requested)) return { cityId: requested };
  return { cityId: list.defaultCityId, unknownRequested: requested };
}

/**
 * `href` with the city parameter set to `cityId`, or removed when it is the default, so the default
 * city's links stay short. Other parameters and the fragment are kept.
 */
export function hrefWithCity(href: string, cityId: string, defaultCityId: string): string {
  const url = new URL(href);
  if (cityId === defaultCityId) url.searchParams.delete(CITY_PARAM);
  else url.searchParams.set(CITY_PARAM, cityId);
  return url.toString();
}
