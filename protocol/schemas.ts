/**
 * Payload schemas shared by client and server. Every inbound payload is parsed with one of these at
 * the boundary; only parsed values reach the core. This module imports nothing but zod.
 */
import { z } from 'zod';
import { RoleSchema } from './roles.ts';

/** Kinds of sensor a city pack can register. */
export const SENSOR_KINDS = ['parking', 'traffic', 'environment', 'water'] as const;
export const SensorKindSchema = z.enum(SENSOR_KINDS);
export type SensorKind = z.infer<typeof SensorKindSchema>;

/** Who may see a sensor: `public` data is aggregated and non-personal; `internal` is for staff roles. */
export const VisibilitySchema = z.enum(['public', 'internal']);
export type Visibility = z.infer<typeof VisibilitySchema>;

/** `[lon, lat, heightM]` in WGS84 degrees and metres above the ellipsoid. */
export const LonLatHeightSchema = z.tuple([
  z.number().min(-180).max(180),
  z.number().min(-90).max(90),
  z.number(),
]);
export type LonLatHeight = z.infer<typeof LonLatHeightSchema>;

/** The city object a sensor's values are drawn on. */
export const BoundObjectSchema = z.object({
  /** `building`: a feature of the buildings tileset; `road`: a segment of roads.geojson; `site`: a point or area of its own. */
  type: z.enum(['building', 'road', 'site']),
  id: z.string().min(1),
});
export type BoundObject = z.infer<typeof BoundObjectSchema>;

/** Warn/alarm levels for one quantity; `direction` says whether high or low values are bad. */
export const ThresholdSchema = z.object({
  warn: z.number().optional(),
  alarm: z.number().optional(),
  direction: z.enum(['above', 'below']).default('above'),
});
export type Threshold = z.infer<typeof ThresholdSchema>;

/**
 * A quantity name carries its unit: `speedKmh`, `occupiedSpaces`, `no2UgM3`, `levelCm`.
 * Lower camel case, letters and digits only.
 */
export const QuantityNameSchema = z
  .string()
  .regex(/^[a-z][A-Za-z0-9]*$/, 'quantity names are lowerCamelCase');

/** One entry of a city pack's sensor registry. */
export const SensorSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9._:-]+$/, 'sensor ids use letters, digits and . _ : -'),
  kind: SensorKindSchema,
  name: z.string().min(1),
  position: LonLatHeightSchema,
  object: BoundObjectSchema,
  quantities: z.array(QuantityNameSchema).min(1),
  /** Expected time between two reports. A reading older than twice this is stale. */
  intervalMs: z.number().int().positive(),
  thresholds: z.record(z.string(), ThresholdSchema).default({}),
  visibility: VisibilitySchema.default('public'),
  /** Static facts about the object, unit in the name: `capacitySpaces`, `speedLimitKmh`, `maxLevelCm`. */
  attributes: z.record(z.string(), z.union([z.number(), z.string()])).default({}),
});
export type Sensor = z.infer<typeof SensorSchema>;

export const SensorRegistrySchema = z.object({
  sensors: z.array(SensorSchema),
});
export type SensorRegistry = z.infer<typeof SensorRegistrySchema>;

/** How far a reading can be trusted, as reported by its source or its adapter. */
export const QualitySchema = z.enum(['good', 'uncertain', 'bad']);
export type Quality = z.infer<typeof QualitySchema>;

/** The largest time a JavaScript Date can hold (ms epoch). */
export const MAX_DATE_MS = 8.64e15;

/** No sensor measures more quantities at once; a bigger map is a broken or hostile sender. */
export const MAX_VALUES_PER_OBSERVATION = 64;

/** One reading of one sensor at one instant. */
export const ObservationSchema = z.object({
  sensorId: z.string().min(1),
  /** Milliseconds since the Unix epoch (UTC), within what a JavaScript Date can hold. */
  observedAt: z.number().int().nonnegative().max(MAX_DATE_MS, 'observedAt is beyond any date'),
  values: z
    .record(QuantityNameSchema, z.number().finite())
    .refine((v) => Object.keys(v).length > 0, 'an observation needs at least one value')
    .refine(
      (v) => Object.keys(v).length <= MAX_VALUES_PER_OBSERVATION,
      `an observation has at most ${MAX_VALUES_PER_OBSERVATION} values`,
    ),
  quality: QualitySchema.default('good'),
});
export type Observation = z.infer<typeof ObservationSchema>;

/** `live`: reported within 2x its interval; `stale`: older; `offline`: never reported or long silent. */
export const FreshnessSchema = z.enum(['live', 'stale', 'offline']);
export type Freshness = z.infer<typeof FreshnessSchema>;

/**
 * What the source says about the device behind a sensor (LoRaWAN metadata, status messages): when it
 * was last heard from, at all, and its battery and radio link where the payload has them.
 */
export const SensorHealthSchema = z.object({
  /** When a message of the device last arrived, reading or not (ms epoch). */
  lastSeenMs: z.number().int().nonnegative().max(MAX_DATE_MS),
  /** 0–100 %. */
  batteryPercent: z.number().min(0).max(100).optional(),
  /** Received signal strength at the best gateway, dBm. */
  rssiDbm: z.number().finite().optional(),
  /** Signal-to-noise ratio at that gateway, dB. */
  snrDb: z.number().finite().optional(),
  /** The gateway that heard the device best. */
  gatewayId: z.string().min(1).optional(),
  /** The configured source the device reports through. */
  source: z.string().min(1).optional(),
});
export type SensorHealth = z.infer<typeof SensorHealthSchema>;

/** What a viewer knows about one sensor right now. A missing reading is `null`, never zeros. */
export const SensorStateSchema = z.object({
  sensorId: z.string().min(1),
  observation: ObservationSchema.nullable(),
  freshness: FreshnessSchema,
  /** Device health, when its source reports any. */
  health: SensorHealthSchema.optional(),
});
export type SensorState = z.infer<typeof SensorStateSchema>;

/** `[west, south, east, north]` in degrees. */
export const BBoxSchema = z
  .tuple([
    z.number().min(-180).max(180),
    z.number().min(-90).max(90),
    z.number().min(-180).max(180),
    z.number().min(-90).max(90),
  ])
  .refine(([, s, , n]) => s <= n, 'bbox south must not be north of north');
export type BBox = z.infer<typeof BBoxSchema>;

/**
 * `live:subscribe` request: which kinds, optionally only inside a view rectangle, plus kinds wanted in
 * the whole town whatever the view (a list of every garage, say).
 */
export const SubscribeRequestSchema = z.object({
  protocolVersion: z.number().int(),
  kinds: z.array(SensorKindSchema).min(1).max(SENSOR_KINDS.length),
  bbox: BBoxSchema.optional(),
  everywhere: z.array(SensorKindSchema).max(SENSOR_KINDS.length).optional(),
});
export type SubscribeRequest = z.infer<typeof SubscribeRequestSchema>;

/**
 * The full state of a subscription; `seq` starts the diff sequence. The order of `states` is the
 * subscription's: a `live:diff` names a sensor by its position here (see `wireDiff.ts`).
 */
export const SnapshotSchema = z.object({
  subscriptionId: z.string(),
  seq: z.number().int().nonnegative(),
  serverTimeMs: z.number(),
  states: z.array(SensorStateSchema),
});
export type Snapshot = z.infer<typeof SnapshotSchema>;

/**
 * Changes since the message with `seq - 1`. `upserts` replace the state of those sensors; `removed`
 * lists sensors that left the subscription. A diff may be empty of changes but is never sent so.
 */
export const DiffSchema = z.object({
  subscriptionId: z.string(),
  seq: z.number().int().positive(),
  serverTimeMs: z.number(),
  upserts: z.array(SensorStateSchema),
  removed: z.array(z.string()),
});
export type Diff = z.infer<typeof DiffSchema>;

/**
 * Why a request was refused: `bad-request` (the payload does not fit its schema or its bounds),
 * `too-large` (over the event's byte budget, refused before it was read), `binary` (binary data
 * where the event takes none), `forbidden` (the role lacks the capability), `rate-limited` (too many
 * requests of the event's cost class; try again after `retryAfterMs`), `busy` (the server is
 * answering too many such requests now), `not-found`, `version-mismatch`, `internal`.
 */
export const ERROR_CODES = [
  'bad-request',
  'too-large',
  'binary',
  'forbidden',
  'rate-limited',
  'busy',
  'not-found',
  'version-mismatch',
  'internal',
] as const;
export const ErrorCodeSchema = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

/**
 * An error answered to a request, with a machine-readable code and a short sentence for people. The
 * sentence names what was wrong (a field, a limit) and never repeats the input.
 */
export const ErrorPayloadSchema = z.object({
  code: ErrorCodeSchema,
  message: z.string(),
  /** With `rate-limited` and `busy`: when a new try may succeed. */
  retryAfterMs: z.number().int().nonnegative().optional(),
});
export type ErrorPayload = z.infer<typeof ErrorPayloadSchema>;

export type Ack<T> = { ok: true; data: T } | { ok: false; error: ErrorPayload };

/** How often a client gets diffs: operators fast, the public slower, kiosks slowest. */
export const ClientClassSchema = z.enum(['operator', 'public', 'kiosk']);
export type ClientClass = z.infer<typeof ClientClassSchema>;

/**
 * A random id a viewer window draws once and sends with every connection it opens (`auth.clientId`),
 * so the server can tell a window that reconnected from a second window.
 */
export const ClientIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{16,64}$/, 'letters, digits, _ and -, 16 to 64 of them');

/** Sent once to each socket after it connects. */
export const HelloSchema = z.object({
  protocolVersion: z.number().int(),
  cityId: z.string(),
  serverTimeMs: z.number(),
  /** Simulated seconds per real second; 1 for real time. Lets a viewer advance ages between diffs. */
  timeScale: z.number().positive(),
  /** The role the server gave the socket. */
  role: RoleSchema.default('public'),
  /** Diffs per second the socket gets. */
  tickHz: z.number().positive().optional(),
  /** The id of the staff access key the socket presented (who it acknowledges alarms as). */
  staffId: z.string().optional(),
});
export type Hello = z.infer<typeof HelloSchema>;
