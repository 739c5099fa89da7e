/**
 * The `search` part of the server config: how often one address may search, and an optional
 * geocoder for addresses beyond the city pack. Without a geocoder (the default) no query leaves
 * the machine.
 */
import { z } from 'zod';
import { hasUserInfo } from '../adapters/mappingSchema.ts';

/**
 * A self-hosted Nominatim or Photon, asked by the server (so the viewer talks only to the twin and
 * its Content-Security-Policy stays closed) when the pack gives fewer than `minPackResults`.
 */
export const GeocoderConfigSchema = z
  .object({
    type: z.enum(['nominatim', 'photon']),
    /**
     * The service's base URL: `/search` (Nominatim) or `/api` (Photon) is added, e.g.
     * `http://nominatim.intern:8080` or `http://photon.intern:2322`.
     */
    url: z
      .string()
      .regex(/^https?:\/\/[^\s]+$/, 'an http:// or https:// URL such as http://nominatim.intern:8080')
      .refine((url) => !hasUserInfo(url), 'no user or password in the URL')
      .refine((url) => !/[?#]/.test(url), 'the base URL only, without ? or #'),
    /** Most geocoder results one answer takes (below the pack's). */
    maxResults: z.coerce.number().int().min(1).max(10).default(5),
    /** How long the geocoder may take; after it the pack's results go out alone. */
    timeoutMs: z.coerce.number().int().min(50).max(10_000).default(1500),
    /** The geocoder is asked only when the pack gives fewer results than this. */
    minPackResults: z.coerce.number().int().min(1).max(10).default(3),
    /** The language of the geocoder's names (`accept-language` / `lang`). */
    language: z
      .string()
      .regex(/^[a-z]{2}$/, 'a two-letter language code such as de')
      .default('de'),
  })
  .strict();
export type GeocoderConfig = z.infer<typeof GeocoderConfigSchema>;

/** Searches per address: a burst for typing, then a few a second (the viewer waits between keys). */
export const DEFAULT_SEARCH_RATE = { burst: 30, perSecond: 5 } as const;

export const SearchConfigSchema = z
  .object({
    rate: z
      .object({
        burst: z.coerce.number().int().min(1).max(10_000),
        perSecond: z.coerce.number().positive().max(10_000),
      })
      .strict()
      .default(DEFAULT_SEARCH_RATE),
    geocoder: GeocoderConfigSchema.optional(),
  })
  .strict()
  .default({ rate: DEFAULT_SEARCH_RATE });
export type SearchConfig = z.infer<typeof SearchConfigSchema>;

/** The fields of each level, for the config's "allowed:" messages. */
export const SEARCH_CONFIG_KEYS = {
  search: ['rate', 'geocoder'],
  rate: ['burst', 'perSecond'],
  geocoder: ['type', 'url', 'maxResults', 'timeoutMs', 'minPackResults', 'language'],
} as const;
