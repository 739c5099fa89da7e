/**
 * Hostile payloads against every declared socket event, from public and staff sockets, while a
 * viewer watches the live town: malformed, oversized, binary, deep, many-keyed and
 * prototype-polluting payloads are each answered with a refusal within a bound (never an echo of
 * the input), nothing crashes, the viewer's diffs keep arriving, and a socket that keeps offending
 * is disconnected.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_EVENTS, PROTOCOL_VERSION, SENSOR_KINDS } from '../../../protocol/index.ts';
import type { App } from '../app.ts';
import { createApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import type { FuzzOptions, FuzzReport } from '../testing/socketFuzzer.ts';
import { MARKER } from '../testing/socketFuzzer.ts';
import type { TwinSocket } from '../testing/twinSocket.ts';
import { ask, openTwinSocket } from '../testing/twinSocket.ts';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const FUZZ_CHILD = fileURLToPath(new URL('../testing/socketFuzzChild.ts', import.meta.url));
const ADMIN_KEY = 'fuzz-admin-key-0123456789';
const OPERATOR_KEY = 'fuzz-operator-key-0123456789';

function p99(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? NaN;
}

/** Runs the fuzzer in a child process and resolves with its report. */
function fuzzInChild(options: FuzzOptions): Promise<FuzzReport> {
  const child = spawn(process.execPath, ['--import', 'tsx', FUZZ_CHILD, JSON.stringify(options)], {
    cwd: repoRoot,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (raw) => {
      const message = raw as { type: 'report'; report: FuzzReport } | { type: 'failed'; error: string };
      if (message.type === 'report') resolve(message.report);
      else reject(new Error(`the fuzzer failed: ${message.error}`));
    });
    child.once('exit', (code) => reject(new Error(`the fuzzer exited (${String(code)}) without a report`)));
  });
}

let app: App | undefined;
let baseUrl: string;
let dir: string;
const opened: TwinSocket[] = [];

async function open(): Promise<TwinSocket> {
  const { socket } = await openTwinSocket(baseUrl);
  opened.push(socket);
  return socket;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'citytwin-fuzz-'));
  const base = loadConfig({
    env: { PORT: '0', HOST: '127.0.0.1', CITYTWIN_LOG_LEVEL: 'silent', CITYTWIN_SIM_TIME_SCALE: '300' },
  });
  app = await createApp(
    {
      ...base,
      accessKeys: [
        { id: 'fuzz-admin', role: 'admin', apiKey: ADMIN_KEY },
        { id: 'fuzz-operator', role: 'operator', apiKey: OPERATOR_KEY },
      ],
      incidentsFile: join(dir, 'incidents.json'),
      scenariosDir: join(dir, 'scenarios'),
      alarms: { ...base.alarms, rulesFile: join(dir, 'alarm-rules.json') },
    },
    { rootDir: repoRoot, history: null },
  );
  baseUrl = `http://127.0.0.1:${await app.listen()}`;
});

afterAll(async () => {
  for (const socket of opened) socket.disconnect();
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('hostile payloads against every socket event', () => {
  it('refuses each within a bound, never echoing it, while a viewer keeps getting its diffs', async () => {
    // The viewer: an operator console at 10 diffs a second over the whole town.
    const { socket: viewer } = await openTwinSocket(baseUrl, { accessKey: OPERATOR_KEY });
    opened.push(viewer);
    const arrivals: number[] = [];
    viewer.on('live:diff', () => arrivals.push(performance.now()));
    const subscribed = await ask(viewer, 'live:subscribe', [
      { protocolVersion: PROTOCOL_VERSION, kinds: [...SENSOR_KINDS] },
    ]);
    expect(subscribed.ok).toBe(true);
    const gapsBetween = (from: number, to: number) => {
      const within = arrivals.filter((t) => t >= from && t <= to);
      return within.slice(1).map((t, i) => t - (within[i] as number));
    };

    const quietFrom = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 4000));
    const quietTo = performance.now();

    const fuzzFrom = performance.now();
    const report = await fuzzInChild({
      baseUrl,
      adminKey: ADMIN_KEY,
      minDurationMs: 4000,
      maxRounds: 20,
      answerBoundMs: 5000,
    });
    const fuzzTo = performance.now();

    expect(report.unanswered).toEqual([]);
    expect(report.unexpected).toEqual([]);
    expect(report.echoes).toEqual([]);
    expect(report.calls).toBeGreaterThan(Object.keys(CLIENT_EVENTS).length * 2 * 5);
    // Rate limits may answer some in the later rounds; most get the refusal their kind deserves.
    expect(report.expected).toBeGreaterThan(report.calls * 0.8);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();

    // The viewer's diffs kept coming: the p99 of the time between two of them during the fuzzing
    // stays within twice what it was before.
    const quiet = gapsBetween(quietFrom, quietTo);
    const fuzzed = gapsBetween(fuzzFrom, fuzzTo);
    expect(quiet.length).toBeGreaterThan(20);
    expect(fuzzed.length).toBeGreaterThan(20);
    expect(
      p99(fuzzed),
      `p99 between diffs: ${p99(quiet)} ms quiet, ${p99(fuzzed)} ms fuzzed`,
    ).toBeLessThanOrEqual(2 * p99(quiet));

    // Still serving: a new viewer subscribes and the health check answers.
    const { socket: later } = await openTwinSocket(baseUrl);
    opened.push(later);
    expect(
      (await ask(later, 'live:subscribe', [{ protocolVersion: PROTOCOL_VERSION, kinds: ['parking'] }])).ok,
    ).toBe(true);
    expect((await fetch(`${baseUrl}/healthz`)).status).toBe(200);
  });

  it('refuses a 7 MB binary payload from a public socket at once and keeps the socket', async () => {
    const socket = await open();
    const answer = await ask(socket, 'live:subscribe', [Buffer.alloc(7 * 1024 * 1024, 7)]);
    expect(answer).toEqual({
      ok: false,
      error: { code: 'binary', message: 'live:subscribe: takes no binary data' },
    });
    expect(
      (await ask(socket, 'live:subscribe', [{ protocolVersion: PROTOCOL_VERSION, kinds: ['parking'] }])).ok,
    ).toBe(true);
  });

  it('disconnects a socket that keeps sending refused requests, and counts it', async () => {
    const socket = await open();
    const before = (await app?.metrics.offendersDisconnected.get())?.values[0]?.value ?? 0;
    const gone = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    let answered = 0;
    for (let i = 0; i < 40 && socket.connected; i += 1) {
      const answer = await ask(socket, 'scenario:save', [{ name: MARKER }], 2000).catch(() => undefined);
      if (answer !== undefined) answered += 1;
    }
    expect(await gone).toBe('io server disconnect');
    expect(answered).toBeGreaterThanOrEqual(10);
    expect(answered).toBeLessThan(40);
    const after = (await app?.metrics.offendersDisconnected.get())?.values[0]?.value ?? 0;
    expect(after).toBe(before + 1);
  });

  it('answers an undeclared event with a refusal and keeps the socket', async () => {
    const socket = await open();
    const answer = await new Promise<unknown>((resolve) =>
      (socket as unknown as { emit(e: string, ...a: unknown[]): void }).emit(
        'admin:shutdown',
        MARKER,
        resolve,
      ),
    );
    expect(answer).toEqual({ ok: false, error: { code: 'bad-request', message: 'unknown: no such event' } });
    expect(socket.connected).toBe(true);
  });
});
