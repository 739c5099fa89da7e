/**
 * A damaged history database does not stop the twin: it is moved aside with its write-ahead log, a
 * new one records, and the control room's health report says so. A damaged log alone costs only
 * what came after the last checkpoint. A file locked by another server is not "damaged".
 */
import { spawn } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { io as connect } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { Ack, ClientToServerEvents, HealthReport, ServerToClientEvents } from '../../protocol/index.ts';
import { PROTOCOL_VERSION } from '../../protocol/index.ts';
import type { App } from './app.ts';
import { createApp } from './app.ts';
import { createManualClock } from './clock.ts';
import type { Config } from './config.ts';
import { loadConfig } from './config.ts';
import { DuckDbHistoryStore } from './history/duckdbHistoryStore.ts';
import { createLogger } from './logger.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const T0 = Date.UTC(2026, 11, 3, 15, 0, 0);
const KEY = 'leitstelle-key-0123456789';
const SENSOR = 'parking-elbenplatz';

const dirs: string[] = [];
const apps: App[] = [];
const sockets: Socket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.disconnect();
  for (const app of apps.splice(0)) await app.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function setUp() {
  const dir = mkdtempSync(join(tmpdir(), 'citytwin-history-recovery-'));
  dirs.push(dir);
  const base = loadConfig({
    env: { PORT: '0', HOST: '127.0.0.1', CITYTWIN_LOG_LEVEL: 'silent', CITYTWIN_SIMULATOR: 'off' },
  });
  const file = join(dir, 'history.duckdb');
  const config: Config = {
    ...base,
    accessKeys: [{ id: 'leitstelle', role: 'operator', apiKey: KEY }],
    incidentsFile: join(dir, 'incidents.json'),
    scenariosDir: join(dir, 'scenarios'),
    alarms: { ...base.alarms, enabled: false },
    history: { ...base.history, file },
  };
  return { dir, file, config };
}

async function start(config: Config): Promise<{ app: App; log: string[] }> {
  const log: string[] = [];
  const app = await createApp(config, {
    clock: createManualClock(T0),
    rootDir: repoRoot,
    autoTick: false,
    logger: createLogger('warn', (line) => log.push(line)),
  });
  apps.push(app);
  await app.listen();
  return { app, log };
}

async function healthOf(app: App): Promise<HealthReport> {
  const address = app.httpServer.address();
  if (typeof address !== 'object' || address === null) throw new Error('not listening');
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = connect(
    `http://127.0.0.1:${address.port}`,
    {
      auth: { protocolVersion: PROTOCOL_VERSION, accessKey: KEY },
      transports: ['websocket'],
      forceNew: true,
    },
  );
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('server:hello', () => resolve());
    socket.once('connect_error', reject);
  });
  const answer = await new Promise<Ack<HealthReport>>((resolve) => socket.emit('ops:health', resolve));
  if (!answer.ok) throw new Error(answer.error.message);
  return answer.data;
}

/** Feeds one reading through the hub and waits for the history to write it; its raw row count. */
async function recordOne(app: App, observedAt: number): Promise<number> {
  const result = app.hub.ingest({ sensorId: SENSOR, observedAt, values: { freeSpaces: 42 } }, 'test');
  if (!result.accepted) throw new Error(result.rejection.message);
  const history = app.history;
  if (!history) throw new Error('the history is off');
  await history.flush();
  return (await history.store.counts()).raw;
}

function named(dir: string, pattern: RegExp): string[] {
  return readdirSync(dir)
    .filter((name) => pattern.test(name))
    .map((name) => join(dir, name));
}

describe('a damaged history database at start', () => {
  it('is moved aside with its log, a new history records, and the console is warned', async () => {
    const { dir, file, config } = setUp();
    writeFileSync(file, 'kein DuckDB '.repeat(1000));
    writeFileSync(`${file}.wal`, 'auch kein Log '.repeat(100));

    const { app, log } = await start(config);
    const [aside] = named(dir, /^history\.duckdb\.damaged-[^.]+$/);
    if (aside === undefined) throw new Error(`nothing moved aside: ${readdirSync(dir).join(', ')}`);
    expect(readFileSync(aside, 'utf8')).toBe('kein DuckDB '.repeat(1000));
    expect(readFileSync(`${aside}.wal`, 'utf8')).toBe('auch kein Log '.repeat(100));
    expect(
      log.some(
        (line) =>
          /WARN/.test(line) && line.includes(file) && line.includes(aside) && line.includes(`${aside}.wal`),
      ),
    ).toBe(true);

    expect(await recordOne(app, T0)).toBe(1);
    const report = await healthOf(app);
    expect(report.warnings).toEqual([
      { code: 'history-replaced', atMs: expect.any(Number), detail: `${aside}, ${aside}.wal` },
    ]);
  });

  it('keeps the history up to the last checkpoint when only the log is damaged', async () => {
    const { dir, file, config } = setUp();
    // A history with one checkpointed reading, then more rows in the write-ahead log only: copied
    // while open, as a crash leaves them, with the log's bytes damaged after its header.
    const source = join(dir, 'source');
    mkdirSync(source);
    const first = await DuckDbHistoryStore.open({
      file: join(source, 'h.duckdb'),
      now: () => T0,
      threads: 1,
    });
    const { app: seeding } = await startWith(config, first);
    expect(await recordOne(seeding, T0 - 60_000)).toBe(1);
    await seeding.close();
    apps.splice(apps.indexOf(seeding), 1);
    const instance = await DuckDBInstance.create(join(source, 'h.duckdb'), { checkpoint_threshold: '1GB' });
    const connection = await instance.connect();
    await connection.run('INSERT INTO raw SELECT 1, 0, range, 0 FROM range(5000)');
    copyFileSync(join(source, 'h.duckdb'), file);
    const wal = readFileSync(join(source, 'h.duckdb.wal'));
    connection.closeSync();
    instance.closeSync();
    const damaged = Buffer.from(wal);
    for (let i = 64; i < damaged.length; i += 101) damaged[i] = (damaged[i] ?? 0) ^ 0xff;
    writeFileSync(`${file}.wal`, damaged);

    const { app, log } = await start(config);
    const [movedLog] = named(dir, /^history\.duckdb\.damaged-.*\.wal$/);
    if (movedLog === undefined) throw new Error(`the log was not moved: ${readdirSync(dir).join(', ')}`);
    expect(readFileSync(movedLog).equals(damaged)).toBe(true);
    expect(named(dir, /^history\.duckdb\.damaged-[^.]+$/)).toEqual([]);
    expect(log.some((line) => line.includes(`${file}.wal`) && line.includes(movedLog))).toBe(true);
    // The checkpointed reading is still there, and the next one joins it.
    expect(await recordOne(app, T0)).toBe(2);
    expect((await healthOf(app)).warnings.map((w) => [w.code, w.detail])).toEqual([
      ['history-log-moved', movedLog],
    ]);
  });

  it('does not take a file locked by another server for damaged', async () => {
    const { dir, file, config } = setUp();
    const holder = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { DuckDBInstance } from '@duckdb/node-api';
         await DuckDBInstance.create(${JSON.stringify(file)});
         process.stdout.write('open\\n');
         setInterval(() => {}, 1000);`,
      ],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        holder.stdout.once('data', () => resolve());
        holder.once('exit', (code) => reject(new Error(`the holder exited with ${String(code)}`)));
      });
      await expect(start(config)).rejects.toThrow(/lock/);
      expect(readdirSync(dir).filter((name) => name.includes('damaged'))).toEqual([]);
    } finally {
      holder.kill('SIGKILL');
    }
  });
});

async function startWith(config: Config, history: DuckDbHistoryStore): Promise<{ app: App }> {
  const app = await createApp(config, {
    clock: createManualClock(T0),
    rootDir: repoRoot,
    autoTick: false,
    history,
    logger: createLogger('silent'),
  });
  apps.push(app);
  return { app };
}
