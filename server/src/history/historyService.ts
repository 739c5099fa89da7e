/**
 * The history as the server's API offers it, for HTTP and Socket.io alike: requests are parsed and
 * checked against what the caller's role may see, then answered from the `HistoryStore`. It also
 * writes: the hubs hand it every accepted reading (`record`), and it flushes them on a timer and
 * applies the retention once an hour.
 */
import type {
  HistoryRange,
  ProfileRequest,
  Series,
  SeriesRequest,
  StateAt,
  StateAtRequest,
  WeekdayHourProfile,
} from '../../../protocol/history.ts';
import {
  ProfileRequestSchema,
  SeriesRequestSchema,
  StateAtRequestSchema,
} from '../../../protocol/history.ts';
import { zodErrorText } from '../../../protocol/zodError.ts';
import type { ErrorPayload, Observation, Sensor, SensorState, Visibility } from '../../../protocol/index.ts';
import type { Registry } from 'prom-client';
import { collectedCounter } from '../metrics.ts';
import type { Clock } from '../clock.ts';
import { freshnessOf, matchesFilter } from '../hub/liveState.ts';
import type { Logger } from '../logger.ts';
import type { HistoryStore } from './historyStore.ts';
import { DAY_MS, HOUR_MS, HistoryQueryError, retentionOf } from './historyStore.ts';
import { weekdayHourProfile } from './weekdayHour.ts';

/** A request the service turns down, with the code the API answers. */
export class HistoryRequestError extends Error {
  override name = 'HistoryRequestError';
  constructor(
    readonly code: ErrorPayload['code'],
    message: string,
  ) {
    super(message);
  }
}

/** What the service needs of each served city. */
export interface HistoryCity {
  readonly sensors: readonly Sensor[];
  readonly timeZone: string;
}

export interface HistoryServiceOptions {
  readonly store: HistoryStore;
  readonly cities: ReadonlyMap<string, HistoryCity>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly flushIntervalMs: number;
  /** How often the retention runs; an hour by default. */
  readonly retentionIntervalMs?: number | undefined;
  /** How long a group commit waits for more callers of `durable` before it writes; 2 ms by default. */
  readonly groupCommitDelayMs?: number | undefined;
}

/**
 * How long a group commit gathers callers: long enough for the requests of one burst to share a
 * write (and DuckDB's one fsync of its log per commit), short against a push's round trip.
 */
const GROUP_COMMIT_DELAY_MS = 2;

/** Callers of `durable` waiting for the next group commit. */
interface CommitWaiter {
  resolve(): void;
  reject(error: unknown): void;
}

export class HistoryService {
  readonly store: HistoryStore;
  private readonly cities: ReadonlyMap<string, HistoryCity>;
  private readonly sensorsById = new Map<string, Map<string, Sensor>>();
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly options: HistoryServiceOptions;
  private flushTimer: ReturnType<typeof setInterval> | undefined;
  private retentionTimer: ReturnType<typeof setInterval> | undefined;
  private flushing: Promise<void> | undefined;
  private commitWaiters: CommitWaiter[] = [];
  private commitTimer: ReturnType<typeof setTimeout> | undefined;
  /** Readings the store turned away (older than their retention). */
  refused = 0;
  /** Flushes that failed (the readings stayed buffered for the next). */
  flushFailures = 0;
  /** Group commits run for callers of `durable` (each one write, however many callers it served). */
  groupCommits = 0;

  constructor(options: HistoryServiceOptions) {
    this.options = options;
    this.store = options.store;
    this.cities = options.cities;
    this.clock = options.clock;
    this.logger = options.logger;
    for (const [cityId, city] of options.cities)
      this.sensorsById.set(cityId, new Map(city.sensors.map((sensor) => [sensor.id, sensor])));
  }

  /** Reports the history's counters in `/metrics`. */
  registerMetrics(registry: Registry): void {
    const counter = (name: string, help: string, read: () => number) =>
      collectedCounter(registry, name, help, read);
    counter(
      'citytwin_history_readings_total',
      'Readings handed to the history store.',
      () => this.store.appended,
    );
    counter(
      'citytwin_history_refused_total',
      'Readings the history did not keep (older than their raw retention).',
      () => this.refused,
    );
    counter('citytwin_history_flush_failures_total', 'History writes that failed.', () => this.flushFailures);
    counter(
      'citytwin_history_group_commits_total',
      'Writes run so that pushes could be answered once stored (each serves every push waiting).',
      () => this.groupCommits,
    );
  }

  /** The server's time (simulated when the simulator runs faster than real time). */
  nowMs(): number {
    return this.clock.now();
  }

  /** Registers every city's series; then readings can be recorded. */
  async registerCities(): Promise<void> {
    for (const [cityId, city] of this.cities) await this.store.registerCity(cityId, city.sensors);
  }

  /** Takes an accepted reading (the hub's hook); written on the next flush. */
  record(cityId: string, sensor: Sensor, observation: Observation): void {
    if (!this.store.append(cityId, sensor, observation)) this.refused += 1;
  }

  /** Starts the flush and retention timers and runs the retention once. */
  start(): void {
    this.flushTimer ??= setInterval(() => void this.flush(), this.options.flushIntervalMs);
    this.flushTimer.unref?.();
    const retention = () =>
      this.store.enforceRetention(this.clock.now()).then(
        (report) => {
          if (report.raw + report.minute + report.hour > 0)
            this.logger.info('history retention applied', { ...report });
        },
        (error: unknown) =>
          this.logger.error('history retention failed', { error: (error as Error).message }),
      );
    this.retentionTimer ??= setInterval(() => void retention(), this.options.retentionIntervalMs ?? HOUR_MS);
    this.retentionTimer.unref?.();
    void retention();
  }

  /**
   * Resolves once every reading recorded before the call is committed to the store (DuckDB: in its
   * write-ahead log, fsynced), or rejects when that write failed. Callers within a few ms share one
   * write (a group commit), so a burst of pushes costs one commit, not one each.
   */
  durable(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.commitWaiters.push({ resolve, reject });
      this.commitTimer ??= setTimeout(
        () => void this.commitGroup(),
        this.options.groupCommitDelayMs ?? GROUP_COMMIT_DELAY_MS,
      );
    });
  }

  /** Writes for every waiting caller of `durable` and answers them. */
  private async commitGroup(): Promise<void> {
    clearTimeout(this.commitTimer);
    this.commitTimer = undefined;
    const waiters = this.commitWaiters;
    this.commitWaiters = [];
    if (waiters.length === 0) return;
    this.groupCommits += 1;
    try {
      // The store's own flush, not the timer's shared one: a flush already under way took its rows
      // before these callers' readings came; this one is queued after it and takes them.
      await this.store.flush();
      for (const waiter of waiters) waiter.resolve();
    } catch (error) {
      this.flushFailures += 1;
      this.logger.error('history group commit failed', { error: (error as Error).message });
      for (const waiter of waiters) waiter.reject(error);
    }
  }

  /** Writes what is buffered; a failure is logged and the readings stay for the next try. */
  flush(): Promise<void> {
    // One flush at a time: a slow disk must not stack them up.
    this.flushing ??= this.store
      .flush()
      .catch((error: unknown) => {
        this.flushFailures += 1;
        this.logger.error('history flush failed', { error: (error as Error).message });
      })
      .finally(() => {
        this.flushing = undefined;
      });
    return this.flushing;
  }

  async stop(): Promise<void> {
    clearInterval(this.flushTimer);
    clearInterval(this.retentionTimer);
    this.flushTimer = undefined;
    this.retentionTimer = undefined;
    await this.commitGroup();
    await this.flushing;
    await this.store.close();
  }

  private city(cityId: string): HistoryCity {
    const city = this.cities.get(cityId);
    if (!city)
      throw new HistoryRequestError(
        'not-found',
        `no city "${cityId}"; this server has ${[...this.cities.keys()].join(', ')}`,
      );
    return city;
  }

  private sensor(cityId: string, sensorId: string, visibilities: readonly Visibility[]): Sensor {
    this.city(cityId);
    const sensor = this.sensorsById.get(cityId)?.get(sensorId);
    // A sensor the role may not see is answered like one that does not exist.
    if (!sensor || !visibilities.includes(sensor.visibility))
      throw new HistoryRequestError('not-found', 'no such sensor');
    return sensor;
  }

  private async answer<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof HistoryQueryError) throw new HistoryRequestError('bad-request', error.message);
      throw error;
    }
  }

  /** A sensor's series (`history:series`). */
  async series(cityId: string, request: unknown, visibilities: readonly Visibility[]): Promise<Series> {
    const parsed = SeriesRequestSchema.safeParse(request);
    if (!parsed.success) throw new HistoryRequestError('bad-request', zodErrorText(parsed.error));
    const query: SeriesRequest = parsed.data;
    const sensor = this.sensor(cityId, query.sensorId, visibilities);
    return this.answer(() =>
      this.store.series(cityId, sensor, {
        fromMs: query.fromMs,
        toMs: query.toMs,
        stepMs: query.stepMs ?? 0,
        quantities: query.quantities,
      }),
    );
  }

  /** The sensors of a layer as they were at a time (`history:state`). */
  async stateAt(cityId: string, request: unknown, visibilities: readonly Visibility[]): Promise<StateAt> {
    const parsed = StateAtRequestSchema.safeParse(request);
    if (!parsed.success) throw new HistoryRequestError('bad-request', zodErrorText(parsed.error));
    const query: StateAtRequest = parsed.data;
    const city = this.city(cityId);
    const filter = { kinds: query.kinds, bbox: query.bbox, everywhere: query.everywhere, visibilities };
    const sensors = city.sensors.filter((sensor) => matchesFilter(sensor, filter));
    const readings = await this.answer(() => this.store.stateAt(cityId, sensors, query.atMs));
    const states: SensorState[] = sensors.map((sensor) => {
      const reading = readings.get(sensor.id);
      if (!reading) return { sensorId: sensor.id, observation: null, freshness: 'offline' };
      // As the live hub holds a sensor: values more than two intervals older than its newest drop
      // out, and the reading carries the oldest time of those kept (it never looks newer than it is).
      const keepFrom = reading.observedAt - 2 * sensor.intervalMs;
      const values: Record<string, number> = {};
      let observedAt = reading.observedAt;
      for (const [quantity, value] of Object.entries(reading.values)) {
        const t = reading.times[quantity] ?? reading.observedAt;
        if (t < keepFrom) continue;
        values[quantity] = value;
        observedAt = Math.min(observedAt, t);
      }
      return {
        sensorId: sensor.id,
        observation: { sensorId: sensor.id, observedAt, values, quality: reading.quality },
        freshness: freshnessOf(observedAt, sensor.intervalMs, query.atMs),
      };
    });
    return { atMs: query.atMs, states };
  }

  /** Mean per weekday and hour of day (`history:profile`), in the city's time zone. */
  async profile(
    cityId: string,
    request: unknown,
    visibilities: readonly Visibility[],
  ): Promise<WeekdayHourProfile> {
    const parsed = ProfileRequestSchema.safeParse(request);
    if (!parsed.success) throw new HistoryRequestError('bad-request', zodErrorText(parsed.error));
    const query: ProfileRequest = parsed.data;
    const city = this.city(cityId);
    const sensor = this.sensor(cityId, query.sensorId, visibilities);
    const toRaw = query.toMs ?? this.clock.now();
    const toMs = toRaw - (toRaw % HOUR_MS) + HOUR_MS;
    const fromMs = toMs - (query.weeks ?? 4) * 7 * DAY_MS;
    const series = await this.answer(() =>
      this.store.series(cityId, sensor, { fromMs, toMs, stepMs: HOUR_MS, quantities: [query.quantity] }),
    );
    const columns = series.quantities[query.quantity] ?? { t: [], mean: [], min: [], max: [], count: [] };
    return {
      sensorId: sensor.id,
      quantity: query.quantity,
      fromMs,
      toMs,
      timeZone: city.timeZone,
      ...weekdayHourProfile(columns, city.timeZone),
    };
  }

  /** What the store holds for a city (`history:range`). */
  async range(cityId: string): Promise<HistoryRange> {
    const city = this.city(cityId);
    const held = await this.store.range(cityId);
    const kinds = new Set(city.sensors.map((s) => s.kind));
    const retention: HistoryRange['retention'] = {};
    for (const kind of kinds) retention[kind] = retentionOf(this.store.retention, kind);
    return { ...held, nowMs: this.clock.now(), retention };
  }
}
