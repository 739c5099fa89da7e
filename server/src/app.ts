/**
 * `createApp(config, components)` builds the whole server: HTTP routes, static files, Socket.io, the
 * hub and the ingest sources. `index.ts` only wires it to the process. Tests inject a manual clock,
 * a city pack or no simulator.
 */
import compression from 'compression';
import express from 'express';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { Server } from 'socket.io';
import type { CityInfo, CityList } from '../../protocol/index.ts';
import { PROTOCOL_VERSION } from '../../protocol/index.ts';
import type { SimulatorAdapter } from './adapters/simulator/simulatorAdapter.ts';
import { createSimulatorAdapter } from './adapters/simulator/simulatorAdapter.ts';
import type { CityPack } from './cityPack/loadCityPack.ts';
import { loadCityPack } from './cityPack/loadCityPack.ts';
import { discoverCityPacks } from './cityPack/discoverCityPacks.ts';
import type { Clock } from './clock.ts';
import { createSystemClock } from './clock.ts';
import type { Config } from './config.ts';
import { ConfigError } from './config.ts';
import type { PushSource } from './adapters/push/pushRoute.ts';
import { createPushRouter } from './adapters/push/pushRoute.ts';
import type { MqttAdapter } from './adapters/mqtt/mqttAdapter.ts';
import { createMqttAdapter } from './adapters/mqtt/mqttAdapter.ts';
import type { ReplaySource } from './adapters/replay/replay.ts';
import { createReplaySource } from './adapters/replay/replay.ts';
import { clientStatic, dataStatic } from './http/staticFiles.ts';
import { Hub } from './hub/hub.ts';
import type { LiveServer } from './live/liveGateway.ts';
import { attachLiveGateway } from './live/liveGateway.ts';
import type { Logger } from './logger.ts';
import { createLogger } from './logger.ts';
import type { AppMetrics } from './metrics.ts';
import { createMetrics } from './metrics.ts';

/** Parts a caller may supply instead of the defaults. */
export interface AppComponents {
  clock?: Clock;
  /** The only pack to serve (the configured city); packs are not looked for in the data folder then. */
  pack?: CityPack;
  /**
   * Further packs to serve beside `pack` (tests). Without `pack`, the server loads the configured
   * city and every other pack in the data folder; one that fails to load is logged and left out.
   */
  extraPacks?: readonly CityPack[];
  logger?: Logger;
  metrics?: AppMetrics;
  /** Folder the relative paths in the config resolve against; the working directory by default. */
  rootDir?: string;
  /** Environment for keys named by `apiKeyEnv`; `process.env` by default. */
  env?: NodeJS.ProcessEnv;
  /** Run the hub's tick on a timer (default). Tests that drive `hub.tick()` themselves turn it off. */
  autoTick?: boolean;
}

/** One served city: its pack, its hub and, when its sensors are simulated, the simulator. */
export interface CityLive {
  readonly pack: CityPack;
  readonly hub: Hub;
  readonly simulator: SimulatorAdapter | undefined;
}

export interface App {
  config: Config;
  /** The default city's pack, hub and simulator (the configured `city`). */
  pack: CityPack;
  hub: Hub;
  /** Every served city by id, the default one first. */
  cities: ReadonlyMap<string, CityLive>;
  clock: Clock;
  metrics: AppMetrics;
  httpServer: HttpServer;
  io: LiveServer;
  simulator: SimulatorAdapter | undefined;
  /** The MQTT sources of the config, in order. */
  mqtt: readonly MqttAdapter[];
  /** Starts listening and the sources; resolves with the bound port. */
  listen(): Promise<number>;
  close(): Promise<void>;
}

export async function createApp(config: Config, components: AppComponents = {}): Promise<App> {
  const rootDir = resolve(components.rootDir ?? process.cwd());
  const logger = components.logger ?? createLogger(config.logLevel);
  const clock = components.clock ?? createSystemClock(config.simulator.timeScale);
  const metrics = components.metrics ?? createMetrics();
  const dataDir = resolve(rootDir, config.dataDir);
  const pack = components.pack ?? (await loadCityPack(join(dataDir, config.city)));
  const clientDir = resolve(rootDir, config.clientDir);
  const tilesDir = resolve(rootDir, config.tilesDir);

  const packs: CityPack[] = [pack];
  if (components.pack) {
    packs.push(...(components.extraPacks ?? []));
  } else {
    for (const cityId of discoverCityPacks(dataDir)) {
      if (cityId === pack.city.id) continue;
      try {
        packs.push(await loadCityPack(join(dataDir, cityId)));
      } catch (error) {
        // One broken pack must not take the others down; the log says what to fix.
        logger.error(`city pack ${cityId} left out: it cannot be loaded`, {
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
  }

  const cities = new Map<string, CityLive>();
  for (const cityPack of packs) {
    const cityId = cityPack.city.id;
    if (cities.has(cityId)) throw new Error(`two city packs have the id ${cityId}`);
    const cityHub = new Hub({
      sensors: cityPack.sensors,
      clock,
      metrics,
      deadLetterLimit: config.deadLetterLimit,
    });
    const simulator =
      config.simulator.enabled && cityPack.sensors.length > 0
        ? createSimulatorAdapter({
            sensors: cityPack.sensors,
            seed: config.simulator.seed,
            clock,
            timeZone: cityPack.city.timezone,
            emit: (observation) => {
              const result = cityHub.ingest(observation, 'simulator');
              if (!result.accepted)
                logger.warn('simulator reading rejected', {
                  city: cityId,
                  reason: result.rejection.message,
                });
            },
          })
        : undefined;
    cities.set(cityId, { pack: cityPack, hub: cityHub, simulator });
  }
  const defaultCity = cities.get(pack.city.id) as CityLive;

  const env = components.env ?? process.env;
  const pushSources: PushSource[] = config.sources.flatMap((source) => {
    if (source.type !== 'push') return [];
    const apiKey = source.apiKey ?? (source.apiKeyEnv ? env[source.apiKeyEnv] : undefined);
    if (!apiKey || apiKey.length < 16)
      throw new ConfigError(
        `push source ${source.id}: no API key of at least 16 characters (set "apiKey", or "apiKeyEnv" and that environment variable)`,
      );
    const cityId = source.city ?? pack.city.id;
    if (!cities.has(cityId))
      throw new ConfigError(
        `push source ${source.id}: no city pack "${cityId}" (served: ${[...cities.keys()].join(', ')})`,
      );
    return [{ id: source.id, cityId, apiKey }];
  });
  const replays: ReplaySource[] = config.sources.flatMap((source) => {
    if (source.type !== 'replay') return [];
    const city = cities.get(source.city ?? pack.city.id);
    if (!city) throw new ConfigError(`replay source ${source.id}: no city pack "${source.city ?? ''}"`);
    return [
      createReplaySource({
        id: source.id,
        file: resolve(rootDir, source.file),
        speed: source.speed,
        loop: source.loop,
        hub: city.hub,
        logger,
        now: () => clock.now(),
      }),
    ];
  });
  const mqttAdapters: MqttAdapter[] = config.sources.flatMap((source) => {
    if (source.type !== 'mqtt') return [];
    const city = cities.get(source.city ?? pack.city.id);
    if (!city) throw new ConfigError(`mqtt source ${source.id}: no city pack "${source.city ?? ''}"`);
    const password = source.passwordEnv ? env[source.passwordEnv] : undefined;
    if (source.passwordEnv && !password)
      throw new ConfigError(
        `mqtt source ${source.id}: the environment variable ${source.passwordEnv} is not set`,
      );
    return [
      createMqttAdapter({
        source: {
          ...source,
          clientId: source.clientId ?? `citytwin-${city.pack.city.id}-${source.id}`,
          password,
        },
        hub: city.hub,
        logger,
      }),
    ];
  });
  const duplicateKey = pushSources.find((a, i) => pushSources.some((b, j) => j < i && b.apiKey === a.apiKey));
  if (duplicateKey)
    throw new ConfigError(`push source ${duplicateKey.id}: its API key is also another source's`);
  const hub = defaultCity.hub;

  const web = express();
  web.disable('x-powered-by');
  web.use(compression());

  web.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  let listening = false;
  web.get('/readyz', (_req, res) => {
    const checks = {
      listening,
      cityPack: true,
      clientBuild: existsSync(join(clientDir, 'index.html')),
      tiles: [...cities.keys()].every((cityId) => existsSync(join(tilesDir, cityId, 'tileset.json'))),
    };
    const ready = Object.values(checks).every(Boolean);
    res.status(ready ? 200 : 503).json({ ready, checks });
  });

  web.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', metrics.registry.contentType);
    res.send(await metrics.registry.metrics());
  });

  const cityInfo = (cityPack: CityPack): CityInfo => ({
    city: cityPack.city,
    layers: cityPack.layers,
    // Roles arrive with authentication; until then everyone gets the public view.
    sensors: cityPack.sensors.filter((s) => s.visibility === 'public'),
    protocolVersion: PROTOCOL_VERSION,
  });

  web.get('/api/v1/cities', (_req, res) => {
    const body: CityList = {
      defaultCityId: pack.city.id,
      cities: [...cities.values()].map(({ pack: { city } }) => ({
        id: city.id,
        name: city.name,
        synthetic: city.synthetic,
      })),
    };
    res.setHeader('Cache-Control', 'no-cache');
    res.json(body);
  });

  web.get('/api/v1/city', (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.json(cityInfo(pack));
  });

  web.get('/api/v1/cities/:cityId', (req, res) => {
    const city = cities.get(req.params.cityId);
    res.setHeader('Cache-Control', 'no-cache');
    if (!city) {
      res.status(404).json({
        error: `no city pack "${req.params.cityId}"; this server has ${[...cities.keys()].join(', ')}`,
      });
      return;
    }
    res.json(cityInfo(city.pack));
  });

  web.use(
    createPushRouter({
      sources: pushSources,
      hubFor: (cityId) => cities.get(cityId)?.hub,
      logger,
    }),
  );

  web.use('/api', (_req, res) => {
    res.status(404).json({ error: 'no such API route' });
  });
  for (const cityId of cities.keys()) web.use(`/data/${cityId}`, dataStatic(join(dataDir, cityId)));
  web.use('/tiles', dataStatic(tilesDir));
  web.use(clientStatic(clientDir));
  web.use((req, res) => {
    if (req.path === '/' || req.path === '/index.html') {
      res
        .status(503)
        .type('text/plain; charset=utf-8')
        .send('The viewer is not built yet. Run "npm start" (it builds what is missing) or "npm run build".');
      return;
    }
    res.status(404).type('text/plain; charset=utf-8').send(`Not found: ${req.path}`);
  });

  const httpServer = createServer(web);
  const io: LiveServer = new Server(httpServer, { serveClient: false });
  attachLiveGateway(io, {
    hubs: new Map([...cities].map(([cityId, city]) => [cityId, city.hub])),
    defaultCityId: pack.city.id,
    clock,
    metrics,
    logger,
  });
  const simulator = defaultCity.simulator;

  let tickTimer: NodeJS.Timeout | undefined;
  const tick = () => {
    const end = metrics.tickDuration.startTimer();
    try {
      for (const [cityId, city] of cities) {
        try {
          city.hub.tick();
        } catch (error) {
          logger.error('tick failed', { city: cityId, error: (error as Error).stack });
        }
      }
    } finally {
      end();
    }
  };

  return {
    config,
    pack,
    hub,
    cities,
    clock,
    metrics,
    httpServer,
    io,
    simulator,
    mqtt: mqttAdapters,
    async listen() {
      await new Promise<void>((resolveListen, rejectListen) => {
        httpServer.once('error', rejectListen);
        httpServer.listen(config.port, config.host, () => {
          httpServer.off('error', rejectListen);
          resolveListen();
        });
      });
      for (const city of cities.values()) city.simulator?.start();
      for (const adapter of mqttAdapters) adapter.start();
      for (const replay of replays)
        replay.start().catch((error: unknown) =>
          logger.error('replay failed to start', {
            error: error instanceof Error ? error.message : String(error),
          }),
        );
      if (components.autoTick ?? true) {
        tickTimer = setInterval(tick, 1000 / config.tickHz);
      }
      listening = true;
      const port = (httpServer.address() as AddressInfo).port;
      logger.info(`citytwin serving ${pack.city.name} on http://localhost:${port}`, {
        sensors: pack.sensors.length,
        cities: [...cities.keys()],
        simulator: simulator ? { seed: config.simulator.seed, timeScale: config.simulator.timeScale } : false,
      });
      return port;
    },
    async close() {
      listening = false;
      if (tickTimer) clearInterval(tickTimer);
      for (const city of cities.values()) city.simulator?.stop();
      await Promise.all(mqttAdapters.map((adapter) => adapter.stop()));
      for (const replay of replays) replay.stop();
      await new Promise<void>((resolveClose) => {
        io.close(() => resolveClose());
      });
      if (httpServer.listening) await new Promise<void>((r) => httpServer.close(() => r()));
    },
  };
}
