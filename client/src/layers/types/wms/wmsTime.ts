/**
 * The TIME a WMS layer bound to the timeline asks for, and when to ask again: only when the value
 * (snapped to the service's steps) changes, and only once the timeline has stopped moving for a
 * moment, so a scrub across a day asks for one image set, not hundreds. Pure apart from the timer it
 * is given.
 */
import { wmsTimeFor, type TimeExtent } from '../../../ogc/timeDimension.ts';

/** How long the map's time must stay put before new images are asked for. */
export const TIME_SETTLE_MS = 300;

export interface TimeFollower {
  /** The TIME value in force. */
  readonly current: string;
  /** Call when the map's time moved; `apply` runs at most once per settled change of the value. */
  changed(): void;
  stop(): void;
}

export function followMapTime(
  nowMs: () => number,
  extent: TimeExtent | null,
  apply: (time: string) => void,
  timers: { set(fn: () => void, ms: number): unknown; clear(handle: unknown): void } = {
    set: (fn, ms) => setTimeout(fn, ms),
    clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  },
): TimeFollower {
  let current = wmsTimeFor(nowMs(), extent);
  let pending: unknown = null;
  let stopped = false;
  return {
    get current() {
      return current;
    },
    changed() {
      if (stopped) return;
      if (pending !== null) timers.clear(pending);
      pending = timers.set(() => {
        pending = null;
        const next = wmsTimeFor(nowMs(), extent);
        if (stopped || next === current) return;
        current = next;
        apply(next);
      }, TIME_SETTLE_MS);
    },
    stop() {
      stopped = true;
      if (pending !== null) timers.clear(pending);
      pending = null;
    },
  };
}
