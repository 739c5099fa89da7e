/**
 * A quantity's typical week: hourly means folded onto weekday (Monday first) × hour of day in the
 * city's local time, each cell the count-weighted mean of the hours that fall in it. Daylight saving
 * moves UTC hours between cells; local time is what a planner means by "Tuesday, 8 o'clock".
 */
import type { SeriesColumns } from '../../../protocol/history.ts';

const WEEKDAYS: Record<string, number> = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };

/** Weekday (0 Monday … 6 Sunday) and hour (0–23) of `ms` in `timeZone`. */
export function localWeekdayHour(format: Intl.DateTimeFormat, ms: number): [number, number] {
  let weekday = 0;
  let hour = 0;
  for (const part of format.formatToParts(ms)) {
    if (part.type === 'weekday') weekday = WEEKDAYS[part.value] ?? 0;
    else if (part.type === 'hour') hour = Number(part.value) % 24;
  }
  return [weekday, hour];
}

export function weekdayHourProfile(
  hourly: Pick<SeriesColumns, 't' | 'mean' | 'count'>,
  timeZone: string,
): { mean: (number | null)[][]; counts: number[][] } {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    weekday: 'short',
    hour: '2-digit',
    hourCycle: 'h23',
  });
  const sums = Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
  const counts = Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
  for (let i = 0; i < hourly.t.length; i += 1) {
    const count = hourly.count[i] as number;
    if (!(count > 0)) continue;
    const [weekday, hour] = localWeekdayHour(format, hourly.t[i] as number);
    (sums[weekday] as number[])[hour] =
      ((sums[weekday] as number[])[hour] as number) + (hourly.mean[i] as number) * count;
    (counts[weekday] as number[])[hour] = ((counts[weekday] as number[])[hour] as number) + count;
  }
  const mean = sums.map((row, d) =>
    row.map((sum, h) => ((counts[d] as number[])[h] ? sum / ((counts[d] as number[])[h] as number) : null)),
  );
  return { mean, counts };
}
