import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import compression from 'compression';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { dataStatic } from './staticFiles.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function serve(dir: string): Promise<string> {
  const app = express();
  app.use(compression());
  app.use('/tiles', dataStatic(dir));
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('dataStatic', () => {
  it('serves terrain tiles as binary that arrive byte for byte (gzip on the wire only)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'static-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    await mkdir(join(dir, 'town', 'terrain', '0', '1'), { recursive: true });
    const tile = new Uint8Array(8452).fill(7);
    await writeFile(join(dir, 'town', 'terrain', '0', '1', '0.terrain'), tile);
    const base = await serve(dir);
    const response = await fetch(`${base}/tiles/town/terrain/0/1/0.terrain?v=1.0.0`, {
      headers: { 'Accept-Encoding': 'gzip' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    // Stored raw, compressed once by the transport: fetch and browsers undo it before Cesium reads.
    expect(response.headers.get('content-encoding')).toBe('gzip');
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(tile);
  });
});
