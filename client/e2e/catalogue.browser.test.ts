/**
 * The demo catalogue's own layers in a real Chromium: turning on a polygon layer (the fibre rollout)
 * and a point layer (the LoRaWAN gateways with their antenna symbols) draws them, checked by pixels;
 * a real file opened from the layer panel (polygons in UTM 32N) is reprojected, drawn and kept local.
 * Screenshots go to `test-results/` to look at.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../server/src/app.ts';
import { createApp } from '../../server/src/app.ts';
import { loadConfig } from '../../server/src/config.ts';
import proj4 from 'proj4';
import { fixture as fixturePath } from '../../scripts/fixtures/fixturesDir.ts';
import { itWithFixtures } from '../../scripts/fixtures/withFixtures.ts';
import { USER_LAYER_COLOR } from '../src/layers/userFiles/userFileEntry.ts';
import { chromiumAvailable, launchChromium, waitForTwin } from './chromium.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const resultsDir = join(repoRoot, 'test-results');

/** What a canvas screenshot holds, decoded in the page. */
interface PixelStats {
  /** Pixels within `tolerance` of the colour asked for. */
  readonly matching: number;
  /** Pixels that differ from the reference image by more than `tolerance` (sum over R, G, B). */
  readonly changed: number;
  readonly total: number;
}

async function pixelStats(
  page: Page,
  png: Buffer,
  reference: Buffer | null,
  rgb: readonly [number, number, number],
  tolerance: number,
): Promise<PixelStats> {
  return page.evaluate(
    async ([pngBase64, referenceBase64, color, tol]) => {
      const decode = async (base64: string) => {
        const image = new Image();
        image.src = `data:image/png;base64,${base64}`;
        await image.decode();
        const canvas = document.createElement('canvas');
        canvas.width = image.width;
        canvas.height = image.height;
        const context = canvas.getContext('2d');
        if (!context) throw new Error('no 2d context');
        context.drawImage(image, 0, 0);
        return context.getImageData(0, 0, image.width, image.height).data;
      };
      const data = await decode(pngBase64);
      const ref = referenceBase64 ? await decode(referenceBase64) : null;
      let matching = 0;
      let changed = 0;
      for (let i = 0; i < data.length; i += 4) {
        const r = data[i] ?? 0;
        const g = data[i + 1] ?? 0;
        const b = data[i + 2] ?? 0;
        if (Math.abs(r - color[0]) + Math.abs(g - color[1]) + Math.abs(b - color[2]) <= tol) matching++;
        if (
          ref &&
          Math.abs(r - (ref[i] ?? 0)) + Math.abs(g - (ref[i + 1] ?? 0)) + Math.abs(b - (ref[i + 2] ?? 0)) >
            tol
        )
          changed++;
      }
      return { matching, changed, total: data.length / 4 };
    },
    [png.toString('base64'), reference?.toString('base64') ?? null, rgb, tolerance] as const,
  );
}

describe.skipIf(!chromiumAvailable())('the demo catalogue in Chromium', () => {
  let app: App;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(resultsDir, { recursive: true });
    const config = loadConfig({ env: { PORT: '0', HOST: '127.0.0.1', CITYTWIN_LOG_LEVEL: 'warn' } });
    app = await createApp(config, { rootDir: repoRoot, history: null });
    const port = await app.listen();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    await page.goto(`http://127.0.0.1:${port}`, { waitUntil: 'load' });
    await waitForTwin(page);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  /** The orange of a user's own layer, as its outlines are drawn. */
  const ORANGE = [1, 3, 5].map((i) => Number.parseInt(USER_LAYER_COLOR.slice(i, i + 2), 16)) as [
    number,
    number,
    number,
  ];
  const canvasShot = () => page.locator('canvas').first().screenshot();
  /** The share of the map's pixels that differ from `reference` now. */
  const changedShareSince = async (reference: Buffer) => {
    const stats = await pixelStats(page, await canvasShot(), reference, [0, 0, 0], 45);
    return stats.changed / stats.total;
  };

  it('fills the fibre rollout areas when the layer is turned on, and lists its classes', async () => {
    // The terrain and the basemap go on loading after `ready`: wait until the picture settles, where
    // live labels alone change far less of it from one shot to the next than the layer will.
    let before = await canvasShot();
    await expect
      .poll(
        async () => {
          const next = await canvasShot();
          const noise = await pixelStats(page, next, before, [0, 0, 0], 45);
          before = next;
          return noise.changed / noise.total;
        },
        { timeout: 150_000, interval: 1000 },
      )
      .toBeLessThan(0.02);
    await page.check('#layer-toggle-broadband');
    await page.waitForSelector('[data-layer-id="broadband"][data-layer-state="ACTIVE"]');
    // The areas cover most of the town, about a third of the picture: wait until a good share of it has changed colour.
    // Live values change a few labels meanwhile; that is far below this share.
    await expect
      .poll(() => changedShareSince(before), { timeout: 60_000, interval: 500 })
      .toBeGreaterThan(0.06);
    await page.screenshot({ path: join(resultsDir, 'catalogue-broadband.png') });
    expect(await page.locator('[data-layer-id="broadband"] .legend').innerText()).toMatch(
      /In Betrieb[\s\S]*Im Bau[\s\S]*Geplant/,
    );
    await page.uncheck('#layer-toggle-broadband');
  }, 240_000);

  it('draws the LoRaWAN gateways as antenna symbols in their colour', async () => {
    const purple = [0x6a, 0x4f, 0xc8] as const;
    const before = await pixelStats(page, await canvasShot(), null, purple, 40);
    expect(before.matching).toBeLessThan(50);
    await page.check('#layer-toggle-lorawan-gateways');
    await page.waitForSelector('[data-layer-id="lorawan-gateways"][data-layer-state="ACTIVE"]');
    // Six badges of about 29 px: well over a thousand pixels of the symbol's colour.
    await expect
      .poll(async () => (await pixelStats(page, await canvasShot(), null, purple, 40)).matching, {
        timeout: 60_000,
        interval: 500,
      })
      .toBeGreaterThan(800);
    await page.screenshot({ path: join(resultsDir, 'catalogue-gateways.png') });

    // A click on a gateway opens its properties, headed by the layer's name in the layer list.
    const gateways = (
      JSON.parse(
        readFileSync(
          join(repoRoot, 'data', 'boeblingen-demo', 'catalogue', 'lorawan-gateways.geojson'),
          'utf8',
        ),
      ) as { features: { properties: { name: string }; geometry: { coordinates: number[] } }[] }
    ).features;
    const canvas = await page.locator('.cesium-widget canvas').boundingBox();
    if (!canvas) throw new Error('no map canvas');
    const panel = page.locator('[data-testid="feature-info-panel"]');
    let opened: string | null = null;
    for (const gateway of gateways) {
      const [lon = 0, lat = 0, heightM = 0] = gateway.geometry.coordinates;
      // Where the symbol stands: the point's height and the vector layers' lift of 1.5 m.
      const at = await page.evaluate(
        (p) =>
          (
            window as unknown as {
              __citytwin: { screenPositionOf?: ((p: readonly number[]) => [number, number] | null) | null };
            }
          ).__citytwin.screenPositionOf?.(p) ?? null,
        [lon, lat, heightM + 1.5],
      );
      if (!at || at[0] < 20 || at[1] < 20 || at[0] > canvas.width - 20 || at[1] > canvas.height - 20)
        continue;
      await page.mouse.click(canvas.x + at[0], canvas.y + at[1]);
      await panel.waitFor({ timeout: 10_000 }).catch(() => undefined);
      if ((await panel.count()) > 0 && (await panel.textContent())?.includes(gateway.properties.name)) {
        opened = gateway.properties.name;
        break;
      }
    }
    expect(opened).not.toBeNull();
    expect(await panel.locator('h4').first().textContent()).toBe('LoRaWAN-Gateways');
    await panel.locator('.info-close').click();
  });

  itWithFixtures(
    "shows a file of one's own, a town's parking areas in UTM 32N: reprojected, drawn, not in the link",
    async () => {
      const file = fixturePath('geojson/esslingen-parking-polygons-epsg25832.geojson');
      await page.locator('[data-testid="drop-file-input"]').setInputFiles(file);
      const status = page.locator('[data-testid="drop-file-status"]');
      await expect.poll(() => status.getAttribute('data-state'), { timeout: 30_000 }).toBe('loaded');
      // 250 features, six of them without coordinates: those are named, the rest drawn.
      const said = (await status.textContent()) ?? '';
      expect(said).toContain(
        '„esslingen-parking-polygons-epsg25832.geojson“: 244 Objekte auf der Karte. Umgerechnet aus EPSG:25832.',
      );
      // Which one and why, in plain German: the 93rd has too few points for an area.
      expect(said).toContain(
        'Objekt 93 in „esslingen-parking-polygons-epsg25832.geojson“ hat zu wenige Punkte für seine Form',
      );
      expect(said).not.toMatch(/Too small|expected/);
      const item = page.locator('[data-testid="layer"]', { hasText: 'esslingen-parking-polygons' });
      await item.waitFor({ timeout: 10_000 });
      const layerId = await item.getAttribute('data-layer-id');
      await page.waitForSelector(`[data-layer-id="${layerId}"][data-layer-state="ACTIVE"]`, {
        timeout: 30_000,
      });
      // Straight above the areas' middle (the file's UTM box, converted here on its own): they are drawn.
      const utm = '+proj=utm +zone=32 +ellps=GRS80 +units=m +no_defs';
      const [lon, lat] = proj4(utm, 'EPSG:4326', [522_805, 5_398_447]);
      const view = { lon, lat, heightM: 1500, headingDeg: 0, pitchDeg: -90 };
      await page.evaluate(
        (v) =>
          (
            window as unknown as { __citytwin: { setView: ((v: object) => void) | null } }
          ).__citytwin.setView?.(v),
        view,
      );
      // Esslingen's parking areas are mostly strips along the streets: their orange outlines are
      // drawn there, thousands of pixels, and are gone when the layer is switched off.
      const orangePixels = async () =>
        (await pixelStats(page, await canvasShot(), null, ORANGE, 60)).matching;
      await expect.poll(orangePixels, { timeout: 60_000, interval: 500 }).toBeGreaterThan(4000);
      await page.screenshot({ path: join(resultsDir, 'catalogue-own-file.png') });
      await page.uncheck(`#layer-toggle-${layerId}`);
      await expect.poll(orangePixels, { timeout: 30_000, interval: 500 }).toBeLessThan(100);
      await page.check(`#layer-toggle-${layerId}`);
      // The file stays on this device: the link names no added layer.
      expect(new URL(page.url()).searchParams.get('add')).toBeNull();
    },
    180_000,
  );
});
