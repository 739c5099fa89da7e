/**
 * A WMS layer of a real MapServer in the running twin: the demo pack with one more catalogue entry,
 * a WMS on a loopback port (server/src/testing/mapServer.ts). The server puts the MapServer's origin
 * into its Content-Security-Policy by itself; the layer's imagery appears on the map where the data
 * is, in the data's colour, without a CSP violation; and a click on the map opens the info panel with
 * the park's feature info, umlauts intact. The pack also offers the MapServer's areas as a further
 * basemap (`basemaps.json`), drawn with its credit when picked, and a CZML layer of its catalogue is
 * drawn and hidden by its switch.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../server/src/app.ts';
import { createApp } from '../../server/src/app.ts';
import { loadConfig } from '../../server/src/config.ts';
import { copyDemoPack } from '../../server/src/testing/copyDemoPack.ts';
import {
  AREA_FILL_RGB,
  AREAS_CENTRE_LON_LAT,
  mapServerAvailable,
  startMapServer,
  type MapServerHandle,
} from '../../server/src/testing/mapServer.ts';
import { readShareState } from '../src/share/shareLink.ts';
import { chromiumAvailable, launchChromium, waitForTwin } from './chromium.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
/** The CZML layer's area: its middle and its colour (violet, in no map of the test). */
const CZML_AREA_LON_LAT = [AREAS_CENTRE_LON_LAT[0] + 0.012, AREAS_CENTRE_LON_LAT[1]] as const;
const CZML_RGB = [90, 0, 210] as const;
const resultsDir = join(repoRoot, 'test-results');

interface Violation {
  readonly directive: string;
  readonly blockedURI: string;
  readonly where: string;
}

/** Counts pixels of a PNG (base64) near `rgb`, in the page (the browser decodes the image). */
function countColourInPage(
  page: Page,
  base64: string,
  rgb: readonly [number, number, number],
): Promise<number> {
  return page.evaluate(
    async ({ base64, rgb }) => {
      const image = new Image();
      image.src = `data:image/png;base64,${base64}`;
      await image.decode();
      const canvas = document.createElement('canvas');
      canvas.width = image.width;
      canvas.height = image.height;
      const context = canvas.getContext('2d');
      if (!context) return 0;
      context.drawImage(image, 0, 0);
      const { data } = context.getImageData(0, 0, image.width, image.height);
      let count = 0;
      for (let i = 0; i < data.length; i += 4) {
        // Magenta-ish: the fill colour, a little changed by the globe's shading.
        const [r = 0, g = 0, b = 0] = [data[i], data[i + 1], data[i + 2]];
        if (Math.abs(r - rgb[0]) < 45 && Math.abs(g - rgb[1]) < 45 && Math.abs(b - rgb[2]) < 45) count += 1;
      }
      return count;
    },
    { base64, rgb },
  );
}

describe.skipIf(!chromiumAvailable() || !mapServerAvailable())(
  'a WMS layer of a real MapServer in the twin',
  () => {
    let mapServer: MapServerHandle;
    let app: App;
    let browser: Browser;
    let page: Page;
    let dataDir: string;
    let policy: string | undefined;

    /** Pixels of the map in `rgb` now. */
    const mapPixelsOf = async (rgb: readonly [number, number, number]) => {
      const png = await page.locator('canvas').first().screenshot();
      return countColourInPage(page, png.toString('base64'), rgb);
    };
    /** Straight down onto `[lon, lat]` from `heightM`. */
    const lookDownAt = (lon: number, lat: number, heightM = 2500) =>
      page.evaluate(
        ([lon, lat, heightM]) => {
          const probe = (window as unknown as { __citytwin?: { setView: ((v: object) => void) | null } })
            .__citytwin;
          probe?.setView?.({ lon, lat, heightM, headingDeg: 0, pitchDeg: -90 });
        },
        [lon, lat, heightM] as const,
      );

    beforeAll(async () => {
      mkdirSync(resultsDir, { recursive: true });
      mapServer = await startMapServer();
      dataDir = mkdtempSync(join(tmpdir(), 'citytwin-ogc-'));
      const packDir = copyDemoPack({ dataDir, id: 'boeblingen-demo', name: 'Böblingen (Demo)' });
      const layersPath = join(packDir, 'layers.json');
      const catalogue = JSON.parse(readFileSync(layersPath, 'utf8')) as { layers: unknown[] };
      catalogue.layers.push({
        id: 'ogc-flaechen',
        type: 'wms',
        title: { de: 'Flächen (MapServer)', en: 'Areas (MapServer)' },
        url: `${mapServer.url}/`,
        layers: 'flaechen',
        visible: true,
        attribution: 'Stadt Böblingen (Testdaten)',
      });
      catalogue.layers.push({
        id: 'ogc-brunnen',
        type: 'ogcapi-features',
        title: { de: 'Brunnen (OGC API)', en: 'Fountains (OGC API)' },
        url: `${mapServer.url}/ogcapi`,
        collection: 'punkte',
        pageSize: 3,
        visible: true,
      });
      // A CZML layer of the catalogue: one opaque area east of the MapServer's areas.
      const [clon, clat] = CZML_AREA_LON_LAT;
      writeFileSync(
        join(packDir, 'catalogue', 'messzone.czml'),
        JSON.stringify([
          { id: 'document', name: 'Messzone', version: '1.0' },
          {
            id: 'messzone',
            name: 'Messzone Ost',
            polygon: {
              positions: {
                cartographicDegrees: [
                  ...[clon - 0.004, clat - 0.0025, 0, clon + 0.004, clat - 0.0025, 0],
                  ...[clon + 0.004, clat + 0.0025, 0, clon - 0.004, clat + 0.0025, 0],
                ],
              },
              material: { solidColor: { color: { rgba: [...CZML_RGB, 255] } } },
            },
          },
        ]),
      );
      catalogue.layers.push({
        id: 'messzone',
        type: 'czml',
        title: { de: 'Messzone (CZML)', en: 'Measuring zone (CZML)' },
        url: '/data/boeblingen-demo/catalogue/messzone.czml',
        visible: false,
      });
      writeFileSync(layersPath, JSON.stringify(catalogue));
      // A further basemap the pack offers: the MapServer's areas as one opaque map.
      writeFileSync(
        join(packDir, 'basemaps.json'),
        JSON.stringify({
          basemaps: [
            {
              id: 'ogc-karte',
              type: 'wms',
              title: { de: 'Flächenkarte (MapServer)', en: 'Area map (MapServer)' },
              url: `${mapServer.url}/`,
              layers: 'flaechen',
              format: 'image/png',
              attribution: 'Testkarte der Stadt Böblingen',
            },
          ],
        }),
      );
      const config = loadConfig({ env: { PORT: '0', HOST: '127.0.0.1', CITYTWIN_LOG_LEVEL: 'warn' } });
      app = await createApp(
        { ...config, dataDir, tilesDir: join(repoRoot, 'tiles', 'output') },
        { rootDir: repoRoot, history: null },
      );
      const port = await app.listen();
      browser = await launchChromium();
      page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      await page.addInitScript(() => {
        const seen: Violation[] = [];
        (window as unknown as { __cspViolations: Violation[] }).__cspViolations = seen;
        document.addEventListener('securitypolicyviolation', (event) => {
          seen.push({
            directive: event.effectiveDirective,
            blockedURI: event.blockedURI,
            where: `${event.sourceFile}:${event.lineNumber}:${event.columnNumber} ${event.sample}`,
          });
        });
      });
      const response = await page.goto(`http://localhost:${port}`, { waitUntil: 'load' });
      policy = (await response?.allHeaders())?.['content-security-policy'];
      await waitForTwin(page);
    });

    afterAll(async () => {
      await browser?.close();
      await app?.close();
      await mapServer?.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    it('allows the MapServer origin (a loopback URL with a port) in img-src and connect-src', () => {
      const directives = new Map(
        (policy ?? '').split(';').map((d) => {
          const [name = '', ...values] = d.trim().split(/\s+/);
          return [name, values] as const;
        }),
      );
      expect(directives.get('img-src')).toContain(mapServer.url);
      expect(directives.get('connect-src')).toContain(mapServer.url);
    });

    it('draws the layer from MapServer where its areas are', async () => {
      await lookDownAt(...AREAS_CENTRE_LON_LAT);
      await expect
        .poll(() => mapServer.requests.some((r) => /REQUEST=GetMap/i.test(r)), { timeout: 60_000 })
        .toBe(true);
      await expect
        .poll(() => mapPixelsOf(AREA_FILL_RGB), { timeout: 90_000, interval: 2000 })
        .toBeGreaterThan(500);
      await page.screenshot({ path: join(resultsDir, 'ogc-wms-mapserver.png') });
      const violations = await page.evaluate(
        () => (window as unknown as { __cspViolations: Violation[] }).__cspViolations,
      );
      // Only the layer's own requests are this test's business: zod's eval probe in the schemas chunk
      // is refused and reported on main as well (csp.browser.test.ts), whatever the catalogue holds.
      expect(
        violations.filter((v) => v.blockedURI.startsWith(mapServer.url) || v.directive !== 'script-src'),
      ).toEqual([]);
    });

    it('loads the OGC API features of each view once, however often the camera comes back', async () => {
      const itemBboxes = () =>
        mapServer.requests
          .filter((r) => r.startsWith('/ogcapi/collections/punkte/items'))
          .map((r) => new URL(r, 'http://x').searchParams.get('bbox'))
          .filter((b): b is string => b !== null && !b.includes('undefined'));
      const setView = (lon: number, lat: number) => lookDownAt(lon, lat, 1500);
      const [lon, lat] = AREAS_CENTRE_LON_LAT;
      await expect.poll(() => itemBboxes().length, { timeout: 60_000 }).toBeGreaterThan(0);
      await setView(lon + 0.1, lat);
      await expect
        .poll(() => itemBboxes().some((b) => Number(b.split(',')[0]) > lon + 0.05), { timeout: 60_000 })
        .toBe(true);
      const afterEast = itemBboxes().length;
      // Back home (loaded before), then north (new): only the northern view is asked for.
      await setView(lon, lat);
      await setView(lon, lat + 0.1);
      await expect
        .poll(() => itemBboxes().some((b) => Number(b.split(',')[1]) > lat + 0.05), { timeout: 60_000 })
        .toBe(true);
      const newer = itemBboxes().slice(afterEast);
      expect(newer.every((b) => Number(b.split(',')[1]) > lat + 0.05)).toBe(true);
    });

    it('opens the feature info of the park in the info panel for a click on the map', async () => {
      const [lon, lat] = AREAS_CENTRE_LON_LAT;
      await lookDownAt(lon, lat, 1200);
      type Probe = {
        screenPositionOf: ((p: readonly [number, number, number]) => [number, number] | null) | null;
        pickIdAt?: (x: number, y: number) => string | null;
      };
      const canvas = await page.locator('.cesium-widget canvas').boundingBox();
      if (!canvas) throw new Error('no map canvas');
      const panel = page.locator('[data-testid="feature-info-panel"]');
      // A spot of the park that no building, sensor or drawn feature of the other layers covers.
      let found = false;
      for (const [dx, dy] of [
        [0, 0],
        [-0.002, -0.002],
        [0.002, 0.002],
        [-0.002, 0.002],
        [0.002, -0.002],
      ] as const) {
        const at = await page.evaluate(
          (p) => {
            const probe = (window as unknown as { __citytwin: Probe }).__citytwin;
            const screen = probe.screenPositionOf?.(p) ?? null;
            return screen && probe.pickIdAt?.(screen[0], screen[1]) === null ? screen : null;
          },
          [lon + dx, lat + dy, 0] as const,
        );
        if (!at) continue;
        await page.mouse.click(canvas.x + at[0], canvas.y + at[1]);
        await expect
          .poll(() => page.getAttribute('[data-testid="feature-info"]', 'aria-busy'), { timeout: 30_000 })
          .toBe('false');
        if ((await panel.textContent())?.includes('Stadtgarten')) {
          found = true;
          break;
        }
        await panel.locator('.info-close').click();
      }
      expect(found).toBe(true);
      // The layer by its title in the layer list, the service's own name beside it, the park's
      // attributes with their umlauts.
      expect(await panel.locator('h4').first().textContent()).toBe('Flächen (MapServer)');
      expect(await panel.locator('.feature-info-service').first().textContent()).toBe(
        'Ebene des Dienstes: Flächen',
      );
      const rows = await panel.locator('tbody tr').allTextContents();
      expect(rows).toContain('NutzungGrünfläche');
      expect(rows).toContain('EigentümerStadt Böblingen');
      expect(mapServer.requests.some((r) => /REQUEST=GetFeatureInfo/i.test(r))).toBe(true);
      await page.screenshot({ path: join(resultsDir, 'ogc-feature-info.png') });
    });

    it('adds a layer of the MapServer by its address: its layers are listed, and the link carries it', async () => {
      await page.click('[data-testid="add-layer-open"]');
      const dialog = page.locator('[data-testid="add-layer-dialog"]');
      await dialog.locator('[data-testid="add-layer-url"]').fill(`${mapServer.url}/`);
      await dialog.locator('[data-testid="add-layer-read"]').click();
      // The capabilities are read: the service's layers by their titles, the one chosen added.
      const option = dialog.locator('[data-testid="add-layer-option-linien"]');
      await option.waitFor({ timeout: 30_000 });
      expect(await dialog.locator('label[for]').allTextContents()).toEqual(
        expect.arrayContaining(['Flächen (flaechen)', 'Brunnen (punkte)', 'Gewässer (linien)']),
      );
      await option.check();
      await dialog.locator('[data-testid="add-layer-add"]').click();
      const added = page.locator('[data-testid="layer"]', { hasText: 'Gewässer' });
      await added.waitFor({ timeout: 10_000 });
      expect(await added.getAttribute('data-layer-id')).not.toBeNull();
      // Its map is asked for, and the address now holds it, so a shared link shows it too.
      await expect
        .poll(() => mapServer.requests.some((r) => /REQUEST=GetMap/i.test(r) && /LAYERS=linien/i.test(r)), {
          timeout: 60_000,
        })
        .toBe(true);
      await expect
        .poll(() => readShareState(new URL(page.url()).search).added.map((e) => e.type === 'wms' && e.layers))
        .toEqual(['linien']);
    });

    it('draws a CZML layer of the catalogue when switched on, and takes it away when switched off', async () => {
      await lookDownAt(...CZML_AREA_LON_LAT);
      expect(await mapPixelsOf(CZML_RGB)).toBeLessThan(50);
      await page.check('#layer-toggle-messzone');
      await expect
        .poll(() => mapPixelsOf(CZML_RGB), { timeout: 60_000, interval: 2000 })
        .toBeGreaterThan(2000);
      await page.screenshot({ path: join(resultsDir, 'ogc-czml.png') });
      await page.uncheck('#layer-toggle-messzone');
      await expect.poll(() => mapPixelsOf(CZML_RGB), { timeout: 30_000, interval: 1000 }).toBeLessThan(50);
    });

    it('draws a further basemap the pack offers from MapServer, with its credit, when picked', async () => {
      await lookDownAt(...AREAS_CENTRE_LON_LAT);
      // The catalogue's WMS of the same areas is switched off: what is drawn in their colour then
      // comes from the basemap.
      await page.uncheck('#layer-toggle-ogc-flaechen');
      await expect
        .poll(() => mapPixelsOf(AREA_FILL_RGB), { timeout: 30_000, interval: 1000 })
        .toBeLessThan(50);
      const before = mapServer.requests.length;
      await page.check('#basemap-ogc-karte');
      await expect
        .poll(() => page.textContent('[data-testid="basemap-picker"] .basemap-credit'))
        .toContain('Testkarte der Stadt Böblingen');
      await expect
        .poll(
          () =>
            mapServer.requests
              .slice(before)
              .some((r) => /REQUEST=GetMap/i.test(r) && /LAYERS=flaechen/i.test(r)),
          { timeout: 60_000 },
        )
        .toBe(true);
      await expect
        .poll(() => mapPixelsOf(AREA_FILL_RGB), { timeout: 90_000, interval: 2000 })
        .toBeGreaterThan(500);
      // The basemap's credit on the map as well.
      expect(await page.textContent('.cesium-widget-credits')).toContain('Testkarte der Stadt Böblingen');
      await page.screenshot({ path: join(resultsDir, 'ogc-basemap-mapserver.png') });
      // Back to the town's own map: the areas' colour goes with the basemap.
      await page.locator('[data-testid="basemap-option"]').first().check();
      await expect
        .poll(() => mapPixelsOf(AREA_FILL_RGB), { timeout: 60_000, interval: 2000 })
        .toBeLessThan(50);
    });
  },
);
