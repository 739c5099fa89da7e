import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCityPack } from '../../cityPack/loadCityPack.ts';
import type { CityPack } from '../../cityPack/loadCityPack.ts';
import { createSystemClock } from '../../clock.ts';
import { Hub } from '../../hub/hub.ts';
import { createLogger } from '../../logger.ts';
import { createApp } from '../../app.ts';
import { loadConfig } from '../../config.ts';
import { createReplaySource, planReplay } from './replay.ts';

const T = Date.UTC(2026, 11, 1, 7, 0, 0);
const reading = (offsetMs: number, free: number) =>
  JSON.stringify({ sensorId: 'parking-elbenplatz', observedAt: T + offsetMs, values: { freeSpaces: free } });

const recording = [reading(2000, 90), reading(0, 120), '{"sensorId":', '', reading(1000, 100)].join('\n');

describe('planReplay', () => {
  it('orders the readings by time, measures offsets from the first and names bad lines', () => {
    const plan = planReplay(recording, 'morgen.ndjson');
    expect(plan.steps.map((s) => [s.atMs, s.observation.values.freeSpaces, s.line])).toEqual([
      [0, 120, 2],
      [1000, 100, 5],
      [2000, 90, 1],
    ]);
    expect(plan.durationMs).toBe(2000);
    expect(plan.rejected).toHaveLength(1);
    expect(plan.rejected[0]?.message).toMatch(/^morgen\.ndjson: line 3: not JSON/);
  });
});

describe('createReplaySource', () => {
  let dir: string;
  let pack: CityPack;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'citytwin-replay-'));
    pack = await loadCityPack(fileURLToPath(new URL('../../../../data/boeblingen-demo', import.meta.url)));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('plays a recording into the hub at 100× speed with live timestamps', async () => {
    const file = join(dir, 'morgen.ndjson');
    writeFileSync(file, recording);
    const clock = createSystemClock(1);
    const hub = new Hub({ sensors: pack.sensors, clock });
    const replay = createReplaySource({
      id: 'replay-morgen',
      file,
      speed: 100,
      loop: false,
      hub,
      logger: createLogger('silent'),
      now: () => clock.now(),
    });
    const times: number[] = [];
    const ingest = hub.ingestObservation.bind(hub);
    hub.ingestObservation = (input, source) => {
      const result = ingest(input, source);
      if (result.accepted) times.push(result.observation.observedAt);
      return result;
    };
    const started = clock.now();
    await replay.start();
    const deadline = Date.now() + 5000;
    while (replay.played() < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    replay.stop();
    expect(replay.played()).toBe(3);
    const observation = hub.state('parking-elbenplatz')?.observation;
    expect(observation?.values.freeSpaces).toBe(90);
    // 1 s and 2 s recorded at 100× are 10 and 20 ms after the first reading, which is played now.
    expect(times.map((t) => t - (times[0] ?? 0))).toEqual([0, 10, 20]);
    expect(times[0]).toBeGreaterThanOrEqual(started);
    expect(times[0]).toBeLessThanOrEqual(clock.now());
    expect(hub.deadLetters().map((l) => [l.source, l.reason])).toEqual([
      ['replay-morgen', 'invalid-payload'],
    ]);
  });

  it('keeps every reading of a sensor at a speed that squeezes them into one millisecond', async () => {
    const file = join(dir, 'schnell.ndjson');
    writeFileSync(file, [0, 1000, 2000, 3000, 4000].map((at, i) => reading(at, 100 - i)).join('\n'));
    const clock = createSystemClock(1);
    const hub = new Hub({ sensors: pack.sensors, clock });
    const replay = createReplaySource({
      id: 'replay-schnell',
      file,
      speed: 1_000_000,
      loop: false,
      hub,
      logger: createLogger('silent'),
      now: () => clock.now(),
    });
    await replay.start();
    const deadline = Date.now() + 5000;
    while (replay.played() < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    replay.stop();
    expect(hub.deadLetters()).toEqual([]);
    expect(hub.state('parking-elbenplatz')?.observation?.values.freeSpaces).toBe(96);
  });

  it('runs as a configured source of the server', async () => {
    const file = join(dir, 'server.ndjson');
    writeFileSync(file, [reading(0, 50), reading(500, 40)].join('\n'));
    const config = loadConfig({
      env: { PORT: '0', HOST: '127.0.0.1', CITYTWIN_LOG_LEVEL: 'silent', CITYTWIN_SIMULATOR: 'false' },
    });
    const app = await createApp(
      { ...config, sources: [{ type: 'replay', id: 'replay-server', file, speed: 50, loop: false }] },
      { rootDir: fileURLToPath(new URL('../../../..', import.meta.url)), autoTick: false, history: null },
    );
    await app.listen();
    try {
      const deadline = Date.now() + 5000;
      while (
        app.hub.state('parking-elbenplatz')?.observation?.values.freeSpaces !== 40 &&
        Date.now() < deadline
      )
        await new Promise((r) => setTimeout(r, 5));
      expect(app.hub.state('parking-elbenplatz')?.observation?.values.freeSpaces).toBe(40);
    } finally {
      await app.close();
    }
  });
});
