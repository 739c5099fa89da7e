/**
 * The viewer's estimate of the server's (simulated) clock. Diffs and snapshots carry `serverTimeMs`;
 * between them the estimate advances by local elapsed time times the server's `timeScale` (from
 * `server:hello`), so ages keep counting up between messages and while the connection is down.
 */

/** One sample of the server clock and the local monotonic time when it arrived. */
export interface ServerClockAnchor {
  readonly serverTimeMs: number;
  /** `performance.now()` (or any monotonic local clock) when `serverTimeMs` was received. */
  readonly localTimeMs: number;
  /** Simulated milliseconds per local millisecond; 1 for real time. */
  readonly timeScale: number;
}

/** Anchors the estimate at a freshly received server time. */
export function anchorClock(serverTimeMs: number, localTimeMs: number, timeScale: number): ServerClockAnchor {
  return { serverTimeMs, localTimeMs, timeScale };
}

/** The estimated server time at local time `localTimeMs`. */
export function serverNowMs(anchor: ServerClockAnchor, localTimeMs: number): number {
  return anchor.serverTimeMs + Math.max(0, localTimeMs - anchor.localTimeMs) * anchor.timeScale;
}

/** Age of a reading at server time `nowMs`; never negative (a sensor clock ahead of the server's counts as fresh). */
export function readingAgeMs(observedAtMs: number, nowMs: number): number {
  return Math.max(0, nowMs - observedAtMs);
}
