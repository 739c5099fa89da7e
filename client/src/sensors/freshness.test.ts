import { describe, expect, it } from 'vitest';
import { noReading, reading } from '../testing/fixtures.ts';
import { displayFreshness } from './freshness.ts';

describe('displayFreshness', () => {
  it("keeps the server's live while the reading is younger than twice its interval", () => {
    expect(displayFreshness(reading('a', { x: 1 }, 1_000_000), 60_000, 1_000_000 + 120_000)).toBe('live');
  });

  it('marks a sensor stale after twice its interval', () => {
    expect(displayFreshness(reading('a', { x: 1 }, 1_000_000), 60_000, 1_000_000 + 120_001)).toBe('stale');
  });

  it("takes the server's stale and offline as they are", () => {
    expect(displayFreshness(reading('a', { x: 1 }, 1_000_000, 'stale'), 60_000, 1_000_000)).toBe('stale');
    expect(displayFreshness(reading('a', { x: 1 }, 1_000_000, 'offline'), 60_000, 1_000_000)).toBe('offline');
  });

  it('tells a sensor without reading apart from one with a value', () => {
    expect(displayFreshness(undefined, 60_000, 0)).toBe('noData');
    expect(displayFreshness(noReading('a', 'offline'), 60_000, 0)).toBe('offline');
    expect(displayFreshness(noReading('a', 'live'), 60_000, 0)).toBe('noData');
  });

  it('trusts the server while no server time is known', () => {
    expect(displayFreshness(reading('a', { x: 1 }, 0), 1, null)).toBe('live');
  });
});

describe('displayFreshness while disconnected', () => {
  it('shows a live reading as stale while the viewer is not connected, and keeps others as they are', () => {
    const live = reading('p', { freeSpaces: 3 }, 1_000);
    expect(displayFreshness(live, 60_000, 2_000, true)).toBe('live');
    expect(displayFreshness(live, 60_000, 2_000, false)).toBe('stale');
    expect(displayFreshness(reading('p', { freeSpaces: 3 }, 1_000, 'offline'), 60_000, 2_000, false)).toBe(
      'offline',
    );
    expect(displayFreshness(noReading('p', 'live'), 60_000, 2_000, false)).toBe('noData');
  });
});
