/**
 * Builds every configured live source (the server config's `sources` plus each city pack's own
 * `sources.json`) into running adapters bound to their city's hub, after checking what the schemas
 * cannot: keys and passwords present in the environment, ids unique, every mapped sensor in the
 * city's registry. Secrets stay here on the server; nothing of this reaches a viewer but readings.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import type { Hub } from '../hub/hub.ts';
import type { Logger } from '../logger.ts';
import type { SourceConfig } from '../config.ts';
import { ConfigError, describeIssue, SourceSchema } from '../config.ts';
import type { MqttAdapter } from './mqtt/mqttAdapter.ts';
import { createMqttAdapter } from './mqtt/mqttAdapter.ts';
import type { NgsiLdSource } from './ngsild/ngsiLdRoute.ts';
import { ngsiLdDeviceMappings } from './ngsild/ngsiLdSourceConfig.ts';
import type { ParkingPoller } from './parkapi/parkingPoller.ts';
import { createParkingPoller } from './parkapi/parkingPoller.ts';
import type { PushSource } from './push/pushRoute.ts';
import type { ReplaySource } from './replay/replay.ts';
import { createReplaySource } from './replay/replay.ts';
import type { SensorThingsAdapter } from './sensorthings/staAdapter.ts';
import { createSensorThingsAdapter } from './sensorthings/staAdapter.ts';

/** The file in a city pack that lists the pack's own live sources. */
export const PACK_SOURCES_FILE = 'sources.json';

/** One served city as the sources need it: its registry's sensor ids and its hub. */
export interface SourceCity {
  readonly sensorIds: ReadonlySet<string>;
  readonly hub: Hub;
}

/** A configured source with the city it feeds settled and where it was configured. */
export interface PlacedSource {
  readonly source: SourceConfig;
  readonly cityId: string;
  /** `the server config` or `data/<city>/sources.json`, for messages. */
  readonly origin: string;
}

/** Something that runs in the background once the server listens. */
interface Runnable {
  readonly id: string;
  readonly type: SourceConfig['type'];
  readonly cityId: string;
  start(): void;
  stop(): Promise<void> | void;
  status(): unknown;
}

/** What an operator sees of one source: never its URL, user or key. */
export interface SourceStatus {
  readonly id: string;
  readonly type: SourceConfig['type'];
  readonly cityId: string;
  /** The adapter's own report (connection, last poll, counts); absent for push sources. */
  readonly state?: unknown;
}

export interface LiveSources {
  readonly push: readonly PushSource[];
  readonly ngsiLd: readonly NgsiLdSource[];
  readonly mqtt: readonly MqttAdapter[];
  readonly sensorThings: readonly SensorThingsAdapter[];
  readonly parking: readonly ParkingPoller[];
  start(): void;
  stop(): Promise<void>;
  statuses(): SourceStatus[];
}

export interface LiveSourcesOptions {
  readonly placed: readonly PlacedSource[];
  readonly cities: ReadonlyMap<string, SourceCity>;
  /** For keys and passwords named by `apiKeyEnv` / `passwordEnv`. */
  readonly env: NodeJS.ProcessEnv;
  /** Replay files resolve against it. */
  readonly rootDir: string;
  readonly logger: Logger;
  /** The twin's clock (ms epoch). */
  readonly now: () => number;
}

const PackSourcesSchema = z.object({ sources: z.array(SourceSchema) }).strict();

/**
 * Reads a pack's `sources.json`, if it has one. Sources there feed that pack only (a `city` field,
 * if given, must name it), and may not hold secrets inline: a pack is data that gets copied and
 * published, so keys and passwords come from the server's environment (`apiKeyEnv`, `passwordEnv`).
 * @throws ConfigError naming the file and every wrong field.
 */
export async function loadPackSources(packDir: string, cityId: string): Promise<PlacedSource[]> {
  const file = join(packDir, PACK_SOURCES_FILE);
  if (!existsSync(file)) return [];
  const origin = `data/${cityId}/${PACK_SOURCES_FILE}`;
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`${origin} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = PackSourcesSchema.safeParse(raw);
  if (!parsed.success)
    throw new ConfigError(
      `Invalid ${origin}:\n${parsed.error.issues.map((issue) => `  - ${describeIssue(issue)}`).join('\n')}`,
    );
  return parsed.data.sources.map((source, index) => {
    const where = `${origin}: sources.${index} (${source.id})`;
    if (source.city !== undefined && source.city !== cityId)
      throw new ConfigError(
        `${where}: "city" is ${source.city}, but a pack's sources feed the pack (${cityId})`,
      );
    if ('apiKey' in source && source.apiKey !== undefined)
      throw new ConfigError(
        `${where}: an API key may not be written into a city pack; name an environment variable in "apiKeyEnv"`,
      );
    return { source, cityId, origin };
  });
}

/** The registry sensors a source's mapping names (push and replay sources name none up front). */
export function mappedSensorIds(source: SourceConfig): string[] {
  switch (source.type) {
    case 'mqtt':
      return source.devices.map((device) => device.sensorId);
    case 'sensorthings':
      return source.datastreams.map((datastream) => datastream.sensorId);
    case 'parking':
      return source.lots.map((lot) => lot.sensorId);
    case 'ngsi-ld':
      return source.entities.map((entity) => entity.sensorId);
    case 'push':
    case 'replay':
      return [];
  }
}

/** Places the server config's sources: each feeds its `city`, or the default city. */
export function placeConfigSources(sources: readonly SourceConfig[], defaultCityId: string): PlacedSource[] {
  return sources.map((source) => ({
    source,
    cityId: source.city ?? defaultCityId,
    origin: 'the server config',
  }));
}

function secret(
  env: NodeJS.ProcessEnv,
  where: string,
  inline: string | undefined,
  envName: string | undefined,
  what: string,
): string | undefined {
  if (inline !== undefined) return inline;
  if (envName === undefined) return undefined;
  const value = env[envName];
  if (!value) throw new ConfigError(`${where}: the environment variable ${envName} (its ${what}) is not set`);
  return value;
}

/**
 * Checks and builds every placed source. Nothing connects or polls until `start()`.
 * @throws ConfigError for a source of a city not served, a duplicate id or API key, a missing
 *   secret, or a mapping to a sensor the city's registry lacks.
 */
export function createLiveSources(options: LiveSourcesOptions): LiveSources {
  const { cities, env, logger } = options;
  const push: PushSource[] = [];
  const ngsiLd: NgsiLdSource[] = [];
  const mqtt: MqttAdapter[] = [];
  const sensorThings: SensorThingsAdapter[] = [];
  const parking: ParkingPoller[] = [];
  const runnables: Runnable[] = [];
  const seenIds = new Map<string, string>();

  for (const { source, cityId, origin } of options.placed) {
    const where = `source ${source.id} (${origin})`;
    const previous = seenIds.get(source.id);
    if (previous)
      throw new ConfigError(
        `${where}: the id is already used by a source in ${previous}; ids name sources in metrics`,
      );
    seenIds.set(source.id, origin);
    const city = cities.get(cityId);
    if (!city)
      throw new ConfigError(
        `${where}: no city pack "${cityId}" is served (served: ${[...cities.keys()].join(', ')})`,
      );
    const unknown = mappedSensorIds(source).filter((sensorId) => !city.sensorIds.has(sensorId));
    if (unknown.length > 0)
      throw new ConfigError(
        `${where}: maps to ${unknown.map((id) => `"${id}"`).join(', ')}, not in the sensor registry of ${cityId}`,
      );
    const hub = city.hub;
    const runnable = (
      adapter: { start(): void; stop(): Promise<void> },
      status: () => unknown,
    ): Runnable => ({
      id: source.id,
      type: source.type,
      cityId,
      start: () => adapter.start(),
      stop: () => adapter.stop(),
      status,
    });
    switch (source.type) {
      case 'push': {
        const apiKey = secret(env, where, source.apiKey, source.apiKeyEnv, 'API key');
        if (!apiKey || apiKey.length < 16)
          throw new ConfigError(
            `push source ${source.id}: no API key of at least 16 characters (set "apiKey", or "apiKeyEnv" and that environment variable)`,
          );
        push.push({ id: source.id, cityId, apiKey });
        break;
      }
      case 'ngsi-ld': {
        const apiKey = secret(env, where, source.apiKey, source.apiKeyEnv, 'API key');
        if (!apiKey || apiKey.length < 16)
          throw new ConfigError(`${where}: no API key of at least 16 characters`);
        ngsiLd.push({ id: source.id, cityId, apiKey, mappings: ngsiLdDeviceMappings(source) });
        break;
      }
      case 'replay': {
        const replay: ReplaySource = createReplaySource({
          id: source.id,
          file: resolve(options.rootDir, source.file),
          speed: source.speed,
          loop: source.loop,
          hub,
          logger,
          now: options.now,
        });
        runnables.push({
          id: source.id,
          type: source.type,
          cityId,
          start: () => {
            replay.start().catch((error: unknown) =>
              logger.error(`replay ${source.id} failed to start`, {
                error: error instanceof Error ? error.message : String(error),
              }),
            );
          },
          stop: () => replay.stop(),
          status: () => ({ played: replay.played() }),
        });
        break;
      }
      case 'mqtt': {
        const password = secret(env, where, undefined, source.passwordEnv, 'password');
        const adapter = createMqttAdapter({
          source: { ...source, clientId: source.clientId ?? `citytwin-${cityId}-${source.id}`, password },
          hub,
          logger,
          now: options.now,
        });
        mqtt.push(adapter);
        runnables.push(
          runnable(adapter, () => ({ connected: adapter.connected(), received: adapter.received() })),
        );
        break;
      }
      case 'sensorthings': {
        const password = secret(env, where, undefined, source.passwordEnv, 'password');
        const adapter = createSensorThingsAdapter({
          source: { ...source, clientId: source.clientId ?? `citytwin-${cityId}-${source.id}`, password },
          hub,
          logger,
          now: options.now,
        });
        sensorThings.push(adapter);
        runnables.push(runnable(adapter, () => adapter.status()));
        break;
      }
      case 'parking': {
        const apiKey = secret(env, where, undefined, source.apiKeyEnv, 'API key');
        const poller = createParkingPoller({ source: { ...source, apiKey }, hub, logger, now: options.now });
        parking.push(poller);
        runnables.push(runnable(poller, () => poller.status()));
        break;
      }
    }
  }

  const keyed = [...push, ...ngsiLd];
  const reused = keyed.find((a, i) => keyed.some((b, j) => j < i && b.apiKey === a.apiKey));
  if (reused) throw new ConfigError(`source ${reused.id}: its API key is also another source's`);

  return {
    push,
    ngsiLd,
    mqtt,
    sensorThings,
    parking,
    start() {
      for (const runnable of runnables) runnable.start();
    },
    async stop() {
      // One source that fails to stop must not keep the others (and the server) from closing.
      await Promise.allSettled(runnables.map(async (runnable) => runnable.stop()));
    },
    statuses() {
      return [
        ...push.map((p): SourceStatus => ({ id: p.id, type: 'push', cityId: p.cityId })),
        ...ngsiLd.map((n): SourceStatus => ({ id: n.id, type: 'ngsi-ld', cityId: n.cityId })),
        ...runnables.map((r): SourceStatus => ({
          id: r.id,
          type: r.type,
          cityId: r.cityId,
          state: r.status(),
        })),
      ];
    },
  };
}
