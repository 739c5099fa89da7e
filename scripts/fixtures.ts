/**
 * `npm run fixtures`: downloads the real sample files the adapter and importer tests read, from their
 * public sources pinned by commit and checked by sha256 (`scripts/fixtures/manifest.json`), into
 * `CITYTWIN_FIXTURES` when it is set, else into the git-ignored `.fixtures/`. One line per file; the
 * exit code is non-zero when a file failed or came with a wrong checksum.
 */
import { join } from 'node:path';
import { describeOutcome, downloadFixtures, readManifest } from './fixtures/downloadFixtures.ts';
import { REPO_ROOT, downloadDir, locateFixtures } from './fixtures/fixturesDir.ts';

const manifest = readManifest(join(REPO_ROOT, 'scripts', 'fixtures', 'manifest.json'));
const targetDir = downloadDir(process.env);
console.log(`Sample files into ${targetDir}`);

const outcomes = await downloadFixtures({
  manifest,
  targetDir,
  onOutcome: (outcome) => console.log(describeOutcome(outcome)),
});

const count = (...statuses: string[]) => outcomes.filter((o) => statuses.includes(o.status)).length;
const broken = count('failed', 'wrong-checksum');
const unpinned = count('unpinned');
console.log(
  `${count('downloaded')} downloaded, ${count('present')} already there, ${broken} failed or wrong, ` +
    `${unpinned} without a pinned source.`,
);
if (unpinned > 0) {
  console.log(
    'Files without a pinned source must be placed by hand; the tests that read them fail until then.',
  );
}
// The tests take ../shared/fixtures first when it is there; say so, or the download looks unused.
const used = locateFixtures(process.env).dir;
if (used !== undefined && used !== targetDir) console.log(`The tests read the sample files in ${used}.`);
process.exitCode = broken > 0 ? 1 : 0;
