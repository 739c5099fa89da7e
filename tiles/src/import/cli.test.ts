import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function runCli(args: string[]) {
  return spawnSync('npx', ['tsx', 'tiles/src/import/cli.ts', ...args], { cwd: REPO_ROOT, encoding: 'utf8' });
}

describe('import cli', () => {
  it('exits with 2 and names the argument when --city is missing', () => {
    const run = runCli(['some-file.gml']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--city is missing');
  }, 30_000);

  it('exits with 2 when the file does not exist', () => {
    const run = runCli(['no-such-file.gml', '--city', 'x']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('<file> no-such-file.gml does not exist');
  }, 30_000);
});
