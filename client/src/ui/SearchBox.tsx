/**
 * The search box: places, streets, addresses, buildings, garages, sensors and coordinates of the
 * city (and, where the server has a geocoder, addresses beyond it). A WAI-ARIA 1.2 combobox: the
 * input has `role="combobox"` with `aria-expanded`, `aria-controls` and `aria-activedescendant`;
 * the results are a listbox; a polite live region says how many there are. Keys and states are in
 * `search/comboboxModel.ts`; this file only renders and wires.
 *
 * Usage: `<SearchBox cityId={city.id} onPick={(result) => viewer.flyToPlace(result.lon, result.lat)} />`.
 */
import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import type { KeyboardEvent } from 'react';
import type { SearchResult } from '../../../protocol/index.ts';
import type { FetchLike } from '../api/cityApi.ts';
import { useTranslator } from '../i18n/I18nContext.tsx';
import type { Translator } from '../i18n/messages.ts';
import type { ComboboxEvent, ComboboxState } from '../search/comboboxModel.ts';
import {
  comboboxAnnouncements,
  comboboxTransition,
  INITIAL_COMBOBOX_STATE,
  optionIdOf,
} from '../search/comboboxModel.ts';
import { searchQueryOf, SearchFetchError } from '../search/searchApi.ts';
import { SearchRunner } from '../search/searchRunner.ts';
import './searchBox.css';

/** Props of {@link SearchBox}. */
export interface SearchBoxProps {
  /** The city to search in (`CityInfo.city.id`). */
  readonly cityId: string;
  /** Called with the result the user picked: fly the camera to `lon`/`lat` (or frame `bbox`). */
  readonly onPick: (result: SearchResult) => void;
  /** `fetch`, injectable for tests. */
  readonly fetchFn?: FetchLike;
  /** How long typing must pause before a search goes out (200 ms by default). */
  readonly debounceMs?: number;
}

/** What the second line of an option says: its kind (or sensor kind), its source, its sublabel. */
export function resultDetail(result: SearchResult, translator: Translator): string {
  const kind =
    result.kind === 'sensor' && result.sensorKind
      ? translator.t(`search.sensor.${result.sensorKind}`)
      : translator.t(`search.kind.${result.kind}`);
  const parts = [kind];
  if (result.sublabel) parts.push(result.sublabel);
  if (result.source === 'geocoder') parts.push(translator.t('search.source.geocoder'));
  return parts.join(' · ');
}

/** Props of {@link SearchBoxView}. */
export interface SearchBoxViewProps {
  readonly state: ComboboxState;
  readonly translator: Translator;
  /** The base of the element ids (`useId()`). */
  readonly idBase: string;
  readonly onEvent: (event: ComboboxEvent, preventDefault?: () => void) => void;
  readonly onText: (text: string) => void;
}

/** The box as a function of its state: what the tests render. */
export function SearchBoxView({ state, translator, idBase, onEvent, onText }: SearchBoxViewProps) {
  const inputId = `${idBase}-input`;
  const listId = `${idBase}-list`;
  const active = state.open && state.activeIndex >= 0 ? optionIdOf(listId, state.activeIndex) : undefined;
  const announcement = comboboxAnnouncements(state)
    .map(({ key, params }) => translator.t(key, params))
    .join(' ');
  return (
    <div className="search-box" role="search" data-testid="search-box">
      <label htmlFor={inputId} className="visually-hidden">
        {translator.t('search.label')}
      </label>
      <input
        id={inputId}
        className="search-box__input"
        type="text"
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={state.open}
        aria-controls={listId}
        aria-activedescendant={active}
        aria-busy={state.status === 'loading'}
        autoComplete="off"
        spellCheck={false}
        placeholder={translator.t('search.placeholder')}
        value={state.text}
        onChange={(event) => onText(event.target.value)}
        onKeyDown={(event: KeyboardEvent<HTMLInputElement>) =>
          onEvent({ type: 'key', key: event.key }, () => event.preventDefault())
        }
        onFocus={() => onEvent({ type: 'focus' })}
        onBlur={() => onEvent({ type: 'blur' })}
      />
      <ul
        id={listId}
        className="search-box__list"
        role="listbox"
        aria-label={translator.t('search.listLabel')}
        hidden={!state.open}
      >
        {state.results.map((result, index) => (
          <li
            key={result.id}
            id={optionIdOf(listId, index)}
            role="option"
            aria-selected={index === state.activeIndex}
            className={`search-box__option${index === state.activeIndex ? ' search-box__option--active' : ''}`}
            // Keep the focus in the input: a click picks without blurring first.
            onMouseDown={(event) => event.preventDefault()}
            onMouseMove={() => onEvent({ type: 'hover', index })}
            onClick={() => onEvent({ type: 'click', index })}
          >
            <span className="search-box__label">{result.label}</span>
            {/* Read as "Calwer Straße, Straße", not "Calwer StraßeStraße". */}
            <span className="visually-hidden">, </span>
            <span className="search-box__detail">{resultDetail(result, translator)}</span>
          </li>
        ))}
      </ul>
      <div className="visually-hidden" role="status" aria-live="polite">
        {announcement}
      </div>
    </div>
  );
}

/** The search box of the viewer. */
export function SearchBox({ cityId, onPick, fetchFn, debounceMs }: SearchBoxProps) {
  const translator = useTranslator();
  const idBase = useId();
  const [state, setState] = useState<ComboboxState>(INITIAL_COMBOBOX_STATE);
  // Handlers read the latest state here, not the one of their render.
  const stateRef = useRef(state);
  const onPickRef = useRef(onPick);
  useEffect(() => {
    onPickRef.current = onPick;
  }, [onPick]);

  const dispatch = useCallback((event: ComboboxEvent, preventDefault?: () => void) => {
    const transition = comboboxTransition(stateRef.current, event);
    if (transition.handled) preventDefault?.();
    stateRef.current = transition.state;
    setState(transition.state);
    if (transition.picked) onPickRef.current(transition.picked);
  }, []);

  // An inline `fetchFn` prop must not restart the runner on every render (that would abort each search).
  const fetchRef = useRef(fetchFn);
  useEffect(() => {
    fetchRef.current = fetchFn;
  }, [fetchFn]);

  const runner = useMemo(
    () =>
      new SearchRunner({
        cityId,
        fetchFn: (input, init) => (fetchRef.current ?? fetch)(input, init),
        ...(debounceMs === undefined ? {} : { delayMs: debounceMs }),
        onAnswer: (_query, answer) => dispatch({ type: 'answer', answer }),
        onError: (query, error) =>
          dispatch({
            type: 'failed',
            query,
            reason: error instanceof SearchFetchError && error.status === 429 ? 'rate' : 'unavailable',
          }),
      }),
    [cityId, debounceMs, dispatch],
  );
  // Another city: the text stays and is searched there.
  useEffect(() => {
    const query = stateRef.current.query;
    if (query !== '') runner.request(query);
    return () => runner.cancel();
  }, [runner]);

  const onText = useCallback(
    (text: string) => {
      const query = searchQueryOf(text);
      const previous = stateRef.current.query;
      dispatch({ type: 'input', text, query });
      if (query !== previous) runner.request(query);
    },
    [dispatch, runner],
  );

  return (
    <SearchBoxView state={state} translator={translator} idBase={idBase} onEvent={dispatch} onText={onText} />
  );
}
