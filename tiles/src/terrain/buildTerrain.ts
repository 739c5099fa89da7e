/**
 * Builds a pack's terrain: its DEM (`data/<city>/dem.tif`) -> Cesium quantized-mesh-1.0 tiles in
 * `tiles/output/<city>/terrain/` (`layer.json`, `{z}/{x}/{y}.terrain`), served statically under
 * `/tiles/<city>/terrain/` for `CesiumTerrainProvider.fromUrl`. Rebuilt only when the DEM's bytes or
 * this builder change; a pack without a DEM gets no terrain folder (the viewer keeps the ellipsoid).
 *
 * Pyramid: level 0 (both hemispheres) down to the level whose sample spacing is about the DEM's
 * pixel (at most {@link MAX_TERRAIN_LEVEL}); below level 0 only the tiles that intersect the DEM.
 * Cesium upsamples every other tile from its parent, so the files stay few.
 *
 * Each tile is a mesh of the ground sampled on a 65 x 65 grid, with as few triangles as keep every
 * sample within the level's tolerance ({@link meshToleranceM}): a smooth tile has tens of triangles
 * where a heightmap tile has 8,192, and so has every tile Cesium upsamples from it (decision 0017).
 *
 * Outside the DEM the ground does not drop to the ellipsoid: it keeps the height of the DEM's
 * nearest edge for {@link EDGE_HOLD_M}, then eases to 0 over {@link EDGE_FADE_M}. A town's
 * surroundings lie at about the height of its edge, so the town meets no cliff at the border of its
 * DEM (a drop of 400 m would be the first thing anyone sees from the home view), while the rest of
 * the globe stays the plain ellipsoid it was.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WGS84_SEMI_MAJOR_AXIS_M } from '../geodesy.ts';
import type { Dem } from './dem.ts';
import { demBoundsDeg, sampleHeight, sampleHeightClamped } from './dem.ts';
import { encodeQuantizedMesh, meshTile } from './quantizedMeshTile.ts';
import type { RectangleDeg } from './terrainTiling.ts';
import { tileRangeOf, tilesX } from './terrainTiling.ts';
import { readDemBytes } from './readDem.ts';

/**
 * Version of the terrain output. Bump it whenever the same DEM would give different files, so
 * existing builds are no longer up to date.
 */
export const TERRAIN_BUILDER_VERSION = 2;
/** The deepest level built (about 2.4 m between samples): finer DEMs are sampled, not matched. */
export const MAX_TERRAIN_LEVEL = 16;
/**
 * The deepest level's tolerance, metres: every tile Cesium upsamples from it for the street view
 * has its shape, so it keeps the DEM's samples about as exactly as the buildings' ground heights.
 */
export const DEEPEST_TOLERANCE_M = 0.25;
/** Outside the DEM: the edge height holds this far … */
export const EDGE_HOLD_M = 20_000;
/** … then eases to the ellipsoid over this distance. */
export const EDGE_FADE_M = 80_000;

export const TERRAIN_DIR = 'terrain';
export const LAYER_FILE = 'layer.json';
export const TERRAIN_INFO_FILE = 'terrain-info.json';
/** Where a pack keeps its DEM, relative to its folder. */
export const DEM_FILE = 'dem.tif';

const METRES_PER_DEGREE_LAT = 111_320;

/** One level's tiles in layer.json's `available` form (TMS rows). */
export interface TileRange {
  readonly startX: number;
  readonly startY: number;
  readonly endX: number;
  readonly endY: number;
}

/** The tiles to write: per level one range, every tile in it written. */
export interface TerrainPlan {
  readonly maxLevel: number;
  readonly ranges: readonly TileRange[];
  readonly tileCount: number;
}

/** Contents of terrain-info.json, written last (a half-written build is never "up to date"). */
export interface TerrainInfo {
  readonly builderVersion: number;
  readonly demSha256: string;
  readonly crs: string;
  readonly maxLevel: number;
  readonly tileCount: number;
  readonly minHeightM: number;
  readonly maxHeightM: number;
}

/** The DEM's pixel size in metres along its rows (the finer of the two axes). */
export function demPixelSizeM(dem: Dem): number {
  const geographic = dem.crs === 'EPSG:4326' || dem.crs === 'EPSG:4258';
  const scale = geographic ? METRES_PER_DEGREE_LAT : 1;
  return Math.min(Math.abs(dem.dx), Math.abs(dem.dy)) * scale;
}

/** The level whose north-south sample spacing is closest to the DEM's pixel, 0..MAX_TERRAIN_LEVEL. */
export function maxLevelFor(pixelSizeM: number): number {
  // 64 sample steps per tile side; a level-z tile is 180 / 2^z degrees tall.
  const level0SpacingM = (180 / 64) * METRES_PER_DEGREE_LAT;
  const level = Math.round(Math.log2(level0SpacingM / pixelSizeM));
  return Math.min(MAX_TERRAIN_LEVEL, Math.max(0, level));
}

/** The pyramid for a DEM covering `boundsDeg`. */
export function planTerrain(boundsDeg: RectangleDeg, maxLevel: number): TerrainPlan {
  const ranges: TileRange[] = [];
  let tileCount = 0;
  for (let z = 0; z <= maxLevel; z++) {
    // Both root tiles always exist: Cesium needs level 0 complete.
    const [startX, startY, endX, endY] = z === 0 ? [0, 0, tilesX(0) - 1, 0] : tileRangeOf(z, boundsDeg);
    ranges.push({ startX, startY, endX, endY });
    tileCount += (endX - startX + 1) * (endY - startY + 1);
  }
  return { maxLevel, ranges, tileCount };
}

/**
 * The geometric error Cesium's terrain provider assumes for a tile of `level`, metres: the spacing
 * of 65 samples across a level-0 tile, a quarter of the equator, halved at each level.
 */
export function cesiumGeometricErrorM(level: number): number {
  return (WGS84_SEMI_MAJOR_AXIS_M * 2 * Math.PI * 0.25) / (65 * tilesX(0)) / 2 ** level;
}

/**
 * How far a tile's mesh may lie from its samples: half the error Cesium assumes for its level, so a
 * tile is refined no later than Cesium expects; at the deepest level {@link DEEPEST_TOLERANCE_M}.
 */
export function meshToleranceM(level: number, maxLevel: number): number {
  return level >= maxLevel
    ? DEEPEST_TOLERANCE_M
    : Math.max(DEEPEST_TOLERANCE_M, cesiumGeometricErrorM(level) / 2);
}

/** Metres from a point to a lon/lat rectangle (0 inside), on a local equirectangular approximation. */
function distanceToRectangleM(
  lonDeg: number,
  latDeg: number,
  [west, south, east, north]: RectangleDeg,
): number {
  const dLon = lonDeg < west ? west - lonDeg : lonDeg > east ? lonDeg - east : 0;
  const dLat = latDeg < south ? south - latDeg : latDeg > north ? latDeg - north : 0;
  const cosLat = Math.cos((Math.max(-89, Math.min(89, latDeg)) * Math.PI) / 180);
  return Math.hypot(dLon * METRES_PER_DEGREE_LAT * cosLat, dLat * METRES_PER_DEGREE_LAT);
}

/**
 * The height the terrain shows at a point: the DEM where it has data; its nearest edge outside it
 * (held, then eased to 0, see the module comment); the DEM's mean over nodata holes.
 */
export function createTerrainHeightSampler(dem: Dem): (lonDeg: number, latDeg: number) => number {
  const boundsDeg = demBoundsDeg(dem);
  let sum = 0;
  let count = 0;
  for (const value of dem.heightsM) {
    if (Number.isNaN(value)) continue;
    sum += value;
    count++;
  }
  const meanM = count > 0 ? sum / count : 0;
  return (lonDeg, latDeg) => {
    const distanceM = distanceToRectangleM(lonDeg, latDeg, boundsDeg);
    if (distanceM >= EDGE_HOLD_M + EDGE_FADE_M) return 0;
    const inside = distanceM === 0 ? sampleHeight(dem, lonDeg, latDeg) : null;
    if (inside !== null) return inside;
    const edgeM = sampleHeightClamped(dem, lonDeg, latDeg) ?? meanM;
    if (distanceM <= EDGE_HOLD_M) return edgeM;
    const t = (distanceM - EDGE_HOLD_M) / EDGE_FADE_M;
    // Smoothstep: no kink where the hold ends or where the ellipsoid begins.
    return edgeM * (1 - t * t * (3 - 2 * t));
  };
}

/** layer.json for `CesiumTerrainProvider`. */
export function layerJson(plan: TerrainPlan, version: string, boundsDeg: RectangleDeg): object {
  return {
    tilejson: '2.1.0',
    name: 'citytwin terrain',
    description: 'Built by citytwin from the pack DEM',
    version,
    format: 'quantized-mesh-1.0',
    scheme: 'tms',
    tiles: ['{z}/{x}/{y}.terrain?v={version}'],
    projection: 'EPSG:4326',
    bounds: [...boundsDeg],
    minzoom: 0,
    maxzoom: plan.maxLevel,
    available: plan.ranges.map((range) => [range]),
  };
}

/** Options of {@link buildTerrain}. */
export interface BuildTerrainOptions {
  readonly dem: Dem;
  /** sha256 (hex) of the DEM file, recorded for {@link isTerrainUpToDate} and in the tile URLs. */
  readonly demSha256: string;
  /** The terrain folder; replaced as a whole. */
  readonly outDir: string;
  readonly onProgress?: (done: number, total: number) => void;
}

/** What {@link buildTerrain} wrote. */
export interface BuildTerrainResult {
  readonly outDir: string;
  readonly tileCount: number;
  readonly maxLevel: number;
  readonly totalBytes: number;
}

/** Writes the terrain of a DEM. Deterministic: the same DEM gives byte-identical files. */
export async function buildTerrain(options: BuildTerrainOptions): Promise<BuildTerrainResult> {
  const { dem, outDir } = options;
  const boundsDeg = demBoundsDeg(dem);
  const plan = planTerrain(boundsDeg, maxLevelFor(demPixelSizeM(dem)));
  const heightAt = createTerrainHeightSampler(dem);
  await rm(outDir, { recursive: true, force: true });
  let done = 0;
  let totalBytes = 0;
  options.onProgress?.(done, plan.tileCount);
  for (const [z, range] of plan.ranges.entries()) {
    for (let x = range.startX; x <= range.endX; x++) {
      await mkdir(join(outDir, String(z), String(x)), { recursive: true });
      for (let y = range.startY; y <= range.endY; y++) {
        const bytes = encodeQuantizedMesh(meshTile({ z, x, y }, heightAt, meshToleranceM(z, plan.maxLevel)));
        await writeFile(join(outDir, String(z), String(x), `${y}.terrain`), bytes);
        totalBytes += bytes.byteLength;
        options.onProgress?.(++done, plan.tileCount);
      }
    }
  }
  const version = `1.0.0-${TERRAIN_BUILDER_VERSION}.${options.demSha256.slice(0, 12)}`;
  const layerText = `${JSON.stringify(layerJson(plan, version, boundsDeg), null, 2)}\n`;
  await writeFile(join(outDir, LAYER_FILE), layerText);
  totalBytes += Buffer.byteLength(layerText);
  const info: TerrainInfo = {
    builderVersion: TERRAIN_BUILDER_VERSION,
    demSha256: options.demSha256,
    crs: dem.crs,
    maxLevel: plan.maxLevel,
    tileCount: plan.tileCount,
    minHeightM: dem.minHeightM,
    maxHeightM: dem.maxHeightM,
  };
  await writeFile(join(outDir, TERRAIN_INFO_FILE), `${JSON.stringify(info, null, 2)}\n`);
  return { outDir, tileCount: plan.tileCount, maxLevel: plan.maxLevel, totalBytes };
}

/** Whether `outDir` holds a finished build of this DEM by this builder version. */
export async function isTerrainUpToDate(outDir: string, demSha256: string): Promise<boolean> {
  try {
    const info = JSON.parse(await readFile(join(outDir, TERRAIN_INFO_FILE), 'utf8')) as Partial<TerrainInfo>;
    if (info.builderVersion !== TERRAIN_BUILDER_VERSION || info.demSha256 !== demSha256) return false;
    return (await stat(join(outDir, LAYER_FILE))).isFile();
  } catch {
    return false;
  }
}

/**
 * The URL under which the server serves a pack's terrain (`dataStatic` on `tiles/output` at
 * `/tiles`), for the viewer's `CesiumTerrainProvider.fromUrl`; undefined when the pack has no built
 * terrain (no `layer.json`), so the viewer keeps the ellipsoid.
 */
export async function cityTerrainUrl(cityId: string, repoRoot: string): Promise<string | undefined> {
  const layerPath = join(repoRoot, 'tiles', 'output', cityId, TERRAIN_DIR, LAYER_FILE);
  const built = await stat(layerPath).then(
    (info) => info.isFile(),
    () => false,
  );
  return built ? `/tiles/${encodeURIComponent(cityId)}/${TERRAIN_DIR}/` : undefined;
}

/** Outcome of {@link buildCityTerrain}. */
export interface BuildCityTerrainResult {
  /** `none`: the pack has no DEM (and any old terrain output was removed). */
  readonly status: 'built' | 'up-to-date' | 'none';
  readonly outDir: string;
  readonly durationMs: number;
  readonly build?: BuildTerrainResult;
}

/**
 * Builds `tiles/output/<cityId>/terrain/` from `data/<cityId>/dem.tif` when the DEM changed (or
 * `force`). `cityId` must already be checked (see `cityTilesPaths`).
 */
export async function buildCityTerrain(
  cityId: string,
  options: {
    readonly repoRoot: string;
    readonly force?: boolean;
    readonly onProgress?: (done: number, total: number) => void;
  },
): Promise<BuildCityTerrainResult> {
  const startedMs = performance.now();
  const demPath = join(options.repoRoot, 'data', cityId, DEM_FILE);
  const outDir = join(options.repoRoot, 'tiles', 'output', cityId, TERRAIN_DIR);
  let bytes: Buffer;
  try {
    bytes = await readFile(demPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    // Terrain from a DEM the pack no longer has would disagree with its buildings.
    await rm(outDir, { recursive: true, force: true });
    return { status: 'none', outDir, durationMs: performance.now() - startedMs };
  }
  const demSha256 = createHash('sha256').update(bytes).digest('hex');
  if (!options.force && (await isTerrainUpToDate(outDir, demSha256))) {
    return { status: 'up-to-date', outDir, durationMs: performance.now() - startedMs };
  }
  const dem = await readDemBytes(bytes, join('data', cityId, DEM_FILE));
  const build = await buildTerrain({
    dem,
    demSha256,
    outDir,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  return { status: 'built', outDir, durationMs: performance.now() - startedMs, build };
}
