/**
 * Builds the basemap of one city pack in the repository layout: `data/<cityId>/` ->
 * `tiles/output/<cityId>/basemap/`, served by the server at `/tiles/<cityId>/basemap/`. Used by the
 * start, build and test scripts (scripts/ensureBuilt.ts) beside the 3D tiles.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { cityTilesPaths, DEFAULT_REPO_ROOT } from '../buildCityTiles.ts';
import { buildBasemap } from './buildBasemap.ts';
import type { BuildBasemapResult } from './buildBasemap.ts';

/** Options of {@link buildCityBasemap}. */
export interface BuildCityBasemapOptions {
  readonly repoRoot?: string;
  readonly force?: boolean;
  readonly onProgress?: (done: number, total: number) => void;
}

/** Name and attribution from the pack's `city.json`, where it has them. */
async function cityLabels(packDir: string, cityId: string): Promise<{ name: string; attribution?: string }> {
  try {
    const city = JSON.parse(await readFile(join(packDir, 'city.json'), 'utf8')) as {
      name?: unknown;
      attribution?: unknown;
    };
    return {
      name: typeof city.name === 'string' ? city.name : cityId,
      ...(typeof city.attribution === 'string' ? { attribution: city.attribution } : {}),
    };
  } catch {
    return { name: cityId };
  }
}

/** Builds (or finds up to date) `tiles/output/<cityId>/basemap/`. */
export async function buildCityBasemap(
  cityId: string,
  options: BuildCityBasemapOptions = {},
): Promise<BuildBasemapResult> {
  const repoRoot = options.repoRoot ?? DEFAULT_REPO_ROOT;
  const { buildingsPath, outDir } = cityTilesPaths(cityId, repoRoot);
  const packDir = dirname(buildingsPath);
  const labels = await cityLabels(packDir, cityId);
  return buildBasemap({
    packDir,
    cityOutDir: outDir,
    ...labels,
    ...(options.force ? { force: true } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
}
