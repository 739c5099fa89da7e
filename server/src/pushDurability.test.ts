/**
 * A push answered 2xx is stored: with the history on, the answer waits for the readings to be
 * committed to DuckDB's log. Checked on disk: the database and its log are copied the moment the
 * answers are in (what a crash would leave) and opened by a database of their own.
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from './app.ts';
import { createApp } from './app.ts';
import { createManualClock } from './clock.ts';
import { loadConfig } from './config.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const T0 = Date.UTC(2026, 11, 3, 15, 0, 0);
const KEY = 'stadtwerke-test-key-0123456789';

let dir: string;
let file: string;
let app: App;
let baseUrl: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'citytwin-push-durable-'));
  file = join(dir, 'history.duckdb');
  const base = loadConfig({
    env: { PORT: '0', HOST: '127.0.0.1', CITYTWIN_LOG_LEVEL: 'silent', CITYTWIN_SIMULATOR: 'false' },
  });
  app = await createApp(
    {
      ...base,
      incidentsFile: join(dir, 'incidents.json'),
      scenariosDir: join(dir, 'scenarios'),
      alarms: { ...base.alarms, enabled: false },
      // The timer's flush comes only after the test: what is on disk was written for the answers.
      history: { ...base.history, file, flushIntervalMs: 60_000 },
      sources: [{ type: 'push' as const, id: 'stadtwerke', apiKey: KEY }],
    },
    { clock: createManualClock(T0), rootDir: repoRoot, autoTick: false },
  );
  baseUrl = `http://127.0.0.1:${await app.listen()}`;
});

afterAll(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Opens a copy of the database and its log as they are on disk now; its raw rows by time. */
async function rowsOnDisk(): Promise<Map<number, number>> {
  const copy = join(dir, `copy-${Date.now()}.duckdb`);
  copyFileSync(file, copy);
  if (existsSync(`${file}.wal`)) copyFileSync(`${file}.wal`, `${copy}.wal`);
  const instance = await DuckDBInstance.create(copy);
  try {
    const connection = await instance.connect();
    const reader = await connection.runAndReadAll('SELECT CAST(t AS DOUBLE), value FROM raw');
    connection.closeSync();
    return new Map(reader.getRows().map(([t, value]) => [Number(t), Number(value)]));
  } finally {
    instance.closeSync();
  }
}

describe('a push answered 2xx', () => {
  it('is in the history file when the answer comes, for concurrent pushes too', async () => {
    const sensors = app.pack.sensors.filter((s) => s.kind === 'parking').slice(0, 4);
    expect(sensors).toHaveLength(4);
    const requests = Array.from({ length: 24 }, (_, r) => {
      // Each request: one reading of every sensor, each at its own time (the value names it).
      const lines = sensors.map((sensor, s) => {
        const observedAt = T0 - 100_000 + r * 100 + s;
        return JSON.stringify({ sensorId: sensor.id, observedAt, values: { freeSpaces: r * 4 + s } });
      });
      return fetch(`${baseUrl}/api/v1/observations`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${KEY}` },
        body: lines.join('\n'),
      });
    });
    const answers = await Promise.all(requests);
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));

    const onDisk = await rowsOnDisk();
    for (let r = 0; r < 24; r += 1)
      for (let s = 0; s < sensors.length; s += 1) {
        const observedAt = T0 - 100_000 + r * 100 + s;
        expect(onDisk.get(observedAt)).toBe(r * 4 + s);
      }
    expect(onDisk.size).toBe(24 * sensors.length);
  });

  it('shares one write among the pushes waiting together', async () => {
    const history = app.history;
    if (!history) throw new Error('the history is off');
    const before = history.groupCommits;
    await Promise.all(Array.from({ length: 10 }, () => history.durable()));
    expect(history.groupCommits - before).toBe(1);
  });
});
