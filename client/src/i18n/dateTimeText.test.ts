import { describe, expect, it } from 'vitest';
import { DATE_TIME_PATTERN, formatDateTimeText, parseDateTimeText } from './dateTimeText.ts';

describe('formatDateTimeText', () => {
  it('writes German day first with dots and English year first, both on the 24-hour clock', () => {
    expect(formatDateTimeText('2026-12-06T04:13', 'de')).toBe('06.12.2026 04:13');
    expect(formatDateTimeText('2026-12-06T16:05', 'en')).toBe('2026-12-06 16:05');
    expect(formatDateTimeText('', 'de')).toBe('');
  });

  it('reads back what it wrote, in both languages', () => {
    for (const value of ['2026-12-06T04:13', '2024-02-29T23:59', '2027-01-01T00:00'])
      for (const locale of ['de', 'en'] as const)
        expect(parseDateTimeText(formatDateTimeText(value, locale))).toEqual({ ok: true, value });
  });

  it('names the pattern per language', () => {
    expect(DATE_TIME_PATTERN.de).toBe('TT.MM.JJJJ HH:MM');
    expect(DATE_TIME_PATTERN.en).toBe('YYYY-MM-DD HH:MM');
  });
});

describe('parseDateTimeText', () => {
  it('takes short and padded German forms, with or without a comma, and ISO with T or a space', () => {
    expect(parseDateTimeText('6.12.2026 4:13')).toEqual({ ok: true, value: '2026-12-06T04:13' });
    expect(parseDateTimeText(' 06.12.2026,  04:13 ')).toEqual({ ok: true, value: '2026-12-06T04:13' });
    expect(parseDateTimeText('2026-12-06T04:13')).toEqual({ ok: true, value: '2026-12-06T04:13' });
    expect(parseDateTimeText('2026-3-21 12:00')).toEqual({ ok: true, value: '2026-03-21T12:00' });
  });

  it('says what is wrong: nothing typed, an unreadable form, a day the calendar lacks, a time past the clock', () => {
    expect(parseDateTimeText('  ')).toEqual({ ok: false, problem: 'empty' });
    for (const text of [
      'morgen',
      '06/12/2026 04:13',
      '06.12.2026',
      '06.12.26 04:13',
      '04:13',
      '2026-12-06 4.13',
    ])
      expect(parseDateTimeText(text), text).toEqual({ ok: false, problem: 'format' });
    for (const text of ['31.04.2026 10:00', '29.02.2026 10:00', '00.01.2026 10:00', '2026-13-01 10:00'])
      expect(parseDateTimeText(text), text).toEqual({ ok: false, problem: 'date' });
    for (const text of ['06.12.2026 24:00', '06.12.2026 12:60'])
      expect(parseDateTimeText(text), text).toEqual({ ok: false, problem: 'time' });
  });
});
