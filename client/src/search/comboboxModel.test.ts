import { describe, expect, it } from 'vitest';
import type { SearchAnswer, SearchResult } from '../../../protocol/index.ts';
import type { ComboboxEvent, ComboboxState } from './comboboxModel.ts';
import { comboboxAnnouncements, comboboxTransition, INITIAL_COMBOBOX_STATE } from './comboboxModel.ts';

const result = (label: string): SearchResult => ({
  kind: 'street',
  source: 'pack',
  id: `street:${label}`,
  label,
  lon: 9,
  lat: 48.7,
});
const RESULTS = Object.freeze([
  result('Calwer Straße'),
  result('Calwer Straße 12'),
  result('Calwer Straße 14'),
]);
const answer = (query: string, results: readonly SearchResult[] = RESULTS): SearchAnswer => ({
  cityId: 'c',
  query,
  results: [...results],
  geocoder: 'off',
});

/** Runs events from `state` and returns the last transition. */
function run(state: ComboboxState, ...events: ComboboxEvent[]) {
  let transition = { state, handled: false } as ReturnType<typeof comboboxTransition>;
  for (const event of events) transition = comboboxTransition(transition.state, event);
  return transition;
}

const key = (name: string): ComboboxEvent => ({ type: 'key', key: name });
/** Focused, "Calwer" typed, its three results shown. */
const OPEN = Object.freeze(
  run(
    INITIAL_COMBOBOX_STATE,
    { type: 'focus' },
    { type: 'input', text: 'Calwer', query: 'Calwer' },
    { type: 'answer', answer: answer('Calwer') },
  ).state,
);

describe('comboboxTransition', () => {
  it('opens the list when the answer for the typed text comes, nothing active', () => {
    expect(OPEN).toMatchObject({ open: true, status: 'ready', activeIndex: -1 });
    expect(OPEN.results).toHaveLength(3);
  });

  it('ignores an answer for an older text', () => {
    const typedOn = run(OPEN, { type: 'input', text: 'Calwer S', query: 'Calwer S' }).state;
    const late = run(typedOn, { type: 'answer', answer: answer('Calwer', []) });
    expect(late.state).toBe(typedOn);
    expect(typedOn.status).toBe('loading');
  });

  it('moves down and up through the options, wrapping at both ends', () => {
    const down = (state: ComboboxState) => run(state, key('ArrowDown')).state.activeIndex;
    expect(down(OPEN)).toBe(0);
    expect(
      run(OPEN, key('ArrowDown'), key('ArrowDown'), key('ArrowDown'), key('ArrowDown')).state.activeIndex,
    ).toBe(0);
    expect(run(OPEN, key('ArrowUp')).state.activeIndex).toBe(2);
    expect(run(OPEN, key('ArrowDown'), key('ArrowUp')).state.activeIndex).toBe(2);
  });

  it('reopens a closed list with ArrowDown on the first option and ArrowUp on the last', () => {
    const closed = run(OPEN, key('Escape')).state;
    expect(closed.open).toBe(false);
    expect(run(closed, key('ArrowDown')).state).toMatchObject({ open: true, activeIndex: 0 });
    expect(run(closed, key('ArrowUp')).state).toMatchObject({ open: true, activeIndex: 2 });
  });

  it('picks the active option with Enter, puts its name in the input and closes', () => {
    const transition = run(OPEN, key('ArrowDown'), key('ArrowDown'), key('Enter'));
    expect(transition.picked?.label).toBe('Calwer Straße 12');
    expect(transition.handled).toBe(true);
    expect(transition.state).toMatchObject({ text: 'Calwer Straße 12', open: false, activeIndex: -1 });
  });

  it('announces the pick and does not reopen the old list under the picked name', () => {
    const picked = run(OPEN, key('Enter')).state;
    expect(comboboxAnnouncements(picked)).toEqual([
      { key: 'search.picked', params: { label: 'Calwer Straße' } },
    ]);
    const refocused = run(picked, { type: 'blur' }, { type: 'focus' }, key('ArrowDown')).state;
    expect(refocused.open).toBe(false);
    const edited = run(picked, { type: 'input', text: 'Calwer Straße 1', query: 'Calwer Straße 1' }).state;
    expect(edited).toMatchObject({ status: 'loading', pickedLabel: undefined });
  });

  it('picks the first option with Enter when none is active', () => {
    expect(run(OPEN, key('Enter')).picked?.label).toBe('Calwer Straße');
  });

  it('leaves Enter alone when the list is closed (a form may want it)', () => {
    const transition = run(run(OPEN, key('Escape')).state, key('Enter'));
    expect(transition.picked).toBeUndefined();
    expect(transition.handled).toBe(false);
  });

  it('closes with Escape, and clears the text with a second Escape', () => {
    const closed = run(OPEN, key('Escape'));
    expect(closed.handled).toBe(true);
    expect(closed.state).toMatchObject({ open: false, text: 'Calwer' });
    const cleared = run(closed.state, key('Escape')).state;
    expect(cleared).toMatchObject({ text: '', query: '', results: [], focused: true });
  });

  it('leaves other keys to the input (letters, Home, End)', () => {
    for (const name of ['a', 'Home', 'End', 'ArrowLeft'])
      expect(run(OPEN, key(name)).handled, name).toBe(false);
  });

  it('picks an option by click and makes the hovered one active', () => {
    expect(run(OPEN, { type: 'hover', index: 1 }).state.activeIndex).toBe(1);
    expect(run(OPEN, { type: 'click', index: 2 }).picked?.label).toBe('Calwer Straße 14');
  });

  it('closes on blur and reopens on focus with the same results', () => {
    const blurred = run(OPEN, { type: 'blur' }).state;
    expect(blurred.open).toBe(false);
    expect(run(blurred, { type: 'focus' }).state.open).toBe(true);
  });

  it('does not open for an answer that comes while the input has no focus', () => {
    const state = run(
      INITIAL_COMBOBOX_STATE,
      { type: 'input', text: 'Calwer', query: 'Calwer' },
      { type: 'answer', answer: answer('Calwer') },
    ).state;
    expect(state.open).toBe(false);
  });

  it('shows an error for the latest text and closes the list', () => {
    const typed = run(OPEN, { type: 'input', text: 'Calwerx', query: 'Calwerx' }).state;
    const failed = run(typed, { type: 'failed', query: 'Calwerx', reason: 'rate' }).state;
    expect(failed).toMatchObject({ status: 'error', error: 'rate', open: false, results: [] });
  });

  it('goes back to idle when the text is emptied', () => {
    expect(run(OPEN, { type: 'input', text: '  ', query: '' }).state).toMatchObject({
      status: 'idle',
      results: [],
      open: false,
      text: '  ',
    });
  });

  it('does not change the state it is given', () => {
    expect(Object.isFrozen(OPEN)).toBe(true);
    run(OPEN, key('ArrowDown'), key('Enter'), key('Escape'));
    expect(OPEN.activeIndex).toBe(-1);
  });
});

describe('comboboxAnnouncements', () => {
  it('says how many results and how to use them', () => {
    expect(comboboxAnnouncements(OPEN)).toEqual([
      { key: 'search.results', params: { count: 3 } },
      { key: 'search.keysHint' },
    ]);
  });

  it('says one result, no result, and why a search failed', () => {
    const one = run(
      OPEN,
      { type: 'input', text: 'x1', query: 'x1' },
      { type: 'answer', answer: answer('x1', [result('X')]) },
    );
    expect(comboboxAnnouncements(one.state)[0]).toEqual({ key: 'search.oneResult' });
    const none = run(
      OPEN,
      { type: 'input', text: 'x2', query: 'x2' },
      { type: 'answer', answer: answer('x2', []) },
    );
    expect(comboboxAnnouncements(none.state)).toEqual([{ key: 'search.noResults' }]);
    const failed = run(
      OPEN,
      { type: 'input', text: 'x3', query: 'x3' },
      { type: 'failed', query: 'x3', reason: 'unavailable' },
    );
    expect(comboboxAnnouncements(failed.state)).toEqual([{ key: 'search.unavailable' }]);
  });

  it('adds that the geocoder failed', () => {
    const state = run(
      OPEN,
      { type: 'input', text: 'Zug', query: 'Zug' },
      {
        type: 'answer',
        answer: { ...answer('Zug', []), geocoder: 'failed' },
      },
    ).state;
    expect(comboboxAnnouncements(state).map((a) => a.key)).toEqual([
      'search.noResults',
      'search.geocoderFailed',
    ]);
  });

  it('says nothing while typing', () => {
    expect(comboboxAnnouncements(run(OPEN, { type: 'input', text: 'Cal', query: 'Cal' }).state)).toEqual([]);
  });
});
