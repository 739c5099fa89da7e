/**
 * The alarm rules in the console, and their editor: each rule with what it compares, its limit, delays
 * and hysteresis, and its own limits for single sensors. Operators and administrators edit a rule in
 * place (on or off, severity, names, limit, hysteresis, delays, sensors with other limits or off); the
 * server checks it, keeps it, and every console gets the changed rules at once (`alarm:rules`).
 */
import { useState, useSyncExternalStore } from 'react';
import type { AlarmRule, Sensor } from '../../../protocol/index.ts';
import type { AlarmStore } from '../alarms/alarmStore.ts';
import type { OverrideRow, RuleField, RuleForm } from '../alarms/ruleForm.ts';
import { formToRule, hasLimit, ruleToForm } from '../alarms/ruleForm.ts';
import { useTranslator } from '../i18n/I18nContext.tsx';
import { formatDuration, formatNumber } from '../i18n/format.ts';
import type { Translator } from '../i18n/messages.ts';
import { QUANTITIES, quantityLabel } from '../sensors/quantities.ts';

export interface RulePanelProps {
  readonly store: AlarmStore;
  /** The town's sensors (for limits of single sensors). */
  readonly sensors: readonly Sensor[];
  /** Whether this console may change rules (operators and administrators). */
  readonly canEdit: boolean;
  /** Saves a rule; resolves with the saved rule, or rejects with the server's reason. */
  readonly onSave: (rule: AlarmRule) => Promise<AlarmRule>;
}

/** The unit a rule's limit is typed in: percent for shares, else the quantity's unit. */
function limitUnit(rule: AlarmRule, translator: Translator): string {
  const c = rule.condition;
  if (c.type === 'ratio') return '%';
  if (c.type === 'offline') return '';
  const unitKey = QUANTITIES[c.quantity]?.unitKey;
  return unitKey ? translator.t(unitKey) : c.type === 'mark' ? 'cm' : '';
}

/** What a rule compares, in words: "NO₂ ab 200 µg/m³, Mittel über 1 Std.". */
export function conditionText(rule: AlarmRule, translator: Translator): string {
  const c = rule.condition;
  if (c.type === 'offline') return translator.t('rules.condition.offline');
  if (c.type === 'mark')
    return translator.t('rules.condition.mark', {
      what: quantityLabel(c.quantity, translator),
      level: translator.t(c.level === 'warn' ? 'rules.condition.markWarn' : 'rules.condition.markAlarm'),
    });
  const limit = c.above ?? c.below ?? 0;
  const unit = limitUnit(rule, translator);
  const shown =
    c.type === 'ratio'
      ? `${formatNumber(limit * 100, translator.intlLocale, 0)} %`
      : `${formatNumber(limit, translator.intlLocale, 1)}${unit ? ` ${unit}` : ''}`;
  const what =
    c.type === 'ratio'
      ? translator.t('rules.condition.share', {
          quantity: quantityLabel(c.quantity, translator),
          attribute: c.attribute,
        })
      : quantityLabel(c.quantity, translator);
  const text = translator.t(c.above !== undefined ? 'rules.condition.above' : 'rules.condition.below', {
    what,
    limit: shown,
  });
  return c.type === 'value' && c.meanOverMs !== undefined
    ? `${text}, ${translator.t('rules.condition.mean', { duration: formatDuration(c.meanOverMs, translator) })}`
    : text;
}

export function RulePanel({ store, sensors, canEdit, onSave }: RulePanelProps) {
  const translator = useTranslator();
  const view = useSyncExternalStore(store.subscribe, store.getView);
  const [editing, setEditing] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  if (view.available !== true) return null;
  const rules = [...view.rules.values()];

  return (
    <details className="rule-panel health-panel" data-testid="rule-panel">
      <summary className="panel-heading">
        {translator.t('rules.title')}{' '}
        <span className="muted">{translator.t('rules.summary', { count: rules.length })}</span>
      </summary>
      {!canEdit && <p className="muted">{translator.t('rules.readOnly')}</p>}
      <p className="visually-hidden" role="status">
        {notice ?? ''}
      </p>
      {notice && <p className="rule-notice">{notice}</p>}
      <ul className="rule-list">
        {rules.map((rule) => (
          <li key={rule.id} className={`rule-item${rule.enabled ? '' : ' rule-off'}`} data-rule-id={rule.id}>
            {editing === rule.id ? (
              <RuleEditor
                rule={rule}
                sensors={sensors.filter((s) => s.kind === rule.kind)}
                onCancel={() => setEditing(null)}
                onSave={async (changed) => {
                  await onSave(changed);
                  setEditing(null);
                  setNotice(translator.t('rules.saved'));
                }}
              />
            ) : (
              <RuleSummary
                rule={rule}
                sensors={sensors}
                canEdit={canEdit}
                onEdit={() => {
                  setNotice(null);
                  setEditing(rule.id);
                }}
              />
            )}
          </li>
        ))}
      </ul>
    </details>
  );
}

function RuleSummary({
  rule,
  sensors,
  canEdit,
  onEdit,
}: {
  rule: AlarmRule;
  sensors: readonly Sensor[];
  canEdit: boolean;
  onEdit: () => void;
}) {
  const translator = useTranslator();
  const name = rule.name[translator.locale];
  const unit = limitUnit(rule, translator);
  const scale = rule.condition.type === 'ratio' ? 100 : 1;
  const overrides = Object.keys(rule.overrides);
  const nameOf = (id: string) => sensors.find((s) => s.id === id)?.name ?? id;
  return (
    <>
      <p className="alarm-line">
        <span className={`alarm-severity alarm-severity-${rule.severity}`}>
          {translator.t(`alarms.severity.${rule.severity}`)}
        </span>
        <span className="alarm-rule">{name}</span>
        {!rule.enabled && <span className="rule-off-tag">{translator.t('rules.off')}</span>}
      </p>
      <p className="muted">
        {translator.t(`rules.kind.${rule.kind}`)} ·{' '}
        <span data-testid="rule-condition">{conditionText(rule, translator)}</span>
      </p>
      <p className="muted">
        {translator.t('rules.delays', {
          raise: formatDuration(rule.raiseDelayMs, translator),
          clear: formatDuration(rule.clearDelayMs, translator),
          hysteresis: `${formatNumber(rule.hysteresis * scale, translator.intlLocale, 1)}${unit ? ` ${unit}` : ''}`,
        })}
      </p>
      {overrides.length > 0 && (
        <p className="muted">
          {translator.t('rules.overrides', { count: overrides.length })}:{' '}
          {overrides.map((id) => nameOf(id)).join(', ')}
        </p>
      )}
      {canEdit && (
        <div className="alarm-actions">
          <button
            type="button"
            className="button"
            onClick={onEdit}
            aria-label={translator.t('rules.editLabel', { rule: name })}
            data-testid="rule-edit"
          >
            {translator.t('rules.edit')}
          </button>
        </div>
      )}
    </>
  );
}

function RuleEditor({
  rule,
  sensors,
  onCancel,
  onSave,
}: {
  rule: AlarmRule;
  /** The sensors of the rule's kind. */
  sensors: readonly Sensor[];
  onCancel: () => void;
  onSave: (rule: AlarmRule) => Promise<void>;
}) {
  const translator = useTranslator();
  const [form, setForm] = useState<RuleForm>(() => ruleToForm(rule));
  const [problem, setProblem] = useState<{ field: RuleField | null; message: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [adding, setAdding] = useState('');
  const unit = limitUnit(rule, translator);
  const withLimit = hasLimit(rule);
  const id = (field: string) => `rule-${rule.id}-${field}`;
  const set = (patch: Partial<RuleForm>) => setForm((f) => ({ ...f, ...patch }));
  const setRow = (sensorId: string, patch: Partial<OverrideRow>) =>
    set({ overrides: form.overrides.map((row) => (row.sensorId === sensorId ? { ...row, ...patch } : row)) });
  const nameOf = (sensorId: string) => sensors.find((s) => s.id === sensorId)?.name ?? sensorId;
  const labels: Record<string, string> = {
    nameDe: translator.t('language.nameDe'),
    nameEn: translator.t('language.nameEn'),
    limit: translator.t('rules.field.limit', { unit }),
    hysteresis: translator.t('rules.field.hysteresis', { unit }),
    raiseDelayS: translator.t('rules.field.raiseDelay'),
    clearDelayS: translator.t('rules.field.clearDelay'),
  };
  const invalid = (field: RuleField) => (problem?.field === field ? true : undefined);

  const submit = async () => {
    const result = formToRule(rule, form);
    if (!result.ok) {
      const label = result.field.startsWith('override:')
        ? nameOf(result.field.slice('override:'.length))
        : (labels[result.field] ?? result.field);
      const key =
        result.problem === 'negative'
          ? 'rules.negative'
          : result.problem === 'empty'
            ? 'rules.empty'
            : 'rules.invalidNumber';
      setProblem({ field: result.field, message: translator.t(key, { field: label }) });
      document.getElementById(id(result.field.replace(':', '-')))?.focus();
      return;
    }
    setBusy(true);
    try {
      await onSave(result.rule);
    } catch (error) {
      setProblem({
        field: null,
        message: translator.t('rules.error', { message: (error as Error).message }),
      });
    } finally {
      setBusy(false);
    }
  };

  const free = sensors.filter((s) => !form.overrides.some((row) => row.sensorId === s.id));
  return (
    <form
      className="rule-form"
      data-testid="rule-form"
      aria-label={translator.t('rules.editLabel', { rule: rule.name[translator.locale] })}
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <label className="rule-check">
        <input
          type="checkbox"
          checked={form.enabled}
          onChange={(e) => set({ enabled: e.currentTarget.checked })}
        />
        <span>{translator.t('rules.field.enabled')}</span>
      </label>
      <label htmlFor={id('nameDe')}>{labels.nameDe}</label>
      <input
        id={id('nameDe')}
        type="text"
        value={form.nameDe}
        maxLength={120}
        aria-invalid={invalid('nameDe')}
        onChange={(e) => set({ nameDe: e.currentTarget.value })}
      />
      <label htmlFor={id('nameEn')}>{labels.nameEn}</label>
      <input
        id={id('nameEn')}
        type="text"
        value={form.nameEn}
        maxLength={120}
        aria-invalid={invalid('nameEn')}
        onChange={(e) => set({ nameEn: e.currentTarget.value })}
      />
      <label htmlFor={id('severity')}>{translator.t('rules.field.severity')}</label>
      <select
        id={id('severity')}
        value={form.severity}
        onChange={(e) => set({ severity: e.currentTarget.value as RuleForm['severity'] })}
      >
        <option value="warning">{translator.t('alarms.severity.warning')}</option>
        <option value="alarm">{translator.t('alarms.severity.alarm')}</option>
      </select>
      {withLimit && (
        <>
          <label htmlFor={id('limit')}>{labels.limit}</label>
          <input
            id={id('limit')}
            type="text"
            inputMode="decimal"
            value={form.limit}
            aria-invalid={invalid('limit')}
            onChange={(e) => set({ limit: e.currentTarget.value })}
            data-testid="rule-limit"
          />
        </>
      )}
      {rule.condition.type !== 'offline' && (
        <>
          <label htmlFor={id('hysteresis')}>{labels.hysteresis}</label>
          <input
            id={id('hysteresis')}
            type="text"
            inputMode="decimal"
            value={form.hysteresis}
            aria-invalid={invalid('hysteresis')}
            onChange={(e) => set({ hysteresis: e.currentTarget.value })}
          />
        </>
      )}
      <label htmlFor={id('raiseDelayS')}>{labels.raiseDelayS}</label>
      <input
        id={id('raiseDelayS')}
        type="text"
        inputMode="decimal"
        value={form.raiseDelayS}
        aria-invalid={invalid('raiseDelayS')}
        onChange={(e) => set({ raiseDelayS: e.currentTarget.value })}
        data-testid="rule-raise-delay"
      />
      <label htmlFor={id('clearDelayS')}>{labels.clearDelayS}</label>
      <input
        id={id('clearDelayS')}
        type="text"
        inputMode="decimal"
        value={form.clearDelayS}
        aria-invalid={invalid('clearDelayS')}
        onChange={(e) => set({ clearDelayS: e.currentTarget.value })}
      />

      <fieldset className="rule-overrides">
        <legend>{translator.t('rules.field.overrides')}</legend>
        {form.overrides.map((row) => {
          const name = nameOf(row.sensorId);
          const rowId = id(`override-${row.sensorId}`);
          return (
            <div key={row.sensorId} className="rule-override" data-sensor-id={row.sensorId}>
              <span className="rule-override-name">{name}</span>
              {withLimit && (
                <label>
                  <span>
                    {translator.t('rules.field.sensorLimit')} ({unit})
                  </span>
                  <input
                    id={rowId}
                    type="text"
                    inputMode="decimal"
                    value={row.limit}
                    aria-invalid={invalid(`override:${row.sensorId}`)}
                    onChange={(e) => setRow(row.sensorId, { limit: e.currentTarget.value })}
                  />
                </label>
              )}
              <label className="rule-check">
                <input
                  type="checkbox"
                  checked={row.off}
                  onChange={(e) => setRow(row.sensorId, { off: e.currentTarget.checked })}
                />
                <span>{translator.t('rules.field.sensorOff')}</span>
              </label>
              <button
                type="button"
                className="button"
                aria-label={translator.t('rules.removeOverrideLabel', { name })}
                onClick={() => set({ overrides: form.overrides.filter((r) => r.sensorId !== row.sensorId) })}
              >
                {translator.t('rules.removeOverride')}
              </button>
            </div>
          );
        })}
        {free.length > 0 && (
          <div className="rule-override-add">
            <label htmlFor={id('add')}>{translator.t('rules.field.sensor')}</label>
            <select id={id('add')} value={adding} onChange={(e) => setAdding(e.currentTarget.value)}>
              <option value="">–</option>
              {free.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
            <button
              type="button"
              className="button"
              disabled={adding === ''}
              onClick={() => {
                set({ overrides: [...form.overrides, { sensorId: adding, limit: form.limit, off: false }] });
                setAdding('');
              }}
            >
              {translator.t('rules.addOverride')}
            </button>
          </div>
        )}
      </fieldset>
      {problem && (
        <p className="quality-note" role="alert">
          {problem.message}
        </p>
      )}
      <div className="alarm-actions">
        <button type="submit" className="button" disabled={busy} data-testid="rule-save">
          {translator.t('rules.save')}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          {translator.t('rules.cancel')}
        </button>
      </div>
    </form>
  );
}
