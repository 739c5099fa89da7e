/**
 * `createApp(config, components)` builds the whole server: HTTP routes, static files, Socket.io, the
 * hub and the ingest sources. `index.ts` only wires it to the process. Tests inject a manual clock,
 * a city pack or no simulator.
 */
import compression from 'compression';
import express from 'express';
import { createScenarioImportRouter } from './http/scenarioImportRoutes.ts';
import { createImportRunner, type ImportRunner } from './scenarios/importRunner.ts';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { Server } from 'socket.io';
import type { CityInfo, CityList } from '../../protocol/index.ts';
import { MAX_SOCKET_MESSAGE_BYTES, PROTOCOL_VERSION } from '../../protocol/index.ts';
import type { SimulatorAdapter } from './adapters/simulator/simulatorAdapter.ts';
import { createSimulatorAdapter } from './adapters/simulator/simulatorAdapter.ts';
import type { CityPack } from './cityPack/loadCityPack.ts';
import { loadCityPack } from './cityPack/loadCityPack.ts';
import { discoverCityPacks } from './cityPack/discoverCityPacks.ts';
import type { Clock } from './clock.ts';
import { createSystemClock } from './clock.ts';
import type { Config } from './config.ts';
import { ConfigError } from './config.ts';
import type { LiveSources } from './adapters/liveSources.ts';
import {
  createLiveSources,
  loadPackSources,
  mappedSensorIds,
  placeConfigSources,
} from './adapters/liveSources.ts';
import type { MqttAdapter } from './adapters/mqtt/mqttAdapter.ts';
import { createNgsiLdRouter } from './adapters/ngsild/ngsiLdRoute.ts';
import { createPushRouter } from './adapters/push/pushRoute.ts';
import { createOperatorRouter } from './http/operatorRoutes.ts';
import { finalErrorHandler } from './http/errors.ts';
import { HttpAccess } from './http/httpKeys.ts';
import { createMetricsRouter } from './http/metricsRoute.ts';
import { corsForAllowedOrigins, originCheck, socketOriginGate } from './http/origins.ts';
import { securityHeaders } from './http/security.ts';
import { externalOrigins, mapSetupOf } from './map/mapSetup.ts';
import { clientStatic, dataStatic } from './http/staticFiles.ts';
import { Hub } from './hub/hub.ts';
import { openDuckDbHistory } from './history/openDuckDbHistory.ts';
import { createHistoryRouter } from './history/historyRoutes.ts';
import { HistoryService } from './history/historyService.ts';
import type { HistoryStore, RetentionPolicy } from './history/historyStore.ts';
import { DAY_MS } from './history/historyStore.ts';
import { PostgresHistoryStore } from './history/postgresHistoryStore.ts';
import { startTickTimer } from './hub/tickTimer.ts';
import type { LiveServer } from './live/liveGateway.ts';
import { alarmRoomOf, attachLiveGateway, incidentRoomOf } from './live/liveGateway.ts';
import { publicIncident } from './live/incidentHandlers.ts';
import { DEFAULT_DOOR_LIMITS, type DoorLimits } from './live/door.ts';
import { ScenarioService } from './scenarios/scenarioService.ts';
import type { IncidentAudience } from './incidents/incidentService.ts';
import { IncidentService } from './incidents/incidentService.ts';
import { AlarmService } from './alarms/alarmService.ts';
import { SourceHealthReporter } from './http/sourceHealth.ts';
import type { AlarmChange, AlarmRule, HealthWarning, IncidentChange } from '../../protocol/index.ts';
import { twinParser } from './live/twinParser.ts';
import { clientAddress, type TrustProxy } from './http/clientAddress.ts';
import { boundedRecoveryAdapter } from './live/recoveryAdapter.ts';
import type { AccessKey } from './auth/accessKeys.ts';
import { AccessKeyRing, registerKeyMetrics, WrongKeyThrottle } from './auth/accessKeys.ts';
import type { Logger } from './logger.ts';
import { createLogger } from './logger.ts';
import type { AppMetrics } from './metrics.ts';
import { createMetrics } from './metrics.ts';
import { createGeocoder } from './search/geocoder.ts';
import { createSearchRouter } from './search/searchRoute.ts';
import { SearchService } from './search/searchService.ts';

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
  /**
   * The history store to record into; null for none. Left out, the config's (`history`) is opened:
   * DuckDB in `var/history.duckdb` by default.
   */
  history?: HistoryStore | null;
  /** Runs planners' imports in worker threads; left out, one with the config's `scenarioImports` limits. */
  importRunner?: ImportRunner;
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
  /** Every configured live source (server config and the packs' `sources.json`). */
  sources: LiveSources;
  /** The history of every accepted reading; undefined when it is off. */
  history: HistoryService | undefined;
  /** The control room's alarms; undefined when they are off. */
  alarms: AlarmService | undefined;
  /** Incidents and annotations marked on the map. */
  incidents: IncidentService;
  /** Planning scenarios with their versions and comments. */
  scenarios: ScenarioService;
  /** The search box's places, streets, addresses, buildings, sensors and coordinates. */
  search: SearchService;
  /** Starts listening and the sources; resolves with the bound port. */
  listen(): Promise<number>;
  close(): Promise<void>;
}

/** How long a dropped socket may take to come back and have what it missed replayed. */
const RECOVERY_WINDOW_MS = 30_000;

/**
 * The operator key from the config or the environment variable it names. A named variable that is
 * unset or short is an error: whoever configured it wants the operator API on.
 */
function operatorApiKey(config: Config, env: NodeJS.ProcessEnv): string | undefined {
  if (config.operatorApiKey !== undefined || config.operatorApiKeyEnv === undefined)
    return config.operatorApiKey;
  const key = env[config.operatorApiKeyEnv];
  if (!key || key.length < 16)
    throw new ConfigError(
      `operatorApiKeyEnv: the environment variable ${config.operatorApiKeyEnv} must hold a key of at least 16 characters`,
    );
  return key;
}

/** The configured retention in ms. */
function retentionPolicy(config: Config): RetentionPolicy {
  const span = (days: { rawDays: number; minuteDays: number; hourDays: number }) => ({
    rawMs: days.rawDays * DAY_MS,
    minuteMs: days.minuteDays * DAY_MS,
    hourMs: days.hourDays * DAY_MS,
  });
  const byKind: RetentionPolicy['byKind'] = {};
  for (const [kind, days] of Object.entries(config.history.retention.byKind))
    if (days) byKind[kind as keyof typeof byKind] = span(days);
  return { default: span(config.history.retention.default), byKind };
}

/** Opens the configured history store, or none when it is off; a damaged DuckDB file is replaced. */
async function openHistoryStore(
  config: Config,
  rootDir: string,
  env: NodeJS.ProcessEnv,
  now: () => number,
  logger: Logger,
  warn: (warning: HealthWarning) => void,
): Promise<HistoryStore | undefined> {
  const history = config.history;
  if (!history.enabled) return undefined;
  const retention = retentionPolicy(config);
  if (history.backend === 'duckdb') {
    const opened = await openDuckDbHistory({ file: resolve(rootDir, history.file), retention, now, logger });
    if (opened.warning) warn(opened.warning);
    return opened.store;
  }
  const connectionString =
    history.postgresUrl ?? (history.postgresUrlEnv ? env[history.postgresUrlEnv] : undefined);
  if (!connectionString)
    throw new ConfigError(
      'history.backend is "postgres": set history.postgresUrl, or history.postgresUrlEnv and that environment variable (or CITYTWIN_HISTORY_POSTGRES_URL)',
    );
  return PostgresHistoryStore.open({ connectionString, schema: history.schema, retention, now });
}

/** The staff keys of the config with their keys resolved; a key that is missing or short stops the start. */
function resolveAccessKeys(config: Config, env: NodeJS.ProcessEnv): AccessKey[] {
  return config.accessKeys.map((entry) => {
    const key = entry.apiKey ?? (entry.apiKeyEnv ? env[entry.apiKeyEnv] : undefined);
    if (!key || key.length < 16)
      throw new ConfigError(
        `accessKeys ${entry.id}: no key of at least 16 characters (set "apiKey", or "apiKeyEnv" and that environment variable)`,
      );
    return { id: entry.id, role: entry.role, key, displayName: entry.displayName };
  });
}

/** Whether no source but the simulator has fed the sensor yet. */
function simulatorOwns(hub: Hub, sensorId: string): boolean {
  const last = hub.lastSourceOf(sensorId);
  return last === undefined || last === 'simulator';
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

  // Sources come from the server config and from each pack's own sources.json.
  const placed = placeConfigSources(config.sources, pack.city.id);
  for (const cityPack of packs) placed.push(...(await loadPackSources(cityPack.dir, cityPack.city.id)));
  const env = components.env ?? process.env;

  const startWarnings: HealthWarning[] = [];
  const historyStore =
    components.history === null
      ? undefined
      : (components.history ??
        (await openHistoryStore(
          config,
          rootDir,
          env,
          () => clock.now(),
          logger,
          (w) => startWarnings.push(w),
        )));
  let history: HistoryService | undefined;
  let alarms: AlarmService | undefined;
  /** Sends an alarm change to the city's staff sockets, once Socket.io is there. */
  let emitAlarm: (cityId: string, change: AlarmChange) => void = () => undefined;
  let emitRules: (rules: readonly AlarmRule[]) => void = () => undefined;

  const cities = new Map<string, CityLive>();
  for (const cityPack of packs) {
    const cityId = cityPack.city.id;
    if (cities.has(cityId)) throw new Error(`two city packs have the id ${cityId}`);
    const cityHub = new Hub({
      sensors: cityPack.sensors,
      clock,
      metrics,
      deadLetterLimit: config.deadLetterLimit,
      maxFutureSkewMs: config.ingest.maxFutureSkewMs,
      onAccepted:
        historyStore || config.alarms.enabled
          ? (sensor, observation) => {
              history?.record(cityId, sensor, observation);
              alarms?.record(cityId, sensor, observation);
            }
          : undefined,
    });
    // A sensor a real source feeds is not simulated: two writers would take turns on its value.
    const fedByRealSource = new Set(
      placed.filter((p) => p.cityId === cityId).flatMap((p) => mappedSensorIds(p.source)),
    );
    const simulated = cityPack.sensors.filter((sensor) => !fedByRealSource.has(sensor.id));
    const simulator =
      config.simulator.enabled && simulated.length > 0
        ? createSimulatorAdapter({
            sensors: simulated,
            seed: config.simulator.seed,
            clock,
            timeZone: cityPack.city.timezone,
            emit: (observation) => {
              // Push and replay sources name no sensors up front: once one has fed a sensor, the
              // simulator leaves it to them.
              if (!simulatorOwns(cityHub, observation.sensorId)) return;
              const result = cityHub.ingest(observation, 'simulator');
              if (!result.accepted)
                logger.warn('simulator reading rejected', {
                  city: cityId,
                  reason: result.rejection.message,
                });
            },
            emitHealth: (fact) => {
              if (simulatorOwns(cityHub, fact.sensorId)) cityHub.reportHealth(fact, 'simulator');
            },
          })
        : undefined;
    cities.set(cityId, { pack: cityPack, hub: cityHub, simulator });
  }
  const defaultCity = cities.get(pack.city.id) as CityLive;
  if (config.alarms.enabled)
    alarms = new AlarmService({
      cities: new Map([...cities].map(([cityId, city]) => [cityId, { sensors: city.pack.sensors }])),
      configRules: config.alarms.rules,
      rulesFile: resolve(rootDir, config.alarms.rulesFile),
      now: () => clock.now(),
      logger,
      emit: (cityId, change) => emitAlarm(cityId, change),
      emitRules: (rules) => emitRules(rules),
    });
  if (historyStore) {
    history = new HistoryService({
      store: historyStore,
      cities: new Map(
        [...cities].map(([cityId, city]) => [
          cityId,
          { sensors: city.pack.sensors, timeZone: city.pack.city.timezone },
        ]),
      ),
      clock,
      logger,
      flushIntervalMs: config.history.flushIntervalMs,
    });
    await history.registerCities();
    history.registerMetrics(metrics.registry);
  }

  const sources = createLiveSources({
    placed,
    cities: new Map(
      [...cities].map(([cityId, city]) => [
        cityId,
        { sensorIds: new Set(city.pack.sensors.map((sensor) => sensor.id)), hub: city.hub },
      ]),
    ),
    env,
    rootDir,
    logger,
    now: () => clock.now(),
  });
  const hub = defaultCity.hub;

  // Every key is checked against one throttle: wrong keys count per address, whichever route or
  // handshake they came to.
  const keyThrottle = new WrongKeyThrottle({ logger, now: () => Date.now() });
  registerKeyMetrics(metrics.registry, keyThrottle);
  const staffKeys = resolveAccessKeys(config, env);
  const accessKeyRing = new AccessKeyRing(staffKeys, keyThrottle);
  const httpAccess = new HttpAccess({
    staffKeys,
    operatorApiKey: operatorApiKey(config, env),
    throttle: keyThrottle,
  });

  const doorLimits: DoorLimits = {
    ...DEFAULT_DOOR_LIMITS,
    perAddress: config.socketLimits.perAddress,
    rates: { ...DEFAULT_DOOR_LIMITS.rates, ...config.socketLimits.rates },
  };
  const web = express();
  web.disable('x-powered-by');
  web.set('trust proxy', config.security.trustProxy);
  // The services the catalogues and basemaps name are allowed sources without listing them twice.
  const catalogueOrigins = externalOrigins([
    ...config.map.basemaps,
    ...[...cities.values()].flatMap(({ pack: p }) => [...p.layers, ...p.basemaps]),
  ]);
  web.use(securityHeaders([...config.security.cspSources, ...catalogueOrigins]));
  web.use(corsForAllowedOrigins(config.security.allowedOrigins));
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

  web.use(
    createMetricsRouter({ registry: metrics.registry, access: httpAccess, mode: config.security.metrics }),
  );

  const cityInfo = (cityPack: CityPack): CityInfo => ({
    city: cityPack.city,
    layers: cityPack.layers,
    groups: cityPack.groups,
    map: mapSetupOf(cityPack, tilesDir, config.map.basemaps),
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
        error: `no such city pack; this server has ${[...cities.keys()].join(', ')}`,
      });
      return;
    }
    res.json(cityInfo(city.pack));
  });

  const hubFor = (cityId: string) => cities.get(cityId)?.hub;
  // With the history on, a push is answered once its readings are stored (decision 0011).
  const durable = history?.durable.bind(history);
  web.use(createPushRouter({ sources: sources.push, hubFor, logger, throttle: keyThrottle, durable }));
  web.use(
    createNgsiLdRouter({
      sources: sources.ngsiLd,
      hubFor,
      logger,
      throttle: keyThrottle,
      now: () => clock.now(),
      durable,
    }),
  );
  web.use(
    createOperatorRouter({
      access: httpAccess,
      hubs: new Map([...cities].map(([cityId, city]) => [cityId, city.hub])),
      sources: () => sources.statuses(),
    }),
  );

  const health = new SourceHealthReporter(metrics, () => sources.statuses());
  for (const warning of startWarnings) health.warn(warning);
  let emitIncident: (cityId: string, audience: IncidentAudience, change: IncidentChange) => void = () =>
    undefined;
  const incidents = new IncidentService({
    cityIds: [...cities.keys()],
    file: resolve(rootDir, config.incidentsFile),
    now: () => clock.now(),
    logger,
    emit: (cityId, audience, change) => emitIncident(cityId, audience, change),
  });
  const scenarios = new ScenarioService({
    cityIds: [...cities.keys()],
    dir: resolve(rootDir, config.scenariosDir),
    now: () => clock.now(),
    logger,
  });
  const importRunner =
    components.importRunner ??
    createImportRunner({
      ...config.scenarioImports,
      onReading: (request) => logger.debug(`scenario import ${request.fileName}: reading in a worker`),
    });
  web.use(
    createScenarioImportRouter({ cityIds: [...cities.keys()], access: httpAccess, logger, importRunner }),
  );
  web.use(
    createHistoryRouter({
      service: history,
      // The history over HTTP keeps to the socket history's rate per address.
      rate: doorLimits.rates.history.address,
      access: httpAccess,
      sensorsOf: (cityId) => cities.get(cityId)?.pack.sensors,
      logger,
    }),
  );

  const geocoderConfig = config.search.geocoder;
  const search = new SearchService({
    packs,
    geocoder: geocoderConfig ? createGeocoder(geocoderConfig) : undefined,
    minPackResults: geocoderConfig?.minPackResults,
    logger,
  });
  web.use(
    createSearchRouter({
      access: httpAccess,
      service: search,
      defaultCityId: pack.city.id,
      rate: config.search.rate,
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
    res.status(404).type('text/plain; charset=utf-8').send('Not found');
  });
  web.use(finalErrorHandler(logger));

  const httpServer = createServer(web);
  const io: LiveServer = new Server(httpServer, {
    serveClient: false,
    // Pages of other origins may not open a live connection unless the config allows them.
    allowRequest: socketOriginGate(originCheck(config.security.allowedOrigins)),
    ...(config.security.allowedOrigins.length > 0
      ? { cors: { origin: [...config.security.allowedOrigins] } }
      : {}),
    // A socket that comes back within this time keeps its rooms and subscription, gets the alarms,
    // incidents and wall views it missed replayed, and its view's current state as one snapshot.
    connectionStateRecovery: { maxDisconnectionDuration: RECOVERY_WINDOW_MS, skipMiddlewares: true },
    // Live diffs and snapshots are not kept for replay (the snapshot at recovery replaces them), nor
    // the hello (sent on every connection). The rest is bounded by size: under heavy load the oldest
    // go, and a viewer beyond them resubscribes.
    adapter: boundedRecoveryAdapter({
      maxBytes: config.recoveryBufferMiB * 1024 * 1024,
      notReplayed: ['live:diff', 'live:snapshot', 'server:hello'],
    }),
    // Diffs and pushed snapshots are written to JSON once and spliced into every packet as text;
    // incoming events pass the gate before their payload is parsed.
    parser: twinParser,
    // A planner's scenario with imported buildings' shapes is saved in one message.
    maxHttpBufferSize: MAX_SOCKET_MESSAGE_BYTES,
  });
  attachLiveGateway(io, {
    hubs: new Map([...cities].map(([cityId, city]) => [cityId, city.hub])),
    defaultCityId: pack.city.id,
    clock,
    metrics,
    logger,
    tickHz: config.tickHz,
    tickHzByClass: config.tickHzByClass,
    accessKeyRing,
    // Behind a trusted proxy a socket counts against its client's address, as an HTTP request does.
    addressOf: (socket) =>
      clientAddress(
        socket.handshake.address,
        socket.handshake.headers['x-forwarded-for'],
        web.get('trust proxy fn') as TrustProxy,
      ),
    doorLimits,
    history,
    alarms,
    health,
    incidents,
    scenarios,
  });
  // Staff get every change as it is; the others the public incidents, with staff ids replaced by
  // display names.
  emitIncident = (cityId, audience, change) => {
    io.to(incidentRoomOf(cityId, 'staff')).emit('incident:changed', change);
    if (audience === 'public')
      io.to(incidentRoomOf(cityId, 'public')).emit('incident:changed', {
        id: change.id,
        incident: change.incident === null ? null : publicIncident(change.incident, accessKeyRing),
      });
  };
  emitAlarm = (cityId, change) => io.to(alarmRoomOf(cityId)).emit('alarm:changed', change);
  emitRules = (rules) => io.to([...cities.keys()].map(alarmRoomOf)).emit('alarm:rules', [...rules]);
  const simulator = defaultCity.simulator;

  let stopTicks: (() => void) | undefined;
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
    mqtt: sources.mqtt,
    sources,
    history,
    alarms,
    incidents,
    scenarios,
    search,
    async listen() {
      await new Promise<void>((resolveListen, rejectListen) => {
        httpServer.once('error', rejectListen);
        httpServer.listen(config.port, config.host, () => {
          httpServer.off('error', rejectListen);
          resolveListen();
        });
      });
      history?.start();
      alarms?.start();
      health.start();
      for (const city of cities.values()) city.simulator?.start();
      sources.start();
      if (components.autoTick ?? true) {
        stopTicks = startTickTimer({ periodMs: 1000 / config.tickHz, tick });
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
      stopTicks?.();
      alarms?.stop();
      health.stop();
      await importRunner.close();
      for (const city of cities.values()) city.simulator?.stop();
      await sources.stop();
      await io.close();
      if (httpServer.listening) await new Promise<void>((r) => httpServer.close(() => r()));
      // Last: what the sources delivered up to the end is written before the store closes.
      await history?.stop();
    },
  };
}
