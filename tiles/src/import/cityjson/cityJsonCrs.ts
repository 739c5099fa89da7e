/**
 * Which reprojection a CityJSON file gets: the user's `--crs`, else the file's
 * `metadata.referenceSystem`, else a local origin; and whether the coordinates really are in it.
 */
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
import type { ImportOptions, ImportProblem } from '../importedBuilding.ts';

/** The outcome: a reprojector to use, or nothing to import; problems either way. */
export type CrsDecision =
  | { ok: true; reproject: Reprojector; sourceCrs: string; problems: ImportProblem[] }
  | { ok: false; sourceCrs: string; problems: ImportProblem[] };

/**
 * Decides the CRS of a file. `extent` is `[minX, minY, maxX, maxY]` of its vertices in source
 * units (transform applied); without it the fit against the CRS is not checked yet.
 */
export function resolveCityJsonCrs(
  declared: string | undefined,
  options: ImportOptions,
  file: string,
  extent: readonly [number, number, number, number] | undefined,
): CrsDecision {
  const problems: ImportProblem[] = [];
  const local = (): CrsDecision => {
    const origin = options.localOrigin;
    if (!origin) return { ok: false, sourceCrs: '', problems };
    return { ok: true, reproject: createLocalReprojector(origin), sourceCrs: LOCAL_SOURCE_CRS, problems };
  };
  const fail = (message: string, sourceCrs = ''): CrsDecision => {
    problems.push({ file, message });
    return { ok: false, sourceCrs, problems };
  };

  const given = options.crs;
  const named = given ?? declared;
  const origin = given !== undefined ? 'given' : 'declared';
  if (named === undefined || named.trim() === '') {
    if (options.localOrigin) return local();
    return fail(
      `${file} names no CRS (no metadata.referenceSystem): give --crs EPSG:nnnn, or a local origin for local coordinates`,
    );
  }

  let parsed: ParsedCrs;
  try {
    parsed = parseCrs(named);
  } catch (error) {
    const reason = error instanceof CrsError ? error.message : String(error);
    if (options.localOrigin && origin === 'declared') {
      problems.push({ file, message: `${file}: ${reason}; placed at the given local origin instead` });
      return local();
    }
    return fail(`${file}: ${reason}`);
  }

  if (extent && !coordinatesFitCrs(parsed, extent)) {
    const where = `${file} ${origin === 'given' ? 'was given' : 'declares'} ${parsed.horizontal} (${parsed.horizontalName}) but its coordinates span ${formatExtent(extent)}, which cannot lie in that CRS`;
    if (options.localOrigin) {
      problems.push({
        file,
        message: `${where}; read them as local metres at the given local origin instead`,
      });
      return local();
    }
    return fail(`${where}; give --crs EPSG:nnnn, or a local origin for local coordinates`, parsed.horizontal);
  }
  return { ok: true, reproject: createReprojector(named), sourceCrs: parsed.horizontal, problems };
}

function formatExtent([minX, minY, maxX, maxY]: readonly [number, number, number, number]): string {
  const f = (value: number): string => String(Math.round(value * 100) / 100);
  return `x ${f(minX)}..${f(maxX)}, y ${f(minY)}..${f(maxY)}`;
}
