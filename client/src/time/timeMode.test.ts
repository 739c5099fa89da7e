import { describe, expect, it } from 'vitest';
import { advance, clampTime, hrefWithTime, LIVE, nearestSpeed, timeFromSearch } from './timeMode.ts';

const T = Date.UTC(2026, 11, 3, 14, 0, 0);

describe('timeMode', () => {
  it('reads the time of a link as ISO 8601 or ms, and nothing else', () => {
    expect(timeFromSearch('?t=2026-12-03T14:00:00Z')).toBe(T);
    expect(timeFromSearch(`?city=x&t=${T}`)).toBe(T);
    expect(timeFromSearch('?t=gestern')).toBeNull();
    expect(timeFromSearch('?city=x')).toBeNull();
  });

  it('writes the time into the link to the second and removes it for live, keeping other parameters', () => {
    const href = hrefWithTime('http://localhost:8080/?city=boeblingen-demo', T + 1234);
    expect(href).toBe('http://localhost:8080/?city=boeblingen-demo&t=2026-12-03T14%3A00%3A01Z');
    expect(timeFromSearch(new URL(href).search)).toBe(T + 1000);
    expect(hrefWithTime(href, null)).toBe('http://localhost:8080/?city=boeblingen-demo');
  });

  it('plays at its speed and turns live on reaching the present', () => {
    const playing = { kind: 'past', atMs: T, playing: true, speed: 60 } as const;
    expect(advance(playing, 1000, T + 3_600_000)).toEqual({ ...playing, atMs: T + 60_000 });
    expect(advance(playing, 59_000, T + 3_600_000)).toEqual({ ...playing, atMs: T + 3_540_000 });
    expect(advance(playing, 60_000, T + 3_600_000)).toEqual(LIVE);
    const paused = { ...playing, playing: false };
    expect(advance(paused, 1000, T + 3_600_000)).toBe(paused);
    expect(advance(LIVE, 1000, T)).toBe(LIVE);
  });

  it('clamps to the bounds and rounds a speed to one offered', () => {
    expect(clampTime(5, 10, 20)).toBe(10);
    expect(clampTime(25, 10, 20)).toBe(20);
    expect(clampTime(15, 10, 20)).toBe(15);
    expect(nearestSpeed(50)).toBe(60);
    expect(nearestSpeed(100_000)).toBe(3600);
  });
});
