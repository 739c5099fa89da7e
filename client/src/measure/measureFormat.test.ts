import { describe, expect, it } from 'vitest';
import { areaUsesLargerUnit, formatArea, formatLength, formatSquareMetres } from './measureFormat.ts';

/** Writes the no-break space between number and unit as a plain space, for readable expectations. */
const plain = (text: string) => text.replace(/\u00a0/g, ' ');

describe('formatLength', () => {
  it('writes German separators by default: "1.234,5 m"', () => {
    expect(plain(formatLength(1234.54, 'de-DE'))).toBe('1.234,5 m');
  });

  it('writes English separators: "1,234.5 m"', () => {
    expect(plain(formatLength(1234.54, 'en-GB'))).toBe('1,234.5 m');
  });

  it('shows centimetres under 10 m and keeps the digits fixed', () => {
    expect(plain(formatLength(2.346, 'de-DE'))).toBe('2,35 m');
    expect(plain(formatLength(3, 'de-DE'))).toBe('3,00 m');
    expect(plain(formatLength(12, 'en-GB'))).toBe('12.0 m');
  });

  it('switches to kilometres from 10 km', () => {
    expect(plain(formatLength(9_999.94, 'de-DE'))).toBe('9.999,9 m');
    expect(plain(formatLength(12_345.6, 'de-DE'))).toBe('12,35 km');
    expect(plain(formatLength(12_345.6, 'en-GB'))).toBe('12.35 km');
  });

  it('keeps the sign of a downward height difference and never writes -0', () => {
    expect(plain(formatLength(-12.25, 'de-DE'))).toBe('-12,3 m');
    expect(plain(formatLength(-0, 'de-DE'))).toBe('0,00 m');
  });

  it('joins number and unit with a no-break space', () => {
    expect(formatLength(5, 'de-DE')).toBe('5,00\u00a0m');
  });
});

describe('formatArea', () => {
  it('uses square metres under a hectare', () => {
    expect(plain(formatArea(850.54, 'de-DE'))).toBe('850,5 m²');
    expect(plain(formatArea(9_876.4, 'de-DE'))).toBe('9.876 m²');
  });

  it('uses hectares from 10,000 m²: a 100 m square is "1,00 ha"', () => {
    expect(plain(formatArea(10_000, 'de-DE'))).toBe('1,00 ha');
    expect(plain(formatArea(23_456, 'de-DE'))).toBe('2,35 ha');
    expect(plain(formatArea(23_456, 'en-GB'))).toBe('2.35 ha');
  });

  it('uses square kilometres from 100 ha', () => {
    expect(plain(formatArea(3_210_000, 'de-DE'))).toBe('3,21 km²');
  });

  it('says in square metres what hectares round away', () => {
    expect(plain(formatSquareMetres(12_345.4, 'de-DE'))).toBe('12.345 m²');
    expect(plain(formatSquareMetres(12_345.4, 'en-GB'))).toBe('12,345 m²');
    expect(areaUsesLargerUnit(12_345)).toBe(true);
    expect(areaUsesLargerUnit(9_999)).toBe(false);
  });
});
