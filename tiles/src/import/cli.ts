/**
 * `npm run import -- <file> --city <id> [--crs EPSG:nnnn] [--origin lon,lat] [--name "Town"]`:
 * imports a CityGML, CityJSON or OpenStreetMap file as a city pack. Only wiring: arguments,
 * progress on stderr, summary, exit code (0 imported, 1 nothing imported, 2 bad arguments).
 */
import { stat } from 'node:fs/promises';
import { relative } from 'node:path';
import { createProgressReporter } from '../progressBar.ts';
import { detectFormat } from './detectFormat.ts';
import { IMPORT_USAGE, parseImportArgs } from './importArgs.ts';
import type { ImportProblem } from './importedBuilding.ts';
import {
  progressUnit,
  readFileHead,
  REPO_ROOT,
  UnknownFormatError,
  writeImportedPack,
} from './writeImportedPack.ts';

/** Problem lines printed before "… and N more". */
const MAX_PROBLEM_LINES = 20;

function problemLines(problems: readonly ImportProblem[]): string[] {
  const lines = problems
    .slice(0, MAX_PROBLEM_LINES)
    .map((p) => `  ${p.file}: ${p.objectId === undefined ? '' : `${p.objectId}: `}${p.message}`);
  if (problems.length > MAX_PROBLEM_LINES) lines.push(`  … and ${problems.length - MAX_PROBLEM_LINES} more`);
  return lines;
}

async function main(args: readonly string[]): Promise<number> {
  const command = parseImportArgs(args);
  if (command.kind === 'help') {
    process.stdout.write(`${IMPORT_USAGE}\n`);
    return 0;
  }
  if (command.kind === 'error') {
    process.stderr.write(`import: ${command.message}\n\n${IMPORT_USAGE}\n`);
    return 2;
  }
  const { file, cityId } = command;
  const isFile = await stat(file).then(
    (s) => s.isFile(),
    () => false,
  );
  if (!isFile) {
    process.stderr.write(`import: <file> ${file} does not exist or is not a file\n`);
    return 2;
  }
  let unit: 'bytes' | 'objects';
  try {
    unit = progressUnit(detectFormat(file, await readFileHead(file)));
  } catch (error) {
    if (!(error instanceof UnknownFormatError)) throw error;
    process.stderr.write(`import: <file> ${error.message}\n`);
    return 2;
  }
  const progress = createProgressReporter({ stream: process.stderr, unit, label: `import ${cityId}` });
  const result = await writeImportedPack({
    file,
    cityId,
    ...(command.crs === undefined ? {} : { crs: command.crs }),
    ...(command.origin === undefined ? {} : { origin: command.origin }),
    ...(command.name === undefined ? {} : { name: command.name }),
    onProgress: (done, total) => progress.update(done, total),
  });
  progress.finish();
  const outDir = `${relative(REPO_ROOT, result.outDir) || '.'}/`;
  const crs = result.sourceCrs === '' ? 'CRS unknown' : result.sourceCrs;
  const skipped = problemLines(result.problems);
  if (result.buildingCount === 0) {
    process.stderr.write(
      `import: nothing imported from ${file} (${crs}); ${outDir} was not written\n${skipped.join('\n')}\n`,
    );
    return 1;
  }
  const lines = [
    `imported ${result.buildingCount} buildings (${result.lod2Count} with LoD2 surfaces) from ${file} (${crs}) into ${outDir}`,
  ];
  if (result.problems.length > 0) lines.push(`skipped ${result.problems.length}:`, ...skipped);
  lines.push(
    `next: npm start (builds the missing 3D tiles), then open http://localhost:8080/?city=${cityId}` +
      ` (or npm run tiles -- --city ${cityId} to build them now)`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `import: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
