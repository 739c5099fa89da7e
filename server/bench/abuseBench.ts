/**
 * `npm run bench:abuse` (never part of `npm test`): what hostile sockets firing at their rate limits
 * cost everyone else. The bench process is the server: the real `createApp` on port 0 with the
 * synthetic town of the hub bench (`hubCityPack.ts`, 500 sensors), the history on (DuckDB in a
 * temporary folder, so history requests do real work), the simulator off; a driver in the server
 * process feeds 1,000 readings a second, each stamped with the time it is handed to the hub
 * (`hubReadingDriver.ts`). The clients run in processes of their own (`abuseClients.ts`): one
 * control-room viewer (10 diffs a second, the whole town), and five public sockets that fire light
 * and history requests at their rate limits (per socket, or the address's share of it).
 *
 * `abuse.viewerLatency`: the viewer's reading-to-screen latency p99 (receipt - ingest, over every
 * sensor state in its diffs; the wait for its next 100 ms diff is part of it) in windows of 6 s with
 * the hostile sockets firing, against windows of the same length without them, alternating (quiet,
 * hostile, quiet, hostile, quiet, hostile) so a slow spell of this shared machine falls on both.
 * Value: the median of the hostile windows' p99; baseline: the median of the quiet windows' p99;
 * ratio: value / baseline. Target: ratio <= 1.5. Beside it: every window's p99 and sample count,
 * what the hostile sockets sent and how they were answered, the server's CPU share.
 *
 * Checked, or the bench fails (exit 1): no reading rejected, the viewer got diffs in every window
 * and could decode all of them, the hostile sockets got answers.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp } from '../src/app.ts';
import { loadCityPack } from '../src/cityPack/loadCityPack.ts';
import { loadConfig } from '../src/config.ts';
import { createMetrics } from '../src/metrics.ts';
import { median, printBenchLine, round } from '../../scripts/benchLine.ts';
import type { AbuseReply, AbuseRequest } from './abuseClients.ts';
import { writeHubCityPack } from './hubCityPack.ts';
import { hubSensor } from './hubLoad.ts';
import { startReadingDriver } from './hubReadingDriver.ts';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLIENTS = fileURLToPath(new URL('./abuseClients.ts', import.meta.url));
const SENSORS = 500;
const READINGS_PER_S = 1000;
const WINDOW_MS = 6000;
const WINDOWS_EACH = 3;
const OPERATOR_KEY = 'abuse-bench-operator-0123456789';
const TARGET_RATIO = 1.5;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function p99(values: readonly number[]): number {
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? Number.NaN;
}

/** A client process and the next reply of a type. */
interface Client {
  readonly child: ChildProcess;
  request<T extends AbuseReply['type']>(
    message: AbuseRequest,
    expected: T,
  ): Promise<Extract<AbuseReply, { type: T }>>;
  ready: Promise<void>;
}

function startClient(config: Record<string, unknown>): Client {
  const child = spawn(process.execPath, ['--import', 'tsx', CLIENTS, JSON.stringify(config)], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 2, 'inherit', 'ipc'],
  });
  const waiting: { expected: string; resolve: (reply: AbuseReply) => void; reject: (e: Error) => void }[] =
    [];
  child.on('message', (raw) => {
    const reply = raw as AbuseReply;
    const index = waiting.findIndex((w) => w.expected === reply.type);
    if (index >= 0) waiting.splice(index, 1)[0]?.resolve(reply);
  });
  child.once('exit', (code) => {
    for (const w of waiting.splice(0))
      w.reject(new Error(`a client of role ${String(config.role)} exited (${code})`));
  });
  const next = <T extends AbuseReply['type']>(expected: T) =>
    new Promise<Extract<AbuseReply, { type: T }>>((resolve, reject) =>
      waiting.push({ expected, resolve: resolve as (reply: AbuseReply) => void, reject }),
    );
  return {
    child,
    ready: next('ready').then(() => undefined),
    request(message, expected) {
      const answer = next(expected);
      child.send(message);
      return answer;
    },
  };
}

async function main(): Promise<void> {
  const tmp = await mkdtemp(join(tmpdir(), 'citytwin-abuse-'));
  const { dir, extent } = await writeHubCityPack(join(tmp, 'data'), SENSORS);
  const pack = await loadCityPack(dir);
  const base = loadConfig({
    env: { PORT: '0', HOST: '127.0.0.1', CITYTWIN_LOG_LEVEL: 'silent', CITYTWIN_SIMULATOR: 'false' },
  });
  const app = await createApp(
    {
      ...base,
      accessKeys: [{ id: 'abuse-operator', role: 'operator', apiKey: OPERATOR_KEY }],
      history: { ...base.history, file: join(tmp, 'history.duckdb') },
      incidentsFile: join(tmp, 'incidents.json'),
      scenariosDir: join(tmp, 'scenarios'),
      alarms: { ...base.alarms, rulesFile: join(tmp, 'alarm-rules.json') },
    },
    { pack, rootDir: REPO_ROOT, metrics: createMetrics({ defaultMetrics: false }) },
  );
  const port = await app.listen();
  const url = `http://127.0.0.1:${port}`;
  const sensors = Array.from({ length: SENSORS }, (_, i) => hubSensor(i, extent));
  let rejected = 0;
  let firstRejection = '';
  const driver = startReadingDriver({
    sensors,
    perSecond: 0,
    emit: (observation) => {
      const result = app.hub.ingest(observation, 'abuse-bench');
      if (!result.accepted) {
        rejected += 1;
        firstRejection ||= result.rejection.message;
      }
    },
  });
  driver.sendRound();
  driver.setRate(READINGS_PER_S);
  const viewer = startClient({ role: 'viewer', url, key: OPERATOR_KEY });
  const hostile = startClient({ role: 'hostile', url, sensorIds: sensors.map((s) => s.id) });
  const failures: string[] = [];
  try {
    await Promise.all([viewer.ready, hostile.ready]);
    process.stderr.write('[abuse] warming up\n');
    await sleep(3000);
    const quiet: number[][] = [];
    const loud: number[][] = [];
    const hostileAnswers: Record<string, number> = {};
    let hostileSent = 0;
    let reconnects = 0;
    const cpuStart = process.cpuUsage();
    const wallStart = performance.now();
    for (let w = 0; w < WINDOWS_EACH * 2; w += 1) {
      const withHostile = w % 2 === 1;
      if (withHostile) {
        await hostile.request({ type: 'start' }, 'started');
        // The first requests' burst is past before the window opens.
        await sleep(1000);
      }
      await viewer.request({ type: 'start' }, 'started');
      await sleep(WINDOW_MS);
      const window = await viewer.request({ type: 'stop' }, 'viewer-window');
      if (window.diffs === 0) failures.push(`window ${w}: the viewer got no diff`);
      if (window.undecodable > 0)
        failures.push(`window ${w}: ${window.undecodable} diffs could not be decoded`);
      (withHostile ? loud : quiet).push(window.latenciesMs);
      process.stderr.write(
        `[abuse] window ${w} (${withHostile ? 'hostile' : 'quiet'}): p99 ${round(p99(window.latenciesMs), 1)} ms over ${window.latenciesMs.length} states\n`,
      );
      if (withHostile) {
        const stopped = await hostile.request({ type: 'stop' }, 'hostile-stopped');
        hostileSent += stopped.sent;
        reconnects += stopped.reconnects;
        for (const [code, n] of Object.entries(stopped.answers))
          hostileAnswers[code] = (hostileAnswers[code] ?? 0) + n;
        // Requests still in flight are answered before the next quiet window.
        await sleep(1000);
      }
    }
    const cpu = process.cpuUsage(cpuStart);
    const wallS = (performance.now() - wallStart) / 1000;
    if (rejected > 0) failures.push(`${rejected} readings rejected, the first: ${firstRejection}`);
    if (hostileSent === 0 || (hostileAnswers.ok ?? 0) === 0)
      failures.push('the hostile sockets got no answer');
    const quietP99 = quiet.map(p99);
    const loudP99 = loud.map(p99);
    const value = median(loudP99);
    const baseline = median(quietP99);
    const ratio = value / baseline;
    printBenchLine({
      bench: 'abuse.viewerLatency',
      value: round(value, 1),
      unit: 'ms p99, reading to viewer, 5 hostile sockets at their rate limits',
      baseline: round(baseline, 1),
      ratio: round(ratio, 3),
      target: `ratio <= ${TARGET_RATIO}`,
      pass: ratio <= TARGET_RATIO,
      quietWindowsP99Ms: quietP99.map((v) => round(v, 1)),
      hostileWindowsP99Ms: loudP99.map((v) => round(v, 1)),
      statesPerWindow: [...quiet, ...loud].map((l) => l.length),
      hostileRequestsPerS: round(hostileSent / ((WINDOW_MS + 1000) / 1000) / WINDOWS_EACH, 1),
      hostileAnswers,
      hostileReconnects: reconnects,
      serverCpuShare: round((cpu.user + cpu.system) / 1e6 / wallS, 2),
    });
  } finally {
    driver.stop();
    for (const client of [viewer, hostile]) client.child.kill();
    await app.close();
    await rm(tmp, { recursive: true, force: true });
  }
  if (failures.length > 0) {
    process.stderr.write(`[abuse] failed:\n  ${failures.join('\n  ')}\n`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `[abuse] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
