/** The WMS TIME follower: one request per settled change of the snapped value. */
import { describe, expect, it } from 'vitest';
import { parseTimeExtent } from '../../../ogc/timeDimension.ts';
import { followMapTime } from './wmsTime.ts';

/** Timers run by hand: the test says when time has settled. */
function manualTimers() {
  const queue = new Map<number, () => void>();
  let next = 1;
  return {
    set(fn: () => void) {
      queue.set(next, fn);
      return next++;
    },
    clear(handle: unknown) {
      queue.delete(handle as number);
    },
    flush() {
      const fns = [...queue.values()];
      queue.clear();
      fns.forEach((fn) => fn());
    },
    get size() {
      return queue.size;
    },
  };
}

describe('followMapTime', () => {
  const extent = parseTimeExtent('2026-05-01T00:00:00Z/2026-05-02T00:00:00Z/PT5M');

  it('asks once after a scrub settles, with the value snapped to the service step', () => {
    let now = Date.parse('2026-05-01T08:01:00Z');
    const applied: string[] = [];
    const timers = manualTimers();
    const follower = followMapTime(
      () => now,
      extent,
      (t) => applied.push(t),
      timers,
    );
    expect(follower.current).toBe('2026-05-01T08:00:00.000Z');
    for (let minute = 2; minute < 40; minute += 1) {
      now = Date.parse(`2026-05-01T08:${String(minute).padStart(2, '0')}:00Z`);
      follower.changed();
    }
    expect(timers.size).toBe(1);
    timers.flush();
    expect(applied).toEqual(['2026-05-01T08:35:00.000Z']);
  });

  it('asks nothing when the time moved within the same step', () => {
    let now = Date.parse('2026-05-01T08:01:00Z');
    const applied: string[] = [];
    const timers = manualTimers();
    const follower = followMapTime(
      () => now,
      extent,
      (t) => applied.push(t),
      timers,
    );
    now = Date.parse('2026-05-01T08:04:59Z');
    follower.changed();
    timers.flush();
    expect(applied).toEqual([]);
  });

  it('asks nothing after stop', () => {
    let now = Date.parse('2026-05-01T08:01:00Z');
    const applied: string[] = [];
    const timers = manualTimers();
    const follower = followMapTime(
      () => now,
      extent,
      (t) => applied.push(t),
      timers,
    );
    now = Date.parse('2026-05-01T12:00:00Z');
    follower.changed();
    follower.stop();
    timers.flush();
    expect(applied).toEqual([]);
  });
});
