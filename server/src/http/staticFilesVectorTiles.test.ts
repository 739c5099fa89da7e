import express from 'express';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CACHE_SHORT, dataStatic } from './staticFiles.ts';

describe('dataStatic', () => {
  let dir: string;
  let server: Server;
  let base: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'static-'));
    await mkdir(join(dir, 'demo', 'basemap', '14', '8602'), { recursive: true });
    await writeFile(join(dir, 'demo', 'basemap', '14', '8602', '5648.pbf'), new Uint8Array([0x1a, 0x00]));
    const app = express();
    app.use('/tiles', dataStatic(dir));
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  it('serves basemap vector tiles as Mapbox Vector Tiles with the short cache', async () => {
    const response = await fetch(`${base}/tiles/demo/basemap/14/8602/5648.pbf`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/vnd.mapbox-vector-tile');
    expect(response.headers.get('cache-control')).toBe(CACHE_SHORT);
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(new Uint8Array([0x1a, 0x00]));
  });

  it('answers 204 No Content for a tile that was not written (an empty tile), 404 for other files', async () => {
    const response = await fetch(`${base}/tiles/demo/basemap/14/8602/5649.pbf`);
    expect(response.status).toBe(204);
    expect((await response.arrayBuffer()).byteLength).toBe(0);
    expect((await fetch(`${base}/tiles/demo/basemap/nothing.json`)).status).toBe(404);
  });
});
