/**
 * The hub's tick on a fixed grid of times. `setInterval` starts each interval when the previous
 * callback ran, so every millisecond a busy event loop delays a tick is added to the period for
 * good: at 50 Hz, ticks 3 ms late each made a 10 Hz viewer's period 115 ms instead of 100 under
 * load (`npm run bench:hub`, latency). Here tick n is due at `start + n × period`; a late tick is
 * followed by a shorter wait, so the rate stays the configured one. After a stall of more than two
 * periods the grid starts again from now instead of running the missed ticks back to back.
 */

export interface TickTimerOptions {
  readonly periodMs: number;
  readonly tick: () => void;
  /** Monotonic clock in ms; `performance.now` by default. */
  readonly now?: () => number;
  /** Runs `callback` after `delayMs`; returns a cancel function. `setTimeout` by default. */
  readonly schedule?: (callback: () => void, delayMs: number) => () => void;
}

/** Starts ticking; returns the function that stops it. */
export function startTickTimer(options: TickTimerOptions): () => void {
  const { periodMs, tick } = options;
  const now = options.now ?? (() => performance.now());
  const schedule =
    options.schedule ??
    ((callback: () => void, delayMs: number) => {
      const timer = setTimeout(callback, delayMs);
      return () => clearTimeout(timer);
    });
  let due = now() + periodMs;
  let stopped = false;
  let cancel = schedule(run, periodMs);

  function run(): void {
    if (stopped) return;
    try {
      tick();
    } finally {
      const at = now();
      due += periodMs;
      if (due < at - 2 * periodMs) due = at + periodMs;
      if (!stopped) cancel = schedule(run, Math.max(0, due - at));
    }
  }

  return () => {
    stopped = true;
    cancel();
  };
}
