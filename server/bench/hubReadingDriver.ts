/**
 * The readings of the hub benchmark, made inside the server process at a set rate: sensors round
 * robin, each reading stamped with the time it is handed over (`observedAt`, the ingest time the
 * clients measure latency from) and carrying `hubValues` for that sensor and time. The driver keeps
 * to the rate by counting what is due since it started, not by trusting timers, so readings spread
 * evenly over each tick instead of arriving in bursts; when the process falls behind it sends at most
 * `maxPerPass` at once and drops the rest (counted), as a real feed's latest value would win.
 */
import type { Observation } from '../../protocol/index.ts';
import type { HubSensor } from './hubLoad.ts';
import { hubValues } from './hubLoad.ts';

/** A running reading driver. */
export interface ReadingDriver {
  /** Readings handed over so far. */
  readonly sent: number;
  /** Readings due that were not sent because the process was behind. */
  readonly dropped: number;
  /** Changes the rate from now on; 0 pauses. */
  setRate(perSecond: number): void;
  /** Sends one reading of every sensor at once (so snapshots hold values before the load starts). */
  sendRound(): void;
  stop(): void;
}

export interface ReadingDriverOptions {
  readonly sensors: readonly HubSensor[];
  readonly perSecond: number;
  /** Most readings per timer pass (default: one round of all sensors). */
  readonly maxPerPass?: number;
  readonly emit: (observation: Observation) => void;
}

/** How often the driver looks at the clock, in ms. */
const PASS_MS = 2;

export function startReadingDriver(options: ReadingDriverOptions): ReadingDriver {
  const { sensors, emit } = options;
  const maxPerPass = options.maxPerPass ?? sensors.length;
  const lastObservedAt = new Float64Array(sensors.length);
  let perSecond = options.perSecond;
  let sinceMs = performance.now();
  let doneSince = 0;
  let cursor = 0;
  let sent = 0;
  let dropped = 0;

  const send = (count: number) => {
    for (let k = 0; k < count; k++) {
      const index = cursor;
      cursor = (cursor + 1) % sensors.length;
      const sensor = sensors[index] as HubSensor;
      // The hub takes a sensor's reading only when it is newer than the one it holds.
      const observedAt = Math.max(Date.now(), (lastObservedAt[index] ?? 0) + 1);
      lastObservedAt[index] = observedAt;
      emit({ sensorId: sensor.id, observedAt, values: hubValues(sensor, observedAt), quality: 'good' });
      sent++;
    }
  };
  const pass = () => {
    const due = Math.floor(((performance.now() - sinceMs) * perSecond) / 1000);
    let count = due - doneSince;
    if (count > maxPerPass) {
      dropped += count - maxPerPass;
      count = maxPerPass;
    }
    doneSince = due;
    send(count);
  };
  const timer = setInterval(pass, PASS_MS);

  return {
    get sent() {
      return sent;
    },
    get dropped() {
      return dropped;
    },
    setRate(next: number) {
      pass();
      perSecond = next;
      sinceMs = performance.now();
      doneSince = 0;
    },
    sendRound() {
      send(sensors.length);
    },
    stop() {
      clearInterval(timer);
    },
  };
}
