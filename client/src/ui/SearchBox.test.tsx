/**
 * The search box's markup for a screen reader, rendered from its states without a browser: the
 * combobox attributes of WAI-ARIA 1.2 and what the options say. The keys are tested on the state
 * machine (`search/comboboxModel.test.ts`).
 */
import { renderToStaticMarkup } from 'react-dom/server';
import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import type { SearchResult } from '../../../protocol/index.ts';
import { createTranslator } from '../i18n/messages.ts';
import type { ComboboxState } from '../search/comboboxModel.ts';
import { comboboxTransition, INITIAL_COMBOBOX_STATE } from '../search/comboboxModel.ts';
import { resultDetail, SearchBoxView } from './SearchBox.tsx';

const de = createTranslator('de');
const en = createTranslator('en');

const RESULTS: SearchResult[] = [
  { kind: 'street', source: 'pack', id: 'street:Calwer Straße', label: 'Calwer Straße', lon: 9, lat: 48.7 },
  {
    kind: 'sensor',
    source: 'pack',
    id: 'sensor:traffic-r0023',
    label: 'Calwer Straße (Max-Eyth-Straße – Wilhelm-Maybach-Straße)',
    lon: 9,
    lat: 48.7,
    sensorKind: 'traffic',
    sensorId: 'traffic-r0023',
  },
  {
    kind: 'address',
    source: 'geocoder',
    id: 'geocoder:way1',
    label: 'Calwer Straße 99',
    sublabel: '71034 Böblingen',
    lon: 9,
    lat: 48.7,
  },
];

function stateAfter(...keys: string[]): ComboboxState {
  let state = comboboxTransition(INITIAL_COMBOBOX_STATE, { type: 'focus' }).state;
  state = comboboxTransition(state, { type: 'input', text: 'Calwer', query: 'Calwer' }).state;
  state = comboboxTransition(state, {
    type: 'answer',
    answer: { cityId: 'c', query: 'Calwer', results: RESULTS, geocoder: 'ok' },
  }).state;
  for (const key of keys) state = comboboxTransition(state, { type: 'key', key }).state;
  return state;
}

/** An element of the rendered markup: enough of a DOM to read roles and attributes in node. */
interface Element {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: Element[];
  text: string;
}

/** React's static markup is well-formed XML (void elements self-closed), so an XML parser reads it. */
function parse(markup: string) {
  const root: Element = { name: '#root', attributes: {}, children: [], text: '' };
  const open: Element[] = [root];
  const all: Element[] = [];
  const parser = new SaxesParser();
  parser.on('opentag', (tag) => {
    const element: Element = {
      name: tag.name,
      attributes: Object.fromEntries(Object.entries(tag.attributes).map(([k, v]) => [k, String(v)])),
      children: [],
      text: '',
    };
    (open[open.length - 1] as Element).children.push(element);
    open.push(element);
    all.push(element);
  });
  parser.on('text', (text) => {
    for (const element of open) element.text += text;
  });
  parser.on('closetag', () => {
    open.pop();
  });
  parser.write(`<root>${markup}</root>`).close();
  const byId = (id: string | undefined) => all.find((e) => id !== undefined && e.attributes.id === id);
  const byRole = (role: string) => all.filter((e) => e.attributes.role === role);
  return { all, byId, byRole, input: all.find((e) => e.name === 'input') as Element };
}

const render = (state: ComboboxState, translator = de) =>
  parse(
    renderToStaticMarkup(
      <SearchBoxView
        state={state}
        translator={translator}
        idBase="s"
        onEvent={() => undefined}
        onText={() => undefined}
      />,
    ),
  );

describe('SearchBoxView', () => {
  it('is a combobox that controls a listbox, collapsed while nothing is found', () => {
    const doc = render(INITIAL_COMBOBOX_STATE);
    const input = doc.input.attributes;
    expect(input.role).toBe('combobox');
    expect(input['aria-expanded']).toBe('false');
    expect(input['aria-autocomplete']).toBe('list');
    expect(input['aria-activedescendant']).toBeUndefined();
    expect(doc.byId(input['aria-controls'])?.attributes.role).toBe('listbox');
    expect(doc.all.find((e) => e.name === 'label' && e.attributes.for === input.id)?.text).toBe('Suche');
  });

  it('points aria-activedescendant at the active option, which alone is selected', () => {
    const doc = render(stateAfter('ArrowDown', 'ArrowDown'));
    expect(doc.input.attributes['aria-expanded']).toBe('true');
    const active = doc.byId(doc.input.attributes['aria-activedescendant']);
    expect(active?.attributes.role).toBe('option');
    expect(active?.text).toContain('Wilhelm-Maybach-Straße');
    expect(doc.byRole('option').map((o) => o.attributes['aria-selected'])).toEqual([
      'false',
      'true',
      'false',
    ]);
  });

  it('announces the results in a polite live region, in the chosen language', () => {
    const [status] = render(stateAfter()).byRole('status');
    expect(status?.attributes['aria-live']).toBe('polite');
    expect(status?.text).toBe('3 Treffer Pfeiltasten wählen, Eingabetaste springt hin, Escape schließt.');
    expect(render(stateAfter(), en).byRole('status')[0]?.text).toContain('3 results');
  });

  it('hides the listbox again after Escape, the text kept', () => {
    const doc = render(stateAfter('Escape'));
    expect(doc.byRole('listbox')[0]?.attributes.hidden).toBeDefined();
    expect(doc.input.attributes.value).toBe('Calwer');
  });
});

describe('resultDetail', () => {
  it('names the kind, the sensor kind, the sublabel and a geocoder source', () => {
    expect(RESULTS.map((r) => resultDetail(r, de))).toEqual([
      'Straße',
      'Verkehrszählstelle',
      'Adresse · 71034 Böblingen · Adressdienst',
    ]);
    expect(resultDetail(RESULTS[2] as SearchResult, en)).toBe('Address · 71034 Böblingen · Address service');
  });
});
