/**
 * The town's own map in Chromium, as a citizen meets it: the ground under the demo town is a map
 * (streets, water, green: many colours, not a flat fill) on the pack's relief, a street is found by typing its name, and a
 * shared link opens the whole state again (camera, basemap, layers with opacity, time, selection,
 * language). Screenshots go to test-results/map-*.png.
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
import { demoGround } from './demoGround.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const resultsDir = join(repoRoot, 'test-results');
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

interface Probe {
  groundLoaded?: () => boolean;
  setView: (view: {
    lon: number;
    lat: number;
    heightM: number;
    headingDeg: number;
    pitchDeg: number;
  }) => void;
  cameraView?: () => {
    lon: number;
    lat: number;
    heightM: number;
    headingDeg: number;
    pitchDeg: number;
  } | null;
}

/** Waits until the ground's imagery and terrain for the view are loaded and drawn. */
async function waitForGround(page: Page): Promise<void> {
  await page.waitForFunction(
    () => (window as unknown as { __citytwin?: Probe }).__citytwin?.groundLoaded?.() === true,
    undefined,
    { timeout: 90_000, polling: 250 },
  );
}

/** Moves a range input as a user's drag does (React listens to `input` events). */
async function setRange(page: Page, selector: string, value: number): Promise<void> {
  await page.locator(selector).evaluate((element, to) => {
    const input = element as HTMLInputElement;
    const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set;
    setter?.call(input, String(to));
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }, value);
}

/** Luminance spread and the number of distinct colours (in 4-bit steps) of the map's canvas. */
async function canvasStats(page: Page): Promise<{ variance: number; colours: number; water: number }> {
  const png = await page.locator('.cesium-widget canvas').first().screenshot();
  return page.evaluate(async (base64) => {
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
    let water = 0;
    const colours = new Set<number>();
    const n = data.length / 4;
    for (let i = 0; i < data.length; i += 4) {
      const r = data[i] ?? 0;
      const g = data[i + 1] ?? 0;
      const b = data[i + 2] ?? 0;
      const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
      sum += luminance;
      sumSquares += luminance * luminance;
      colours.add(((r >> 4) << 8) | ((g >> 4) << 4) | (b >> 4));
      // Water in the light style is a muted blue: clearly more blue than red.
      if (b > r + 25 && b > g) water += 1;
    }
    const mean = sum / n;
    return { variance: sumSquares / n - mean * mean, colours: colours.size, water: water / n };
  }, png.toString('base64'));
}

describe.skipIf(!chromiumAvailable())("the town's own map in Chromium", () => {
  let app: App;
  let browser: Browser;
  let page: Page;
  let baseUrl: string;
  let historyDir: string | undefined;
  const foreignRequests: string[] = [];
  const pageErrors: string[] = [];

  const watch = (p: Page) => {
    p.on('pageerror', (error) => pageErrors.push(error.message));
    p.on('request', (request) => {
      const url = new URL(request.url());
      if (url.protocol.startsWith('http') && !LOCAL_HOSTS.has(url.hostname))
        foreignRequests.push(request.url());
    });
  };

  beforeAll(async () => {
    mkdirSync(resultsDir, { recursive: true });
    const config = loadConfig({ env: { PORT: '0', HOST: '127.0.0.1', CITYTWIN_LOG_LEVEL: 'warn' } });
    // A history of the test's own (the machine's var/ may be held by a running twin).
    historyDir = mkdtempSync(join(tmpdir(), 'citytwin-map-'));
    const history = await DuckDbHistoryStore.open({
      file: join(historyDir, 'history.duckdb'),
      now: Date.now,
    });
    app = await createApp(config, { rootDir: repoRoot, history });
    baseUrl = `http://localhost:${await app.listen()}`;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    if (historyDir) rmSync(historyDir, { recursive: true, force: true });
  });

  it('stands the town on a map: streets, water and green under it, from its own server only', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    watch(page);
    // Buildings off, looking down on the lakes north of the centre: only the ground is on screen.
    await page.goto(`${baseUrl}/?lyr=buildings~0`);
    await waitForTwin(page);
    await page.evaluate(() =>
      (window as unknown as { __citytwin: Probe }).__citytwin.setView({
        lon: 9.0105,
        lat: 48.6875,
        heightM: 1300,
        headingDeg: 0,
        pitchDeg: -90,
      }),
    );
    await waitForGround(page);
    await page.screenshot({ path: join(resultsDir, 'map-ground.png') });
    const stats = await canvasStats(page);
    // Natural Earth alone at this height is one blurred olive: almost no spread, a handful of colours.
    expect(stats.variance).toBeGreaterThan(150);
    expect(stats.colours).toBeGreaterThan(60);
    expect(stats.water).toBeGreaterThan(0.005);
    expect(await page.isChecked('#basemap-town')).toBe(true);

    // And on its relief: the terrain the map draws is the pack's DEM, across the district.
    const groundAt = await demoGround();
    const places: [number, number][] = [];
    for (const lon of [8.995, 9.0105, 9.035])
      for (const lat of [48.672, 48.6875, 48.698]) places.push([lon, lat]);
    const drawn = await page.evaluate(
      (at) => window.__citytwin?.groundHeightsAt?.(at) ?? Promise.resolve(null),
      places,
    );
    if (!drawn) throw new Error('the map offers no ground heights');
    const dem = places.map(([lon, lat]) => groundAt(lon, lat));
    // Between its samples the terrain's mesh may leave the DEM by a little more than its 0.25 m.
    drawn.forEach((height, i) => expect(Math.abs(height - (dem[i] ?? 0))).toBeLessThan(0.5));
    // A relief, not a plain: the hills stand tens of metres above the valley.
    expect(Math.max(...drawn) - Math.min(...drawn)).toBeGreaterThan(20);
    expect(foreignRequests).toEqual([]);
  }, 240_000);

  it('finds a street by its name, typed with a typo and without umlauts, and flies there', async () => {
    const box = page.locator('[data-testid="search-box"] input[role="combobox"]');
    await box.fill('Calwr Strase');
    const option = page.getByRole('option').first();
    await expect.poll(() => option.textContent(), { timeout: 20_000 }).toContain('Calwer Straße');
    await box.press('ArrowDown');
    await box.press('Enter');
    // The camera comes to rest by the street (the server's answer says where it is).
    const answer = (await (await fetch(`${baseUrl}/api/v1/search?q=Calwer%20Stra%C3%9Fe`)).json()) as {
      results: { label: string; lon: number; lat: number }[];
    };
    const street = answer.results.find((r) => r.label === 'Calwer Straße');
    expect(street).toBeDefined();
    await expect
      .poll(
        async () => {
          const view = await page.evaluate(() =>
            (window as unknown as { __citytwin: Probe }).__citytwin.cameraView?.(),
          );
          return view ? Math.hypot(view.lon - (street?.lon ?? 0), view.lat - (street?.lat ?? 0)) : 1;
        },
        { timeout: 30_000 },
      )
      .toBeLessThan(0.012);
    await page.screenshot({ path: join(resultsDir, 'map-search.png') });
  });

  it('opens a shared link with the whole state again', async () => {
    // Change the state through the UI: dark map, roads off, basins at 40 %, English, a garage chosen.
    await page.check('#basemap-town-dark');
    await page.uncheck('#layer-toggle-roads');
    await page.click('[data-layer-id="basins"] [data-testid="layer-details-toggle"]');
    await setRange(page, '[data-layer-id="basins"] [data-testid="layer-opacity"]', 40);
    await page.click('.language-switch button[lang="en"]');
    await page.evaluate(() =>
      (window as unknown as { __citytwin: Probe }).__citytwin.setView({
        lon: 9.02,
        lat: 48.68,
        heightM: 1234.5,
        headingDeg: 30,
        pitchDeg: -40,
      }),
    );
    const garageButton = page.locator('[data-testid="garage"] button').first();
    await garageButton.click();
    await page.waitForSelector('[data-testid="info-panel"]');
    const sensorId = await page.getAttribute('[data-testid="info-panel"]', 'data-sensor-id');
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl });
    await page.click('[data-testid="share-button"]');
    const link = await page.evaluate(() => navigator.clipboard.readText());
    const cameraAt = await page.evaluate(() =>
      (window as unknown as { __citytwin: Probe }).__citytwin.cameraView?.(),
    );
    expect(link).toContain('map=town-dark');
    // The first page stops drawing: one software-rendered map at a time on CI's two cores.
    await page.context().close();

    const other = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const opened = await other.newPage();
    watch(opened);
    await opened.goto(link);
    await waitForTwin(opened, 180_000);
    expect(await opened.isChecked('#basemap-town-dark')).toBe(true);
    expect(await opened.isChecked('#layer-toggle-roads')).toBe(false);
    expect(await opened.isChecked('#layer-toggle-basins')).toBe(true);
    await opened.click('[data-layer-id="basins"] [data-testid="layer-details-toggle"]');
    expect(await opened.inputValue('[data-layer-id="basins"] [data-testid="layer-opacity"]')).toBe('40');
    expect(await opened.getAttribute('html', 'lang')).toBe('en');
    expect(await opened.getAttribute('[data-testid="info-panel"]', 'data-sensor-id')).toBe(sensorId);
    const view = await opened.evaluate(() =>
      (window as unknown as { __citytwin: Probe }).__citytwin.cameraView?.(),
    );
    expect(view?.lon).toBeCloseTo(cameraAt?.lon ?? 0, 4);
    expect(view?.lat).toBeCloseTo(cameraAt?.lat ?? 0, 4);
    expect(view?.heightM).toBeCloseTo(cameraAt?.heightM ?? 0, 0);
    await waitForGround(opened);
    await opened.screenshot({ path: join(resultsDir, 'map-shared-link.png') });
    expect(foreignRequests).toEqual([]);
    expect(pageErrors).toEqual([]);
    await other.close();
  }, 300_000);
});
