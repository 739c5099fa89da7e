/**
 * Server configuration: one optional JSON file plus environment variables, validated at start.
 * A wrong field stops the server with a message naming the field, what was given and what is allowed.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { DeviceMappingSchema, hasUserInfo, IdSchema, USER_INFO_MESSAGE } from './adapters/mappingSchema.ts';
import { NgsiLdSourceSchema } from './adapters/ngsild/ngsiLdSourceConfig.ts';
import { ParkingSourceSchema } from './adapters/parkapi/parkingSourceConfig.ts';
import { SensorThingsSourceSchema } from './adapters/sensorthings/staSourceConfig.ts';
import { AlarmRuleSchema } from '../../protocol/alarms.ts';
import { BasemapSchema } from '../../protocol/mapLayers.ts';
import { STAFF_ROLES } from '../../protocol/roles.ts';
import { COST_CLASSES } from '../../protocol/events.ts';
import { DEFAULT_IMPORT_LIMITS } from './scenarios/importLimits.ts';
import { SEARCH_CONFIG_KEYS, SearchConfigSchema } from './search/searchConfig.ts';

const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;

/** A token bucket: requests at once, and per second lasting. */
const BucketRateSchema = z
  .object({ burst: z.number().min(1).max(1_000_000), perSecond: z.number().positive().max(1_000_000) })
  .strict();
/** One cost class's rate per socket and per address. */
const CostRateSchema = z.object({ socket: BucketRateSchema, address: BucketRateSchema }).strict();

/** How long a kind's readings are kept, in days, per table. */
const RetentionDaysSchema = z
  .object({
    rawDays: z.coerce.number().positive(),
    minuteDays: z.coerce.number().positive(),
    hourDays: z.coerce.number().positive(),
  })
  .strict()
  .refine((r) => r.minuteDays >= r.rawDays && r.hourDays >= r.minuteDays, {
    message:
      'minuteDays must be at least rawDays, and hourDays at least minuteDays (each is computed from the finer one)',
  });
export type RetentionDays = z.infer<typeof RetentionDaysSchema>;

/**
 * The history store: every accepted reading, with 1-minute and 1-hour aggregates. DuckDB in a file
 * (the default, no server needed) or PostgreSQL (several servers, one store).
 */
const HistoryConfigSchema = z
  .object({
    enabled: z.boolean().default(true),
    backend: z.enum(['duckdb', 'postgres']).default('duckdb'),
    /** The DuckDB file, relative to the working directory. */
    file: z.string().min(1).default('var/history.duckdb'),
    /** PostgreSQL connection string (`postgres://user@host:5432/db`); better given by environment. */
    postgresUrl: z.string().min(1).optional(),
    /** Name of an environment variable holding the connection string. */
    postgresUrlEnv: z.string().min(1).optional(),
    /** The PostgreSQL schema of the tables. */
    schema: z
      .string()
      .regex(/^[a-z_][a-z0-9_]*$/, 'lower-case letters, digits and _')
      .default('citytwin'),
    /** How often buffered readings are written. */
    flushIntervalMs: z.coerce.number().int().min(50).max(60_000).default(1000),
    /** Retention: a default and overrides per sensor kind (parking, traffic, environment, water). */
    retention: z
      .object({
        default: RetentionDaysSchema.default({ rawDays: 30, minuteDays: 366, hourDays: 3660 }),
        byKind: z
          .partialRecord(z.enum(['parking', 'traffic', 'environment', 'water']), RetentionDaysSchema)
          .default({}),
      })
      .strict()
      .default({ default: { rawDays: 30, minuteDays: 366, hourDays: 3660 }, byKind: {} }),
  })
  .strict()
  .default({
    enabled: true,
    backend: 'duckdb',
    file: 'var/history.duckdb',
    schema: 'citytwin',
    flushIntervalMs: 1000,
    retention: { default: { rawDays: 30, minuteDays: 366, hourDays: 3660 }, byKind: {} },
  });
export type HistoryConfig = z.infer<typeof HistoryConfigSchema>;

/** An origin as browsers send it: scheme, host and port, no path (`https://leitstelle.example.de`). */
const OriginSchema = z.string().refine(
  (value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value;
    } catch {
      return false;
    }
  },
  {
    message:
      'an origin such as https://leitstelle.example.de (scheme, host and port; no path, no trailing /)',
  },
);

/**
 * A source the viewer may load from besides its own origin, as CSP writes it: an origin
 * (`https://tiles.example.de`, a `*.` host allowed) or a path below one. Keywords and schemes alone
 * (`'unsafe-eval'`, `https:`) are refused: they would open the policy to everything.
 */
const CspSourceSchema = z
  .string()
  .regex(
    /^(https|wss?|http):\/\/(\*\.)?[a-z0-9.-]+(:\d{1,5})?(\/[a-zA-Z0-9._~%!$&()*+=:@/-]*)?$/,
    "an origin or URL such as https://tiles.example.de (no keywords like 'unsafe-eval', no bare schemes)",
  );

/**
 * What the server lets in over HTTP and WebSockets beyond its own origin, and who may read its
 * metrics. The defaults suit a twin served on its own: same origin only, no proxy, metrics from the
 * machine itself.
 */
const SecurityConfigSchema = z
  .object({
    /**
     * Other origins whose pages may call the API (CORS) and open a WebSocket to it: a portal that
     * embeds the history, a control room's own tool. Empty: same origin only.
     */
    allowedOrigins: z.array(OriginSchema).default([]),
    /**
     * Express's `trust proxy`: behind a reverse proxy, which hops to believe in `X-Forwarded-For`
     * so that wrong-key throttling and the metrics' loopback check see the client's address, not
     * the proxy's. `false` (default) believes none; `true` all; a number that many hops; a string
     * the proxies' addresses or `loopback`, `uniquelocal`.
     */
    trustProxy: z.union([z.boolean(), z.number().int().min(0).max(32), z.string().min(1)]).default(false),
    /**
     * Who may read `/metrics`: `loopback` (default; the machine itself, e.g. a local Prometheus or
     * node exporter, or a key with `metrics:read` or the operator API key), `key` (only such a key),
     * `public` (anyone; for a scraper on a private network that cannot send a key).
     */
    metrics: z.enum(['loopback', 'key', 'public']).default('loopback'),
    /**
     * Further sources the viewer may load data and images from (Content-Security-Policy
     * `connect-src` and `img-src`): a basemap's or a WMS layer's server. Without them the viewer
     * loads from its own origin only.
     */
    cspSources: z.array(CspSourceSchema).default([]),
  })
  .strict()
  .default({ allowedOrigins: [], trustProxy: false, metrics: 'loopback', cspSources: [] });
export type SecurityConfig = z.infer<typeof SecurityConfigSchema>;

/**
 * A system that pushes readings to `POST /api/v1/observations` with its own API key. The key lives in
 * the server's config only (or in the environment variable `apiKeyEnv` names), never in a viewer.
 */
export const PushSourceSchema = z
  .object({
    type: z.literal('push'),
    /** Names the source in metrics and dead letters: `stadtwerke-pegel`. */
    id: z.string().regex(/^[a-z0-9-]+$/, 'lower-case letters, digits and -'),
    /** The city pack whose sensors it feeds; the default city when left out. */
    city: z
      .string()
      .regex(/^[a-z0-9-]+$/, 'lower-case letters, digits and -')
      .optional(),
    apiKey: z.string().min(16, 'API keys need at least 16 characters').optional(),
    /** Name of an environment variable holding the key, so the config file can be shared. */
    apiKeyEnv: z.string().min(1).optional(),
  })
  .strict();
export type PushSourceConfig = z.infer<typeof PushSourceSchema>;

/** An MQTT broker to subscribe to: The Things Stack v3, ChirpStack v4 or generic JSON topics. */
export const MqttSourceSchema = z
  .object({
    type: z.literal('mqtt'),
    id: IdSchema,
    city: IdSchema.optional(),
    /** `mqtt://host:1883`, `mqtts://…`. */
    url: z
      .string()
      .regex(/^mqtts?:\/\/|^wss?:\/\//, 'an mqtt://, mqtts://, ws:// or wss:// URL')
      .refine((url) => !hasUserInfo(url), USER_INFO_MESSAGE),
    /** Fixed, so the broker keeps the session (and queued QoS 1 messages) across restarts. */
    clientId: z.string().min(1).optional(),
    username: z.string().optional(),
    /** Name of the environment variable holding the password (a TTN API key, say). */
    passwordEnv: z.string().min(1).optional(),
    format: z.enum(['tts', 'chirpstack', 'generic']),
    topics: z.array(z.string().min(1)).min(1),
    /** Generic JSON: which topic segment is the device id (negative counts from the end). */
    deviceSegment: z.number().int().optional(),
    timeField: z.string().min(1).optional(),
    devices: z.array(DeviceMappingSchema).default([]),
  })
  .strict();
export type MqttSourceConfig = z.infer<typeof MqttSourceSchema>;

/** An NDJSON recording of observations played into the hub (demos, tests, incident review). */
export const ReplaySourceSchema = z
  .object({
    type: z.literal('replay'),
    id: IdSchema,
    city: IdSchema.optional(),
    /** Path of the recording, relative to the working directory. */
    file: z.string().min(1),
    /** Recorded time per played time: 60 plays an hour in a minute. */
    speed: z.number().positive().max(1_000_000).default(1),
    loop: z.boolean().default(false),
  })
  .strict();

/** Every kind of live source, told apart by `type`. */
export const SourceSchema = z.discriminatedUnion('type', [
  PushSourceSchema,
  MqttSourceSchema,
  ReplaySourceSchema,
  SensorThingsSourceSchema,
  ParkingSourceSchema,
  NgsiLdSourceSchema,
]);
export type SourceConfig = z.infer<typeof SourceSchema>;

export const ConfigSchema = z
  .object({
    /** TCP port for HTTP and Socket.io; 0 picks a free one (tests). */
    port: z.coerce.number().int().min(0).max(65535).default(8080),
    host: z.string().min(1).default('0.0.0.0'),
    /** Folder name under `dataDir`. */
    city: z
      .string()
      .regex(/^[a-z0-9-]+$/, 'lower-case letters, digits and -')
      .default('boeblingen-demo'),
    dataDir: z.string().min(1).default('data'),
    tilesDir: z.string().min(1).default('tiles/output'),
    clientDir: z.string().min(1).default('client/dist'),
    /** Hub ticks per second: the fastest any client class gets diffs. */
    tickHz: z.coerce.number().min(0.1).max(60).default(50),
    /** Diffs per second per client class; a rate above `tickHz` gets `tickHz`. */
    tickHzByClass: z
      .object({
        operator: z.coerce.number().min(0.1).max(60).default(10),
        public: z.coerce.number().min(0.1).max(60).default(2),
        kiosk: z.coerce.number().min(0.1).max(60).default(1),
      })
      .strict()
      .default({ operator: 10, public: 2, kiosk: 1 }),
    /**
     * Most MiB of sent packets kept for connection-state recovery (a viewer back within 30 s gets
     * what it missed replayed). Under heavy load the oldest go first; a viewer whose gap is beyond
     * the buffer connects afresh and gets a snapshot.
     */
    recoveryBufferMiB: z.coerce.number().min(0).max(4096).default(16),
    /**
     * Access keys of staff (planners, operators, admins): a socket that presents one in its
     * handshake gets that role, internal sensors and the operator rate. Keys belong in the
     * environment (`apiKeyEnv`); without any, every socket is public.
     */
    accessKeys: z
      .array(
        z
          .object({
            id: IdSchema,
            role: z.enum(STAFF_ROLES),
            /**
             * What the public sees where this staff member acted (an incident's author, a wall's
             * view): "Leitstelle", "Stadtplanung". Left out, they see nothing; the key id stays
             * among staff.
             */
            displayName: z.string().trim().min(1).max(80).optional(),
            apiKey: z.string().min(16, 'access keys need at least 16 characters').optional(),
            apiKeyEnv: z.string().min(1).optional(),
          })
          .strict()
          .refine((entry) => entry.apiKey !== undefined || entry.apiKeyEnv !== undefined, {
            message: 'set "apiKey", or "apiKeyEnv" naming the environment variable that holds it',
          }),
      )
      .default([]),
    /**
     * Rate limits of socket requests per cost class (`light`, `history`, `write`, `comment`), per
     * socket and per address; a class left out keeps its default (docs/security.md). `perAddress`
     * off: only per socket (for load tests whose thousands of clients share one address; behind a
     * reverse proxy, set `security.trustProxy` rather than this).
     */
    socketLimits: z
      .object({
        perAddress: z.boolean().default(true),
        rates: z.partialRecord(z.enum(COST_CLASSES), CostRateSchema).default({}),
      })
      .strict()
      .default({ perAddress: true, rates: {} }),
    logLevel: z.enum(LOG_LEVELS).default('info'),
    history: HistoryConfigSchema,
    /** Where incidents marked by operators are kept (they last days, across restarts). */
    incidentsFile: z.string().min(1).default('var/incidents.json'),
    /** Where planning scenarios are kept: a folder per city, a file per saved version. */
    scenariosDir: z.string().min(1).default('var/scenarios'),
    /**
     * Limits of the imports of proposed buildings (planners' CityGML, CityJSON and glTF files), each
     * read in a worker thread: an import over its time or memory is ended and refused.
     */
    scenarioImports: z
      .object({
        /** Seconds one import may read its file. */
        timeLimitS: z.coerce.number().min(1).max(3600).default(DEFAULT_IMPORT_LIMITS.timeLimitS),
        /** MiB of heap one import may use (a 32 MiB CityJSON needs about 450). */
        memoryLimitMiB: z.coerce
          .number()
          .int()
          .min(64)
          .max(65_536)
          .default(DEFAULT_IMPORT_LIMITS.memoryLimitMiB),
        /** Imports read at the same time, each on a core of its own. */
        concurrency: z.coerce.number().int().min(1).max(16).default(DEFAULT_IMPORT_LIMITS.concurrency),
        /** Imports that may wait for their turn; one more is refused (503 with Retry-After). */
        maxWaiting: z.coerce.number().int().min(0).max(100).default(DEFAULT_IMPORT_LIMITS.maxWaiting),
        /** Seconds an import waits for its turn before it is refused. */
        maxWaitS: z.coerce.number().min(0).max(600).default(DEFAULT_IMPORT_LIMITS.maxWaitS),
      })
      .strict()
      .default(DEFAULT_IMPORT_LIMITS),
    /**
     * Alarms for the control room: the default rules (garage full, NO2 and PM10 over the EU limits,
     * basin marks, slow traffic, sensor offline), `rules` replacing one by its id or adding one, and
     * the file where operators' changes are kept.
     */
    alarms: z
      .object({
        enabled: z.boolean().default(true),
        rules: z.array(AlarmRuleSchema).default([]),
        rulesFile: z.string().min(1).default('var/alarm-rules.json'),
      })
      .strict()
      .default({ enabled: true, rules: [], rulesFile: 'var/alarm-rules.json' }),
    simulator: z
      .object({
        enabled: z.boolean().default(true),
        seed: z.coerce.number().int().min(0).default(20211),
        /** Simulated seconds per real second. */
        timeScale: z.coerce.number().min(0.001).max(100_000).default(1),
      })
      .strict()
      .default({ enabled: true, seed: 20211, timeScale: 1 }),
    /**
     * The key of the operator API (`/api/v1/operator/…`: source status and every source's dead
     * letters). Without one that API is off. Better given by environment than written in the file.
     */
    operatorApiKey: z.string().min(16, 'API keys need at least 16 characters').optional(),
    /** Name of an environment variable holding the operator key. */
    operatorApiKeyEnv: z.string().min(1).optional(),
    /** Origins, proxies, metrics access and CSP sources (see {@link SecurityConfig}). */
    security: SecurityConfigSchema,
    /**
     * Maps every town's viewer may offer besides the pack's own (WMTS, WMS or XYZ; e.g. basemap.de
     * or a state survey's orthophotos). Their servers are added to the Content-Security-Policy.
     */
    map: z
      .object({ basemaps: z.array(BasemapSchema).max(30).default([]) })
      .strict()
      .default({ basemaps: [] }),
    /** How readings are judged on arrival, whichever source they come from. */
    ingest: z
      .object({
        /**
         * How far ahead of the server clock a reading's time may be (device clocks drift); further
         * ahead is refused as `future-timestamp`; within it the reading keeps its time and never blocks a correct one.
         * 30 s by default (see `DEFAULT_MAX_FUTURE_SKEW_MS` in the hub).
         */
        maxFutureSkewMs: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
      })
      .strict()
      .default({ maxFutureSkewMs: 30_000 }),
    /** How many rejected inputs the dead-letter list keeps for operators. */
    deadLetterLimit: z.coerce.number().int().min(0).max(100_000).default(500),
    /**
     * Live data sources besides the simulator (config file only; a city pack can add its own in
     * `sources.json`).
     */
    sources: z.array(SourceSchema).default([]),
    /** The search box: its rate per address and an optional geocoder (see `search/searchConfig.ts`). */
    search: SearchConfigSchema,
  })
  .strict();

export type Config = z.infer<typeof ConfigSchema>;

/** Raised for a configuration that cannot run; its message is meant for the person starting the server. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Environment variable -> config path. Anything else in the environment is ignored. */
const ENV_FIELDS: Record<string, readonly string[]> = {
  PORT: ['port'],
  HOST: ['host'],
  CITYTWIN_CITY: ['city'],
  CITYTWIN_DATA_DIR: ['dataDir'],
  CITYTWIN_TILES_DIR: ['tilesDir'],
  CITYTWIN_CLIENT_DIR: ['clientDir'],
  CITYTWIN_TICK_HZ: ['tickHz'],
  CITYTWIN_TICK_HZ_OPERATOR: ['tickHzByClass', 'operator'],
  CITYTWIN_TICK_HZ_PUBLIC: ['tickHzByClass', 'public'],
  CITYTWIN_TICK_HZ_KIOSK: ['tickHzByClass', 'kiosk'],
  CITYTWIN_LOG_LEVEL: ['logLevel'],
  CITYTWIN_SIMULATOR: ['simulator', 'enabled'],
  CITYTWIN_SIM_SEED: ['simulator', 'seed'],
  CITYTWIN_SIM_TIME_SCALE: ['simulator', 'timeScale'],
  CITYTWIN_DEAD_LETTER_LIMIT: ['deadLetterLimit'],
  CITYTWIN_MAX_FUTURE_SKEW_MS: ['ingest', 'maxFutureSkewMs'],
  CITYTWIN_RECOVERY_BUFFER_MIB: ['recoveryBufferMiB'],
  CITYTWIN_OPERATOR_API_KEY: ['operatorApiKey'],
  CITYTWIN_HISTORY: ['history', 'enabled'],
  CITYTWIN_HISTORY_BACKEND: ['history', 'backend'],
  CITYTWIN_HISTORY_FILE: ['history', 'file'],
  CITYTWIN_HISTORY_POSTGRES_URL: ['history', 'postgresUrl'],
  CITYTWIN_ALARMS: ['alarms', 'enabled'],
  CITYTWIN_SOCKET_LIMITS_PER_ADDRESS: ['socketLimits', 'perAddress'],
  CITYTWIN_IMPORT_TIME_LIMIT_S: ['scenarioImports', 'timeLimitS'],
  CITYTWIN_IMPORT_MEMORY_MIB: ['scenarioImports', 'memoryLimitMiB'],
  CITYTWIN_ALLOWED_ORIGINS: ['security', 'allowedOrigins'],
  CITYTWIN_TRUST_PROXY: ['security', 'trustProxy'],
  CITYTWIN_METRICS_ACCESS: ['security', 'metrics'],
  CITYTWIN_CSP_SOURCES: ['security', 'cspSources'],
};

/** Environment variables that hold a list, comma-separated. */
const LIST_ENV_VARS = new Set(['CITYTWIN_ALLOWED_ORIGINS', 'CITYTWIN_CSP_SOURCES']);

/** The environment variable names `loadConfig` reads, for documentation and error messages. */
export const CONFIG_ENV_VARS = Object.keys(ENV_FIELDS);

function envValue(name: string, raw: string): unknown {
  if (
    name === 'CITYTWIN_SIMULATOR' ||
    name === 'CITYTWIN_HISTORY' ||
    name === 'CITYTWIN_ALARMS' ||
    name === 'CITYTWIN_SOCKET_LIMITS_PER_ADDRESS'
  ) {
    if (/^(1|true|yes|on)$/i.test(raw)) return true;
    if (/^(0|false|no|off)$/i.test(raw)) return false;
    // Leave it as a string so validation names the field and the allowed values.
    return raw;
  }
  if (LIST_ENV_VARS.has(name))
    return raw
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean);
  if (name === 'CITYTWIN_TRUST_PROXY') {
    if (/^(true|false)$/i.test(raw)) return raw.toLowerCase() === 'true';
    if (/^\d+$/.test(raw)) return Number(raw);
  }
  return raw;
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  const last = path[path.length - 1];
  if (last !== undefined) node[last] = value;
}

export function describeIssue(issue: z.core.$ZodIssue, source: Record<string, string> = {}): string {
  const field = issue.path.join('.') || '(root)';
  const from = source[field] ? ` (from ${source[field]})` : '';
  switch (issue.code) {
    case 'invalid_value':
      return `${field}${from}: must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'unrecognized_keys':
      return `${field}: unknown field(s) ${issue.keys.join(', ')}; allowed: ${allowedKeys(issue.path).join(', ')}`;
    case 'too_small':
      return `${field}${from}: must be >= ${String(issue.minimum)} (${issue.message})`;
    case 'too_big':
      return `${field}${from}: must be <= ${String(issue.maximum)} (${issue.message})`;
    default:
      return `${field}${from}: ${issue.message}`;
  }
}

function allowedKeys(path: readonly PropertyKey[]): string[] {
  if (path.length === 0) return Object.keys(ConfigSchema.shape);
  if (path[0] === 'simulator') return ['enabled', 'seed', 'timeScale'];
  if (path[0] === 'tickHzByClass') return ['operator', 'public', 'kiosk'];
  if (path[0] === 'socketLimits' && path.length === 1) return ['perAddress', 'rates'];
  if (path[0] === 'socketLimits' && path[1] === 'rates' && path.length === 2) return [...COST_CLASSES];
  if (path[0] === 'socketLimits' && path[1] === 'rates' && path.length === 3) return ['socket', 'address'];
  if (path[0] === 'socketLimits' && path[1] === 'rates' && path.length === 4) return ['burst', 'perSecond'];
  if (path[0] === 'scenarioImports')
    return ['timeLimitS', 'memoryLimitMiB', 'concurrency', 'maxWaiting', 'maxWaitS'];
  if (path[0] === 'ingest') return ['maxFutureSkewMs'];
  if (path[0] === 'search' && path.length === 1) return [...SEARCH_CONFIG_KEYS.search];
  if (path[0] === 'search' && (path[1] === 'rate' || path[1] === 'geocoder'))
    return [...SEARCH_CONFIG_KEYS[path[1]]];
  if (path[0] === 'alarms' && path.length === 1) return ['enabled', 'rules', 'rulesFile'];
  if (path[0] === 'security' && path.length === 1)
    return ['allowedOrigins', 'trustProxy', 'metrics', 'cspSources'];
  if (path[0] === 'history' && path.length === 1)
    return [
      'enabled',
      'backend',
      'file',
      'postgresUrl',
      'postgresUrlEnv',
      'schema',
      'flushIntervalMs',
      'retention',
    ];
  if (path[0] === 'history' && path[1] === 'retention' && path.length === 2) return ['default', 'byKind'];
  if (path[0] === 'history' && path[1] === 'retention') return ['rawDays', 'minuteDays', 'hourDays'];
  return [];
}

/**
 * Builds the configuration from an optional JSON file (`CITYTWIN_CONFIG` or the `file` argument) and
 * the environment; environment wins. Throws `ConfigError` listing every wrong field.
 */
export function loadConfig(options: { env?: NodeJS.ProcessEnv; file?: string } = {}): Config {
  const env = options.env ?? process.env;
  const file = options.file ?? env.CITYTWIN_CONFIG;
  const raw: Record<string, unknown> = {};
  const source: Record<string, string> = {};
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new ConfigError(`Config file ${file} cannot be read: ${(error as Error).message}`);
    }
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw new Error('the top level must be a JSON object');
      }
      Object.assign(raw, parsed);
    } catch (error) {
      throw new ConfigError(`Config file ${file} is not valid JSON: ${(error as Error).message}`);
    }
  }
  for (const [name, path] of Object.entries(ENV_FIELDS)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    setPath(raw, path, envValue(name, value));
    source[path.join('.')] = `environment variable ${name}`;
  }
  const result = ConfigSchema.safeParse(raw);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  - ${describeIssue(issue, source)}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return result.data;
}
