/**
 * The shape of a city pack's `city.json` and `layers.json`, shared because the viewer reads them
 * through the server's API.
 */
import { z } from 'zod';
import { LayerEntrySchema, LayerGroupSchema, MapSetupSchema } from './mapLayers.ts';
import { SensorSchema } from './schemas.ts';

/**
 * What a building in a city pack is used for. The pack loader checks it, the viewer colours by it,
 * and parking sensors are bound to `parking` buildings.
 */
export const BUILDING_USES = [
  'residential',
  'mixed',
  'commercial',
  'industrial',
  'public',
  'school',
  'parking',
] as const;
/** One of `BUILDING_USES`. */
export type BuildingUse = (typeof BUILDING_USES)[number];

export const HomeViewSchema = z.object({
  lon: z.number().min(-180).max(180),
  lat: z.number().min(-90).max(90),
  heightM: z.number().positive(),
  headingDeg: z.number().default(0),
  pitchDeg: z.number().min(-90).max(0).default(-45),
});
export type HomeView = z.infer<typeof HomeViewSchema>;

/** A city pack's id: its folder name under `data/`, also used in URLs (`?city=`, `/tiles/<id>/`). */
export const CityIdSchema = z.string().regex(/^[a-z0-9-]+$/, 'city ids are lower-case letters, digits and -');

export const CityManifestSchema = z.object({
  id: CityIdSchema,
  name: z.string().min(1),
  /** True for generated demo data; the viewer then labels the map "Demo-Daten (synthetisch)". */
  synthetic: z.boolean(),
  centre: z.tuple([z.number(), z.number()]),
  homeView: HomeViewSchema,
  /** CRS of the pack's GeoJSON files. Packs are stored in WGS84; importers reproject. */
  crs: z.literal('EPSG:4326'),
  timezone: z.string().min(1),
  attribution: z.string().optional(),
});
export type CityManifest = z.infer<typeof CityManifestSchema>;

/** `GET /api/v1/city`: what a viewer needs to start, filtered for the caller's role. */
export const CityInfoSchema = z.object({
  city: CityManifestSchema,
  layers: z.array(LayerEntrySchema),
  groups: z.array(LayerGroupSchema).default([]),
  /** Without it (an older server): no basemap but Natural Earth, no terrain. */
  map: MapSetupSchema.default({ basemaps: [], packTiles: null, terrain: null }),
  sensors: z.array(SensorSchema),
  protocolVersion: z.number().int(),
});
export type CityInfo = z.infer<typeof CityInfoSchema>;

/** One entry of `GET /api/v1/cities`: enough for the town switcher. */
export const CitySummarySchema = z.object({
  id: CityIdSchema,
  name: z.string().min(1),
  synthetic: z.boolean(),
});
export type CitySummary = z.infer<typeof CitySummarySchema>;

/** `GET /api/v1/cities`: every pack the server serves and the one a viewer opens without `?city=`. */
export const CityListSchema = z.object({
  defaultCityId: CityIdSchema,
  cities: z.array(CitySummarySchema).min(1),
});
export type CityList = z.infer<typeof CityListSchema>;
