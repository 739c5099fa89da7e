/**
 * The app once the city is known: header, layer panel with garage list, map and info panel, wired to
 * one runtime and one live connection.
 */
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { CityInfo, CitySummary, HealthReport, Incident, IncidentInput } from '../../protocol/index.ts';
import { createCityRuntime } from './cityRuntime.ts';
import { useI18nStore } from './i18n/I18nContext.tsx';
import { LiveClient, type HistoryEvent } from './live/LiveClient.ts';
import type { LiveStore } from './live/liveStore.ts';
import { viewportBBox, type ViewRectangleDeg } from './live/viewport.ts';
import type { CityTwinProbe } from './perfProbe.ts';
import { ConnectionProblem } from './ui/ConnectionProblem.tsx';
import { GarageList } from './ui/GarageList.tsx';
import { Header } from './ui/Header.tsx';
import { BuildingInfoPanel, InfoPanel } from './ui/InfoPanel.tsx';
import { LayerPanel } from './ui/LayerPanel.tsx';
import { MapView } from './ui/MapView.tsx';
import { Timeline } from './ui/Timeline.tsx';
import { AlarmStore } from './alarms/alarmStore.ts';
import { AlarmPanel } from './ui/AlarmPanel.tsx';
import { IncidentStore } from './incidents/incidentStore.ts';
import { IncidentPanel } from './ui/IncidentPanel.tsx';
import { SourceHealthPanel } from './ui/SourceHealthPanel.tsx';
import { StaffSignIn, storeAccessKey, storedAccessKey } from './ui/StaffSignIn.tsx';
import { TimeController, type TimeView } from './time/timeController.ts';
import { hrefWithTime, timeFromSearch } from './time/timeMode.ts';
import type { BuildingColorMode } from './layers/buildingsLayer.ts';
import type { CityViewer, MapPick } from './viewer/cityViewer.ts';
import { clientClassOf, profileFromSearch, unknownProfileMessage } from './viewer/viewerProfile.ts';

/** Props of {@link CityTwin}. */
export interface CityTwinProps {
  readonly info: CityInfo;
  readonly live: LiveStore;
  readonly probe: CityTwinProbe;
  /** Every city the server serves, for the town switcher. */
  readonly cities?: readonly CitySummary[] | undefined;
  readonly onSelectCity?: ((cityId: string) => void) | undefined;
  /** A message shown under the header (e.g. the link named a town this server does not have). */
  readonly notice?: string | undefined;
}

/** The running twin of one city. */
export function CityTwin({ info, live, probe, cities, onSelectCity, notice }: CityTwinProps) {
  const i18n = useI18nStore();
  const runtime = useMemo(() => createCityRuntime(info, live), [info, live]);
  // Who the viewer runs for (?profile=), read once: a kiosk or an operator screen keeps its address.
  const { profile, unknown: unknownProfile } = useMemo(() => profileFromSearch(window.location.search), []);
  useEffect(() => {
    if (unknownProfile !== null) console.warn(`[viewer] ${unknownProfileMessage(unknownProfile)}`);
  }, [unknownProfile]);
  const viewerRef = useRef<CityViewer | null>(null);
  const liveClientRef = useRef<LiveClient | null>(null);
  /** The last ground rectangle the camera saw, for a live client started later. */
  const lastViewRef = useRef<ViewRectangleDeg | null>(null);
  const [viewer, setViewer] = useState<CityViewer | null>(null);
  const [selection, setSelection] = useState<MapPick | null>(null);
  const [buildingColorMode, setBuildingColorMode] = useState<BuildingColorMode>('none');
  const [time, setTime] = useState<TimeController | null>(null);
  // A staff member's access key (this tab only): alarms, internal sensors, the operator rate.
  const [accessKey, setAccessKey] = useState<string | undefined>(() => storedAccessKey());
  const alarms = useMemo(() => new AlarmStore(), []);
  const incidents = useMemo(() => new IncidentStore(), []);
  // The time a shared link opens at (?t=), read once; live when there is none.
  const initialTime = useMemo(() => timeFromSearch(window.location.search), []);
  const selectedSensorId = selection?.kind === 'sensor' ? selection.sensorId : null;
  // The building to highlight: the picked one, or the building a selected sensor (a garage) sits on.
  const selectedSensor = selectedSensorId === null ? undefined : runtime.sensors.byId(selectedSensorId);
  const highlightedBuildingId =
    selection?.kind === 'building'
      ? selection.buildingId
      : selectedSensor?.object.type === 'building'
        ? selectedSensor.object.id
        : null;

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
      cityId: runtime.info.city.id,
      kinds,
      clientClass: clientClassOf(profile),
      // The garage list shows every garage of the town, wherever the camera is.
      everywhere: kinds.filter((kind) => kind === 'parking'),
      bbox: viewportBBox(lastViewRef.current),
      onDiffApplied: (durationMs) => {
        probe.lastDiffApplyMs = durationMs;
        probe.diffCount += 1;
      },
      startPaused: initialTime !== null,
      accessKey,
      onAlarmChanged: (raw) => {
        if (alarms.applyChange(raw) === 'gap') askAlarms();
      },
      onIncidentChanged: (raw) => {
        if (!incidents.applyChange(raw)) console.warn('[incidents] dropped a malformed incident:changed');
      },
      onConnected: (recovered) => {
        if (!recovered) askIncidents();
        // Back without the events missed meanwhile: the whole list again.
        if (accessKey !== undefined && (!recovered || alarms.getView().available !== true)) askAlarms();
      },
    });
    const askIncidents = () => {
      client.request('incident:list', undefined).then(
        (raw) => {
          const answer = raw as { ok?: boolean; data?: unknown };
          if (answer?.ok === true && !incidents.applyList(answer.data))
            console.warn('[incidents] dropped a malformed incident:list answer');
        },
        (error: unknown) => console.warn(`[incidents] incident:list failed: ${(error as Error).message}`),
      );
    };
    const askAlarms = () => {
      client.request('alarm:list', undefined).then(
        (raw) => {
          const answer = raw as { ok?: boolean; data?: unknown; error?: { message?: string } };
          if (answer?.ok === true) {
            if (!alarms.applyList(answer.data))
              console.warn('[alarms] dropped a malformed alarm:list answer');
          } else alarms.refuse(answer?.error?.message ?? 'no answer');
        },
        (error: unknown) => console.warn(`[alarms] alarm:list failed: ${(error as Error).message}`),
      );
    };
    const controller = new TimeController({ store: runtime.live, source: client, kinds, logger: console });
    // The history's bounds are asked once the connection stands, and again each minute; a link's time
    // is shown as soon as they are known.
    let pendingTime = initialTime;
    let asking = false;
    const askRange = () => {
      if (asking || runtime.live.getSnapshot().connection !== 'live') return;
      asking = true;
      void controller.refreshRange().then(() => {
        asking = false;
        if (pendingTime === null || controller.getView().available === null) return;
        const at = pendingTime;
        pendingTime = null;
        if (controller.getView().available) controller.goTo(at);
        else client.resume();
      });
    };
    const stopWatching = runtime.live.subscribe(() => {
      if (controller.getView().available === null) askRange();
    });
    const rangeTimer = setInterval(askRange, 60_000);
    // The link follows the clock, so it can be shared at the moment shown.
    let lastHref = window.location.href;
    const stopUrl = controller.subscribe(() => {
      const mode = controller.getView().mode;
      const href = hrefWithTime(window.location.href, mode.kind === 'live' ? null : mode.atMs);
      if (href !== lastHref) {
        lastHref = href;
        window.history.replaceState(window.history.state, '', href);
      }
    });
    client.start();
    liveClientRef.current = client;
    setTime(controller);
    return () => {
      stopWatching();
      stopUrl();
      clearInterval(rangeTimer);
      controller.dispose();
      setTime(null);
      alarms.clear();
      incidents.clear();
      liveClientRef.current = null;
      client.stop();
      // The store is app-wide; another city must not start with this one's readings.
      runtime.live.clearState();
    };
  }, [runtime, probe, profile, initialTime, accessKey, alarms, incidents]);

  // The map shows the incidents in force at the time it shows (live, or the timeline's past).
  useEffect(() => {
    if (!viewer) return;
    let shown = '';
    const update = () => {
      const nowMs = runtime.live.nowServerMs(performance.now());
      if (nowMs === null) return;
      const active = incidents.activeAt(nowMs);
      const key = active.map((i) => `${i.id}:${i.version}`).join(',');
      if (key === shown) return;
      shown = key;
      viewer.showIncidents(active);
    };
    update();
    const stops = [
      incidents.subscribe(update),
      runtime.subscribeTick(update),
      runtime.live.subscribe(update),
    ];
    return () => {
      for (const stop of stops) stop();
    };
  }, [viewer, incidents, runtime]);

  // The viewer arrives after the first render; the effects below push the current state into it
  // then and on every change.
  useEffect(() => viewer?.setHighlightedBuilding(highlightedBuildingId), [viewer, highlightedBuildingId]);
  useEffect(() => viewer?.setBuildingColorMode(buildingColorMode), [viewer, buildingColorMode]);

  const onViewer = useCallback((created: CityViewer | null) => {
    viewerRef.current = created;
    setViewer(created);
  }, []);
  const selectGarage = useCallback((sensorId: string) => {
    viewerRef.current?.flyToSensor(sensorId);
    setSelection({ kind: 'sensor', sensorId });
  }, []);
  const closeInfo = useCallback(() => setSelection(null), []);
  const signIn = useCallback((key: string) => {
    storeAccessKey(key);
    setAccessKey(key);
  }, []);
  const signOut = useCallback(() => {
    storeAccessKey(undefined);
    setAccessKey(undefined);
  }, []);
  /** Sends a staff request; resolves with the server's reason when it refused, null when done. */
  const send = useCallback(async (event: HistoryEvent, payload: unknown): Promise<string | null> => {
    const client = liveClientRef.current;
    if (!client) return 'no connection';
    try {
      const answer = (await client.request(event, payload)) as { ok?: boolean; error?: { message?: string } };
      return answer?.ok === true ? null : (answer?.error?.message ?? 'no answer');
    } catch (error) {
      return (error as Error).message;
    }
  }, []);
  const acknowledge = useCallback(
    (alarmId: string, comment: string) => send('alarm:ack', { alarmId, comment }),
    [send],
  );
  const loadHealth = useCallback(async (): Promise<HealthReport> => {
    const client = liveClientRef.current;
    if (!client) throw new Error('no connection');
    const answer = (await client.request('ops:health', undefined)) as {
      ok?: boolean;
      data?: HealthReport;
      error?: { message?: string };
    };
    if (answer?.ok === true && answer.data) return answer.data;
    throw new Error(answer?.error?.message ?? 'no answer');
  }, []);
  const saveIncident = useCallback((input: IncidentInput) => send('incident:save', input), [send]);
  const removeIncident = useCallback((id: string) => send('incident:remove', id), [send]);
  const flyToIncident = useCallback((incident: Incident) => {
    const g = incident.geometry;
    const corners =
      g.type === 'Point'
        ? [g.coordinates]
        : g.type === 'LineString'
          ? g.coordinates
          : (g.coordinates[0] ?? []);
    if (corners.length === 0) return;
    const lon = corners.reduce((sum, c) => sum + c[0], 0) / corners.length;
    const lat = corners.reduce((sum, c) => sum + c[1], 0) / corners.length;
    viewerRef.current?.flyToPlace(lon, lat);
  }, []);
  const sensorOf = useCallback((sensorId: string) => runtime.sensors.byId(sensorId), [runtime]);
  // Every viewer gets only what it sees: the live subscription follows the camera.
  const onViewChanged = useCallback((view: ViewRectangleDeg | null) => {
    lastViewRef.current = view;
    liveClientRef.current?.setViewport(viewportBBox(view));
  }, []);

  const historyAvailable = useTimeView(time)?.available === true;
  const parkingLayer = runtime.layers.liveLayerOf('parking');
  const garages = runtime.sensors.ofKind('parking');

  return (
    <div className="app">
      <Header
        city={info.city}
        store={runtime.live}
        onHome={() => viewerRef.current?.flyHome()}
        cities={cities}
        onSelectCity={onSelectCity}
        staff={
          <StaffSignIn
            store={runtime.live}
            signedIn={accessKey !== undefined}
            onSignIn={signIn}
            onSignOut={signOut}
          />
        }
      />
      <div className="notices">
        {notice && (
          <p className="city-notice" role="alert">
            {notice}
          </p>
        )}
        <ConnectionProblem store={runtime.live} />
      </div>
      <div className="stage">
        <MapView
          runtime={runtime}
          i18n={i18n}
          probe={probe}
          profile={profile}
          onViewer={onViewer}
          onPick={setSelection}
          onViewChanged={onViewChanged}
        />
        <LayerPanel
          layers={runtime.layers.layers}
          before={
            <>
              {accessKey !== undefined && (
                <AlarmPanel
                  store={alarms}
                  sensorOf={sensorOf}
                  timeZone={info.city.timezone}
                  onFlyTo={selectGarage}
                  onAcknowledge={acknowledge}
                />
              )}
              <IncidentPanel
                store={incidents}
                live={runtime.live}
                subscribeTick={runtime.subscribeTick}
                timeZone={info.city.timezone}
                staff={accessKey !== undefined}
                onFlyTo={flyToIncident}
                onDraw={viewer ? viewer.drawIncident : null}
                onSave={saveIncident}
                onRemove={removeIncident}
              />
              {accessKey !== undefined && (
                <SourceHealthPanel load={loadHealth} sensorOf={sensorOf} timeZone={info.city.timezone} />
              )}
            </>
          }
          buildingColorMode={buildingColorMode}
          onBuildingColorModeChange={setBuildingColorMode}
          renderExtra={(layer) =>
            layer === parkingLayer ? (
              <GarageList
                garages={garages}
                store={runtime.live}
                subscribeTick={runtime.subscribeTick}
                selectedId={selectedSensorId}
                onSelect={selectGarage}
              />
            ) : null
          }
        />
        {time && <Timeline time={time} timeZone={info.city.timezone} subscribeTick={runtime.subscribeTick} />}
        {selection?.kind === 'building' && (
          <BuildingInfoPanel
            buildingId={selection.buildingId}
            properties={selection.properties}
            onClose={closeInfo}
          />
        )}
        {selectedSensorId !== null && (
          <InfoPanel
            sensorId={selectedSensorId}
            info={info}
            sensors={runtime.sensors}
            store={runtime.live}
            subscribeTick={runtime.subscribeTick}
            onClose={closeInfo}
            history={historyAvailable}
            accessKey={accessKey}
          />
        )}
      </div>
    </div>
  );
}

const NO_TIME = () => () => undefined;

/** The clock's view, or null while there is none (no live layers, or not started yet). */
function useTimeView(time: TimeController | null): TimeView | null {
  return useSyncExternalStore(time?.subscribe ?? NO_TIME, () => time?.getView() ?? null);
}
