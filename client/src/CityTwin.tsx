/**
 * The app once the city is known: header, layer panel with garage list, map and info panel, wired to
 * one runtime and one live connection.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { CityInfo } from '../../protocol/index.ts';
import { createCityRuntime } from './cityRuntime.ts';
import { useI18nStore } from './i18n/I18nContext.tsx';
import { LiveClient } from './live/LiveClient.ts';
import type { LiveStore } from './live/liveStore.ts';
import type { CityTwinProbe } from './perfProbe.ts';
import { ConnectionProblem } from './ui/ConnectionProblem.tsx';
import { GarageList } from './ui/GarageList.tsx';
import { Header } from './ui/Header.tsx';
import { InfoPanel } from './ui/InfoPanel.tsx';
import { LayerPanel } from './ui/LayerPanel.tsx';
import { MapView } from './ui/MapView.tsx';
import type { CityViewer } from './viewer/cityViewer.ts';

/** Props of {@link CityTwin}. */
export interface CityTwinProps {
  readonly info: CityInfo;
  readonly live: LiveStore;
  readonly probe: CityTwinProbe;
}

/** The running twin of one city. */
export function CityTwin({ info, live, probe }: CityTwinProps) {
  const i18n = useI18nStore();
  const runtime = useMemo(() => createCityRuntime(info, live), [info, live]);
  const viewerRef = useRef<CityViewer | null>(null);
  const [selectedId, setSelectedId] = useState<string | null>(null);

  useEffect(() => {
    document.title = `${info.city.name} · citytwin`;
  }, [info.city.name]);

  useEffect(() => {
    const kinds = runtime.layers.liveKinds();
    if (kinds.length === 0) {
      runtime.live.setConnection('none', null);
      return;
    }
    const client = new LiveClient({
      store: runtime.live,
      kinds,
      onDiffApplied: (durationMs) => {
        probe.lastDiffApplyMs = durationMs;
        probe.diffCount += 1;
      },
    });
    client.start();
    return () => client.stop();
  }, [runtime, probe]);

  const onViewer = useCallback((viewer: CityViewer | null) => {
    viewerRef.current = viewer;
  }, []);
  const selectGarage = useCallback((sensorId: string) => {
    viewerRef.current?.flyToSensor(sensorId);
    setSelectedId(sensorId);
  }, []);
  const closeInfo = useCallback(() => setSelectedId(null), []);

  const parkingLayer = runtime.layers.liveLayerOf('parking');
  const garages = runtime.sensors.ofKind('parking');

  return (
    <div className="app">
      <Header city={info.city} store={runtime.live} onHome={() => viewerRef.current?.flyHome()} />
      <ConnectionProblem store={runtime.live} />
      <div className="stage">
        <MapView runtime={runtime} i18n={i18n} probe={probe} onViewer={onViewer} onPick={setSelectedId} />
        <LayerPanel
          layers={runtime.layers.layers}
          renderExtra={(layer) =>
            layer === parkingLayer ? (
              <GarageList
                garages={garages}
                store={runtime.live}
                subscribeTick={runtime.subscribeTick}
                selectedId={selectedId}
                onSelect={selectGarage}
              />
            ) : null
          }
        />
        {selectedId !== null && (
          <InfoPanel
            sensorId={selectedId}
            info={info}
            sensors={runtime.sensors}
            store={runtime.live}
            subscribeTick={runtime.subscribeTick}
            onClose={closeInfo}
          />
        )}
      </div>
    </div>
  );
}
