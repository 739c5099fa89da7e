/**
 * The embedded history store: one DuckDB file (under `var/` by default) that survives restarts and
 * needs no server. Raw rows go in through DuckDB's appender a vector (2,048 rows) at a time, written
 * straight into the vectors' typed arrays: no SQL text and no per-value call on the hot path.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DuckDBAppender, DuckDBConnection, DuckDBResultReader } from '@duckdb/node-api';
import { BIGINT, DOUBLE, DuckDBDataChunk, DuckDBInstance, INTEGER, UTINYINT } from '@duckdb/node-api';
import type {
  AggregateTable,
  HistoryCounts,
  LastRows,
  RowBuffer,
  SeriesRow,
  SeriesRows,
  SqlHistoryStoreOptions,
} from './historyStore.ts';
import { BUCKET_MS, SqlHistoryStore } from './historyStore.ts';

export interface DuckDbHistoryStoreOptions extends SqlHistoryStoreOptions {
  /** The database file; `:memory:` for a store that lives only as long as the process. */
  readonly file: string;
  /** Threads DuckDB may use for queries; its default (the machine's cores) when left out. */
  readonly threads?: number | undefined;
}

/** Rows per appended chunk: DuckDB's vector size. */
const CHUNK_ROWS = 2048;
/** Chunks appended between two turns of the event loop (about 5 ms of work). */
const YIELD_EVERY_CHUNKS = 8;

/** The typed array behind one column of a data chunk (DuckDB's vectors expose theirs). */
interface TypedVector<A> {
  readonly items: A;
  flush(): void;
}

/** Ids for SQL text: our own integers, checked, never caller input. */
function idList(ids: readonly number[]): string {
  for (const id of ids)
    if (!Number.isInteger(id)) throw new TypeError(`series id ${String(id)} is not an integer`);
  return ids.join(',');
}

function ms(value: number): string {
  if (!Number.isFinite(value)) throw new TypeError(`time ${String(value)} is not finite`);
  return String(Math.trunc(value));
}

function numberColumns(reader: DuckDBResultReader): number[][] {
  return reader.getColumns().map((column) => column.map((v) => (v === null ? Number.NaN : Number(v))));
}

function seriesRowsOf(reader: DuckDBResultReader): SeriesRows {
  const [series = [], t = [], mean = [], min = [], max = [], count = []] = numberColumns(reader);
  return { series, t, mean, min, max, count };
}

function kindFilter(kinds: { only: readonly string[] } | { except: readonly string[] }): string {
  const quote = (k: string) => `'${k.replaceAll("'", "''")}'`;
  if ('only' in kinds) return `kind IN (${kinds.only.map(quote).join(',') || 'NULL'})`;
  return kinds.except.length === 0 ? 'TRUE' : `kind NOT IN (${kinds.except.map(quote).join(',')})`;
}

export class DuckDbHistoryStore extends SqlHistoryStore {
  readonly backend = 'duckdb' as const;
  private readonly instance: DuckDBInstance;
  private readonly connection: DuckDBConnection;
  private readonly appender: DuckDBAppender;
  private readonly chunk = DuckDBDataChunk.create([INTEGER, BIGINT, DOUBLE, UTINYINT]);

  private constructor(
    options: DuckDbHistoryStoreOptions,
    instance: DuckDBInstance,
    connection: DuckDBConnection,
    appender: DuckDBAppender,
  ) {
    super(options);
    this.instance = instance;
    this.connection = connection;
    this.appender = appender;
  }

  /** Opens (creating if needed) the store in `options.file`. */
  static async open(options: DuckDbHistoryStoreOptions): Promise<DuckDbHistoryStore> {
    if (options.file !== ':memory:') mkdirSync(dirname(options.file), { recursive: true });
    const config: Record<string, string> = {};
    if (options.threads !== undefined) config.threads = String(options.threads);
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(options.file, config);
    } catch (error) {
      const message = (error as Error).message;
      const hint = /lock/i.test(message) ? '; is another citytwin server using it?' : '';
      throw new Error(`the history database ${options.file} cannot be opened (${message})${hint}`, {
        cause: error,
      });
    }
    try {
      return await DuckDbHistoryStore.prepare(options, instance);
    } catch (error) {
      // A file that opened but fails on reading (a damaged block) is let go, so it can be moved aside.
      instance.closeSync();
      throw error;
    }
  }

  private static async prepare(
    options: DuckDbHistoryStoreOptions,
    instance: DuckDBInstance,
  ): Promise<DuckDbHistoryStore> {
    const connection = await instance.connect();
    await connection.run(`
      CREATE SEQUENCE IF NOT EXISTS series_id START 1;
      CREATE TABLE IF NOT EXISTS series (
        id INTEGER PRIMARY KEY DEFAULT nextval('series_id'),
        city VARCHAR NOT NULL, sensor VARCHAR NOT NULL, quantity VARCHAR NOT NULL, kind VARCHAR NOT NULL,
        UNIQUE (city, sensor, quantity));
      CREATE TABLE IF NOT EXISTS raw (series INTEGER NOT NULL, t BIGINT NOT NULL, value DOUBLE NOT NULL, quality UTINYINT NOT NULL);
      CREATE TABLE IF NOT EXISTS minute (series INTEGER NOT NULL, bucket BIGINT NOT NULL, min DOUBLE NOT NULL, max DOUBLE NOT NULL, sum DOUBLE NOT NULL, count BIGINT NOT NULL);
      CREATE TABLE IF NOT EXISTS hour (series INTEGER NOT NULL, bucket BIGINT NOT NULL, min DOUBLE NOT NULL, max DOUBLE NOT NULL, sum DOUBLE NOT NULL, count BIGINT NOT NULL);
    `);
    const appender = await connection.createAppender('raw');
    const store = new DuckDbHistoryStore(options, instance, connection, appender);
    await store.exclusive(() => store.loadState());
    return store;
  }

  protected async upsertSeries(rows: readonly Omit<SeriesRow, 'id'>[]): Promise<SeriesRow[]> {
    for (let start = 0; start < rows.length; start += 500) {
      const batch = rows.slice(start, start + 500);
      const values: string[] = [];
      const params: string[] = [];
      for (const row of batch) {
        values.push(`(?, ?, ?, ?)`);
        params.push(row.city, row.sensor, row.quantity, row.kind);
      }
      await this.connection.run(
        `INSERT INTO series (city, sensor, quantity, kind) VALUES ${values.join(',')}
         ON CONFLICT (city, sensor, quantity) DO UPDATE SET kind = excluded.kind`,
        params,
      );
    }
    const reader = await this.connection.runAndReadAll('SELECT id, city, sensor, quantity, kind FROM series');
    return reader.getRowObjectsJS().map((row) => ({
      id: Number(row.id),
      city: String(row.city),
      sensor: String(row.sensor),
      quantity: String(row.quantity),
      kind: String(row.kind),
    }));
  }

  protected async loadFirstTimes(): Promise<Map<number, number>> {
    const reader = await this.connection.runAndReadAll(
      'SELECT series, CAST(min(t) AS DOUBLE) FROM raw GROUP BY series',
    );
    const [ids = [], firsts = []] = numberColumns(reader);
    return new Map(ids.map((id, i) => [id, firsts[i] as number]));
  }

  protected async aggregateLag(): Promise<{ newestMinuteMs: number | null; newestRawMs: number | null }> {
    const reader = await this.connection.runAndReadAll(
      'SELECT (SELECT CAST(max(bucket) AS DOUBLE) FROM minute), (SELECT CAST(max(t) AS DOUBLE) FROM raw)',
    );
    const [row] = reader.getRows();
    const minute = row?.[0];
    const raw = row?.[1];
    return {
      newestMinuteMs: minute === null || minute === undefined ? null : Number(minute),
      newestRawMs: raw === null || raw === undefined ? null : Number(raw),
    };
  }

  protected async writeRows(rows: RowBuffer): Promise<void> {
    const chunk = this.chunk;
    for (let start = 0; start < rows.length; start += CHUNK_ROWS) {
      const count = Math.min(CHUNK_ROWS, rows.length - start);
      chunk.rowCount = count;
      const series = chunk.getColumnVector(0) as unknown as TypedVector<Int32Array>;
      series.items.set(rows.series.subarray(start, start + count));
      series.flush();
      const t = chunk.getColumnVector(1) as unknown as TypedVector<BigInt64Array>;
      // Times are whole, non-negative ms below 2^53: written as two 32-bit words (little-endian),
      // without making a BigInt per row.
      const words = new Uint32Array(t.items.buffer, t.items.byteOffset, count * 2);
      const source = rows.t;
      for (let i = 0; i < count; i += 1) {
        const ms = source[start + i] as number;
        const low = ms % 4294967296;
        words[2 * i] = low;
        words[2 * i + 1] = (ms - low) / 4294967296;
      }
      t.flush();
      const value = chunk.getColumnVector(2) as unknown as TypedVector<Float64Array>;
      value.items.set(rows.value.subarray(start, start + count));
      value.flush();
      const quality = chunk.getColumnVector(3) as unknown as TypedVector<Uint8Array>;
      quality.items.set(rows.quality.subarray(start, start + count));
      quality.flush();
      this.appender.appendDataChunk(chunk);
      // Appending runs on the event loop: a large batch lets sockets and timers in between.
      if ((start / CHUNK_ROWS) % YIELD_EVERY_CHUNKS === YIELD_EVERY_CHUNKS - 1)
        await new Promise((resolve) => setImmediate(resolve));
    }
    this.appender.flushSync();
  }

  protected async recompute(table: AggregateTable, fromMs: number, toMs: number): Promise<void> {
    const width = BUCKET_MS[table];
    const select =
      table === 'minute'
        ? `SELECT series, t - t % ${width}, min(value), max(value), sum(value), count(*)
           FROM raw WHERE t >= ${ms(fromMs)} AND t < ${ms(toMs)} GROUP BY ALL`
        : `SELECT series, bucket - bucket % ${width}, min(min), max(max), sum(sum), sum(count)
           FROM minute WHERE bucket >= ${ms(fromMs)} AND bucket < ${ms(toMs)} GROUP BY ALL`;
    await this.connection.run(`BEGIN TRANSACTION;
      DELETE FROM ${table} WHERE bucket >= ${ms(fromMs)} AND bucket < ${ms(toMs)};
      INSERT INTO ${table} ${select};
      COMMIT;`);
  }

  protected async lastRows(ids: readonly number[] | null, fromMs: number, toMs: number): Promise<LastRows> {
    const reader = await this.connection.runAndReadAll(
      `SELECT series, CAST(max(t) AS DOUBLE), arg_max(value, t), CAST(arg_max(quality, t) AS DOUBLE)
       FROM raw WHERE t > ${ms(fromMs)} AND t <= ${ms(toMs)}
       ${ids === null ? '' : `AND series IN (${idList(ids)})`} GROUP BY series`,
    );
    const [series = [], t = [], value = [], quality = []] = numberColumns(reader);
    return { series, t, value, quality };
  }

  protected async rawRows(
    ids: readonly number[],
    fromMs: number,
    toMs: number,
    stepMs: number,
  ): Promise<SeriesRows> {
    const where = `series IN (${idList(ids)}) AND t >= ${ms(fromMs)} AND t < ${ms(toMs)}`;
    const sql =
      stepMs === 0
        ? `SELECT series, CAST(t AS DOUBLE), value, value, value, 1.0 FROM raw WHERE ${where} ORDER BY series, t`
        : `SELECT series, CAST(t - t % ${stepMs} AS DOUBLE) AS b, avg(value), min(value), max(value), CAST(count(*) AS DOUBLE)
           FROM raw WHERE ${where} GROUP BY series, b ORDER BY series, b`;
    return seriesRowsOf(await this.connection.runAndReadAll(sql));
  }

  protected async aggregateRows(
    table: AggregateTable,
    ids: readonly number[],
    fromMs: number,
    toMs: number,
    stepMs: number,
  ): Promise<SeriesRows> {
    return seriesRowsOf(
      await this.connection.runAndReadAll(
        `SELECT series, CAST(bucket - bucket % ${stepMs} AS DOUBLE) AS b, sum(sum) / sum(count), min(min), max(max), CAST(sum(count) AS DOUBLE)
         FROM ${table} WHERE series IN (${idList(ids)}) AND bucket >= ${ms(fromMs)} AND bucket < ${ms(toMs)}
         GROUP BY series, b ORDER BY series, b`,
      ),
    );
  }

  protected async countRaw(ids: readonly number[], fromMs: number, toMs: number): Promise<number> {
    const reader = await this.connection.runAndReadAll(
      `SELECT CAST(count(*) AS DOUBLE) FROM raw WHERE series IN (${idList(ids)}) AND t >= ${ms(fromMs)} AND t < ${ms(toMs)}`,
    );
    return Number(reader.getRows()[0]?.[0] ?? 0);
  }

  protected async rangeOf(
    ids: readonly number[],
  ): Promise<{ earliestMs: number | null; latestMs: number | null }> {
    const reader = await this.connection.runAndReadAll(
      `SELECT CAST(min(t) AS DOUBLE), CAST(max(t) AS DOUBLE) FROM raw WHERE series IN (${idList(ids)})`,
    );
    const [earliest, latest] = reader.getRows()[0] ?? [];
    return {
      earliestMs: earliest === null || earliest === undefined ? null : Number(earliest),
      latestMs: latest === null || latest === undefined ? null : Number(latest),
    };
  }

  protected async deleteOlder(
    table: 'raw' | AggregateTable,
    beforeMs: number,
    kinds: { only: readonly string[] } | { except: readonly string[] },
  ): Promise<number> {
    const column = table === 'raw' ? 't' : 'bucket';
    const reader = await this.connection.runAndReadAll(
      `DELETE FROM ${table} WHERE ${column} < ${ms(beforeMs)}
       AND series IN (SELECT id FROM series WHERE ${kindFilter(kinds)})`,
    );
    return reader.rowsChanged;
  }

  protected async countTables(): Promise<HistoryCounts> {
    const reader = await this.connection.runAndReadAll(
      `SELECT (SELECT CAST(count(*) AS DOUBLE) FROM raw), (SELECT CAST(count(*) AS DOUBLE) FROM minute), (SELECT CAST(count(*) AS DOUBLE) FROM hour)`,
    );
    const [raw, minute, hour] = (reader.getRows()[0] ?? []).map(Number);
    return { raw: raw ?? 0, minute: minute ?? 0, hour: hour ?? 0 };
  }

  /** Writes everything to the file and folds the write-ahead log in (for size measurements). */
  async checkpoint(): Promise<void> {
    await this.flush();
    await this.exclusive(() => this.connection.run('CHECKPOINT'));
  }

  protected async closeDatabase(): Promise<void> {
    this.appender.closeSync();
    await this.connection.run('CHECKPOINT');
    this.connection.closeSync();
    this.instance.closeSync();
  }
}
