/**
 * The simulator as an ingest source: the embedded default. It asks the pure model for each sensor's
 * reading whenever that sensor's next report instant has passed on the twin's clock.
 */
import type { Observation, Sensor } from '../../../../protocol/index.ts';
import type { Clock } from '../../clock.ts';
import type { DeviceHealth } from '../normalize.ts';
import { latestReportAt, simulateHealth, simulateValues } from './simulatorModel.ts';

export interface SimulatorOptions {
  sensors: readonly Sensor[];
  seed: number;
  clock: Clock;
  timeZone: string;
  /** Receives every reading; the app passes the hub's ingest. */
  emit: (observation: Observation) => void;
  /** Receives the device health of simulated LoRaWAN sensors with each of their readings. */
  emitHealth?: (health: DeviceHealth) => void;
  /** Real milliseconds between checks for due reports. */
  pollIntervalMs?: number;
}

export interface SimulatorAdapter {
  readonly source: 'simulator';
  /** Emits the current reading of every sensor, then keeps reporting on each sensor's grid. */
  start(): void;
  stop(): void;
  /** Emits every report that has come due since the last call; returns how many. */
  poll(): number;
}

export function createSimulatorAdapter(options: SimulatorOptions): SimulatorAdapter {
  const { sensors, seed, clock, timeZone, emit } = options;
  const lastReportMs = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;

  function poll(): number {
    const nowMs = clock.now();
    let count = 0;
    for (const sensor of sensors) {
      const dueMs = latestReportAt(seed, sensor, nowMs);
      if (lastReportMs.get(sensor.id) === dueMs) continue;
      // After a long pause (or at a high time scale) only the latest report is sent: the hub keeps
      // latest state, and replaying every skipped instant would only be thrown away.
      lastReportMs.set(sensor.id, dueMs);
      emit({
        sensorId: sensor.id,
        observedAt: dueMs,
        values: simulateValues(sensor, seed, dueMs, timeZone),
        quality: 'good',
      });
      const health = options.emitHealth && simulateHealth(sensor, seed, dueMs);
      if (health) options.emitHealth?.({ sensorId: sensor.id, seenAt: dueMs, ...health });
      count += 1;
    }
    return count;
  }

  return {
    source: 'simulator',
    poll,
    start() {
      if (timer) return;
      poll();
      timer = setInterval(poll, options.pollIntervalMs ?? 250);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}
