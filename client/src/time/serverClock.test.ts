import { describe, expect, it } from 'vitest';
import { anchorClock, readingAgeMs, serverNowMs } from './serverClock.ts';

describe('serverClock', () => {
  it('advances the server time by local elapsed time times the time scale', () => {
    const anchor = anchorClock(1_000_000, 500, 10);
    expect(serverNowMs(anchor, 500)).toBe(1_000_000);
    expect(serverNowMs(anchor, 1_500)).toBe(1_010_000);
  });

  it('never runs backwards before the anchor', () => {
    expect(serverNowMs(anchorClock(1_000, 500, 1), 100)).toBe(1_000);
  });

  it('gives the age of a reading and clamps readings from the future to zero', () => {
    expect(readingAgeMs(1_000, 13_000)).toBe(12_000);
    expect(readingAgeMs(20_000, 13_000)).toBe(0);
  });
});
