/**
 * The map as the rest of the app sees it: creates the viewer, binds every catalog layer to its Cesium
 * implementation, turns clicks into sensor ids, moves the camera, counts frames and reports when the
 * first view is complete. The UI loads this module lazily, so the panels appear before Cesium has
 * arrived.
 */
import {
  JulianDate,
  Cartographic,
  BoundingSphere,
  Cartesian3,
  Cesium3DTileFeature,
  HeadingPitchRange,
  Math as CesiumMath,
  SceneTransforms,
  ScreenSpaceEventHandler,
  ScreenSpaceEventType,
  Cartesian2,
} from 'cesium';
import type { CameraView, CityInfo, Incident, ProposedBuilding } from '../../../protocol/index.ts';
import { createScenarioOnMap, type GroundOverlay, type RoadLine } from './scenarioCesiumImpl.ts';
import type { FetchLike } from '../api/cityApi.ts';
import type { I18nStore } from '../i18n/i18nStore.ts';
import {
  buildingIdOf,
  BUILDING_COLOR_CSS,
  BUILDING_ID_PROPERTY,
  type BuildingColorMode,
  type BuildingProperties,
} from '../layers/types/tileset/buildingsLayer.ts';
import {
  buildingBaseColorOf,
  buildingHighlightColor,
  buildingPropertiesOf,
  type BuildingsCesiumImpl,
} from '../layers/types/tileset/buildingsCesiumImpl.ts';
import type { LayerModel } from '../layers/layerModel.ts';
import type { LayerRegistry } from '../layers/layerRegistry.ts';
import { loadBindings } from '../layers/types/index.ts';
import type { VectorPickTag } from '../layers/types/geojson/vectorCesiumImpl.ts';
import { featureInfoAtScreen } from '../layers/types/wms/featureInfoCesiumImpl.ts';
import type { FeatureInfoAnswer } from '../ogc/featureInfoAt.ts';
import type { CesiumLayerEnv } from '../layers/types/layerType.ts';
import { sensorIdFromPickId } from '../layers/pickTag.ts';
import type { LiveStore } from '../live/liveStore.ts';
import { createTileStreamingProbe, type CityTwinProbe } from '../perfProbe.ts';
import type { SensorIndex } from '../sensors/sensorIndex.ts';
import type { ViewRectangleDeg } from '../live/viewport.ts';
import type { SubscribeTick } from '../time/ticker.ts';
import { cesiumColor } from './cesiumColor.ts';
import { createCesiumViewer } from './createCesiumViewer.ts';
import { createPackBasemapProvider } from '../basemap/packBasemapCesiumImpl.ts';
import { initialBasemapId } from './basemapChoice.ts';
import { createMapGround, terrainOf, type PackBasemapFactory } from './mapGround.ts';
import { FeatureColorRegistry } from './featureColorRegistry.ts';
import type { CesiumLayerContext, MapTime } from './layerContext.ts';
import { LiveFrames } from './liveFrames.ts';
import { createIncidentsOnMap, type DrawMode } from './incidentsCesiumImpl.ts';
import { createGroundHeights } from './groundHeight.ts';
import { TILE_SETTINGS, type TileSettings } from './viewerProfile.ts';
import {
  createMeasureTool,
  type MeasureToolHandle,
  type MeasureToolState,
} from '../measure/measureCesiumImpl.ts';
import { measureLabel } from '../measure/measureText.ts';

/** Inputs of {@link createCityViewer}. */
export interface CityViewerOptions {
  readonly container: HTMLElement;
  readonly info: CityInfo;
  readonly sensors: SensorIndex;
  readonly layers: LayerRegistry;
  readonly live: LiveStore;
  readonly i18n: I18nStore;
  readonly subscribeTick: SubscribeTick;
  readonly probe: CityTwinProbe;
  /** Called with what a click hit: a sensor, a building without a sensor, or null for anything else. */
  readonly onPick: (pick: MapPick | null) => void;
  /**
   * Called when the camera came to rest, with the rectangle of the ground it sees (null when it sees
   * none, e.g. looking at the sky), so the live subscription can follow the view.
   */
  readonly onViewChanged?: ((view: ViewRectangleDeg | null) => void) | undefined;
  readonly fetchFn?: FetchLike | undefined;
  /** The time the map shows; the live server time when left out. */
  readonly mapTime?: MapTime | undefined;
  /** The basemap to start with (a link's); the setup's first when left out or not offered. */
  readonly basemapId?: string | null | undefined;
  /**
   * Called with what the map's other layers know about a clicked place: a drawn feature's properties,
   * or the feature info of the visible WMS layers ('asking' while they are asked).
   */
  readonly onFeatureInfo?: ((answer: FeatureInfoAnswer | 'asking' | null) => void) | undefined;
  /** Streaming settings of the buildings tileset; the public profile's when left out. */
  readonly tileSettings?: TileSettings | undefined;
}

/**
 * What a click in the map hit. A building bound to a sensor (a garage) counts as that sensor; any
 * other building comes with the metadata of its feature, read once at the click.
 */
export type MapPick =
  | { readonly kind: 'sensor'; readonly sensorId: string }
  | { readonly kind: 'building'; readonly buildingId: string; readonly properties: BuildingProperties };

/** What the UI can ask of the map. */
export interface CityViewer {
  /** Flies to the city's home view. */
  flyHome(durationS?: number): void;
  /** Flies to the object a sensor is bound to. */
  flyToSensor(sensorId: string): void;
  /** Colours the buildings by an attribute, or neutral with `none`. */
  setBuildingColorMode(mode: BuildingColorMode): void;
  /** Highlights one building (null: none); garage colours come back when it is no longer highlighted. */
  setHighlightedBuilding(buildingId: string | null): void;
  /** Flies to a place on the ground, `[lon, lat]` in degrees. */
  flyToPlace(lon: number, lat: number): void;
  /** Draws these incidents (and only these) on the map. */
  showIncidents(incidents: readonly Incident[]): void;
  /**
   * Takes clicks on the ground as the corners of a new incident's shape (the map's own picking waits
   * meanwhile); `onChange` gets the corners so far. Returns the function that stops it.
   */
  drawIncident(mode: DrawMode, onChange: (corners: readonly [number, number][]) => void): () => void;
  /**
   * Shows a planning variant: its proposed buildings drawn, the buildings it removes hidden; null
   * shows the town as it is.
   */
  showScenario(
    view: { buildings: readonly ProposedBuilding[]; removedBuildingIds: readonly string[] } | null,
  ): void;
  /**
   * The compare swipe: two sides' proposed buildings left and right of the split, each side without
   * the buildings its variant removes; null ends it (and `showScenario`'s view comes back).
   */
  compareScenario(
    sides: {
      left: { buildings: readonly ProposedBuilding[]; removedBuildingIds: readonly string[] };
      right: { buildings: readonly ProposedBuilding[]; removedBuildingIds: readonly string[] };
    } | null,
  ): Promise<void>;
  /** Where the swipe splits the map, 0 (left edge) to 1 (right edge). */
  setSplitPosition(position: number): void;
  /** Draws a scenario's roads: closed ones, detours (none with an empty list). */
  showScenarioRoads(lines: readonly RoadLine[]): void;
  /** Marks comments at their 3D points (and only these). */
  showCommentMarkers(
    markers: readonly { id: string; position: readonly [number, number, number]; label: string }[],
  ): void;
  /**
   * Takes the next click on the map as a point in 3D (on a building's surface where the click hits
   * one, else on the ground); the map's own picking waits meanwhile. Returns the function that stops.
   */
  pickPoint(onPoint: (point: [number, number, number]) => void): () => void;
  /**
   * Lights the town as the sun stands at `epochMs`, with shadows cast by every building (the town's
   * and the proposed ones); null: back to the default light, no shadows.
   */
  setSunTime(epochMs: number | null): void;
  /** The map as it is now, as a PNG data URL (for reports). */
  snapshot(): string | null;
  /** Lays a heat map (a sun-hours study) on the ground; null removes it. */
  showGroundOverlay(overlay: GroundOverlay | null): void;
  /** Where the camera is now (for another window or a wall screen). */
  cameraView(): CameraView | null;
  /** Moves the camera to a view, in a flight of `durationS` (0: at once). */
  setCameraView(view: CameraView, durationS?: number): void;
  /** Shows the basemap `id` of the town's map setup. */
  setBasemap(id: string): Promise<void>;
  /** The basemap shown, null when the town offers none. */
  basemapId(): string | null;
  /**
   * Creates the measuring tool on this map, off until a mode is chosen; while it measures, clicks are
   * its points and the map's own picking waits. The caller destroys it.
   */
  startMeasuring(onChange?: (state: MeasureToolState) => void): MeasureToolHandle;
  /** Unbinds the layers and destroys the viewer. */
  destroy(): void;
}

/** The pack's own map: its vector tiles drawn in a worker in the chosen style. */
const createPackBasemap: PackBasemapFactory = (url, style) => createPackBasemapProvider({ url, style });

/** Seconds of the camera flights. */
const FLIGHT_S = 1.6;
/** Distance and pitch of the camera when flying to a sensor. */
const SENSOR_RANGE_M = 420;
const SENSOR_PITCH_DEG = -35;

function whenSnapshotArrives(live: LiveStore): Promise<void> {
  return new Promise((resolve) => {
    if (live.getSnapshot().state) return resolve();
    const stop = live.subscribe(() => {
      if (live.getSnapshot().state) {
        stop();
        resolve();
      }
    });
  });
}

/** Creates the map in `options.container` and binds the catalog's layers to it. */
export function createCityViewer(options: CityViewerOptions): CityViewer {
  const { info, layers, live, probe } = options;
  const viewer = createCesiumViewer(options.container, info.city.attribution, terrainOf(info.map));
  const scene = viewer.scene;
  let destroyed = false;
  const requestRender = () => {
    if (!destroyed) scene.requestRender();
  };

  const ground = createMapGround(viewer, info.map, createPackBasemap, requestRender);
  const firstBasemap = initialBasemapId(info.map, options.basemapId ?? null);
  if (firstBasemap !== null) {
    ground
      .setBasemap(firstBasemap)
      .catch((error: unknown) => console.error(`[viewer] basemap ${firstBasemap} failed`, error));
  }

  probe.groundReadyAtMs = null;
  const removeRenderCount = scene.postRender.addEventListener(() => {
    probe.renderCount += 1;
    probe.firstFrameAtMs ??= performance.now();
    if (probe.ready && probe.groundReadyAtMs === null && scene.globe.tilesLoaded)
      probe.groundReadyAtMs = performance.now();
  });
  probe.groundLoaded = () => !destroyed && scene.globe.tilesLoaded;
  // Streaming counts are per map: a new town starts from zero.
  probe.tiles = createTileStreamingProbe();

  // Live changes reach the layers once per animation frame: Cesium raises preUpdate at the start
  // of every frame of its render loop, also of frames it then does not render.
  const liveFrames = new LiveFrames(live, options.i18n, options.subscribeTick, (report) => {
    probe.lastFrameApplyMs = report.ms;
    probe.frameBatches += 1;
  });
  const removeFlush = scene.preUpdate.addEventListener(() => liveFrames.flush());

  const groundHeights = createGroundHeights(scene);
  probe.groundHeightsAt = (places) => groundHeights.heightsAt(places);
  const context: CesiumLayerContext = {
    viewer,
    ground: groundHeights,
    info,
    sensors: options.sensors,
    live,
    i18n: options.i18n,
    liveFrames,
    featureColors: new FeatureColorRegistry(cesiumColor(BUILDING_COLOR_CSS), requestRender),
    fetchFn: options.fetchFn ?? ((input, init) => fetch(input, init)),
    requestRender,
    nowServerMs: () => live.nowServerMs(performance.now()),
    mapTime: options.mapTime ?? {
      nowMs: () => live.nowServerMs(performance.now()) ?? Date.now(),
      subscribe: () => () => undefined,
    },
  };

  const tilesets: BuildingsCesiumImpl[] = [];
  /** Every buildings tileset, shown or not (the compare swipe splits them all). */
  const buildingTilesets: BuildingsCesiumImpl[] = [];
  const env: CesiumLayerEnv = {
    tileSettings: options.tileSettings ?? TILE_SETTINGS.public,
    tileProbe: probe.tiles,
    onBuildings(tileset, visible) {
      if (visible) tilesets.push(tileset);
      buildingTilesets.push(tileset);
    },
  };

  /** The layers bound to this map; a layer added later is bound when it comes. */
  const bound = new Set<LayerModel>();
  let stopAdditions = () => undefined as void;
  async function bindAdded(): Promise<void> {
    const fresh = layers.layers.filter((l) => !bound.has(l) && !l.isDestroyed);
    if (fresh.length === 0) return;
    for (const layer of fresh) bound.add(layer);
    const bindings = await loadBindings(
      fresh.map((l) => l.entry),
      context,
      env,
    );
    if (destroyed) return;
    for (const layer of fresh) {
      if (layer.isDestroyed) continue;
      layer.bind(bindings.create({ ...layer.entry, visible: layer.visible }));
    }
  }

  // The globe's first frame comes first, then the layers: their labels, points and lines and the
  // tileset make the first frame several times heavier, and nothing of them could be shown before
  // their data arrived anyway. They are bound in the task after that frame, once the code of their
  // types has arrived.
  async function bindLayers(): Promise<void> {
    const bindings = await loadBindings(
      layers.layers.map((l) => l.entry),
      context,
      env,
    );
    if (destroyed) return;
    for (const layer of layers.layers) {
      // The tileset is counted as shown when its layer is (its entry says how the pack starts).
      layer.bind(bindings.create({ ...layer.entry, visible: layer.visible }));
      bound.add(layer);
    }
    stopAdditions = layers.subscribe(() => {
      bindAdded().catch((error: unknown) =>
        console.error('[viewer] an added layer could not be bound', error),
      );
    });

    // Ready: the visible layers are loaded, the tileset shows its first view and the first snapshot
    // arrived; then one more frame puts it all on screen.
    const visibleActivations = layers.layers
      .filter((l) => l.visible)
      .map((l) =>
        l.activate().catch((error: unknown) => console.error(`[viewer] layer ${l.id} failed to load`, error)),
      );
    await Promise.all([
      ...visibleActivations,
      ...tilesets.map((t) => t.initialTilesLoaded),
      // A pack without live layers (an imported model) never gets a snapshot; it is ready without one.
      layers.liveKinds().length > 0 ? whenSnapshotArrives(live) : Promise.resolve(),
    ]);
    if (destroyed) return;
    const removeReady = scene.postRender.addEventListener(() => {
      removeReady();
      if (!destroyed) probe.ready = true;
    });
    requestRender();
  }
  let bindTimer: ReturnType<typeof setTimeout> | undefined;
  const removeFirstFrame = scene.postRender.addEventListener(() => {
    removeFirstFrame();
    bindTimer = setTimeout(() => {
      bindTimer = undefined;
      if (!destroyed)
        bindLayers().catch((error: unknown) =>
          console.error('[viewer] the layers could not be bound', error),
        );
    }, 0);
  });
  requestRender();

  function flyHome(durationS = FLIGHT_S): void {
    const home = info.city.homeView;
    viewer.camera.flyTo({
      destination: Cartesian3.fromDegrees(home.lon, home.lat, home.heightM),
      orientation: {
        heading: CesiumMath.toRadians(home.headingDeg),
        pitch: CesiumMath.toRadians(home.pitchDeg),
        roll: 0,
      },
      duration: durationS,
    });
  }

  function pickAt(position: Cartesian2): MapPick | null {
    const picked: unknown = scene.pick(position);
    if (picked instanceof Cesium3DTileFeature) {
      const buildingId = buildingIdOf(picked.getProperty(BUILDING_ID_PROPERTY));
      if (!buildingId) return null;
      const sensor = options.sensors.boundTo('building', buildingId);
      return sensor
        ? { kind: 'sensor', sensorId: sensor.id }
        : { kind: 'building', buildingId, properties: buildingPropertiesOf(picked) };
    }
    if (typeof picked === 'object' && picked !== null) {
      const sensorId = sensorIdFromPickId((picked as { id?: unknown }).id);
      return sensorId === null ? null : { kind: 'sensor', sensorId };
    }
    return null;
  }

  const reportView = () => {
    if (destroyed || !options.onViewChanged) return;
    const rectangle = viewer.camera.computeViewRectangle();
    options.onViewChanged(
      rectangle
        ? {
            west: CesiumMath.toDegrees(rectangle.west),
            south: CesiumMath.toDegrees(rectangle.south),
            east: CesiumMath.toDegrees(rectangle.east),
            north: CesiumMath.toDegrees(rectangle.north),
          }
        : null,
    );
  };
  const stopViewReports = viewer.camera.moveEnd.addEventListener(reportView);

  const clicks = new ScreenSpaceEventHandler(scene.canvas);
  const incidentsOnMap = createIncidentsOnMap(scene, requestRender);
  const scenarioOnMap = createScenarioOnMap(scene, requestRender);
  let lastScenario: { buildings: readonly ProposedBuilding[]; removedBuildingIds: readonly string[] } | null =
    null;
  let featureInfoAbort: AbortController | null = null;
  /** Feature info for a click that hit no sensor or building: a drawn feature, or the WMS layers. */
  function featureInfoFor(position: Cartesian2): void {
    const report = options.onFeatureInfo;
    if (!report) return;
    featureInfoAbort?.abort();
    featureInfoAbort = null;
    const picked = (scene.pick(position) as { id?: unknown } | undefined)?.id as
      Partial<VectorPickTag> | undefined;
    if (picked && typeof picked.citytwinFeatureId === 'string' && picked.properties) {
      const properties = Object.entries(picked.properties)
        .filter(([, v]) => v !== null && v !== undefined && typeof v !== 'object')
        .map(([k, v]) => [k, String(v)] as const);
      const name = properties.find(([k]) => /^(name|title|titel|bezeichnung)$/i.test(k))?.[1] ?? null;
      const where = scene.camera.pickEllipsoid(position, scene.globe.ellipsoid);
      const at = where ? Cartographic.fromCartesian(where) : null;
      report({
        lonLat: at ? [CesiumMath.toDegrees(at.longitude), CesiumMath.toDegrees(at.latitude)] : [0, 0],
        failed: [],
        results: [
          {
            layerId: '',
            layerTitle:
              picked.layerTitle?.[options.i18n.getTranslator().locale] ??
              options.i18n.getTranslator().t('featureInfo.drawn'),
            serviceTitle: null,
            features: [{ title: name, properties }],
          },
        ],
      });
      return;
    }
    const entries = layers.layers.map((l) => l.entry);
    const visible = (id: string) => layers.get(id)?.visible ?? false;
    if (!entries.some((e) => e.type === 'wms' && e.featureInfo && visible(e.id))) {
      report(null);
      return;
    }
    const abort = new AbortController();
    featureInfoAbort = abort;
    report('asking');
    featureInfoAtScreen(viewer, position.x, position.y, entries, visible, {
      fetchFn: context.fetchFn,
      language: options.i18n.getTranslator().locale,
      mapTimeMs: context.mapTime.nowMs(),
      signal: abort.signal,
    }).then(
      (answer) => {
        if (!abort.signal.aborted && !destroyed) report(answer);
      },
      (error: unknown) => {
        if (abort.signal.aborted || destroyed) return;
        console.warn('[viewer] feature info failed', error);
        report(null);
      },
    );
  }
  clicks.setInputAction((event: ScreenSpaceEventHandler.PositionedEvent) => {
    // While an incident is drawn, clicks are its corners.
    if (incidentsOnMap.drawing) return;
    const pick = pickAt(event.position);
    options.onPick(pick);
    if (pick === null) featureInfoFor(event.position);
    else options.onFeatureInfo?.(null);
  }, ScreenSpaceEventType.LEFT_CLICK);

  // Start above the city and fly in: the tiles of the home view load while the camera moves.
  const home = info.city.homeView;
  viewer.camera.setView({
    destination: Cartesian3.fromDegrees(home.lon, home.lat, Math.max(home.heightM * 8, 8000)),
  });
  flyHome(2.2);

  probe.screenPositionOf = ([lon, lat, heightM]) => {
    if (destroyed) return null;
    const window = SceneTransforms.worldToWindowCoordinates(scene, Cartesian3.fromDegrees(lon, lat, heightM));
    return window ? [window.x, window.y] : null;
  };

  probe.setView = (view) => {
    if (destroyed) return;
    viewer.camera.setView({
      destination: Cartesian3.fromDegrees(view.lon, view.lat, view.heightM),
      orientation: {
        heading: CesiumMath.toRadians(view.headingDeg),
        pitch: CesiumMath.toRadians(view.pitchDeg),
        roll: 0,
      },
    });
    requestRender();
  };

  function cameraView(): CameraView | null {
    if (destroyed) return null;
    const at = viewer.camera.positionCartographic;
    // Rounded to what a screen can show: a centimetre, a hundredth of a degree of orientation.
    const round = (value: number, digits: number) => Number(value.toFixed(digits));
    return {
      lon: round(CesiumMath.toDegrees(at.longitude), 7),
      lat: round(CesiumMath.toDegrees(at.latitude), 7),
      heightM: round(at.height, 2),
      headingDeg: round(CesiumMath.toDegrees(viewer.camera.heading), 2),
      pitchDeg: round(CesiumMath.clamp(CesiumMath.toDegrees(viewer.camera.pitch), -90, 90), 2),
      rollDeg: round(CesiumMath.toDegrees(viewer.camera.roll), 2),
    };
  }
  probe.cameraView = cameraView;
  probe.pickIdAt = (x, y) => {
    if (destroyed) return null;
    const picked: unknown = scene.pick(new Cartesian2(x, y));
    if (picked instanceof Cesium3DTileFeature) {
      const id = buildingIdOf(picked.getProperty(BUILDING_ID_PROPERTY));
      return id === null ? null : `building:${id}`;
    }
    const id = (picked as { id?: unknown } | undefined)?.id;
    return typeof id === 'string' ? id : null;
  };

  return {
    flyHome,
    cameraView,
    setBasemap: (id) => (destroyed ? Promise.resolve() : ground.setBasemap(id)),
    basemapId: () => ground.basemapId,
    setCameraView(view, durationS = FLIGHT_S) {
      if (destroyed) return;
      const destination = Cartesian3.fromDegrees(view.lon, view.lat, view.heightM);
      const orientation = {
        heading: CesiumMath.toRadians(view.headingDeg),
        pitch: CesiumMath.toRadians(view.pitchDeg),
        roll: CesiumMath.toRadians(view.rollDeg),
      };
      if (durationS <= 0) {
        viewer.camera.cancelFlight();
        viewer.camera.setView({ destination, orientation });
        requestRender();
        reportView();
      } else viewer.camera.flyTo({ destination, orientation, duration: durationS });
    },
    flyToSensor(sensorId) {
      const sensor = options.sensors.byId(sensorId);
      if (!sensor || destroyed) return;
      const [lon, lat, heightM] = sensor.position;
      viewer.camera.flyToBoundingSphere(new BoundingSphere(Cartesian3.fromDegrees(lon, lat, heightM), 40), {
        offset: new HeadingPitchRange(
          viewer.camera.heading,
          CesiumMath.toRadians(SENSOR_PITCH_DEG),
          SENSOR_RANGE_M,
        ),
        duration: FLIGHT_S,
      });
    },
    setBuildingColorMode(mode) {
      if (!destroyed) context.featureColors.setBaseColorOf(buildingBaseColorOf(mode));
    },
    setHighlightedBuilding(buildingId) {
      if (!destroyed) context.featureColors.setHighlight(buildingId, buildingHighlightColor());
    },
    flyToPlace(lon, lat) {
      if (destroyed) return;
      // The ground there as the globe shows it now (0 on the ellipsoid, the terrain's tile where the
      // town has terrain): close enough for a view from 600 m, and known without waiting.
      const groundM = scene.globe.getHeight(Cartographic.fromDegrees(lon, lat)) ?? 0;
      viewer.camera.flyToBoundingSphere(new BoundingSphere(Cartesian3.fromDegrees(lon, lat, groundM), 60), {
        offset: new HeadingPitchRange(
          viewer.camera.heading,
          CesiumMath.toRadians(SENSOR_PITCH_DEG),
          SENSOR_RANGE_M * 1.5,
        ),
        duration: FLIGHT_S,
      });
    },
    showScenario(view) {
      if (destroyed) return;
      lastScenario = view;
      scenarioOnMap.show(view?.buildings ?? []);
      context.featureColors.setHidden(view?.removedBuildingIds ?? []);
    },
    async compareScenario(sides) {
      if (destroyed) return;
      if (!sides) {
        await Promise.all([
          scenarioOnMap.showCompare(null),
          ...buildingTilesets.map((t) => t.compareSides(null)),
        ]);
        scenarioOnMap.show(lastScenario?.buildings ?? []);
        context.featureColors.setHidden(lastScenario?.removedBuildingIds ?? []);
        return;
      }
      scenarioOnMap.show([]);
      // Each side of the split without the buildings its variant removes.
      const removed = { left: sides.left.removedBuildingIds, right: sides.right.removedBuildingIds };
      await Promise.all([
        scenarioOnMap.showCompare({ left: sides.left.buildings, right: sides.right.buildings }),
        ...buildingTilesets.map((t) => t.compareSides(removed)),
      ]);
    },
    setSplitPosition(position) {
      if (!destroyed) scenarioOnMap.setSplitPosition(position);
    },
    showScenarioRoads(lines) {
      if (!destroyed) scenarioOnMap.showRoads(lines);
    },
    showCommentMarkers(markers) {
      if (!destroyed) scenarioOnMap.showMarkers(markers);
    },
    pickPoint(onPoint) {
      if (destroyed) return () => undefined;
      // A one-point drawing: it keeps the map's picking off while the click is awaited, and picks a
      // building's surface, else the terrain, else the ellipsoid, with the height found there.
      let stopped = false;
      const stop = incidentsOnMap.draw('Point', (corners, heightsM) => {
        const corner = corners[0];
        if (stopped || !corner) return;
        stopped = true;
        stop();
        onPoint([corner[0], corner[1], Number((heightsM[0] ?? 0).toFixed(2))]);
      });
      return () => {
        if (stopped) return;
        stopped = true;
        stop();
      };
    },
    setSunTime(epochMs) {
      if (destroyed) return;
      if (epochMs === null) {
        viewer.shadows = false;
        viewer.clock.currentTime = JulianDate.now();
      } else {
        viewer.clock.shouldAnimate = false;
        viewer.clock.currentTime = JulianDate.fromDate(new Date(epochMs));
        viewer.shadows = true;
        viewer.shadowMap.softShadows = true;
        viewer.shadowMap.maximumDistance = 3000;
      }
      requestRender();
    },
    snapshot() {
      if (destroyed) return null;
      // Drawn now and read in the same task, before the browser clears the drawing buffer.
      viewer.render();
      return viewer.canvas.toDataURL('image/png');
    },
    showGroundOverlay(overlay) {
      if (!destroyed) scenarioOnMap.showOverlay(overlay);
    },
    showIncidents(incidents) {
      if (!destroyed) incidentsOnMap.show(incidents);
    },
    drawIncident(mode, onChange) {
      return destroyed ? () => undefined : incidentsOnMap.draw(mode, onChange);
    },
    startMeasuring(onChange = () => undefined) {
      const appClick = clicks.getInputAction(ScreenSpaceEventType.LEFT_CLICK);
      return createMeasureTool(viewer, requestRender, onChange, {
        label: (result) => measureLabel(result, options.i18n.getTranslator()),
        // The map's own click action is taken off while measuring and put back after.
        onActiveChange: (active) => {
          if (destroyed) return;
          if (active) clicks.removeInputAction(ScreenSpaceEventType.LEFT_CLICK);
          else if (appClick) clicks.setInputAction(appClick, ScreenSpaceEventType.LEFT_CLICK);
        },
      });
    },
    destroy() {
      if (destroyed) return;
      destroyed = true;
      // The probe outlives the viewer (switching town builds a new one); it is not ready until then.
      probe.ready = false;
      probe.setView = null;
      probe.screenPositionOf = null;
      probe.cameraView = undefined;
      probe.pickIdAt = undefined;
      probe.groundLoaded = undefined;
      probe.groundHeightsAt = undefined;
      ground.destroy();
      stopAdditions();
      removeFirstFrame();
      if (bindTimer !== undefined) clearTimeout(bindTimer);
      for (const layer of bound) layer.unbind();
      removeFlush();
      liveFrames.destroy();
      groundHeights.destroy();
      featureInfoAbort?.abort();
      clicks.destroy();
      stopViewReports();
      removeRenderCount();
      viewer.destroy();
    },
  };
}
