/**
 * Planning scenarios: a named set of variants of a place (the Elbenplatz redesign, a new quarter),
 * each with proposed buildings, existing buildings removed and road segments closed. Planners save
 * them on the server, every save a new version; a published scenario is shown to the public and the
 * kiosks, and visitors leave comments anchored to a point in 3D, which planners moderate.
 */
import { z } from 'zod';
import { BUILDING_USES } from './cityPack.ts';
import { CameraViewSchema } from './walls.ts';

/** A scenario's or variant's id: lower-case letters, digits and -. */
export const ScenarioIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'lower-case letters, digits and -, at most 64, not starting with -');

/** `[lon, lat]` in WGS84 degrees. */
const LonLatSchema = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]);

export const ROOF_TYPES = ['flat', 'gabled', 'hipped', 'shed'] as const;

/** The most triangles one imported building keeps (a scenario is saved over the socket as JSON). */
export const MAX_MESH_TRIANGLES = 30_000;

/** The largest Socket.io message the server takes: a scenario is saved in one (its meshes included). */
export const MAX_SOCKET_MESSAGE_BYTES = 8 * 1024 * 1024;

/** The file formats proposed buildings are imported from. */
export const IMPORT_FORMATS = ['citygml', 'cityjson', 'glb', 'gltf'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/**
 * The shape of an imported building as triangles: `positions` are x east, y north, z up in metres
 * from `origin` on the ground (z 0 is where the building stands), three numbers per vertex;
 * `indices` three per triangle, counter-clockwise seen from outside where the source says so.
 */
export const ProposedMeshSchema = z
  .object({
    origin: LonLatSchema,
    positions: z
      .array(z.number().finite().min(-5000).max(5000))
      .min(9)
      .max(MAX_MESH_TRIANGLES * 9)
      .refine((p) => p.length % 3 === 0, 'three numbers per vertex'),
    indices: z
      .array(z.number().int().min(0))
      .min(3)
      .max(MAX_MESH_TRIANGLES * 3)
      .refine((i) => i.length % 3 === 0, 'three indices per triangle'),
  })
  .strict()
  .refine((m) => m.indices.every((i) => i < m.positions.length / 3), {
    message: 'an index points past the last vertex',
    path: ['indices'],
  });
export type ProposedMesh = z.infer<typeof ProposedMeshSchema>;

/** Where an imported building came from. */
export const ImportSourceSchema = z
  .object({
    format: z.enum(IMPORT_FORMATS),
    /** The file's name as the planner chose it. */
    file: z.string().min(1).max(200),
    /** The object's id in the file (`gml:id`, the CityJSON key); absent for a glTF model. */
    objectId: z.string().max(200).optional(),
  })
  .strict();

/**
 * A building a variant proposes: drawn as a footprint with heights, storeys, roof and use, or
 * imported (then `mesh` is its real shape and `source` names the file; footprint and heights are
 * derived from the shape and stand for it in the shadows and the figures).
 */
export const ProposedBuildingSchema = z
  .object({
    id: z.string().min(1).max(64),
    name: z.string().max(120).optional(),
    /** Outer ring, closed (the last point repeats the first), counter-clockwise or not. */
    footprint: z
      .array(LonLatSchema)
      .min(4, 'a footprint needs at least three corners and the first again at the end')
      .max(500)
      .refine((ring) => {
        const first = ring[0];
        const last = ring[ring.length - 1];
        return first !== undefined && last !== undefined && first[0] === last[0] && first[1] === last[1];
      }, 'the ring must end where it starts'),
    /** Wall height (eaves) above ground, metres. */
    eavesHeightM: z.number().positive().max(500),
    /** Roof height above the eaves, metres (0 for flat roofs). */
    roofHeightM: z.number().min(0).max(100).default(0),
    roof: z.enum(ROOF_TYPES).default('flat'),
    storeys: z.number().int().min(1).max(200),
    use: z.enum(BUILDING_USES),
    mesh: ProposedMeshSchema.optional(),
    source: ImportSourceSchema.optional(),
  })
  .strict();
export type ProposedBuilding = z.infer<typeof ProposedBuildingSchema>;
export type ProposedBuildingInput = z.input<typeof ProposedBuildingSchema>;

export const VariantSchema = z
  .object({
    id: ScenarioIdSchema,
    name: z.string().trim().min(1).max(120),
    description: z.string().max(4000).default(''),
    buildings: z.array(ProposedBuildingSchema).max(500).default([]),
    /** Feature ids of existing buildings (the tileset's) this variant removes. */
    removedBuildingIds: z.array(z.string().min(1).max(200)).max(5000).default([]),
    /** Ids of road segments (the city pack's roads) this variant closes. */
    closedSegmentIds: z.array(z.string().min(1).max(200)).max(1000).default([]),
  })
  .strict()
  .refine((v) => new Set(v.buildings.map((b) => b.id)).size === v.buildings.length, {
    message: 'every building of a variant needs its own id',
    path: ['buildings'],
  });
export type Variant = z.infer<typeof VariantSchema>;
export type VariantInput = z.input<typeof VariantSchema>;

/** `scenario:save`: a new scenario (no id) or the next version of one (its id). */
export const ScenarioInputSchema = z
  .object({
    id: ScenarioIdSchema.optional(),
    name: z.string().trim().min(1).max(120),
    description: z.string().max(4000).default(''),
    variants: z.array(VariantSchema).min(1).max(10),
    /** Shown to the public and the kiosks (and open for their comments). */
    published: z.boolean().default(false),
    /** Where a link to the scenario opens. */
    camera: CameraViewSchema.optional(),
  })
  .strict()
  .refine((s) => new Set(s.variants.map((v) => v.id)).size === s.variants.length, {
    message: 'every variant needs its own id',
    path: ['variants'],
  });
export type ScenarioInput = z.input<typeof ScenarioInputSchema>;

export const ScenarioSchema = z.object({
  id: ScenarioIdSchema,
  cityId: z.string(),
  name: z.string(),
  description: z.string(),
  variants: z.array(VariantSchema),
  published: z.boolean(),
  camera: CameraViewSchema.optional(),
  /** 1 for the first save, one more for every save after. */
  version: z.number().int().positive(),
  /**
   * Who saved it first and last: a staff member's access key id for staff; for everyone else the
   * display name the config gives that key, or null.
   */
  createdBy: z.string().nullable(),
  createdAtMs: z.number(),
  savedBy: z.string().nullable(),
  savedAtMs: z.number(),
});
export type Scenario = z.infer<typeof ScenarioSchema>;

/** A scenario in lists: no variants' contents. */
export const ScenarioSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  published: z.boolean(),
  version: z.number().int(),
  variants: z.array(z.object({ id: z.string(), name: z.string() })),
  savedBy: z.string().nullable(),
  savedAtMs: z.number(),
});
export type ScenarioSummary = z.infer<typeof ScenarioSummarySchema>;

/** One saved version in `scenario:versions`. */
export const ScenarioVersionSchema = z.object({
  version: z.number().int().positive(),
  savedBy: z.string().nullable(),
  savedAtMs: z.number(),
});
export type ScenarioVersion = z.infer<typeof ScenarioVersionSchema>;

/** `scenario:get`: a scenario, its newest version or a given one. */
export const ScenarioGetSchema = z
  .object({ id: ScenarioIdSchema, version: z.number().int().positive().optional() })
  .strict();

/** A comment of a visitor, anchored to a point in 3D of one variant. */
export const CommentInputSchema = z
  .object({
    scenarioId: ScenarioIdSchema,
    variantId: ScenarioIdSchema,
    /** `[lon, lat, height above the ellipsoid in m]`. */
    position: z.tuple([
      z.number().min(-180).max(180),
      z.number().min(-90).max(90),
      z.number().min(-1000).max(10_000),
    ]),
    text: z.string().trim().min(1).max(2000),
    /** As the visitor wants to be named; anonymous when left out. */
    author: z.string().trim().max(80).optional(),
  })
  .strict();
export type CommentInput = z.input<typeof CommentInputSchema>;

/** `pending` until a planner approves or rejects it; the public sees approved comments only. */
export const CommentStateSchema = z.enum(['pending', 'approved', 'rejected']);

export const CommentSchema = z.object({
  id: z.string(),
  scenarioId: z.string(),
  variantId: z.string(),
  position: z.tuple([z.number(), z.number(), z.number()]),
  text: z.string(),
  author: z.string().nullable(),
  createdAtMs: z.number(),
  state: CommentStateSchema,
  moderatedBy: z.string().nullable(),
});
export type ScenarioComment = z.infer<typeof CommentSchema>;

/** `scenario:moderate`: a planner approves or rejects a comment. */
export const ModerateRequestSchema = z
  .object({
    scenarioId: ScenarioIdSchema,
    commentId: z.string().min(1).max(100),
    state: z.enum(['approved', 'rejected']),
  })
  .strict();

/** Something in an imported file that was left out or guessed, named so the planner can find it. */
export interface ImportNote {
  readonly objectId?: string;
  readonly message: string;
}

/** The answer of `POST /api/v1/cities/:cityId/scenario-imports`: buildings to add to a variant. */
export interface ScenarioImportResult {
  readonly format: ImportFormat;
  readonly buildings: ProposedBuildingInput[];
  readonly notes: ImportNote[];
  /** The CRS the file's coordinates were read in (`EPSG:25832`), `local` when placed by hand. */
  readonly sourceCrs: string;
}
