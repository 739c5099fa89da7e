/**
 * The history store for more than one machine: PostgreSQL. The same tables as the DuckDB store in a
 * schema of their own (`citytwin` by default); raw rows go in as arrays through `unnest`, one
 * statement per few thousand rows. Series ids come from the database, so several servers can write
 * to one store.
 */
import pg from 'pg';
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

export interface PostgresHistoryStoreOptions extends SqlHistoryStoreOptions {
  /** `postgres://user@host:port/database`; libpq's PG* environment variables fill in what is left out. */
  readonly connectionString?: string | undefined;
  /** The schema the tables live in; created if missing. */
  readonly schema?: string | undefined;
}

/** Rows per insert statement. */
const INSERT_ROWS = 20_000;

function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name))
    throw new RangeError(`history schema "${name}": use lower-case letters, digits and _`);
  return `"${name}"`;
}

function num(value: unknown): number {
  return value === null || value === undefined ? Number.NaN : Number(value);
}

export class PostgresHistoryStore extends SqlHistoryStore {
  readonly backend = 'postgres' as const;
  private readonly pool: pg.Pool;
  private readonly s: string;

  private constructor(options: PostgresHistoryStoreOptions, pool: pg.Pool, schema: string) {
    super(options);
    this.pool = pool;
    this.s = schema;
  }

  static async open(options: PostgresHistoryStoreOptions): Promise<PostgresHistoryStore> {
    const schema = quoteIdent(options.schema ?? 'citytwin');
    const pool = new pg.Pool({
      ...(options.connectionString ? { connectionString: options.connectionString } : {}),
      max: 2,
    });
    // An idle client that loses its server must not take the process down; the next query reports it.
    pool.on('error', () => undefined);
    try {
      await pool.query(`
        CREATE SCHEMA IF NOT EXISTS ${schema};
        CREATE TABLE IF NOT EXISTS ${schema}.series (
          id serial PRIMARY KEY, city text NOT NULL, sensor text NOT NULL, quantity text NOT NULL, kind text NOT NULL,
          UNIQUE (city, sensor, quantity));
        CREATE TABLE IF NOT EXISTS ${schema}.raw (series integer NOT NULL, t bigint NOT NULL, value double precision NOT NULL, quality smallint NOT NULL);
        CREATE INDEX IF NOT EXISTS raw_series_t ON ${schema}.raw (series, t);
        CREATE INDEX IF NOT EXISTS raw_t ON ${schema}.raw USING brin (t);
        CREATE TABLE IF NOT EXISTS ${schema}.minute (series integer NOT NULL, bucket bigint NOT NULL, min double precision NOT NULL, max double precision NOT NULL, sum double precision NOT NULL, count bigint NOT NULL, PRIMARY KEY (series, bucket));
        CREATE TABLE IF NOT EXISTS ${schema}.hour (series integer NOT NULL, bucket bigint NOT NULL, min double precision NOT NULL, max double precision NOT NULL, sum double precision NOT NULL, count bigint NOT NULL, PRIMARY KEY (series, bucket));
      `);
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw new Error(`the PostgreSQL history store cannot be opened: ${(error as Error).message}`, {
        cause: error,
      });
    }
    const store = new PostgresHistoryStore(options, pool, schema);
    await store.exclusive(() => store.loadState());
    return store;
  }

  protected async upsertSeries(rows: readonly Omit<SeriesRow, 'id'>[]): Promise<SeriesRow[]> {
    for (let start = 0; start < rows.length; start += 5000) {
      const batch = rows.slice(start, start + 5000);
      await this.pool.query(
        `INSERT INTO ${this.s}.series (city, sensor, quantity, kind)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
         ON CONFLICT (city, sensor, quantity) DO UPDATE SET kind = excluded.kind
         WHERE ${this.s}.series.kind IS DISTINCT FROM excluded.kind`,
        [
          batch.map((r) => r.city),
          batch.map((r) => r.sensor),
          batch.map((r) => r.quantity),
          batch.map((r) => r.kind),
        ],
      );
    }
    const result = await this.pool.query<SeriesRow>(
      `SELECT id, city, sensor, quantity, kind FROM ${this.s}.series`,
    );
    return result.rows.map((row) => ({ ...row, id: Number(row.id) }));
  }

  protected async loadFirstTimes(): Promise<Map<number, number>> {
    // One index probe per series rather than a scan of every raw row.
    const result = await this.pool.query<{ id: number; first: string | null }>(
      `SELECT id, (SELECT min(t) FROM ${this.s}.raw WHERE series = s.id) AS first FROM ${this.s}.series s`,
    );
    const firsts = new Map<number, number>();
    for (const row of result.rows) if (row.first !== null) firsts.set(Number(row.id), Number(row.first));
    return firsts;
  }

  protected async aggregateLag(): Promise<{ newestMinuteMs: number | null; newestRawMs: number | null }> {
    const result = await this.pool.query<{ minute: string | null; raw: string | null }>(
      `SELECT (SELECT max(bucket) FROM ${this.s}.minute) AS minute, (SELECT max(t) FROM ${this.s}.raw) AS raw`,
    );
    const row = result.rows[0];
    return {
      newestMinuteMs: row?.minute == null ? null : Number(row.minute),
      newestRawMs: row?.raw == null ? null : Number(row.raw),
    };
  }

  protected async writeRows(rows: RowBuffer): Promise<void> {
    for (let start = 0; start < rows.length; start += INSERT_ROWS) {
      const end = Math.min(rows.length, start + INSERT_ROWS);
      await this.pool.query(
        `INSERT INTO ${this.s}.raw (series, t, value, quality)
         SELECT * FROM unnest($1::integer[], $2::bigint[], $3::double precision[], $4::smallint[])`,
        [
          Array.from(rows.series.subarray(start, end)),
          Array.from(rows.t.subarray(start, end)),
          Array.from(rows.value.subarray(start, end)),
          Array.from(rows.quality.subarray(start, end)),
        ],
      );
    }
  }

  protected async recompute(table: AggregateTable, fromMs: number, toMs: number): Promise<void> {
    const width = BUCKET_MS[table];
    const select =
      table === 'minute'
        ? `SELECT series, t - t % ${width}, min(value), max(value), sum(value), count(*)
           FROM ${this.s}.raw WHERE t >= $1 AND t < $2 GROUP BY 1, 2`
        : `SELECT series, bucket - bucket % ${width}, min(min), max(max), sum(sum), sum(count)
           FROM ${this.s}.minute WHERE bucket >= $1 AND bucket < $2 GROUP BY 1, 2`;
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`DELETE FROM ${this.s}.${table} WHERE bucket >= $1 AND bucket < $2`, [fromMs, toMs]);
      await client.query(`INSERT INTO ${this.s}.${table} ${select}`, [fromMs, toMs]);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  protected async lastRows(ids: readonly number[] | null, fromMs: number, toMs: number): Promise<LastRows> {
    const result = await this.pool.query<{ series: number; t: string; value: number; quality: number }>(
      ids === null
        ? `SELECT DISTINCT ON (series) series, t, value, quality FROM ${this.s}.raw
           WHERE t > $1 AND t <= $2 ORDER BY series, t DESC`
        : // Per series, the index finds its newest row at or before `toMs` directly.
          `SELECT r.series, r.t, r.value, r.quality FROM unnest($3::integer[]) AS s(id)
           CROSS JOIN LATERAL (SELECT series, t, value, quality FROM ${this.s}.raw
             WHERE series = s.id AND t > $1 AND t <= $2 ORDER BY t DESC LIMIT 1) r`,
      ids === null ? [fromMs, toMs] : [fromMs, toMs, ids],
    );
    const rows: LastRows = { series: [], t: [], value: [], quality: [] };
    for (const row of result.rows) {
      rows.series.push(Number(row.series));
      rows.t.push(Number(row.t));
      rows.value.push(Number(row.value));
      rows.quality.push(Number(row.quality));
    }
    return rows;
  }

  private async seriesRows(sql: string, params: unknown[]): Promise<SeriesRows> {
    const result = await this.pool.query({ text: sql, values: params, rowMode: 'array' });
    const rows: SeriesRows = { series: [], t: [], mean: [], min: [], max: [], count: [] };
    for (const row of result.rows as unknown[][]) {
      rows.series.push(num(row[0]));
      rows.t.push(num(row[1]));
      rows.mean.push(num(row[2]));
      rows.min.push(num(row[3]));
      rows.max.push(num(row[4]));
      rows.count.push(num(row[5]));
    }
    return rows;
  }

  protected rawRows(
    ids: readonly number[],
    fromMs: number,
    toMs: number,
    stepMs: number,
  ): Promise<SeriesRows> {
    const where = `series = ANY($1::integer[]) AND t >= $2 AND t < $3`;
    return this.seriesRows(
      stepMs === 0
        ? `SELECT series, t, value, value, value, 1 FROM ${this.s}.raw WHERE ${where} ORDER BY series, t`
        : `SELECT series, t - t % ${stepMs} AS b, avg(value), min(value), max(value), count(*)
           FROM ${this.s}.raw WHERE ${where} GROUP BY series, b ORDER BY series, b`,
      [ids, fromMs, toMs],
    );
  }

  protected aggregateRows(
    table: AggregateTable,
    ids: readonly number[],
    fromMs: number,
    toMs: number,
    stepMs: number,
  ): Promise<SeriesRows> {
    return this.seriesRows(
      `SELECT series, bucket - bucket % ${stepMs} AS b, sum(sum) / sum(count), min(min), max(max), sum(count)
       FROM ${this.s}.${table} WHERE series = ANY($1::integer[]) AND bucket >= $2 AND bucket < $3
       GROUP BY series, b ORDER BY series, b`,
      [ids, fromMs, toMs],
    );
  }

  protected async countRaw(ids: readonly number[], fromMs: number, toMs: number): Promise<number> {
    const result = await this.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM ${this.s}.raw WHERE series = ANY($1::integer[]) AND t >= $2 AND t < $3`,
      [ids, fromMs, toMs],
    );
    return Number(result.rows[0]?.n ?? 0);
  }

  protected async rangeOf(
    ids: readonly number[],
  ): Promise<{ earliestMs: number | null; latestMs: number | null }> {
    const result = await this.pool.query<{ earliest: string | null; latest: string | null }>(
      `SELECT min(first) AS earliest, max(last) AS latest FROM unnest($1::integer[]) AS s(id)
       CROSS JOIN LATERAL (SELECT (SELECT min(t) FROM ${this.s}.raw WHERE series = s.id) AS first,
                                  (SELECT max(t) FROM ${this.s}.raw WHERE series = s.id) AS last) x`,
      [ids],
    );
    const row = result.rows[0];
    return {
      earliestMs: row?.earliest == null ? null : Number(row.earliest),
      latestMs: row?.latest == null ? null : Number(row.latest),
    };
  }

  protected async deleteOlder(
    table: 'raw' | AggregateTable,
    beforeMs: number,
    kinds: { only: readonly string[] } | { except: readonly string[] },
  ): Promise<number> {
    const column = table === 'raw' ? 't' : 'bucket';
    const filter = 'only' in kinds ? 'kind = ANY($2::text[])' : 'NOT (kind = ANY($2::text[]))';
    const result = await this.pool.query(
      `DELETE FROM ${this.s}.${table} WHERE ${column} < $1
       AND series IN (SELECT id FROM ${this.s}.series WHERE ${filter})`,
      [beforeMs, 'only' in kinds ? kinds.only : kinds.except],
    );
    return result.rowCount ?? 0;
  }

  protected async countTables(): Promise<HistoryCounts> {
    const result = await this.pool.query<{ raw: string; minute: string; hour: string }>(
      `SELECT (SELECT count(*) FROM ${this.s}.raw) AS raw, (SELECT count(*) FROM ${this.s}.minute) AS minute,
              (SELECT count(*) FROM ${this.s}.hour) AS hour`,
    );
    const row = result.rows[0];
    return { raw: Number(row?.raw ?? 0), minute: Number(row?.minute ?? 0), hour: Number(row?.hour ?? 0) };
  }

  /** Drops the store's schema with everything in it (tests clean up with it). */
  async dropSchema(): Promise<void> {
    await this.exclusive(() => this.pool.query(`DROP SCHEMA IF EXISTS ${this.s} CASCADE`));
  }

  protected async closeDatabase(): Promise<void> {
    await this.pool.end();
  }
}
