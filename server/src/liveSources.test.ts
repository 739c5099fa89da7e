/**
 * Live sources wired into the real server: a city pack's own `sources.json` (a ParkenDD feed served
 * by a stand-in with the real Herrenberg sample) feeds the pack's garages instead of the simulator;
 * the file itself is never served; the operator API reports the sources and every dead letter; and a
 * wrong source setup stops the start with a sentence naming the file, the source and the problem.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from './app.ts';
import { createApp } from './app.ts';
import { createManualClock } from './clock.ts';
import type { ManualClock } from './clock.ts';
import type { Config } from './config.ts';
import { ConfigError, loadConfig } from './config.ts';
import { copyDemoPack } from './testing/copyDemoPack.ts';
import { fixture } from '../../scripts/fixtures/fixturesDir.ts';
import { describeWithFixtures } from '../../scripts/fixtures/withFixtures.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const HERRENBERG = fixture('parkapi/herrenberg-parkendd-v1-lots.json');
/** Five minutes after the sample's `last_updated` (12:20:03; ParkenDD times are UTC). */
const T0 = Date.UTC(2025, 1, 25, 12, 25, 0);
const OPERATOR_KEY = 'leitstelle-test-key-0123456789';
const PUSH_KEY = 'stadtwerke-test-key-0123456789';

let feed: Server;
let feedUrl: string;
let feedRequests = 0;

beforeAll(async () => {
  // The sample is read per request: only the pack that polls this feed needs it, and the tests of
  // that pack are skipped where the sample files are missing.
  feed = createServer((_req, res) => {
    feedRequests += 1;
    res.writeHead(200, { 'content-type': 'application/json' }).end(readFileSync(HERRENBERG));
  });
  await new Promise<void>((resolve) => feed.listen(0, '127.0.0.1', resolve));
  feedUrl = `http://127.0.0.1:${(feed.address() as AddressInfo).port}/herrenberg/lots`;
});

afterAll(async () => {
  feed.closeAllConnections();
  await new Promise<void>((resolve) => feed.close(() => resolve()));
});

function makeDataDir(sources: unknown): string {
  const dataDir = mkdtempSync(join(tmpdir(), 'citytwin-sources-'));
  const packDir = copyDemoPack({ dataDir, id: 'boeblingen-demo', name: 'Böblingen (Demo)' });
  if (sources !== undefined) writeFileSync(join(packDir, 'sources.json'), JSON.stringify(sources));
  return dataDir;
}

function configFor(dataDir: string, extra: Partial<Config> = {}): Config {
  const config = loadConfig({
    env: { PORT: '0', HOST: '127.0.0.1', CITYTWIN_LOG_LEVEL: 'silent', CITYTWIN_DATA_DIR: dataDir },
  });
  return { ...config, ...extra };
}

const parkingSources = () => ({
  sources: [
    {
      type: 'parking',
      id: 'herrenberg-parken',
      format: 'parkendd',
      url: feedUrl,
      pollIntervalMs: 60_000,
      lots: [
        { sourceId: 'herrenbergaltstadtgarage', sensorId: 'parking-elbenplatz' },
        { sourceId: 'herrenbergbronntor', sensorId: 'parking-bahnhofstrasse' },
      ],
    },
  ],
});

async function waitFor(check: () => boolean, what: string): Promise<void> {
  const until = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describeWithFixtures('a city pack with its own sources.json', () => {
  let app: App;
  let baseUrl: string;
  let dataDir: string;
  let clock: ManualClock;

  beforeAll(async () => {
    dataDir = makeDataDir(parkingSources());
    clock = createManualClock(T0);
    app = await createApp(
      configFor(dataDir, {
        operatorApiKey: OPERATOR_KEY,
        sources: [{ type: 'push', id: 'stadtwerke', apiKey: PUSH_KEY }],
      }),
      { clock, rootDir: repoRoot, history: null, autoTick: false },
    );
    baseUrl = `http://127.0.0.1:${await app.listen()}`;
  });

  afterAll(async () => {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('feeds the mapped garages from the feed, and the simulator leaves them alone', async () => {
    await waitFor(
      () => app.hub.state('parking-bahnhofstrasse')?.observation !== null,
      'the feed readings in the hub',
    );
    expect(feedRequests).toBeGreaterThanOrEqual(1);
    // Altstadtgarage: 97 spaces, 60 free, at 12:20:03 UTC.
    expect(app.hub.state('parking-elbenplatz')?.observation).toMatchObject({
      observedAt: Date.UTC(2025, 1, 25, 12, 20, 3, 588),
      values: { freeSpaces: 60, occupiedSpaces: 37 },
    });
    app.simulator?.poll();
    expect(app.hub.state('parking-elbenplatz')?.observation?.values.freeSpaces).toBe(60);
    // Garages no source maps are still simulated.
    expect(app.hub.state('parking-mercaden')?.observation).not.toBeNull();
  });

  it('never serves the pack’s sources.json, however the path is spelt', async () => {
    for (const path of [
      'sources.json',
      'sources%2Ejson',
      '%73ources.json',
      '.%2Fsources.json',
      'SOURCES.json',
    ]) {
      const response = await fetch(`${baseUrl}/data/boeblingen-demo/${path}`);
      expect(response.status, path).toBe(404);
      expect(await response.text()).not.toContain('127.0.0.1');
    }
    expect((await fetch(`${baseUrl}/data/boeblingen-demo/%E0%A4%A`)).status).toBe(400);
  });

  it('stops simulating a sensor once a push source has fed it', async () => {
    const observedAt = T0 + 1000;
    const push = await fetch(`${baseUrl}/api/v1/observations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${PUSH_KEY}` },
      body: JSON.stringify({ sensorId: 'parking-postplatz', observedAt, values: { freeSpaces: 77 } }),
    });
    expect(push.status).toBe(200);
    clock.advance(120_000);
    app.simulator?.poll();
    expect(app.hub.state('parking-postplatz')?.observation).toMatchObject({
      observedAt,
      values: { freeSpaces: 77 },
    });
    // Its neighbours, fed by nothing else, still move with the simulator.
    expect(app.hub.lastSourceOf('parking-mercaden')).toBe('simulator');
  });

  it('reports every source to the operator, without its URL', async () => {
    expect((await fetch(`${baseUrl}/api/v1/operator/sources`)).status).toBe(401);
    const response = await fetch(`${baseUrl}/api/v1/operator/sources`, {
      headers: { authorization: `Bearer ${OPERATOR_KEY}` },
    });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).not.toContain(feedUrl);
    const { sources } = JSON.parse(text) as {
      sources: { id: string; type: string; cityId: string; state?: { lastOutcome?: string } }[];
    };
    expect(sources.map((s) => [s.id, s.type, s.cityId])).toEqual([
      ['stadtwerke', 'push', 'boeblingen-demo'],
      ['herrenberg-parken', 'parking', 'boeblingen-demo'],
    ]);
    expect(sources[1]?.state?.lastOutcome).toBe('delivered');
  });

  it('lists every source’s dead letters to the operator, filtered on request', async () => {
    const bad = JSON.stringify({
      sensorId: 'parking-elbenplatz',
      observedAt: T0,
      values: { freeSpaces: -1 },
    });
    const push = await fetch(`${baseUrl}/api/v1/observations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${PUSH_KEY}` },
      body: bad,
    });
    expect(push.status).toBe(422);
    const answer = await fetch(
      `${baseUrl}/api/v1/operator/dead-letters?source=stadtwerke&reason=implausible-value`,
      { headers: { 'x-api-key': OPERATOR_KEY } },
    );
    const { total, deadLetters } = (await answer.json()) as {
      total: number;
      deadLetters: { cityId: string; source: string; reason: string; message: string }[];
    };
    expect(total).toBe(1);
    expect(deadLetters[0]).toMatchObject({
      cityId: 'boeblingen-demo',
      source: 'stadtwerke',
      reason: 'implausible-value',
    });
    expect(deadLetters[0]?.message).toContain('freeSpaces = -1');
    const tooMany = await fetch(`${baseUrl}/api/v1/operator/dead-letters?limit=0`, {
      headers: { 'x-api-key': OPERATOR_KEY },
    });
    expect(tooMany.status).toBe(400);
  });
});

describe('source setup errors', () => {
  const cleanup: string[] = [];
  afterAll(() => {
    for (const dir of cleanup) rmSync(dir, { recursive: true, force: true });
  });

  async function startError(sources: unknown, extra: Partial<Config> = {}, env = {}): Promise<string> {
    const dataDir = makeDataDir(sources);
    cleanup.push(dataDir);
    try {
      const app = await createApp(configFor(dataDir, extra), {
        rootDir: repoRoot,
        history: null,
        autoTick: false,
        env,
      });
      await app.close();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message;
    }
    throw new Error('the app started');
  }

  it('names a mapping to a sensor the registry does not have', async () => {
    const sources = parkingSources();
    const first = sources.sources[0];
    if (first) first.lots[1] = { sourceId: 'herrenbergbronntor', sensorId: 'parking-gibts-nicht' };
    expect(await startError(sources)).toMatch(
      /source herrenberg-parken \(data\/boeblingen-demo\/sources.json\): maps to "parking-gibts-nicht", not in the sensor registry/,
    );
  });

  it('refuses an API key written into a pack', async () => {
    expect(
      await startError({ sources: [{ type: 'push', id: 'im-paket', apiKey: 'a-key-that-is-long-enough' }] }),
    ).toMatch(/sources.0 \(im-paket\): an API key may not be written into a city pack/);
  });

  it('names the wrong field of a pack source', async () => {
    const message = await startError({ sources: [{ type: 'parking', id: 'x', format: 'parkapi-v9' }] });
    expect(message).toContain('data/boeblingen-demo/sources.json');
    expect(message).toContain('sources.0.format');
  });

  it('names a password variable that is not set', async () => {
    const message = await startError(undefined, {
      sources: [
        {
          type: 'mqtt',
          id: 'ttn',
          url: 'mqtt://127.0.0.1:1',
          format: 'tts',
          topics: ['v3/+/devices/+/up'],
          passwordEnv: 'TTN_API_KEY',
          devices: [],
        },
      ],
    });
    expect(message).toContain('the environment variable TTN_API_KEY (its password) is not set');
  });

  it('refuses a feed URL with a password in it', async () => {
    const sources = parkingSources();
    const first = sources.sources[0];
    if (first) first.url = 'https://stadt:geheim@parken.example/lots';
    const message = await startError(sources);
    expect(message).toContain('sources.0.url');
    expect(message).toContain('no user or password in the URL');
  });

  it('names an operator key variable that is not set', async () => {
    expect(await startError(undefined, { operatorApiKeyEnv: 'LEITSTELLE_KEY' })).toContain(
      'the environment variable LEITSTELLE_KEY must hold a key of at least 16 characters',
    );
  });

  it('refuses two sources with one id', async () => {
    const message = await startError(parkingSources(), {
      sources: [{ type: 'push', id: 'herrenberg-parken', apiKey: PUSH_KEY }],
    });
    expect(message).toMatch(
      /source herrenberg-parken \(data\/boeblingen-demo\/sources.json\): the id is already used/,
    );
  });
});

describe('the operator API without a key', () => {
  it('is off, and says how to turn it on', async () => {
    const dataDir = makeDataDir(undefined);
    const app = await createApp(configFor(dataDir), { rootDir: repoRoot, history: null, autoTick: false });
    try {
      const baseUrl = `http://127.0.0.1:${await app.listen()}`;
      const response = await fetch(`${baseUrl}/api/v1/operator/dead-letters`);
      expect(response.status).toBe(404);
      expect(((await response.json()) as { error: string }).error).toContain('CITYTWIN_OPERATOR_API_KEY');
    } finally {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
