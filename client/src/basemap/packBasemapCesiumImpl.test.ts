import { describe, expect, it } from 'vitest';
import type { BasemapTileRenderer } from './basemapTileRenderer.ts';
import type { FetchFn } from './basemapTileSource.ts';
import { createPackBasemapProvider } from './packBasemapCesiumImpl.ts';

const META_JSON = {
  minzoom: 8,
  maxzoom: 16,
  regionMaxZoom: 13,
  bounds: [8.65, 48.52, 9.2, 48.82],
  detailBounds: [8.99, 48.667, 9.04, 48.706],
  extent: 4096,
  tiles: ['{z}/{x}/{y}.pbf'],
  attribution: 'Demo-Daten (synthetisch)',
};
const PICTURE = { width: 256, height: 256 } as unknown as HTMLCanvasElement;

function fetchOf(files: Record<string, unknown>): FetchFn & { urls: string[] } {
  const urls: string[] = [];
  const fn: FetchFn = (url) => {
    urls.push(url);
    const body = files[url];
    return Promise.resolve({
      ok: body !== undefined,
      status: body === undefined ? 404 : 200,
      json: () => Promise.resolve(body),
      arrayBuffer: () => Promise.resolve(body as ArrayBuffer),
    });
  };
  return Object.assign(fn, { urls });
}

const renderer: BasemapTileRenderer = { draw: () => Promise.resolve(PICTURE), destroy: () => undefined };

describe('createPackBasemapProvider', () => {
  it('reads basemap.json and covers the pack in web mercator', async () => {
    const provider = await createPackBasemapProvider({
      url: '/tiles/demo/basemap',
      style: 'light',
      fetchFn: fetchOf({ '/tiles/demo/basemap/basemap.json': META_JSON }),
      renderer,
    });
    // Web mercator has one tile at level 0 (the geographic scheme has two side by side).
    expect(provider.tilingScheme.getNumberOfXTilesAtLevel(0)).toBe(1);
    expect(provider.tilingScheme.getNumberOfYTilesAtLevel(0)).toBe(1);
    const degrees = (radians: number) => (radians * 180) / Math.PI;
    expect(degrees(provider.rectangle.west)).toBeCloseTo(8.65, 9);
    expect(degrees(provider.rectangle.north)).toBeCloseTo(48.82, 9);
    expect(provider.tileWidth).toBe(256);
    expect(provider.maximumLevel).toBe(21);
    expect(provider.hasAlphaChannel).toBe(true);
    expect(provider.credit.html).toBe('Demo-Daten (synthetisch)');
  });

  it('has Cesium ask for tiles as wide as basemap.json says they are drawn', async () => {
    const provider = await createPackBasemapProvider({
      url: '/tiles/demo/basemap',
      style: 'light',
      fetchFn: fetchOf({ '/tiles/demo/basemap/basemap.json': { ...META_JSON, tileSize: 512 } }),
      renderer,
    });
    expect(provider.tileWidth).toBe(512);
    expect(provider.tileHeight).toBe(512);
  });

  it('answers a tile request with the drawn picture, fetching the tile by its XYZ address', async () => {
    const fetchFn = fetchOf({ '/tiles/demo/basemap/basemap.json': META_JSON });
    const provider = await createPackBasemapProvider({
      url: '/tiles/demo/basemap',
      style: 'dark',
      fetchFn,
      renderer,
    });
    await expect(provider.requestImage(34409, 22593, 16)).resolves.toBe(PICTURE);
    expect(fetchFn.urls).toContain('/tiles/demo/basemap/16/34409/22593.pbf');
  });

  it('rejects when the pack has no basemap', async () => {
    await expect(
      createPackBasemapProvider({
        url: '/tiles/none/basemap',
        style: 'light',
        fetchFn: fetchOf({}),
        renderer,
      }),
    ).rejects.toThrow(/basemap\.json not found/);
  });
});
