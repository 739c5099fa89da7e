/**
 * The part of GeoJSON the viewer draws, parsed at the boundary. The server validates the city pack
 * when it loads it; the viewer still checks each feature so that one bad feature is logged and
 * skipped instead of breaking a layer.
 */
import { z } from 'zod';
import { firstZodIssue, zodErrorText } from '../../../protocol/zodError.ts';

/** `[lon, lat]` or `[lon, lat, heightM]` in WGS84 degrees (RFC 7946). */
export type LonLatMaybeHeight = readonly [number, number] | readonly [number, number, number];

const PositionSchema = z.union([
  z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]),
  z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90), z.number()]),
]);
const RingSchema = z.array(PositionSchema).min(4);

const GeometrySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('Point'), coordinates: PositionSchema }),
  z.object({ type: z.literal('MultiPoint'), coordinates: z.array(PositionSchema).min(1) }),
  z.object({ type: z.literal('LineString'), coordinates: z.array(PositionSchema).min(2) }),
  z.object({ type: z.literal('MultiLineString'), coordinates: z.array(z.array(PositionSchema).min(2)) }),
  z.object({ type: z.literal('Polygon'), coordinates: z.array(RingSchema).min(1) }),
  z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(RingSchema).min(1)) }),
]);

/** A geometry the viewer can draw. */
export type Geometry = z.infer<typeof GeometrySchema>;

const FeatureSchema = z.object({
  type: z.literal('Feature'),
  id: z.union([z.string(), z.number()]).optional(),
  properties: z.record(z.string(), z.unknown()).nullable(),
  geometry: GeometrySchema,
});

/** A parsed feature; `id` is the top-level id, else `properties.id`. */
export interface CityFeature {
  readonly id: string;
  readonly properties: Readonly<Record<string, unknown>>;
  readonly geometry: Geometry;
}

/** Why a feature was left out, in words a message can say in any language. */
export type RejectReason =
  'notAFeature' | 'noGeometry' | 'geometryType' | 'tooFewPoints' | 'coordinates' | 'noId';

/** A feature that was left out: its place in the file (0-based) and why. */
export interface RejectedFeature {
  readonly index: number;
  readonly reason: RejectReason;
}

/** The features that parsed, and one line per feature that did not (with its reason, by index). */
export interface ParsedFeatures {
  readonly features: readonly CityFeature[];
  readonly rejected: readonly string[];
  readonly rejectedFeatures: readonly RejectedFeature[];
}

/** The reason of a feature's first problem, from where in the feature it lies. */
function rejectReason(error: z.ZodError): RejectReason {
  const issue = firstZodIssue(error);
  const path = issue?.path ?? [];
  if (path[0] !== 'geometry') return 'notAFeature';
  if (path.length === 1) return issue?.code === 'invalid_type' ? 'noGeometry' : 'geometryType';
  if (path[1] === 'type') return 'geometryType';
  return issue?.code === 'too_small' ? 'tooFewPoints' : 'coordinates';
}

/** How {@link parseFeatureCollection} treats features. */
export interface ParseOptions {
  /**
   * Features without an id get `#<index>` (their place in the file). Catalogue layers and users'
   * files often have no ids; the pack's own files (roads, basins) must have them, as sensors point
   * at them, so this is off by default.
   */
  readonly idFromIndex?: boolean;
}

/** Parses a FeatureCollection feature by feature. A payload that is no FeatureCollection throws. */
export function parseFeatureCollection(
  raw: unknown,
  source: string,
  options: ParseOptions = {},
): ParsedFeatures {
  const collection = z
    .object({ type: z.literal('FeatureCollection'), features: z.array(z.unknown()) })
    .safeParse(raw);
  if (!collection.success) throw new Error(`${source} is not a GeoJSON FeatureCollection.`);
  const features: CityFeature[] = [];
  const rejected: string[] = [];
  const rejectedFeatures: RejectedFeature[] = [];
  collection.data.features.forEach((item, index) => {
    const parsed = FeatureSchema.safeParse(item);
    if (!parsed.success) {
      rejected.push(`${source} feature ${index}: ${zodErrorText(parsed.error, { maxIssues: 1 })}`);
      rejectedFeatures.push({ index, reason: rejectReason(parsed.error) });
      return;
    }
    const properties = parsed.data.properties ?? {};
    const id = parsed.data.id ?? properties['id'] ?? (options.idFromIndex ? `#${index}` : undefined);
    if (typeof id !== 'string' && typeof id !== 'number') {
      rejected.push(`${source} feature ${index}: no id`);
      rejectedFeatures.push({ index, reason: 'noId' });
      return;
    }
    features.push({ id: String(id), properties, geometry: parsed.data.geometry });
  });
  return { features, rejected, rejectedFeatures };
}

/** The lines of a geometry: each LineString, and each polygon ring as a closed line. */
export function linesOf(geometry: Geometry): readonly (readonly LonLatMaybeHeight[])[] {
  switch (geometry.type) {
    case 'Point':
    case 'MultiPoint':
      return [];
    case 'LineString':
      return [geometry.coordinates];
    case 'MultiLineString':
      return geometry.coordinates;
    case 'Polygon':
      return geometry.coordinates;
    case 'MultiPolygon':
      return geometry.coordinates.flat();
  }
}

/** The points of a geometry: a Point's position, each position of a MultiPoint. */
export function pointsOf(geometry: Geometry): readonly LonLatMaybeHeight[] {
  if (geometry.type === 'Point') return [geometry.coordinates];
  if (geometry.type === 'MultiPoint') return geometry.coordinates;
  return [];
}

/** The polygons of a geometry as `[outer ring, ...holes]`. */
export function polygonsOf(geometry: Geometry): readonly (readonly (readonly LonLatMaybeHeight[])[])[] {
  if (geometry.type === 'Polygon') return [geometry.coordinates];
  if (geometry.type === 'MultiPolygon') return geometry.coordinates;
  return [];
}

/** A numeric feature property, or null. */
export function numericProperty(feature: CityFeature, name: string): number | null {
  const value = feature.properties[name];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** The height of a position in metres, 0 when it has none. */
export function heightOf(position: LonLatMaybeHeight): number {
  return position.length === 3 ? position[2] : 0;
}
