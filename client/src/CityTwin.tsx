/**
 * The app once the city is known: header, layer panel with garage list, map and info panel, wired to
 * one runtime and one live connection.
 */
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type {
  AlarmRule,
  Scenario,
  ScenarioInput,
  ScenarioSummary,
  ScenarioComment,
  CommentInput,
  CityInfo,
  CitySummary,
  HealthReport,
  Incident,
  IncidentInput,
  WallPushResult,
  WallSummary,
  WallView,
  WallViewMessage,
} from '../../protocol/index.ts';
import { can, WallViewMessageSchema } from '../../protocol/index.ts';
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
import { MeasurePanel } from './ui/MeasurePanel.tsx';
import type { MeasureToolHandle } from './measure/measureCesiumImpl.ts';
import { SourceHealthPanel } from './ui/SourceHealthPanel.tsx';
import { StaffSignIn, storeAccessKey, storedAccessKey } from './ui/StaffSignIn.tsx';
import { TimeController, type TimeView } from './time/timeController.ts';
import { hrefWithTime } from './time/timeMode.ts';
import type { BuildingColorMode } from './layers/types/tileset/buildingsLayer.ts';
import type { CityViewer, MapPick } from './viewer/cityViewer.ts';
import { clientClassOf, profileFromSearch, unknownProfileMessage } from './viewer/viewerProfile.ts';
import { CityCockpit } from './ui/CityCockpit.tsx';
import { RulePanel } from './ui/RulePanel.tsx';
import { ScreensPanel } from './ui/ScreensPanel.tsx';
import type { PlanningApi, ScenarioView } from './ui/PlanningPanel.tsx';
import { importScenarioFile, type ImportFileOptions } from './planning/importFile.ts';
import { PlanningPanel, type CompareSides } from './ui/PlanningPanel.tsx';
import { SwipeLine } from './ui/SwipeLine.tsx';
import { ShareButton } from './ui/ShareButton.tsx';
import { SearchBox } from './ui/SearchBox.tsx';
import { LayerTools } from './ui/LayerTools.tsx';
import { FeatureInfo } from './ui/FeatureInfo.tsx';
import type { FeatureInfoAnswer } from './ogc/featureInfoAt.ts';
import { isMemoryUrl, releaseMemorySource } from './layers/userFiles/memorySources.ts';
import type { SearchResult } from '../../protocol/index.ts';
import type { TownBuilding } from './planning/sunStudy.ts';
import { townBuildingsOf } from './planning/sunStudy.ts';
import type { GroundOverlay, RoadLine } from './viewer/scenarioCesiumImpl.ts';
import type { RoadSegment } from './planning/traffic.ts';
import { roadSegmentsOf } from './planning/traffic.ts';
import { formatTime } from './i18n/format.ts';
import { useTranslator } from './i18n/I18nContext.tsx';
import type { TimeMode } from './time/timeMode.ts';
import { hrefForWindow, windowRoleFromSearch } from './windows/windowRole.ts';
import { hrefWithShareState, readShareState } from './share/shareLink.ts';
import { applyShareLayers, useShareLink } from './share/useShareLink.ts';
import { initialBasemapId } from './viewer/basemapChoice.ts';
import { browserChannel, isDeliberateChange, newWindowId, WindowSync } from './windows/windowSync.ts';

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

/**
 * Fetches a city pack's JSON file and reads it with `read`; on failure `forget` lets the next call
 * try again (the caller keeps the promise, so a file is fetched once).
 */
function fetchOnce<T>(url: string, read: (raw: unknown) => T, forget: () => void): Promise<T> {
  return fetch(url)
    .then((response) => {
      if (!response.ok) throw new Error(`${url.split('/').pop() ?? url}: HTTP ${response.status}`);
      return response.json() as Promise<unknown>;
    })
    .then(read)
    .catch((error: unknown) => {
      forget();
      throw error;
    });
}

/** The running twin of one city. */
export function CityTwin({ info, live, probe, cities, onSelectCity, notice }: CityTwinProps) {
  const i18n = useI18nStore();
  // What the link shares (camera, basemap, layers, time, selection, scenario, swipe, language), read once.
  const initialLink = useMemo(() => readShareState(window.location.search), []);
  const runtime = useMemo(() => {
    const created = createCityRuntime(info, live);
    applyShareLayers(created.layers, initialLink);
    return created;
  }, [info, live, initialLink]);
  useEffect(() => {
    if (initialLink.locale) i18n.setLocale(initialLink.locale);
  }, [i18n, initialLink]);
  const link = useShareLink(runtime.layers, i18n);
  const layerModels = useSyncExternalStore(runtime.layers.subscribe, () => runtime.layers.layers);
  const [basemapId, setBasemapId] = useState<string | null>(() =>
    initialBasemapId(info.map, initialLink.basemap),
  );
  // Who the viewer runs for (?profile=), read once: a kiosk or an operator screen keeps its address.
  const { profile, unknown: unknownProfile } = useMemo(() => profileFromSearch(window.location.search), []);
  useEffect(() => {
    if (unknownProfile !== null) console.warn(`[viewer] ${unknownProfileMessage(unknownProfile)}`);
  }, [unknownProfile]);
  // What this window is for (?window=, ?wall=), read once.
  const { role: windowRole, problem: windowProblem } = useMemo(
    () => windowRoleFromSearch(window.location.search),
    [],
  );
  useEffect(() => {
    if (windowProblem !== null) console.warn(`[windows] ${windowProblem}`);
  }, [windowProblem]);
  const wallName = windowRole.kind === 'wall' ? windowRole.wall : null;
  const cockpit = windowRole.kind === 'cockpit';
  const translator = useTranslator();
  const viewerRef = useRef<CityViewer | null>(null);
  const liveClientRef = useRef<LiveClient | null>(null);
  /** The other windows of this town (not on a wall screen). */
  const syncRef = useRef<WindowSync | null>(null);
  /** The selection the windows last agreed on (what came from another window, or was sent). */
  const sharedSelectionRef = useRef<string | null>(null);
  /** A detail window's flight to a sensor selected elsewhere before its map existed. */
  const pendingFlightRef = useRef<string | null>(null);
  const selectionRef = useRef<string | null>(null);
  /** A camera pushed to this wall before its map was ready. */
  // A camera pushed to this wall before its map was ready, or the one of a shared link (?cam=).
  const pendingCameraRef = useRef<WallView['camera'] | null>(initialLink.camera);
  const [wallShown, setWallShown] = useState<WallViewMessage | null>(null);
  /** The compare swipe: on or off, and where it splits the map (0..1). */
  const [comparing, setComparing] = useState(false);
  const [split, setSplit] = useState(initialLink.compare?.split ?? 0.5);
  /** The swipe's sides for the link. */
  const compareIdsRef = useRef<{ left: string; right: string } | null>(null);
  /** The planning variant on the map (applied again when the map comes). */
  const scenarioViewRef = useRef<ScenarioView>(null);
  /** While a planner demolishes: building clicks go here instead of opening the info panel. */
  const buildingPickRef = useRef<((buildingId: string) => void) | null>(null);
  // The scenario and variant a link opens (?scenario=&variant=), read once.
  const initialScenario = useMemo(
    () =>
      initialLink.scenario === null
        ? null
        : {
            ...initialLink.scenario,
            compare: initialLink.compare && {
              left: initialLink.compare.left,
              right: initialLink.compare.right,
            },
          },
    [initialLink],
  );
  /** The last ground rectangle the camera saw, for a live client started later. */
  const lastViewRef = useRef<ViewRectangleDeg | null>(null);
  const [viewer, setViewer] = useState<CityViewer | null>(null);
  const [selection, setSelection] = useState<MapPick | null>(() =>
    initialLink.selection === null
      ? null
      : initialLink.selection.kind === 'sensor'
        ? { kind: 'sensor', sensorId: initialLink.selection.id }
        : { kind: 'building', buildingId: initialLink.selection.id, properties: {} },
  );
  const [measuring, setMeasuring] = useState(false);
  const [measureTool, setMeasureTool] = useState<MeasureToolHandle | null>(null);
  useEffect(() => {
    if (!viewer || !measuring) return;
    const tool = viewer.startMeasuring();
    setMeasureTool(tool);
    return () => {
      tool.destroy();
      setMeasureTool(null);
    };
  }, [viewer, measuring]);
  const [buildingColorMode, setBuildingColorMode] = useState<BuildingColorMode>('none');
  /** What a click on a drawn feature or a WMS layer found; 'asking' while services answer. */
  const [featureInfo, setFeatureInfo] = useState<FeatureInfoAnswer | 'asking' | null>(null);
  const [time, setTime] = useState<TimeController | null>(null);
  // A staff member's access key (this tab only): alarms, internal sensors, the operator rate.
  const [accessKey, setAccessKey] = useState<string | undefined>(() => storedAccessKey());
  const alarms = useMemo(() => new AlarmStore(), []);
  const incidents = useMemo(() => new IncidentStore(), []);
  // The time a shared link opens at (?t=), read once; live when there is none.
  const initialTime = initialLink.atMs;
  const selectedSensorId = selection?.kind === 'sensor' ? selection.sensorId : null;
  selectionRef.current = selectedSensorId;
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
      // The garage list shows every garage of the town, wherever the camera is; the cockpit has no
      // camera and shows the whole town.
      everywhere: cockpit ? kinds : kinds.filter((kind) => kind === 'parking'),
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
      onAlarmRules: (raw) => {
        if (!alarms.applyRules(raw)) console.warn('[alarms] dropped an alarm:rules it could not take');
      },
      onWallView: (raw) => {
        const parsed = WallViewMessageSchema.safeParse(raw);
        if (parsed.success) showWallView(parsed.data);
        else console.warn('[wall] dropped a malformed wall:view');
      },
      onConnected: (recovered) => {
        if (!recovered) askIncidents();
        // A wall screen (again) joins its wall and shows the last view pushed to it.
        if (wallName !== null && !recovered) joinWall(wallName);
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
    /** A time to show once the history's range is known (a link's, another window's, a wall push's). */
    let pendingTime = initialTime;
    /** Shows a time another window or a wall push asked for (kept until the history's range is known). */
    const showTime = (mode: TimeMode) => {
      if (controller.getView().available === null) {
        pendingTime = mode.kind === 'live' ? null : mode.atMs;
        if (mode.kind === 'live') client.resume();
        else client.pause();
        // Paused, the store may not change again soon: ask for the bounds now rather than on a change.
        askRange();
        return;
      }
      controller.follow(mode);
    };
    const joinWall = (wall: string) => {
      client.request('wall:join', wall).then(
        (raw) => {
          const answer = raw as { ok?: boolean; data?: unknown; error?: { message?: string } };
          if (answer?.ok !== true) {
            console.warn(`[wall] wall:join refused: ${answer?.error?.message ?? 'no answer'}`);
            return;
          }
          if (answer.data === null) return;
          const parsed = WallViewMessageSchema.safeParse(answer.data);
          if (parsed.success) showWallView(parsed.data);
        },
        (error: unknown) => console.warn(`[wall] wall:join failed: ${(error as Error).message}`),
      );
    };
    const showWallView = (message: WallViewMessage) => {
      const { view } = message;
      for (const entry of view.layers) runtime.layers.get(entry.id)?.setVisible(entry.visible);
      showTime(
        view.atMs === null ? { kind: 'live' } : { kind: 'past', atMs: view.atMs, playing: false, speed: 60 },
      );
      setSelection(view.sensorId === null ? null : { kind: 'sensor', sensorId: view.sensorId });
      if (viewerRef.current) viewerRef.current.setCameraView(view.camera);
      else pendingCameraRef.current = view.camera;
      setWallShown(message);
    };
    // The history's bounds are asked once the connection stands, and again each minute; a link's time
    // is shown as soon as they are known.
    let asking = false;
    let rangeRetry: ReturnType<typeof setTimeout> | undefined;
    const askRange = () => {
      if (asking || runtime.live.getSnapshot().connection !== 'live') return;
      asking = true;
      void controller.refreshRange().then(() => {
        asking = false;
        if (pendingTime === null) return;
        // No answer (the connection was not up yet): a time waits for the bounds, so ask again soon.
        if (controller.getView().available === null) {
          clearTimeout(rangeRetry);
          rangeRetry = setTimeout(askRange, 1_000);
          return;
        }
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
    // The operator's other windows of this town: the same time and selection (not on a wall screen).
    let sync: WindowSync | null = null;
    let stopSync = () => undefined as void;
    if (wallName === null && typeof BroadcastChannel !== 'undefined') {
      const created = new WindowSync({
        channel: browserChannel(`citytwin:${runtime.info.city.id}`),
        id: newWindowId(),
        current: () => ({ mode: controller.getView().mode, sensorId: selectionRef.current }),
        onTime: showTime,
        onSelect: (sensorId) => {
          sharedSelectionRef.current = sensorId;
          setSelection(sensorId === null ? null : { kind: 'sensor', sensorId });
          if (windowRole.kind === 'detail') {
            // The console's selection can arrive before this window's map exists: fly there once it does.
            const map = viewerRef.current;
            pendingFlightRef.current = map ? null : sensorId;
            if (sensorId !== null) map?.flyToSensor(sensorId);
          }
        },
        logger: console,
      });
      sync = created;
      let lastMode = controller.getView().mode;
      let lastAt = performance.now();
      stopSync = controller.subscribe(() => {
        const mode = controller.getView().mode;
        if (mode === lastMode) return;
        const at = performance.now();
        if (isDeliberateChange(lastMode, mode, at - lastAt)) created.sendTime(mode);
        lastMode = mode;
        lastAt = at;
      });
      created.start();
    }
    syncRef.current = sync;
    client.start();
    liveClientRef.current = client;
    setTime(controller);
    return () => {
      stopSync();
      sync?.close();
      syncRef.current = null;
      stopWatching();
      stopUrl();
      clearInterval(rangeTimer);
      clearTimeout(rangeRetry);
      controller.dispose();
      setTime(null);
      alarms.clear();
      incidents.clear();
      liveClientRef.current = null;
      client.stop();
      // The store is app-wide; another city must not start with this one's readings.
      runtime.live.clearState();
    };
  }, [runtime, probe, profile, initialTime, accessKey, alarms, incidents, cockpit, wallName, windowRole]);

  // The link keeps the selection.
  useEffect(() => {
    link.write({
      selection:
        selection === null
          ? null
          : selection.kind === 'sensor'
            ? { kind: 'sensor', id: selection.sensorId }
            : { kind: 'building', id: selection.buildingId },
    });
  }, [link, selection]);

  // A selection made here goes to the other windows (one that came from them does not go back).
  useEffect(() => {
    if (selectedSensorId === sharedSelectionRef.current) return;
    sharedSelectionRef.current = selectedSensorId;
    syncRef.current?.sendSelection(selectedSensorId);
  }, [selectedSensorId]);

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
    if (created && scenarioViewRef.current) created.showScenario(scenarioViewRef.current);
    const pending = pendingCameraRef.current;
    if (created && pending) {
      pendingCameraRef.current = null;
      created.setCameraView(pending, 0);
    }
    const flight = pendingFlightRef.current;
    if (created && flight !== null) {
      pendingFlightRef.current = null;
      created.flyToSensor(flight);
    }
  }, []);
  const selectGarage = useCallback((sensorId: string) => {
    viewerRef.current?.flyToSensor(sensorId);
    setSelection({ kind: 'sensor', sensorId });
  }, []);
  const closeInfo = useCallback(() => setSelection(null), []);
  const onPick = useCallback((pick: MapPick | null) => {
    const takeBuilding = buildingPickRef.current;
    if (takeBuilding && pick?.kind === 'building') {
      takeBuilding(pick.buildingId);
      return;
    }
    setSelection(pick);
  }, []);
  const onPickBuildings = useCallback((listener: ((buildingId: string) => void) | null) => {
    buildingPickRef.current = listener;
  }, []);
  const showScenario = useCallback(
    (view: ScenarioView) => {
      scenarioViewRef.current = view;
      viewerRef.current?.showScenario(view);
      // The link opens this scenario and variant.
      link.write(
        { scenario: view?.scenarioId ? { scenarioId: view.scenarioId, variantId: view.variantId } : null },
        true,
      );
    },
    [link],
  );
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
  /** Sends a staff request; resolves with its data, or rejects with the server's reason. */
  const ask = useCallback(async <T,>(event: HistoryEvent, payload: unknown): Promise<T> => {
    const client = liveClientRef.current;
    if (!client) throw new Error('no connection');
    const answer = (await client.request(event, payload)) as {
      ok?: boolean;
      data?: T;
      error?: { message?: string };
    };
    if (answer?.ok === true) return answer.data as T;
    throw new Error(answer?.error?.message ?? 'no answer');
  }, []);
  const saveRule = useCallback(
    async (rule: AlarmRule) => {
      const saved = await ask<AlarmRule>('alarm:rule', rule);
      alarms.applyRule(saved);
      return saved;
    },
    [ask, alarms],
  );
  const showCommentMarkers = useCallback(
    (markers: { id: string; position: readonly [number, number, number]; label: string }[]) =>
      viewerRef.current?.showCommentMarkers(markers),
    [],
  );
  const flyToPlace = useCallback((lon: number, lat: number) => viewerRef.current?.flyToPlace(lon, lat), []);
  const snapshotMap = useCallback(() => viewerRef.current?.snapshot() ?? null, []);
  const onCompare = useCallback(
    (sides: CompareSides | null) => {
      setComparing(sides !== null);
      void viewerRef.current?.compareScenario(sides);
      compareIdsRef.current = sides?.ids ?? null;
      link.write({ compare: sides ? { ...sides.ids, split: splitRef.current } : null });
    },
    [link],
  );
  const splitRef = useRef(split);
  const onSplit = useCallback(
    (position: number) => {
      setSplit(position);
      splitRef.current = position;
      viewerRef.current?.setSplitPosition(position);
      const ids = compareIdsRef.current;
      if (ids) link.write({ compare: { ...ids, split: position } });
    },
    [link],
  );
  const onBasemap = useCallback(
    (id: string) => {
      setBasemapId(id);
      link.write({ basemap: id });
      viewerRef.current
        ?.setBasemap(id)
        .catch((error: unknown) => console.error(`[viewer] basemap ${id} failed`, error));
    },
    [link],
  );
  const removeLayer = useCallback(
    (id: string) => {
      const entry = runtime.layers.get(id)?.entry;
      runtime.layers.remove(id);
      if (entry && 'url' in entry && isMemoryUrl(entry.url)) releaseMemorySource(entry.url);
    },
    [runtime],
  );
  const onSearchPick = useCallback((result: SearchResult) => {
    if (result.sensorId !== undefined) {
      viewerRef.current?.flyToSensor(result.sensorId);
      setSelection({ kind: 'sensor', sensorId: result.sensorId });
    } else viewerRef.current?.flyToPlace(result.lon, result.lat);
  }, []);
  const shareHref = useCallback(() => {
    const camera = viewerRef.current?.cameraView() ?? null;
    return hrefWithShareState(link.currentHref(), camera ? { camera } : {});
  }, [link]);
  /** Waits (up to 15 s) for the live connection, then asks. */
  const askConnected = useCallback(
    async <T,>(event: HistoryEvent, payload: unknown): Promise<T> => {
      const end = Date.now() + 15_000;
      while (runtime.live.getSnapshot().connection !== 'live' && Date.now() < end)
        await new Promise((resolve) => setTimeout(resolve, 200));
      return ask<T>(event, payload);
    },
    [ask, runtime],
  );
  const planningApi = useMemo<PlanningApi>(
    () => ({
      list: () => askConnected<ScenarioSummary[]>('scenario:list', undefined),
      get: (id: string) => askConnected<Scenario>('scenario:get', { id }),
      save: (input: ScenarioInput) => ask<Scenario>('scenario:save', input),
      importFile: (file: File, options: ImportFileOptions) =>
        importScenarioFile(info.city.id, accessKey, file, options),
      comments: {
        list: (scenarioId: string) => askConnected<ScenarioComment[]>('scenario:comments', scenarioId),
        add: (input: CommentInput) => ask<ScenarioComment>('scenario:comment', input),
        moderate: (scenarioId: string, commentId: string, state: 'approved' | 'rejected') =>
          ask<ScenarioComment>('scenario:moderate', { scenarioId, commentId, state }),
      },
    }),
    [ask, askConnected, info.city.id, accessKey],
  );
  /** The town's buildings for sun studies, fetched once. */
  const townBuildings = useRef<Promise<TownBuilding[]> | null>(null);
  const sunApi = useMemo(
    () => ({
      loadTown: () => {
        townBuildings.current ??= fetchOnce(
          `/data/${info.city.id}/buildings.geojson`,
          townBuildingsOf,
          () => {
            townBuildings.current = null;
          },
        );
        return townBuildings.current;
      },
      onOverlay: (overlay: GroundOverlay | null) => viewerRef.current?.showGroundOverlay(overlay),
      lat: info.city.homeView.lat,
      lon: info.city.homeView.lon,
      timeZone: info.city.timezone,
      onSunTime: (epochMs: number | null) => viewerRef.current?.setSunTime(epochMs),
    }),
    [info],
  );
  /** The town's roads (fetched once) and the counted flows, for the traffic effect of closures. */
  const roadsRef = useRef<Promise<RoadSegment[]> | null>(null);
  const trafficApi = useMemo(
    () => ({
      loadRoads: () => {
        roadsRef.current ??= fetchOnce(`/data/${info.city.id}/roads.geojson`, roadSegmentsOf, () => {
          roadsRef.current = null;
        });
        return roadsRef.current;
      },
      measuredFlow: (segmentId: string) => {
        const sensor = runtime.sensors.boundTo('road', segmentId);
        if (!sensor) return undefined;
        const value = runtime.live.getSnapshot().state?.sensors.get(sensor.id)?.observation
          ?.values.vehiclesPerHour;
        return typeof value === 'number' ? value : undefined;
      },
      onRoads: (lines: readonly RoadLine[]) => viewerRef.current?.showScenarioRoads(lines),
    }),
    [info, runtime],
  );
  const openWindow = useCallback((kind: 'overview' | 'detail' | 'cockpit') => {
    window.open(hrefForWindow(window.location.href, kind), `citytwin-${kind}-${Date.now()}`, 'popup');
  }, []);
  const wallsApi = useMemo(
    () => ({
      load: () => ask<WallSummary[]>('wall:list', undefined),
      push: (wall: string) => {
        const camera = viewerRef.current?.cameraView();
        if (!camera) return Promise.reject(new Error('the map is not ready'));
        const mode = time?.getView().mode ?? { kind: 'live' };
        const view: WallView = {
          camera,
          layers: runtime.layers.layers.map((layer) => ({ id: layer.id, visible: layer.visible })),
          atMs: mode.kind === 'past' ? Math.round(mode.atMs) : null,
          sensorId: selectionRef.current,
        };
        return ask<WallPushResult>('wall:push', { wall, view });
      },
    }),
    [ask, runtime, time],
  );
  // Every viewer gets only what it sees: the live subscription follows the camera.
  const onViewChanged = useCallback(
    (view: ViewRectangleDeg | null) => {
      lastViewRef.current = view;
      liveClientRef.current?.setViewport(viewportBBox(view));
      // The link keeps the camera: shared, it opens at this view.
      const camera = viewerRef.current?.cameraView();
      if (camera) link.write({ camera }, true);
    },
    [link],
  );

  const timeView = useTimeView(time);
  const historyAvailable = timeView?.available === true;
  const hello = useSyncExternalStore(runtime.live.subscribe, () => runtime.live.getSnapshot().hello);
  // What the panels offer follows the role the server gave the socket, through the one table.
  const canEditRules = can(hello?.role, 'alarms:rules');
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
        tools={
          <>
            <SearchBox cityId={info.city.id} onPick={onSearchPick} />
            <ShareButton href={shareHref} />
          </>
        }
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
        {windowProblem && (
          <p className="city-notice" role="alert">
            {translator.t('window.problem', { problem: windowProblem })}
          </p>
        )}
        <ConnectionProblem store={runtime.live} />
      </div>
      {cockpit ? (
        <CityCockpit
          info={info}
          store={runtime.live}
          subscribeTick={runtime.subscribeTick}
          mode={timeView?.mode ?? null}
          onSelect={(sensorId) => {
            sharedSelectionRef.current = sensorId;
            syncRef.current?.sendSelection(sensorId);
          }}
        />
      ) : (
        <div className="stage">
          <MapView
            runtime={runtime}
            i18n={i18n}
            probe={probe}
            profile={profile}
            basemapId={basemapId}
            onViewer={onViewer}
            onPick={onPick}
            onViewChanged={onViewChanged}
            onFeatureInfo={setFeatureInfo}
          />
          {comparing && <SwipeLine position={split} onMove={onSplit} />}
          {wallName !== null && (
            <p className="wall-badge" role="status" data-testid="wall-badge">
              {translator.t('wall.badge', { wall: wallName })}
              {' · '}
              {wallShown
                ? wallShown.by === null
                  ? translator.t('wall.lastPushAnonymous', {
                      time: formatTime(wallShown.atMs, translator.intlLocale, info.city.timezone),
                    })
                  : translator.t('wall.lastPush', {
                      by: wallShown.by,
                      time: formatTime(wallShown.atMs, translator.intlLocale, info.city.timezone),
                    })
                : translator.t('wall.waiting')}
            </p>
          )}
          {windowRole.kind === 'detail' && (
            <p className="wall-badge" data-testid="detail-badge">
              {translator.t('window.detail')}
            </p>
          )}
          <LayerPanel
            layers={layerModels}
            groups={info.groups}
            originOf={runtime.layers.originOf}
            onRemove={removeLayer}
            basemaps={info.map.basemaps}
            basemapId={basemapId}
            onBasemapChange={onBasemap}
            tools={<LayerTools registry={runtime.layers} />}
            before={
              <>
                {can(hello?.role, 'alarms:read') && (
                  <AlarmPanel
                    store={alarms}
                    sensorOf={sensorOf}
                    timeZone={info.city.timezone}
                    onFlyTo={selectGarage}
                    onAcknowledge={acknowledge}
                  />
                )}
                {measuring ? (
                  <MeasurePanel tool={measureTool} onClose={() => setMeasuring(false)} />
                ) : (
                  <button
                    type="button"
                    className="button"
                    aria-label={translator.t('measure.openLabel')}
                    onClick={() => setMeasuring(true)}
                    data-testid="measure-open"
                  >
                    {translator.t('measure.title')}
                  </button>
                )}
                <IncidentPanel
                  store={incidents}
                  live={runtime.live}
                  subscribeTick={runtime.subscribeTick}
                  timeZone={info.city.timezone}
                  staff={can(hello?.role, 'incidents:write')}
                  onFlyTo={flyToIncident}
                  onDraw={viewer ? viewer.drawIncident : null}
                  onSave={saveIncident}
                  onRemove={removeIncident}
                />
                {wallName === null && (
                  <PlanningPanel
                    // Signing in or out may change what one sees and may do.
                    key={accessKey ?? 'public'}
                    api={planningApi}
                    canPlan={can(hello?.role, 'scenarios:write')}
                    onShow={showScenario}
                    onDraw={viewer ? viewer.drawIncident : null}
                    onPickBuildings={onPickBuildings}
                    initial={initialScenario}
                    sun={sunApi}
                    onCompare={onCompare}
                    onPickPoint={viewer ? viewer.pickPoint : null}
                    onMarkers={showCommentMarkers}
                    onFlyTo={flyToPlace}
                    traffic={trafficApi}
                    snapshot={snapshotMap}
                    split={split}
                    onSplit={onSplit}
                  />
                )}
                {can(hello?.role, 'ops:health') && (
                  <SourceHealthPanel load={loadHealth} sensorOf={sensorOf} timeZone={info.city.timezone} />
                )}
                {can(hello?.role, 'alarms:read') && (
                  <RulePanel store={alarms} sensors={info.sensors} canEdit={canEditRules} onSave={saveRule} />
                )}
                {can(hello?.role, 'walls:push') && wallName === null && (
                  <ScreensPanel onOpen={openWindow} walls={wallsApi} />
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
          {time && (
            <Timeline time={time} timeZone={info.city.timezone} subscribeTick={runtime.subscribeTick} />
          )}
          {featureInfo !== null && selection === null && (
            <aside
              className="info-panel"
              data-testid="feature-info-panel"
              aria-label={translator.t('featureInfo.drawn')}
            >
              <button type="button" className="button info-close" onClick={() => setFeatureInfo(null)}>
                {translator.t('share.close')}
              </button>
              <FeatureInfo answer={featureInfo === 'asking' ? null : featureInfo} />
            </aside>
          )}
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
      )}
    </div>
  );
}

const NO_TIME = () => () => undefined;

/** The clock's view, or null while there is none (no live layers, or not started yet). */
function useTimeView(time: TimeController | null): TimeView | null {
  return useSyncExternalStore(time?.subscribe ?? NO_TIME, () => time?.getView() ?? null);
}
