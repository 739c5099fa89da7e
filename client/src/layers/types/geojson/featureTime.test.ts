import { describe, expect, it } from 'vitest';
import { featureInterval, isShownAt, parseTimeValue, visibleAt } from './featureTime.ts';

const time = { fromProperty: 'von', toProperty: 'bis' };
const DAY_MS = 86_400_000;

describe('featureInterval', () => {
  it('keeps a feature shown through the whole last day', () => {
    const interval = featureInterval({ von: '2026-05-01', bis: '2026-05-12' }, time);
    expect(interval.fromMs).toBe(Date.parse('2026-05-01'));
    expect(interval.toMs).toBe(Date.parse('2026-05-12') + DAY_MS);
    expect(isShownAt(interval, Date.parse('2026-05-12T20:00:00Z'))).toBe(true);
    expect(isShownAt(interval, Date.parse('2026-05-13T00:00:00Z'))).toBe(false);
    expect(isShownAt(interval, Date.parse('2026-04-30T23:59:59Z'))).toBe(false);
  });

  it('takes instants as they are and leaves missing or unreadable ends open', () => {
    expect(parseTimeValue('2026-05-01T08:00:00Z', true)).toBe(Date.parse('2026-05-01T08:00:00Z'));
    expect(parseTimeValue(1_700_000_000_000, false)).toBe(1_700_000_000_000);
    const open = featureInterval({ von: 'bald', bis: null }, time);
    expect(open).toEqual({ fromMs: -Infinity, toMs: Infinity });
  });
});

describe('visibleAt', () => {
  it('hides features outside their interval and always shows those without one', () => {
    const intervals = [
      featureInterval({ von: '2026-01-01', bis: '2026-01-31' }, time),
      null,
      featureInterval({ von: '2026-02-01' }, time),
    ];
    expect(visibleAt(intervals, Date.parse('2026-01-15'))).toEqual([true, true, false]);
    expect(visibleAt(intervals, Date.parse('2026-03-01'))).toEqual([false, true, true]);
  });
});
