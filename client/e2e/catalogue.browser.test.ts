/**
 * The demo catalogue's own layers in a real Chromium: turning on a polygon layer (the fibre rollout)
 * and a point layer (the LoRaWAN gateways with their antenna symbols) draws them, checked by pixels.
 * Screenshots go to `test-results/` to look at.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../server/src/app.ts';
import { createApp } from '../../server/src/app.ts';
import { loadConfig } from '../../server/src/config.ts';
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

  const canvasShot = () => page.locator('canvas').first().screenshot();

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
      .poll(
        async () => {
          const stats = await pixelStats(page, await canvasShot(), before, [0, 0, 0], 45);
          return stats.changed / stats.total;
        },
        { timeout: 60_000, interval: 500 },
      )
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
  });
});
