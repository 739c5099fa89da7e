/**
 * A self-hosted geocoder asked for addresses beyond the city pack: Nominatim (`/search`,
 * `format=jsonv2`) or Photon (`/api`, GeoJSON). Its answer is read with a byte limit and a time
 * limit, parsed leniently (an entry it cannot read is left out, the rest kept) and turned into
 * search results marked `source: 'geocoder'`. A failure throws; the search service decides what
 * that means (the pack's results go out alone).
 */
import { z } from 'zod';
import type { SearchResult } from '../../../protocol/index.ts';
import { formatDecimalDegrees } from './parseCoordinates.ts';
import type { GeocoderConfig } from './searchConfig.ts';

/** `fetch`, injectable for tests. */
export type GeocoderFetch = (url: string, init: RequestInit) => Promise<Response>;

/** The most bytes of a geocoder answer read; ten results are a few kilobytes. */
const MAX_ANSWER_BYTES = 1024 * 1024;
/** Nominatim's usage policy asks every client to name itself. */
const USER_AGENT = 'citytwin (self-hosted search)';

/** What the search asks a geocoder. */
export interface GeocoderRequest {
  readonly query: string;
  /** The city's centre `[lon, lat]`: answers near it come first. */
  readonly centre: readonly [number, number];
  readonly limit: number;
}

/** A geocoder. */
export interface Geocoder {
  readonly type: GeocoderConfig['type'];
  search(request: GeocoderRequest): Promise<SearchResult[]>;
}

const Coordinate = z.coerce.number().refine(Number.isFinite);

/** One hit of Nominatim's `format=jsonv2` (only the fields used). */
const NominatimPlaceSchema = z.object({
  place_id: z.union([z.number(), z.string()]).optional(),
  osm_type: z.string().optional(),
  osm_id: z.union([z.number(), z.string()]).optional(),
  lat: Coordinate,
  lon: Coordinate,
  name: z.string().optional(),
  display_name: z.string().optional(),
  category: z.string().optional(),
  type: z.string().optional(),
  addresstype: z.string().optional(),
  /** `[minLat, maxLat, minLon, maxLon]` as strings. */
  boundingbox: z.tuple([Coordinate, Coordinate, Coordinate, Coordinate]).optional(),
});
type NominatimPlace = z.infer<typeof NominatimPlaceSchema>;

/** One feature of Photon's GeoJSON answer (only the fields used). */
const PhotonFeatureSchema = z.object({
  geometry: z.object({ type: z.literal('Point'), coordinates: z.tuple([Coordinate, Coordinate]) }),
  properties: z.object({
    osm_type: z.string().optional(),
    osm_id: z.union([z.number(), z.string()]).optional(),
    name: z.string().optional(),
    street: z.string().optional(),
    housenumber: z.string().optional(),
    postcode: z.string().optional(),
    city: z.string().optional(),
    district: z.string().optional(),
    type: z.string().optional(),
    osm_key: z.string().optional(),
    /** Photon's order is `[minLon, maxLat, maxLon, minLat]`, not GeoJSON's; read as corners. */
    extent: z.tuple([Coordinate, Coordinate, Coordinate, Coordinate]).optional(),
  }),
});
type PhotonFeature = z.infer<typeof PhotonFeatureSchema>;

const inRange = (lon: number, lat: number) => Math.abs(lon) <= 180 && Math.abs(lat) <= 90;
const clip = (text: string) => (text.length > 300 ? `${text.slice(0, 299)}…` : text);

/** A bbox from two corners in any order, or undefined when out of range. */
function bboxOf(lonA: number, latA: number, lonB: number, latB: number): SearchResult['bbox'] {
  if (!inRange(lonA, latA) || !inRange(lonB, latB)) return undefined;
  return [Math.min(lonA, lonB), Math.min(latA, latB), Math.max(lonA, lonB), Math.max(latA, latB)];
}

/** `12`, `12a`, `12-14`, `3/1`. */
const HOUSE_NUMBER = /^\d+\s*[a-zA-Z]?(?:\s*[-/]\s*\d+\s*[a-zA-Z]?)?$/;

function fromNominatim(place: NominatimPlace, index: number): SearchResult | undefined {
  if (!inRange(place.lon, place.lat)) return undefined;
  const parts = (place.display_name ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  // jsonv2 puts the house number first in display_name (`12, Calwer Straße, ...`).
  const houseNumber = parts[0] !== undefined && HOUSE_NUMBER.test(parts[0]) ? parts[0] : undefined;
  const street = houseNumber !== undefined && parts[1] ? parts[1] : undefined;
  const label =
    place.name ||
    (street && houseNumber ? `${street} ${houseNumber}` : parts[0]) ||
    formatDecimalDegrees(place.lon, place.lat);
  const rest = parts.slice(street ? 2 : 1).join(', ');
  const box = place.boundingbox;
  const bbox = box ? bboxOf(box[2], box[0], box[3], box[1]) : undefined;
  const ownId =
    place.osm_type && place.osm_id !== undefined
      ? `${place.osm_type}${place.osm_id}`
      : String(place.place_id ?? index);
  return {
    kind:
      houseNumber !== undefined
        ? 'address'
        : place.addresstype === 'road'
          ? 'street'
          : place.category === 'building'
            ? 'building'
            : 'place',
    source: 'geocoder',
    id: clip(`geocoder:${ownId}`),
    label: clip(label),
    ...(rest ? { sublabel: clip(rest) } : {}),
    lon: place.lon,
    lat: place.lat,
    ...(bbox ? { bbox } : {}),
  };
}

function fromPhoton(feature: PhotonFeature, index: number): SearchResult | undefined {
  const [lon, lat] = feature.geometry.coordinates;
  if (!inRange(lon, lat)) return undefined;
  const p = feature.properties;
  const address = p.street ? `${p.street}${p.housenumber ? ` ${p.housenumber}` : ''}` : undefined;
  const label = p.name ?? address ?? formatDecimalDegrees(lon, lat);
  const town = [p.postcode, p.city].filter(Boolean).join(' ');
  const sublabel = [p.name && address ? address : undefined, p.district, town].filter(Boolean).join(', ');
  const extent = p.extent;
  const bbox = extent ? bboxOf(extent[0], extent[1], extent[2], extent[3]) : undefined;
  const ownId = p.osm_type && p.osm_id !== undefined ? `${p.osm_type}${p.osm_id}` : String(index);
  return {
    // Photon calls every point of interest a `house`: a named one is a place, an unnamed one an address.
    kind:
      p.type === 'street'
        ? 'street'
        : p.name === undefined && p.housenumber !== undefined
          ? 'address'
          : 'place',
    source: 'geocoder',
    id: clip(`geocoder:${ownId}`),
    label: clip(label),
    ...(sublabel ? { sublabel: clip(sublabel) } : {}),
    lon,
    lat,
    ...(bbox ? { bbox } : {}),
  };
}

/** Reads a body up to `MAX_ANSWER_BYTES`; a longer one is refused, not cut. */
async function readLimited(response: Response): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    if (bytes > MAX_ANSWER_BYTES) {
      await reader.cancel();
      throw new Error(`the geocoder's answer is larger than ${MAX_ANSWER_BYTES} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Each element parsed alone: one odd entry does not cost the others. */
function parseEach<T, R>(
  items: unknown,
  schema: z.ZodType<T>,
  map: (item: T, index: number) => R | undefined,
): R[] {
  if (!Array.isArray(items)) throw new Error('the geocoder answered something other than a list of places');
  const results: R[] = [];
  items.forEach((item, index) => {
    const parsed = schema.safeParse(item);
    const result = parsed.success ? map(parsed.data, index) : undefined;
    if (result) results.push(result);
  });
  return results;
}

/** The geocoder of `config`. */
export function createGeocoder(config: GeocoderConfig, fetchFn: GeocoderFetch = fetch): Geocoder {
  const base = config.url.replace(/\/+$/, '');
  const urlOf = ({ query, centre, limit }: GeocoderRequest): string => {
    const [lon, lat] = centre;
    if (config.type === 'nominatim') {
      // A box of about ±0.5° around the city, preferred but not binding (`bounded=0`).
      const params = new URLSearchParams({
        q: query,
        format: 'jsonv2',
        limit: String(limit),
        'accept-language': config.language,
        viewbox: [lon - 0.5, lat + 0.5, lon + 0.5, lat - 0.5].map((v) => v.toFixed(4)).join(','),
        bounded: '0',
      });
      return `${base}/search?${params.toString()}`;
    }
    const params = new URLSearchParams({
      q: query,
      limit: String(limit),
      lang: config.language,
      lon: lon.toFixed(5),
      lat: lat.toFixed(5),
    });
    return `${base}/api?${params.toString()}`;
  };

  return {
    type: config.type,
    async search(request) {
      const limit = Math.min(request.limit, config.maxResults);
      if (limit <= 0) return [];
      const response = await fetchFn(urlOf({ ...request, limit }), {
        headers: { accept: 'application/json', 'user-agent': USER_AGENT },
        signal: AbortSignal.timeout(config.timeoutMs),
        redirect: 'error',
      });
      if (!response.ok) {
        await response.body?.cancel();
        throw new Error(`the geocoder answered ${response.status}`);
      }
      const body: unknown = JSON.parse(await readLimited(response));
      const results =
        config.type === 'nominatim'
          ? parseEach(body, NominatimPlaceSchema, fromNominatim)
          : parseEach(
              typeof body === 'object' && body !== null && 'features' in body ? body.features : undefined,
              PhotonFeatureSchema,
              fromPhoton,
            );
      return results.slice(0, limit);
    },
  };
}
