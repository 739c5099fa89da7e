/**
 * `npx tsx tiles/src/cli.ts [--city boeblingen-demo] [--force] [--validate]`: builds a city pack's
 * tiles (see buildCityTiles.ts). Only wiring: arguments, progress on stderr, summary, exit code.
 */
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { buildCityTiles, DEFAULT_REPO_ROOT } from './buildCityTiles.ts';
import { buildCityTerrain } from './terrain/buildTerrain.ts';
import { CLI_USAGE, parseCliArgs } from './cliArgs.ts';
import { validateGlb } from './glbValidator.ts';
import { validateTileMetadata } from './validateTileMetadata.ts';
import { validateTileset } from './validateTileset.ts';
import { createProgressReporter } from './progressBar.ts';

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(2)} MB` : `${(bytes / 1024).toFixed(1)} kB`;
}

/**
 * Validates a build: the tileset tree, then every GLB with the Khronos glTF validator and the
 * metadata extension checks. Returns the number of errors found.
 */
async function validateOutput(outDir: string, contentUris: readonly string[]): Promise<number> {
  const readContent = async (uri: string): Promise<Uint8Array> =>
    new Uint8Array(await readFile(join(outDir, uri)));
  const print = (label: string, kind: 'error' | 'warning', pointer: string, message: string): void => {
    process.stderr.write(`  ${label}: ${kind} ${pointer || '(file)'} ${message}\n`);
  };
  const tileset: unknown = JSON.parse(await readFile(join(outDir, 'tileset.json'), 'utf8'));
  const tilesetReport = await validateTileset(tileset, readContent);
  for (const m of tilesetReport.errors) print('tileset.json', 'error', m.pointer, m.message);
  for (const m of tilesetReport.warnings) print('tileset.json', 'warning', m.pointer, m.message);
  process.stderr.write(
    `tiles: tileset check: ${tilesetReport.errors.length} errors, ${tilesetReport.warnings.length} warnings\n`,
  );

  let gltfErrors = 0;
  let gltfWarnings = 0;
  let metadataErrors = 0;
  let metadataWarnings = 0;
  for (const uri of contentUris) {
    const glb = await readContent(uri);
    const report = await validateGlb(glb, uri);
    gltfErrors += report.issues.numErrors;
    gltfWarnings += report.issues.numWarnings;
    for (const message of report.issues.messages.filter((m) => m.severity <= 1)) {
      print(
        uri,
        message.severity === 0 ? 'error' : 'warning',
        message.pointer ?? '',
        `${message.code} ${message.message}`,
      );
    }
    const metadata = validateTileMetadata(glb, uri);
    metadataErrors += metadata.errors.length;
    metadataWarnings += metadata.warnings.length;
    for (const m of metadata.errors) print(uri, 'error', m.pointer, m.message);
    for (const m of metadata.warnings) print(uri, 'warning', m.pointer, m.message);
  }
  process.stderr.write(
    `tiles: glTF validator: ${contentUris.length} GLB, ${gltfErrors} errors, ${gltfWarnings} warnings\n` +
      `tiles: metadata check: ${contentUris.length} GLB, ${metadataErrors} errors, ${metadataWarnings} warnings\n`,
  );
  return tilesetReport.errors.length + gltfErrors + metadataErrors;
}

async function main(args: readonly string[]): Promise<number> {
  const command = parseCliArgs(args);
  if (command.kind === 'help') {
    process.stdout.write(`${CLI_USAGE}\n`);
    return 0;
  }
  if (command.kind === 'error') {
    process.stderr.write(`tiles: ${command.message}\n\n${CLI_USAGE}\n`);
    return 2;
  }
  const { cityId } = command;
  const progress = createProgressReporter({
    stream: process.stderr,
    unit: 'buildings',
    label: `tiles ${cityId}`,
  });
  const result = await buildCityTiles(cityId, {
    force: command.force,
    onProgress: (done, total) => progress.update(done, total),
    ...(command.maxBuildingsPerTile === undefined
      ? {}
      : { maxBuildingsPerTile: command.maxBuildingsPerTile }),
  });
  progress.finish();
  const outDir = relative(DEFAULT_REPO_ROOT, result.outDir);
  if (result.status === 'up-to-date' || !result.build) {
    process.stderr.write(`tiles ${cityId}: ${outDir} is up to date (use --force to rebuild)\n`);
  } else {
    const { build } = result;
    for (const skip of build.skipped) {
      const what = skip.buildingDropped ? 'building left out' : `polygon ${skip.polygonIndex} left out`;
      process.stderr.write(`tiles ${cityId}: ${skip.buildingId}: ${what}: ${skip.reason}\n`);
    }
    for (const warning of build.roofWarnings) process.stderr.write(`tiles ${cityId}: ${warning}\n`);
    process.stderr.write(
      `tiles ${cityId}: ${build.featureCount} buildings -> ${build.tileCount} tiles (${build.contentCount} GLB), ` +
        `${formatBytes(build.totalBytes)} in ${outDir} in ${(result.durationMs / 1000).toFixed(2)} s\n`,
    );
  }
  // The pack's terrain, when it has a DEM (a pack without one gets none, and any old one is removed).
  const terrain = await buildCityTerrain(cityId, { repoRoot: DEFAULT_REPO_ROOT, force: command.force });
  if (terrain.status === 'built' && terrain.build) {
    process.stderr.write(
      `tiles ${cityId}: terrain ${terrain.build.tileCount} tiles to level ${terrain.build.maxLevel}, ` +
        `${formatBytes(terrain.build.totalBytes)} in ${relative(DEFAULT_REPO_ROOT, terrain.outDir)} in ${(terrain.durationMs / 1000).toFixed(2)} s\n`,
    );
  } else if (terrain.status === 'up-to-date') {
    process.stderr.write(`tiles ${cityId}: terrain is up to date\n`);
  }
  if (command.validate) {
    const info: unknown = JSON.parse(await readFile(join(result.outDir, 'build-info.json'), 'utf8'));
    const contentUris =
      typeof info === 'object' && info !== null && 'contentUris' in info && Array.isArray(info.contentUris)
        ? info.contentUris.filter((uri): uri is string => typeof uri === 'string')
        : [];
    if ((await validateOutput(result.outDir, contentUris)) > 0) return 1;
  }
  return 0;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`tiles: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
