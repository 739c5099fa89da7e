/**
 * The search box as a state machine, following the WAI-ARIA 1.2 combobox pattern with a listbox
 * popup and list autocomplete: typing opens the list as answers come, ArrowDown / ArrowUp move the
 * active option (wrapping, and opening a closed list), Enter picks the active option (or the first
 * when none is active), Escape closes the list, and a second Escape clears the text. Pure: events
 * in, the next state and what was picked out; answers for an older text are ignored.
 */
import type { GeocoderStatus, SearchAnswer, SearchResult } from '../../../protocol/index.ts';
import type { MessageKey, MessageParams } from '../i18n/messages.ts';

/** Where the box stands. */
export interface ComboboxState {
  /** The text in the input, as typed. */
  readonly text: string;
  /** The trimmed text the results are (or will be) for; '' when nothing is asked. */
  readonly query: string;
  readonly status: 'idle' | 'loading' | 'ready' | 'error';
  /** Why the last search failed: too many searches (429) or anything else. */
  readonly error: 'rate' | 'unavailable' | undefined;
  readonly results: readonly SearchResult[];
  readonly geocoder: GeocoderStatus | undefined;
  /** Whether the listbox is shown. */
  readonly open: boolean;
  /** The active option, -1 for none (focus stays in the input either way). */
  readonly activeIndex: number;
  readonly focused: boolean;
  /** The label of the result just picked (announced), until the text changes again. */
  readonly pickedLabel: string | undefined;
}

/** What can happen to the box. */
export type ComboboxEvent =
  | { readonly type: 'input'; readonly text: string; readonly query: string }
  | { readonly type: 'answer'; readonly answer: SearchAnswer }
  | { readonly type: 'failed'; readonly query: string; readonly reason: 'rate' | 'unavailable' }
  | { readonly type: 'key'; readonly key: string }
  | { readonly type: 'hover'; readonly index: number }
  | { readonly type: 'click'; readonly index: number }
  | { readonly type: 'focus' }
  | { readonly type: 'blur' };

/** The next state, what was picked (if anything), and whether the key was the box's to handle. */
export interface ComboboxTransition {
  readonly state: ComboboxState;
  readonly picked?: SearchResult;
  /** True when the event was a key the box used: the caller prevents its default. */
  readonly handled: boolean;
}

export const INITIAL_COMBOBOX_STATE: ComboboxState = Object.freeze({
  text: '',
  query: '',
  status: 'idle',
  error: undefined,
  results: [],
  geocoder: undefined,
  open: false,
  activeIndex: -1,
  focused: false,
  pickedLabel: undefined,
});

const unchanged = (state: ComboboxState): ComboboxTransition => ({ state, handled: false });

function pick(state: ComboboxState, index: number): ComboboxTransition {
  const result = state.results[index];
  if (!result) return unchanged(state);
  // The text becomes the picked name; the list for the old text goes, so it cannot reopen under it.
  return {
    state: {
      ...INITIAL_COMBOBOX_STATE,
      text: result.label,
      focused: state.focused,
      pickedLabel: result.label,
    },
    picked: result,
    handled: true,
  };
}

function onKey(state: ComboboxState, key: string): ComboboxTransition {
  const count = state.results.length;
  switch (key) {
    case 'ArrowDown':
      if (count === 0) return unchanged(state);
      return {
        state: { ...state, open: true, activeIndex: state.open ? (state.activeIndex + 1) % count : 0 },
        handled: true,
      };
    case 'ArrowUp':
      if (count === 0) return unchanged(state);
      return {
        state: {
          ...state,
          open: true,
          activeIndex: !state.open || state.activeIndex <= 0 ? count - 1 : state.activeIndex - 1,
        },
        handled: true,
      };
    case 'Enter':
      if (!state.open || count === 0) return unchanged(state);
      return pick(state, Math.max(0, state.activeIndex));
    case 'Escape':
      if (state.open) return { state: { ...state, open: false, activeIndex: -1 }, handled: true };
      if (state.text !== '')
        return { state: { ...INITIAL_COMBOBOX_STATE, focused: state.focused }, handled: true };
      return unchanged(state);
    default:
      return unchanged(state);
  }
}

/** The box after `event`. */
export function comboboxTransition(state: ComboboxState, event: ComboboxEvent): ComboboxTransition {
  switch (event.type) {
    case 'input': {
      if (event.query === '')
        return {
          state: { ...INITIAL_COMBOBOX_STATE, text: event.text, focused: state.focused },
          handled: false,
        };
      // The old results stay in view until the new ones come, but nothing is active any more.
      const sameQuery = event.query === state.query;
      return {
        state: {
          ...state,
          text: event.text,
          query: event.query,
          status: sameQuery ? state.status : 'loading',
          activeIndex: -1,
          pickedLabel: undefined,
        },
        handled: false,
      };
    }
    case 'answer': {
      if (event.answer.query !== state.query) return unchanged(state);
      return {
        state: {
          ...state,
          status: 'ready',
          error: undefined,
          results: event.answer.results,
          geocoder: event.answer.geocoder,
          open: state.focused && event.answer.results.length > 0,
          activeIndex: -1,
        },
        handled: false,
      };
    }
    case 'failed':
      if (event.query !== state.query) return unchanged(state);
      return {
        state: { ...state, status: 'error', error: event.reason, results: [], open: false, activeIndex: -1 },
        handled: false,
      };
    case 'key':
      return onKey(state, event.key);
    case 'hover':
      if (!state.open || event.index < 0 || event.index >= state.results.length) return unchanged(state);
      return { state: { ...state, activeIndex: event.index }, handled: false };
    case 'click':
      return pick(state, event.index);
    case 'focus':
      return {
        state: { ...state, focused: true, open: state.query !== '' && state.results.length > 0 },
        handled: false,
      };
    case 'blur':
      return { state: { ...state, focused: false, open: false, activeIndex: -1 }, handled: false };
  }
}

/** A message with its parameters, for the live region. */
export interface Announcement {
  readonly key: MessageKey;
  readonly params?: MessageParams;
}

/**
 * What a screen reader is told about the list (polite live region): how many results, none, or why
 * the search failed; nothing while typing or loading.
 */
export function comboboxAnnouncements(state: ComboboxState): Announcement[] {
  if (state.pickedLabel !== undefined)
    return [{ key: 'search.picked', params: { label: state.pickedLabel } }];
  if (state.query === '' || state.status === 'idle' || state.status === 'loading') return [];
  if (state.status === 'error')
    return [{ key: state.error === 'rate' ? 'search.tooMany' : 'search.unavailable' }];
  const found: Announcement[] =
    state.results.length === 0
      ? [{ key: 'search.noResults' }]
      : [
          state.results.length === 1
            ? { key: 'search.oneResult' }
            : { key: 'search.results', params: { count: state.results.length } },
          { key: 'search.keysHint' },
        ];
  if (state.geocoder === 'failed') found.push({ key: 'search.geocoderFailed' });
  return found;
}

/** The element id of option `index` under the listbox `listId`. */
export const optionIdOf = (listId: string, index: number): string => `${listId}-option-${index}`;
