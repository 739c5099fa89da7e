/** Snapping the timeline's time to a WMS time dimension. */
import { describe, expect, it } from 'vitest';
import { parseIsoDuration, parseTimeExtent, snapToExtent, wmsTimeFor } from './timeDimension.ts';

const ms = (iso: string): number => Date.parse(iso);

describe('time dimensions', () => {
  it('reads durations with calendar and fixed parts', () => {
    expect(parseIsoDuration('PT5M')).toEqual({ months: 0, fixedMs: 300_000 });
    expect(parseIsoDuration('P1Y2M1D')).toEqual({ months: 14, fixedMs: 86_400_000 });
    expect(parseIsoDuration('P')).toBeNull();
    expect(parseIsoDuration('5 minutes')).toBeNull();
  });

  it('asks a five-minute radar for the last step not after the time', () => {
    const extent = parseTimeExtent('2021-11-29T12:40:00.000Z/2021-12-13T12:40:00.000Z/PT5M');
    expect(wmsTimeFor(ms('2021-12-01T10:43:59Z'), extent)).toBe('2021-12-01T10:40:00.000Z');
    // Before the first value: the first; after the last: the last.
    expect(wmsTimeFor(ms('2021-01-01T00:00:00Z'), extent)).toBe('2021-11-29T12:40:00.000Z');
    expect(wmsTimeFor(ms('2022-01-01T00:00:00Z'), extent)).toBe('2021-12-13T12:40:00.000Z');
  });

  it('steps by calendar months and through lists of instants', () => {
    const monthly = parseTimeExtent('2020-01-31T00:00:00Z/2020-12-31T00:00:00Z/P1M');
    expect(snapToExtent(monthly, ms('2020-03-15T00:00:00Z'))).toBe(ms('2020-03-02T00:00:00Z'));
    const list = parseTimeExtent(
      '2021-12-12T00:00:00.000Z,2021-12-12T06:00:00.000Z,2021-12-12T12:00:00.000Z',
    );
    expect(snapToExtent(list, ms('2021-12-12T11:59:00Z'))).toBe(ms('2021-12-12T06:00:00Z'));
  });

  it('rounds to the minute when the service gave no values', () => {
    expect(wmsTimeFor(ms('2026-05-01T08:15:42.123Z'), null)).toBe('2026-05-01T08:15:00.000Z');
    expect(wmsTimeFor(ms('2026-05-01T08:15:42Z'), parseTimeExtent(''))).toBe('2026-05-01T08:15:00.000Z');
  });

  it('treats an open end as now', () => {
    const open = parseTimeExtent('2026-01-01T00:00:00Z/current/PT1H');
    expect(snapToExtent(open, ms('2026-05-01T08:15:00Z'))).toBe(ms('2026-05-01T08:00:00Z'));
  });
});
