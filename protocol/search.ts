/**
 * The search of a city (`GET /api/v1/search?q=&city=`): places, streets, addresses, buildings,
 * garages, sensors and typed coordinates from the city pack, and, where the server is configured
 * with a geocoder (Nominatim or Photon, self-hosted), addresses beyond the pack below them. The
 * server answers with {@link SearchAnswerSchema}; the viewer parses with it.
 */
import { z } from 'zod';
import { SensorKindSchema } from './schemas.ts';

/** Longest query the server reads, in characters (after trimming). */
export const MAX_SEARCH_QUERY_CHARS = 200;
/** Most results one answer holds. */
export const MAX_SEARCH_RESULTS = 10;

/** What a result is; the viewer names it in the user's language. */
export const SEARCH_RESULT_KINDS = [
  'place',
  'street',
  'address',
  'building',
  'garage',
  'sensor',
  'coordinate',
] as const;
export const SearchResultKindSchema = z.enum(SEARCH_RESULT_KINDS);
export type SearchResultKind = z.infer<typeof SearchResultKindSchema>;

/** Where a result comes from: the city pack, the typed coordinates, or the configured geocoder. */
export const SEARCH_RESULT_SOURCES = ['pack', 'coordinate', 'geocoder'] as const;
export const SearchResultSourceSchema = z.enum(SEARCH_RESULT_SOURCES);
export type SearchResultSource = z.infer<typeof SearchResultSourceSchema>;

const LonSchema = z.number().min(-180).max(180);
const LatSchema = z.number().min(-90).max(90);

/** `[west, south, east, north]` in WGS84 degrees. */
export const SearchBboxSchema = z.tuple([LonSchema, LatSchema, LonSchema, LatSchema]);
export type SearchBbox = z.infer<typeof SearchBboxSchema>;

/** One hit: what to show and where the camera goes when it is picked. */
export const SearchResultSchema = z.object({
  kind: SearchResultKindSchema,
  source: SearchResultSourceSchema,
  /** Unique within one answer: `street:Calwer Straße`, `building:b00012`, `sensor:parking-elbenplatz`. */
  id: z.string().min(1).max(300),
  /** The name as written in the pack (or the geocoder's, or the formatted coordinate). */
  label: z.string().min(1).max(300),
  /** What tells two equal labels apart: the address of a named building, the town, the UTM form. */
  sublabel: z.string().max(300).optional(),
  lon: LonSchema,
  lat: LatSchema,
  /** The extent of a street or a geocoder's area, for the camera to frame. */
  bbox: SearchBboxSchema.optional(),
  /** For `garage` and `sensor`: the sensor's kind, so the viewer can name it. */
  sensorKind: SensorKindSchema.optional(),
  /** For `garage` and `sensor`: the sensor id (for the info panel). */
  sensorId: z.string().min(1).max(200).optional(),
  /** For `building`, `address` and `garage`: the building's feature id in the tileset. */
  buildingId: z.string().min(1).max(200).optional(),
});
export type SearchResult = z.infer<typeof SearchResultSchema>;

/**
 * What the geocoder did for this answer: `off` (none configured), `unused` (the pack had enough),
 * `ok` (asked and answered), `failed` (asked; down, slow or answering nonsense: the pack's results
 * stand alone).
 */
export const GeocoderStatusSchema = z.enum(['off', 'unused', 'ok', 'failed']);
export type GeocoderStatus = z.infer<typeof GeocoderStatusSchema>;

/** `GET /api/v1/search`: the ranked results, best first, pack results above the geocoder's. */
export const SearchAnswerSchema = z.object({
  cityId: z.string().min(1),
  query: z.string().max(MAX_SEARCH_QUERY_CHARS),
  results: z.array(SearchResultSchema).max(MAX_SEARCH_RESULTS),
  geocoder: GeocoderStatusSchema,
});
export type SearchAnswer = z.infer<typeof SearchAnswerSchema>;
