/**
 * History payloads shared by client and server: a sensor's series over a time range, the state of a
 * layer at one instant, a weekday × hour profile, and what time range the store holds. Asked for over
 * HTTP (`/api/v1/history/...`) or as Socket.io acknowledgements (`history:*`); both answer the same
 * shapes.
 */
import { z } from 'zod';
import { BBoxSchema, SENSOR_KINDS, SensorKindSchema, SensorStateSchema } from './schemas.ts';

/** A time in ms since the Unix epoch, within what a JavaScript Date can hold. */
const EpochMsSchema = z.number().int().min(0).max(8.64e15);

/** Steps a series can be asked in: raw readings (0), or buckets of whole seconds. */
export const SeriesStepMsSchema = z
  .number()
  .int()
  .min(0)
  .refine((step) => step === 0 || step % 1000 === 0, 'step must be 0 (raw readings) or whole seconds');

/** `history:series`: one sensor's values from `fromMs` (inclusive) to `toMs` (exclusive). */
export const SeriesRequestSchema = z
  .object({
    sensorId: z.string().min(1).max(200),
    /** Only these quantities; all of the sensor's when left out. */
    quantities: z.array(z.string().min(1).max(64)).min(1).max(64).optional(),
    fromMs: EpochMsSchema,
    toMs: EpochMsSchema,
    /** Bucket width; 0 or left out gives every raw reading. */
    stepMs: SeriesStepMsSchema.optional(),
  })
  .refine((r) => r.fromMs < r.toMs, 'fromMs must be before toMs');
export type SeriesRequest = z.infer<typeof SeriesRequestSchema>;

/**
 * One quantity's series, column by column (as chart libraries take it). `t` is a bucket's start (or a
 * raw reading's time); for raw readings `min`, `max` and `mean` are the value and `count` is 1.
 */
export interface SeriesColumns {
  t: number[];
  mean: number[];
  min: number[];
  max: number[];
  count: number[];
}

/** Which table answered: raw readings, 1-minute or 1-hour aggregates. */
export type SeriesSource = 'raw' | 'minute' | 'hour';

export interface Series {
  sensorId: string;
  fromMs: number;
  toMs: number;
  stepMs: number;
  source: SeriesSource;
  quantities: Record<string, SeriesColumns>;
}

/** `history:state`: the sensors of some kinds (optionally in a view rectangle) as they were at `atMs`. */
export const StateAtRequestSchema = z.object({
  atMs: EpochMsSchema,
  kinds: z.array(SensorKindSchema).min(1).max(SENSOR_KINDS.length),
  bbox: BBoxSchema.optional(),
  /** Kinds taken in the whole town, whatever `bbox` says. */
  everywhere: z.array(SensorKindSchema).max(SENSOR_KINDS.length).optional(),
});
export type StateAtRequest = z.infer<typeof StateAtRequestSchema>;

/**
 * The state at `atMs`: per sensor the last reading at or before it (each quantity its own last
 * value), freshness judged at `atMs`. Sensors without a reading in the store are `offline` with none.
 */
export const StateAtSchema = z.object({
  atMs: z.number(),
  states: z.array(SensorStateSchema),
});
export type StateAt = z.infer<typeof StateAtSchema>;

/** `history:profile`: a quantity's mean per weekday and hour of day over the last weeks. */
export const ProfileRequestSchema = z.object({
  sensorId: z.string().min(1).max(200),
  quantity: z.string().min(1).max(64),
  /** How many weeks back from `toMs`; 4 by default. */
  weeks: z.number().int().min(1).max(52).optional(),
  /** The end of the range; the server's now when left out. */
  toMs: EpochMsSchema.optional(),
});
export type ProfileRequest = z.infer<typeof ProfileRequestSchema>;

/**
 * Mean of `quantity` per weekday (0 Monday … 6 Sunday) and hour of day (0–23) in the city's time
 * zone; null where there were no readings. `counts` are the readings behind each mean.
 */
export interface WeekdayHourProfile {
  sensorId: string;
  quantity: string;
  fromMs: number;
  toMs: number;
  timeZone: string;
  mean: (number | null)[][];
  counts: number[][];
}

/** How long each table keeps a kind's data, in ms. */
export interface RetentionSpan {
  rawMs: number;
  minuteMs: number;
  hourMs: number;
}

/** `history:range`: what the store holds, for the timeline's bounds. */
export interface HistoryRange {
  /** The oldest raw reading held, or null when there is none. */
  earliestMs: number | null;
  /** The newest raw reading held, or null. */
  latestMs: number | null;
  /** The server's time now. */
  nowMs: number;
  /** Raw readings are kept this long per sensor kind; the timeline scrubs within it. */
  retention: Record<string, RetentionSpan>;
}

const ColumnsSchema = z
  .object({
    t: z.array(z.number()),
    mean: z.array(z.number()),
    min: z.array(z.number()),
    max: z.array(z.number()),
    count: z.array(z.number()),
  })
  .refine(
    (c) => [c.mean, c.min, c.max, c.count].every((column) => column.length === c.t.length),
    'the columns of a quantity differ in length',
  );

/** The answer to `history:series`. */
export const SeriesSchema = z.object({
  sensorId: z.string(),
  fromMs: z.number(),
  toMs: z.number(),
  stepMs: z.number(),
  source: z.enum(['raw', 'minute', 'hour']),
  quantities: z.record(z.string(), ColumnsSchema),
});

/** The answer to `history:profile`. */
export const WeekdayHourProfileSchema = z.object({
  sensorId: z.string(),
  quantity: z.string(),
  fromMs: z.number(),
  toMs: z.number(),
  timeZone: z.string(),
  mean: z.array(z.array(z.number().nullable()).length(24)).length(7),
  counts: z.array(z.array(z.number()).length(24)).length(7),
});

/** The answer to `history:range`. */
export const HistoryRangeSchema = z.object({
  earliestMs: z.number().nullable(),
  latestMs: z.number().nullable(),
  nowMs: z.number(),
  retention: z.record(z.string(), z.object({ rawMs: z.number(), minuteMs: z.number(), hourMs: z.number() })),
});
