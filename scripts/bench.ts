/**
 * `npm run bench`: runs every benchmark file (`<area>/bench/*Bench.ts`) one after another, each in
 * its own tsx process so one area's memory never skews another's. Their JSON lines pass through on
 * stdout; the exit code is non-zero when any file fails.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const skipped = new Set(['node_modules', '.git']);

const benchFiles = readdirSync(repoRoot, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && !skipped.has(entry.name))
  .map((entry) => join(repoRoot, entry.name, 'bench'))
  .filter((dir) => existsSync(dir))
  .flatMap((dir) =>
    readdirSync(dir)
      .filter((name) => name.endsWith('Bench.ts'))
      .map((name) => join(dir, name)),
  )
  .sort();

let failed = 0;
for (const file of benchFiles) {
  process.stderr.write(`[bench] ${relative(repoRoot, file)}\n`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', file], { cwd: repoRoot, stdio: 'inherit' });
  if (run.status !== 0) failed++;
}
if (benchFiles.length === 0) process.stderr.write('[bench] no benchmark files found\n');
process.exitCode = failed === 0 ? 0 : 1;
