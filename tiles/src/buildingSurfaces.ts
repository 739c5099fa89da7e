/**
 * The real boundary surfaces of an imported pack, `buildings.surfaces.jsonl` (docs/city-pack.md,
 * "Imported packs and real surfaces"): one JSON object per line, one line per building that has them.
 *
 * The file can be far larger than buildings.geojson (every wall and roof of a town at LoD2), so it is
 * read line by line and hashed as a stream: it is never held in memory as one string.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { BuildingsInputError } from './buildingFeatures.ts';
import type { ImportedSurface, LonLatHeight, SurfaceKind } from './import/importedBuilding.ts';

/** File name of the surfaces next to `buildings.geojson`. */
export const SURFACES_FILE = 'buildings.surfaces.jsonl';

/** One line of `buildings.surfaces.jsonl`: a building's surfaces, heights in the source datum. */
export interface SurfaceRecord {
  readonly id: string;
  readonly lod: number;
  /** Lowest point of the ground outline, same datum as the surfaces; the build puts it at height 0. */
  readonly groundHeightM: number;
  readonly surfaces: readonly ImportedSurface[];
}

const SURFACE_KINDS: readonly SurfaceKind[] = ['roof', 'wall', 'ground', 'closure', 'other'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPosition(value: unknown): value is LonLatHeight {
  return (
    Array.isArray(value) &&
    value.length === 3 &&
    value.every((n) => typeof n === 'number' && Number.isFinite(n)) &&
    Math.abs(value[0] as number) <= 180 &&
    Math.abs(value[1] as number) <= 90
  );
}

/**
 * Checks one line and returns its record, or the problem (without file and line: the caller adds
 * them). Rings need at least 3 positions; whether they enclose any area is the mesher's concern.
 */
export function parseSurfaceLine(line: string): SurfaceRecord | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return `not valid JSON (${error instanceof Error ? error.message : String(error)})`;
  }
  if (!isRecord(value)) return 'must be a JSON object';
  const { id, lod, groundHeightM, surfaces } = value;
  if (typeof id !== 'string' || id.length === 0) return 'id must be a non-empty string';
  if (typeof lod !== 'number' || !Number.isInteger(lod)) return `${id}: lod must be an integer`;
  if (typeof groundHeightM !== 'number' || !Number.isFinite(groundHeightM))
    return `${id}: groundHeightM must be a finite number`;
  if (!Array.isArray(surfaces)) return `${id}: surfaces must be an array`;
  const checked: ImportedSurface[] = [];
  for (const [index, surface] of surfaces.entries()) {
    const where = `${id}: surfaces[${index}]`;
    if (!isRecord(surface)) return `${where} must be an object`;
    const { kind, polygon } = surface;
    if (typeof kind !== 'string' || !(SURFACE_KINDS as readonly string[]).includes(kind))
      return `${where}.kind must be one of ${SURFACE_KINDS.join(', ')}`;
    if (!Array.isArray(polygon) || polygon.length === 0) return `${where}.polygon must be an array of rings`;
    for (const [ringIndex, ring] of polygon.entries()) {
      if (!Array.isArray(ring) || ring.length < 3 || !ring.every(isPosition))
        return `${where}.polygon[${ringIndex}] must be at least 3 [lon, lat, heightM] positions`;
    }
    // Checked element by element just above.
    checked.push({ kind: kind as SurfaceKind, polygon: polygon as LonLatHeight[][] });
  }
  return { id, lod, groundHeightM, surfaces: checked };
}

/**
 * Reads `buildings.surfaces.jsonl` into a map by building id. Blank lines are skipped.
 *
 * @param sourceLabel names the file in errors, e.g. `data/x/buildings.surfaces.jsonl`.
 * @throws BuildingsInputError listing every malformed line (file and line number) and repeated id.
 */
export async function readSurfacesFile(
  path: string,
  sourceLabel: string = path,
): Promise<Map<string, SurfaceRecord>> {
  const records = new Map<string, SurfaceRecord>();
  const firstLineOf = new Map<string, number>();
  const problems: string[] = [];
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber++;
    if (line.trim().length === 0) continue;
    const parsed = parseSurfaceLine(line);
    if (typeof parsed === 'string') {
      problems.push(`line ${lineNumber}: ${parsed}`);
      continue;
    }
    const first = firstLineOf.get(parsed.id);
    if (first !== undefined) {
      problems.push(`line ${lineNumber}: ${parsed.id} repeats line ${first}`);
      continue;
    }
    firstLineOf.set(parsed.id, lineNumber);
    records.set(parsed.id, parsed);
  }
  if (problems.length > 0) throw new BuildingsInputError(sourceLabel, problems);
  return records;
}

/** sha256 (hex) of a file, read as a stream. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
