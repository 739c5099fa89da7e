/**
 * Benchmarks of the tiles pipeline (`npm run bench:tiles`; never part of `npm test`).
 *
 * Each scenario prints exactly one JSON line on stdout (DESIGN.md, "Commands"); progress goes to
 * stderr. Every timing is warmed up once, then run three times; the median is reported.
 *
 * - `tiles.extrude`: `extrudeFootprint` on a synthetic 10,000-building town, single-threaded, so
 *   buildings/s per process is buildings/s per core. Baseline: three.js `ExtrudeGeometry` on the
 *   same footprints.
 * - `tiles.build10k`: the whole `buildTileset` (parse, frame, tree, extrusion, GLB writing) of the
 *   same town. Baseline: the extrusion-only rate, so the ratio shows the share left to extrusion.
 * - `tiles.importLod2`: import of the FZK LoD2 CityGML sample plus its tiles build (real surfaces).
 *   Baseline: the same 100 buildings imported from CityJSON and tiled.
 * - `basemap.build`: the demo town's basemap (vector tiles of streets, footprints, water, green,
 *   rail, places; zooms 8-16), from scratch. Baseline: the 3D tiles build of the same pack in the
 *   same run, the other thing `npm start` builds before serving. The target is absolute, 2 s on
 *   the demo pack: the 3D tiles of 2,500 extruded boxes take a fraction of a second, while the map
 *   cuts ~300 tiles over nine zooms, so a ratio target would only measure that difference.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExtrudeGeometry, Path, Shape, Vector2 } from 'three';
import type { BufferGeometry } from 'three';
import { parseBuildings } from '../src/buildingFeatures.ts';
import { buildCityTiles } from '../src/buildCityTiles.ts';
import { buildTileset, footprintCentre } from '../src/buildTileset.ts';
import { buildBasemap } from '../src/basemap/buildBasemap.ts';
import { extrudeFootprint, normalizeFootprintRings } from '../src/extrudeFootprint.ts';
import type { EnuM, Vec3 } from '../src/geodesy.ts';
import { createEnuFrame, ecefDirectionToEnu, geodeticToEnu, geodeticUpEcef } from '../src/geodesy.ts';
import { writeImportedPack } from '../src/import/writeImportedPack.ts';
import { createSyntheticBuildings } from '../src/syntheticBuildings.ts';
import { median, round, printBenchLine } from '../../scripts/benchLine.ts';
import {
  FIXTURES,
  HOW_TO_GET_FIXTURES,
  fixture,
  fixturesNotFound,
} from '../../scripts/fixtures/fixturesDir.ts';

const LOD2_CITYGML = fixture('citygml/fzk-iai-testcases-LOD2_Buildings_v200.gml');
const LOD2_CITYJSON = fixture('cityjson/fzk-iai-testcases-lod2_buildings.cityjson2.0.json');
/** The FZK test cases are in local metres without a CRS; this places them in Böblingen. */
const LOD2_ORIGIN = { lon: 9.015, lat: 48.685 };

const TOWN_BUILDINGS = 10_000;
const RUNS = 3;
const TARGET_BUILDINGS_PER_S = 2000;
const MIB = 1024 * 1024;

function log(message: string): void {
  process.stderr.write(`[bench:tiles] ${message}\n`);
}

/** Samples the resident set size while work runs; `stop()` returns the peak in MiB. */
function sampleRss(): { stop: () => number } {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 10);
  return {
    stop: () => {
      clearInterval(timer);
      return round(Math.max(peak, process.memoryUsage().rss) / MIB, 1);
    },
  };
}

/**
 * Runs `work` once to warm up, then {@link RUNS} times, and returns the median duration (ms) and
 * the last run's result.
 */
async function timeMedian<T>(label: string, work: () => T | Promise<T>): Promise<{ ms: number; result: T }> {
  await work();
  const durations: number[] = [];
  let result: T | undefined;
  for (let run = 0; run < RUNS; run++) {
    const startMs = performance.now();
    result = await work();
    durations.push(performance.now() - startMs);
  }
  log(`${label}: ${durations.map((ms) => `${ms.toFixed(0)} ms`).join(', ')}`);
  return { ms: median(durations), result: result as T };
}

/** A building's footprint parts in the tileset's ENU frame, ready for extrusion (as buildTileset does). */
interface EnuBuilding {
  readonly heightM: number;
  readonly upEnu: Vec3;
  /** `[outline (CCW), ...holes (CW)]` per part. */
  readonly parts: readonly (readonly (readonly EnuM[])[])[];
}

function projectTown(collection: unknown): EnuBuilding[] {
  const buildings = parseBuildings(collection, 'synthetic town');
  const frame = createEnuFrame(footprintCentre(buildings));
  return buildings.map((building) => {
    const [lonDeg, latDeg] = footprintCentre([building]);
    const upEnu = ecefDirectionToEnu(frame, geodeticUpEcef(lonDeg, latDeg));
    const parts: (readonly (readonly EnuM[])[])[] = [];
    for (const polygon of building.polygons) {
      const rings = polygon.map((ring) => ring.map(([lon, lat]) => geodeticToEnu(frame, [lon, lat, 0])));
      const normalized = normalizeFootprintRings(rings);
      if (normalized.ok) parts.push([normalized.outline, ...normalized.holes]);
    }
    return { heightM: building.heightM, upEnu, parts };
  });
}

/** citytwin's extrusion: returns the triangle count so the work cannot be optimised away. */
function extrudeAll(town: readonly EnuBuilding[]): number {
  let triangles = 0;
  for (const building of town) {
    for (const rings of building.parts) {
      const result = extrudeFootprint({ rings, heightM: building.heightM, upEnu: building.upEnu });
      if (!result.ok) throw new Error(result.reason);
      triangles += (result.geometry.index?.count ?? 0) / 3;
    }
  }
  return triangles;
}

/** The naive way: three.js's own ExtrudeGeometry (caps both ends, no bevel), straight up. */
function threeExtrudeAll(town: readonly EnuBuilding[]): number {
  let triangles = 0;
  for (const building of town) {
    for (const [outline, ...holes] of building.parts) {
      if (!outline) continue;
      const shape = new Shape(outline.map(([e, n]) => new Vector2(e, n)));
      for (const hole of holes) shape.holes.push(new Path(hole.map(([e, n]) => new Vector2(e, n))));
      const geometry: BufferGeometry = new ExtrudeGeometry(shape, {
        depth: building.heightM,
        bevelEnabled: false,
        steps: 1,
      });
      triangles += geometry.getAttribute('position').count / 3;
    }
  }
  return triangles;
}

async function benchExtrude(town: readonly EnuBuilding[]): Promise<number> {
  log(`tiles.extrude: ${town.length} buildings`);
  const rss = sampleRss();
  const ours = await timeMedian('extrudeFootprint', () => extrudeAll(town));
  const naive = await timeMedian('three.js ExtrudeGeometry', () => threeExtrudeAll(town));
  const peakRssMiB = rss.stop();
  const value = town.length / (ours.ms / 1000);
  const baseline = town.length / (naive.ms / 1000);
  log(`triangles: extrudeFootprint ${ours.result}, ExtrudeGeometry ${naive.result}`);
  printBenchLine({
    bench: 'tiles.extrude',
    value: round(value),
    unit: 'buildings/s/core',
    baseline: round(baseline),
    ratio: round(value / baseline, 2),
    target: `>= ${TARGET_BUILDINGS_PER_S}`,
    pass: value >= TARGET_BUILDINGS_PER_S,
    peakRssMiB,
    buildings: town.length,
    durationMs: round(ours.ms, 1),
  });
  return value;
}

async function benchBuild(
  collection: Parameters<typeof buildTileset>[0]['buildings'],
  extrudeRate: number,
): Promise<void> {
  const count = collection.features.length;
  log(`tiles.build10k: buildTileset of ${count} buildings`);
  const workDir = await mkdtemp(join(tmpdir(), 'citytwin-bench-tiles-'));
  try {
    let run = 0;
    const rss = sampleRss();
    const { ms, result } = await timeMedian('buildTileset', () =>
      buildTileset({ buildings: collection, outDir: join(workDir, `run-${run++}`), cityId: 'bench-town' }),
    );
    const peakRssMiB = rss.stop();
    log(
      `${result.contentCount} GLBs, ${(result.totalBytes / MIB).toFixed(1)} MiB, ${result.featureCount} features`,
    );
    const value = result.featureCount / (ms / 1000);
    printBenchLine({
      bench: 'tiles.build10k',
      value: round(value),
      unit: 'buildings/s',
      baseline: round(extrudeRate),
      ratio: round(value / extrudeRate, 3),
      target: `>= ${TARGET_BUILDINGS_PER_S}`,
      pass: value >= TARGET_BUILDINGS_PER_S,
      peakRssMiB,
      maxRssMiB: round(process.resourceUsage().maxRSS / 1024, 1),
      buildings: result.featureCount,
      durationMs: round(ms, 1),
      tiles: result.contentCount,
      outputMiB: round(result.totalBytes / MIB, 2),
    });
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/** Imports `file` into a pack under a temporary repository root, then builds its tiles. */
async function importAndTile(
  file: string,
  repoRoot: string,
  cityId: string,
): Promise<{ buildings: number; surfaceBuildings: number }> {
  const imported = await writeImportedPack({
    file,
    cityId,
    origin: LOD2_ORIGIN,
    outDir: join(repoRoot, 'data', cityId),
  });
  if (imported.buildingCount === 0) throw new Error(`${file}: nothing imported`);
  const tiles = await buildCityTiles(cityId, { repoRoot, force: true });
  return { buildings: imported.buildingCount, surfaceBuildings: tiles.build?.surfaceBuildingCount ?? 0 };
}

async function benchImportLod2(): Promise<void> {
  log('tiles.importLod2: FZK LoD2 CityGML (baseline: the same buildings as CityJSON)');
  if (FIXTURES.dir === undefined)
    throw new Error(`${fixturesNotFound(FIXTURES.tried)} ${HOW_TO_GET_FIXTURES}`);
  const repoRoot = await mkdtemp(join(tmpdir(), 'citytwin-bench-import-'));
  try {
    const rss = sampleRss();
    const gml = await timeMedian('CityGML import + tiles', () =>
      importAndTile(LOD2_CITYGML, repoRoot, 'bench-gml'),
    );
    const json = await timeMedian('CityJSON import + tiles', () =>
      importAndTile(LOD2_CITYJSON, repoRoot, 'bench-cityjson'),
    );
    const peakRssMiB = rss.stop();
    log(
      `CityGML: ${gml.result.buildings} buildings (${gml.result.surfaceBuildings} with surfaces); ` +
        `CityJSON: ${json.result.buildings} buildings (${json.result.surfaceBuildings} with surfaces)`,
    );
    const value = gml.result.buildings / (gml.ms / 1000);
    const baseline = json.result.buildings / (json.ms / 1000);
    printBenchLine({
      bench: 'tiles.importLod2',
      value: round(value),
      unit: 'buildings/s',
      baseline: round(baseline),
      ratio: round(value / baseline, 2),
      target: 'report',
      pass: true,
      peakRssMiB,
      buildings: gml.result.buildings,
      surfaceBuildings: gml.result.surfaceBuildings,
      durationMs: round(gml.ms, 1),
      baselineDurationMs: round(json.ms, 1),
    });
  } finally {
    await rm(repoRoot, { recursive: true, force: true });
  }
}

const BASEMAP_TARGET_MS = 2000;
const DEMO_PACK_DIR = join(import.meta.dirname, '..', '..', 'data', 'boeblingen-demo');

async function benchBasemap(): Promise<void> {
  log('basemap.build: demo pack');
  const outRoot = await mkdtemp(join(tmpdir(), 'bench-basemap-'));
  try {
    const rss = sampleRss();
    const basemap = await timeMedian('basemap build (demo pack)', () =>
      buildBasemap({
        packDir: DEMO_PACK_DIR,
        cityOutDir: join(outRoot, 'basemap-city'),
        name: 'bench',
        force: true,
      }),
    );
    const buildings = JSON.parse(
      await readFile(join(DEMO_PACK_DIR, 'buildings.geojson'), 'utf8'),
    ) as Parameters<typeof buildTileset>[0]['buildings'];
    const tiles3d = await timeMedian('3D tiles build (demo pack)', () =>
      buildTileset({ buildings, outDir: join(outRoot, 'tiles3d'), cityId: 'bench' }),
    );
    const peakRssMiB = rss.stop();
    printBenchLine({
      bench: 'basemap.build',
      value: round(basemap.ms, 1),
      unit: 'ms',
      baseline: round(tiles3d.ms, 1),
      ratio: round(basemap.ms / tiles3d.ms, 3),
      target: '<= 2000 ms on the demo pack',
      pass: basemap.ms <= BASEMAP_TARGET_MS,
      tiles: basemap.result.tileCount,
      bytes: basemap.result.bytes,
      tiles3d: tiles3d.result.tileCount,
      peakRssMiB,
    });
  } finally {
    await rm(outRoot, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (process.argv.includes('--basemap-only')) {
    await benchBasemap();
    return;
  }
  const collection = createSyntheticBuildings({ count: TOWN_BUILDINGS, seed: 20211 });
  const town = projectTown(collection);
  const extrudeRate = await benchExtrude(town);
  await benchBuild(collection, extrudeRate);
  await benchImportLod2();
  await benchBasemap();
}

main().catch((error: unknown) => {
  process.stderr.write(
    `[bench:tiles] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
