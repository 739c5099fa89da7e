/**
 * The production build in a real Chromium against the real server with the simulator: the page loads
 * without console errors, draws the town, shows live values that change, and never leaves localhost.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../server/src/app.ts';
import { createApp } from '../../server/src/app.ts';
import { loadConfig } from '../../server/src/config.ts';
import { DuckDbHistoryStore } from '../../server/src/history/duckdbHistoryStore.ts';
import { chromiumAvailable, launchChromium, waitForTwin } from './chromium.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const resultsDir = join(repoRoot, 'test-results');

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

describe.skipIf(!chromiumAvailable())('the twin in Chromium', () => {
  let app: App;
  let browser: Browser;
  let page: Page;
  let baseUrl: string;
  let historyDir: string | undefined;
  const consoleErrors: string[] = [];
  const foreignRequests: string[] = [];

  beforeAll(async () => {
    mkdirSync(resultsDir, { recursive: true });
    const config = loadConfig({ env: { PORT: '0', HOST: '127.0.0.1', CITYTWIN_LOG_LEVEL: 'warn' } });
    // As a fresh install runs: with the history (a DuckDB file), here in a folder of the test's own.
    historyDir = mkdtempSync(join(tmpdir(), 'citytwin-twin-'));
    const history = await DuckDbHistoryStore.open({
      file: join(historyDir, 'history.duckdb'),
      now: Date.now,
    });
    app = await createApp(config, { rootDir: repoRoot, history });
    const port = await app.listen();
    baseUrl = `http://localhost:${port}`;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(`page error: ${error.message}`));
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (
        (url.protocol === 'http:' || url.protocol === 'https:' || url.protocol.startsWith('ws')) &&
        !LOCAL_HOSTS.has(url.hostname)
      ) {
        foreignRequests.push(request.url());
      }
    });
    await page.goto(baseUrl, { waitUntil: 'load' });
    await waitForTwin(page);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    if (historyDir) rmSync(historyDir, { recursive: true, force: true });
  });

  it('shows the live connection and the synthetic-data label in German', async () => {
    await expect
      .poll(() => page.getAttribute('[data-testid="connection-state"]', 'data-state'), { timeout: 20_000 })
      .toBe('live');
    expect(await page.getAttribute('html', 'lang')).toBe('de');
    expect(await page.textContent('body')).toContain('Demo-Daten (synthetisch)');
  });

  it('draws the town: the canvas is not blank', async () => {
    // Let tiles and labels settle, then measure the spread of pixel values in the canvas.
    await page.waitForTimeout(3000);
    const canvas = page.locator('canvas').first();
    const png = await canvas.screenshot();
    await page.screenshot({ path: join(resultsDir, 'twin.png') });
    const stats = await page.evaluate(async (base64) => {
      const image = new Image();
      image.src = `data:image/png;base64,${base64}`;
      await image.decode();
      const scratch = document.createElement('canvas');
      scratch.width = image.width;
      scratch.height = image.height;
      const context = scratch.getContext('2d');
      if (!context) throw new Error('no 2d context');
      context.drawImage(image, 0, 0);
      const { data } = context.getImageData(0, 0, image.width, image.height);
      let sum = 0;
      let sumSquares = 0;
      const n = data.length / 4;
      for (let i = 0; i < data.length; i += 4) {
        const luminance = 0.2126 * (data[i] ?? 0) + 0.7152 * (data[i + 1] ?? 0) + 0.0722 * (data[i + 2] ?? 0);
        sum += luminance;
        sumSquares += luminance * luminance;
      }
      const mean = sum / n;
      return { width: image.width, height: image.height, mean, variance: sumSquares / n - mean * mean };
    }, png.toString('base64'));
    expect(stats.width).toBeGreaterThan(800);
    expect(stats.variance).toBeGreaterThan(200);
  });

  it('changes the number of free spaces of a garage within 30 s', async () => {
    const readFree = () =>
      page.$$eval('[data-testid="garage"]', (items) =>
        items.map(
          (item) => `${item.getAttribute('data-sensor-id')}=${item.getAttribute('data-free-spaces')}`,
        ),
      );
    const first = await readFree();
    expect(first.length).toBeGreaterThanOrEqual(6);
    expect(first.every((entry) => /=\d+$/.test(entry))).toBe(true);
    const started = Date.now();
    let changed = false;
    while (!changed && Date.now() - started < 30_000) {
      await page.waitForTimeout(1000);
      const now = await readFree();
      changed = now.some((entry, i) => entry !== first[i]);
    }
    expect(changed).toBe(true);
  });

  it('opens the info panel of a garage with its values and measurement time', async () => {
    await page.locator('[data-testid="garage"]').first().click();
    const panel = page.locator('[data-testid="info-panel"]');
    await expect.poll(() => panel.isVisible(), { timeout: 10_000 }).toBe(true);
    const text = (await panel.textContent()) ?? '';
    expect(text).toMatch(/Freie Plätze/);
    expect(text).toMatch(/\d{1,2}:\d{2}/);
    // The history the server recorded since it started: the last 24 hours' chart has readings.
    await expect
      .poll(() => panel.locator('[data-testid="history-chart-24h"]').getAttribute('data-state'), {
        timeout: 15_000,
      })
      .toBe('ready');
    await page.screenshot({ path: join(resultsDir, 'twin-info.png') });
    await page.keyboard.press('Escape');
    await expect.poll(() => panel.isVisible(), { timeout: 5000 }).toBe(false);
  });

  it('opens a LoRaWAN station from the map with its battery, signal and gateway', async () => {
    const info = (await (await fetch(`${baseUrl}/api/v1/city`)).json()) as {
      sensors: { id: string; position: [number, number, number] }[];
    };
    const station = info.sensors.find((sensor) => sensor.id === 'env-elbenplatz');
    if (!station) throw new Error('no station env-elbenplatz in the demo pack');
    const point = await page.evaluate(
      (position) =>
        (
          window as unknown as {
            __citytwin: {
              screenPositionOf: ((p: [number, number, number]) => [number, number] | null) | null;
            };
          }
        ).__citytwin.screenPositionOf?.(position) ?? null,
      station.position,
    );
    if (!point) throw new Error('the station is not in view');
    const canvas = await page.locator('canvas').first().boundingBox();
    if (!canvas) throw new Error('no map canvas');
    await page.mouse.click(canvas.x + point[0], canvas.y + point[1]);
    const panel = page.locator('[data-testid="info-panel"][data-sensor-id="env-elbenplatz"]');
    await expect.poll(() => panel.isVisible(), { timeout: 10_000 }).toBe(true);
    const device = page.locator('[data-testid="info-device"]');
    await expect
      .poll(async () => (await device.textContent()) ?? '', { timeout: 10_000 })
      .toMatch(/Batterie/);
    const text = (await device.textContent()) ?? '';
    expect(text).toMatch(/Meldet alle\s*1 min/);
    expect(text).toMatch(/Zuletzt gemeldet/);
    expect(text).toMatch(/Funksignal\s*-\d+ dBm, SNR -?\d+(,\d)? dB/);
    expect(text).toMatch(/Gateway\s*sim-gw-[1-3]/);
    await page.screenshot({ path: join(resultsDir, 'twin-device.png') });
    await page.keyboard.press('Escape');
    await expect.poll(() => panel.isVisible(), { timeout: 5000 }).toBe(false);
  });

  it('subscribes to what the camera sees (plus every garage), and follows the camera', async () => {
    const subscriptions = () =>
      [...app.io.sockets.sockets.values()].map((socket) => socket.data.subscription).filter(Boolean);
    // The garage flight of an earlier test ended with the camera close above one garage.
    await expect.poll(() => subscriptions()[0]?.bbox !== undefined, { timeout: 15_000 }).toBe(true);
    const first = subscriptions()[0];
    expect(first?.everywhere).toEqual(['parking']);
    const [west, south, east, north] = first?.bbox ?? [0, 0, 0, 0];
    expect(east - west).toBeLessThan(0.2);
    expect(north - south).toBeLessThan(0.2);
    // Flying home shows more of the town: the subscription changes with it.
    await page.getByRole('button', { name: /Kamera zur Startansicht/ }).click();
    await expect
      .poll(() => JSON.stringify(subscriptions()[0]?.bbox ?? null), { timeout: 15_000 })
      .not.toBe(JSON.stringify(first?.bbox));
  });

  it('logged no console errors and sent no request beyond localhost', () => {
    expect(consoleErrors).toEqual([]);
    expect(foreignRequests).toEqual([]);
  });
});
