import { describe, expect, it } from 'vitest';
import { clientClassOf, profileFromSearch, TILE_SETTINGS, unknownProfileMessage } from './viewerProfile.ts';

describe('viewer profile', () => {
  it('reads ?profile= and falls back to public, naming a value that is no profile', () => {
    expect(profileFromSearch('')).toEqual({ profile: 'public', unknown: null });
    expect(profileFromSearch('?profile=kiosk')).toEqual({ profile: 'kiosk', unknown: null });
    expect(profileFromSearch('?city=x&profile=%20Operator')).toEqual({ profile: 'operator', unknown: null });
    expect(profileFromSearch('?profile=admin')).toEqual({ profile: 'public', unknown: 'admin' });
    expect(unknownProfileMessage('admin')).toBe(
      '?profile="admin" is no viewer profile (public, kiosk, operator); using public.',
    );
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
