/**
 * Writes the demo city pack: `npm run generate:demo` (or `npx tsx data/generator/cli.ts`).
 * Options: `--seed <integer>` (default `DEFAULT_SEED`, the committed pack), `--out <folder>`
 * (default `data/boeblingen-demo`) and `--flat` (the town on the ellipsoid, without `dem.tif`,
 * instead of on its relief). The output is byte-identical for the same seed.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_SEED, DEMO_CITY_ID, generateDemoCity } from './generateDemoCity.ts';
import { DEM_FILE } from '../../tiles/src/terrain/buildTerrain.ts';
import { reliefGeoTiff } from './relief.ts';
import { serializeDemoCity } from './serializeDemoCity.ts';
import { generateLandscape, LANDSCAPE_FILE, serializeLandscape } from './landscape.ts';

/** The committed demo pack's folder, next to this generator. */
export const DEFAULT_OUT_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', DEMO_CITY_ID);

function parseArgs(argv: readonly string[]): { seed: number; outDir: string; relief: boolean } {
  let seed = DEFAULT_SEED;
  let outDir = DEFAULT_OUT_DIR;
  let relief = true;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = argv[i + 1];
    if (arg === '--seed' && value !== undefined) {
      seed = Number(value);
      if (!Number.isSafeInteger(seed) || seed < 0)
        throw new Error(`--seed wants a non-negative integer, got "${value}"`);
      i++;
    } else if (arg === '--flat') {
      relief = false;
    } else if (arg === '--out' && value !== undefined) {
      outDir = resolve(value);
      i++;
    } else {
      throw new Error(
        `unknown argument "${arg}"; usage: cli.ts [--seed <integer>] [--out <folder>] [--flat]`,
      );
    }
  }
  return { seed, outDir, relief };
}

async function main(): Promise<void> {
  const { seed, outDir, relief } = parseArgs(process.argv.slice(2));
  const city = generateDemoCity(seed, { relief });
  await mkdir(outDir, { recursive: true });
  const landscape = { fileName: LANDSCAPE_FILE, text: serializeLandscape(generateLandscape(seed)) };
  for (const file of [...serializeDemoCity(city), landscape]) {
    await mkdir(dirname(join(outDir, file.fileName)), { recursive: true });
    await writeFile(join(outDir, file.fileName), file.text, 'utf8');
    const kB = (Buffer.byteLength(file.text, 'utf8') / 1024).toFixed(1);
    process.stdout.write(`${relative(process.cwd(), join(outDir, file.fileName))}  ${kB} kB\n`);
  }
  // The relief the positions above stand on: the pack's elevation model, built into terrain tiles.
  if (relief) {
    const dem = reliefGeoTiff();
    await writeFile(join(outDir, DEM_FILE), dem);
    process.stdout.write(
      `${relative(process.cwd(), join(outDir, DEM_FILE))}  ${(dem.byteLength / 1024).toFixed(1)} kB\n`,
    );
  } else await rm(join(outDir, DEM_FILE), { force: true });
  const sensorsByKind = new Map<string, number>();
  for (const sensor of city.sensors)
    sensorsByKind.set(sensor.kind, (sensorsByKind.get(sensor.kind) ?? 0) + 1);
  process.stdout.write(
    `seed ${seed}: ${city.buildings.features.length} buildings, ${city.roads.features.length} road segments, ` +
      `${city.basins.features.length} basins, sensors ${[...sensorsByKind].map(([kind, n]) => `${kind} ${n}`).join(', ')}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`generate:demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
