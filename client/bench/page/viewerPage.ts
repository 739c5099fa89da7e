/**
 * The page of `npm run bench:viewer` that measures live updates (`client/bench/viewerBench.ts` drives
 * it through `window.__viewerBench`). It holds one Cesium viewer, made by the app's own
 * `createCesiumViewer`, and builds one of two scenes of environment stations on it:
 *
 * - `markers`: the app's real path. A `LiveStore` gets a snapshot and then compact wire diffs as
 *   they come off the socket; `LiveFrames` hands each frame's changes to the real environment layer
 *   (`createEnvironmentCesiumImpl`: one PointPrimitiveCollection, per-point colours).
 * - `entities`: the same store and the same diffs, but each station is a Cesium Entity with a point,
 *   and a frame's changes are written to the entities' `point.color`, as an app built on the Entity
 *   API would.
 *
 * A measurement applies one diff of `count` stations (colours change: each value moves to another
 * air-quality band) with Cesium's own render loop stopped, so every millisecond is counted where it
 * is spent: decoding and applying the diff to the live state, the layer's update, (for entities) the
 * display update. The frame that shows it, and one with nothing changed, are rendered by separate
 * calls, so the driver can take their main thread's CPU time (software WebGL makes their wall time
 * mostly the GPU's).
 */
import {
  Cartesian3,
  Color,
  ColorMaterialProperty,
  ConstantProperty,
  Entity,
  GeoJsonDataSource,
  Primitive,
  HeadingPitchRange,
  JulianDate,
  BoundingSphere,
  Math as CesiumMath,
  PointPrimitiveCollection,
  type Viewer,
} from 'cesium';
import {
  encodeDiff,
  SensorSchema,
  type Sensor,
  type SensorState,
  type Snapshot,
  type WireDiff,
} from '../../../protocol/index.ts';
import { createI18nStore } from '../../src/i18n/i18nStore.ts';
import { createEnvironmentCesiumImpl } from '../../src/layers/types/live/environment/environmentCesiumImpl.ts';
import {
  environmentCategory,
  environmentColor,
  mainQuantity,
} from '../../src/layers/types/live/environment/environmentLayer.ts';
import { LiveStore } from '../../src/live/liveStore.ts';
import { displayFreshness } from '../../src/sensors/freshness.ts';
import { createSensorIndex } from '../../src/sensors/sensorIndex.ts';
import { cesiumColor } from '../../src/viewer/cesiumColor.ts';
import { createCesiumViewer } from '../../src/viewer/createCesiumViewer.ts';
import { FeatureColorRegistry } from '../../src/viewer/featureColorRegistry.ts';
import type { CesiumLayerContext } from '../../src/viewer/layerContext.ts';
import { LiveFrames } from '../../src/viewer/liveFrames.ts';
import type { LayerImplementation } from '../../src/layers/layerModel.ts';
import type { CityFeature } from '../../src/geo/geojson.ts';
import { createVectorCesiumImpl } from '../../src/layers/types/geojson/vectorCesiumImpl.ts';
import { createGroundHeights } from '../../src/viewer/groundHeight.ts';
import type { VectorStyle } from '../../../protocol/index.ts';
import type { CityInfo } from '../../../protocol/index.ts';

/** The town the stations are spread over (Böblingen), degrees. */
const WEST = 8.98;
const SOUTH = 48.66;
const SIZE_DEG = 0.06;
/** Report interval of the stations: 15 min, so nothing turns stale during a run. */
const INTERVAL_MS = 15 * 60_000;
/** NO₂ values, one in each band (good, moderate, high, very high), that updates cycle through. */
const BAND_VALUES = [20, 60, 150, 250];

export type SceneKind = 'markers' | 'entities';

/** One update's main-thread times, measured in the page (pure JavaScript, no waiting on the GPU). */
export interface UpdateFigures {
  readonly stations: number;
  readonly updated: number;
  /** Decoding the wire diff and applying it to the live state (the store, not a layer). */
  readonly storeMs: number;
  /** The layer's update of its primitives (markers) or of the entities' properties (entities). */
  readonly layerMs: number;
  /** The entities' DataSourceDisplay update that turns properties into primitives (0 for markers). */
  readonly displayMs: number;
  /** The same display update right after, with nothing changed (0 for markers). */
  readonly idleDisplayMs: number;
}

export interface ResponsivenessFigures {
  readonly stations: number;
  readonly updatesPerS: number;
  readonly seconds: number;
  readonly frames: number;
  /** Main-thread time of each rendered frame (Cesium's preUpdate to postRender), ms. */
  readonly frameMsP50: number;
  readonly frameMsP95: number;
  readonly frameMsMax: number;
  /** Main-thread time of each second's diff (decode and apply), ms. */
  readonly applyMsMax: number;
  /** Longest main-thread task seen (PerformanceObserver `longtask`, tasks of 50 ms and more). */
  readonly longestTaskMs: number;
  readonly longTasks: number;
}

interface BenchScene {
  readonly kind: SceneKind;
  readonly stations: number;
  readonly live: LiveStore;
  readonly frames: LiveFrames;
  readonly sensors: readonly Sensor[];
  readonly indexOf: ReadonlyMap<string, number>;
  /** The colour each station's point has on screen now. */
  colorOf(index: number): Color | undefined;
  destroy(): void;
}

declare global {
  interface Window {
    __viewerBench?: {
      setup(kind: SceneKind, stations: number): Promise<{ setupMs: number }>;
      /** Applies a diff of `count` stations to the live state (the socket's message task). */
      receive(count: number): void;
      /** The next animation frame's update of the layers (Cesium's own loop is stopped). */
      update(count: number): UpdateFigures;
      /** Renders one frame now (Cesium's own loop is stopped). */
      render(): void;
      /** How many of the last update's stations show the colour of their new value. */
      check(): number;
      responsiveness(updatesPerS: number, seconds: number): Promise<ResponsivenessFigures>;
      /** A GeoJSON layer of `count` parcels: the app's binding (`primitives`) or GeoJsonDataSource. */
      setupGeojson(kind: GeojsonSceneKind, count: number): Promise<GeojsonSetupFigures>;
      /** Moves the camera a little and renders one frame, as a frame of panning does. */
      panFrame(): number;
    };
  }
}

const viewer: Viewer = createCesiumViewer(document.getElementById('map') as HTMLElement);
viewer.useDefaultRenderLoop = false;
const scene = viewer.scene;
let current: BenchScene | null = null;
let round = 0;

function stationSensors(count: number): Sensor[] {
  const template = SensorSchema.parse({
    id: 'env-000000',
    kind: 'environment',
    name: 'Station',
    position: [WEST, SOUTH, 300],
    object: { type: 'site', id: 'env-000000' },
    quantities: ['no2UgM3'],
    intervalMs: INTERVAL_MS,
    attributes: {},
  });
  const side = Math.ceil(Math.sqrt(count));
  return Array.from({ length: count }, (_, i) => {
    const id = `env-${String(i).padStart(6, '0')}`;
    const lon = WEST + ((i % side) + 0.5) * (SIZE_DEG / side);
    const lat = SOUTH + (Math.floor(i / side) + 0.5) * (SIZE_DEG / side);
    return {
      ...template,
      id,
      name: `Station ${i}`,
      position: [lon, lat, 300],
      object: { type: 'site' as const, id },
    };
  });
}

function stateOf(sensor: Sensor, value: number, observedAt: number): SensorState {
  return {
    sensorId: sensor.id,
    observation: { sensorId: sensor.id, observedAt, values: { no2UgM3: value }, quality: 'good' },
    freshness: 'live',
  };
}

function lookAtTown(): void {
  const centre = Cartesian3.fromDegrees(WEST + SIZE_DEG / 2, SOUTH + SIZE_DEG / 2, 300);
  viewer.camera.viewBoundingSphere(
    new BoundingSphere(centre, 3500),
    new HeadingPitchRange(0, CesiumMath.toRadians(-50), 9000),
  );
}

/** The environment layer of the app on a context like the viewer's. */
function markerLayer(live: LiveStore, frames: LiveFrames, sensors: readonly Sensor[]): LayerImplementation {
  const i18n = createI18nStore();
  const context: CesiumLayerContext = {
    viewer,
    info: { city: { id: 'bench' }, layers: [], sensors } as unknown as CityInfo,
    sensors: createSensorIndex(sensors),
    live,
    i18n,
    liveFrames: frames,
    featureColors: new FeatureColorRegistry(Color.GRAY, () => scene.requestRender()),
    fetchFn: (input, init) => fetch(input, init),
    requestRender: () => scene.requestRender(),
    nowServerMs: () => live.nowServerMs(performance.now()),
    mapTime: { nowMs: () => Date.now(), subscribe: () => () => undefined },
    ground: createGroundHeights(scene),
  };
  return createEnvironmentCesiumImpl(context);
}

/** The Entity API's version: one Entity with a point per station, coloured the same way. */
function entityLayer(live: LiveStore, frames: LiveFrames, sensors: readonly Sensor[]) {
  const entities = sensors.map((sensor) =>
    viewer.entities.add(
      new Entity({
        id: sensor.id,
        position: Cartesian3.fromDegrees(sensor.position[0], sensor.position[1], sensor.position[2] + 3),
        point: {
          pixelSize: 16,
          color: cesiumColor(environmentColor('noData')),
          outlineColor: Color.WHITE,
          outlineWidth: 2,
          disableDepthTestDistance: Number.POSITIVE_INFINITY,
        },
      }),
    ),
  );
  const byId = new Map(sensors.map((sensor, i) => [sensor.id, i]));
  const update = (index: number) => {
    const sensor = sensors[index] as Sensor;
    const snapshot = live.getSnapshot();
    const state = snapshot.state?.sensors.get(sensor.id);
    const freshness = displayFreshness(
      state,
      sensor.intervalMs,
      live.nowServerMs(performance.now()),
      snapshot.connection === 'live',
    );
    const quantity = mainQuantity(sensor);
    const category = environmentCategory(
      sensor,
      quantity,
      state?.observation?.values[quantity] ?? null,
      freshness,
    );
    const point = (entities[index] as Entity).point;
    if (point) point.color = new ConstantProperty(cesiumColor(environmentColor(category)));
  };
  const stop = frames.add((all, changed) => {
    if (all) for (let i = 0; i < sensors.length; i++) update(i);
    else for (const id of changed) update(byId.get(id) as number);
  });
  return {
    entities,
    destroy() {
      stop();
      viewer.entities.removeAll();
    },
  };
}

async function setup(kind: SceneKind, stations: number): Promise<{ setupMs: number }> {
  const started = performance.now();
  current?.destroy();
  current = null;
  const sensors = stationSensors(stations);
  const live = new LiveStore();
  const frames = new LiveFrames(live, createI18nStore(), () => () => undefined);
  const indexOf = new Map(sensors.map((sensor, i) => [sensor.id, i]));
  let colorOf: (index: number) => Color | undefined;
  let destroy: () => void;
  if (kind === 'markers') {
    const layer = markerLayer(live, frames, sensors);
    await layer.load();
    layer.setVisible(true);
    let points: PointPrimitiveCollection | undefined;
    for (let i = 0; i < scene.primitives.length; i++) {
      const primitive: unknown = scene.primitives.get(i);
      if (primitive instanceof PointPrimitiveCollection) points = primitive;
    }
    if (!points) throw new Error('the environment layer made no points');
    const collection = points;
    colorOf = (index) => collection.get(index).color;
    destroy = () => layer.destroy();
  } else {
    const layer = entityLayer(live, frames, sensors);
    colorOf = (index) => layer.entities[index]?.point?.color?.getValue(JulianDate.now()) as Color | undefined;
    destroy = () => layer.destroy();
  }
  const now = Date.now();
  live.setConnection('live', null);
  const snapshot: Snapshot = {
    subscriptionId: `bench-${kind}-${stations}`,
    seq: 0,
    serverTimeMs: now,
    states: sensors.map((sensor, i) => stateOf(sensor, BAND_VALUES[i % BAND_VALUES.length] as number, now)),
  };
  round = 0;
  live.replaceState(snapshot, performance.now());
  frames.flush();
  lookAtTown();
  // Entities become primitives in the display update; let both scenes settle into full frames.
  for (let i = 0; i < 3; i++) {
    viewer.dataSourceDisplay.update(JulianDate.now());
    renderNow();
  }
  current = { kind, stations, live, frames, sensors, indexOf, colorOf, destroy };
  return { setupMs: performance.now() - started };
}

/** The diff of the next round: `count` stations from where the last one stopped, each one band on. */
function nextDiff(scene: BenchScene, count: number): { wire: WireDiff; expected: Map<number, number> } {
  round += 1;
  const now = Date.now();
  const expected = new Map<number, number>();
  const upserts: SensorState[] = [];
  for (let k = 0; k < count; k++) {
    const index = ((round - 1) * count + k) % scene.stations;
    const value = BAND_VALUES[(index + round) % BAND_VALUES.length] as number;
    expected.set(index, value);
    upserts.push(stateOf(scene.sensors[index] as Sensor, value, now));
  }
  const snapshotState = scene.live.getSnapshot().state;
  const wire = encodeDiff(
    {
      subscriptionId: snapshotState?.subscriptionId ?? '',
      seq: (snapshotState?.seq ?? 0) + 1,
      serverTimeMs: now,
      upserts,
      removed: [],
    },
    scene.indexOf,
  );
  return { wire, expected };
}

function bandColor(sensor: Sensor, value: number): Color {
  return cesiumColor(environmentColor(environmentCategory(sensor, mainQuantity(sensor), value, 'live')));
}

let lastExpected = new Map<number, number>();

let pendingStoreMs = 0;

/** Applies the next diff to the live state, as the socket's message event does. */
function receive(count: number): void {
  const bench = current;
  if (!bench) throw new Error('setup() first');
  const { wire, expected } = nextDiff(bench, count);
  lastExpected = expected;
  const t0 = performance.now();
  const outcome = bench.live.applyDiff(wire, t0);
  pendingStoreMs = performance.now() - t0;
  if (outcome.kind !== 'applied') throw new Error(`diff not applied: ${outcome.kind}`);
}

/** The animation frame's part: the layers take the changes (and entities their display update). */
function update(count: number): UpdateFigures {
  const bench = current;
  if (!bench) throw new Error('setup() first');
  const t1 = performance.now();
  bench.frames.flush();
  const t2 = performance.now();
  let displayMs = 0;
  let idleDisplayMs = 0;
  if (bench.kind === 'entities') {
    viewer.dataSourceDisplay.update(JulianDate.now());
    const t3 = performance.now();
    viewer.dataSourceDisplay.update(JulianDate.now());
    displayMs = t3 - t2;
    idleDisplayMs = performance.now() - t3;
  }
  return {
    stations: bench.stations,
    updated: count,
    storeMs: pendingStoreMs,
    layerMs: t2 - t1,
    displayMs,
    idleDisplayMs,
  };
}

function renderNow(): void {
  scene.requestRender();
  scene.render(JulianDate.now());
}

function check(): number {
  const bench = current;
  if (!bench) throw new Error('setup() first');
  let checked = 0;
  for (const [index, value] of lastExpected) {
    const shown = bench.colorOf(index);
    if (shown && shown.equals(bandColor(bench.sensors[index] as Sensor, value))) checked++;
  }
  return checked;
}

function quantile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

/**
 * The camera orbits the town with Cesium's own render loop on, while `updatesPerS` stations change
 * every second (one diff a second, as a 1 Hz kiosk gets them), for `seconds`.
 */
async function responsiveness(updatesPerS: number, seconds: number): Promise<ResponsivenessFigures> {
  const bench = current;
  if (!bench || bench.kind !== 'markers') throw new Error('setup("markers", n) first');
  const frameMs: number[] = [];
  const applyMs: number[] = [];
  let frameStart = 0;
  const longTasks: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) longTasks.push(entry.duration);
  });
  observer.observe({ type: 'longtask', buffered: false });
  const removePre = scene.preUpdate.addEventListener(() => {
    frameStart = performance.now();
    bench.frames.flush();
  });
  const removePost = scene.postRender.addEventListener(() => {
    frameMs.push(performance.now() - frameStart);
  });
  const centre = Cartesian3.fromDegrees(WEST + SIZE_DEG / 2, SOUTH + SIZE_DEG / 2, 300);
  const removeOrbit = scene.preRender.addEventListener(() => {
    viewer.camera.rotate(Cartesian3.normalize(centre, new Cartesian3()), CesiumMath.toRadians(0.5));
    scene.requestRender();
  });
  const feeder = setInterval(() => {
    const { wire } = nextDiff(bench, updatesPerS);
    const started = performance.now();
    bench.live.applyDiff(wire, started);
    applyMs.push(performance.now() - started);
  }, 1000);
  scene.requestRender();
  viewer.useDefaultRenderLoop = true;
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  viewer.useDefaultRenderLoop = false;
  clearInterval(feeder);
  removeOrbit();
  removePre();
  removePost();
  observer.disconnect();
  return {
    stations: bench.stations,
    updatesPerS,
    seconds,
    frames: frameMs.length,
    frameMsP50: quantile(frameMs, 0.5),
    frameMsP95: quantile(frameMs, 0.95),
    frameMsMax: Math.max(...frameMs),
    applyMsMax: Math.max(...applyMs),
    longestTaskMs: longTasks.length ? Math.max(...longTasks) : 0,
    longTasks: longTasks.length,
  };
}

export type GeojsonSceneKind = 'primitives' | 'entities';

export interface GeojsonSetupFigures {
  readonly features: number;
  /** From the features in memory to every feature drawn (workers included), ms. */
  readonly readyMs: number;
  readonly frames: number;
}

/** The style of the parcels: five land uses, each a fill and an outline. */
const PARCEL_STYLE: VectorStyle = {
  lineWidth: 1,
  byProperty: {
    property: 'use',
    values: {
      WA: { color: '#b5474b', fillColor: '#e8878a99' },
      MI: { color: '#8a5a2b', fillColor: '#c79a6b99' },
      GE: { color: '#5f5f5f', fillColor: '#a6a6a699' },
      SO: { color: '#2569a8', fillColor: '#2f86d699' },
      GR: { color: '#3f8a2f', fillColor: '#7cc46a99' },
    },
  },
};
const USES = ['WA', 'MI', 'GE', 'SO', 'GR'];

/**
 * `count` parcels (small rectangles with a gap between them) in a square over the town, with a
 * height, so the Entity API draws them as ordinary polygons with outlines, as the binding does.
 */
function parcelFeatures(count: number): CityFeature[] {
  const side = Math.ceil(Math.sqrt(count));
  const cell = SIZE_DEG / side;
  return Array.from({ length: count }, (_, i) => {
    const lon = WEST + (i % side) * cell;
    const lat = SOUTH + Math.floor(i / side) * cell * 0.66;
    const w = cell * 0.8;
    const h = cell * 0.66 * 0.8;
    const ring: [number, number, number][] = [
      [lon, lat, 0.3],
      [lon + w, lat, 0.3],
      [lon + w, lat + h, 0.3],
      [lon, lat + h, 0.3],
      [lon, lat, 0.3],
    ];
    return {
      id: `parcel-${i}`,
      properties: { use: USES[i % USES.length] as string },
      geometry: { type: 'Polygon', coordinates: [ring] },
    };
  });
}

let geojsonCleanup: (() => void) | null = null;
let panStep = 0;

async function setupGeojson(kind: GeojsonSceneKind, count: number): Promise<GeojsonSetupFigures> {
  current?.destroy();
  current = null;
  geojsonCleanup?.();
  geojsonCleanup = null;
  const features = parcelFeatures(count);
  const started = performance.now();
  let frames = 0;
  let ready: () => boolean;
  if (kind === 'primitives') {
    const live = new LiveStore();
    const context: CesiumLayerContext = {
      viewer,
      info: { city: { id: 'bench' }, layers: [], sensors: [] } as unknown as CityInfo,
      sensors: createSensorIndex([]),
      live,
      i18n: createI18nStore(),
      liveFrames: new LiveFrames(live, createI18nStore(), () => () => undefined),
      featureColors: new FeatureColorRegistry(Color.GRAY, () => scene.requestRender()),
      fetchFn: (input, init) => fetch(input, init),
      requestRender: () => scene.requestRender(),
      nowServerMs: () => Date.now(),
      mapTime: { nowMs: () => Date.now(), subscribe: () => () => undefined },
      ground: createGroundHeights(scene),
    };
    const layer = createVectorCesiumImpl(context, () => Promise.resolve(features), {
      opacity: 1,
      style: PARCEL_STYLE,
    });
    await layer.load();
    layer.setVisible(true);
    geojsonCleanup = () => layer.destroy();
    ready = () => {
      const primitives: Primitive[] = [];
      for (let i = 0; i < scene.primitives.length; i++) {
        const p: unknown = scene.primitives.get(i);
        if (p instanceof Primitive) primitives.push(p);
      }
      return primitives.length >= 2 && primitives.every((p) => p.ready);
    };
  } else {
    // What an app on the Entity API does: GeoJsonDataSource with the same colours per land use.
    const dataSource = await GeoJsonDataSource.load(
      {
        type: 'FeatureCollection',
        features: features.map((f) => ({
          type: 'Feature',
          id: f.id,
          properties: f.properties,
          geometry: f.geometry,
        })),
      },
      { strokeWidth: 1 },
    );
    const fills = new Map(
      Object.entries(PARCEL_STYLE.byProperty?.values ?? {}).map(([use, cls]) => [
        use,
        {
          fill: Color.fromCssColorString(cls.fillColor ?? '#888888'),
          line: Color.fromCssColorString(cls.color ?? '#444444'),
        },
      ]),
    );
    const now = JulianDate.now();
    for (const entity of dataSource.entities.values) {
      const colors = fills.get(String(entity.properties?.['use']?.getValue(now)));
      if (entity.polygon && colors) {
        entity.polygon.material = new ColorMaterialProperty(colors.fill);
        entity.polygon.outlineColor = new ConstantProperty(colors.line);
      }
    }
    await viewer.dataSources.add(dataSource);
    geojsonCleanup = () => {
      viewer.dataSources.removeAll(true);
    };
    ready = () => viewer.dataSourceDisplay.update(JulianDate.now());
  }
  lookAtTown();
  // Render until everything is drawn (the primitives build in Cesium's workers).
  const deadline = performance.now() + 600_000;
  for (;;) {
    viewer.dataSourceDisplay.update(JulianDate.now());
    renderNow();
    frames++;
    if (ready()) break;
    if (performance.now() > deadline) throw new Error(`${kind}: not drawn after 10 minutes`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const readyMs = performance.now() - started;
  for (let i = 0; i < 3; i++) {
    viewer.dataSourceDisplay.update(JulianDate.now());
    renderNow();
  }
  return { features: count, readyMs, frames };
}

/** One frame of panning: the camera moves 40 m (back and forth), the display updates, the scene renders. */
function panFrame(): number {
  const started = performance.now();
  panStep++;
  viewer.camera.moveRight(panStep % 20 < 10 ? 40 : -40);
  viewer.dataSourceDisplay.update(JulianDate.now());
  renderNow();
  return performance.now() - started;
}

window.__viewerBench = {
  setup,
  receive,
  update,
  render: renderNow,
  check,
  responsiveness,
  setupGeojson,
  panFrame,
};
