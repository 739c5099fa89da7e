import { describe, expect, it } from 'vitest';
import { de } from './de.ts';
import { en } from './en.ts';
import { createTranslator, DICTIONARIES, interpolate, isLocale, LOCALES, type Messages } from './messages.ts';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('dictionaries', () => {
  it('have exactly the same keys in every language', () => {
    const germanKeys = Object.keys(de).sort();
    for (const locale of LOCALES) expect(Object.keys(DICTIONARIES[locale]).sort()).toEqual(germanKeys);
  });

  it('have no empty texts', () => {
    for (const locale of LOCALES) {
      for (const [key, text] of Object.entries(DICTIONARIES[locale]))
        expect(text.trim(), `${locale} ${key}`).not.toBe('');
    }
  });

  it('use the same placeholders in every language', () => {
    for (const key of Object.keys(de) as (keyof typeof de)[]) {
      expect(placeholders(en[key]), key).toEqual(placeholders(de[key]));
    }
  });

  it('make a dictionary with a missing key a type error', () => {
    // @ts-expect-error -- every key of the German dictionary is required (checked by `tsc`).
    const incomplete: Messages = { 'app.name': 'citytwin' };
    expect(Object.keys(incomplete)).toHaveLength(1);
  });

  it('label synthetic data as the design asks', () => {
    expect(de['header.synthetic']).toBe('Demo-Daten (synthetisch)');
    expect(en['header.synthetic']).toBe('Demo data (synthetic)');
  });
});

describe('interpolate', () => {
  it('replaces each placeholder with its value', () => {
    expect(interpolate('{a} und {b}', { a: 'eins', b: 2 })).toBe('eins und 2');
  });

  it('leaves a placeholder without a value visible', () => {
    expect(interpolate('{count} frei', {})).toBe('{count} frei');
  });

  it('formats numbers with the given formatter', () => {
    expect(interpolate('{n}', { n: 1234.5 }, (v) => v.toFixed(0))).toBe('1235');
  });
});

describe('createTranslator', () => {
  it('translates with locale number formatting', () => {
    expect(createTranslator('de').t('garages.free', { count: 1234 })).toBe('1.234 frei');
    expect(createTranslator('en').t('garages.free', { count: 1234 })).toBe('1,234 free');
  });

  it('names the Intl locale', () => {
    expect(createTranslator('de').intlLocale).toBe('de-DE');
    expect(createTranslator('en').intlLocale).toBe('en-GB');
  });
});

describe('isLocale', () => {
  it('accepts only the supported languages', () => {
    expect(isLocale('de')).toBe(true);
    expect(isLocale('en')).toBe(true);
    expect(isLocale('fr')).toBe(false);
    expect(isLocale(null)).toBe(false);
  });
});
