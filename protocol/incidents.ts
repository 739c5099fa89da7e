/**
 * Incidents and annotations an operator marks on the map: road works, a closure, flooding, an event,
 * as a point, a line or an area, with a time span. Staff consoles see them all; the public view and
 * kiosks see those marked public. Every change reaches every console live (`incident:changed`).
 */
import { z } from 'zod';

export const INCIDENT_KINDS = ['roadworks', 'closure', 'flooding', 'event', 'other'] as const;
export const IncidentKindSchema = z.enum(INCIDENT_KINDS);
export type IncidentKind = z.infer<typeof IncidentKindSchema>;

/** `[lon, lat]` in WGS84 degrees. */
const LonLatSchema = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]);

/** A GeoJSON point, line or polygon (one outer ring, closed). */
export const IncidentGeometrySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('Point'), coordinates: LonLatSchema }),
  z.object({ type: z.literal('LineString'), coordinates: z.array(LonLatSchema).min(2).max(500) }),
  z.object({
    type: z.literal('Polygon'),
    coordinates: z
      .array(z.array(LonLatSchema).min(4).max(500))
      .length(1, 'one outer ring')
      .refine((rings) => {
        const ring = rings[0] ?? [];
        const first = ring[0];
        const last = ring[ring.length - 1];
        return first !== undefined && last !== undefined && first[0] === last[0] && first[1] === last[1];
      }, 'the ring must end where it starts'),
  }),
]);
export type IncidentGeometry = z.infer<typeof IncidentGeometrySchema>;

/** `incident:save`: a new incident, or (with `id`) a change to one. */
export const IncidentInputSchema = z
  .object({
    id: z.string().min(1).max(200).optional(),
    kind: IncidentKindSchema,
    title: z.string().trim().min(1).max(120),
    description: z.string().max(1000).optional(),
    geometry: IncidentGeometrySchema,
    startsAtMs: z.number().int().nonnegative(),
    /** Open-ended when null. */
    endsAtMs: z.number().int().nonnegative().nullable(),
    /** Shown on the public view and kiosks too. */
    public: z.boolean(),
  })
  .refine((i) => i.endsAtMs === null || i.endsAtMs > i.startsAtMs, 'the end must come after the start');
export type IncidentInput = z.infer<typeof IncidentInputSchema>;

export const IncidentSchema = z.object({
  id: z.string(),
  cityId: z.string(),
  kind: IncidentKindSchema,
  title: z.string(),
  description: z.string().optional(),
  geometry: IncidentGeometrySchema,
  startsAtMs: z.number(),
  endsAtMs: z.number().nullable(),
  public: z.boolean(),
  /**
   * Who marked and last changed it: a staff member's access key id for staff; for the public the
   * display name the config gives that key, or null.
   */
  createdBy: z.string().nullable(),
  createdAtMs: z.number(),
  updatedBy: z.string().nullable(),
  updatedAtMs: z.number(),
  version: z.number().int().positive(),
});
export type Incident = z.infer<typeof IncidentSchema>;

/** `incident:changed`: an incident as it is now, or `incident: null` when it was removed (or is no longer public). */
export const IncidentChangeSchema = z.object({ id: z.string(), incident: IncidentSchema.nullable() });
export type IncidentChange = z.infer<typeof IncidentChangeSchema>;

/** Whether an incident is in force at `atMs`. */
export function incidentActiveAt(incident: Pick<Incident, 'startsAtMs' | 'endsAtMs'>, atMs: number): boolean {
  return incident.startsAtMs <= atMs && (incident.endsAtMs === null || atMs < incident.endsAtMs);
}
