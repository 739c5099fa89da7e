/**
 * The list of garages under the parking layer, with free spaces. Each item is a button that flies to
 * the garage and opens its details; `data-free-spaces` carries the number for tests and assistive
 * technology alike (empty when unknown).
 */
import { useMemo } from 'react';
import type { Sensor } from '../../../protocol/index.ts';
import { useTranslator } from '../i18n/I18nContext.tsx';
import { PAST_SUBSCRIPTION, type LiveStore } from '../live/liveStore.ts';
import { summarizeGarage } from '../sensors/sensorDetails.ts';
import type { SubscribeTick } from '../time/ticker.ts';
import { useLiveSnapshot, useServerNow } from './hooks.ts';

/** Props of {@link GarageList}. */
export interface GarageListProps {
  readonly garages: readonly Sensor[];
  readonly store: LiveStore;
  readonly subscribeTick: SubscribeTick;
  readonly selectedId: string | null;
  readonly onSelect: (sensorId: string) => void;
}

/** The garages, sorted by name in the active language. */
export function GarageList({ garages, store, subscribeTick, selectedId, onSelect }: GarageListProps) {
  const translator = useTranslator();
  const snapshot = useLiveSnapshot(store);
  const now = useServerNow(store, subscribeTick);
  const sorted = useMemo(
    () => [...garages].sort((a, b) => a.name.localeCompare(b.name, translator.intlLocale)),
    [garages, translator.intlLocale],
  );
  return (
    <section className="garages" aria-labelledby="garages-title">
      <h3 id="garages-title" className="subheading">
        {translator.t(
          snapshot.state?.subscriptionId === PAST_SUBSCRIPTION ? 'garages.titlePast' : 'garages.title',
        )}
      </h3>
      {sorted.length === 0 ? (
        <p className="muted">{translator.t('garages.empty')}</p>
      ) : (
        <ul className="garage-list">
          {sorted.map((sensor) => {
            const garage = summarizeGarage(
              sensor,
              snapshot.state?.sensors.get(sensor.id),
              now,
              translator,
              snapshot.connection === 'live',
            );
            return (
              <li
                key={sensor.id}
                data-testid="garage"
                data-sensor-id={sensor.id}
                data-free-spaces={garage.freeSpaces ?? ''}
                data-freshness={garage.freshness}
              >
                <button
                  type="button"
                  className={`garage-button freshness-${garage.freshness}`}
                  aria-current={selectedId === sensor.id ? 'true' : undefined}
                  aria-label={translator.t('garages.buttonLabel', {
                    name: garage.name,
                    status: garage.statusText,
                  })}
                  onClick={() => onSelect(sensor.id)}
                >
                  <span className="garage-name">{garage.name}</span>
                  <span className="garage-status">{garage.statusText}</span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
