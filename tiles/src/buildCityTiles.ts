/**
 * Builds the tiles of one city pack in the repository layout: `data/<cityId>/buildings.geojson` (and
 * `buildings.surfaces.jsonl` when the pack has real surfaces) -> `tiles/output/<cityId>/`. Used by the CLI and by the start script, which calls it before serving.
 * With `dem.tif` in the pack the buildings stand on their ground (decision 0013), so a changed DEM
 * rebuilds them too.
 */
import { readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FeatureCollection } from './buildingFeatures.ts';
import { readSurfacesFile, sha256File, SURFACES_FILE } from './buildingSurfaces.ts';
import type { BuildTilesetResult } from './buildTileset.ts';
import { buildTileset, isTilesetUpToDate, sha256Hex, TILESET_FILE } from './buildTileset.ts';
import type { TilesetTerrain } from './buildTileset.ts';
import { DEM_FILE } from './terrain/buildTerrain.ts';
import { sampleHeight } from './terrain/dem.ts';
import { readDemBytes } from './terrain/readDem.ts';

/** The repository root, two folders above this file (tiles/src/). */
export const DEFAULT_REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** City ids as in `city.json`: lower-case letters, digits and `-` (never a path). */
const CITY_ID_PATTERN = /^[a-z0-9-]+$/;

/** Options of {@link buildCityTiles}. */
export interface BuildCityTilesOptions {
  /** Rebuild even when the output is up to date. */
  readonly force?: boolean;
  /** Repository root holding `data/` and `tiles/`; default {@link DEFAULT_REPO_ROOT}. */
  readonly repoRoot?: string;
  readonly onProgress?: (done: number, total: number) => void;
  readonly maxBuildingsPerTile?: number;
}

/** Outcome of {@link buildCityTiles}. */
export interface BuildCityTilesResult {
  readonly cityId: string;
  /** `up-to-date`: nothing was written because the output matches the input. */
  readonly status: 'built' | 'up-to-date';
  readonly buildingsPath: string;
  readonly outDir: string;
  readonly tilesetPath: string;
  readonly durationMs: number;
  /** Present when `status` is `built`. */
  readonly build?: BuildTilesetResult;
}

/** Where a city's input and output live. */
export function cityTilesPaths(
  cityId: string,
  repoRoot: string = DEFAULT_REPO_ROOT,
): { readonly buildingsPath: string; readonly surfacesPath: string; readonly outDir: string } {
  if (!CITY_ID_PATTERN.test(cityId)) {
    throw new Error(`city id must be lower-case letters, digits and -, got ${JSON.stringify(cityId)}`);
  }
  return {
    buildingsPath: join(repoRoot, 'data', cityId, 'buildings.geojson'),
    surfacesPath: join(repoRoot, 'data', cityId, SURFACES_FILE),
    outDir: join(repoRoot, 'tiles', 'output', cityId),
  };
}

/**
 * Builds `tiles/output/<cityId>/` from `data/<cityId>/buildings.geojson`, or skips the build when
 * the output already matches the input (unless `force`).
 *
 * @throws Error when the buildings file is missing or not JSON, BuildingsInputError when it breaks
 *   the city-pack contract.
 */
export async function buildCityTiles(
  cityId: string,
  options: BuildCityTilesOptions = {},
): Promise<BuildCityTilesResult> {
  const startedMs = performance.now();
  const repoRoot = options.repoRoot ?? DEFAULT_REPO_ROOT;
  const { buildingsPath, surfacesPath, outDir } = cityTilesPaths(cityId, repoRoot);
  const tilesetPath = join(outDir, TILESET_FILE);
  const sourceLabel = relative(repoRoot, buildingsPath);
  const sizeOptions =
    options.maxBuildingsPerTile === undefined ? {} : { maxBuildingsPerTile: options.maxBuildingsPerTile };

  const demPath = join(repoRoot, 'data', cityId, DEM_FILE);
  const demBytes = await readFile(demPath).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  });
  const demSha256 = demBytes ? sha256Hex(demBytes) : undefined;
  if (
    !options.force &&
    (await isTilesetUpToDate(buildingsPath, outDir, { ...sizeOptions, surfacesPath, demSha256 }))
  ) {
    return {
      cityId,
      status: 'up-to-date',
      buildingsPath,
      outDir,
      tilesetPath,
      durationMs: performance.now() - startedMs,
    };
  }

  let bytes: Buffer;
  try {
    bytes = await readFile(buildingsPath);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(
      code === 'ENOENT'
        ? `${sourceLabel} not found: a city pack needs buildings.geojson (the demo pack is made by npm run generate:demo)`
        : `${sourceLabel} cannot be read: ${String(error)}`,
      { cause: error },
    );
  }
  let buildings: unknown;
  try {
    buildings = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new Error(
      `${sourceLabel} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
      {
        cause: error,
      },
    );
  }
  // Optional: only imported packs with LoD1/LoD2 sources have real surfaces.
  const hasSurfaces = await stat(surfacesPath).then(
    (info) => info.isFile(),
    () => false,
  );
  const surfaces = hasSurfaces
    ? await readSurfacesFile(surfacesPath, relative(repoRoot, surfacesPath))
    : undefined;
  const surfacesSha256 = hasSurfaces ? await sha256File(surfacesPath) : undefined;
  let terrain: TilesetTerrain | undefined;
  if (demBytes && demSha256) {
    const dem = await readDemBytes(demBytes, relative(repoRoot, demPath));
    terrain = { demSha256, groundAt: (lonDeg, latDeg) => sampleHeight(dem, lonDeg, latDeg) };
  }
  const build = await buildTileset({
    // parseBuildings inside buildTileset checks every field, so the unchecked JSON may go in as is.
    buildings: buildings as FeatureCollection,
    outDir,
    cityId,
    sourceSha256: sha256Hex(bytes),
    sourceLabel,
    ...sizeOptions,
    ...(surfaces && surfacesSha256 ? { surfaces, surfacesSha256 } : {}),
    ...(terrain ? { terrain } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  return {
    cityId,
    status: 'built',
    buildingsPath,
    outDir,
    tilesetPath,
    durationMs: performance.now() - startedMs,
    build,
  };
}
