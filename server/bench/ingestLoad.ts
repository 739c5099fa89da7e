/**
 * The load of the ingest benchmark, shared by the bench process and its load-generator children:
 * which readings are sent (deterministic, valid readings of a city pack's sensors with increasing
 * times), how they are cut into NDJSON batches and MQTT messages, and the messages the bench and a
 * child exchange over the IPC channel. Pure, no I/O.
 */

/** What a load generator needs to know of a sensor. */
export interface BenchSensor {
  readonly id: string;
  readonly quantities: readonly string[];
}

function tenth(value: number): number {
  return Math.round(value * 10) / 10;
}

/**
 * A plausible value for a quantity from `fraction` in [0, 1), by the unit in its name: counts are
 * whole numbers below the smallest demo garage, levels below the shallowest basin, the rest in
 * everyday ranges with one decimal (the hub turns impossible values away, and a benchmark of
 * rejections measures nothing).
 */
function plausibleValue(quantity: string, fraction: number): number {
  if (quantity.endsWith('Spaces')) return Math.round(fraction * 150);
  if (quantity.endsWith('PerHour')) return Math.round(fraction * 2000);
  if (quantity.endsWith('Percent')) return tenth(20 + fraction * 70);
  if (quantity.endsWith('Kmh')) return tenth(5 + fraction * 55);
  if (quantity.endsWith('DbA')) return tenth(35 + fraction * 45);
  if (quantity.endsWith('Cm')) return tenth(fraction * 250);
  if (quantity.endsWith('C')) return tenth(-5 + fraction * 35);
  return tenth(fraction * 100);
}

/**
 * A reading's values: deterministic, varied and plausible, like a real device's. `salt` separates the
 * sensors so neighbours do not report the same numbers.
 */
export function benchValues(sensor: BenchSensor, seq: number, salt: number): Record<string, number> {
  const values: Record<string, number> = {};
  sensor.quantities.forEach((quantity, k) => {
    const noise = Math.sin(seq * 12.9898 + k * 78.233 + salt * 37.719) * 43758.5453;
    values[quantity] = plausibleValue(quantity, noise - Math.floor(noise));
  });
  return values;
}

/**
 * Item `i` of a stream over `sensors`: round robin, so sensor `i % n` with its own sequence number
 * `floor(i / n)` and the time `baseMs + seq` (each sensor's readings 1 ms apart, always newer).
 */
export function streamItem(
  sensors: readonly BenchSensor[],
  i: number,
  baseMs: number,
): { sensor: BenchSensor; sensorIndex: number; seq: number; atMs: number } {
  const sensorIndex = i % sensors.length;
  const seq = Math.floor(i / sensors.length);
  return { sensor: sensors[sensorIndex] as BenchSensor, sensorIndex, seq, atMs: baseMs + seq };
}

/** `count` readings as NDJSON lines, in the shape `POST /api/v1/observations` and replay files take. */
export function readingLines(sensors: readonly BenchSensor[], count: number, baseMs: number): string[] {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const { sensor, sensorIndex, seq, atMs } = streamItem(sensors, i, baseMs);
    lines.push(
      JSON.stringify({
        sensorId: sensor.id,
        observedAt: atMs,
        values: benchValues(sensor, seq, sensorIndex),
      }),
    );
  }
  return lines;
}

/** Every `size` lines joined into one NDJSON body. */
export function ndjsonBodies(lines: readonly string[], size: number): string[] {
  const bodies: string[] = [];
  for (let start = 0; start < lines.length; start += size)
    bodies.push(lines.slice(start, start + size).join('\n'));
  return bodies;
}

/** The time of each sensor's newest reading in a stream of `count` items (what the hub must hold after). */
export function newestTimes(
  sensors: readonly BenchSensor[],
  count: number,
  baseMs: number,
): Map<string, number> {
  const newest = new Map<string, number>();
  const n = sensors.length;
  sensors.forEach((sensor, j) => {
    if (j < count) newest.set(sensor.id, baseMs + Math.floor((count - 1 - j) / n));
  });
  return newest;
}

/** The `n` slices of `sensors` (every `n`-th sensor), so that each sensor travels in one ordered stream. */
export function partition<T>(items: readonly T[], n: number): T[][] {
  return Array.from({ length: n }, (_, w) => items.filter((_item, i) => i % n === w));
}

/**
 * The NDJSON bodies of one push run: `concurrency` streams, each over its own slice of the sensors
 * with `floor(readings / concurrency)` readings cut into bodies of `batchSize` lines.
 */
export function pushStreams(
  sensors: readonly BenchSensor[],
  readings: number,
  concurrency: number,
  batchSize: number,
  baseMs: number,
): { bodies: string[][]; readings: number } {
  const perStream = Math.floor(readings / concurrency);
  return {
    bodies: partition(sensors, concurrency).map((slice) =>
      ndjsonBodies(readingLines(slice, perStream, baseMs), batchSize),
    ),
    readings: perStream * concurrency,
  };
}

/** What the hub must hold after a push run of `pushStreams`: each sensor's newest time, and the count. */
export function pushNewest(
  sensors: readonly BenchSensor[],
  readings: number,
  concurrency: number,
  baseMs: number,
): { newest: Map<string, number>; readings: number } {
  const perStream = Math.floor(readings / concurrency);
  const newest = new Map<string, number>();
  for (const slice of partition(sensors, concurrency))
    for (const [id, atMs] of newestTimes(slice, perStream, baseMs)) newest.set(id, atMs);
  return { newest, readings: perStream * concurrency };
}

/** MQTT topic prefix of the generic JSON source; the last segment is the sensor id. */
export const MQTT_TOPIC_PREFIX = 'citytwin-bench/sensors';

/** One MQTT message of a stream: generic JSON, the time as ISO 8601 in `time`, values by quantity. */
export function mqttMessage(
  sensors: readonly BenchSensor[],
  i: number,
  baseMs: number,
): { topic: string; payload: string } {
  const { sensor, sensorIndex, seq, atMs } = streamItem(sensors, i, baseMs);
  return {
    topic: `${MQTT_TOPIC_PREFIX}/${sensor.id}`,
    payload: JSON.stringify({ time: new Date(atMs).toISOString(), ...benchValues(sensor, seq, sensorIndex) }),
  };
}

/** Bench -> load generator. */
export type LoadRequest =
  /** Build the next run's load (untimed), answered by `prepared`. */
  | { readonly type: 'prepare'; readonly baseMs: number }
  /** Send the prepared load now, answered by `done`. */
  | { readonly type: 'go' }
  /** Send one reading item `i` of a stream starting at `baseMs` (MQTT: is the subscription in place?). */
  | { readonly type: 'probe'; readonly baseMs: number; readonly i: number };

/** Load generator -> bench. */
export type LoadReply =
  | { readonly type: 'ready' }
  | { readonly type: 'prepared'; readonly items: number; readonly bytes: number }
  | {
      readonly type: 'done';
      readonly sent: number;
      /** Readings the server said it accepted (HTTP answers); MQTT has no such answer: `sent`. */
      readonly accepted: number;
      readonly requests: number;
      readonly wallMs: number;
      /** Non-200 answers and transport errors; the bench fails on any. */
      readonly errors: readonly string[];
    }
  | { readonly type: 'probed' }
  | { readonly type: 'failed'; readonly error: string };

/** Configuration of the HTTP push load generator (`pushLoadGenerator.ts`), given as argv[2] JSON. */
export interface PushLoadConfig {
  readonly url: string;
  readonly apiKey: string;
  readonly sensors: readonly BenchSensor[];
  readonly readingsPerRun: number;
  readonly batchSize: number;
  /** Requests in flight at once; each sends its own slice of the sensors, in order. */
  readonly concurrency: number;
}

/** Configuration of the MQTT publisher (`mqttLoadGenerator.ts`), given as argv[2] JSON. */
export interface MqttLoadConfig {
  readonly url: string;
  readonly sensors: readonly BenchSensor[];
  readonly messagesPerRun: number;
  readonly qos: 0 | 1;
}
