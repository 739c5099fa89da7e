/**
 * Several city packs in one data folder: the server serves each with its own hub, lists them for the
 * viewer's town switcher, connects sockets to the city they ask for, and leaves a broken pack out
 * without taking the others down.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { io as connect } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  Ack,
  ClientToServerEvents,
  Hello,
  ServerToClientEvents,
  Snapshot,
} from '../../protocol/index.ts';
import { CityInfoSchema, CityListSchema, PROTOCOL_VERSION } from '../../protocol/index.ts';
import type { App } from './app.ts';
import { createApp } from './app.ts';
import { createManualClock } from './clock.ts';
import { discoverCityPacks } from './cityPack/discoverCityPacks.ts';
import { loadConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { copyDemoPack } from './testing/copyDemoPack.ts';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const T0 = Date.UTC(2026, 10, 18, 9, 0, 0);

let app: App;
let baseUrl: string;
let dataDir: string;
const logLines: string[] = [];
const sockets: ClientSocket[] = [];

function openSocket(auth: Record<string, unknown>): ClientSocket {
  const socket: ClientSocket = connect(baseUrl, {
    auth: { protocolVersion: PROTOCOL_VERSION, ...auth },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  sockets.push(socket);
  return socket;
}

function connected(socket: ClientSocket): Promise<Hello> {
  return new Promise((resolve, reject) => {
    socket.once('server:hello', resolve);
    socket.once('connect_error', reject);
  });
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'citytwin-cities-'));
  copyDemoPack({ dataDir, id: 'boeblingen-demo', name: 'Böblingen (Demo)' });
  copyDemoPack({ dataDir, id: 'sindelfingen-test', name: 'Sindelfingen (Test)', sensorKinds: ['parking'] });
  // A pack whose city.json is not JSON: left out with a log line naming it.
  mkdirSync(join(dataDir, 'kaputt'));
  writeFileSync(join(dataDir, 'kaputt', 'city.json'), '{ "id": "kaputt", ');
  // Not a pack: no city.json.
  mkdirSync(join(dataDir, 'notes'));

  const config = loadConfig({ env: { PORT: '0', HOST: '127.0.0.1', CITYTWIN_LOG_LEVEL: 'silent' } });
  app = await createApp(
    { ...config, dataDir },
    {
      clock: createManualClock(T0),
      rootDir: repoRoot,
      history: null,
      autoTick: false,
      logger: createLogger('error', (line) => logLines.push(line)),
    },
  );
  baseUrl = `http://127.0.0.1:${await app.listen()}`;
});

afterAll(async () => {
  for (const socket of sockets.splice(0)) socket.disconnect();
  await app.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('several city packs', () => {
  it('finds the pack folders of the data folder', () => {
    expect(discoverCityPacks(dataDir)).toEqual(['boeblingen-demo', 'kaputt', 'sindelfingen-test']);
    expect(discoverCityPacks(join(dataDir, 'missing'))).toEqual([]);
  });

  it('lists the packs that loaded, the configured one as default, and logs the broken one', async () => {
    const list = CityListSchema.parse(await (await fetch(`${baseUrl}/api/v1/cities`)).json());
    expect(list.defaultCityId).toBe('boeblingen-demo');
    expect(list.cities).toEqual([
      { id: 'boeblingen-demo', name: 'Böblingen (Demo)', synthetic: true },
      { id: 'sindelfingen-test', name: 'Sindelfingen (Test)', synthetic: true },
    ]);
    expect(
      logLines.some((line) => line.includes('city pack kaputt left out') && line.includes('city.json')),
    ).toBe(true);
  });

  it('serves each city its own info and data, and names the known ones for an unknown id', async () => {
    const info = CityInfoSchema.parse(
      await (await fetch(`${baseUrl}/api/v1/cities/sindelfingen-test`)).json(),
    );
    expect(info.city.name).toBe('Sindelfingen (Test)');
    expect(info.sensors.length).toBeGreaterThan(0);
    expect(info.sensors.every((s) => s.kind === 'parking')).toBe(true);
    const roads = await fetch(`${baseUrl}/data/sindelfingen-test/roads.geojson`);
    expect(roads.status).toBe(200);

    const missing = await fetch(`${baseUrl}/api/v1/cities/heilbronn`);
    expect(missing.status).toBe(404);
    const body = (await missing.json()) as { error: string };
    // The answer names the served packs but does not repeat what was asked for.
    expect(body.error).toMatch(/^no such city pack; this server has /);
    expect(body.error).not.toContain('heilbronn');
    expect(body.error).toContain('sindelfingen-test');
    expect((await fetch(`${baseUrl}/data/kaputt/city.json`)).status).toBe(404);
  });

  it('connects a socket to the city it asks for, with that city only', async () => {
    const sindelfingen = openSocket({ cityId: 'sindelfingen-test' });
    const boeblingen = openSocket({});
    const [helloS, helloB] = await Promise.all([connected(sindelfingen), connected(boeblingen)]);
    expect(helloS.cityId).toBe('sindelfingen-test');
    expect(helloB.cityId).toBe('boeblingen-demo');

    const request = { protocolVersion: PROTOCOL_VERSION, kinds: ['parking', 'traffic'] as const };
    const ackS: Ack<Snapshot> = await sindelfingen.timeout(5000).emitWithAck('live:subscribe', {
      ...request,
      kinds: [...request.kinds],
    });
    const ackB: Ack<Snapshot> = await boeblingen.timeout(5000).emitWithAck('live:subscribe', {
      ...request,
      kinds: [...request.kinds],
    });
    if (!ackS.ok || !ackB.ok) throw new Error('subscribe failed');
    const sindelfingenSensors = app.cities.get('sindelfingen-test')?.pack.sensors ?? [];
    expect(ackS.data.states.map((s) => s.sensorId).sort()).toEqual(
      sindelfingenSensors.map((s) => s.id).sort(),
    );
    expect(ackB.data.states.some((s) => s.sensorId.startsWith('traffic-'))).toBe(true);
    // Each city's simulator reported into its own hub.
    expect(ackS.data.states.every((s) => s.freshness === 'live')).toBe(true);
  });

  it('refuses a socket for a city it does not serve, naming the ones it does', async () => {
    const socket = openSocket({ cityId: 'heilbronn' });
    const error = await connected(socket).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    // The refusal names what the server has, not what the client sent.
    expect(error?.message).toBe(
      'This server has no such city; it serves boeblingen-demo, sindelfingen-test.',
    );
  });

  it('is ready only when every served city has its tiles', async () => {
    const ready = (await (await fetch(`${baseUrl}/readyz`)).json()) as { checks: { tiles: boolean } };
    // The test data folder's copies have no tiles built under tiles/output/sindelfingen-test.
    expect(ready.checks.tiles).toBe(false);
  });
});
