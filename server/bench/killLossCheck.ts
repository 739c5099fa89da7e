/**
 * What a `kill -9` of the server loses (decision 0011). Starts the real server as a child process
 * with its DuckDB history in a temporary folder, the simulator on and one push source; pushes
 * readings in batches with a few requests in flight, notes which were answered 2xx, kills the child
 * with SIGKILL mid-stream, reopens the history file and counts:
 * - `ackedLost`: pushed readings answered 2xx that are not in the history (the promise: 0);
 * - `simulatorLost`: simulator reports due at least 250 ms (its poll period) before the kill that
 *   are not in the history: what the one-second flush timer had not written yet.
 * A second scenario kills the server while only the simulator runs (no pushes carrying its readings
 * along in their group commits). One JSON line per run on stdout.
 *
 * Not part of `npm test`: `npx tsx server/bench/killLossCheck.ts [runs per scenario, default 3]`.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Sensor } from '../../protocol/index.ts';
import { latestReportAt } from '../src/adapters/simulator/simulatorModel.ts';
import { loadCityPack } from '../src/cityPack/loadCityPack.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const KEY = 'kill-loss-check-key-0123456789';
const SEED = 20211;
const BATCH = 50;
const IN_FLIGHT = 4;
/** How long readings stream before the kill. */
const STREAM_MS = 2500;
/** The simulator polls every 250 ms: a report due later than this before the kill may not be out. */
const SIMULATOR_POLL_MS = 250;

interface Started {
  readonly child: ChildProcess;
  readonly port: number;
  readonly startedAtMs: number;
}

/** Starts `server/src/index.ts` with the config in `dir`; resolves with the port it serves on. */
async function startServer(dir: string, push: boolean): Promise<Started> {
  const configFile = join(dir, 'citytwin.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      history: { file: join(dir, 'history.duckdb') },
      incidentsFile: join(dir, 'incidents.json'),
      scenariosDir: join(dir, 'scenarios'),
      alarms: { rulesFile: join(dir, 'alarm-rules.json') },
      sources: push ? [{ type: 'push', id: 'kill-check', apiKey: KEY }] : [],
    }),
  );
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/index.ts'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      CITYTWIN_CONFIG: configFile,
      PORT: '0',
      HOST: '127.0.0.1',
      CITYTWIN_LOG_LEVEL: 'info',
      CITYTWIN_SIMULATOR: 'on',
      CITYTWIN_SIM_SEED: String(SEED),
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const startedAtMs = Date.now();
  const port = await new Promise<number>((resolve, reject) => {
    let text = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const found = /on http:\/\/localhost:(\d+)/.exec(text);
      if (found) resolve(Number(found[1]));
    });
    child.once('exit', (code) =>
      reject(new Error(`the server exited (${String(code)}) before serving:\n${text}`)),
    );
  });
  return { child, port, startedAtMs };
}

interface Reading {
  readonly sensorId: string;
  readonly observedAt: number;
}

/** Pushes batches with `IN_FLIGHT` requests open until `stop()`; notes the readings answered 2xx. */
function streamPushes(port: number, sensors: readonly Sensor[]) {
  const acked: Reading[] = [];
  const sent: Reading[] = [];
  let running = true;
  let sequence = 0;
  // Each sensor's readings a millisecond apart from now on: newer than the simulator's report at
  // the start, all distinct, and (at the rates reached here) well within the 30 s the hub allows
  // ahead of its clock.
  const baseMs = Date.now();
  const latencies: number[] = [];
  const one = async (): Promise<void> => {
    while (running) {
      const readings: Reading[] = [];
      const lines: string[] = [];
      for (let i = 0; i < BATCH; i += 1) {
        const sensor = sensors[sequence % sensors.length] as Sensor;
        const reading = { sensorId: sensor.id, observedAt: baseMs + Math.floor(sequence / sensors.length) };
        sequence += 1;
        readings.push(reading);
        lines.push(JSON.stringify({ ...reading, values: { freeSpaces: sequence % 50 } }));
      }
      sent.push(...readings);
      const started = performance.now();
      let response: Response;
      try {
        response = await fetch(`http://127.0.0.1:${port}/api/v1/observations`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${KEY}` },
          body: lines.join('\n'),
        });
      } catch {
        return; // the server is gone
      }
      if (response.status === 200) {
        latencies.push(performance.now() - started);
        acked.push(...readings);
      } else if (response.status === 422) {
        const answer = (await response.json()) as { rejected: { index: number }[] };
        const refused = new Set(answer.rejected.map((r) => r.index));
        acked.push(...readings.filter((_, i) => !refused.has(i)));
      }
    }
  };
  const workers = Array.from({ length: IN_FLIGHT }, () => one());
  return {
    acked,
    sent,
    latencies,
    stop: async () => {
      running = false;
      await Promise.all(workers);
    },
  };
}

/** Every raw row's sensor and time in the history file (the server is dead: its lock is gone). */
async function storedReadings(file: string): Promise<Set<string>> {
  const instance = await DuckDBInstance.create(file);
  try {
    const connection = await instance.connect();
    const reader = await connection.runAndReadAll(
      'SELECT s.sensor, CAST(r.t AS DOUBLE) FROM raw r JOIN series s ON s.id = r.series',
    );
    connection.closeSync();
    return new Set(reader.getRows().map(([sensor, t]) => `${String(sensor)}@${Number(t)}`));
  } finally {
    instance.closeSync();
  }
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function run(push: boolean, sensors: readonly Sensor[]): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'citytwin-kill-'));
  try {
    const { child, port, startedAtMs } = await startServer(dir, push);
    const pushed = sensors.filter((s) => s.kind === 'parking');
    const stream = push ? streamPushes(port, pushed) : undefined;
    await new Promise((resolve) => setTimeout(resolve, STREAM_MS + Math.random() * 500));
    const killedAtMs = Date.now();
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    await stream?.stop();

    const stored = await storedReadings(join(dir, 'history.duckdb'));
    const key = (r: Reading) => `${r.sensorId}@${r.observedAt}`;
    const ackedKeys = new Set(stream?.acked.map(key));
    const ackedLost = stream?.acked.filter((r) => !stored.has(key(r))).length ?? 0;
    // Readings in flight at the kill that were stored all the same (their answer never came).
    const unackedStored =
      stream?.sent.filter((r) => !ackedKeys.has(key(r)) && stored.has(key(r))).length ?? 0;
    // Simulator reports due after the server was up and surely sent before the kill.
    const simulated = sensors.filter((s) => !push || s.kind !== 'parking');
    let simulatorDue = 0;
    let simulatorLost = 0;
    let newestStoredMs = Number.NEGATIVE_INFINITY;
    for (const sensor of simulated) {
      for (
        let t = latestReportAt(SEED, sensor, killedAtMs - SIMULATOR_POLL_MS);
        t > startedAtMs + 1000;
        t -= sensor.intervalMs
      ) {
        simulatorDue += 1;
        if (stored.has(`${sensor.id}@${t}`)) newestStoredMs = Math.max(newestStoredMs, t);
        else simulatorLost += 1;
      }
    }
    return {
      bench: push ? 'history.kill9.push' : 'history.kill9.simulatorOnly',
      pushAcked: stream?.acked.length ?? 0,
      ackedLost,
      unackedStored,
      pushAckMsP50: stream ? Math.round(percentile(stream.latencies, 50) * 10) / 10 : null,
      pushAckMsP99: stream ? Math.round(percentile(stream.latencies, 99) * 10) / 10 : null,
      simulatorDue,
      simulatorLost,
      simulatorLostWindowMs: Number.isFinite(newestStoredMs) ? killedAtMs - newestStoredMs : null,
      pass: ackedLost === 0,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 3);
  const pack = await loadCityPack(join(repoRoot, 'data', 'boeblingen-demo'));
  for (const push of [true, false])
    for (let i = 0; i < runs; i += 1)
      process.stdout.write(`${JSON.stringify(await run(push, pack.sensors))}\n`);
}

await main();
