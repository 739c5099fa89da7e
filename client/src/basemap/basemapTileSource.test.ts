import { describe, expect, it } from 'vitest';
import type { TileDrawRequest } from './tileDrawRequest.ts';
import type { FetchFn } from './basemapTileSource.ts';
import { createBasemapTileSource, loadBasemapMeta, parseBasemapMeta } from './basemapTileSource.ts';

const META_JSON = {
  tilejson: '3.0.0',
  minzoom: 8,
  maxzoom: 16,
  regionMaxZoom: 13,
  bounds: [8.65, 48.52, 9.2, 48.82],
  detailBounds: [8.99, 48.667, 9.04, 48.706],
  extent: 4096,
  tiles: ['{z}/{x}/{y}.pbf'],
  attribution: 'Demo-Daten (synthetisch)',
};
const CENTRE_Z16 = { z: 16, x: 34409, y: 22593 };

function fakeFetch(
  files: Record<string, ArrayBuffer | object>,
  fail: Set<string> = new Set(),
): FetchFn & { urls: string[] } {
  const urls: string[] = [];
  const fn = (url: string) => {
    urls.push(url);
    if (fail.has(url))
      return Promise.resolve({
        ok: false,
        status: 500,
        json: () => Promise.resolve({}),
        arrayBuffer: () => Promise.resolve(new ArrayBuffer(0)),
      });
    const body = files[url];
    if (body === undefined)
      return Promise.resolve({
        ok: false,
        status: 404,
        json: () => Promise.reject(new Error('404')),
        arrayBuffer: () => Promise.resolve(new ArrayBuffer(0)),
      });
    return Promise.resolve({
      ok: true,
      status: 200,
      json: () => Promise.resolve(body),
      arrayBuffer: () => Promise.resolve(body as ArrayBuffer),
    });
  };
  return Object.assign(fn, { urls });
}

function fakeRenderer() {
  const draws: Omit<TileDrawRequest, 'id'>[] = [];
  return {
    draws,
    draw: (request: Omit<TileDrawRequest, 'id'>) => {
      draws.push(request);
      return Promise.resolve({ width: 256, height: 256 } as unknown as HTMLCanvasElement);
    },
  };
}

describe('parseBasemapMeta', () => {
  it('reads the zooms, bounds and template', () => {
    const meta = parseBasemapMeta(META_JSON);
    expect(meta.maxzoom).toBe(16);
    expect(meta.detailBounds).toEqual([8.99, 48.667, 9.04, 48.706]);
    expect(meta.attribution).toBe('Demo-Daten (synthetisch)');
  });

  it('names the field that is wrong', () => {
    expect(() => parseBasemapMeta({ ...META_JSON, maxzoom: 'x' })).toThrow(/maxzoom/);
    expect(() => parseBasemapMeta({ ...META_JSON, bounds: [1, 2] })).toThrow(/bounds/);
    expect(() => parseBasemapMeta({ ...META_JSON, tiles: [] })).toThrow(/tiles/);
    expect(() => parseBasemapMeta({ ...META_JSON, tileSize: 300 })).toThrow(/tileSize/);
  });

  it('takes 256-pixel tiles where basemap.json names no size', () => {
    expect(parseBasemapMeta(META_JSON).tileSize).toBe(256);
    expect(parseBasemapMeta({ ...META_JSON, tileSize: 512 }).tileSize).toBe(512);
  });
});

describe('loadBasemapMeta', () => {
  it('says where basemap.json was missing', async () => {
    await expect(loadBasemapMeta('/tiles/none/basemap', fakeFetch({}))).rejects.toThrow(
      /\/tiles\/none\/basemap.*404/,
    );
  });
});

describe('createBasemapTileSource', () => {
  const url = '/tiles/demo/basemap';
  const meta = parseBasemapMeta(META_JSON);
  const bytes = new Uint8Array([1, 2, 3]).buffer;

  it('fetches the tile and has it drawn in the style at the requested zoom', async () => {
    const fetchFn = fakeFetch({ [`${url}/16/34409/22593.pbf`]: bytes });
    const renderer = fakeRenderer();
    const source = createBasemapTileSource({ url, meta, style: 'dark', fetchFn, renderer });
    await source.requestTile(CENTRE_Z16);
    expect(renderer.draws[0]?.bytes).toBe(bytes);
    expect(renderer.draws[0]?.styleId).toBe('dark');
    expect(renderer.draws[0]?.zoom).toBe(16);
  });

  it('draws the four children of a deepest tile from one fetch of it', async () => {
    const fetchFn = fakeFetch({ [`${url}/16/34409/22593.pbf`]: bytes });
    const renderer = fakeRenderer();
    const source = createBasemapTileSource({ url, meta, style: 'light', fetchFn, renderer });
    const children = [0, 1].flatMap((dx) =>
      [0, 1].map((dy) => ({ z: 17, x: CENTRE_Z16.x * 2 + dx, y: CENTRE_Z16.y * 2 + dy })),
    );
    await Promise.all(children.map((tile) => source.requestTile(tile)));
    expect(fetchFn.urls).toEqual([`${url}/16/34409/22593.pbf`]);
    expect(renderer.draws.map((d) => d.zoom)).toEqual([17, 17, 17, 17]);
    expect(renderer.draws.map((d) => d.transform.scale)).toEqual([0.125, 0.125, 0.125, 0.125]);
  });

  it('draws 512-pixel tiles in the style of the zoom a 256-pixel map shows there', async () => {
    const fetchFn = fakeFetch({ [`${url}/16/34409/22593.pbf`]: bytes });
    const renderer = fakeRenderer();
    const source = createBasemapTileSource({
      url,
      meta: parseBasemapMeta({ ...META_JSON, tileSize: 512 }),
      style: 'light',
      fetchFn,
      renderer,
    });
    await source.requestTile(CENTRE_Z16);
    expect(renderer.draws[0]).toMatchObject({ zoom: 17, tileSizePx: 512 });
    expect(renderer.draws[0]?.transform.scale).toBe(512 / 4096);
  });

  it('draws the ground only where no tile was written (404)', async () => {
    const renderer = fakeRenderer();
    const source = createBasemapTileSource({ url, meta, style: 'light', fetchFn: fakeFetch({}), renderer });
    await source.requestTile(CENTRE_Z16);
    expect(renderer.draws[0]?.bytes).toBeNull();
  });

  it('gives up on a failed fetch without keeping it, so the next request tries again', async () => {
    const address = `${url}/16/34409/22593.pbf`;
    const fetchFn = fakeFetch({ [address]: bytes }, new Set([address]));
    const source = createBasemapTileSource({ url, meta, style: 'light', fetchFn, renderer: fakeRenderer() });
    await expect(source.requestTile(CENTRE_Z16)).rejects.toThrow(/HTTP 500/);
    await expect(source.requestTile(CENTRE_Z16)).rejects.toThrow(/HTTP 500/);
    expect(fetchFn.urls).toEqual([address, address]);
  });

  it('has nothing to draw outside the bounds', () => {
    const source = createBasemapTileSource({
      url,
      meta,
      style: 'light',
      fetchFn: fakeFetch({}),
      renderer: fakeRenderer(),
    });
    expect(source.requestTile({ z: 16, x: 0, y: 0 })).toBeUndefined();
  });
});
