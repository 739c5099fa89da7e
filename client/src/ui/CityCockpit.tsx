/**
 * The city cockpit (`?window=cockpit`): the town's figures as large tiles (parking, air quality,
 * noise, weather, basins, traffic), readable across a control room, coloured by each sensor's own
 * thresholds, at the time the operator's windows show (live or the past). A figure of one sensor is a
 * button: it selects that sensor in the other windows (a detail window flies there).
 */
import { useSyncExternalStore } from 'react';
import type { CityInfo } from '../../../protocol/index.ts';
import type { CockpitFigure, CockpitTile } from '../cockpit/cockpitModel.ts';
import { cockpitTiles } from '../cockpit/cockpitModel.ts';
import { useTranslator } from '../i18n/I18nContext.tsx';
import { formatNumber, formatTime } from '../i18n/format.ts';
import type { MessageKey, Translator } from '../i18n/messages.ts';
import type { LiveStore } from '../live/liveStore.ts';
import { formatQuantity, quantityLabel } from '../sensors/quantities.ts';
import type { SubscribeTick } from '../time/ticker.ts';
import type { TimeMode } from '../time/timeMode.ts';
import { formatDateTime } from './Timeline.tsx';
import './cockpit.css';

export interface CityCockpitProps {
  readonly info: CityInfo;
  readonly store: LiveStore;
  readonly subscribeTick: SubscribeTick;
  /** The time shown (live or the past), as the windows share it. */
  readonly mode: TimeMode | null;
  readonly onSelect: (sensorId: string) => void;
}

const NO_TICK = () => 0;
/** Figures whose label is the sensor's name already. */
const NAMED_IN_LABEL = new Set(['garage', 'station', 'basin', 'slowSegment']);

function valueText(figure: CockpitFigure, translator: Translator): { value: string; unit: string } {
  if (figure.share) return { value: formatNumber(figure.value * 100, translator.intlLocale, 0), unit: '%' };
  if (figure.quantity === 'segments')
    return {
      value: formatNumber(figure.value, translator.intlLocale, 0),
      unit: translator.t('cockpit.segments'),
    };
  const q = formatQuantity(figure.quantity, figure.value, translator);
  return { value: q.value, unit: q.unit };
}

function labelText(figure: CockpitFigure, translator: Translator): string {
  return translator.t(`cockpit.figure.${figure.label}` as MessageKey, {
    name: figure.sensorName ?? '',
    quantity: quantityLabel(figure.quantity, translator),
  });
}

export function CityCockpit({ info, store, subscribeTick, mode, onSelect }: CityCockpitProps) {
  const translator = useTranslator();
  const snapshot = useSyncExternalStore(store.subscribe, store.getSnapshot);
  // Freshness ages with the clock: the tiles are computed again every second.
  useSyncExternalStore(subscribeTick, () => Math.floor(performance.now() / 1000), NO_TICK);
  const nowMs = store.nowServerMs(performance.now());
  const states = snapshot.state?.sensors ?? new Map();
  const connected = snapshot.connection === 'live';
  const tiles = cockpitTiles(info.sensors, states, nowMs, connected || mode?.kind === 'past');
  const timeZone = info.city.timezone;

  return (
    <main className="cockpit" aria-labelledby="cockpit-title" data-testid="cockpit">
      <div className="cockpit-head">
        <h1 id="cockpit-title">{translator.t('cockpit.title', { city: info.city.name })}</h1>
        <p
          className={`cockpit-time${mode?.kind === 'past' ? ' cockpit-time-past' : ''}`}
          data-testid="cockpit-time"
        >
          {mode?.kind === 'past'
            ? translator.t('cockpit.past', {
                time: formatDateTime(mode.atMs, translator.intlLocale, timeZone),
              })
            : `${translator.t('cockpit.live')}${nowMs === null ? '' : ` · ${formatTime(nowMs, translator.intlLocale, timeZone)}`}`}
        </p>
      </div>
      <div className="cockpit-grid">
        {tiles.map((tile) => (
          <Tile key={tile.id} tile={tile} translator={translator} onSelect={onSelect} />
        ))}
      </div>
    </main>
  );
}

function Tile({
  tile,
  translator,
  onSelect,
}: {
  tile: CockpitTile;
  translator: Translator;
  onSelect: (sensorId: string) => void;
}) {
  const titleId = `cockpit-${tile.id}`;
  const headline = tile.headline;
  const main = headline ? valueText(headline, translator) : null;
  return (
    <section
      className={`cockpit-tile cockpit-level-${tile.level}${tile.reporting === 0 ? ' cockpit-no-data' : ''}`}
      aria-labelledby={titleId}
      data-testid={`cockpit-tile-${tile.id}`}
      data-level={tile.level}
    >
      <h2 id={titleId}>
        {translator.t(`cockpit.tile.${tile.id}`)}
        <span className="visually-hidden">: {translator.t(`cockpit.level.${tile.level}`)}</span>
      </h2>
      {headline && main ? (
        <p className="cockpit-headline" data-testid="cockpit-headline" data-value={headline.value}>
          <span className="cockpit-value">{main.value}</span>
          {main.unit && <span className="cockpit-unit"> {main.unit}</span>}
          <span className="cockpit-caption">
            {labelText(headline, translator)}
            {headline.sensorName && !NAMED_IN_LABEL.has(headline.label) ? `: ${headline.sensorName}` : ''}
          </span>
        </p>
      ) : (
        <p className="cockpit-headline muted">{translator.t('cockpit.noData')}</p>
      )}
      {tile.figures.length > 0 && (
        <ul className="cockpit-figures">
          {tile.figures.map((figure, index) => {
            const shown = valueText(figure, translator);
            const label = labelText(figure, translator);
            const where =
              figure.sensorName && !NAMED_IN_LABEL.has(figure.label) ? ` (${figure.sensorName})` : '';
            const content = (
              <>
                <span className="cockpit-figure-label">
                  {label}
                  {where}
                </span>
                <span className="cockpit-figure-value">
                  {shown.value}
                  {shown.unit ? ` ${shown.unit}` : ''}
                </span>
              </>
            );
            return (
              <li
                key={`${figure.label}-${figure.quantity}-${figure.sensorId ?? index}`}
                className={`cockpit-figure cockpit-level-${figure.level}`}
                data-sensor-id={figure.sensorId ?? undefined}
              >
                {figure.sensorId ? (
                  <button
                    type="button"
                    className="cockpit-figure-button"
                    onClick={() => onSelect(figure.sensorId as string)}
                    aria-label={`${label}${where}: ${shown.value} ${shown.unit}. ${translator.t('cockpit.showSensor', { name: figure.sensorName ?? '' })}`}
                  >
                    {content}
                  </button>
                ) : (
                  <span className="cockpit-figure-button">{content}</span>
                )}
              </li>
            );
          })}
        </ul>
      )}
      <p className="cockpit-reporting muted">
        {translator.t('cockpit.reporting', { reporting: tile.reporting, total: tile.total })}
      </p>
    </section>
  );
}
