/**
 * Config of an OGC SensorThings API 1.1 source (FROST-Server and others), one entry of the server
 * config's `sources` list. The adapter (`staAdapter.ts`) loads the catalogue over HTTP, subscribes to
 * Observations over MQTT when `mqttUrl` is given, and polls over HTTP otherwise.
 */
import { z } from 'zod';
import {
  DeviceMappingSchema,
  IdSchema,
  refineMappedOnce,
  hasUserInfo,
  USER_INFO_MESSAGE,
} from '../mappingSchema.ts';

/** A SensorThings service to read Things, Datastreams and Observations from. */
export const SensorThingsSourceSchema = z
  .object({
    type: z.literal('sensorthings'),
    /** Names the source in metrics and dead letters: `frost-stadtwerke`. */
    id: IdSchema,
    /** The city pack whose sensors it feeds; the default city when left out. */
    city: IdSchema.optional(),
    /** The service root, version included: `https://frost.example/FROST-Server/v1.1`. */
    url: z
      .url({
        protocol: /^https?$/,
        error: 'an http:// or https:// URL of the service root, e.g. https://frost.example/FROST-Server/v1.1',
      })
      .refine((url) => !hasUserInfo(url), USER_INFO_MESSAGE),
    /** The server's MQTT endpoint (`mqtt://frost.example:1883`); without it the adapter only polls. */
    mqttUrl: z
      .url({ protocol: /^(mqtts?|wss?)$/, error: 'an mqtt://, mqtts://, ws:// or wss:// URL' })
      .refine((url) => !hasUserInfo(url), USER_INFO_MESSAGE)
      .optional(),
    /** For HTTP basic auth and the MQTT login. */
    username: z.string().min(1).optional(),
    /** Name of the environment variable holding the password, so the config file can be shared. */
    passwordEnv: z.string().min(1).optional(),
    /** Fixed, so the broker keeps the session (and queued QoS 1 Observations) across restarts. */
    clientId: z.string().min(1).optional(),
    /** How often to poll while there is no MQTT connection (or no `mqttUrl`). */
    pollIntervalMs: z.number().int().min(1_000).default(60_000),
    /** An OData `$filter` for the Things catalogue, e.g. `properties/owner eq 'Stadtwerke'`. */
    thingsFilter: z.string().min(1).optional(),
    /**
     * Datastream (`sourceId` = its `@iot.id` as a string) to sensor. A numeric `result` becomes the
     * first field's quantity (scale and offset apply); an object `result` maps through the field paths.
     * An empty list still loads the catalogue and logs the server's datastreams, to start a mapping.
     */
    datastreams: z.array(DeviceMappingSchema).default([]),
  })
  .strict()
  .superRefine((source, ctx) => {
    refineMappedOnce(ctx, source.datastreams, 'datastreams', 'sourceId', 'datastream');
    if (source.passwordEnv !== undefined && source.username === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['passwordEnv'],
        message: 'a password needs a "username" (HTTP basic auth and MQTT login)',
      });
    }
  });

/** A parsed SensorThings source entry. */
export type SensorThingsSourceConfig = z.infer<typeof SensorThingsSourceSchema>;
