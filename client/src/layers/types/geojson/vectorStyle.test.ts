import { describe, expect, it } from 'vitest';
import type { VectorStyle } from '../../../../../protocol/index.ts';
import { createStyleResolver, labelText, vectorLegend } from './vectorStyle.ts';

const broadband: VectorStyle = Object.freeze({
  color: '#333333',
  lineWidth: 1.5,
  byProperty: {
    property: 'status',
    values: {
      inBetrieb: { fillColor: '#1fa85a66', label: { de: 'In Betrieb', en: 'In service' } },
      imBau: { fillColor: '#f0c41966', color: '#a07800' },
    },
    ranges: [
      { min: 0, max: 50, fillColor: '#d7263d66', label: { de: 'unter 50', en: 'below 50' } },
      { min: 50, fillColor: '#2f86d666' },
    ],
  },
  label: 'name',
});

describe('createStyleResolver', () => {
  it('takes the class of the value and falls back to the base style for the rest', () => {
    const resolve = createStyleResolver(broadband);
    expect(resolve({ status: 'imBau' })).toMatchObject({
      color: '#a07800',
      fillColor: '#f0c41966',
      lineWidthPx: 1.5,
      classIndex: 1,
    });
    expect(resolve({ status: 'inBetrieb' })).toMatchObject({
      color: '#333333',
      fillColor: '#1fa85a66',
      classIndex: 0,
    });
  });

  it('matches ranges with min inclusive and max exclusive, also for numbers written as text', () => {
    const resolve = createStyleResolver({
      byProperty: { property: 'dbm', ranges: broadband.byProperty?.ranges ?? [] },
    });
    expect(resolve({ dbm: 49.9 }).classIndex).toBe(0);
    expect(resolve({ dbm: 50 }).classIndex).toBe(1);
    expect(resolve({ dbm: '12' }).classIndex).toBe(0);
    expect(resolve({ dbm: -1 }).classIndex).toBe(-1);
  });

  it('draws features outside every class in the base style, and without a style in the default', () => {
    expect(createStyleResolver(broadband)({ status: 'geplant' })).toMatchObject({
      fillColor: null,
      color: '#333333',
      classIndex: -1,
    });
    expect(createStyleResolver(undefined)({})).toMatchObject({
      fillColor: null,
      icon: null,
      pointSizePx: 9,
      lineWidthPx: 2,
    });
  });

  it('does not change the style it reads', () => {
    const frozen = JSON.parse(JSON.stringify(broadband)) as VectorStyle;
    createStyleResolver(broadband)({ status: 'imBau' });
    expect(broadband).toEqual(frozen);
  });
});

describe('vectorLegend', () => {
  it('lists each class with its label, or its value or range when it has none', () => {
    const rows = vectorLegend(broadband);
    expect(rows.map((r) => r.label?.de)).toEqual(['In Betrieb', 'imBau', 'unter 50', 'ab 50']);
    expect(rows.map((r) => r.label?.en)).toEqual(['In service', 'imBau', 'below 50', '50 and more']);
    expect(rows[0]).toMatchObject({ colorCss: '#1fa85a', shape: 'square' });
  });

  it('shows one row with a line swatch for a layer without classes', () => {
    expect(vectorLegend(undefined)).toEqual([
      { colorCss: '#9db4cc', labelKey: 'legend.geojson.feature', shape: 'line' },
    ]);
    expect(vectorLegend({ icon: 'antenna', color: '#2f86d6' })[0]).toMatchObject({
      colorCss: '#2f86d6',
      shape: 'dot',
    });
  });
});

describe('labelText', () => {
  it('reads the label property as text and leaves out empty values', () => {
    expect(labelText({ name: ' Schule am See ' }, { label: 'name' })).toBe('Schule am See');
    expect(labelText({ name: 12 }, { label: 'name' })).toBe('12');
    expect(labelText({ name: '' }, { label: 'name' })).toBeNull();
    expect(labelText({ name: 'x' }, {})).toBeNull();
  });
});
