/**
 * The control room's alarm list: open alarms, unacknowledged first, each with its rule, source, value
 * and limit, since when, and who acknowledged it. "Zur Quelle" flies the camera there; "Quittieren"
 * asks for an optional comment and acknowledges in the console's name, and every other console shows
 * it within a second. New alarms are announced to screen readers, the panel's edge pulses while an
 * alarm is unacknowledged, and a sound plays when the operator switched it on.
 */
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { Alarm, AlarmRule, Sensor } from '../../../protocol/index.ts';
import type { AlarmStore } from '../alarms/alarmStore.ts';
import { useTranslator } from '../i18n/I18nContext.tsx';
import { formatNumber, formatTime } from '../i18n/format.ts';
import type { Translator } from '../i18n/messages.ts';
import { formatQuantity } from '../sensors/quantities.ts';
import './alarms.css';

const SOUND_KEY = 'citytwin.alarmSound';

export interface AlarmPanelProps {
  readonly store: AlarmStore;
  readonly sensorOf: (sensorId: string) => Sensor | undefined;
  readonly timeZone: string;
  readonly onFlyTo: (sensorId: string) => void;
  /** Acknowledges; resolves with an error message when the server refused. */
  readonly onAcknowledge: (alarmId: string, comment: string) => Promise<string | null>;
}

/** The value and limit as the rule compares them: a share in percent, else in the quantity's unit. */
export function alarmValueText(
  alarm: Alarm,
  rule: AlarmRule | undefined,
  translator: Translator,
): string | null {
  if (alarm.value === null || alarm.limit === null || !rule || rule.condition.type === 'offline') return null;
  const condition = rule.condition;
  const format = (v: number) => {
    if (condition.type === 'ratio') return `${formatNumber(v * 100, translator.intlLocale, 0)} %`;
    const q = formatQuantity(condition.quantity, v, translator);
    return q.unit ? `${q.value} ${q.unit}` : q.value;
  };
  return translator.t('alarms.value', { value: format(alarm.value), limit: format(alarm.limit) });
}

/** A short tone (Web Audio), louder for alarms than for warnings. */
function beep(severity: Alarm['severity']): void {
  try {
    const context = new AudioContext();
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    oscillator.frequency.value = severity === 'alarm' ? 880 : 660;
    gain.gain.value = severity === 'alarm' ? 0.2 : 0.1;
    oscillator.connect(gain).connect(context.destination);
    oscillator.start();
    oscillator.stop(context.currentTime + 0.35);
    oscillator.onended = () => void context.close();
  } catch {
    // No audio here: the visual cue remains.
  }
}

export function AlarmPanel({ store, sensorOf, timeZone, onFlyTo, onAcknowledge }: AlarmPanelProps) {
  const translator = useTranslator();
  const view = useSyncExternalStore(store.subscribe, store.getView);
  const [sound, setSound] = useState(() => {
    try {
      return localStorage.getItem(SOUND_KEY) === 'on';
    } catch {
      return false;
    }
  });
  const soundRef = useRef(sound);
  useEffect(() => {
    soundRef.current = sound;
  }, [sound]);
  const [announcement, setAnnouncement] = useState('');
  useEffect(
    () =>
      store.onRaised((alarm) => {
        const rule = store.getView().rules.get(alarm.ruleId);
        setAnnouncement(
          translator.t('alarms.announce', {
            severity: translator.t(`alarms.severity.${alarm.severity}`),
            rule: rule?.name[translator.locale] ?? alarm.ruleId,
            name: sensorOf(alarm.sensorId)?.name ?? alarm.sensorId,
          }),
        );
        if (soundRef.current) beep(alarm.severity);
      }),
    [store, translator, sensorOf],
  );

  const unacknowledged = view.alarms.filter((a) => a.acknowledgedAtMs === null);
  const pulsing = unacknowledged.some((a) => a.severity === 'alarm' && a.state === 'raised');
  const time = (ms: number) => formatTime(ms, translator.intlLocale, timeZone);

  return (
    <section
      className={`alarm-panel${pulsing ? ' alarm-panel-pulsing' : ''}`}
      aria-labelledby="alarms-title"
      data-testid="alarm-panel"
      data-unacknowledged={unacknowledged.length}
    >
      <div className="alarm-head">
        <h2 id="alarms-title" className="panel-heading">
          {translator.t('alarms.title')}
        </h2>
        {view.available && (
          <span className="alarm-counts">
            {translator.t('alarms.open', { count: view.alarms.length })}
            {unacknowledged.length > 0 && (
              <strong className="alarm-new">
                {translator.t('alarms.unacknowledged', { count: unacknowledged.length })}
              </strong>
            )}
          </span>
        )}
      </div>
      <p className="visually-hidden" role="status" aria-live="assertive">
        {announcement}
      </p>
      <label className="alarm-sound">
        <input
          type="checkbox"
          checked={sound}
          onChange={(event) => {
            const on = event.currentTarget.checked;
            setSound(on);
            try {
              localStorage.setItem(SOUND_KEY, on ? 'on' : 'off');
            } catch {
              // not kept: on for this page only
            }
          }}
        />
        <span>{translator.t('alarms.sound')}</span>
      </label>
      {view.available === null && <p className="muted">{translator.t('alarms.loading')}</p>}
      {view.available === false && (
        <p className="quality-note">{translator.t('alarms.unavailable', { reason: view.reason ?? '' })}</p>
      )}
      {view.available && view.alarms.length === 0 && <p className="muted">{translator.t('alarms.none')}</p>}
      {view.available && view.alarms.length > 0 && (
        <ul className="alarm-list">
          {view.alarms.map((alarm) => (
            <AlarmItem
              key={alarm.id}
              alarm={alarm}
              rule={view.rules.get(alarm.ruleId)}
              sensor={sensorOf(alarm.sensorId)}
              time={time}
              onFlyTo={onFlyTo}
              onAcknowledge={onAcknowledge}
            />
          ))}
        </ul>
      )}
    </section>
  );
}

function AlarmItem({
  alarm,
  rule,
  sensor,
  time,
  onFlyTo,
  onAcknowledge,
}: {
  alarm: Alarm;
  rule: AlarmRule | undefined;
  sensor: Sensor | undefined;
  time: (ms: number) => string;
  onFlyTo: (sensorId: string) => void;
  onAcknowledge: (alarmId: string, comment: string) => Promise<string | null>;
}) {
  const translator = useTranslator();
  const [asking, setAsking] = useState(false);
  const [comment, setComment] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const commentRef = useRef<HTMLInputElement>(null);
  // The form appears on the operator's click: the comment field takes the focus.
  useEffect(() => {
    if (asking) commentRef.current?.focus();
  }, [asking]);
  const ruleName = rule?.name[translator.locale] ?? alarm.ruleId;
  const name = sensor?.name ?? alarm.sensorId;
  const valueText = alarmValueText(alarm, rule, translator);
  const status =
    alarm.acknowledgedAtMs !== null
      ? translator.t('alarms.acknowledgedBy', {
          by: alarm.acknowledgedBy ?? '',
          time: time(alarm.acknowledgedAtMs),
        })
      : alarm.state === 'cleared' && alarm.clearedAtMs !== null
        ? translator.t('alarms.clearedUnacknowledged', { time: time(alarm.clearedAtMs) })
        : translator.t('alarms.raisedAt', { time: time(alarm.raisedAtMs) });

  const acknowledge = async () => {
    setBusy(true);
    const problem = await onAcknowledge(alarm.id, comment);
    setBusy(false);
    if (problem) setError(problem);
    else {
      setAsking(false);
      setComment('');
      setError(null);
    }
  };

  return (
    <li
      className={`alarm-item alarm-${alarm.severity} alarm-state-${alarm.state}`}
      data-testid="alarm"
      data-alarm-id={alarm.id}
      data-rule-id={alarm.ruleId}
      data-sensor-id={alarm.sensorId}
      data-state={alarm.state}
      data-acknowledged-by={alarm.acknowledgedBy ?? ''}
    >
      <p className="alarm-line">
        <span className={`alarm-severity alarm-severity-${alarm.severity}`}>
          {translator.t(`alarms.severity.${alarm.severity}`)}
        </span>
        <span className="alarm-rule">{ruleName}</span>
      </p>
      <p className="alarm-source">{name}</p>
      {valueText && <p className="alarm-value">{valueText}</p>}
      <p className="alarm-status muted">{status}</p>
      {alarm.comment && (
        <p className="alarm-comment">{translator.t('alarms.comment', { comment: alarm.comment })}</p>
      )}
      <div className="alarm-actions">
        <button
          type="button"
          className="button"
          onClick={() => onFlyTo(alarm.sensorId)}
          aria-label={translator.t('alarms.flyToLabel', { name })}
        >
          {translator.t('alarms.flyTo')}
        </button>
        {alarm.acknowledgedAtMs === null && !asking && (
          <button
            type="button"
            className="button alarm-ack"
            onClick={() => setAsking(true)}
            aria-label={translator.t('alarms.ackLabel', { rule: ruleName, name })}
            data-testid="alarm-ack"
          >
            {translator.t('alarms.ack')}
          </button>
        )}
      </div>
      {asking && (
        <form
          className="alarm-ack-form"
          onSubmit={(event) => {
            event.preventDefault();
            void acknowledge();
          }}
        >
          <label>
            <span>{translator.t('alarms.ackComment')}</span>
            <input
              type="text"
              maxLength={500}
              value={comment}
              onChange={(event) => setComment(event.currentTarget.value)}
              data-testid="alarm-ack-comment"
              ref={commentRef}
            />
          </label>
          <div className="alarm-actions">
            <button type="submit" className="button" disabled={busy} data-testid="alarm-ack-confirm">
              {translator.t('alarms.ackConfirm')}
            </button>
            <button type="button" className="button" onClick={() => setAsking(false)}>
              {translator.t('alarms.ackCancel')}
            </button>
          </div>
          {error && (
            <p className="quality-note" role="alert">
              {translator.t('alarms.ackError', { message: error })}
            </p>
          )}
        </form>
      )}
    </li>
  );
}
