/**
 * Incidents in force at the time the map shows (live, or the timeline's past): their kind, title and
 * end, for everyone. Staff also mark new ones (kind, title, public or internal, time span, and a point,
 * line or area drawn by clicks on the map) and remove them; every console and, when public, every
 * viewer shows the change at once.
 */
import { useEffect, useId, useRef, useState, useSyncExternalStore, type FormEvent } from 'react';
import type { Incident, IncidentGeometry, IncidentInput, IncidentKind } from '../../../protocol/index.ts';
import { INCIDENT_KINDS } from '../../../protocol/index.ts';
import type { IncidentStore } from '../incidents/incidentStore.ts';
import { useTranslator } from '../i18n/I18nContext.tsx';
import type { DrawMode } from '../viewer/incidentsCesiumImpl.ts';
import { INCIDENT_COLORS } from '../viewer/incidentsCesiumImpl.ts';
import type { LiveStore } from '../live/liveStore.ts';
import type { SubscribeTick } from '../time/ticker.ts';
import { useServerNow } from './hooks.ts';
import { DateTimeField } from './DateTimeField.tsx';
import { formatDateTime, instantOfLocal, localInputValue } from './Timeline.tsx';

export interface IncidentPanelProps {
  readonly store: IncidentStore;
  /** The live store: its clock is the time the map shows (live, or the timeline's past). */
  readonly live: LiveStore;
  readonly subscribeTick: SubscribeTick;
  readonly timeZone: string;
  readonly staff: boolean;
  readonly onFlyTo: (incident: Incident) => void;
  /** Starts drawing on the map; returns the stop function (null while there is no map). */
  readonly onDraw:
    ((mode: DrawMode, onChange: (corners: readonly [number, number][]) => void) => () => void) | null;
  /** Saves; resolves with the server's reason when it refused. */
  readonly onSave: (input: IncidentInput) => Promise<string | null>;
  readonly onRemove: (id: string) => Promise<string | null>;
}

/** The geometry of drawn corners, or null while there are too few. */
export function geometryOf(mode: DrawMode, corners: readonly [number, number][]): IncidentGeometry | null {
  if (mode === 'Point') return corners[0] ? { type: 'Point', coordinates: corners[0] } : null;
  if (mode === 'LineString')
    return corners.length >= 2 ? { type: 'LineString', coordinates: [...corners] } : null;
  if (corners.length < 3) return null;
  return { type: 'Polygon', coordinates: [[...corners, corners[0] as [number, number]]] };
}

export function IncidentPanel(props: IncidentPanelProps) {
  const { store, live, subscribeTick, timeZone, staff, onFlyTo, onRemove } = props;
  const translator = useTranslator();
  const nowMs = useServerNow(live, subscribeTick);
  useSyncExternalStore(store.subscribe, store.getAll);
  const [creating, setCreating] = useState(false);
  const active = nowMs === null ? [] : store.activeAt(nowMs);

  return (
    <section className="incident-panel" aria-labelledby="incidents-title" data-testid="incident-panel">
      <div className="alarm-head">
        <h2 id="incidents-title" className="panel-heading">
          {translator.t('incidents.title')}
        </h2>
        {staff && !creating && (
          <button
            type="button"
            className="button"
            onClick={() => setCreating(true)}
            data-testid="incident-new"
          >
            {translator.t('incidents.new')}
          </button>
        )}
      </div>
      {creating && staff && <IncidentForm {...props} nowMs={nowMs} onDone={() => setCreating(false)} />}
      {active.length === 0 ? (
        <p className="muted">{translator.t('incidents.none')}</p>
      ) : (
        <ul className="incident-list">
          {active.map((incident) => (
            <li
              key={incident.id}
              className="incident-item"
              style={{ borderLeftColor: INCIDENT_COLORS[incident.kind] }}
              data-testid="incident"
              data-incident-id={incident.id}
              data-public={incident.public}
            >
              <p className="alarm-line">
                <span className="incident-kind">{translator.t(`incidents.kind.${incident.kind}`)}</span>
                <span className="alarm-rule">{incident.title}</span>
                {!incident.public && <span className="muted">({translator.t('incidents.internal')})</span>}
              </p>
              {incident.description && <p className="alarm-value">{incident.description}</p>}
              <p className="alarm-status muted">
                {incident.endsAtMs === null
                  ? translator.t('incidents.openEnded')
                  : translator.t('incidents.until', {
                      time: formatDateTime(incident.endsAtMs, translator.intlLocale, timeZone),
                    })}
              </p>
              <div className="alarm-actions">
                <button
                  type="button"
                  className="button"
                  onClick={() => onFlyTo(incident)}
                  aria-label={translator.t('incidents.flyToLabel', { title: incident.title })}
                >
                  {translator.t('incidents.flyTo')}
                </button>
                {staff && (
                  <button
                    type="button"
                    className="button"
                    onClick={() => void onRemove(incident.id)}
                    aria-label={translator.t('incidents.removeLabel', { title: incident.title })}
                    data-testid="incident-remove"
                  >
                    {translator.t('incidents.remove')}
                  </button>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function IncidentForm({
  nowMs,
  timeZone,
  onDraw,
  onSave,
  onDone,
}: IncidentPanelProps & { nowMs: number | null; onDone: () => void }) {
  const translator = useTranslator();
  const id = useId();
  const [kind, setKind] = useState<IncidentKind>('roadworks');
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [isPublic, setIsPublic] = useState(true);
  const [start, setStart] = useState(() => localInputValue(nowMs ?? Date.now(), timeZone));
  const [end, setEnd] = useState('');
  const [mode, setMode] = useState<DrawMode>('Point');
  const [corners, setCorners] = useState<readonly [number, number][]>([]);
  const [error, setError] = useState<string | null>(null);
  const stopDrawing = useRef<(() => void) | null>(null);
  const [drawing, setDrawing] = useState(false);
  useEffect(() => () => stopDrawing.current?.(), []);

  const toggleDrawing = () => {
    if (stopDrawing.current) {
      stopDrawing.current();
      stopDrawing.current = null;
      setDrawing(false);
      return;
    }
    if (!onDraw) return;
    setCorners([]);
    stopDrawing.current = onDraw(mode, setCorners);
    setDrawing(true);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const geometry = geometryOf(mode, corners);
    if (!geometry) {
      setError(translator.t('incidents.needShape'));
      return;
    }
    const startsAtMs = instantOfLocal(start, timeZone) ?? nowMs ?? Date.now();
    const endsAtMs = end ? instantOfLocal(end, timeZone) : null;
    const problem = await onSave({
      kind,
      title,
      ...(description.trim() ? { description } : {}),
      geometry,
      startsAtMs,
      endsAtMs,
      public: isPublic,
    });
    if (problem) {
      setError(translator.t('incidents.error', { message: problem }));
      return;
    }
    stopDrawing.current?.();
    stopDrawing.current = null;
    onDone();
  };

  return (
    <form
      className="incident-form"
      aria-label={translator.t('incidents.form')}
      onSubmit={(e) => void submit(e)}
    >
      <label htmlFor={`${id}-kind`}>{translator.t('incidents.field.kind')}</label>
      <select id={`${id}-kind`} value={kind} onChange={(e) => setKind(e.currentTarget.value as IncidentKind)}>
        {INCIDENT_KINDS.map((k) => (
          <option key={k} value={k}>
            {translator.t(`incidents.kind.${k}`)}
          </option>
        ))}
      </select>
      <label htmlFor={`${id}-title`}>{translator.t('incidents.field.title')}</label>
      <input
        id={`${id}-title`}
        value={title}
        maxLength={120}
        required
        onChange={(e) => setTitle(e.currentTarget.value)}
        data-testid="incident-title"
      />
      <label htmlFor={`${id}-description`}>{translator.t('incidents.field.description')}</label>
      <textarea
        id={`${id}-description`}
        value={description}
        maxLength={1000}
        rows={2}
        onChange={(e) => setDescription(e.currentTarget.value)}
      />
      <label className="incident-check">
        <input type="checkbox" checked={isPublic} onChange={(e) => setIsPublic(e.currentTarget.checked)} />
        <span>{translator.t('incidents.field.public')}</span>
      </label>
      <label htmlFor={`${id}-start`}>{translator.t('incidents.field.start')}</label>
      <DateTimeField id={`${id}-start`} value={start} onChange={setStart} />
      <label htmlFor={`${id}-end`}>{translator.t('incidents.field.end')}</label>
      <DateTimeField id={`${id}-end`} value={end} onChange={setEnd} optional />
      <fieldset className="incident-shape">
        <legend>{translator.t('incidents.field.shape')}</legend>
        {(['Point', 'LineString', 'Polygon'] as const).map((shape) => (
          <label key={shape} className="incident-check">
            <input
              type="radio"
              name={`${id}-shape`}
              value={shape}
              checked={mode === shape}
              disabled={drawing}
              onChange={() => {
                setMode(shape);
                setCorners([]);
              }}
            />
            <span>{translator.t(`incidents.shape.${shape}`)}</span>
          </label>
        ))}
      </fieldset>
      <button
        type="button"
        className="button"
        onClick={toggleDrawing}
        aria-pressed={drawing}
        disabled={!onDraw}
        data-testid="incident-draw"
      >
        {translator.t(drawing ? 'incidents.drawDone' : 'incidents.draw')}
      </button>
      <p className="muted" role="status">
        {translator.t('incidents.drawHint', { count: corners.length })}
      </p>
      {error && (
        <p className="quality-note" role="alert">
          {error}
        </p>
      )}
      <div className="alarm-actions">
        <button type="submit" className="button" data-testid="incident-save">
          {translator.t('incidents.save')}
        </button>
        <button
          type="button"
          className="button"
          onClick={() => {
            stopDrawing.current?.();
            stopDrawing.current = null;
            onDone();
          }}
        >
          {translator.t('incidents.cancel')}
        </button>
      </div>
    </form>
  );
}
