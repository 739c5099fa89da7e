/**
 * The history over HTTP keeps to the same rate per address as over sockets: past the burst an
 * address is answered 429 with when to try again, while another address is still answered.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../app.ts';
import { createApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { DuckDbHistoryStore } from './duckdbHistoryStore.ts';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
let app: App | undefined;
let dir: string;
let baseUrl: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'citytwin-history-limits-'));
  const base = loadConfig({
    env: { PORT: '0', HOST: '127.0.0.1', CITYTWIN_LOG_LEVEL: 'silent', CITYTWIN_SIMULATOR: 'off' },
  });
  const history = await DuckDbHistoryStore.open({
    file: join(dir, 'history.duckdb'),
    now: () => Date.now(),
    threads: 1,
  });
  app = await createApp(
    {
      ...base,
      security: { ...base.security, trustProxy: 'loopback' },
      socketLimits: {
        perAddress: true,
        rates: {
          history: { socket: { burst: 100, perSecond: 100 }, address: { burst: 3, perSecond: 0.01 } },
        },
      },
    },
    { rootDir: repoRoot, history },
  );
  baseUrl = `http://127.0.0.1:${await app.listen()}`;
});

afterAll(async () => {
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

const range = (from: string) =>
  fetch(`${baseUrl}/api/v1/history/boeblingen-demo/range`, { headers: { 'X-Forwarded-For': from } });

describe('the history over HTTP', () => {
  it('answers an address its burst, then 429 with when to try again; other addresses go on', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await range('198.51.100.1')).status);
    expect(statuses).toEqual([200, 200, 200]);
    const refused = await range('198.51.100.1');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.json()).toEqual({
      error: 'too many history requests from this address; try again shortly',
    });
    expect((await range('198.51.100.2')).status).toBe(200);
  });
});
