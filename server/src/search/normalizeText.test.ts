import { describe, expect, it } from 'vitest';
import {
  allowedTypos,
  editDistance,
  indexTokens,
  normalizeSearchText,
  searchTokens,
} from './normalizeText.ts';

describe('normalizeSearchText', () => {
  it('folds Böblingen, Boeblingen and Boblingen into one word', () => {
    expect(new Set(['Böblingen', 'Boeblingen', 'Boblingen', 'BÖBLINGEN'].map(normalizeSearchText))).toEqual(
      new Set(['boblingen']),
    );
  });

  it('writes Straße, Strasse, Str. and str out as one word', () => {
    const forms = ['Calwer Straße', 'Calwer Strasse', 'Calwer Str.', 'calwer str', 'CALWER STRASSE'];
    expect(new Set(forms.map(normalizeSearchText))).toEqual(new Set(['calwer strasse']));
  });

  it('expands a joined abbreviation: Goethestr. is Goethestraße', () => {
    expect(normalizeSearchText('Goethestr.')).toBe(normalizeSearchText('Goethestraße'));
  });

  it('breaks words at punctuation and keeps house numbers with their letter', () => {
    expect(searchTokens('Konrad-Zuse-Straße 12a, Böblingen')).toEqual([
      'konrad',
      'zuse',
      'strasse',
      '12a',
      'boblingen',
    ]);
  });

  it('drops accents other than umlauts', () => {
    expect(normalizeSearchText('Café Crème')).toBe('cafe creme');
  });
});

describe('indexTokens', () => {
  it('indexes a joined street name under its stem and its type too', () => {
    // 'oe' folds to 'o' like 'ö' does, on both sides of the search.
    expect(indexTokens('Goethestraße')).toEqual(['gothestrasse', 'gothe', 'strasse']);
    expect(indexTokens('Murkenbachweg')).toEqual(['murkenbachweg', 'murkenbach', 'weg']);
  });

  it('does not split a word that is only the type', () => {
    expect(indexTokens('Weg')).toEqual(['weg']);
  });
});

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and swapped neighbours as one each', () => {
    expect(editDistance('calwer', 'calwr', 2)).toBe(1);
    expect(editDistance('calwer', 'calwers', 2)).toBe(1);
    expect(editDistance('calwer', 'kalwer', 2)).toBe(1);
    expect(editDistance('calwer', 'clawer', 2)).toBe(1);
    expect(editDistance('sindelfinger', 'sindlefinger', 2)).toBe(1);
  });

  it('stops at the limit and answers one more than it', () => {
    expect(editDistance('parkhaus', 'rathaus', 1)).toBe(2);
    expect(editDistance('a', 'abcdef', 2)).toBe(3);
  });

  it('is zero for equal words', () => {
    expect(editDistance('seestrasse', 'seestrasse', 0)).toBe(0);
  });
});

describe('allowedTypos', () => {
  it('allows none for short words and numbers, one for middle, two for long words', () => {
    expect(allowedTypos('see')).toBe(0);
    expect(allowedTypos('12a')).toBe(0);
    expect(allowedTypos('b00123')).toBe(0);
    expect(allowedTypos('calwer')).toBe(1);
    expect(allowedTypos('sindelfinger')).toBe(2);
  });
});
