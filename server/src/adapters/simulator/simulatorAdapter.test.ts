import { describe, expect, it } from 'vitest';
import type { Observation, Sensor } from '../../../../protocol/index.ts';
import { createManualClock } from '../../clock.ts';
import type { DeviceHealth } from '../normalize.ts';
import { createSimulatorAdapter } from './simulatorAdapter.ts';
import { simulateHealth } from './simulatorModel.ts';

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

describe('simulated device health', () => {
  it('reports battery, signal and gateway for LoRaWAN sensors only, with each reading', () => {
    const clock = createManualClock(Date.UTC(2026, 10, 18, 10, 0, 0));
    const station: Sensor = {
      ...(sensors[0] as Sensor),
      id: 'env-a',
      kind: 'environment',
      quantities: ['no2UgM3'],
      attributes: { radio: 'lorawan' },
    };
    const health: DeviceHealth[] = [];
    const sim = createSimulatorAdapter({
      sensors: [station, sensors[1] as Sensor],
      seed: 7,
      clock,
      timeZone: 'Europe/Berlin',
      emit: () => undefined,
      emitHealth: (fact) => health.push(fact),
    });
    sim.poll();
    expect(health).toHaveLength(1);
    const first = health[0] as DeviceHealth;
    expect(first.sensorId).toBe('env-a');
    expect(first.seenAt).toBeLessThanOrEqual(clock.now());
    expect(first.batteryPercent).toBeGreaterThanOrEqual(1);
    expect(first.batteryPercent).toBeLessThanOrEqual(100);
    expect(first.rssiDbm).toBeLessThan(-70);
    expect(first.rssiDbm).toBeGreaterThan(-125);
    expect(first.gatewayId).toMatch(/^sim-gw-[1-3]$/);
  });

  it('drains the battery over the years, never back up', () => {
    const station = { ...(sensors[0] as Sensor), attributes: { radio: 'lorawan' } };
    const at = (year: number) => simulateHealth(station, 3, Date.UTC(year, 5, 1))?.batteryPercent ?? NaN;
    expect(at(2023)).toBeGreaterThanOrEqual(at(2025));
    expect(at(2025)).toBeGreaterThan(at(2028));
    expect(simulateHealth(sensors[0] as Sensor, 3, Date.UTC(2026, 0, 1))).toBeUndefined();
  });
});
