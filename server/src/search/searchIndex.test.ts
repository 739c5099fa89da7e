import { describe, expect, it } from 'vitest';
import type { SearchEntry } from './searchIndex.ts';
import { SearchIndex } from './searchIndex.ts';

function entry(
  kind: SearchEntry['result']['kind'],
  label: string,
  extra: Partial<Omit<SearchEntry, 'result'>> & { sensorId?: string } = {},
): SearchEntry {
  const { sensorId, ...rest } = extra;
  return {
    result: { kind, id: `${kind}:${label}`, label, lon: 9, lat: 48.7, ...(sensorId ? { sensorId } : {}) },
    visibility: 'public',
    ...rest,
  };
}

const ENTRIES: readonly SearchEntry[] = Object.freeze([
  entry('place', 'Böblingen'),
  entry('street', 'Calwer Straße'),
  entry('street', 'Goethestraße'),
  entry('street', 'Schönaicher Straße'),
  entry('street', 'Sindelfinger Straße'),
  entry('street', 'Seestraße'),
  entry('address', 'Calwer Straße 12', { keywords: 'b00012' }),
  entry('address', 'Calwer Straße 14', { keywords: 'b00014' }),
  entry('address', 'Calwer Straße 16', { keywords: 'b00016' }),
  entry('address', 'Calwer Straße 18', { keywords: 'b00018' }),
  entry('address', 'Seestraße 12', { keywords: 'b00112' }),
  entry('building', 'Rathaus Böblingen', { keywords: 'b00009 Marktstraße 1', altLabel: 'Marktstraße 1' }),
  entry('building', 'Parkhaus Elbenplatz', { keywords: 'b00001', shownAsSensorId: 'parking-elbenplatz' }),
  entry('garage', 'Parkhaus Elbenplatz', { sensorId: 'parking-elbenplatz' }),
  entry('sensor', 'Pegel Klärwerk', { visibility: 'internal', sensorId: 'water-klaerwerk' }),
  entry('building', 'Klärwerk', { keywords: 'b00100', shownAsSensorId: 'water-klaerwerk' }),
]);

const index = new SearchIndex(ENTRIES);
const labels = (query: string, visibilities: ('public' | 'internal')[] = ['public']) =>
  index.query(query, visibilities).map((result) => result.label);

describe('SearchIndex', () => {
  it('finds a street by its exact name first', () => {
    expect(labels('Calwer Straße')[0]).toBe('Calwer Straße');
  });

  it('finds a street while it is being typed', () => {
    expect(labels('Calw')[0]).toBe('Calwer Straße');
    expect(labels('Schön')).toEqual(['Schönaicher Straße']);
  });

  it('forgives one typo in a short word and two in a long one', () => {
    expect(labels('Calwr Strase')[0]).toBe('Calwer Straße');
    expect(labels('Sindlefingr')[0]).toBe('Sindelfinger Straße');
  });

  it('forgives a typo while typing the beginning of a word', () => {
    expect(labels('Schonaik')).toEqual(['Schönaicher Straße']);
  });

  it('folds umlauts and ß the way people type them', () => {
    for (const query of ['Boeblingen', 'Boblingen', 'BÖBLINGEN'])
      expect(labels(query)[0], query).toBe('Böblingen');
    for (const query of ['Schoenaicher Strasse', 'Schonaicher Str.', 'schönaicher str'])
      expect(labels(query)[0], query).toBe('Schönaicher Straße');
  });

  it('finds a joined street name by its parts', () => {
    expect(labels('Goethe Str')[0]).toBe('Goethestraße');
    expect(labels('Goethestr.')[0]).toBe('Goethestraße');
  });

  it('ranks the house asked for above its neighbours and its street', () => {
    expect(labels('Calwer Str 12')[0]).toBe('Calwer Straße 12');
    expect(labels('calwer strasse 14')[0]).toBe('Calwer Straße 14');
  });

  it('lets a rare word outweigh a common one: Boblinger Strasse finds Böblingen, not every Straße', () => {
    const found = labels('Boblinger Strasse');
    expect(found.slice(0, 2).sort()).toEqual(['Böblingen', 'Rathaus Böblingen']);
  });

  it('finds a building by its id, and a named one first by its whole address', () => {
    expect(labels('b00009')).toEqual(['Rathaus Böblingen']);
    expect(labels('Marktstr. 1')[0]).toBe('Rathaus Böblingen');
  });

  it('does not let a house number outweigh a street name', () => {
    const found = labels('Calwer Straße 12');
    expect(found.slice(0, 2)).toEqual(['Calwer Straße 12', 'Calwer Straße']);
    expect(found).not.toContain('Seestraße 12');
  });

  it('lists only a few houses of a street when no house number is asked for', () => {
    expect(index.query('Calwer', ['public']).filter((r) => r.kind === 'address')).toHaveLength(3);
    expect(index.query('Calwer 1', ['public']).filter((r) => r.kind === 'address')).toHaveLength(4);
  });

  it('shows a garage once, as the garage, where its sensor is visible', () => {
    const results = index.query('Parkhaus Elbenplatz', ['public']);
    expect(results.map((result) => [result.kind, result.label])).toEqual([['garage', 'Parkhaus Elbenplatz']]);
  });

  it('never shows an internal sensor to the public, but shows its building', () => {
    expect(index.query('Klärwerk', ['public']).map((result) => result.kind)).toEqual(['building']);
    expect(index.query('Klarwerk', ['public', 'internal']).map((result) => result.kind)).toEqual(['sensor']);
  });

  it('answers nothing for a query without letters or digits, or with no match', () => {
    expect(labels(' ,.- ')).toEqual([]);
    expect(labels('Xylophonweg')).toEqual([]);
  });

  it('returns at most the limit, best first', () => {
    expect(index.query('Straße', ['public'], 3)).toHaveLength(3);
  });

  it('does not change its entries', () => {
    index.query('Calwer', ['public', 'internal']);
    expect(ENTRIES.map((e) => e.result.label)).toHaveLength(16);
    expect(Object.isFrozen(ENTRIES)).toBe(true);
  });
});
