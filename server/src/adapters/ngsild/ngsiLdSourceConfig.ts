/**
 * Config schema of an NGSI-LD source in the server config's `sources` list: a context broker
 * (Orion-LD, Scorpio, Stellio) whose subscription notifies `POST /api/v1/ngsi-ld/notify` with the
 * source's API key, and which entities feed which registry sensors. The key lives in the server's
 * config only (or in the environment variable `apiKeyEnv` names), never in a viewer; the broker
 * sends it as a notification header (`receiverInfo`).
 */
import { z } from 'zod';
import type { DeviceMapping } from '../normalize.ts';
import { FieldMappingSchema, IdSchema, refineMappedOnce } from '../mappingSchema.ts';

/** One entity of the broker and the registry sensor it feeds. */
export const NgsiLdEntityMappingSchema = z
  .object({
    /** The entity's id as the broker has it: `urn:ngsi-ld:OffStreetParking:porto-ParkingLot-23889`. */
    entityId: z.string().min(1),
    sensorId: z.string().min(1),
    /**
     * Attribute to quantity: `field` is the attribute name, or a dot path into its value or to a
     * sub-attribute (`fourWheelerSlots.availableSpotNumber`, `intensity.accuracy`).
     */
    attributes: z.array(FieldMappingSchema).min(1),
  })
  .strict();

/** A context broker that notifies the twin of entity changes. */
export const NgsiLdSourceSchema = z
  .object({
    type: z.literal('ngsi-ld'),
    /** Names the source in metrics, logs and dead letters: `fiware-porto`. */
    id: IdSchema,
    /** The city pack whose sensors it feeds; the default city when left out. */
    city: IdSchema.optional(),
    apiKey: z.string().min(16, 'API keys need at least 16 characters').optional(),
    /** Name of an environment variable holding the key, so the config file can be shared. */
    apiKeyEnv: z.string().min(1).optional(),
    entities: z.array(NgsiLdEntityMappingSchema).min(1),
  })
  .strict()
  .superRefine((source, context) => {
    if (source.apiKey === undefined && source.apiKeyEnv === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['apiKey'],
        message: 'set "apiKey", or "apiKeyEnv" naming the environment variable that holds the key',
      });
    }
    refineMappedOnce(context, source.entities, 'entities', 'entityId', 'entity');
  });

/** A parsed NGSI-LD source config. */
export type NgsiLdSourceConfig = z.infer<typeof NgsiLdSourceSchema>;

/** The source's entity mappings in the form the normalizer looks them up, keyed by entity id. */
export function ngsiLdDeviceMappings(
  source: Pick<NgsiLdSourceConfig, 'entities'>,
): Map<string, DeviceMapping> {
  return new Map(
    source.entities.map((entity) => [
      entity.entityId,
      { sourceId: entity.entityId, sensorId: entity.sensorId, fields: entity.attributes },
    ]),
  );
}
