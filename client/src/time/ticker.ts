/**
 * One shared once-a-second tick for everything that shows an age, so labels and panels count up
 * together and a single timer runs however many listeners there are.
 */

/** Subscribes to the tick; returns the unsubscribe function. */
export type SubscribeTick = (listener: () => void) => () => void;

/** Creates a ticker; the timer runs only while someone listens. */
export function createTicker(intervalMs = 1000): SubscribeTick {
  const listeners = new Set<() => void>();
  let timer: ReturnType<typeof setInterval> | undefined;
  return (listener) => {
    listeners.add(listener);
    timer ??= setInterval(() => {
      for (const l of [...listeners]) l();
    }, intervalMs);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0 && timer !== undefined) {
        clearInterval(timer);
        timer = undefined;
      }
    };
  };
}
