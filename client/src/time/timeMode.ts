/**
 * The one clock of the viewer, as data: live (the default) or a time in the past, paused or playing
 * at some speed. Pure; `TimeController` drives it and the URL carries it (`?t=2026-12-03T14:00:00Z`),
 * so a shared link opens the same moment.
 */

export type TimeMode =
  | { readonly kind: 'live' }
  | { readonly kind: 'past'; readonly atMs: number; readonly playing: boolean; readonly speed: number };

export const LIVE: TimeMode = { kind: 'live' };

/** Playback speeds offered: simulated seconds per real second. */
export const PLAY_SPEEDS = [1, 10, 60, 600, 3600] as const;

/** The time a URL asks for (`t`: ISO 8601 or ms), or null for live or an unreadable value. */
export function timeFromSearch(search: string): number | null {
  const value = new URLSearchParams(search).get('t');
  if (value === null || value === '') return null;
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  return Number.isFinite(ms) && ms >= 0 ? ms : null;
}

/** `href` with `t` set to `atMs` (to the second, ISO 8601) or removed for live; other parameters kept. */
export function hrefWithTime(href: string, atMs: number | null): string {
  const url = new URL(href);
  if (atMs === null) url.searchParams.delete('t');
  else
    url.searchParams.set('t', new Date(Math.floor(atMs / 1000) * 1000).toISOString().replace('.000Z', 'Z'));
  return url.toString();
}

/** `atMs` kept within `[minMs, maxMs]`. */
export function clampTime(atMs: number, minMs: number, maxMs: number): number {
  return Math.min(Math.max(atMs, minMs), Math.max(minMs, maxMs));
}

/**
 * The mode after `elapsedMs` of real time: a playing past moves on at its speed and becomes live once
 * it reaches the present (`nowMs`). Live and paused modes stay as they are.
 */
export function advance(mode: TimeMode, elapsedMs: number, nowMs: number): TimeMode {
  if (mode.kind === 'live' || !mode.playing || elapsedMs <= 0) return mode;
  const atMs = mode.atMs + elapsedMs * mode.speed;
  if (atMs >= nowMs) return LIVE;
  return { ...mode, atMs };
}

/** The nearest offered speed to `speed` (a URL or an old setting may name another). */
export function nearestSpeed(speed: number): number {
  let best: number = PLAY_SPEEDS[0];
  for (const offered of PLAY_SPEEDS) if (Math.abs(offered - speed) < Math.abs(best - speed)) best = offered;
  return best;
}
