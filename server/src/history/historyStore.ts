/**
 * The history of every accepted reading: raw readings plus 1-minute and 1-hour aggregates (min, max,
 * mean, count), kept per sensor kind for as long as the retention says. `HistoryStore` is what the
 * rest of the server sees; `SqlHistoryStore` holds everything both backends share (the series
 * registry, the write buffer, which buckets need their aggregates again, the state-at-T logic), and
 * DuckDB (`duckdbHistoryStore.ts`, the embedded default) and PostgreSQL (`postgresHistoryStore.ts`)
 * only say how to talk SQL to their database.
 *
 * A series is one quantity of one sensor of one city, numbered once; raw rows are
 * `(series, t, value, quality)`, so a reading costs a few bytes, not its sensor id and quantity name.
 */
import type { Observation, Quality, SensorKind } from '../../../protocol/index.ts';
import type { RetentionSpan, Series, SeriesColumns, SeriesSource } from '../../../protocol/history.ts';

/** What the store needs to know of a sensor. */
export interface HistorySensor {
  readonly id: string;
  readonly kind: SensorKind;
  readonly intervalMs: number;
  readonly quantities: readonly string[];
}

/** How long each table keeps data: a default and overrides per sensor kind. */
export interface RetentionPolicy {
  readonly default: RetentionSpan;
  readonly byKind?: Partial<Record<SensorKind, RetentionSpan>> | undefined;
}

export const DAY_MS = 86_400_000;
export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;

/** Raw readings 30 days (as far back as the hub takes late readings), minutes a year, hours ten years. */
export const DEFAULT_RETENTION: RetentionPolicy = {
  default: { rawMs: 30 * DAY_MS, minuteMs: 366 * DAY_MS, hourMs: 3660 * DAY_MS },
};

/** The span for `kind` under `policy`. */
export function retentionOf(policy: RetentionPolicy, kind: string): RetentionSpan {
  return policy.byKind?.[kind as SensorKind] ?? policy.default;
}

/** The last reading of a sensor at or before some time: each quantity's last value and when. */
export interface ReadingAt {
  /** The newest of the quantities' times. */
  readonly observedAt: number;
  readonly values: Record<string, number>;
  /** Each quantity's own time. */
  readonly times: Record<string, number>;
  /** The quality of the newest value. */
  readonly quality: Quality;
}

/** Rows deleted by one retention pass, per table. */
export interface RetentionReport {
  raw: number;
  minute: number;
  hour: number;
}

/** Rows held per table. */
export interface HistoryCounts {
  raw: number;
  minute: number;
  hour: number;
}

/** A question the store cannot answer as asked (too many points, an unknown quantity). */
export class HistoryQueryError extends Error {
  override name = 'HistoryQueryError';
}

export interface HistoryStore {
  readonly backend: 'duckdb' | 'postgres';
  /** Makes the series of a city's sensors known (and updates their kind); before `append`. */
  registerCity(cityId: string, sensors: readonly HistorySensor[]): Promise<void>;
  /**
   * Buffers an accepted reading; it is written on the next `flush`. False, with nothing kept, for a
   * reading older than its kind's raw retention or of an unregistered series.
   */
  append(cityId: string, sensor: HistorySensor, observation: Observation): boolean;
  /** Writes what is buffered and brings the aggregates of finished minutes and hours up to date. */
  flush(): Promise<void>;
  /** A sensor's series; `stepMs` 0 gives raw readings. */
  series(cityId: string, sensor: HistorySensor, query: SeriesQuery): Promise<Series>;
  /** Per sensor, the last reading at or before `atMs` (each quantity its own last value). */
  stateAt(cityId: string, sensors: readonly HistorySensor[], atMs: number): Promise<Map<string, ReadingAt>>;
  /** Oldest and newest raw reading of a city. */
  range(cityId: string): Promise<{ earliestMs: number | null; latestMs: number | null }>;
  /** Deletes what the retention no longer keeps, as of `nowMs`. */
  enforceRetention(nowMs: number): Promise<RetentionReport>;
  counts(): Promise<HistoryCounts>;
  /** Readings written so far by this process (for metrics and benchmarks). */
  readonly appended: number;
  readonly retention: RetentionPolicy;
  /** Flushes and closes the database. */
  close(): Promise<void>;
}

export interface SeriesQuery {
  readonly fromMs: number;
  readonly toMs: number;
  /** 0: raw readings. */
  readonly stepMs: number;
  /** All of the sensor's quantities when left out. */
  readonly quantities?: readonly string[] | undefined;
}

/** The most buckets one series answer may have. */
export const MAX_SERIES_BUCKETS = 20_000;
/** The most raw readings one series answer may have. */
export const MAX_RAW_READINGS = 200_000;

const QUALITY_CODES: readonly Quality[] = ['good', 'uncertain', 'bad'];
const QUALITY_CODE: Record<Quality, number> = { good: 0, uncertain: 1, bad: 2 };

/** What appending needs of one sensor of one city: its series ids in the registry's order. */
interface SensorSlot {
  readonly quantities: string[];
  readonly ids: number[];
  /** Raw retention of the sensor's kind. */
  rawMs: number;
}

/** Buffered raw rows, column by column, grown as needed. */
export class RowBuffer {
  series: Int32Array;
  t: Float64Array;
  value: Float64Array;
  quality: Uint8Array;
  length = 0;

  constructor(capacity = 8192) {
    this.series = new Int32Array(capacity);
    this.t = new Float64Array(capacity);
    this.value = new Float64Array(capacity);
    this.quality = new Uint8Array(capacity);
  }

  push(series: number, t: number, value: number, quality: number): void {
    if (this.length === this.series.length) this.grow();
    const i = this.length++;
    this.series[i] = series;
    this.t[i] = t;
    this.value[i] = value;
    this.quality[i] = quality;
  }

  private grow(): void {
    const capacity = this.series.length * 2;
    const series = new Int32Array(capacity);
    series.set(this.series);
    const t = new Float64Array(capacity);
    t.set(this.t);
    const value = new Float64Array(capacity);
    value.set(this.value);
    const quality = new Uint8Array(capacity);
    quality.set(this.quality);
    this.series = series;
    this.t = t;
    this.value = value;
    this.quality = quality;
  }
}

/** One row of the series registry as stored. */
export interface SeriesRow {
  id: number;
  city: string;
  sensor: string;
  quantity: string;
  kind: string;
}

/** An aggregate table and its bucket width. */
export type AggregateTable = 'minute' | 'hour';
export const BUCKET_MS: Record<AggregateTable, number> = { minute: MINUTE_MS, hour: HOUR_MS };

/** Last rows as a backend returns them: parallel arrays. */
export interface LastRows {
  series: number[];
  t: number[];
  value: number[];
  quality: number[];
}

/** Bucketed or raw rows of some series as a backend returns them. */
export interface SeriesRows {
  series: number[];
  t: number[];
  mean: number[];
  min: number[];
  max: number[];
  count: number[];
}

/**
 * Contiguous runs of bucket starts, merged when fewer than `maxGap` buckets apart, as
 * `[start, end)` ranges: a late reading every few minutes recomputes one range, not hundreds.
 */
export function bucketRanges(starts: Iterable<number>, width: number, maxGap = 8): [number, number][] {
  const sorted = [...starts].sort((a, b) => a - b);
  const ranges: [number, number][] = [];
  for (const start of sorted) {
    const last = ranges[ranges.length - 1];
    if (last && start <= last[1] + maxGap * width) last[1] = Math.max(last[1], start + width);
    else ranges.push([start, start + width]);
  }
  return ranges;
}

/** Beyond this the state-at-T search reads the rest of the history at once. */
const MAX_LOOKBACK_MS = 30 * DAY_MS;

/** A bucket is finished once readings this much past its end have arrived. */
const CLOSE_GRACE_MS = 5_000;

/** The window the first state-at-T pass looks back: ten intervals (offline beyond), 10 s to 1 day. */
export function stateWindowMs(intervalMs: number): number {
  const wanted = Math.min(Math.max(10 * intervalMs, 10_000), DAY_MS);
  // Rounded up to a power of two seconds, so sensors of similar intervals share one query.
  return Math.min(2 ** Math.ceil(Math.log2(wanted / 1000)) * 1000, DAY_MS);
}

export interface SqlHistoryStoreOptions {
  readonly retention?: RetentionPolicy | undefined;
  /** The time retention and refusals are judged by. */
  readonly now: () => number;
}

/** Everything both backends share; they supply the SQL. */
export abstract class SqlHistoryStore implements HistoryStore {
  abstract readonly backend: 'duckdb' | 'postgres';
  readonly retention: RetentionPolicy;
  protected readonly now: () => number;
  /** `city \0 sensor \0 quantity` -> series id. */
  private readonly seriesIds = new Map<string, number>();
  private readonly seriesById = new Map<number, SeriesRow>();
  /** Per city and sensor: the series id of each of its quantities (the append path's one lookup). */
  private readonly sensorSeries = new Map<string, Map<string, Map<string, number>>>();
  /** Per city and sensor, what the append path needs, in the registry's order of quantities. */
  private readonly slots = new Map<string, Map<string, SensorSlot>>();
  private lastSlotCity: string | undefined;
  private lastSlots: Map<string, SensorSlot> | undefined;
  /** The oldest reading time known per series id; NaN for a series without readings. */
  private firstTimes = new Float64Array(1024).fill(Number.NaN);
  private buffer = new RowBuffer();
  private readonly dirty: Record<AggregateTable, Set<number>> = { minute: new Set(), hour: new Set() };
  private lastDirtyMinute = Number.NaN;
  private maxSeenMs = Number.NEGATIVE_INFINITY;
  private queue: Promise<unknown> = Promise.resolve();
  private written = 0;
  private closed = false;

  protected constructor(options: SqlHistoryStoreOptions) {
    this.retention = options.retention ?? DEFAULT_RETENTION;
    this.now = options.now;
    validateRetention(this.retention);
  }

  get appended(): number {
    return this.written;
  }

  // --- what a backend supplies ---------------------------------------------------------------
  /** Inserts the series not there yet (ignoring those that are), updates kinds, returns all rows. */
  protected abstract upsertSeries(rows: readonly Omit<SeriesRow, 'id'>[]): Promise<SeriesRow[]>;
  /** Every series' oldest raw reading. */
  protected abstract loadFirstTimes(): Promise<Map<number, number>>;
  /** Newest aggregate bucket and newest raw reading: what a crash may have left unaggregated. */
  protected abstract aggregateLag(): Promise<{ newestMinuteMs: number | null; newestRawMs: number | null }>;
  protected abstract writeRows(rows: RowBuffer): Promise<void>;
  /** Recomputes `table`'s buckets in `[fromMs, toMs)` from raw rows (minute) or minute rows (hour). */
  protected abstract recompute(table: AggregateTable, fromMs: number, toMs: number): Promise<void>;
  /** Per series in `ids` (all series when null), the newest raw row with `fromMs < t <= toMs`. */
  protected abstract lastRows(ids: readonly number[] | null, fromMs: number, toMs: number): Promise<LastRows>;
  /** Raw rows of `ids` in `[fromMs, toMs)`, bucketed by `stepMs` when it is not 0. */
  protected abstract rawRows(
    ids: readonly number[],
    fromMs: number,
    toMs: number,
    stepMs: number,
  ): Promise<SeriesRows>;
  /** Aggregate rows of `ids` in `[fromMs, toMs)` re-bucketed to `stepMs`. */
  protected abstract aggregateRows(
    table: AggregateTable,
    ids: readonly number[],
    fromMs: number,
    toMs: number,
    stepMs: number,
  ): Promise<SeriesRows>;
  protected abstract countRaw(ids: readonly number[], fromMs: number, toMs: number): Promise<number>;
  protected abstract rangeOf(
    ids: readonly number[],
  ): Promise<{ earliestMs: number | null; latestMs: number | null }>;
  /** Deletes rows of series of `kinds` (or of any kind not in `notKinds`) older than `beforeMs`. */
  protected abstract deleteOlder(
    table: 'raw' | AggregateTable,
    beforeMs: number,
    kinds: { only: readonly string[] } | { except: readonly string[] },
  ): Promise<number>;
  protected abstract countTables(): Promise<HistoryCounts>;
  protected abstract closeDatabase(): Promise<void>;

  // --- shared logic --------------------------------------------------------------------------
  /** Runs `operation` after every earlier one: one database conversation at a time. */
  protected exclusive<T>(operation: () => Promise<T>): Promise<T> {
    const run = this.queue.then(operation, operation);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Loads the registry and first times, and marks what a crash left unaggregated. */
  protected async loadState(): Promise<void> {
    for (const row of await this.upsertSeries([])) this.remember(row);
    this.setFirstTimes(await this.loadFirstTimes());
    const lag = await this.aggregateLag();
    if (lag.newestRawMs !== null) {
      const from = lag.newestMinuteMs ?? lag.newestRawMs - (lag.newestRawMs % MINUTE_MS);
      // Recompute from the newest minute aggregated to the newest raw reading (bounded to a day; a
      // longer gap than that is a store that never aggregated, recomputed on its first query).
      const start = Math.max(from, lag.newestRawMs - DAY_MS);
      for (let m = start - (start % MINUTE_MS); m <= lag.newestRawMs; m += MINUTE_MS) this.markDirty(m);
      this.maxSeenMs = lag.newestRawMs;
    }
  }

  private setFirstTimes(firsts: ReadonlyMap<number, number>): void {
    this.firstTimes.fill(Number.NaN);
    for (const [id, first] of firsts) this.noteFirst(id, first);
  }

  private firstOf(id: number): number | undefined {
    const first = this.firstTimes[id];
    return first === undefined || Number.isNaN(first) ? undefined : first;
  }

  private noteFirst(id: number, t: number): void {
    if (id >= this.firstTimes.length) {
      const grown = new Float64Array(Math.max(id + 1, this.firstTimes.length * 2)).fill(Number.NaN);
      grown.set(this.firstTimes);
      this.firstTimes = grown;
    }
    const first = this.firstTimes[id] as number;
    if (!(first <= t)) this.firstTimes[id] = t;
  }

  private remember(row: SeriesRow): void {
    let citySlots = this.slots.get(row.city);
    if (!citySlots) this.slots.set(row.city, (citySlots = new Map()));
    let slot = citySlots.get(row.sensor);
    if (!slot) citySlots.set(row.sensor, (slot = { quantities: [], ids: [], rawMs: 0 }));
    const at = slot.quantities.indexOf(row.quantity);
    if (at >= 0) slot.ids[at] = row.id;
    else {
      slot.quantities.push(row.quantity);
      slot.ids.push(row.id);
    }
    slot.rawMs = retentionOf(this.retention, row.kind).rawMs;
    if (row.id >= this.firstTimes.length) this.noteFirst(row.id, Number.NaN);
    this.seriesIds.set(`${row.city}\u0000${row.sensor}\u0000${row.quantity}`, row.id);
    this.seriesById.set(row.id, row);
    let sensors = this.sensorSeries.get(row.city);
    if (!sensors) this.sensorSeries.set(row.city, (sensors = new Map()));
    let quantities = sensors.get(row.sensor);
    if (!quantities) sensors.set(row.sensor, (quantities = new Map()));
    quantities.set(row.quantity, row.id);
  }

  async registerCity(cityId: string, sensors: readonly HistorySensor[]): Promise<void> {
    const rows = sensors.flatMap((sensor) =>
      sensor.quantities.map((quantity) => ({ city: cityId, sensor: sensor.id, quantity, kind: sensor.kind })),
    );
    const stored = await this.exclusive(() => this.upsertSeries(rows));
    for (const row of stored) this.remember(row);
  }

  append(cityId: string, sensor: HistorySensor, observation: Observation): boolean {
    if (this.closed) return false;
    // The hot path: one lookup for the city (the same one as last time, mostly), one for the sensor.
    let citySlots = this.lastSlots;
    if (cityId !== this.lastSlotCity) {
      citySlots = this.slots.get(cityId);
      this.lastSlotCity = cityId;
      this.lastSlots = citySlots;
    }
    const slot = citySlots?.get(sensor.id);
    if (!slot) return false;
    const t = observation.observedAt;
    if (t < this.now() - slot.rawMs) return false;
    const quality = QUALITY_CODE[observation.quality];
    const values = observation.values;
    const { quantities, ids } = slot;
    let kept = 0;
    for (let i = 0; i < quantities.length; i += 1) {
      const value = values[quantities[i] as string];
      if (value === undefined) continue;
      const id = ids[i] as number;
      this.buffer.push(id, t, value, quality);
      if (!(this.firstTimes[id]! <= t)) this.firstTimes[id] = t;
      kept += 1;
    }
    if (kept === 0) return false;
    const minute = t - (t % MINUTE_MS);
    if (minute !== this.lastDirtyMinute) this.markDirty(minute);
    if (t > this.maxSeenMs) this.maxSeenMs = t;
    this.written += 1;
    return true;
  }

  private markDirty(minute: number): void {
    this.lastDirtyMinute = minute;
    this.dirty.minute.add(minute);
    this.dirty.hour.add(minute - (minute % HOUR_MS));
  }

  flush(): Promise<void> {
    return this.exclusive(() => this.flushNow(false));
  }

  /** Writes the buffer, then aggregates finished buckets (or every dirty one when `all`). */
  private async flushNow(all: boolean): Promise<void> {
    if (this.buffer.length > 0) {
      const rows = this.buffer;
      this.buffer = new RowBuffer(Math.max(8192, rows.length));
      this.lastDirtyMinute = Number.NaN;
      await this.writeRows(rows);
    }
    const closedBefore = all ? Number.POSITIVE_INFINITY : this.maxSeenMs - CLOSE_GRACE_MS;
    for (const table of ['minute', 'hour'] as const) {
      const width = BUCKET_MS[table];
      const due = [...this.dirty[table]].filter((start) => start + width <= closedBefore);
      if (due.length === 0) continue;
      for (const start of due) this.dirty[table].delete(start);
      for (const [from, to] of bucketRanges(due, width)) await this.recompute(table, from, to);
    }
  }

  async series(cityId: string, sensor: HistorySensor, query: SeriesQuery): Promise<Series> {
    const quantities = query.quantities ?? sensor.quantities;
    const unknown = quantities.filter((q) => !sensor.quantities.includes(q));
    if (unknown.length > 0)
      throw new HistoryQueryError(
        `sensor "${sensor.id}" has no quantit${unknown.length === 1 ? 'y' : 'ies'} of ${unknown.length === 1 ? 'that name' : 'those names'} (known: ${sensor.quantities.join(', ')})`,
      );
    const { toMs, stepMs } = query;
    // Buckets start on multiples of the step: the first is the one `fromMs` falls in.
    const fromMs = stepMs > 0 ? query.fromMs - (query.fromMs % stepMs) : query.fromMs;
    if (!(fromMs < toMs)) throw new HistoryQueryError('the range is empty: from must be before to');
    if (stepMs !== 0 && (stepMs < 1000 || stepMs % 1000 !== 0))
      throw new HistoryQueryError('step must be 0 (raw readings) or whole seconds');
    if (stepMs > 0 && (toMs - fromMs) / stepMs > MAX_SERIES_BUCKETS)
      throw new HistoryQueryError(
        `${Math.ceil((toMs - fromMs) / stepMs)} buckets asked for; at most ${MAX_SERIES_BUCKETS} per answer: choose a larger step or a shorter range`,
      );
    const idOf = new Map<number, string>();
    const seriesOf = this.sensorSeries.get(cityId)?.get(sensor.id);
    for (const quantity of quantities) {
      const id = seriesOf?.get(quantity);
      if (id !== undefined) idOf.set(id, quantity);
    }
    const source: SeriesSource =
      stepMs > 0 && stepMs % HOUR_MS === 0
        ? 'hour'
        : stepMs > 0 && stepMs % MINUTE_MS === 0
          ? 'minute'
          : 'raw';
    const ids = [...idOf.keys()];
    const rows = await this.exclusive(async () => {
      if (ids.length === 0) return emptyRows();
      if (source === 'raw') {
        if (stepMs === 0) {
          const count = await this.countRaw(ids, fromMs, toMs);
          if (count > MAX_RAW_READINGS)
            throw new HistoryQueryError(
              `${count} raw readings in the range; at most ${MAX_RAW_READINGS} per answer: ask with a step (e.g. 60000 for minutes)`,
            );
        }
        await this.writeBuffered();
        return this.rawRows(ids, fromMs, toMs, stepMs);
      }
      await this.flushNow(true);
      return this.aggregateRows(source, ids, fromMs, toMs, stepMs);
    });
    const columns: Record<string, SeriesColumns> = {};
    for (const quantity of quantities) columns[quantity] = { t: [], mean: [], min: [], max: [], count: [] };
    for (let i = 0; i < rows.series.length; i += 1) {
      const quantity = idOf.get(rows.series[i] as number);
      const target = quantity === undefined ? undefined : columns[quantity];
      if (!target) continue;
      target.t.push(rows.t[i] as number);
      target.mean.push(rows.mean[i] as number);
      target.min.push(rows.min[i] as number);
      target.max.push(rows.max[i] as number);
      target.count.push(rows.count[i] as number);
    }
    return { sensorId: sensor.id, fromMs, toMs, stepMs, source, quantities: columns };
  }

  /** Writes the buffer only (raw queries need no aggregates). */
  private async writeBuffered(): Promise<void> {
    if (this.buffer.length === 0) return;
    const rows = this.buffer;
    this.buffer = new RowBuffer(Math.max(8192, rows.length));
    this.lastDirtyMinute = Number.NaN;
    await this.writeRows(rows);
  }

  async stateAt(
    cityId: string,
    sensors: readonly HistorySensor[],
    atMs: number,
  ): Promise<Map<string, ReadingAt>> {
    const citySeries = this.sensorSeries.get(cityId);
    // Series grouped by the window their sensor's interval asks for.
    const byWindow = new Map<number, number[]>();
    const wanted = new Set<number>();
    for (const sensor of sensors) {
      const quantities = citySeries?.get(sensor.id);
      if (!quantities) continue;
      const window = stateWindowMs(sensor.intervalMs);
      let ids = byWindow.get(window);
      if (!ids) byWindow.set(window, (ids = []));
      for (const id of quantities.values()) {
        const first = this.firstOf(id);
        // A series that has no reading at or before `atMs` needs no query.
        if (first === undefined || first > atMs) continue;
        ids.push(id);
        wanted.add(id);
      }
    }
    const found = new Map<number, { t: number; value: number; quality: number }>();
    const take = (rows: LastRows) => {
      for (let i = 0; i < rows.series.length; i += 1) {
        const id = rows.series[i] as number;
        if (!wanted.has(id)) continue;
        const t = rows.t[i] as number;
        const held = found.get(id);
        if (!held || t > held.t)
          found.set(id, { t, value: rows.value[i] as number, quality: rows.quality[i] as number });
      }
    };
    await this.exclusive(async () => {
      await this.writeBuffered();
      for (const [window, ids] of byWindow) {
        if (ids.length === 0) continue;
        // A small group is named; a large one reads the whole window (cheaper than a long list).
        take(await this.lastRows(ids.length <= 512 ? ids : null, atMs - window, atMs));
        // What the window missed (silent for longer): further back, only for those, in windows
        // sixteen times wider each, so a sensor silent for an hour does not read a month.
        let missing = ids.filter((id) => !found.has(id));
        let reached = atMs - window;
        for (let wider = window * 16; missing.length > 0; wider *= 16) {
          const from = wider >= MAX_LOOKBACK_MS ? -1 : atMs - wider;
          take(await this.lastRows(missing, from, reached));
          if (from === -1) break;
          reached = from;
          missing = missing.filter((id) => !found.has(id) && (this.firstOf(id) ?? Infinity) <= reached);
        }
      }
    });
    const result = new Map<string, ReadingAt>();
    for (const [id, row] of found) {
      const series = this.seriesById.get(id);
      if (!series) continue;
      const held = result.get(series.sensor);
      if (!held) {
        result.set(series.sensor, {
          observedAt: row.t,
          values: { [series.quantity]: row.value },
          times: { [series.quantity]: row.t },
          quality: QUALITY_CODES[row.quality] ?? 'good',
        });
        continue;
      }
      held.values[series.quantity] = row.value;
      held.times[series.quantity] = row.t;
      if (row.t > held.observedAt)
        result.set(series.sensor, {
          observedAt: row.t,
          values: held.values,
          times: held.times,
          quality: QUALITY_CODES[row.quality] ?? 'good',
        });
    }
    return result;
  }

  async range(cityId: string): Promise<{ earliestMs: number | null; latestMs: number | null }> {
    const ids: number[] = [];
    for (const quantities of this.sensorSeries.get(cityId)?.values() ?? []) ids.push(...quantities.values());
    if (ids.length === 0) return { earliestMs: null, latestMs: null };
    return this.exclusive(async () => {
      await this.writeBuffered();
      return this.rangeOf(ids);
    });
  }

  async enforceRetention(nowMs: number): Promise<RetentionReport> {
    return this.exclusive(async () => {
      await this.flushNow(true);
      const report: RetentionReport = { raw: 0, minute: 0, hour: 0 };
      const kinds = Object.keys(this.retention.byKind ?? {});
      const spans: [{ only: readonly string[] } | { except: readonly string[] }, RetentionSpan][] = [
        ...kinds.map((kind): [{ only: readonly string[] }, RetentionSpan] => [
          { only: [kind] },
          retentionOf(this.retention, kind),
        ]),
        [{ except: kinds }, this.retention.default],
      ];
      for (const [selection, span] of spans) {
        report.raw += await this.deleteOlder('raw', nowMs - span.rawMs, selection);
        report.minute += await this.deleteOlder('minute', nowMs - span.minuteMs, selection);
        report.hour += await this.deleteOlder('hour', nowMs - span.hourMs, selection);
      }
      if (report.raw > 0) {
        this.setFirstTimes(await this.loadFirstTimes());
      }
      return report;
    });
  }

  counts(): Promise<HistoryCounts> {
    return this.exclusive(async () => {
      await this.flushNow(true);
      return this.countTables();
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.exclusive(() => this.flushNow(true));
    this.closed = true;
    await this.exclusive(() => this.closeDatabase());
  }
}

function emptyRows(): SeriesRows {
  return { series: [], t: [], mean: [], min: [], max: [], count: [] };
}

/** Minutes must outlive raw readings and hours minutes: each is recomputed from the finer one. */
export function validateRetention(policy: RetentionPolicy): void {
  const spans: [string, RetentionSpan][] = [
    ['default', policy.default],
    ...Object.entries(policy.byKind ?? {}).filter((e): e is [string, RetentionSpan] => e[1] !== undefined),
  ];
  for (const [name, span] of spans) {
    if (!(span.rawMs > 0 && span.minuteMs >= span.rawMs && span.hourMs >= span.minuteMs))
      throw new RangeError(
        `history retention ${name}: raw > 0, minutes at least as long as raw and hours at least as long as minutes`,
      );
  }
}
