/**
 * A WMS layer of a real MapServer in the running twin: the demo pack with one more catalogue entry,
 * a WMS on a loopback port (server/src/testing/mapServer.ts). The server puts the MapServer's origin
 * into its Content-Security-Policy by itself; the layer's imagery appears on the map where the data
 * is, in the data's colour, without a CSP violation; and feature info for a point of the layer,
 * asked from the page under that policy, names the park with its umlauts.
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
import { parseFeatureInfo } from '../src/ogc/featureInfo.ts';
import { wmsFeatureInfoUrl } from '../src/ogc/wmsRequests.ts';
import { chromiumAvailable, launchChromium, waitForTwin } from './chromium.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
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
      writeFileSync(layersPath, JSON.stringify(catalogue));
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
      const [lon, lat] = AREAS_CENTRE_LON_LAT;
      await page.evaluate(
        ([lon, lat]) => {
          const probe = (window as unknown as { __citytwin?: { setView: ((v: object) => void) | null } })
            .__citytwin;
          probe?.setView?.({ lon, lat, heightM: 2500, headingDeg: 0, pitchDeg: -90 });
        },
        [lon, lat] as const,
      );
      await expect
        .poll(() => mapServer.requests.some((r) => /REQUEST=GetMap/i.test(r)), { timeout: 60_000 })
        .toBe(true);
      await expect
        .poll(
          async () => {
            const png = await page.locator('canvas').first().screenshot();
            return countColourInPage(page, png.toString('base64'), AREA_FILL_RGB);
          },
          { timeout: 90_000, interval: 2000 },
        )
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
      const setView = (lon: number, lat: number) =>
        page.evaluate(
          ([lon, lat]) => {
            const probe = (window as unknown as { __citytwin?: { setView: ((v: object) => void) | null } })
              .__citytwin;
            probe?.setView?.({ lon, lat, heightM: 1500, headingDeg: 0, pitchDeg: -90 });
          },
          [lon, lat] as const,
        );
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

    it('gets feature info for the park from the page, under the twin\u2019s policy', async () => {
      const entry = {
        url: `${mapServer.url}/`,
        layers: 'flaechen',
        version: '1.3.0' as const,
        format: 'image/png',
        title: { de: 'Flächen', en: 'Areas' },
      };
      const url = wmsFeatureInfoUrl(entry, AREAS_CENTRE_LON_LAT, 2, 'application/vnd.ogc.gml');
      const answer = await page.evaluate(async (u) => {
        const response = await fetch(u);
        return { text: await response.text(), type: response.headers.get('content-type') ?? '' };
      }, url);
      const [layer] = parseFeatureInfo(answer.text, answer.type, 'Flächen');
      expect(layer?.features[0]?.title).toBe('Stadtgarten');
      expect(layer?.features[0]?.properties).toContainEqual(['Nutzung', 'Grünfläche']);
    });
  },
);
