import { describe, expect, it } from 'vitest';
import type { Observation, Sensor } from '../../../../protocol/index.ts';
import { createManualClock } from '../../clock.ts';
import { createSimulatorAdapter } from './simulatorAdapter.ts';

const sensors: Sensor[] = ['a', 'b', 'c'].map((id) => ({
  id: `parking-${id}`,
  kind: 'parking',
  name: id,
  position: [9.01, 48.685, 0],
  object: { type: 'building', id: `b-${id}` },
  quantities: ['occupiedSpaces', 'freeSpaces'],
  intervalMs: 20_000,
  thresholds: {},
  visibility: 'public',
  attributes: { capacitySpaces: 300 },
}));

describe('simulator adapter', () => {
  it('reports every sensor at once, then each again when its interval has passed', () => {
    const clock = createManualClock(Date.UTC(2026, 10, 18, 10, 0, 0));
    const out: Observation[] = [];
    const sim = createSimulatorAdapter({
      sensors,
      seed: 1,
      clock,
      timeZone: 'Europe/Berlin',
      emit: (o) => out.push(o),
    });
    expect(sim.poll()).toBe(3);
    expect(sim.poll()).toBe(0);
    clock.advance(20_000);
    expect(sim.poll()).toBe(3);
    expect(new Set(out.map((o) => o.sensorId)).size).toBe(3);
    for (const o of out) {
      expect(o.observedAt).toBeLessThanOrEqual(clock.now());
      expect(o.values.freeSpaces! + o.values.occupiedSpaces!).toBe(300);
    }
  });

  it('sends only the latest report after a long pause', () => {
    const clock = createManualClock(Date.UTC(2026, 10, 18, 10, 0, 0));
    const out: Observation[] = [];
    const sim = createSimulatorAdapter({
      sensors,
      seed: 1,
      clock,
      timeZone: 'Europe/Berlin',
      emit: (o) => out.push(o),
    });
    sim.poll();
    clock.advance(3_600_000);
    expect(sim.poll()).toBe(3);
    expect(Math.min(...out.slice(3).map((o) => clock.now() - o.observedAt))).toBeLessThan(20_000);
  });

  it('gives the same readings for the same seed and instants', () => {
    const run = (seed: number) => {
      const clock = createManualClock(Date.UTC(2026, 10, 18, 10, 0, 0));
      const out: Observation[] = [];
      const sim = createSimulatorAdapter({
        sensors,
        seed,
        clock,
        timeZone: 'Europe/Berlin',
        emit: (o) => out.push(o),
      });
      for (let i = 0; i < 10; i++) {
        sim.poll();
        clock.advance(7_000);
      }
      return out;
    };
    expect(run(5)).toEqual(run(5));
    expect(run(5)).not.toEqual(run(6));
  });
});
