import { describe, expect, it } from 'vitest';
import { weekdayHourProfile } from './weekdayHour.ts';

const HOUR = 3_600_000;

describe('weekdayHourProfile', () => {
  it('folds hours onto local weekday and hour, weighting means by their counts', () => {
    // Monday 2 November 2026, 07:00 UTC is 08:00 in Berlin (CET, UTC+1).
    const monday7utc = Date.UTC(2026, 10, 2, 7);
    const profile = weekdayHourProfile(
      {
        t: [monday7utc, monday7utc + 7 * 24 * HOUR, monday7utc + HOUR, monday7utc + 6 * 24 * HOUR],
        mean: [30, 50, 40, 10],
        count: [60, 20, 0, 5],
      },
      'Europe/Berlin',
    );
    // Two Mondays at 08:00: (30·60 + 50·20) / 80.
    expect(profile.mean[0]?.[8]).toBeCloseTo(35, 9);
    expect(profile.counts[0]?.[8]).toBe(80);
    // An hour without readings stays empty, not zero.
    expect(profile.mean[0]?.[9]).toBeNull();
    // Sunday 08:00 local.
    expect(profile.mean[6]?.[8]).toBe(10);
    expect(profile.mean.flat().filter((v) => v !== null)).toHaveLength(2);
  });

  it('follows daylight saving time: 06:00 UTC is 08:00 in a Berlin summer', () => {
    const wednesdaySummer = Date.UTC(2026, 6, 1, 6);
    const profile = weekdayHourProfile({ t: [wednesdaySummer], mean: [12], count: [1] }, 'Europe/Berlin');
    expect(profile.mean[2]?.[8]).toBe(12);
  });
});
