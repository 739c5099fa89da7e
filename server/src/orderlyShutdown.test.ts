/**
 * Fatal errors end the process in order: a real child process (`testing/fatalErrorChild.ts`)
 * serving HTTP with the same handlers as `index.ts` fails, logs the error, closes and exits 1;
 * a close that hangs is cut off by the deadline.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CHILD = fileURLToPath(new URL('./testing/fatalErrorChild.ts', import.meta.url));

interface Ended {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the child with `failure` and resolves once it has exited. */
function runChild(failure: string): Promise<Ended> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, failure], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('a fatal error', () => {
  it('as an unhandled rejection is logged with its stack, the server closed, and the exit code 1', async () => {
    const ended = await runChild('rejection');
    expect(ended.code).toBe(1);
    expect(ended.stdout).toBe('listening\nclosed\n');
    expect(ended.stderr).toMatch(/ERROR unhandled rejection .*a promise nobody awaited/);
    expect(ended.stderr).toMatch(/fatalErrorChild\.ts/);
  });

  it('as an uncaught exception is logged, the server closed, and the exit code 1', async () => {
    const ended = await runChild('exception');
    expect(ended.code).toBe(1);
    expect(ended.stdout).toBe('listening\nclosed\n');
    expect(ended.stderr).toMatch(/ERROR uncaught exception .*thrown where nothing catches/);
  });

  it('ends the process at the deadline when closing hangs', async () => {
    const ended = await runChild('hang');
    expect(ended.code).toBe(1);
    expect(ended.stdout).toBe('listening\n');
    expect(ended.stderr).toMatch(/shutdown did not finish within 500 ms; exiting/);
  });
});
