/**
 * Details of one sensor (name, current values with units, freshness, when it was measured, and its
 * history as charts) or of a building without a sensor (name, use, height, storeys, year, id). Opens
 * on a click in the map or on a garage in the list; Escape or the close button closes it, and focus
 * goes back to where it was.
 */
import { useEffect, useRef, type RefObject } from 'react';
import type { CityInfo } from '../../../protocol/index.ts';
import { useTranslator } from '../i18n/I18nContext.tsx';
import type { LiveStore } from '../live/liveStore.ts';
import type { BuildingProperties } from '../layers/types/tileset/buildingsLayer.ts';
import { buildingDetails } from '../sensors/buildingDetails.ts';
import { describeSensor, type DetailRow } from '../sensors/sensorDetails.ts';
import type { SensorIndex } from '../sensors/sensorIndex.ts';
import type { SubscribeTick } from '../time/ticker.ts';
import { useLiveSnapshot, useServerNow } from './hooks.ts';
import { SensorHistory } from './SensorHistory.tsx';

/** Props of {@link InfoPanel}. */
export interface InfoPanelProps {
  readonly sensorId: string;
  readonly info: CityInfo;
  readonly sensors: SensorIndex;
  readonly store: LiveStore;
  readonly subscribeTick: SubscribeTick;
  readonly onClose: () => void;
  /** Whether the server keeps a history: the charts are asked for only then. */
  readonly history?: boolean | undefined;
  /** A signed-in console's access key: its charts show internal sensors too. */
  readonly accessKey?: string | undefined;
}

/** `fetch` that presents a staff access key (the history API shows internal sensors to staff). */
function withAccessKey(key: string) {
  return (input: string, init?: RequestInit) =>
    fetch(input, {
      ...init,
      headers: { ...(init?.headers as Record<string, string>), authorization: `Bearer ${key}` },
    });
}

function Rows({ rows }: { rows: readonly DetailRow[] }) {
  const translator = useTranslator();
  return (
    <>
      {rows.map((row) => (
        <div key={row.key} className="detail-row" data-quantity={row.key}>
          <dt>{row.label}</dt>
          <dd>
            {row.value === null ? (
              <span className="missing">
                <span aria-hidden="true">–</span>
                <span className="visually-hidden">{translator.t('freshness.noData')}</span>
              </span>
            ) : (
              <>
                <span className="detail-value">{row.value}</span>
                {row.unit && <span className="detail-unit"> {row.unit}</span>}
              </>
            )}
          </dd>
        </div>
      ))}
    </>
  );
}

/**
 * Focus and keyboard of a panel: focus moves to its heading when it opens (or shows another object,
 * named by `subjectKey`) and back when it closes; Escape closes it.
 */
function usePanelFocus(subjectKey: string, onClose: () => void): RefObject<HTMLHeadingElement | null> {
  const headingRef = useRef<HTMLHeadingElement>(null);
  const onCloseRef = useRef(onClose);
  useEffect(() => {
    onCloseRef.current = onClose;
  });

  useEffect(() => {
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    headingRef.current?.focus();
    return () => {
      if (previous && previous.isConnected && document.activeElement === document.body) previous.focus();
    };
  }, [subjectKey]);

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        onCloseRef.current();
      }
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, []);
  return headingRef;
}

function PanelHeader({
  kindLabel,
  name,
  headingRef,
  onClose,
}: {
  kindLabel: string;
  name: string;
  headingRef: RefObject<HTMLHeadingElement | null>;
  onClose: () => void;
}) {
  const translator = useTranslator();
  return (
    <header className="info-header">
      <div>
        <p className="info-kind">{kindLabel}</p>
        <h2 className="info-title" ref={headingRef} tabIndex={-1}>
          {name}
        </h2>
      </div>
      <button
        type="button"
        className="button close-button"
        onClick={onClose}
        aria-label={translator.t('info.closeLabel')}
      >
        <span aria-hidden="true">×</span>
        <span className="close-text">{translator.t('info.close')}</span>
      </button>
    </header>
  );
}

/** Props of {@link BuildingInfoPanel}. */
export interface BuildingInfoPanelProps {
  readonly buildingId: string;
  /** The metadata of the building's tile feature, read at the click. */
  readonly properties: BuildingProperties;
  readonly onClose: () => void;
}

/** The info panel for a building without a sensor; renders nothing for metadata without an id. */
export function BuildingInfoPanel({ buildingId, properties, onClose }: BuildingInfoPanelProps) {
  const translator = useTranslator();
  const headingRef = usePanelFocus(`building:${buildingId}`, onClose);
  const details = buildingDetails(properties, translator);
  if (!details) return null;
  return (
    <section
      className="info-panel"
      data-testid="info-panel"
      data-building-id={details.buildingId}
      aria-label={translator.t('info.label', { name: details.name })}
    >
      <PanelHeader
        kindLabel={details.kindLabel}
        name={details.name}
        headingRef={headingRef}
        onClose={onClose}
      />
      <dl className="details">
        <Rows rows={details.rows} />
      </dl>
    </section>
  );
}

/** The info panel for `sensorId`; renders nothing for an unknown id. */
export function InfoPanel({
  sensorId,
  info,
  sensors,
  store,
  subscribeTick,
  onClose,
  history = false,
  accessKey,
}: InfoPanelProps) {
  const translator = useTranslator();
  const snapshot = useLiveSnapshot(store);
  const now = useServerNow(store, subscribeTick);
  const headingRef = usePanelFocus(`sensor:${sensorId}`, onClose);

  const sensor = sensors.byId(sensorId);
  if (!sensor) return null;
  const details = describeSensor(
    sensor,
    snapshot.state?.sensors.get(sensorId),
    now,
    translator,
    info.city.timezone,
    snapshot.connection === 'live',
  );

  return (
    <section
      className="info-panel"
      data-testid="info-panel"
      data-sensor-id={sensorId}
      data-freshness={details.freshness}
      aria-label={translator.t('info.label', { name: details.name })}
    >
      <PanelHeader
        kindLabel={details.kindLabel}
        name={details.name}
        headingRef={headingRef}
        onClose={onClose}
      />
      <p className={`freshness-pill freshness-${details.freshness}`} data-testid="info-freshness">
        <span className="freshness-dot" aria-hidden="true" />
        <span>
          {translator.t('info.freshness')}: {details.freshnessLabel}
        </span>
      </p>
      <h3 className="subheading">{translator.t('info.values')}</h3>
      {details.measured === null && <p className="muted">{translator.t('info.noValues')}</p>}
      <dl className="details">
        <Rows rows={details.values} />
        <Rows rows={details.facts} />
        {details.measured && (
          <div className="detail-row" data-quantity="measuredAt">
            <dt>{translator.t('info.measuredAt')}</dt>
            <dd>
              {details.measured.age === null
                ? details.measured.time
                : translator.t('info.measuredAtValue', {
                    time: details.measured.time,
                    age: details.measured.age,
                  })}
            </dd>
          </div>
        )}
      </dl>
      {details.qualityNote && <p className="quality-note">{details.qualityNote}</p>}
      <h3 className="subheading">{translator.t('info.device')}</h3>
      <dl className="details" data-testid="info-device">
        <Rows rows={details.device.rows} />
      </dl>
      {details.device.batteryLow && (
        <p className="quality-note" data-testid="info-battery-low">
          {translator.t('info.batteryLow')}
        </p>
      )}
      {details.device.silentNote && (
        <p className="quality-note" data-testid="info-silent">
          {details.device.silentNote}
        </p>
      )}
      {history && (
        <SensorHistory
          cityId={info.city.id}
          sensor={sensor}
          nowMs={now}
          timeZone={info.city.timezone}
          fetchFn={accessKey === undefined ? fetch : withAccessKey(accessKey)}
        />
      )}
    </section>
  );
}
