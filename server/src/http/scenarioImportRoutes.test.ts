/**
 * Planners' imports over HTTP never stall the twin: a CityGML nested 60,000 levels deep is refused
 * at once by the depth limit, a 20 MB CityJSON is read in a worker while health checks and socket
 * round trips are answered, and an import over its time or memory limit is refused with what to do
 * (422, 413), a busy server says when to try again (503, Retry-After), and the next import is read.
 * A real server on port 0 with the demo pack, one per set of limits.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScenarioImportResult } from '../../../protocol/index.ts';
import { PROTOCOL_VERSION } from '../../../protocol/index.ts';
import { createApp, type App } from '../app.ts';
import { loadConfig } from '../config.ts';
import { createImportRunner, type ImportRunnerOptions } from '../scenarios/importRunner.ts';
import { deepCityGml, generatedCityJson } from '../testing/generatedCityModels.ts';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const PLANNER = 'planung-key-0123456789';
const PLACE = 'lon=9.0154&lat=48.6848';
/** Big enough that reading it takes seconds and hundreds of MiB of heap. */
const LARGE_BYTES = 20 * 1024 * 1024;

let dir: string;
let largeFile: Uint8Array | undefined;
/** The 20 MB CityJSON, generated once for the tests that need it. */
const large = () => (largeFile ??= new TextEncoder().encode(generatedCityJson(LARGE_BYTES)));

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'citytwin-imports-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Starts a server whose imports run under `limits`; `reading` resolves when a file's worker starts reading it. */
function serverWith(limits: ImportRunnerOptions) {
  let app: App | undefined;
  let baseUrl = '';
  const readers: ((fileName: string) => void)[] = [];
  beforeAll(async () => {
    const base = loadConfig({
      env: { PORT: '0', HOST: '127.0.0.1', CITYTWIN_LOG_LEVEL: 'silent', CITYTWIN_SIMULATOR: 'off' },
    });
    const config = {
      ...base,
      accessKeys: [{ id: 'stadtplanung', role: 'planner' as const, apiKey: PLANNER }],
      scenariosDir: join(dir, 'scenarios'),
      incidentsFile: join(dir, 'incidents.json'),
    };
    const importRunner = createImportRunner({
      ...limits,
      onReading: (request) => {
        for (const reader of readers.splice(0)) reader(request.fileName);
      },
    });
    app = await createApp(config, { rootDir: repoRoot, history: null, autoTick: false, importRunner });
    baseUrl = `http://127.0.0.1:${await app.listen()}`;
  });
  afterAll(async () => {
    await app?.close();
  });
  return {
    post: (fileName: string, body: Uint8Array, query = '') =>
      fetch(`${baseUrl}/api/v1/cities/boeblingen-demo/scenario-imports?name=${fileName}&${query}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/octet-stream', Authorization: `Bearer ${PLANNER}` },
        body: new Uint8Array(body),
      }),
    healthz: () => fetch(`${baseUrl}/healthz`),
    /** Resolves with the name of the next file a worker starts reading. */
    reading: () => new Promise<string>((resolve) => readers.push(resolve)),
    /** A socket.io round trip: a visitor connects and lists the scenarios. */
    socketRoundTrip: async () => {
      const socket = connect(baseUrl, {
        auth: { protocolVersion: PROTOCOL_VERSION },
        transports: ['websocket'],
        forceNew: true,
      });
      try {
        await new Promise<void>((resolve, reject) => {
          socket.once('server:hello', () => resolve());
          socket.once('connect_error', reject);
        });
        return await new Promise<{ ok: boolean }>((resolve) => socket.emit('scenario:list', resolve));
      } finally {
        socket.disconnect();
      }
    },
  };
}

const errorOf = async (response: Response) => ((await response.json()) as { error: string }).error;
/** One generated house: read in milliseconds, well within any limit below. */
const oneHouse = () => new TextEncoder().encode(generatedCityJson(1));

describe('imports with the default time and memory limits, one at a time and one waiting', () => {
  const server = serverWith({ concurrency: 1, maxWaiting: 1, maxWaitS: 300 });

  it('refuses a CityGML nested 60,000 levels deep at the depth limit, and keeps answering', async () => {
    const deep = new TextEncoder().encode(deepCityGml(60_000));
    const [answer, health] = await Promise.all([server.post('tief.gml', deep, PLACE), server.healthz()]);
    expect(health.status).toBe(200);
    expect(answer.status).toBe(400);
    const error = await errorOf(answer);
    // CityModel, cityObjectMember and Building are levels 1 to 3, one to a line from line 2.
    expect(error).toBe(
      'no building could be imported from tief.gml: the XML nests elements deeper than 256 levels at line 257; ' +
        'a CityGML building is a few dozen levels deep, so the file was not read further',
    );
    expect((await server.healthz()).status).toBe(200);
    const next = await server.post(
      'haeuser.city.json',
      new TextEncoder().encode(generatedCityJson(64 * 1024)),
      PLACE,
    );
    expect(next.status).toBe(200);
    expect(((await next.json()) as ScenarioImportResult).buildings.length).toBeGreaterThan(10);
  });

  it('reads a 20 MB CityJSON in a worker while health checks, socket round trips and a busy 503 are answered', async () => {
    const file = large();
    const reading = server.reading();
    let answered = false;
    const answer = server.post('stadtteil.city.json', file).then((response) => {
      answered = true;
      return response;
    });
    expect(await reading).toBe('stadtteil.city.json');
    // The worker is reading: the event loop is free for everything else.
    expect((await server.healthz()).status).toBe(200);
    expect(answered).toBe(false);
    expect((await server.socketRoundTrip()).ok).toBe(true);
    expect(answered).toBe(false);
    // One more waits its turn; the next finds the queue full.
    const waiting = server.post('haus.city.json', oneHouse());
    const busy = await server.post('haus.city.json', oneHouse());
    expect(busy.status).toBe(503);
    expect(busy.headers.get('retry-after')).toBe('60');
    expect(await errorOf(busy)).toBe(
      'the server is busy with other imports (1 at a time, 1 waiting); try again in 60 s',
    );
    expect(answered).toBe(false);
    const response = await answer;
    expect(response.status).toBe(200);
    const result = (await response.json()) as ScenarioImportResult;
    expect(result.format).toBe('cityjson');
    expect(result.sourceCrs).toBe('EPSG:25832');
    expect(result.buildings).toHaveLength(500);
    expect(result.notes).toContainEqual({ message: 'only the first 500 buildings were imported' });
    expect((await waiting).status).toBe(200);
  }, 120_000);
});

describe('imports over the time limit', () => {
  const server = serverWith({ timeLimitS: 0.5 });

  it('ends an import over its time with 422 and what to do, then reads the next', async () => {
    const refused = await server.post('stadtteil.city.json', large());
    expect(refused.status).toBe(422);
    expect(await errorOf(refused)).toBe(
      'reading the file took longer than the 0.5 s an import may take: ' +
        'split it into smaller files (a few blocks each) and import them one by one',
    );
    expect((await server.healthz()).status).toBe(200);
    const next = await server.post('haus.city.json', oneHouse());
    expect(next.status).toBe(200);
    expect(((await next.json()) as ScenarioImportResult).buildings).toHaveLength(1);
  }, 120_000);
});

describe('imports over the memory limit', () => {
  const server = serverWith({ memoryLimitMiB: 96 });

  it('ends an import over its memory with 413 and what to do, then reads the next', async () => {
    const refused = await server.post('stadtteil.city.json', large());
    expect(refused.status).toBe(413);
    expect(await errorOf(refused)).toBe(
      'reading the file needs more than the 96 MiB an import may use: ' +
        'split it into smaller files (a few blocks each) and import them one by one',
    );
    expect((await server.healthz()).status).toBe(200);
    const next = await server.post('haus.city.json', oneHouse());
    expect(next.status).toBe(200);
    expect(((await next.json()) as ScenarioImportResult).buildings).toHaveLength(1);
  }, 120_000);
});
