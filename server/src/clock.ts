/**
 * Time as the twin sees it. Everything that stamps or ages a reading asks a `Clock`, so tests can
 * freeze it and demos can run faster than real time.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch, in the twin's (possibly scaled) time. */
  now(): number;
  /** Simulated seconds per real second. */
  readonly timeScale: number;
}

/**
 * Real time, optionally scaled: starts at the real present and then advances `timeScale` times faster.
 */
export function createSystemClock(timeScale = 1, realNow: () => number = Date.now): Clock {
  const startReal = realNow();
  return {
    timeScale,
    now: () => (timeScale === 1 ? realNow() : Math.round(startReal + (realNow() - startReal) * timeScale)),
  };
}

/** A clock that moves only when told to: for tests. */
export interface ManualClock extends Clock {
  set(ms: number): void;
  advance(ms: number): void;
}

export function createManualClock(startMs: number, timeScale = 1): ManualClock {
  let current = startMs;
  return {
    timeScale,
    now: () => current,
    set: (ms) => {
      current = ms;
    },
    advance: (ms) => {
      current += ms;
    },
  };
}
