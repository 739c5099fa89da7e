/**
 * Streaming benchmark of the buildings tileset in the real viewer (`npm run bench:stream`; never part
 * of `npm test`): does a town of 50,000 buildings stream, or does the home view load all of it?
 *
 * For a synthetic town of 50,000 buildings, and as the baseline in the same run a town of 2,500, it
 * writes a city pack without live layers, builds its tileset with the real builder, serves it with
 * the real server (`createApp`, simulator off) and the built client, and opens it in headless
 * Chromium (SwiftShader). It then reads `window.__citytwin.tiles` and the GLB requests:
 *
 * - home view: time from navigation until the view is complete (an `allTilesLoaded` with nothing
 *   pending, then quiet), GLBs and bytes requested against all of the tileset;
 * - two street-level views, at the south-west corner looking north-east and at the north-east corner
 *   looking south-west: time until complete after the camera jumps there, GLBs requested;
 * - a 5 s quarter orbit around the town at the home view's distance: frames rendered and their mean
 *   interval (SwiftShader renders slowly; the figures compare the two towns, not GPUs);
 * - the page's JS heap (CDP `Performance.getMetrics`) after each step;
 * - a tour of the home view and street level at the four corners and the centre, twice: tile loads
 *   in the second lap, which only revisits places (target 0: the viewer profile's cache holds them).
 *
 * Each scenario prints one JSON line on stdout (DESIGN.md, "Commands"); progress goes to stderr.
 * `STREAM_BENCH_SCREENSHOTS=<folder>` saves a screenshot of every view.
 */
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { launchChromium } from '../../client/e2e/chromium.ts';
import type { CityTwinProbe, ProbeView } from '../../client/src/perfProbe.ts';
import { ensureClientBuilt } from '../../scripts/ensureBuilt.ts';
import { createApp } from '../../server/src/app.ts';
import { ConfigSchema } from '../../server/src/config.ts';
import { buildTileset, CONTENT_DIR } from '../src/buildTileset.ts';
import { createSyntheticBuildings } from '../src/syntheticBuildings.ts';
import { round, printBenchLine } from '../../scripts/benchLine.ts';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TOWN_BUILDINGS = 50_000;
const BASELINE_BUILDINGS = 2_500;
const CENTRE_LON_DEG = 9.015;
const CENTRE_LAT_DEG = 48.685;
/** Lot spacing of `createSyntheticBuildings` (its default); the town is `ceil(sqrt(n))` lots wide. */
const SPACING_M = 30;
const METRES_PER_DEGREE_LAT = 111_320;
/** Home view as the importer writes it: 1.2 x the extent high, 35 degrees down, from the south. */
const HOME_HEIGHT_PER_EXTENT = 1.2;
const HOME_PITCH_DEG = -35;
/** Street level: a few storeys above the roofs, looking along the town's diagonal. */
const STREET_HEIGHT_M = 60;
const STREET_PITCH_DEG = -12;
const VIEWPORT = { width: 1280, height: 720 };
const ORBIT_MS = 5000;
/** A view counts as complete when nothing was pending and no tile loaded for this long and this many frames. */
const QUIET_MS = 1500;
const QUIET_FRAMES = 4;
const SETTLE_TIMEOUT_MS = 150_000;
const MIB = 1024 * 1024;

/** Targets (stated in each line's `target`). */
const MAX_HOME_BYTES_PERCENT = 50;
const MAX_SETTLE_RATIO = 3;
const MIN_FRAME_RATIO = 0.5;

function log(message: string): void {
  process.stderr.write(`[bench:stream] ${message}\n`);
}

/** A town written as a pack and tiled. */
interface PreparedTown {
  readonly cityId: string;
  readonly buildings: number;
  readonly dataDir: string;
  readonly tilesDir: string;
  readonly home: ProbeView;
  readonly corners: readonly { readonly name: string; readonly view: ProbeView }[];
  /** The tour: the home view and street level at all four corners and the centre. */
  readonly tour: readonly { readonly name: string; readonly view: ProbeView }[];
  /** Orbit: centre and horizontal distance of the home view. */
  readonly orbit: { readonly lon: number; readonly lat: number; readonly distanceM: number };
  /** GLB size by content file name. */
  readonly glbBytes: ReadonlyMap<string, number>;
  readonly totalTiles: number;
  readonly buildMs: number;
}

const pretty = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

async function prepareTown(workDir: string, buildings: number): Promise<PreparedTown> {
  const cityId = `stream-${buildings}`;
  const dataDir = join(workDir, `data-${buildings}`);
  const tilesDir = join(workDir, `tiles-${buildings}`);
  const packDir = join(dataDir, cityId);
  await mkdir(packDir, { recursive: true });
  const synthetic = createSyntheticBuildings({
    count: buildings,
    seed: 20211,
    centreLonDeg: CENTRE_LON_DEG,
    centreLatDeg: CENTRE_LAT_DEG,
    spacingM: SPACING_M,
  });
  // City packs hold Polygons only (the server checks); the synthetic town's one MultiPolygon keeps
  // its first part.
  const collection: typeof synthetic = {
    ...synthetic,
    features: synthetic.features.map((feature) => {
      const geometry = feature.geometry;
      if (geometry?.type !== 'MultiPolygon') return feature;
      return {
        ...feature,
        geometry: { type: 'Polygon' as const, coordinates: geometry.coordinates[0] ?? [] },
      };
    }),
  };

  // Lots run from -columns/2 to +columns/2 spacings around the centre (plus one building width).
  const extentM = Math.ceil(Math.sqrt(buildings)) * SPACING_M;
  const metresPerDegreeLon = METRES_PER_DEGREE_LAT * Math.cos((CENTRE_LAT_DEG * Math.PI) / 180);
  const offset = (eastM: number, northM: number): { lon: number; lat: number } => ({
    lon: CENTRE_LON_DEG + eastM / metresPerDegreeLon,
    lat: CENTRE_LAT_DEG + northM / METRES_PER_DEGREE_LAT,
  });
  const homeHeightM = Math.round(extentM * HOME_HEIGHT_PER_EXTENT);
  const homeDistanceM = homeHeightM / Math.tan((-HOME_PITCH_DEG * Math.PI) / 180);
  const home: ProbeView = {
    ...offset(0, -homeDistanceM),
    heightM: homeHeightM,
    headingDeg: 0,
    pitchDeg: HOME_PITCH_DEG,
  };
  const half = extentM / 2;
  const corners = [
    {
      name: 'southWest',
      view: { ...offset(-half, -half), heightM: STREET_HEIGHT_M, headingDeg: 45, pitchDeg: STREET_PITCH_DEG },
    },
    {
      name: 'northEast',
      view: { ...offset(half, half), heightM: STREET_HEIGHT_M, headingDeg: 225, pitchDeg: STREET_PITCH_DEG },
    },
  ];

  const tour = [
    { name: 'home', view: home },
    ...corners,
    {
      name: 'southEast',
      view: { ...offset(half, -half), heightM: STREET_HEIGHT_M, headingDeg: 315, pitchDeg: STREET_PITCH_DEG },
    },
    {
      name: 'northWest',
      view: { ...offset(-half, half), heightM: STREET_HEIGHT_M, headingDeg: 135, pitchDeg: STREET_PITCH_DEG },
    },
    {
      name: 'centre',
      view: { ...offset(0, -half / 2), heightM: STREET_HEIGHT_M, headingDeg: 0, pitchDeg: STREET_PITCH_DEG },
    },
  ];

  const files = new Map<string, string>([
    [
      'city.json',
      pretty({
        id: cityId,
        name: `Stream bench ${buildings}`,
        synthetic: true,
        centre: [CENTRE_LON_DEG, CENTRE_LAT_DEG],
        homeView: home,
        crs: 'EPSG:4326',
        timezone: 'Europe/Berlin',
        attribution: 'Benchmark (synthetisch)',
      }),
    ],
    ['buildings.geojson', JSON.stringify(collection)],
    ['roads.geojson', pretty({ type: 'FeatureCollection', features: [] })],
    ['basins.geojson', pretty({ type: 'FeatureCollection', features: [] })],
    ['sensors.json', pretty({ sensors: [] })],
    [
      'layers.json',
      pretty({
        layers: [
          {
            id: 'buildings',
            type: 'tileset',
            title: { de: 'Gebäude', en: 'Buildings' },
            url: `/tiles/${cityId}/tileset.json`,
            visible: true,
          },
        ],
      }),
    ],
  ]);
  for (const [name, text] of files) await writeFile(join(packDir, name), text);

  const startedMs = performance.now();
  const result = await buildTileset({ buildings: collection, outDir: join(tilesDir, cityId), cityId });
  const buildMs = performance.now() - startedMs;
  const glbBytes = new Map<string, number>();
  const contentDir = join(tilesDir, cityId, CONTENT_DIR);
  for (const name of await readdir(contentDir)) {
    glbBytes.set(name, (await stat(join(contentDir, name))).size);
  }
  log(
    `${cityId}: built in ${(buildMs / 1000).toFixed(1)} s, ${result.contentCount} GLBs in ${result.tileCount} tiles, ` +
      `${(result.totalBytes / MIB).toFixed(1)} MiB`,
  );
  return {
    cityId,
    buildings,
    dataDir,
    tilesDir,
    home,
    corners,
    tour,
    orbit: { lon: CENTRE_LON_DEG, lat: CENTRE_LAT_DEG, distanceM: Math.hypot(homeDistanceM, homeHeightM) },
    glbBytes,
    totalTiles: result.tileCount,
    buildMs,
  };
}

/** What one view cost. */
interface ViewFigures {
  /** Milliseconds from the start (navigation, or the camera jump) until the view was complete. */
  readonly settleMs: number;
  /** GLBs requested for this view (not requested before). */
  readonly newGlbs: number;
  readonly newBytes: number;
  /** GLBs requested so far, this view included. */
  readonly totalGlbs: number;
  readonly totalBytes: number;
  readonly heapMiB: number;
  /** GPU/CPU memory of the loaded tiles, Cesium's `totalMemoryUsageInBytes`. */
  readonly contentMiB: number;
}

/** Figures of one town. */
interface TownFigures {
  readonly home: ViewFigures;
  readonly corners: readonly (ViewFigures & { readonly name: string })[];
  readonly orbit: {
    readonly frames: number;
    readonly meanFrameMs: number;
    readonly maxFrameMs: number;
    readonly tilesLoaded: number;
  };
  /**
   * Two laps of a tour of the home view and both street corners; the second lap revisits places the
   * first loaded. Tile loads and unloads (dropped from the cache) per lap.
   */
  readonly tour: readonly { readonly loads: number; readonly unloads: number; readonly settleMs: number }[];
  readonly failedTiles: number;
  readonly finalHeapMiB: number;
}

type ProbeWindow = Window & { __citytwin?: CityTwinProbe };

/** Saves a screenshot to look at when `STREAM_BENCH_SCREENSHOTS` names a folder. */
async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.STREAM_BENCH_SCREENSHOTS;
  if (!dir) return;
  await mkdir(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`) });
}

async function readProbe(
  page: Page,
): Promise<{ tiles: CityTwinProbe['tiles']; renderCount: number; nowMs: number }> {
  return page.evaluate(() => {
    const probe = (window as ProbeWindow).__citytwin;
    if (!probe) throw new Error('no window.__citytwin');
    return { tiles: { ...probe.tiles }, renderCount: probe.renderCount, nowMs: performance.now() };
  });
}

/**
 * Waits until the view is complete: nothing pending and no tile loaded for {@link QUIET_MS}. Returns
 * the page time of the last `allTilesLoaded` after `sinceAllLoaded`, or null when the view needed
 * nothing new (CesiumJS raises the event only after loading something).
 *
 * The camera is set to `view` again at every poll: that asks for a frame without moving. After a
 * jump, CesiumJS holds tile requests back while the camera's last movement is large
 * (`cullRequestsWhileMoving`), and in request-render mode no further frame would come to send them.
 */
async function waitSettled(
  page: Page,
  sinceAllLoaded: number,
  label: string,
  view: ProbeView,
): Promise<number | null> {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  let last = await readProbe(page);
  let quietSinceMs = Date.now();
  let quietSinceFrame = last.renderCount;
  for (;;) {
    await page.waitForTimeout(250);
    await page.evaluate((again) => (window as ProbeWindow).__citytwin?.setView?.(again), view);
    const now = await readProbe(page);
    const idle =
      now.tiles.pendingRequests === 0 &&
      now.tiles.processing === 0 &&
      now.tiles.loaded === last.tiles.loaded &&
      now.tiles.allLoadedCount === last.tiles.allLoadedCount;
    if (!idle) {
      quietSinceMs = Date.now();
      quietSinceFrame = now.renderCount;
    }
    last = now;
    // Quiet for a while and for a few frames: SwiftShader frames can take longer than QUIET_MS, and
    // CesiumJS sends requests only from a frame.
    if (Date.now() - quietSinceMs >= QUIET_MS && now.renderCount - quietSinceFrame >= QUIET_FRAMES) {
      return now.tiles.allLoadedCount > sinceAllLoaded ? now.tiles.lastAllLoadedAtMs : null;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${label}: not complete after ${SETTLE_TIMEOUT_MS / 1000} s (${JSON.stringify(now.tiles)})`,
      );
    }
  }
}

async function measureTown(town: PreparedTown): Promise<TownFigures> {
  const config = ConfigSchema.parse({
    port: 0,
    host: '127.0.0.1',
    city: town.cityId,
    dataDir: town.dataDir,
    tilesDir: town.tilesDir,
    clientDir: join(REPO_ROOT, 'client', 'dist'),
    logLevel: 'warn',
    simulator: { enabled: false },
  });
  const app = await createApp(config, { rootDir: REPO_ROOT, history: null });
  const port = await app.listen();
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: VIEWPORT });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const requested = new Set<string>();
    const contentPrefix = `/tiles/${town.cityId}/${CONTENT_DIR}/`;
    page.on('request', (request) => {
      const { pathname } = new URL(request.url());
      if (pathname.startsWith(contentPrefix)) requested.add(pathname.slice(contentPrefix.length));
    });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const heapMiB = async (): Promise<number> => {
      const { metrics } = await cdp.send('Performance.getMetrics');
      const used = metrics.find((metric) => metric.name === 'JSHeapUsedSize')?.value ?? Number.NaN;
      return round(used / MIB, 1);
    };
    const bytesOf = (names: Iterable<string>): number => {
      let sum = 0;
      for (const name of names) sum += town.glbBytes.get(name) ?? 0;
      return sum;
    };
    let seen = new Set<string>();
    const viewFigures = async (settleMs: number): Promise<ViewFigures> => {
      const fresh = [...requested].filter((name) => !seen.has(name));
      seen = new Set(requested);
      const { tiles } = await readProbe(page);
      return {
        settleMs: round(settleMs),
        newGlbs: fresh.length,
        newBytes: bytesOf(fresh),
        totalGlbs: requested.size,
        totalBytes: bytesOf(requested),
        heapMiB: await heapMiB(),
        contentMiB: round(tiles.contentBytes / MIB, 1),
      };
    };

    await page.goto(`http://127.0.0.1:${port}/`, { waitUntil: 'load' });
    await page.waitForFunction(() => (window as ProbeWindow).__citytwin?.ready === true, undefined, {
      timeout: SETTLE_TIMEOUT_MS,
      polling: 250,
    });
    // The app flies in to the home view (2.2 s); jump there too so the last view is the home view.
    await page.waitForTimeout(2500);
    await page.evaluate((view) => (window as ProbeWindow).__citytwin?.setView?.(view), town.home);
    const homeDoneMs = await waitSettled(page, 0, `${town.cityId} home`, town.home);
    await screenshot(page, `${town.cityId}-home`);
    if (homeDoneMs === null) throw new Error(`${town.cityId}: the home view loaded no tile`);
    const home = await viewFigures(homeDoneMs);
    log(`${town.cityId} home: ${JSON.stringify(home)}`);

    const corners: (ViewFigures & { name: string })[] = [];
    for (const corner of town.corners) {
      const before = await readProbe(page);
      const startMs = await page.evaluate((view) => {
        (window as ProbeWindow).__citytwin?.setView?.(view);
        return performance.now();
      }, corner.view);
      const doneMs = await waitSettled(
        page,
        before.tiles.allLoadedCount,
        `${town.cityId} ${corner.name}`,
        corner.view,
      );
      await screenshot(page, `${town.cityId}-${corner.name}`);
      const settleMs = doneMs === null ? 0 : Math.max(0, doneMs - startMs);
      const figures = { name: corner.name, ...(await viewFigures(settleMs)) };
      corners.push(figures);
      log(`${town.cityId} ${corner.name}: ${JSON.stringify(figures)}`);
    }

    // A quarter orbit around the centre at the home view's distance, one camera step per animation
    // frame; frames are counted from the scene's own render count.
    const { tiles: beforeOrbit } = await readProbe(page);
    // No named functions inside: tsx compiles them with a `__name` helper the page does not have.
    const orbit = await page.evaluate(
      async ({ centre, pitchDeg, durationMs }) => {
        const probe = (window as ProbeWindow).__citytwin;
        if (!probe?.setView) throw new Error('no setView on the probe');
        const metresPerDegreeLat = 111_320;
        const metresPerDegreeLon = metresPerDegreeLat * Math.cos((centre.lat * Math.PI) / 180);
        const pitchRad = (-pitchDeg * Math.PI) / 180;
        const horizontalM = centre.distanceM * Math.cos(pitchRad);
        const heightM = centre.distanceM * Math.sin(pitchRad);
        const startMs = performance.now();
        const startCount = probe.renderCount;
        let lastCount = startCount;
        let lastFrameMs = startMs;
        const intervals: number[] = [];
        for (;;) {
          const nowMs = await new Promise<number>((resolve) => requestAnimationFrame(resolve));
          if (probe.renderCount !== lastCount) {
            intervals.push(nowMs - lastFrameMs);
            lastFrameMs = nowMs;
            lastCount = probe.renderCount;
          }
          const elapsedMs = nowMs - startMs;
          if (elapsedMs >= durationMs) return { frames: probe.renderCount - startCount, intervals };
          const headingRad = (elapsedMs / durationMs) * (Math.PI / 2);
          probe.setView({
            lon: centre.lon - (Math.sin(headingRad) * horizontalM) / metresPerDegreeLon,
            lat: centre.lat - (Math.cos(headingRad) * horizontalM) / metresPerDegreeLat,
            heightM,
            headingDeg: (headingRad * 180) / Math.PI,
            pitchDeg,
          });
        }
      },
      { centre: town.orbit, pitchDeg: HOME_PITCH_DEG, durationMs: ORBIT_MS },
    );
    const { tiles: afterOrbit } = await readProbe(page);

    // The tour: as a kiosk flies its loop, each place once per lap; two of its corners and the
    // centre were not seen before, so the first lap loads and the second only revisits.
    const stops = town.tour;
    const tour: { loads: number; unloads: number; settleMs: number }[] = [];
    for (let lap = 1; lap <= 2; lap++) {
      const { tiles: before } = await readProbe(page);
      const lapStart = Date.now();
      for (const stop of stops) {
        const { tiles: atStop } = await readProbe(page);
        await page.evaluate((view) => (window as ProbeWindow).__citytwin?.setView?.(view), stop.view);
        await waitSettled(page, atStop.allLoadedCount, `${town.cityId} tour ${lap} ${stop.name}`, stop.view);
      }
      const { tiles: after } = await readProbe(page);
      tour.push({
        loads: after.loaded - before.loaded,
        unloads: after.unloaded - before.unloaded,
        settleMs: Date.now() - lapStart,
      });
      log(`${town.cityId} tour lap ${lap}: ${JSON.stringify(tour[tour.length - 1])}`);
    }
    const finalHeapMiB = await heapMiB();
    if (errors.length > 0) throw new Error(`page errors: ${errors.join('; ')}`);
    return {
      home,
      corners,
      orbit: {
        frames: orbit.frames,
        meanFrameMs: round(ORBIT_MS / Math.max(1, orbit.frames), 1),
        maxFrameMs: round(Math.max(0, ...orbit.intervals), 1),
        tilesLoaded: afterOrbit.loaded - beforeOrbit.loaded,
      },
      tour,
      failedTiles: afterOrbit.failed,
      finalHeapMiB,
    };
  } finally {
    await browser.close();
    await app.close();
  }
}

function totalBytesOf(town: PreparedTown): number {
  return [...town.glbBytes.values()].reduce((sum, bytes) => sum + bytes, 0);
}

function homeBytesPercent(town: PreparedTown, figures: TownFigures): number {
  return (100 * figures.home.totalBytes) / totalBytesOf(town);
}

async function main(): Promise<void> {
  const built = await ensureClientBuilt({ repoRoot: REPO_ROOT, cityIds: [], log });
  log(`client bundle ${built}`);
  const workDir = await mkdtemp(join(tmpdir(), 'citytwin-bench-stream-'));
  try {
    const small = await prepareTown(workDir, BASELINE_BUILDINGS);
    const large = await prepareTown(workDir, TOWN_BUILDINGS);
    const smallFigures = await measureTown(small);
    const largeFigures = await measureTown(large);

    const common = (town: PreparedTown) => ({
      buildings: town.buildings,
      glbs: town.glbBytes.size,
      tiles: town.totalTiles,
      tilesetMiB: round(totalBytesOf(town) / MIB, 1),
      buildS: round(town.buildMs / 1000, 1),
    });

    const homePercent = homeBytesPercent(large, largeFigures);
    const baselinePercent = homeBytesPercent(small, smallFigures);
    printBenchLine({
      bench: 'stream.homeBytes50k',
      value: round(homePercent, 1),
      unit: '% of tileset bytes loaded at the home view',
      baseline: round(baselinePercent, 1),
      ratio: round(homePercent / Math.max(baselinePercent, 1e-9), 3),
      target: `< ${MAX_HOME_BYTES_PERCENT} (baseline: the ${BASELINE_BUILDINGS}-building town)`,
      pass: homePercent < MAX_HOME_BYTES_PERCENT,
      ...common(large),
      homeGlbs: largeFigures.home.totalGlbs,
      homeMiB: round(largeFigures.home.totalBytes / MIB, 2),
      baselineHomeGlbs: smallFigures.home.totalGlbs,
      baselineGlbs: small.glbBytes.size,
    });

    const settleRatio = largeFigures.home.settleMs / smallFigures.home.settleMs;
    printBenchLine({
      bench: 'stream.homeSettle50k',
      value: largeFigures.home.settleMs,
      unit: 'ms from navigation to a complete home view',
      baseline: smallFigures.home.settleMs,
      ratio: round(settleRatio, 2),
      target: `<= ${MAX_SETTLE_RATIO} x baseline (${BASELINE_BUILDINGS} buildings, 1/20 of the town)`,
      pass: settleRatio <= MAX_SETTLE_RATIO,
      heapMiB: largeFigures.home.heapMiB,
      baselineHeapMiB: smallFigures.home.heapMiB,
      contentMiB: largeFigures.home.contentMiB,
      baselineContentMiB: smallFigures.home.contentMiB,
    });

    const worstCorner = Math.max(...largeFigures.corners.map((corner) => corner.settleMs));
    const streetRatio = worstCorner / smallFigures.home.settleMs;
    printBenchLine({
      bench: 'stream.street50k',
      value: worstCorner,
      unit: 'ms until the slower street-level corner view is complete',
      baseline: smallFigures.home.settleMs,
      ratio: round(streetRatio, 2),
      target: `<= ${MAX_SETTLE_RATIO} x baseline (home view of the ${BASELINE_BUILDINGS}-building town)`,
      pass: streetRatio <= MAX_SETTLE_RATIO && largeFigures.failedTiles === 0,
      corners: largeFigures.corners.map((corner) => ({
        name: corner.name,
        settleMs: corner.settleMs,
        newGlbs: corner.newGlbs,
        newMiB: round(corner.newBytes / MIB, 2),
        loadedSoFarPercent: round((100 * corner.totalBytes) / totalBytesOf(large), 1),
        heapMiB: corner.heapMiB,
      })),
      baselineCorners: smallFigures.corners.map((corner) => ({
        name: corner.name,
        settleMs: corner.settleMs,
        newGlbs: corner.newGlbs,
      })),
      failedTiles: largeFigures.failedTiles,
    });

    const frameRatio = largeFigures.orbit.frames / Math.max(1, smallFigures.orbit.frames);
    printBenchLine({
      bench: 'stream.orbit50k',
      value: largeFigures.orbit.frames,
      unit: `frames in a ${ORBIT_MS / 1000} s orbit (SwiftShader)`,
      baseline: smallFigures.orbit.frames,
      ratio: round(frameRatio, 2),
      target: `>= ${MIN_FRAME_RATIO} x baseline`,
      pass: frameRatio >= MIN_FRAME_RATIO,
      meanFrameMs: largeFigures.orbit.meanFrameMs,
      maxFrameMs: largeFigures.orbit.maxFrameMs,
      baselineMeanFrameMs: smallFigures.orbit.meanFrameMs,
      tilesLoadedDuringOrbit: largeFigures.orbit.tilesLoaded,
      finalHeapMiB: largeFigures.finalHeapMiB,
      baselineFinalHeapMiB: smallFigures.finalHeapMiB,
    });

    const [firstLap, secondLap] = largeFigures.tour;
    if (!firstLap || !secondLap) throw new Error('the tour did not run two laps');
    printBenchLine({
      bench: 'stream.revisit50k',
      value: secondLap.loads,
      unit: 'tile loads in the second lap of a tour (home view, street level at four corners and the centre)',
      baseline: firstLap.loads,
      ratio: round(secondLap.loads / Math.max(1, firstLap.loads), 3),
      baselineKind: 'tile loads of the first lap (three of its places new)',
      target: '0 (no reload on revisit)',
      pass: secondLap.loads === 0,
      unloads: largeFigures.tour.map((lap) => lap.unloads),
      lapMs: largeFigures.tour.map((lap) => lap.settleMs),
      profile: 'public (cacheBytes 256 MiB, docs/viewer-performance.md)',
    });
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `[bench:stream] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
