import { describe, expect, it } from 'vitest';
import { startTickTimer } from './tickTimer.ts';

/** A clock and timer queue driven by hand: `advance` runs what falls due, `busy` makes ticks slow. */
function manualTime() {
  let time = 0;
  const timers: { at: number; callback: () => void }[] = [];
  return {
    now: () => time,
    schedule(callback: () => void, delayMs: number) {
      const timer = { at: time + delayMs, callback };
      timers.push(timer);
      return () => {
        const i = timers.indexOf(timer);
        if (i >= 0) timers.splice(i, 1);
      };
    },
    advance(toMs: number) {
      for (;;) {
        timers.sort((a, b) => a.at - b.at);
        const next = timers[0];
        if (!next || next.at > toMs) break;
        timers.shift();
        time = Math.max(time, next.at);
        next.callback();
      }
      time = toMs;
    },
    spend(ms: number) {
      time += ms;
    },
  };
}

describe('startTickTimer', () => {
  it('keeps the configured rate when every tick runs late', () => {
    const clock = manualTime();
    const ticks: number[] = [];
    const stop = startTickTimer({
      periodMs: 20,
      now: clock.now,
      schedule: clock.schedule,
      tick: () => {
        // Each tick starts 3 ms late (a busy event loop) and takes 2 ms.
        clock.spend(3);
        ticks.push(clock.now());
        clock.spend(2);
      },
    });
    clock.advance(10_000);
    stop();
    // setInterval would have made 400 ticks (one each 25 ms); the grid keeps 50 a second.
    expect(ticks.length).toBeGreaterThanOrEqual(499);
    expect(ticks.length).toBeLessThanOrEqual(500);
    expect(ticks[ticks.length - 1]).toBeLessThanOrEqual(10_000 + 3);
  });

  it('starts the grid again after a long stall instead of running the missed ticks at once', () => {
    const clock = manualTime();
    const ticks: number[] = [];
    let stall = true;
    const stop = startTickTimer({
      periodMs: 20,
      now: clock.now,
      schedule: clock.schedule,
      tick: () => {
        ticks.push(clock.now());
        if (stall) {
          stall = false;
          clock.spend(1_000);
        }
      },
    });
    clock.advance(1_200);
    stop();
    const gaps = ticks.slice(1).map((t, i) => t - (ticks[i] as number));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(20);
    expect(ticks.length).toBeLessThanOrEqual(12);
  });

  it('stops', () => {
    const clock = manualTime();
    let count = 0;
    const stop = startTickTimer({
      periodMs: 20,
      now: clock.now,
      schedule: clock.schedule,
      tick: () => count++,
    });
    clock.advance(100);
    stop();
    const before = count;
    clock.advance(1_000);
    expect(before).toBe(5);
    expect(count).toBe(before);
  });
});
