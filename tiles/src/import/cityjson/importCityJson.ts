/**
 * CityJSON 1.1 / 2.0 documents and CityJSONSeq streams to the common import model. Only `Building`
 * and `BuildingPart` objects become buildings; textures and materials are ignored, so missing
 * texture images do no harm. Bad data never throws: it becomes `ImportProblem`s and the rest is kept.
 */
import type { ImportedBuilding, ImportOptions, ImportProblem, ImportResult } from '../importedBuilding.ts';
import { resolveCityJsonCrs, type CrsDecision } from './cityJsonCrs.ts';
import {
  createVertexPool,
  IDENTITY_TRANSFORM,
  importCityObject,
  isRecord,
  sourceExtent,
  type VertexPool,
  type VertexTransform,
} from './cityJsonObject.ts';

export { LOCAL_SOURCE_CRS } from '../crs.ts';

const BUILDING_TYPES = new Set(['Building', 'BuildingPart']);
const TESTED_VERSIONS = new Set(['1.1', '2.0']);

/** Collects buildings and problems across documents or features, and counts what it ignored. */
interface Collector {
  file: string;
  buildings: ImportedBuilding[];
  problems: ImportProblem[];
  seenIds: Set<string>;
  ignoredTypes: Map<string, number>;
}

/**
 * Imports a CityJSON document (`"type": "CityJSON"`). The CRS is `options.crs`, else the file's
 * `metadata.referenceSystem`; a file with none, or one whose coordinates contradict it (local
 * metres under a projected CRS), is placed at `options.localOrigin` when given, else nothing is
 * imported and a problem says why. `sourceCrs` is then `'local'` (`LOCAL_SOURCE_CRS`).
 */
export function importCityJson(text: string, options: ImportOptions): ImportResult {
  const file = options.fileLabel ?? 'CityJSON';
  const parsed = parseJson(text, file, file);
  if ('problem' in parsed) return { buildings: [], problems: [parsed.problem], sourceCrs: '' };
  const document = parsed.value;
  const collector = createCollector(file);

  if (!isRecord(document) || document.type !== 'CityJSON') {
    const type = isRecord(document) ? String(document.type) : typeof document;
    const hint =
      type === 'CityJSONFeature' ? ' (a CityJSONFeature: read the stream with importCityJsonSeq)' : '';
    return finish(collector, '', [
      { file, message: `${file} is not a CityJSON document: type is ${type}${hint}` },
    ]);
  }
  const header = readHeader(document, collector);
  const vertices = Array.isArray(document.vertices) ? document.vertices : [];
  const crs = resolveCityJsonCrs(header.declaredCrs, options, file, sourceExtent(vertices, header.transform));
  if (!crs.ok) return finish(collector, crs.sourceCrs, crs.problems);

  const cityObjects = isRecord(document.CityObjects) ? document.CityObjects : {};
  const pool = createVertexPool(vertices, header.transform, crs.reproject);
  const total = Object.keys(cityObjects).length;
  let done = 0;
  for (const [id, object] of Object.entries(cityObjects)) {
    importObject(id, object, pool, collector);
    done += 1;
    if (done % 500 === 0) options.onProgress?.(done, total);
  }
  options.onProgress?.(total, total);
  return finish(collector, crs.sourceCrs, crs.problems);
}

/**
 * Imports a CityJSONSeq stream (`.jsonl`): the first non-empty line is a `CityJSON` header with
 * `transform` and `metadata`, every further line one `CityJSONFeature` with its own vertices. Lines
 * are handled one at a time, so memory holds one feature plus the results. A CityObject id seen
 * before is reported and skipped (the first wins). The CRS is decided as in `importCityJson`, with
 * the first feature's coordinates standing for the file. `onProgress` is not called: the total is
 * not known before the end of the stream.
 */
export async function importCityJsonSeq(
  lines: AsyncIterable<string> | Iterable<string>,
  options: ImportOptions,
): Promise<ImportResult> {
  const file = options.fileLabel ?? 'CityJSONSeq';
  const collector = createCollector(file);
  let header: Header | undefined;
  let crs: CrsDecision | undefined;
  let lineNumber = 0;
  for await (const rawLine of lines) {
    lineNumber += 1;
    const line = rawLine.trim();
    if (line === '') continue;
    const label = `${file} line ${lineNumber}`;
    const parsed = parseJson(line, file, label);
    if ('problem' in parsed) {
      // A broken header leaves no transform or CRS to read the features with.
      if (!header) return finish(collector, '', [parsed.problem]);
      collector.problems.push(parsed.problem);
      continue;
    }
    const value = parsed.value;

    if (!header) {
      if (!isRecord(value) || value.type !== 'CityJSON') {
        return finish(collector, '', [
          { file, message: `${label}: the first line of a CityJSONSeq must be its CityJSON header` },
        ]);
      }
      header = readHeader(value, collector);
      // Checked before any feature so a stream with no usable CRS stops at once.
      const early = resolveCityJsonCrs(header.declaredCrs, options, file, undefined);
      if (!early.ok) return finish(collector, early.sourceCrs, early.problems);
      continue;
    }

    if (!isRecord(value) || value.type !== 'CityJSONFeature') {
      collector.problems.push({ file, message: `${label} is not a CityJSONFeature; skipped` });
      continue;
    }
    const vertices = Array.isArray(value.vertices) ? value.vertices : [];
    if (!crs) {
      const extent = sourceExtent(vertices, header.transform);
      if (extent) {
        crs = resolveCityJsonCrs(header.declaredCrs, options, file, extent);
        if (!crs.ok) return finish(collector, crs.sourceCrs, crs.problems);
      }
    }
    if (!crs?.ok) continue;
    const pool = createVertexPool(vertices, header.transform, crs.reproject);
    const cityObjects = isRecord(value.CityObjects) ? value.CityObjects : {};
    for (const [id, object] of Object.entries(cityObjects)) importObject(id, object, pool, collector);
  }

  if (!header) return finish(collector, '', [{ file, message: `${file} is empty: no CityJSON header line` }]);
  if (crs?.ok) return finish(collector, crs.sourceCrs, crs.problems);
  // No feature had coordinates: still say which CRS the stream would have used.
  const decision = resolveCityJsonCrs(header.declaredCrs, options, file, undefined);
  return finish(collector, decision.sourceCrs, decision.problems);
}

interface Header {
  declaredCrs: string | undefined;
  transform: VertexTransform;
}

function readHeader(document: Record<string, unknown>, collector: Collector): Header {
  const { file } = collector;
  const version = String(document.version);
  if (!TESTED_VERSIONS.has(version)) {
    collector.problems.push({
      file,
      message: `${file} is CityJSON ${version}; read as 2.0, which may miss things`,
    });
  }
  const metadata = isRecord(document.metadata) ? document.metadata : {};
  const declaredCrs = typeof metadata.referenceSystem === 'string' ? metadata.referenceSystem : undefined;
  let transform = IDENTITY_TRANSFORM;
  if (document.transform !== undefined) {
    const parsed = readTransform(document.transform);
    if (parsed) transform = parsed;
    else
      collector.problems.push({ file, message: `${file} has a malformed transform; vertices read unscaled` });
  }
  return { declaredCrs, transform };
}

function readTransform(value: unknown): VertexTransform | undefined {
  if (!isRecord(value)) return undefined;
  const triple = (item: unknown): [number, number, number] | undefined =>
    Array.isArray(item) && item.length === 3 && item.every((n) => typeof n === 'number' && Number.isFinite(n))
      ? (item as [number, number, number])
      : undefined;
  const scale = triple(value.scale);
  const translate = triple(value.translate);
  return scale && translate ? { scale, translate } : undefined;
}

function importObject(id: string, object: unknown, pool: VertexPool, collector: Collector): void {
  const type = isRecord(object) && typeof object.type === 'string' ? object.type : '(no type)';
  if (!isRecord(object) || !BUILDING_TYPES.has(type)) {
    collector.ignoredTypes.set(type, (collector.ignoredTypes.get(type) ?? 0) + 1);
    return;
  }
  if (collector.seenIds.has(id)) {
    collector.problems.push({
      file: collector.file,
      objectId: id,
      message: 'the id occurs more than once; the first object was kept, this one skipped',
    });
    return;
  }
  collector.seenIds.add(id);
  const result = importCityObject(id, object, pool, collector.file);
  if (result.building) collector.buildings.push(result.building);
  collector.problems.push(...result.problems);
}

function createCollector(file: string): Collector {
  return { file, buildings: [], problems: [], seenIds: new Set(), ignoredTypes: new Map() };
}

/** The result, with the CRS problems first and one summary per ignored CityObject type. */
function finish(collector: Collector, sourceCrs: string, crsProblems: ImportProblem[]): ImportResult {
  const { file } = collector;
  const ignored: ImportProblem[] = [...collector.ignoredTypes].map(([type, count]) => ({
    file,
    message: type.startsWith('+')
      ? `${count} CityObject(s) of extension type ${type} ignored: extensions are not supported`
      : `${count} CityObject(s) of type ${type} ignored: only Building and BuildingPart are imported`,
  }));
  return {
    buildings: collector.buildings,
    problems: [...crsProblems, ...collector.problems, ...ignored],
    sourceCrs,
  };
}

/** `JSON.parse` with the error turned into a problem that says where the text broke. */
function parseJson(
  text: string,
  file: string,
  label: string,
): { value: unknown } | { problem: ImportProblem } {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const offsetMatch = /at position (\d+)/.exec(message);
    const offset = offsetMatch
      ? Number(offsetMatch[1])
      : /end of JSON input/.test(message)
        ? text.length
        : undefined;
    // V8 quotes the whole input in some messages; the file is too big for that to help.
    const reason = message.replace(/, ".*" is not valid JSON$/s, '');
    const where = offset === undefined ? '' : ` at ${lineAndColumn(text, offset)} (offset ${offset})`;
    return { problem: { file, message: `${label} is not valid JSON${where}: ${reason}` } };
  }
}

function lineAndColumn(text: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (
    let index = text.indexOf('\n');
    index !== -1 && index < offset;
    index = text.indexOf('\n', index + 1)
  ) {
    line += 1;
    lineStart = index + 1;
  }
  return `line ${line}, column ${offset - lineStart + 1}`;
}
