/**
 * How fresh a reading looks to the viewer. The server reports `live` / `stale` / `offline`; between
 * its messages (and while the connection is down) the viewer also ages readings itself, so a value
 * the server last called live turns stale here once it is older than twice its report interval.
 */
import type { SensorState } from '../../../protocol/index.ts';
import { readingAgeMs } from '../time/serverClock.ts';

/** What the UI distinguishes; `noData` is a sensor that has no reading at all. */
export type DisplayFreshness = 'live' | 'stale' | 'offline' | 'noData';

/** A reading older than this many report intervals is stale (DESIGN.md, "Freshness"). */
export const STALE_AFTER_INTERVALS = 2;

/**
 * The freshness to draw for a sensor at server time `nowServerMs` (null when no server time is
 * known yet, then only the server's word counts). While the viewer is not connected nothing can be
 * called live: a newer value may exist that did not reach it, so live readings show as stale.
 */
export function displayFreshness(
  state: SensorState | undefined,
  intervalMs: number,
  nowServerMs: number | null,
  connected = true,
): DisplayFreshness {
  if (!state?.observation) return state?.freshness === 'offline' ? 'offline' : 'noData';
  if (state.freshness !== 'live') return state.freshness;
  if (!connected) return 'stale';
  if (
    nowServerMs !== null &&
    readingAgeMs(state.observation.observedAt, nowServerMs) > STALE_AFTER_INTERVALS * intervalMs
  ) {
    return 'stale';
  }
  return 'live';
}
