/**
 * The search of every served city: a typed coordinate first, then the pack's index, then (where
 * one is configured and the pack found too little) the geocoder's answers below them. Each city's
 * index is built once, in the background, when the server starts; the first search of a city
 * waits for it. The geocoder never fails a search: when it is down, slow or talks nonsense, the
 * answer says `geocoder: 'failed'` and carries the pack's results.
 */
import type { SearchAnswer, SearchResult, Visibility } from '../../../protocol/index.ts';
import type { CityPack } from '../../../protocol/packFeatures.ts';
import { MAX_SEARCH_RESULTS } from '../../../protocol/index.ts';
import type { Logger } from '../logger.ts';
import type { Geocoder } from './geocoder.ts';
import { normalizeSearchText } from './normalizeText.ts';
import { readPackPlaces } from './packPlaces.ts';
import { packSearchEntries } from './packSearchEntries.ts';
import { parseCoordinates } from './parseCoordinates.ts';
import { SearchIndex } from './searchIndex.ts';

/** What a caller asks. */
export interface SearchRequest {
  readonly cityId: string;
  /** Trimmed, at most `MAX_SEARCH_QUERY_CHARS`. */
  readonly query: string;
  /** The sensors the caller's role may see (`visibilitiesOf`). */
  readonly visibilities: readonly Visibility[];
}

interface CitySearch {
  readonly centre: readonly [number, number];
  readonly index: Promise<SearchIndex>;
}

/** Geocoder failures are logged as a warning at most this often; the rest at debug. */
const GEOCODER_WARN_INTERVAL_MS = 60_000;

export interface SearchServiceOptions {
  readonly packs: readonly CityPack[];
  readonly geocoder?: Geocoder | undefined;
  /** Ask the geocoder when the pack gives fewer results than this. */
  readonly minPackResults?: number;
  readonly logger: Logger;
  /** For the warning interval; `Date.now` by default. */
  readonly now?: () => number;
}

/** The search of the served cities. */
export class SearchService {
  private readonly cities = new Map<string, CitySearch>();
  private lastGeocoderWarningMs = -Infinity;

  constructor(private readonly options: SearchServiceOptions) {
    for (const pack of options.packs) {
      const index = buildCityIndex(pack, options.logger);
      // A failed build is answered on the search (500); it must not be an unhandled rejection.
      index.catch(() => undefined);
      this.cities.set(pack.city.id, { centre: pack.city.centre, index });
    }
  }

  /** Whether `cityId` is served. */
  has(cityId: string): boolean {
    return this.cities.has(cityId);
  }

  /** Resolves once every city's index is built (tests, and a readiness check if one wants it). */
  async ready(): Promise<void> {
    await Promise.all([...this.cities.values()].map((city) => city.index));
  }

  /** The answer for `request`; throws only when the city is unknown or its index could not be built. */
  async search(request: SearchRequest): Promise<SearchAnswer> {
    const city = this.cities.get(request.cityId);
    if (!city) throw new Error(`no city ${request.cityId}`);
    const coordinate = parseCoordinates(request.query, city.centre);
    const results: SearchResult[] = [];
    if (coordinate)
      results.push({
        kind: 'coordinate',
        source: 'coordinate',
        id: `coordinate:${coordinate.lon.toFixed(6)},${coordinate.lat.toFixed(6)}`,
        label: coordinate.label,
        sublabel: coordinate.sublabel,
        lon: coordinate.lon,
        lat: coordinate.lat,
      });
    const index = await city.index;
    // A coordinate is not a name: its hemisphere letters would find every street beginning with N or E.
    if (!coordinate)
      for (const result of index.query(request.query, request.visibilities, MAX_SEARCH_RESULTS))
        results.push({ ...result, source: 'pack' });

    const geocoder = this.options.geocoder;
    if (!geocoder) return { cityId: request.cityId, query: request.query, results, geocoder: 'off' };
    if (
      coordinate ||
      results.length >= (this.options.minPackResults ?? 3) ||
      results.length >= MAX_SEARCH_RESULTS
    )
      return { cityId: request.cityId, query: request.query, results, geocoder: 'unused' };
    try {
      const answers = await geocoder.search({
        query: request.query,
        centre: city.centre,
        limit: MAX_SEARCH_RESULTS - results.length,
      });
      // The pack's own entry wins over the geocoder's of the same name.
      const known = new Set(results.map((result) => normalizeSearchText(result.label)));
      const ids = new Set(results.map((result) => result.id));
      for (const answer of answers) {
        if (results.length >= MAX_SEARCH_RESULTS) break;
        if (known.has(normalizeSearchText(answer.label)) || ids.has(answer.id)) continue;
        ids.add(answer.id);
        results.push(answer);
      }
      return { cityId: request.cityId, query: request.query, results, geocoder: 'ok' };
    } catch (error) {
      this.logGeocoderFailure(error);
      return { cityId: request.cityId, query: request.query, results, geocoder: 'failed' };
    }
  }

  private logGeocoderFailure(error: unknown): void {
    const now = (this.options.now ?? Date.now)();
    const fields = {
      geocoder: this.options.geocoder?.type,
      error: error instanceof Error ? error.message : String(error),
    };
    if (now - this.lastGeocoderWarningMs >= GEOCODER_WARN_INTERVAL_MS) {
      this.lastGeocoderWarningMs = now;
      this.options.logger.warn('geocoder failed; the search answers with the city pack alone', fields);
    } else this.options.logger.debug('geocoder failed', fields);
  }
}

/** A city's index: the pack's entries and the places of its GeoJSON files. */
async function buildCityIndex(pack: CityPack, logger: Logger): Promise<SearchIndex> {
  const places = await readPackPlaces(pack.dir, (fileName, message) =>
    logger.warn(`search: ${pack.city.id}/${fileName} left out of the places`, { error: message }),
  );
  const index = new SearchIndex(packSearchEntries(pack, places));
  logger.debug('search index built', { city: pack.city.id, entries: index.size, places: places.length });
  return index;
}
