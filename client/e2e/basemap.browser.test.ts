/**
 * The basemap in a real Chromium: the demo town's vector tiles, served the way the server serves
 * them (`dataStatic` at /tiles), drawn by the tile worker in both styles at region, town and street
 * zoom and overzoomed past the data. Checks that pictures are maps (many colours, not a flat fill)
 * with the style's water, street and building colours, and saves them to test-results/basemap/ to
 * look at.
 */
import express from 'express';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { createServer } from 'vite';
import type { ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataStatic } from '../../server/src/http/staticFiles.ts';
import { buildCityBasemap } from '../../tiles/src/basemap/buildCityBasemap.ts';
import { tileOf } from '../../tiles/src/basemap/buildBasemap.ts';
import { DARK_STYLE, LIGHT_STYLE } from '../src/basemap/basemapStyles.ts';
import { chromiumAvailable, launchChromium } from './chromium.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const resultsDir = join(repoRoot, 'test-results', 'basemap');
const CITY = 'boeblingen-demo';
const BASEMAP_URL = `/tiles/${CITY}/basemap`;
/** The demo district's centre (Elbenplatz) and a point by the lakes north of it. */
const CENTRE = { lon: 9.015, lat: 48.685 };
const LAKES = { lon: 9.0105, lat: 48.6875 };

interface MosaicResult {
  readonly png: string;
  readonly colours: Record<string, number>;
  readonly worker: boolean;
}

/** Pixels of exactly `colour` (fills are drawn unblended inside their areas). */
function pixelsOf(result: MosaicResult, colour: string): number {
  return result.colours[colour.toLowerCase()] ?? 0;
}

function save(name: string, result: MosaicResult): void {
  writeFileSync(
    join(resultsDir, `${name}.png`),
    Buffer.from(result.png.replace(/^data:image\/png;base64,/, ''), 'base64'),
  );
}

describe.skipIf(!chromiumAvailable())('the pack basemap drawn in Chromium', () => {
  let vite: ViteDevServer;
  let server: Server;
  let browser: Browser;
  let page: Page;
  let origin: string;
  const pageErrors: string[] = [];

  const mosaic = async (
    style: 'light' | 'dark',
    z: number,
    at: { lon: number; lat: number },
    size: number,
  ): Promise<MosaicResult> => {
    const centre = tileOf(at.lon, at.lat, z);
    const first = Math.floor((size - 1) / 2);
    return page.evaluate(
      (request) =>
        (window as unknown as { renderMosaic: (r: unknown) => Promise<MosaicResult> }).renderMosaic(request),
      { url: BASEMAP_URL, style, z, x: centre.x - first, y: centre.y - first, columns: size, rows: size },
    );
  };

  beforeAll(async () => {
    mkdirSync(resultsDir, { recursive: true });
    await buildCityBasemap(CITY, { repoRoot });
    vite = await createServer({
      configFile: false,
      root: repoRoot,
      logLevel: 'warn',
      appType: 'mpa',
      cacheDir: join(tmpdir(), 'citytwin-basemap-vite'),
      server: { middlewareMode: true, hmr: false, watch: null },
      optimizeDeps: { include: ['@mapbox/vector-tile', 'pbf'] },
      // The Cesium page uses the prebuilt library (a script tag), not a bundle of it.
      resolve: { alias: { cesium: join(repoRoot, 'client', 'e2e', 'basemapPage', 'globalCesiumImpl.ts') } },
    });
    const app = express();
    app.use('/tiles', dataStatic(join(repoRoot, 'tiles', 'output')));
    app.use('/cesium', express.static(join(repoRoot, 'node_modules', 'cesium', 'Build', 'Cesium')));
    app.use(vite.middlewares);
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const port = (server.address() as AddressInfo).port;
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    origin = `http://127.0.0.1:${port}`;
    await page.goto(`${origin}/client/e2e/basemapPage/index.html`);
    await page.waitForFunction(
      () => (window as unknown as { basemapPageReady?: boolean }).basemapPageReady === true,
      undefined,
      {
        timeout: 60_000,
      },
    );
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    await vite?.close();
  });

  it('draws streets, footprints and names at street zoom in the light style, in the worker', async () => {
    const result = await mosaic('light', 16, CENTRE, 3);
    save('light-z16', result);
    expect(result.worker).toBe(true);
    expect(Object.keys(result.colours).length).toBeGreaterThan(50);
    expect(pixelsOf(result, '#ffffff')).toBeGreaterThan(5000);
    expect(pixelsOf(result, LIGHT_STYLE.background)).toBeGreaterThan(1000);
    // Dark label text is anti-aliased: count near-black pixels instead of one colour.
    const darkText = Object.entries(result.colours)
      .filter(([colour]) => parseInt(colour.slice(1, 3), 16) < 0x70)
      .reduce((sum, [, n]) => sum + n, 0);
    expect(darkText).toBeGreaterThan(200);
    expect(pageErrors).toEqual([]);
  });

  it('draws the lakes in water colour at town zoom', async () => {
    const result = await mosaic('light', 15, LAKES, 2);
    save('light-z15-lakes', result);
    expect(pixelsOf(result, '#bfd6e6')).toBeGreaterThan(500);
  });

  it('shows forests, main roads and towns at region zoom', async () => {
    const result = await mosaic('light', 11, CENTRE, 3);
    save('light-z11-region', result);
    expect(pixelsOf(result, '#d6e4cc')).toBeGreaterThan(5000);
    expect(Object.keys(result.colours).length).toBeGreaterThan(30);
    const z9 = await mosaic('light', 9, CENTRE, 2);
    save('light-z9-region', z9);
    expect(Object.keys(z9.colours).length).toBeGreaterThan(20);
  });

  it('stays sharp past the data: zoom 18 is drawn from zoom 16 tiles', async () => {
    const result = await mosaic('light', 18, CENTRE, 2);
    save('light-z18-overzoom', result);
    expect(pixelsOf(result, '#ffffff')).toBeGreaterThan(5000);
    expect(Object.keys(result.colours).length).toBeGreaterThan(30);
  });

  it('draws the dark control-room style with its own ground and dim streets', async () => {
    const result = await mosaic('dark', 16, CENTRE, 3);
    save('dark-z16', result);
    expect(pixelsOf(result, DARK_STYLE.background)).toBeGreaterThan(1000);
    expect(pixelsOf(result, '#3a4350')).toBeGreaterThan(2000);
    expect(pixelsOf(result, '#ffffff')).toBe(0);
    const region = await mosaic('dark', 12, CENTRE, 2);
    save('dark-z12', region);
    expect(Object.keys(region.colours).length).toBeGreaterThan(20);
  });

  it('is drawn by Cesium as the imagery of the globe, looking down on the town', async () => {
    const globe = await browser.newPage({ viewport: { width: 900, height: 700 } });
    const errors: string[] = [];
    globe.on('pageerror', (error) => errors.push(error.message));
    try {
      await globe.goto(`${origin}/client/e2e/basemapPage/cesium.html`);
      await globe.waitForFunction(
        () => (window as unknown as { cesiumPageReady?: boolean }).cesiumPageReady === true,
        undefined,
        { timeout: 60_000 },
      );
      for (const [style, heightM] of [
        ['light', 2500],
        ['dark', 2500],
        ['light', 40000],
      ] as const) {
        await globe.evaluate(
          ([s, h]) =>
            (window as unknown as { showBasemap: (s: string, h: number) => Promise<void> }).showBasemap(s, h),
          [style, heightM] as const,
        );
        const png = await globe.screenshot();
        writeFileSync(join(resultsDir, `cesium-${style}-${heightM}m.png`), png);
        const stats = await globe.evaluate(async (base64) => {
          const image = new Image();
          image.src = `data:image/png;base64,${base64}`;
          await image.decode();
          const canvas = document.createElement('canvas');
          canvas.width = image.width;
          canvas.height = image.height;
          const ctx = canvas.getContext('2d');
          if (!ctx) return { colours: 0, bluishTop: 0, bluishBottom: 0 };
          ctx.drawImage(image, 0, 0);
          const data = ctx.getImageData(0, 0, image.width, image.height).data;
          const seen = new Set<number>();
          let bluishTop = 0;
          let bluishBottom = 0;
          for (let i = 0; i < data.length; i += 4) {
            const [r, g, b] = [data[i] ?? 0, data[i + 1] ?? 0, data[i + 2] ?? 0];
            seen.add((r << 16) | (g << 8) | b);
            // Water: clearly bluer than it is red, in both styles.
            if (b > r + 25) {
              if (i / 4 / image.width < image.height / 2) bluishTop++;
              else bluishBottom++;
            }
          }
          return { colours: seen.size, bluishTop, bluishBottom };
        }, png.toString('base64'));
        const colours = stats.colours;
        if (heightM < 10_000) {
          // The lakes lie north of the centre: north is up, so the picture is not upside down.
          expect(stats.bluishTop, `${style}: water above the centre`).toBeGreaterThan(stats.bluishBottom);
        }
        expect(colours, `${style} at ${heightM} m`).toBeGreaterThan(100);
      }
      expect(errors).toEqual([]);
    } finally {
      await globe.close();
    }
  });
});
