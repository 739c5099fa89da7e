import { describe, expect, it } from 'vitest';
import { clientClassOf, profileFromSearch, TILE_SETTINGS } from './viewerProfile.ts';

describe('viewer profile', () => {
  it('reads ?profile= and falls back to public', () => {
    expect(profileFromSearch('')).toBe('public');
    expect(profileFromSearch('?profile=kiosk')).toBe('kiosk');
    expect(profileFromSearch('?city=x&profile=Operator')).toBe('operator');
    expect(profileFromSearch('?profile=admin')).toBe('public');
  });

  it('asks the server for the rate of its class', () => {
    expect(clientClassOf('kiosk')).toBe('kiosk');
    expect(clientClassOf('operator')).toBe('operator');
    expect(clientClassOf('public')).toBe('public');
  });

  it('gives operators more detail than kiosks, and every profile a cache for a whole town', () => {
    expect(TILE_SETTINGS.operator.maximumScreenSpaceError).toBeLessThan(
      TILE_SETTINGS.kiosk.maximumScreenSpaceError,
    );
    for (const settings of Object.values(TILE_SETTINGS)) {
      // A 50,000-building town is about 35 MiB of tiles (npm run bench:stream).
      expect(settings.cacheBytes).toBeGreaterThanOrEqual(128 * 1024 * 1024);
      expect(settings.preloadFlightDestinations).toBe(true);
    }
  });
});
