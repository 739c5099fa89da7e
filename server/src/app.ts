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
import type { CityInfo } from '../../protocol/index.ts';
import { PROTOCOL_VERSION } from '../../protocol/index.ts';
import type { SimulatorAdapter } from './adapters/simulator/simulatorAdapter.ts';
import { createSimulatorAdapter } from './adapters/simulator/simulatorAdapter.ts';
import type { CityPack } from './cityPack/loadCityPack.ts';
import { loadCityPack } from './cityPack/loadCityPack.ts';
import type { Clock } from './clock.ts';
import { createSystemClock } from './clock.ts';
import type { Config } from './config.ts';
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
  pack?: CityPack;
  logger?: Logger;
  metrics?: AppMetrics;
  /** Folder the relative paths in the config resolve against; the working directory by default. */
  rootDir?: string;
  /** Run the hub's tick on a timer (default). Tests that drive `hub.tick()` themselves turn it off. */
  autoTick?: boolean;
}

export interface App {
  config: Config;
  pack: CityPack;
  hub: Hub;
  clock: Clock;
  metrics: AppMetrics;
  httpServer: HttpServer;
  io: LiveServer;
  simulator: SimulatorAdapter | undefined;
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

  const hub = new Hub({ sensors: pack.sensors, clock, metrics, deadLetterLimit: config.deadLetterLimit });

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
      tiles: existsSync(join(tilesDir, pack.city.id, 'tileset.json')),
    };
    const ready = Object.values(checks).every(Boolean);
    res.status(ready ? 200 : 503).json({ ready, checks });
  });

  web.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', metrics.registry.contentType);
    res.send(await metrics.registry.metrics());
  });

  web.get('/api/v1/city', (_req, res) => {
    // Roles arrive with authentication; until then everyone gets the public view.
    const body: CityInfo = {
      city: pack.city,
      layers: pack.layers,
      sensors: pack.sensors.filter((s) => s.visibility === 'public'),
      protocolVersion: PROTOCOL_VERSION,
    };
    res.setHeader('Cache-Control', 'no-cache');
    res.json(body);
  });

  web.use('/api', (_req, res) => {
    res.status(404).json({ error: 'no such API route' });
  });
  web.use(`/data/${pack.city.id}`, dataStatic(join(dataDir, pack.city.id)));
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
  attachLiveGateway(io, { hub, clock, cityId: pack.city.id, metrics, logger });

  const simulator = config.simulator.enabled
    ? createSimulatorAdapter({
        sensors: pack.sensors,
        seed: config.simulator.seed,
        clock,
        timeZone: pack.city.timezone,
        emit: (observation) => {
          const result = hub.ingest(observation, 'simulator');
          if (!result.accepted)
            logger.warn('simulator reading rejected', { reason: result.rejection.message });
        },
      })
    : undefined;

  let tickTimer: NodeJS.Timeout | undefined;
  const tick = () => {
    const end = metrics.tickDuration.startTimer();
    try {
      hub.tick();
    } catch (error) {
      logger.error('tick failed', { error: (error as Error).stack });
    } finally {
      end();
    }
  };

  return {
    config,
    pack,
    hub,
    clock,
    metrics,
    httpServer,
    io,
    simulator,
    async listen() {
      await new Promise<void>((resolveListen, rejectListen) => {
        httpServer.once('error', rejectListen);
        httpServer.listen(config.port, config.host, () => {
          httpServer.off('error', rejectListen);
          resolveListen();
        });
      });
      simulator?.start();
      if (components.autoTick ?? true) {
        tickTimer = setInterval(tick, 1000 / config.tickHz);
      }
      listening = true;
      const port = (httpServer.address() as AddressInfo).port;
      logger.info(`citytwin serving ${pack.city.name} on http://localhost:${port}`, {
        sensors: pack.sensors.length,
        simulator: simulator ? { seed: config.simulator.seed, timeScale: config.simulator.timeScale } : false,
      });
      return port;
    },
    async close() {
      listening = false;
      if (tickTimer) clearInterval(tickTimer);
      simulator?.stop();
      await new Promise<void>((resolveClose) => {
        io.close(() => resolveClose());
      });
      if (httpServer.listening) await new Promise<void>((r) => httpServer.close(() => r()));
    },
  };
}
