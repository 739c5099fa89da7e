/**
 * The alarm rule editor's form and its way back to a rule: what an operator may change (on or off,
 * severity, the limit, hysteresis, the delays, limits of single sensors), as text fields the way
 * people type numbers ("0,5" or "0.5"). A ratio rule's limit and hysteresis are shown in percent
 * (95 for 0.95). Everything else of the rule (its id, names, kind and condition type) stays as it is.
 * Pure: no React.
 */
import type { AlarmRule, RuleOverride, Severity } from '../../../protocol/index.ts';

export interface OverrideRow {
  readonly sensorId: string;
  /** Empty: the rule's own limit. */
  readonly limit: string;
  /** The rule is off for this sensor. */
  readonly off: boolean;
}

export interface RuleForm {
  /** The rule's name in German and English (it often names the limit). */
  readonly nameDe: string;
  readonly nameEn: string;
  readonly enabled: boolean;
  readonly severity: Severity;
  /** Empty for rules without a limit of their own (marks, offline). */
  readonly limit: string;
  readonly hysteresis: string;
  readonly raiseDelayS: string;
  readonly clearDelayS: string;
  readonly overrides: readonly OverrideRow[];
}

/** Which form field a problem is in. */
export type RuleField =
  'nameDe' | 'nameEn' | 'limit' | 'hysteresis' | 'raiseDelayS' | 'clearDelayS' | `override:${string}`;

export type RuleFormResult =
  | { readonly ok: true; readonly rule: AlarmRule }
  | {
      readonly ok: false;
      readonly field: RuleField;
      readonly problem: 'invalidNumber' | 'negative' | 'empty';
    };

/** Whether the rule compares a limit of its own (value and ratio rules). */
export function hasLimit(rule: AlarmRule): boolean {
  return rule.condition.type === 'value' || rule.condition.type === 'ratio';
}

/** A ratio's limits are shown in percent. */
function scaleOf(rule: AlarmRule): number {
  return rule.condition.type === 'ratio' ? 100 : 1;
}

function text(value: number | undefined, scale: number): string {
  if (value === undefined) return '';
  // Rounded away from float noise (0.95 × 100 = 95.00000000000001).
  return String(Number((value * scale).toPrecision(12)));
}

function limitOf(rule: AlarmRule): number | undefined {
  const c = rule.condition;
  return c.type === 'value' || c.type === 'ratio' ? (c.above ?? c.below) : undefined;
}

export function ruleToForm(rule: AlarmRule): RuleForm {
  const scale = scaleOf(rule);
  return {
    nameDe: rule.name.de,
    nameEn: rule.name.en,
    enabled: rule.enabled,
    severity: rule.severity,
    limit: text(limitOf(rule), scale),
    hysteresis: text(rule.hysteresis, scale),
    raiseDelayS: text(rule.raiseDelayMs / 1000, 1),
    clearDelayS: text(rule.clearDelayMs / 1000, 1),
    overrides: Object.entries(rule.overrides).map(([sensorId, o]) => ({
      sensorId,
      limit: text(o.above ?? o.below, scale),
      off: o.enabled === false,
    })),
  };
}

/** A number as people type it; null when it is none. */
export function parseNumber(input: string): number | null {
  const trimmed = input.trim().replace(/\s/g, '');
  if (trimmed === '') return null;
  // "1.234,5" (German thousands and decimals) or "1234.5" or "0,5".
  const normalised =
    trimmed.includes(',') && trimmed.includes('.')
      ? trimmed.replace(/\./g, '').replace(',', '.')
      : trimmed.replace(',', '.');
  if (!/^-?\d+(\.\d+)?$/.test(normalised)) return null;
  return Number(normalised);
}

/** The rule with the form's changes, or the first field that is not right. */
export function formToRule(rule: AlarmRule, form: RuleForm): RuleFormResult {
  const scale = scaleOf(rule);
  const number = (field: RuleField, input: string, { required = true, min = 0 as number | null } = {}) => {
    if (!required && input.trim() === '') return undefined;
    const value = parseNumber(input);
    if (value === null) return { field, problem: 'invalidNumber' } as const;
    if (min !== null && value < min) return { field, problem: 'negative' } as const;
    return value;
  };
  const fail = (problem: { field: RuleField; problem: 'invalidNumber' | 'negative' }): RuleFormResult => ({
    ok: false,
    ...problem,
  });

  const nameDe = form.nameDe.trim();
  const nameEn = form.nameEn.trim();
  if (nameDe === '') return { ok: false, field: 'nameDe', problem: 'empty' };
  if (nameEn === '') return { ok: false, field: 'nameEn', problem: 'empty' };
  let condition = rule.condition;
  const direction =
    condition.type === 'value' || condition.type === 'ratio'
      ? condition.above !== undefined
        ? 'above'
        : 'below'
      : null;
  if (direction !== null && (condition.type === 'value' || condition.type === 'ratio')) {
    // A value limit may be negative (a temperature); a share may not.
    const limit = number('limit', form.limit, { min: condition.type === 'ratio' ? 0 : null });
    if (typeof limit !== 'number') return fail(limit ?? { field: 'limit', problem: 'invalidNumber' });
    condition = { ...condition, [direction]: limit / scale };
  }
  const hysteresis = number('hysteresis', form.hysteresis);
  if (typeof hysteresis !== 'number')
    return fail(hysteresis ?? { field: 'hysteresis', problem: 'invalidNumber' });
  const raise = number('raiseDelayS', form.raiseDelayS);
  if (typeof raise !== 'number') return fail(raise ?? { field: 'raiseDelayS', problem: 'invalidNumber' });
  const clear = number('clearDelayS', form.clearDelayS);
  if (typeof clear !== 'number') return fail(clear ?? { field: 'clearDelayS', problem: 'invalidNumber' });

  const overrides: Record<string, RuleOverride> = {};
  for (const row of form.overrides) {
    const field: RuleField = `override:${row.sensorId}`;
    const override: { above?: number; below?: number; enabled?: boolean } = {};
    if (row.off) override.enabled = false;
    if (direction !== null) {
      const limit = number(field, row.limit, {
        required: false,
        min: rule.condition.type === 'ratio' ? 0 : null,
      });
      if (typeof limit === 'object') return fail(limit);
      if (limit !== undefined) override[direction] = limit / scale;
    }
    overrides[row.sensorId] = override;
  }

  return {
    ok: true,
    rule: {
      ...rule,
      name: { de: nameDe, en: nameEn },
      enabled: form.enabled,
      severity: form.severity,
      condition,
      hysteresis: hysteresis / scale,
      raiseDelayMs: Math.round(raise * 1000),
      clearDelayMs: Math.round(clear * 1000),
      overrides,
    },
  };
}
