/**
 * Imports one source file and writes it as a city pack (`data/<cityId>/` or `outDir`). The I/O
 * shell around the importers and `importedPackFiles`; `cli.ts` only parses arguments and prints.
 */
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { importCityGmlFile } from './citygml/importCityGml.ts';
import { importCityJson, importCityJsonSeq } from './cityjson/importCityJson.ts';
import { detectFormat, FORMAT_SNIFF_BYTES, UnknownFormatError } from './detectFormat.ts';
import type { ImportFormat } from './detectFormat.ts';
import type { ImportOptions, ImportProblem, ImportResult } from './importedBuilding.ts';
import type { FootprintGround } from './importedPack.ts';
import { importedPackFiles } from './importedPack.ts';
import { DEM_FILE } from '../terrain/buildTerrain.ts';
import { sampleHeight } from '../terrain/dem.ts';
import { readDemBytes } from '../terrain/readDem.ts';
import { importOsm } from './osm/importOsm.ts';

/** The repository root (holding `data/`), three folders above this file. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Options of {@link writeImportedPack}. */
export interface WriteImportedPackOptions {
  /** The source file. */
  file: string;
  cityId: string;
  /** The town's name for `city.json`; defaults to the city id. */
  name?: string;
  /** `--crs`: wins over what the file says. */
  crs?: string;
  /** `--origin`: where (0, 0) of a file in local metres lies. */
  origin?: { lon: number; lat: number };
  /** Where the pack goes; default `<repo>/data/<cityId>`. */
  outDir?: string;
  /** Progress of the import: bytes for CityGML, objects otherwise (see {@link progressUnit}). */
  onProgress?: (done: number, total: number) => void;
}

/** What an import did. */
export interface WriteImportedPackResult {
  format: ImportFormat;
  /** The source CRS as the importer reports it (`EPSG:25832`, `local`). */
  sourceCrs: string;
  /** Buildings written to `buildings.geojson`; 0 means nothing was written. */
  buildingCount: number;
  /** Buildings with LoD2 surfaces in `buildings.surfaces.jsonl`. */
  lod2Count: number;
  /** Everything skipped or ignored, by the importer and by the pack writer. */
  problems: ImportProblem[];
  outDir: string;
}

/** The unit progress is counted in for a format. */
export function progressUnit(format: ImportFormat): 'bytes' | 'objects' {
  return format === 'citygml' ? 'bytes' : 'objects';
}

/** Reads the first bytes of a file for format detection. */
export async function readFileHead(path: string): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const buffer = new Uint8Array(FORMAT_SNIFF_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, FORMAT_SNIFF_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

async function runImporter(
  format: ImportFormat,
  path: string,
  options: ImportOptions,
): Promise<ImportResult> {
  switch (format) {
    case 'citygml':
      return importCityGmlFile(path, options);
    case 'cityjson':
      return importCityJson(await readFile(path, 'utf8'), options);
    case 'cityjsonseq': {
      const stream = createReadStream(path, { encoding: 'utf8' });
      try {
        return await importCityJsonSeq(createInterface({ input: stream, crlfDelay: Infinity }), options);
      } finally {
        stream.destroy();
      }
    }
    case 'osm-geojson':
    case 'overpass-json':
      return importOsm(await readFile(path, 'utf8'), options);
  }
}

/**
 * Detects the file's format, imports it and writes the pack. Nothing is written when no building
 * could be imported (an existing pack stays as it was); the problems then say why.
 * @throws UnknownFormatError when the file is of no known format; I/O errors reading the head.
 */
export async function writeImportedPack(options: WriteImportedPackOptions): Promise<WriteImportedPackResult> {
  const { file, cityId } = options;
  const format = detectFormat(file, await readFileHead(file));
  const sourceFileName = basename(file);
  const importOptions: ImportOptions = { fileLabel: sourceFileName };
  if (options.crs !== undefined) importOptions.crs = options.crs;
  if (options.origin !== undefined) importOptions.localOrigin = options.origin;
  if (options.onProgress !== undefined) importOptions.onProgress = options.onProgress;
  const result = await runImporter(format, file, importOptions);

  const outDir = options.outDir ?? join(REPO_ROOT, 'data', cityId);
  const footprintGround = await footprintGroundFor(format, outDir);
  const meta = {
    cityId,
    sourceFileName,
    ...(options.name === undefined ? {} : { name: options.name }),
    ...(footprintGround ? { footprintGround } : {}),
  };
  const pack = importedPackFiles(result, meta);
  const problems = [...result.problems, ...pack.problems];
  const summary = { format, sourceCrs: result.sourceCrs, lod2Count: pack.lod2Count, problems, outDir };
  if (pack.buildingCount === 0) {
    if (problems.length === 0)
      problems.push({ file: sourceFileName, message: 'the file holds no buildings: nothing imported' });
    return { ...summary, buildingCount: 0 };
  }
  await mkdir(outDir, { recursive: true });
  // A surfaces file from an earlier import would describe buildings this pack may not have.
  if (!pack.files.has('buildings.surfaces.jsonl'))
    await rm(join(outDir, 'buildings.surfaces.jsonl'), { force: true });
  for (const [fileName, text] of pack.files) await writeFile(join(outDir, fileName), text, 'utf8');
  return { ...summary, buildingCount: pack.buildingCount };
}

/**
 * Ground heights for the footprints when the pack folder already has a DEM (decision 0013): sampled
 * from it for OpenStreetMap, which has none; the source's own for CityGML and CityJSON.
 */
async function footprintGroundFor(
  format: ImportFormat,
  outDir: string,
): Promise<FootprintGround | undefined> {
  const demPath = join(outDir, DEM_FILE);
  const bytes = await readFile(demPath).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  });
  if (!bytes) return undefined;
  if (format !== 'osm-geojson' && format !== 'overpass-json') return { from: 'source' };
  const dem = await readDemBytes(bytes, demPath);
  return { from: 'dem', groundAt: (lonDeg, latDeg) => sampleHeight(dem, lonDeg, latDeg) };
}

export { UnknownFormatError };
