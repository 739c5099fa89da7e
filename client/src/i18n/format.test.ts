import { describe, expect, it } from 'vitest';
import { formatAge, formatDuration, formatNumber, formatTime } from './format.ts';
import { createTranslator } from './messages.ts';

const de = createTranslator('de');
const en = createTranslator('en');

describe('formatAge', () => {
  it('says "gerade eben" under one second and for negative ages', () => {
    expect(formatAge(400, de)).toBe('gerade eben');
    expect(formatAge(-3_000, en)).toBe('just now');
  });

  it('counts seconds in the narrow style', () => {
    expect(formatAge(12_000, de)).toBe('vor 12 s');
    expect(formatAge(12_900, de)).toBe('vor 12 s');
    expect(formatAge(12_000, en)).toMatch(/^12 sec\.? ago$/);
  });

  it('switches to minutes, hours and days', () => {
    expect(formatAge(5 * 60_000 + 10_000, de)).toBe('vor 5 Min.');
    expect(formatAge(2 * 3_600_000, de)).toBe('vor 2 Std.');
    expect(formatAge(3 * 86_400_000, de)).toMatch(/^vor 3 (Tagen|Tg\.)$/);
    expect(formatAge(5 * 60_000, en)).toMatch(/^5 min\.? ago$/);
  });
});

describe('formatNumber', () => {
  it('uses the locale separators and the given fraction digits', () => {
    expect(formatNumber(1234.56, 'de-DE', 1)).toBe('1.234,6');
    expect(formatNumber(1234.56, 'en-GB', 0)).toBe('1,235');
  });
});

describe('formatTime', () => {
  it('shows the wall-clock time in the city time zone', () => {
    const instant = Date.UTC(2024, 6, 1, 12, 30, 5);
    expect(formatTime(instant, 'de-DE', 'Europe/Berlin')).toBe('14:30:05');
    expect(formatTime(instant, 'en-GB', 'Europe/Berlin')).toBe('14:30:05');
  });
});

describe('formatDuration', () => {
  it('gives a span in its largest whole unit, rounded down', () => {
    expect(formatDuration(20_000, de)).toBe('20 s');
    expect(formatDuration(15 * 60_000 + 59_000, de)).toBe('15 min');
    expect(formatDuration(3 * 3_600_000, en)).toBe('3 h');
    expect(formatDuration(2 * 86_400_000 + 1, de)).toBe('2 Tg.');
    expect(formatDuration(-5, en)).toBe('0 s');
  });
});
