/**
 * Config schemas shared by the source types: ids, and how a device's (datastream's, entity's)
 * payload fields become a sensor's quantities. The types they parse to are `normalize.ts`'s.
 */
import { z } from 'zod';

/** A source or city id: lower-case letters, digits and `-`. */
export const IdSchema = z.string().regex(/^[a-z0-9-]+$/, 'lower-case letters, digits and -');

/** One payload field to one quantity: `value × scale + offset` (unit conversion). */
export const FieldMappingSchema = z
  .object({
    field: z.string().min(1),
    quantity: z.string().min(1),
    scale: z.number().finite().optional(),
    offset: z.number().finite().optional(),
  })
  .strict();

/** Which sensor a source's device feeds, and how its fields map (`normalize.ts`, `DeviceMapping`). */
export const DeviceMappingSchema = z
  .object({
    sourceId: z.string().min(1),
    sensorId: z.string().min(1),
    fields: z.array(FieldMappingSchema).min(1),
  })
  .strict();

/**
 * Adds an issue for every mapping whose `key` an earlier one of `items` already has: two mappings of
 * one device would make the second silently win in the lookup map.
 */
export function refineMappedOnce<K extends string, T extends Record<K, string>>(
  context: z.RefinementCtx,
  items: readonly T[],
  field: string,
  key: K,
  noun: string,
): void {
  const seen = new Set<string>();
  items.forEach((item, index) => {
    const id = item[key];
    if (seen.has(id))
      context.addIssue({
        code: 'custom',
        path: [field, index, key],
        message: `${noun} "${id}" is mapped twice`,
      });
    seen.add(id);
  });
}

/** Whether a URL carries a user or password (`scheme://user:pass@host`). */
export function hasUserInfo(url: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(url);
}

/** The message for a URL with credentials in it: they belong in `username` and an environment variable. */
export const USER_INFO_MESSAGE =
  'no user or password in the URL: use "username" and an environment variable ("passwordEnv" / "apiKeyEnv")';
