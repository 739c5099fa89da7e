/**
 * Who the viewer runs for, from `?profile=` in its address: `public` (a visitor's browser, the
 * default), `kiosk` (an information kiosk: modest GPU, on for weeks, touring the same places) or
 * `operator` (a control-room workstation). The profile sets the 3D Tiles streaming and the rate the
 * live data is asked for; docs/viewer-performance.md explains each choice.
 */
import type { ClientClass } from '../../../protocol/index.ts';

export type ViewerProfile = 'public' | 'kiosk' | 'operator';

export const PROFILE_PARAM = 'profile';

const PROFILES: readonly ViewerProfile[] = ['public', 'kiosk', 'operator'];

/** The profile a location's query names, and the value it gave when that is no profile. */
export interface ProfileChoice {
  /** `public` for none or an unknown one. */
  readonly profile: ViewerProfile;
  /** The `?profile=` value that names no profile, for the warning; null when there was none. */
  readonly unknown: string | null;
}

/** Reads `?profile=` from a location's query (case and surrounding spaces do not matter). */
export function profileFromSearch(search: string): ProfileChoice {
  const raw = new URLSearchParams(search).get(PROFILE_PARAM);
  if (raw === null) return { profile: 'public', unknown: null };
  const value = raw.trim().toLowerCase();
  const profile = PROFILES.find((p) => p === value);
  return profile ? { profile, unknown: null } : { profile: 'public', unknown: raw };
}

/** The warning for a `?profile=` that names no profile. */
export function unknownProfileMessage(value: string): string {
  return `?profile=${JSON.stringify(value)} is no viewer profile (${PROFILES.join(', ')}); using public.`;
}

/** The streaming settings of the buildings tileset (options of `Cesium3DTileset`). */
export interface TileSettings {
  /** Pixels of error a tile may show before its children load; higher: fewer, coarser tiles. */
  readonly maximumScreenSpaceError: number;
  /** Tile content kept in memory after it left the view, so coming back needs no request. */
  readonly cacheBytes: number;
  /** How far the cache may grow beyond `cacheBytes` while the view itself needs more. */
  readonly maximumCacheOverflowBytes: number;
  /** Loads the tiles at a flight's destination during the flight. */
  readonly preloadFlightDestinations: boolean;
  /** Keeps loading while the tileset is hidden (a wall screen's second layer set). */
  readonly preloadWhenHidden: boolean;
  /** Coarser tiles towards the horizon in tilted views. */
  readonly dynamicScreenSpaceError: boolean;
}

const MIB = 1024 * 1024;

export const TILE_SETTINGS: Readonly<Record<ViewerProfile, TileSettings>> = {
  // A visitor's laptop or phone: plain extrusions look right at 8 px; a cache that holds a whole
  // town of 50,000 buildings (about 35 MiB of tiles) with room to spare.
  public: {
    maximumScreenSpaceError: 8,
    cacheBytes: 256 * MIB,
    maximumCacheOverflowBytes: 128 * MIB,
    preloadFlightDestinations: true,
    preloadWhenHidden: false,
    dynamicScreenSpaceError: true,
  },
  // A kiosk: a weak integrated GPU drawing all day, flying the same tour again and again. The same
  // detail as a visitor's (at 12 px the overview of the demo town lost most of its small houses,
  // which a kiosk's visitors would see first; the GPU is spared by rendering only on demand), a
  // cache large enough for every place of the tour, so a lap never loads a tile twice, and overflow
  // kept small so memory stays flat over weeks.
  kiosk: {
    maximumScreenSpaceError: 8,
    cacheBytes: 384 * MIB,
    maximumCacheOverflowBytes: 64 * MIB,
    preloadFlightDestinations: true,
    preloadWhenHidden: false,
    dynamicScreenSpaceError: true,
  },
  // A control-room workstation: a real GPU and plenty of memory; detail near the camera, a cache
  // for a whole district at street level, and tiles that keep loading on a screen that is hidden.
  operator: {
    maximumScreenSpaceError: 6,
    cacheBytes: 1024 * MIB,
    maximumCacheOverflowBytes: 512 * MIB,
    preloadFlightDestinations: true,
    preloadWhenHidden: true,
    dynamicScreenSpaceError: false,
  },
};

/**
 * The rate a profile asks the server for. A kiosk takes the kiosk rate; an operator screen asks for
 * the operator rate, which the server grants only with a staff access key (else it gets `public`).
 */
export function clientClassOf(profile: ViewerProfile): ClientClass {
  return profile;
}
