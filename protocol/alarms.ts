/**
 * Alarm rules and alarms, shared by server and viewer. A rule watches one kind of sensor (or some
 * sensors of it) and raises an alarm when its condition has held for `raiseDelayMs`; the alarm clears
 * once the value is back beyond the hysteresis for `clearDelayMs`. Operators acknowledge alarms with
 * their name and a comment. Alarms are reliable events, never coalesced telemetry.
 */
import { z } from 'zod';
import { SensorKindSchema } from './schemas.ts';

/** What a rule compares. */
export const RuleConditionSchema = z.discriminatedUnion('type', [
  /** A quantity's value, or its mean over `meanOverMs`, above or below a limit. */
  z
    .object({
      type: z.literal('value'),
      quantity: z.string().min(1),
      above: z.number().optional(),
      below: z.number().optional(),
      /** Compare the mean over this window (EU limits: 1 h, 24 h, a year), not the last value. */
      meanOverMs: z.number().int().positive().optional(),
    })
    .refine(
      (c) => (c.above === undefined) !== (c.below === undefined),
      'give exactly one of above and below',
    ),
  /** A quantity as a share of one of the sensor's attributes (occupied / capacity, speed / limit). */
  z
    .object({
      type: z.literal('ratio'),
      quantity: z.string().min(1),
      attribute: z.string().min(1),
      above: z.number().optional(),
      below: z.number().optional(),
    })
    .refine(
      (c) => (c.above === undefined) !== (c.below === undefined),
      'give exactly one of above and below',
    ),
  /** The sensor's own warn or alarm mark for a quantity (a basin's marks in the city pack). */
  z.object({
    type: z.literal('mark'),
    quantity: z.string().min(1),
    level: z.enum(['warn', 'alarm']),
  }),
  /** The sensor has gone offline (no reading for ten report intervals). */
  z.object({ type: z.literal('offline') }),
]);
export type RuleCondition = z.infer<typeof RuleConditionSchema>;

export const SeveritySchema = z.enum(['warning', 'alarm']);
export type Severity = z.infer<typeof SeveritySchema>;

/** Limits of a rule for one sensor, replacing the rule's own. */
export const RuleOverrideSchema = z
  .object({
    above: z.number().optional(),
    below: z.number().optional(),
    enabled: z.boolean().optional(),
  })
  .strict();
export type RuleOverride = z.infer<typeof RuleOverrideSchema>;

export const AlarmRuleSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/, 'lower-case letters, digits and -'),
    /** Shown to operators: German first, English second. */
    name: z.object({ de: z.string().min(1), en: z.string().min(1) }).strict(),
    kind: SensorKindSchema,
    /** Only these sensors of the kind; all of them when left out. */
    sensorIds: z.array(z.string().min(1).max(200)).max(10_000).optional(),
    severity: SeveritySchema,
    condition: RuleConditionSchema,
    /** How far back beyond the limit the value must come to clear (same unit as the limit). */
    hysteresis: z.number().min(0).default(0),
    /** How long the condition must hold before the alarm is raised. */
    raiseDelayMs: z.number().int().min(0).default(0),
    /** How long the value must stay clear before the alarm clears. */
    clearDelayMs: z.number().int().min(0).default(0),
    enabled: z.boolean().default(true),
    /** Per sensor id: other limits, or off. */
    overrides: z.record(z.string(), RuleOverrideSchema).default({}),
  })
  .strict();
export type AlarmRule = z.infer<typeof AlarmRuleSchema>;
export type AlarmRuleInput = z.input<typeof AlarmRuleSchema>;

/** `raised`: active, not yet acknowledged; `acknowledged`: active, someone is on it; `cleared`: over. */
export const AlarmStateSchema = z.enum(['raised', 'acknowledged', 'cleared']);
export type AlarmState = z.infer<typeof AlarmStateSchema>;

export const AlarmSchema = z.object({
  id: z.string(),
  cityId: z.string(),
  ruleId: z.string(),
  sensorId: z.string(),
  severity: SeveritySchema,
  state: AlarmStateSchema,
  /** The value that raised it (a mean or a share where the rule compares those). */
  value: z.number().nullable(),
  /** The limit it crossed. */
  limit: z.number().nullable(),
  raisedAtMs: z.number(),
  acknowledgedAtMs: z.number().nullable(),
  acknowledgedBy: z.string().nullable(),
  comment: z.string().nullable(),
  /** When the condition cleared; an alarm cleared before anyone acknowledged it stays listed. */
  clearedAtMs: z.number().nullable(),
  /** Bumped on every change. */
  version: z.number().int().positive(),
});
export type Alarm = z.infer<typeof AlarmSchema>;

/** `alarm:list`: the alarms still listed, and the sequence number the next `alarm:changed` follows. */
export const AlarmListSchema = z.object({
  seq: z.number().int().nonnegative(),
  alarms: z.array(AlarmSchema),
  rules: z.array(AlarmRuleSchema),
});
export type AlarmList = z.infer<typeof AlarmListSchema>;

/** `alarm:changed`: one alarm's new state, numbered; a client that misses a number asks for the list. */
export const AlarmChangeSchema = z.object({ seq: z.number().int().positive(), alarm: AlarmSchema });
export type AlarmChange = z.infer<typeof AlarmChangeSchema>;

/** `alarm:ack`: acknowledge an alarm with an optional comment. */
export const AlarmAckRequestSchema = z.object({
  alarmId: z.string().min(1).max(200),
  comment: z.string().max(500).optional(),
});
export type AlarmAckRequest = z.infer<typeof AlarmAckRequestSchema>;
