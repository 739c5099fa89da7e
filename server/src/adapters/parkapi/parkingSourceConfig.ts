/**
 * Config schema of a polled parking feed (ParkAPI v3, ParkenDD v1, Goldbeck occupancies) in the
 * server config's `sources` list. Which lots of the feed feed which registry sensors is part of it;
 * the API key is not: the config names the environment variable that holds it, so the file can be
 * shared and committed.
 */
import { z } from 'zod';
import { IdSchema, refineMappedOnce, hasUserInfo, USER_INFO_MESSAGE } from '../mappingSchema.ts';

/** The shortest poll interval a config may ask for: parking counts change over minutes. */
export const MIN_PARKING_POLL_INTERVAL_MS = 5_000;

/** A header field name as HTTP allows it (RFC 9110 token). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** One lot of the feed and the registry sensor it feeds (`parkingCommon.ts`, `ParkingLotMapping`). */
export const ParkingLotMappingSchema = z
  .object({
    /** The feed's lot id: ParkAPI `uid`/`original_uid`/`id`, ParkenDD `id`, Goldbeck `facilityId`. */
    sourceId: z.string().min(1),
    sensorId: z.string().min(1),
    /** Used when the feed gives no capacity for the lot. */
    capacity: z.number().int().positive().optional(),
  })
  .strict();

/** A parking occupancy feed polled over HTTP(S). */
export const ParkingSourceSchema = z
  .object({
    type: z.literal('parking'),
    /** Names the source in metrics, logs and dead letters: `herrenberg-parken`. */
    id: IdSchema,
    /** The city pack whose sensors it feeds; the default city when left out. */
    city: IdSchema.optional(),
    format: z.enum(['parkapi-v3', 'parkendd', 'goldbeck']),
    url: z
      .url({ protocol: /^https?$/, error: 'an http:// or https:// URL' })
      .refine((url) => !hasUserInfo(url), USER_INFO_MESSAGE),
    pollIntervalMs: z.number().int().min(MIN_PARKING_POLL_INTERVAL_MS).max(86_400_000).default(60_000),
    /** How long one GET may take (boundedFetch's default, 15 s, when left out). */
    timeoutMs: z.number().int().min(100).max(120_000).optional(),
    /** Name of the environment variable holding the feed's API key, if it needs one. */
    apiKeyEnv: z.string().min(1).optional(),
    /**
     * The header the key goes in: `Authorization` (the default) sends `Bearer <key>`; any other
     * header (`X-API-Key`) sends the key as it is.
     */
    apiKeyHeader: z.string().regex(HEADER_NAME, 'an HTTP header name').optional(),
    lots: z.array(ParkingLotMappingSchema).min(1),
  })
  .strict()
  .superRefine((source, context) => {
    if (source.apiKeyHeader !== undefined && source.apiKeyEnv === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['apiKeyHeader'],
        message: 'apiKeyHeader needs apiKeyEnv (the environment variable holding the key)',
      });
    }
    refineMappedOnce(context, source.lots, 'lots', 'sourceId', 'lot');
  });

/** A parsed parking source config. */
export type ParkingSourceConfig = z.infer<typeof ParkingSourceSchema>;
