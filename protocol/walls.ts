/**
 * Wall screens: a browser opened with `?wall=<name>` shows whatever view an operator pushes to that
 * name ("push view to wall"): the camera, which layers are on, the time (live or a moment of the
 * past) and the sensor whose panel is open. Views are reliable events (`wall:view`), never
 * telemetry; the server keeps each wall's last view, so a screen that comes up later shows it too.
 */
import { z } from 'zod';

/** A wall's name: what operators type and what goes into the screen's address. */
export const WallNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'lower-case letters, digits and -, at most 40, not starting with -');
export type WallName = z.infer<typeof WallNameSchema>;

/** Where the camera is and where it looks: WGS84 degrees, metres above the ellipsoid, degrees. */
export const CameraViewSchema = z
  .object({
    lon: z.number().min(-180).max(180),
    lat: z.number().min(-90).max(90),
    heightM: z.number().min(-1000).max(50_000_000),
    headingDeg: z.number().min(-360).max(720),
    pitchDeg: z.number().min(-90).max(90),
    rollDeg: z.number().min(-360).max(720),
  })
  .strict();
export type CameraView = z.infer<typeof CameraViewSchema>;

/** What a wall shows. */
export const WallViewSchema = z
  .object({
    camera: CameraViewSchema,
    /** Every layer of the catalog the sender knew, on or off; layers not named keep their state. */
    layers: z.array(z.object({ id: z.string().min(1), visible: z.boolean() }).strict()).max(200),
    /** Null: live; else the time shown, in ms since the epoch (paused there). */
    atMs: z.number().int().nonnegative().nullable(),
    /** The sensor whose panel is open, or null. */
    sensorId: z.string().min(1).nullable(),
  })
  .strict();
export type WallView = z.infer<typeof WallViewSchema>;

/** `wall:push`: a view for every screen of the wall of this name (staff only). */
export const WallPushRequestSchema = z.object({ wall: WallNameSchema, view: WallViewSchema }).strict();
export type WallPushRequest = z.infer<typeof WallPushRequestSchema>;

/** A view as a wall screen gets it: who pushed it and when. */
export const WallViewMessageSchema = z
  .object({
    wall: WallNameSchema,
    view: WallViewSchema,
    /**
     * Who pushed it: the operator's access key id for staff screens; for a screen without a key the
     * display name the config gives that key, or null.
     */
    by: z.string().nullable(),
    atMs: z.number(),
  })
  .strict();
export type WallViewMessage = z.infer<typeof WallViewMessageSchema>;

/** The answer to `wall:push`: how many screens of the wall were connected and got it. */
export const WallPushResultSchema = z.object({ wall: WallNameSchema, screens: z.number().int() });
export type WallPushResult = z.infer<typeof WallPushResultSchema>;

/** One wall of `wall:list`: its screens connected now, and the last view pushed to it. */
export const WallSummarySchema = z.object({
  wall: WallNameSchema,
  screens: z.number().int(),
  lastPushAtMs: z.number().nullable(),
  lastPushBy: z.string().nullable(),
});
export type WallSummary = z.infer<typeof WallSummarySchema>;
