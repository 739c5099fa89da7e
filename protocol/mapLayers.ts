/**
 * The map's catalogue: what a pack's `layers.json` and `basemaps.json` (and the config's basemaps)
 * may list, shared because the viewer reads them through the server's API. Each layer type is one
 * schema in {@link LayerEntrySchema}; the viewer has one folder per type (`client/src/layers/types/`).
 */
import { z } from 'zod';
import { SensorKindSchema } from './schemas.ts';

export const LocalizedTextSchema = z.object({ de: z.string().min(1), en: z.string().min(1) });
export type LocalizedText = z.infer<typeof LocalizedTextSchema>;

/** Ids of layers, groups and basemaps: short, safe in a URL. */
export const MapItemIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'ids are 1 to 64 letters, digits and _ . : -');

/** A calendar day or an instant, ISO 8601 (`2026-05-01`, `2026-05-01T08:00:00Z`). */
export const IsoDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/, 'an ISO 8601 date')
  .refine((text) => Number.isFinite(Date.parse(text)), 'an ISO 8601 date that exists');

/** `#rrggbb` or `#rrggbbaa`. */
export const ColorSchema = z
  .string()
  .regex(/^#[0-9a-fA-F]{6}([0-9a-fA-F]{2})?$/, 'a colour #rrggbb or #rrggbbaa');

/** A URL: absolute http(s), or a path on this server (`/data/…`, `/tiles/…`). */
export const LayerUrlSchema = z
  .string()
  .max(2048)
  .refine(
    (url) => /^https?:\/\/[^\s]+$/i.test(url) || /^\/[^\s/][^\s]*$/.test(url),
    'an http(s) URL or a path on this server starting with /',
  );

/** How features are drawn. */
export const FeatureStyleSchema = z.object({
  /** Points and lines, polygon outlines. */
  color: ColorSchema.optional(),
  /** Polygon fill; none when left out for lines and points. */
  fillColor: ColorSchema.optional(),
  lineWidth: z.number().min(0.5).max(20).optional(),
  /** Point diameter in CSS pixels. */
  pointSize: z.number().min(2).max(64).optional(),
  /** A built-in symbol (`pin`, `antenna`, `school`, `works`, `info`) drawn for points instead of a dot. */
  icon: z.enum(['pin', 'antenna', 'school', 'works', 'info']).optional(),
});
export type FeatureStyle = z.infer<typeof FeatureStyleSchema>;

/** One class of a style by property: a value (`values`) or a range of numbers (`ranges`). */
export const StyleClassSchema = FeatureStyleSchema.extend({ label: LocalizedTextSchema.optional() });
export type StyleClass = z.infer<typeof StyleClassSchema>;

export const VectorStyleSchema = FeatureStyleSchema.extend({
  /** Colours by a property: each value its own class, or ranges of a number (min inclusive, max exclusive). */
  byProperty: z
    .object({
      property: z.string().min(1).max(100),
      values: z.record(z.string(), StyleClassSchema).optional(),
      ranges: z
        .array(StyleClassSchema.extend({ min: z.number().optional(), max: z.number().optional() }))
        .max(32)
        .optional(),
    })
    .optional(),
  /** A property shown as a label at each feature. */
  label: z.string().min(1).max(100).optional(),
  /** Points close together on screen are drawn as one counted cluster. */
  cluster: z.boolean().optional(),
});
export type VectorStyle = z.infer<typeof VectorStyleSchema>;

/**
 * Features valid only for a while (road works, a Reallabor zone): the properties holding their
 * first and last day. The timeline's time decides what is shown.
 */
export const FeatureTimeSchema = z.object({
  fromProperty: z.string().min(1).max(100),
  toProperty: z.string().min(1).max(100),
});

/** What every catalogue entry has. */
const common = {
  id: MapItemIdSchema,
  title: LocalizedTextSchema,
  visible: z.boolean().default(true),
  /** The id of a group in the catalogue's `groups`. */
  group: MapItemIdSchema.optional(),
  opacity: z.number().min(0).max(1).default(1),
  description: LocalizedTextSchema.optional(),
  /** Who provides the data ("Stadt Böblingen, Geoportal"). */
  source: z.string().max(300).optional(),
  /** Its licence ("dl-de/by-2-0", "CC BY 4.0"). */
  licence: z.string().max(200).optional(),
  /** When the data was last updated. */
  updated: IsoDateSchema.optional(),
  /** Made-up demo data; the panel says so. */
  synthetic: z.boolean().optional(),
  /** Shown on the map next to the imagery credits. */
  attribution: z.string().max(300).optional(),
};

export const LayerEntrySchema = z.discriminatedUnion('type', [
  /** The town's buildings (3D Tiles from the pack): coloured by use, by live values, hidden by scenarios. */
  z.object({ ...common, type: z.literal('tileset'), url: LayerUrlSchema }),
  /** Any other 3D Tiles tileset (a bridge, trees, a point cloud). */
  z.object({
    ...common,
    type: z.literal('3dtiles'),
    url: LayerUrlSchema,
    maximumScreenSpaceError: z.number().min(1).max(256).optional(),
  }),
  z.object({
    ...common,
    type: z.literal('geojson'),
    url: LayerUrlSchema,
    style: VectorStyleSchema.optional(),
    time: FeatureTimeSchema.optional(),
  }),
  z.object({ ...common, type: z.literal('live'), kind: SensorKindSchema }),
  z.object({
    ...common,
    type: z.literal('wms'),
    /** The service URL without request parameters. */
    url: LayerUrlSchema,
    /** Comma-separated layer names. */
    layers: z.string().min(1).max(1000),
    styles: z.string().max(1000).optional(),
    version: z.enum(['1.3.0', '1.1.1']).default('1.3.0'),
    format: z.string().max(100).default('image/png'),
    /** Clicks ask the server what is there (GetFeatureInfo). */
    featureInfo: z.boolean().default(true),
    /** The legend image; GetLegendGraphic of the first layer when left out. */
    legendUrl: LayerUrlSchema.optional(),
    /** The layer has a TIME dimension bound to the timeline. */
    time: z.boolean().default(false),
    maximumLevel: z.number().int().min(0).max(24).optional(),
  }),
  z.object({
    ...common,
    type: z.literal('wmts'),
    /** The capabilities document, or a REST template with {TileMatrix}, {TileRow}, {TileCol}. */
    url: LayerUrlSchema,
    layer: z.string().min(1).max(200),
    style: z.string().max(200).default('default'),
    tileMatrixSet: z.string().min(1).max(200),
    format: z.string().max(100).default('image/png'),
    maximumLevel: z.number().int().min(0).max(24).optional(),
  }),
  z.object({
    ...common,
    type: z.literal('wfs'),
    url: LayerUrlSchema,
    /** The feature type (`ns:name`). */
    typeName: z.string().min(1).max(200),
    /** Features per request; further pages follow. */
    pageSize: z.number().int().min(1).max(10_000).default(1000),
    /** At most this many features in all. */
    maxFeatures: z.number().int().min(1).max(200_000).default(20_000),
    style: VectorStyleSchema.optional(),
  }),
  z.object({
    ...common,
    type: z.literal('ogcapi-features'),
    /** The API's landing page (or its `/collections` URL). */
    url: LayerUrlSchema,
    collection: z.string().min(1).max(200),
    pageSize: z.number().int().min(1).max(10_000).default(1000),
    maxFeatures: z.number().int().min(1).max(200_000).default(20_000),
    style: VectorStyleSchema.optional(),
  }),
  z.object({ ...common, type: z.literal('czml'), url: LayerUrlSchema }),
]);
export type LayerEntry = z.infer<typeof LayerEntrySchema>;
/** A catalogue entry as written in a file (defaults may be left out). */
export type LayerEntryInput = z.input<typeof LayerEntrySchema>;
/** The name of a layer type. */
export type LayerType = LayerEntry['type'];
/** The catalogue entry of one type. */
export type LayerEntryOf<T extends LayerType> = Extract<LayerEntry, { type: T }>;

export const LayerGroupSchema = z.object({
  id: MapItemIdSchema,
  title: LocalizedTextSchema,
  /** Open in the panel at start. */
  expanded: z.boolean().default(true),
});
export type LayerGroup = z.infer<typeof LayerGroupSchema>;

/** A pack's `layers.json`. Entries are drawn and listed in this order; groups in theirs. */
export const LayerCatalogSchema = z
  .object({
    groups: z.array(LayerGroupSchema).max(50).default([]),
    layers: z.array(LayerEntrySchema).max(500),
  })
  .superRefine((catalog, ctx) => {
    const groups = new Set(catalog.groups.map((g) => g.id));
    catalog.layers.forEach((layer, index) => {
      if (layer.group !== undefined && !groups.has(layer.group)) {
        ctx.addIssue({
          code: 'custom',
          path: ['layers', index, 'group'],
          message: `group "${layer.group}" is not one of the catalogue's groups`,
        });
      }
    });
  });
export type LayerCatalog = z.infer<typeof LayerCatalogSchema>;
export type LayerCatalogInput = z.input<typeof LayerCatalogSchema>;

const basemapCommon = {
  id: MapItemIdSchema,
  title: LocalizedTextSchema,
  /** Who made the map, shown on it while it is chosen. */
  attribution: z.string().min(1).max(300),
};

/** A map under the town the user can pick. */
export const BasemapSchema = z.discriminatedUnion('type', [
  /** The pack's own streets, water, green and names, built into vector tiles by citytwin. */
  z.object({
    id: MapItemIdSchema,
    title: LocalizedTextSchema,
    type: z.literal('pack'),
    style: z.enum(['light', 'dark']),
    attribution: z.string().min(1).max(300).optional(),
  }),
  z.object({
    ...basemapCommon,
    type: z.literal('wmts'),
    url: LayerUrlSchema,
    layer: z.string().min(1).max(200),
    style: z.string().max(200).default('default'),
    tileMatrixSet: z.string().min(1).max(200),
    format: z.string().max(100).default('image/png'),
    maximumLevel: z.number().int().min(0).max(24).optional(),
  }),
  z.object({
    ...basemapCommon,
    type: z.literal('wms'),
    url: LayerUrlSchema,
    layers: z.string().min(1).max(1000),
    styles: z.string().max(1000).optional(),
    version: z.enum(['1.3.0', '1.1.1']).default('1.3.0'),
    format: z.string().max(100).default('image/jpeg'),
    maximumLevel: z.number().int().min(0).max(24).optional(),
  }),
  z.object({
    ...basemapCommon,
    type: z.literal('xyz'),
    /** A template with {z}, {x}, {y} (and {s} with `subdomains`). */
    url: LayerUrlSchema,
    subdomains: z.array(z.string().min(1).max(20)).max(10).optional(),
    maximumLevel: z.number().int().min(0).max(24).default(19),
  }),
]);
export type Basemap = z.infer<typeof BasemapSchema>;

/** A pack's optional `basemaps.json`: maps offered besides the pack's own. */
export const BasemapCatalogSchema = z.object({ basemaps: z.array(BasemapSchema).max(30) });

/** What the viewer needs to draw the ground: the basemaps to offer and the terrain. */
export const MapSetupSchema = z.object({
  /** In the picker's order; the first is the default. */
  basemaps: z.array(BasemapSchema),
  /** The pack's vector tiles (for `pack` basemaps), null when they are not built. */
  packTiles: z.object({ url: z.string() }).nullable(),
  /** The pack's terrain (Cesium heightmap tiles with a layer.json), null: the ellipsoid. */
  terrain: z.object({ url: z.string() }).nullable(),
});
export type MapSetup = z.infer<typeof MapSetupSchema>;
