/**
 * HTTP push against the real server: API keys, per-item answers, and 10,000 malformed inputs mixed
 * with valid ones — nothing crashes, every valid reading arrives, every rejection is counted by
 * reason in /metrics and readable as a dead letter.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from './app.ts';
import { createApp } from './app.ts';
import { createManualClock } from './clock.ts';
import type { ManualClock } from './clock.ts';
import { ConfigError, loadConfig } from './config.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const T0 = Date.UTC(2026, 10, 18, 9, 0, 0);
const KEY = 'stadtwerke-test-key-0123456789';
const OTHER_KEY = 'pegel-test-key-9876543210abcdef';

let app: App;
let clock: ManualClock;
let baseUrl: string;

function baseConfig() {
  const config = loadConfig({
    env: { PORT: '0', HOST: '127.0.0.1', CITYTWIN_LOG_LEVEL: 'silent', CITYTWIN_SIMULATOR: 'false' },
  });
  return {
    ...config,
    deadLetterLimit: 20_000,
    sources: [
      { type: 'push' as const, id: 'stadtwerke', apiKey: KEY },
      { type: 'push' as const, id: 'pegel', apiKeyEnv: 'PEGEL_KEY' },
    ],
  };
}

function post(body: string, contentType: string, key: string | null = KEY): Promise<Response> {
  return fetch(`${baseUrl}/api/v1/observations`, {
    method: 'POST',
    headers: { 'content-type': contentType, ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body,
  });
}

beforeAll(async () => {
  clock = createManualClock(T0);
  app = await createApp(baseConfig(), {
    clock,
    rootDir: repoRoot,
    history: null,
    autoTick: false,
    env: { PEGEL_KEY: OTHER_KEY },
  });
  baseUrl = `http://127.0.0.1:${await app.listen()}`;
});

afterAll(async () => {
  await app.close();
});

describe('POST /api/v1/observations', () => {
  it('takes a valid NDJSON batch from a source with its key', async () => {
    const lines = [
      {
        sensorId: 'parking-elbenplatz',
        observedAt: T0 - 1000,
        values: { freeSpaces: 120, occupiedSpaces: 380 },
      },
      { sensorId: 'env-elbenplatz', observedAt: T0 - 1000, values: { no2UgM3: 31.5 } },
    ];
    const response = await post(lines.map((l) => JSON.stringify(l)).join('\n'), 'application/x-ndjson');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ accepted: 2, rejected: [] });
    expect(app.hub.state('parking-elbenplatz')?.observation?.values).toEqual({
      freeSpaces: 120,
      occupiedSpaces: 380,
    });
  });

  it('answers each bad item with its reason and keeps the good ones', async () => {
    const body = [
      JSON.stringify({ sensorId: 'parking-elbenplatz', observedAt: T0, values: { freeSpaces: 118 } }),
      '{"sensorId": ',
      JSON.stringify({ sensorId: 'parking-nirgendwo', observedAt: T0, values: { freeSpaces: 1 } }),
      JSON.stringify({ sensorId: 'env-elbenplatz', observedAt: T0 + 3_600_000, values: { no2UgM3: 30 } }),
    ].join('\n');
    const response = await post(body, 'application/x-ndjson');
    expect(response.status).toBe(422);
    const answer = (await response.json()) as {
      accepted: number;
      rejected: { line: number; reason: string }[];
    };
    expect(answer.accepted).toBe(1);
    expect(answer.rejected.map((r) => [r.line, r.reason])).toEqual([
      [2, 'invalid-payload'],
      [3, 'unknown-sensor'],
      [4, 'future-timestamp'],
    ]);
    expect(app.hub.state('parking-elbenplatz')?.observation?.values.freeSpaces).toBe(118);
  });

  it('refuses a missing or wrong key, a wrong content type and an oversized batch', async () => {
    const one = JSON.stringify({ sensorId: 'parking-elbenplatz', observedAt: T0, values: { freeSpaces: 1 } });
    expect((await post(one, 'application/json', null)).status).toBe(401);
    expect((await post(one, 'application/json', 'not-the-key-of-anyone-at-all')).status).toBe(401);
    const xml = await post('<x/>', 'text/xml');
    expect(xml.status).toBe(415);
    const many = JSON.stringify(Array.from({ length: 10_001 }, () => JSON.parse(one) as unknown));
    const tooMany = await post(many, 'application/json');
    expect(tooMany.status).toBe(413);
    expect(((await tooMany.json()) as { error: string }).error).toContain('at most 10000');
  });

  it('reads the key of a source from the environment variable the config names', async () => {
    const response = await post(
      JSON.stringify({ sensorId: 'env-elbenplatz', observedAt: T0 + 1, values: { no2UgM3: 29 } }),
      'application/json',
      OTHER_KEY,
    );
    expect(response.status).toBe(200);
  });

  it('survives 10,000 malformed inputs of ten kinds mixed with valid ones: all valid readings arrive, rejections counted', async () => {
    const reasonsBefore = await rejectionCounts();
    const valid: string[] = [];
    const lines: string[] = [];
    let minute = 0;
    let lastValid = '';
    const wrongTypes = [
      JSON.stringify({ sensorId: 'parking-elbenplatz', observedAt: 'gestern', values: { freeSpaces: 1 } }),
      JSON.stringify({ sensorId: 'parking-elbenplatz', observedAt: T0, values: {} }),
      JSON.stringify({ sensorId: 42, observedAt: T0, values: { freeSpaces: '7' } }),
      JSON.stringify([1, 2, 3]),
      'null',
    ];
    // Ten kinds of bad input, 1,000 of each.
    const malformed = [
      () => '{"sensorId": "parking-elbenplatz", "observedAt": ',
      (i: number) => wrongTypes[Math.floor(i / 10) % wrongTypes.length] ?? 'null',
      () => '{"sensorId":"parking-elbenplatz","observedAt":1,"values":{"freeSpaces":NaN}}',
      () => '{"sensorId":"parking-elbenplatz","observedAt":1,"values":{"freeSpaces":1e999}}',
      () => JSON.stringify({ sensorId: 'parking-gibtsnicht', observedAt: T0, values: { freeSpaces: 3 } }),
      () =>
        JSON.stringify({
          sensorId: 'parking-elbenplatz',
          observedAt: T0 + 86_400_000,
          values: { freeSpaces: 3 },
        }),
      () =>
        JSON.stringify({
          sensorId: 'parking-elbenplatz',
          observedAt: Date.UTC(2019, 0, 1),
          values: { freeSpaces: 3 },
        }),
      () =>
        JSON.stringify({
          sensorId: 'parking-elbenplatz',
          observedAt: T0,
          values: { freeSpaces: 3 },
          pad: 'x'.repeat(5000),
        }),
      () => JSON.stringify({ sensorId: 'parking-elbenplatz', observedAt: T0, values: { freeSpaces: -5 } }),
      // The valid reading just sent, again (a redelivery).
      () => lastValid,
    ];
    for (let i = 0; i < 10_000; i++) {
      lines.push(malformed[i % malformed.length]?.(i) ?? '');
      if (i % 5 === 0) {
        // A valid reading of a second garage, one per simulated second, newer each time.
        minute += 1;
        const line = JSON.stringify({
          sensorId: 'parking-bahnhofstrasse',
          observedAt: T0 + minute,
          values: { freeSpaces: minute % 500 },
        });
        valid.push(line);
        lines.push(line);
        lastValid = line;
      }
    }
    clock.advance(10_000);
    // Sent as five requests of at most 10,000 items each.
    let accepted = 0;
    const rejectedReasons = new Map<string, number>();
    for (let start = 0; start < lines.length; start += 2400) {
      const response = await post(lines.slice(start, start + 2400).join('\n'), 'application/x-ndjson');
      expect(response.status).toBe(422);
      const answer = (await response.json()) as { accepted: number; rejected: { reason: string }[] };
      accepted += answer.accepted;
      for (const r of answer.rejected)
        rejectedReasons.set(r.reason, (rejectedReasons.get(r.reason) ?? 0) + 1);
    }
    expect(accepted).toBe(valid.length);
    expect(app.hub.state('parking-bahnhofstrasse')?.observation?.observedAt).toBe(T0 + minute);
    expect([...rejectedReasons.values()].reduce((a, b) => a + b, 0)).toBe(10_000);

    const reasonsAfter = await rejectionCounts();
    const delta = (reason: string) => (reasonsAfter.get(reason) ?? 0) - (reasonsBefore.get(reason) ?? 0);
    expect(Object.fromEntries(rejectedReasons)).toEqual({
      'invalid-payload': 4000,
      'unknown-sensor': 1000,
      'future-timestamp': 1000,
      'past-timestamp': 1000,
      'too-large': 1000,
      'implausible-value': 1000,
      duplicate: 1000,
    });
    for (const [reason, count] of rejectedReasons) expect(delta(reason)).toBe(count);

    const letters = await fetch(`${baseUrl}/api/v1/dead-letters`, { headers: { 'x-api-key': KEY } });
    const { deadLetters } = (await letters.json()) as { deadLetters: { reason: string; source: string }[] };
    expect(deadLetters.length).toBeGreaterThanOrEqual(10_000);
    expect(deadLetters.every((l) => l.source === 'stadtwerke')).toBe(true);
    const pegel = await fetch(`${baseUrl}/api/v1/dead-letters`, { headers: { 'x-api-key': OTHER_KEY } });
    expect(((await pegel.json()) as { deadLetters: unknown[] }).deadLetters).toEqual([]);
  });
});

/** `citytwin_rejections_total{source="stadtwerke"}` by reason, read from /metrics. */
async function rejectionCounts(): Promise<Map<string, number>> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const counts = new Map<string, number>();
  for (const match of text.matchAll(
    /^citytwin_rejections_total\{reason="([^"]+)",source="stadtwerke"\} (\d+)/gm,
  ))
    counts.set(match[1] ?? '', Number(match[2]));
  return counts;
}

describe('push source configuration', () => {
  it('refuses to start with a source that has no key, naming it', async () => {
    const config = { ...baseConfig(), sources: [{ type: 'push' as const, id: 'ohne-schluessel' }] };
    await expect(
      createApp(config, { rootDir: repoRoot, history: null, autoTick: false, env: {} }),
    ).rejects.toThrow(ConfigError);
    await expect(
      createApp(config, { rootDir: repoRoot, history: null, autoTick: false, env: {} }),
    ).rejects.toThrow(/ohne-schluessel: no API key/);
  });
});
