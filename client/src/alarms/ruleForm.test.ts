import { describe, expect, it } from 'vitest';
import type { AlarmRule } from '../../../protocol/index.ts';
import { AlarmRuleSchema } from '../../../protocol/index.ts';
import { formToRule, parseNumber, ruleToForm } from './ruleForm.ts';

const garageFull: AlarmRule = AlarmRuleSchema.parse({
  id: 'parking-full',
  name: { de: 'Parkhaus fast voll (ab 95 % belegt)', en: 'Garage nearly full (95 % or more)' },
  kind: 'parking',
  severity: 'warning',
  condition: { type: 'ratio', quantity: 'occupiedSpaces', attribute: 'capacitySpaces', above: 0.95 },
  hysteresis: 0.03,
  raiseDelayMs: 60_000,
  clearDelayMs: 120_000,
  overrides: { 'parking-mercaden': { above: 0.97 } },
});
const frost: AlarmRule = AlarmRuleSchema.parse({
  id: 'frost',
  name: { de: 'Frost', en: 'Frost' },
  kind: 'environment',
  severity: 'warning',
  condition: { type: 'value', quantity: 'temperatureC', below: 0 },
});
const basin: AlarmRule = AlarmRuleSchema.parse({
  id: 'basin-alarm',
  name: { de: 'Regenbecken über der Alarmmarke', en: 'Basin above its alarm mark' },
  kind: 'water',
  severity: 'alarm',
  condition: { type: 'mark', quantity: 'levelCm', level: 'alarm' },
  hysteresis: 5,
  clearDelayMs: 300_000,
});

describe('ruleToForm and formToRule', () => {
  it('shows a share in percent and gives back the same rule unchanged', () => {
    const form = ruleToForm(garageFull);
    expect(form).toMatchObject({
      limit: '95',
      hysteresis: '3',
      raiseDelayS: '60',
      clearDelayS: '120',
      overrides: [{ sensorId: 'parking-mercaden', limit: '97', off: false }],
    });
    expect(formToRule(garageFull, form)).toEqual({ ok: true, rule: garageFull });
  });

  it('takes what the operator typed: decimal commas, a sensor switched off, a new name', () => {
    const form = ruleToForm(garageFull);
    const result = formToRule(garageFull, {
      ...form,
      nameDe: 'Parkhaus fast voll (ab 90 % belegt)',
      limit: '90',
      hysteresis: '2,5',
      raiseDelayS: '30',
      overrides: [
        { sensorId: 'parking-mercaden', limit: '', off: true },
        { sensorId: 'parking-flugfeld', limit: '98', off: false },
      ],
    });
    expect(result.ok && result.rule).toMatchObject({
      name: { de: 'Parkhaus fast voll (ab 90 % belegt)', en: 'Garage nearly full (95 % or more)' },
      condition: { type: 'ratio', above: 0.9 },
      hysteresis: 0.025,
      raiseDelayMs: 30_000,
      overrides: { 'parking-mercaden': { enabled: false }, 'parking-flugfeld': { above: 0.98 } },
    });
    // What it makes is a rule the server takes.
    expect(result.ok && AlarmRuleSchema.safeParse(result.rule).success).toBe(true);
  });

  it('keeps a below rule below, allows a negative temperature, and has no limit for marks', () => {
    const result = formToRule(frost, { ...ruleToForm(frost), limit: '-2,5' });
    expect(result.ok && result.rule.condition).toEqual({
      type: 'value',
      quantity: 'temperatureC',
      below: -2.5,
    });
    const form = ruleToForm(basin);
    expect(form.limit).toBe('');
    expect(formToRule(basin, { ...form, enabled: false })).toEqual({
      ok: true,
      rule: { ...basin, enabled: false },
    });
  });

  it('names the field that is not right', () => {
    const form = ruleToForm(garageFull);
    expect(formToRule(garageFull, { ...form, limit: 'voll' })).toEqual({
      ok: false,
      field: 'limit',
      problem: 'invalidNumber',
    });
    expect(formToRule(garageFull, { ...form, limit: '-5' })).toEqual({
      ok: false,
      field: 'limit',
      problem: 'negative',
    });
    expect(formToRule(garageFull, { ...form, clearDelayS: '' })).toEqual({
      ok: false,
      field: 'clearDelayS',
      problem: 'invalidNumber',
    });
    expect(formToRule(garageFull, { ...form, nameEn: '  ' })).toEqual({
      ok: false,
      field: 'nameEn',
      problem: 'empty',
    });
    expect(
      formToRule(garageFull, {
        ...form,
        overrides: [{ sensorId: 'parking-flugfeld', limit: 'x', off: false }],
      }),
    ).toEqual({ ok: false, field: 'override:parking-flugfeld', problem: 'invalidNumber' });
  });
});

describe('parseNumber', () => {
  it('reads numbers as people type them', () => {
    expect(parseNumber('0,5')).toBe(0.5);
    expect(parseNumber(' 12.5 ')).toBe(12.5);
    expect(parseNumber('1.234,5')).toBe(1234.5);
    expect(parseNumber('-3')).toBe(-3);
    expect(parseNumber('')).toBeNull();
    expect(parseNumber('12a')).toBeNull();
    expect(parseNumber('1e3')).toBeNull();
  });
});
