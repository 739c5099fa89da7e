/**
 * The source health report of the control room (`ops:health`, staff only): each source's state, its
 * readings per second and rejections by reason, the newest dead letters, and each sensor's freshness,
 * battery and when it was last heard from.
 */
import { z } from 'zod';

export interface SourceHealth {
  readonly id: string;
  /** `mqtt`, `push`, `sensorthings`, …, or `simulator`; `other` for a source only seen in readings. */
  readonly type: string;
  readonly cityId: string | null;
  /** The adapter's own report (connection, last poll, counts), as the operator API gives it. */
  readonly state: unknown;
  /** Readings accepted since the server started. */
  readonly accepted: number;
  /** Accepted readings per second over the last ten seconds. */
  readonly readingsPerS: number;
  /** Inputs turned away since the server started, by reason. */
  readonly rejections: Readonly<Record<string, number>>;
}

export interface SensorHealthRow {
  readonly sensorId: string;
  readonly freshness: 'live' | 'stale' | 'offline';
  /** When the newest reading was measured. */
  readonly observedAtMs: number | null;
  /** When the device was last heard from (a reading or a status message). */
  readonly lastSeenMs: number | null;
  readonly batteryPercent: number | null;
}

export interface DeadLetterRow {
  readonly atMs: number;
  readonly source: string;
  readonly reason: string;
  readonly message: string;
}

/** What a warning of the report is about; the console words each in its language. */
export const HEALTH_WARNING_CODES = ['history-replaced', 'history-log-moved'] as const;
export type HealthWarningCode = (typeof HEALTH_WARNING_CODES)[number];

/**
 * Something the operators must know of that no source or sensor shows: `history-replaced`, the
 * history database could not be opened because it is damaged, was moved aside and a new, empty one
 * started (the readings before are in the moved files, not in the twin's history);
 * `history-log-moved`, only its write-ahead log was damaged and moved aside (the history up to its
 * last checkpoint is kept, what came after is in the moved log).
 */
export interface HealthWarning {
  readonly code: HealthWarningCode;
  readonly atMs: number;
  /** What it concerns, not translated: where the damaged files were moved. */
  readonly detail: string;
}

export interface HealthReport {
  readonly atMs: number;
  /** Server-wide warnings, oldest first; empty when all is well. */
  readonly warnings: readonly HealthWarning[];
  readonly sources: readonly SourceHealth[];
  /** The newest turned-away inputs of the city, newest first. */
  readonly deadLetters: readonly DeadLetterRow[];
  readonly sensors: readonly SensorHealthRow[];
}

/** The answer to `ops:health`, as the viewer checks it. */
export const HealthReportSchema = z.object({
  atMs: z.number(),
  warnings: z
    .array(z.object({ code: z.enum(HEALTH_WARNING_CODES), atMs: z.number(), detail: z.string() }))
    .readonly(),
  sources: z
    .array(
      z.object({
        id: z.string(),
        type: z.string(),
        cityId: z.string().nullable(),
        state: z.unknown(),
        accepted: z.number(),
        readingsPerS: z.number(),
        rejections: z.record(z.string(), z.number()).readonly(),
      }),
    )
    .readonly(),
  deadLetters: z
    .array(z.object({ atMs: z.number(), source: z.string(), reason: z.string(), message: z.string() }))
    .readonly(),
  sensors: z
    .array(
      z.object({
        sensorId: z.string(),
        freshness: z.enum(['live', 'stale', 'offline']),
        observedAtMs: z.number().nullable(),
        lastSeenMs: z.number().nullable(),
        batteryPercent: z.number().nullable(),
      }),
    )
    .readonly(),
});
