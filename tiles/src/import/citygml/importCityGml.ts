/**
 * CityGML 1.0 / 2.0 buildings into the common import model. The file is streamed: text goes to
 * `cityGmlReader.ts` chunk by chunk, and each building is reprojected and turned into an
 * `ImportedBuilding` as soon as its element closes, so memory stays bounded by the largest building
 * (plus the finished results). Bad data becomes `ImportProblem`s; nothing here throws for it.
 */
export { LOCAL_SOURCE_CRS } from '../crs.ts';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import {
  coordinatesFitCrs,
  createLocalReprojector,
  createReprojector,
  CrsError,
  LOCAL_SOURCE_CRS,
  parseCrs,
  type ParsedCrs,
  type Reprojector,
} from '../crs.ts';
import type {
  ImportedBuilding,
  ImportedSurface,
  ImportOptions,
  ImportProblem,
  ImportResult,
  LonLatHeight,
  PolygonRings,
} from '../importedBuilding.ts';
import { createCityGmlReader, type SourceBuilding, type SourcePolygon } from './cityGmlReader.ts';
import { decodeXmlChunks } from './decodeXmlChunks.ts';

/** Chunk size for reading files: large enough to be fast, small enough to keep memory flat. */
const FILE_CHUNK_BYTES = 64 * 1024;

/** Height spread under which a polygon counts as horizontal, for footprints from LoD1 solids. */
const HORIZONTAL_TOLERANCE_M = 0.05;

/**
 * Rewrites the AdV's CRS names (German state survey data) into EPSG codes `parseCrs` reads, e.g.
 * `urn:adv:crs:ETRS89_UTM32*DE_DHHN92_NH` to `EPSG:25832+5783`. Other names pass unchanged.
 */
export function normaliseSrsName(srsName: string): string {
  const adv = /^urn:adv:crs:([^*]+)(?:\*(.*))?$/i.exec(srsName.trim());
  if (!adv) return srsName;
  const horizontal = adv[1] ?? '';
  const vertical = adv[2] ?? '';
  let code: number | undefined;
  const utm = /^ETRS89_UTM(32|33)$/i.exec(horizontal);
  if (utm) code = utm[1] === '32' ? 25832 : 25833;
  const gaussKrueger = /^DE_DHDN_3GK([2-5])$/i.exec(horizontal);
  if (gaussKrueger) code = 31464 + Number(gaussKrueger[1]);
  if (code === undefined) return srsName;
  if (/DHHN2016/i.test(vertical)) return `EPSG:${code}+7837`;
  if (/DHHN92/i.test(vertical)) return `EPSG:${code}+5783`;
  if (/DHHN85/i.test(vertical)) return `EPSG:${code}+5784`;
  return `EPSG:${code}`;
}

/** How one building's coordinates are turned into WGS84, decided per CRS name. */
type Placement = { reproject: Reprojector; parsed?: ParsedCrs; sourceCrs: string } | { skip: true };

function boundingBox(polygons: readonly SourcePolygon[]): [number, number, number, number] | undefined {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const polygon of polygons) {
    for (const ring of polygon.rings) {
      for (const [x, y] of ring) {
        minX = Math.min(minX, x);
        minY = Math.min(minY, y);
        maxX = Math.max(maxX, x);
        maxY = Math.max(maxY, y);
      }
    }
  }
  return minX <= maxX ? [minX, minY, maxX, maxY] : undefined;
}

function heightRange(polygon: PolygonRings): [min: number, max: number] {
  let min = Infinity;
  let max = -Infinity;
  for (const ring of polygon) {
    for (const position of ring) {
      min = Math.min(min, position[2]);
      max = Math.max(max, position[2]);
    }
  }
  return [min, max];
}

/**
 * The ground outline: ground surfaces where the source names them, else the lowest horizontal
 * polygons (the bottom of a LoD1 block). Exported for tests.
 */
export function footprintOf(surfaces: readonly ImportedSurface[]): PolygonRings[] {
  const ground = surfaces.filter((surface) => surface.kind === 'ground').map((surface) => surface.polygon);
  if (ground.length > 0) return ground;
  const horizontal = surfaces
    .map((surface) => ({ polygon: surface.polygon, range: heightRange(surface.polygon) }))
    .filter(({ range }) => range[1] - range[0] <= HORIZONTAL_TOLERANCE_M);
  if (horizontal.length === 0) return [];
  const lowest = Math.min(...horizontal.map(({ range }) => range[0]));
  return horizontal
    .filter(({ range }) => range[0] - lowest <= HORIZONTAL_TOLERANCE_M)
    .map(({ polygon }) => polygon);
}

function lowestHeight(polygons: readonly PolygonRings[]): number | undefined {
  let min = Infinity;
  for (const polygon of polygons) min = Math.min(min, heightRange(polygon)[0]);
  return Number.isFinite(min) ? min : undefined;
}

/** Turns source buildings into imported ones, keeping the CRS decisions and problems of one file. */
function createBuildingConverter(options: ImportOptions, file: string, problems: ImportProblem[]) {
  const placements = new Map<string, Placement>();
  const reported = new Set<string>();
  const seenIds = new Set<string>();
  /** Lowest ground of the parts seen so far, for a building whose geometry is all in its parts. */
  const partGroundM = new Map<string, number>();
  let localReprojector: Reprojector | undefined;
  let sourceCrs = '';

  const reportOnce = (key: string, problem: ImportProblem): void => {
    if (reported.has(key)) return;
    reported.add(key);
    problems.push(problem);
  };

  const local = (): Placement | undefined => {
    if (!options.localOrigin) return undefined;
    localReprojector ??= createLocalReprojector(options.localOrigin);
    return { reproject: localReprojector, sourceCrs: LOCAL_SOURCE_CRS };
  };

  const placementFor = (building: SourceBuilding): Placement => {
    const crsText =
      options.crs ?? (building.srsName === undefined ? undefined : normaliseSrsName(building.srsName));
    if (crsText === undefined) {
      const placement = local();
      if (placement) return placement;
      reportOnce('no-crs', { file, message: 'no CRS: give --crs or a local origin' });
      return { skip: true };
    }
    let placement = placements.get(crsText);
    if (!placement) {
      try {
        const parsed = parseCrs(crsText);
        placement = { reproject: createReprojector(crsText), parsed, sourceCrs: parsed.horizontal };
      } catch (error) {
        if (!(error instanceof CrsError)) throw error;
        problems.push({ file, message: error.message });
        placement = { skip: true };
      }
      placements.set(crsText, placement);
    }
    if ('skip' in placement || !placement.parsed) return placement;
    const bbox = boundingBox(building.polygons);
    if (bbox && !coordinatesFitCrs(placement.parsed, bbox)) {
      const fallback = local();
      reportOnce(`misfit:${crsText}`, {
        file,
        objectId: building.id,
        message:
          `coordinates do not fit the CRS ${crsText} (${bbox.map((v) => v.toFixed(1)).join(', ')}): ` +
          (fallback ? 'placed at the local origin instead' : 'skipped; give --crs or a local origin'),
      });
      return fallback ?? { skip: true };
    }
    return placement;
  };

  return {
    convert(source: SourceBuilding): ImportedBuilding | undefined {
      if (seenIds.has(source.id)) {
        problems.push({
          file,
          objectId: source.id,
          message: 'duplicate gml:id: kept the first, skipped this one',
        });
        return undefined;
      }
      seenIds.add(source.id);
      const placement = placementFor(source);
      if ('skip' in placement) return undefined;

      // Surfaces of the finest LoD only: a building with LoD1 and LoD2 geometry is one building.
      const lod = Math.max(0, ...source.polygons.map((polygon) => polygon.lod));
      const surfaces: ImportedSurface[] = [];
      try {
        for (const polygon of source.polygons) {
          if (polygon.lod !== lod) continue;
          const rings = polygon.rings.map((ring) =>
            ring.map(([x, y, z]): LonLatHeight => placement.reproject(x, y, z)),
          );
          surfaces.push({ kind: polygon.kind, polygon: rings });
        }
      } catch (error) {
        if (!(error instanceof CrsError)) throw error;
        problems.push({ file, objectId: source.id, message: `skipped: ${error.message}` });
        return undefined;
      }
      if (sourceCrs === '') sourceCrs = placement.sourceCrs;

      const footprint = footprintOf(surfaces);
      const groundHeightM =
        lowestHeight(footprint) ??
        lowestHeight(surfaces.map((surface) => surface.polygon)) ??
        partGroundM.get(source.id) ??
        0;
      if (source.parentId !== undefined) {
        partGroundM.set(
          source.parentId,
          Math.min(partGroundM.get(source.parentId) ?? Infinity, groundHeightM),
        );
      }
      partGroundM.delete(source.id);

      const building: ImportedBuilding = {
        id: source.id,
        groundHeightM,
        footprint,
        surfaces,
        lod: lod === 1 || lod === 2 || lod === 3 ? lod : 0,
        attributes: source.attributes,
      };
      if (source.parentId !== undefined) building.parentId = source.parentId;
      if (source.name !== undefined) building.name = source.name;
      if (source.use !== undefined) building.use = source.use;
      if (source.heightM !== undefined) building.heightM = source.heightM;
      if (source.storeys !== undefined) building.storeys = source.storeys;
      if (source.yearOfConstruction !== undefined) building.yearOfConstruction = source.yearOfConstruction;
      return building;
    },
    get sourceCrs(): string {
      return sourceCrs;
    },
  };
}

/**
 * Imports the buildings and building parts of a CityGML 1.0 or 2.0 document. `source` is the whole
 * document as a string, or a stream of text or byte chunks (bytes are decoded in the encoding the
 * XML declaration names). Buildings finished before a syntax error are still returned.
 *
 * `sourceCrs` is the EPSG code of the horizontal CRS, `local` for files placed by
 * `options.localOrigin`, and empty when no building could be placed.
 */
export async function importCityGml(
  source: AsyncIterable<string | Uint8Array> | string,
  options: ImportOptions,
): Promise<ImportResult> {
  const file = options.fileLabel ?? 'CityGML input';
  const problems: ImportProblem[] = [];
  const buildings: ImportedBuilding[] = [];
  const converter = createBuildingConverter(options, file, problems);
  const reader = createCityGmlReader(
    (sourceBuilding) => {
      const building = converter.convert(sourceBuilding);
      if (building) buildings.push(building);
    },
    (problem) => problems.push({ file, ...problem }),
  );
  const chunks =
    typeof source === 'string'
      ? [source]
      : decodeXmlChunks(source, (label) =>
          problems.push({ file, message: `unknown encoding "${label}": read as UTF-8` }),
        );
  for await (const text of chunks) {
    reader.write(text);
    if (reader.failed) break;
  }
  reader.close();
  return { buildings, problems, sourceCrs: converter.sourceCrs };
}

/**
 * Streams a CityGML file from disk in 64 KB chunks through `importCityGml`, reporting
 * `options.onProgress(bytesRead, totalBytes)` after each chunk. A file that cannot be read becomes a
 * problem, not an exception. `fileLabel` defaults to `path`.
 */
export async function importCityGmlFile(path: string, options: ImportOptions): Promise<ImportResult> {
  const labelled: ImportOptions = { ...options, fileLabel: options.fileLabel ?? path };
  const file = labelled.fileLabel ?? path;
  let totalBytes: number;
  try {
    totalBytes = (await stat(path)).size;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { buildings: [], problems: [{ file, message: `cannot read file: ${reason}` }], sourceCrs: '' };
  }
  const stream = createReadStream(path, { highWaterMark: FILE_CHUNK_BYTES });
  async function* withProgress(): AsyncGenerator<Uint8Array> {
    let bytesRead = 0;
    for await (const chunk of stream) {
      const bytes = chunk as Buffer;
      bytesRead += bytes.length;
      yield bytes;
      options.onProgress?.(bytesRead, totalBytes);
    }
  }
  try {
    return await importCityGml(withProgress(), labelled);
  } catch (error) {
    // Only I/O errors reach here (the importer turns bad data into problems).
    const reason = error instanceof Error ? error.message : String(error);
    return { buildings: [], problems: [{ file, message: `cannot read file: ${reason}` }], sourceCrs: '' };
  } finally {
    stream.destroy();
  }
}
