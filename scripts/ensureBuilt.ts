/**
 * Builds what is missing or out of date before the server starts or the tests run: the client bundle
 * (when its sources changed since the last build), the city's 3D tiles (when its buildings changed),
 * its terrain (when its DEM changed) and its basemap (when its streets, houses or landscape changed).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { discoverCityPacks } from '../server/src/cityPack/discoverCityPacks.ts';
import { buildCityBasemap } from '../tiles/src/basemap/buildCityBasemap.ts';
import { buildCityTiles } from '../tiles/src/buildCityTiles.ts';
import { createProgressReporter } from '../tiles/src/progressBar.ts';
import { buildCityTerrain } from '../tiles/src/terrain/buildTerrain.ts';

const CLIENT_INPUTS = [
  'client/index.html',
  'client/src',
  'client/public',
  'protocol',
  'vite.config.ts',
  'package-lock.json',
];
const STAMP_FILE = '.build-stamp';

function listFiles(path: string): string[] {
  if (!existsSync(path)) return [];
  if (statSync(path).isFile()) return [path];
  return readdirSync(path, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const child = join(path, entry.name);
      if (entry.isDirectory()) return listFiles(child);
      // Tests do not change the bundle.
      return /\.test\.tsx?$/.test(entry.name) ? [] : [child];
    });
}

/** A hash over every file that goes into the client bundle (paths and bytes). */
export function clientSourceHash(repoRoot: string): string {
  const hash = createHash('sha256');
  for (const input of CLIENT_INPUTS) {
    for (const file of listFiles(join(repoRoot, input))) {
      hash.update(relative(repoRoot, file));
      hash.update('\0');
      hash.update(readFileSync(file));
      hash.update('\0');
    }
  }
  return hash.digest('hex');
}

export interface EnsureOptions {
  repoRoot: string;
  /** The packs whose tiles to build (each only when its buildings changed), from `data/<id>/`. */
  cityIds: readonly string[];
  clientDir?: string;
  force?: boolean;
  log?: (line: string) => void;
}

export async function ensureClientBuilt(options: EnsureOptions): Promise<'built' | 'up-to-date'> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const outDir = join(options.repoRoot, options.clientDir ?? 'client/dist');
  const stampPath = join(outDir, STAMP_FILE);
  const hash = clientSourceHash(options.repoRoot);
  if (!options.force && existsSync(join(outDir, 'index.html')) && existsSync(stampPath)) {
    if (readFileSync(stampPath, 'utf8').trim() === hash) return 'up-to-date';
  }
  log('Building the viewer (vite build)…');
  const started = Date.now();
  const { build } = await import('vite');
  await build({
    configFile: join(options.repoRoot, 'vite.config.ts'),
    root: join(options.repoRoot, 'client'),
    logLevel: 'warn',
  });
  writeFileSync(stampPath, `${hash}\n`);
  log(`Viewer built in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  return 'built';
}

export async function ensureBuilt(options: EnsureOptions): Promise<void> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  for (const cityId of options.cityIds) {
    const progress = createProgressReporter({
      stream: process.stderr,
      unit: 'buildings',
      label: `tiles ${cityId}`,
    });
    let tiles: Awaited<ReturnType<typeof buildCityTiles>>;
    try {
      tiles = await buildCityTiles(cityId, {
        repoRoot: options.repoRoot,
        force: options.force ?? false,
        onProgress: (done, total) => progress.update(done, total),
      });
    } catch (error) {
      progress.finish();
      // The first (configured) city must build; another broken pack is reported and left as it is.
      if (cityId === options.cityIds[0]) throw error;
      log(`3D tiles of ${cityId} not built: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    progress.finish();
    if (tiles.status === 'built' && tiles.build) {
      log(
        `3D tiles of ${cityId}: ${tiles.build.featureCount} buildings in ${tiles.build.tileCount} tiles, built in ${(tiles.durationMs / 1000).toFixed(1)} s.`,
      );
    }
    await ensureTerrainBuilt(cityId, options, log);
    await ensureBasemapBuilt(cityId, options, log);
  }
  await ensureClientBuilt(options);
}

/** The city's terrain from its DEM (`data/<city>/dem.tif`), when it has one that changed. */
async function ensureTerrainBuilt(
  cityId: string,
  options: EnsureOptions,
  log: (line: string) => void,
): Promise<void> {
  const progress = createProgressReporter({
    stream: process.stderr,
    unit: 'tiles',
    label: `terrain ${cityId}`,
  });
  try {
    const terrain = await buildCityTerrain(cityId, {
      repoRoot: options.repoRoot,
      force: options.force ?? false,
      onProgress: (done, total) => progress.update(done, total),
    });
    progress.finish();
    if (terrain.status === 'built' && terrain.build) {
      log(
        `Terrain of ${cityId}: ${terrain.build.tileCount} tiles to level ${terrain.build.maxLevel}, built in ${(terrain.durationMs / 1000).toFixed(1)} s.`,
      );
    }
  } catch (error) {
    progress.finish();
    // Without terrain the twin still works on the ellipsoid; a broken DEM must not stop the server.
    log(`Terrain of ${cityId} not built: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The city's basemap (vector tiles of its map); a failure is reported, the twin runs without it. */
async function ensureBasemapBuilt(
  cityId: string,
  options: EnsureOptions,
  log: (line: string) => void,
): Promise<void> {
  try {
    const basemap = await buildCityBasemap(cityId, {
      repoRoot: options.repoRoot,
      force: options.force ?? false,
    });
    if (basemap.status === 'built') {
      log(
        `Basemap of ${cityId}: ${basemap.tileCount} tiles, ${(basemap.bytes / 1024).toFixed(0)} kB, built in ${(basemap.durationMs / 1000).toFixed(1)} s.`,
      );
    }
  } catch (error) {
    log(`Basemap of ${cityId} not built: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The configured city first, then every other pack in the data folder (the server serves them all). */
export function packsToBuild(repoRoot: string, defaultCityId: string): string[] {
  const others = discoverCityPacks(join(repoRoot, 'data')).filter((id) => id !== defaultCityId);
  return [defaultCityId, ...others];
}
