/**
 * Measuring in a real Chromium against the real server: a visitor opens the measuring panel, clicks
 * two points on open ground and reads a distance that matches the geodesic distance computed here in
 * node; clicks the corners of an area and finishes with Enter; measures a building's height from the
 * ground to its roof (no info panel opens meanwhile); closes the panel, and the map's own clicks work
 * again. The screen positions of the points come from the app's probe. The town stands on its
 * relief: places on the ground get their height from the pack's DEM (`demoGround.ts`).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../server/src/app.ts';
import { createApp } from '../../server/src/app.ts';
import { loadConfig } from '../../server/src/config.ts';
import { geodesicDistanceM, polygonAreaM2, type LonLatHeight } from '../src/measure/geodesy.ts';
import { chromiumAvailable, launchChromium, waitForTwin } from './chromium.ts';
import { demoGround } from './demoGround.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const resultsDir = join(repoRoot, 'test-results');

interface View {
  lon: number;
  lat: number;
  heightM: number;
  headingDeg: number;
  pitchDeg: number;
}

type Probe = {
  screenPositionOf?: ((p: readonly [number, number, number]) => [number, number] | null) | null;
  pickIdAt?: (x: number, y: number) => string | null;
  setView?: ((view: View) => void) | null;
  cameraView?: () => { pitchDeg: number } | null;
};

interface Building {
  id: string;
  heightM: number;
  /** Where it stands: the lowest ground under its outline (decision 0013). */
  baseM: number;
  ring: [number, number][];
}

const buildings: Building[] = (
  JSON.parse(readFileSync(join(repoRoot, 'data', 'boeblingen-demo', 'buildings.geojson'), 'utf8')) as {
    features: {
      properties: { id: string; heightM: number };
      geometry: { coordinates: ([number, number] | [number, number, number])[][] };
    }[];
  }
).features.map((f) => {
  const ring = f.geometry.coordinates[0] ?? [];
  return {
    id: f.properties.id,
    heightM: f.properties.heightM,
    baseM: Math.min(...ring.map((p) => p[2] ?? 0)),
    ring: ring.map((p): [number, number] => [p[0], p[1]]),
  };
});

/** The height of the pack's relief at a point. */
const groundAt = await demoGround();

/** Degrees per metre at the demo town's latitude (for placing points; the checks use geodesy). */
const D_LON = 1 / 73_600;
const D_LAT = 1 / 111_200;

const boxes = buildings.map((b) => {
  const lons = b.ring.map((p) => p[0]);
  const lats = b.ring.map((p) => p[1]);
  return [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)] as const;
});

/** Whether no building's bounding box comes within 15 m of `[lon, lat]`. */
function open(lon: number, lat: number): boolean {
  const mLon = 15 * D_LON;
  const mLat = 15 * D_LAT;
  return boxes.every(([w, s, e, n]) => e < lon - mLon || w > lon + mLon || n < lat - mLat || s > lat + mLat);
}

/** The 100 m square nearest to the town's middle whose four corners are on open ground. */
function openRectangle(): LonLatHeight[] {
  const side = 100;
  const steps: [number, number][] = [];
  for (let dy = -50; dy < 50; dy += 1) for (let dx = -50; dx < 50; dx += 1) steps.push([dx, dy]);
  steps.sort((a, b) => Math.hypot(...a) - Math.hypot(...b));
  for (const [dx, dy] of steps) {
    const lon = 9.015 + dx * 20 * D_LON;
    const lat = 48.685 + dy * 20 * D_LAT;
    const corners: [number, number][] = [
      [lon, lat],
      [lon + side * D_LON, lat],
      [lon + side * D_LON, lat + side * D_LAT],
      [lon, lat + side * D_LAT],
    ];
    if (corners.every(([x, y]) => open(x, y))) return corners.map(([x, y]) => [x, y, groundAt(x, y)]);
  }
  throw new Error('no open ground for a 100 m square in the demo town');
}

function inside([x, y]: readonly [number, number], ring: readonly [number, number][]): boolean {
  let hit = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i, i += 1) {
    const [xi, yi] = ring[i] as [number, number];
    const [xj, yj] = ring[j] as [number, number];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) hit = true;
  }
  return hit;
}

/** Buildings near `[lon, lat]`, nearest first, with their roof's middle (inside the footprint). */
function buildingsNear(lon: number, lat: number): { building: Building; roof: LonLatHeight }[] {
  return buildings
    .map((building) => {
      const corners = building.ring.slice(0, -1);
      const middle: [number, number] = [
        corners.reduce((s, p) => s + p[0], 0) / corners.length,
        corners.reduce((s, p) => s + p[1], 0) / corners.length,
      ];
      return { building, middle };
    })
    .filter(({ building, middle }) => building.heightM >= 6 && inside(middle, building.ring))
    .map(({ building, middle }) => ({
      building,
      roof: [middle[0], middle[1], building.baseM + building.heightM] as LonLatHeight,
      metres: geodesicDistanceM([lon, lat, 0], [middle[0], middle[1], 0]),
    }))
    .filter(({ metres }) => metres < 220)
    .sort((a, b) => a.metres - b.metres)
    .map(({ building, roof }) => ({ building, roof }));
}

/** A number as the German panel writes it ("1.234,5"). */
function germanNumber(text: string): number {
  return Number(text.replace(/\./g, '').replace(',', '.'));
}

describe.skipIf(!chromiumAvailable())('measuring in Chromium', () => {
  let app: App;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];
  const rectangle = openRectangle();
  const ground = rectangle[0] as LonLatHeight;

  const screenOf = (p: LonLatHeight) =>
    page.evaluate(
      (q) => (window as unknown as { __citytwin: Probe }).__citytwin.screenPositionOf?.(q) ?? null,
      p,
    );
  const pickAt = (at: readonly [number, number]) =>
    page.evaluate(
      ([x, y]) => (window as unknown as { __citytwin: Probe }).__citytwin.pickIdAt?.(x, y) ?? null,
      at,
    );
  /** Canvas coordinates (the probe's) to page coordinates. */
  const onPage = async (p: LonLatHeight): Promise<[number, number]> => {
    const canvas = await page.locator('.cesium-widget canvas').boundingBox();
    const at = await screenOf(p);
    if (!canvas || !at) throw new Error(`[${p.join(', ')}] is not on screen`);
    return [canvas.x + at[0], canvas.y + at[1]];
  };
  const middle = rectangle.reduce<[number, number]>((s, p) => [s[0] + p[0] / 4, s[1] + p[1] / 4], [0, 0]);
  const topView: View = {
    lon: middle[0],
    lat: middle[1],
    heightM: groundAt(middle[0], middle[1]) + 650,
    headingDeg: 0,
    pitchDeg: -90,
  };
  /** Sets the camera; the start's flight may still move it, so the view is set again until it holds. */
  const showView = (view: View) =>
    expect
      .poll(
        () =>
          page.evaluate((v) => {
            const probe = (window as unknown as { __citytwin: Probe }).__citytwin;
            probe.setView?.(v);
            return probe.cameraView?.()?.pitchDeg ?? null;
          }, view),
        { timeout: 20_000 },
      )
      .toBeCloseTo(view.pitchDeg, 0);
  const values = () => page.locator('[data-testid="measure-values"]');
  const firstValue = () =>
    page.locator('[data-testid="measure-values"] .measure-value').first().textContent();

  beforeAll(async () => {
    mkdirSync(resultsDir, { recursive: true });
    const config = loadConfig({ env: { PORT: '0', HOST: '127.0.0.1', CITYTWIN_LOG_LEVEL: 'warn' } });
    app = await createApp(config, { rootDir: repoRoot, history: null });
    const baseUrl = `http://localhost:${await app.listen()}`;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 850 } });
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
    await page.goto(baseUrl, { waitUntil: 'load' });
    await waitForTwin(page);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('measures the distance between two points on the ground as the geodesic distance', async () => {
    // Straight down onto the square's middle, from 650 m: a pixel is about half a metre.
    await showView(topView);
    await page.click('[data-testid="measure-open"]');
    await page.click('[data-testid="measure-mode-distance"]');
    expect(await page.getAttribute('[data-testid="measure-mode-distance"]', 'aria-pressed')).toBe('true');
    expect(await page.textContent('[data-testid="measure-panel"]')).toContain('Doppelklick beendet');

    const from = rectangle[0] as LonLatHeight;
    const to = rectangle[2] as LonLatHeight;
    const [x1, y1] = await onPage(from);
    await page.mouse.click(x1, y1);
    await expect.poll(() => values().getAttribute('data-points')).toBe('1');
    const [x2, y2] = await onPage(to);
    // The rubber band follows the mouse before the second click.
    await page.mouse.move(x2, y2);
    await page.mouse.dblclick(x2, y2);
    await expect.poll(() => values().getAttribute('data-finished')).toBe('true');
    expect(await values().getAttribute('data-points')).toBe('2');

    const text = (await firstValue()) ?? '';
    const match = /^Strecke: ([\d.,]+)\u00a0m$/.exec(text);
    if (!match?.[1]) throw new Error(`unexpected distance text: ${text}`);
    const shown = germanNumber(match[1]);
    const expected = geodesicDistanceM(from, to);
    // A click lands within a pixel (about half a metre here) of the point.
    expect(Math.abs(shown - expected)).toBeLessThan(1.5);
    // Up or down the relief, the length along the slope is shown as well, where it differs.
    const climbM = to[2] - from[2];
    const slopeM = Math.hypot(expected, climbM);
    const slope = /Schräg, mit Höhenunterschied: ([\d.,]+)\u00a0m/.exec((await values().textContent()) ?? '');
    // (Near the panel's own threshold, a few centimetres, either is right.)
    if (slopeM - expected > 0.5 && !slope)
      throw new Error(`no slope length for a climb of ${climbM.toFixed(1)} m`);
    if (slopeM - expected < 0.02) expect(slope).toBeNull();
    if (slope?.[1]) expect(Math.abs(germanNumber(slope[1]) - slopeM)).toBeLessThan(1.5);
    await page.screenshot({ path: join(resultsDir, 'measure-distance.png') });
  });

  it('measures an area from clicked corners, finished with Enter', async () => {
    await page.click('[data-testid="measure-mode-area"]');
    expect(await values().getAttribute('data-points')).toBe('0');
    for (const corner of rectangle) {
      const [x, y] = await onPage(corner);
      await page.mouse.click(x, y);
    }
    await expect.poll(() => values().getAttribute('data-points')).toBe('4');
    await page.keyboard.press('Enter');
    await expect.poll(() => values().getAttribute('data-finished')).toBe('true');

    const text = (await firstValue()) ?? '';
    const match = /^Fläche: ([\d,]+)\u00a0ha \(([\d.]+)\u00a0m²\)$/.exec(text);
    if (!match?.[2]) throw new Error(`unexpected area text: ${text}`);
    const expected = polygonAreaM2(rectangle);
    // Each corner within about half a metre: within 3 % of a hectare.
    expect(Math.abs(germanNumber(match[2]) / expected - 1)).toBeLessThan(0.03);
    await page.screenshot({ path: join(resultsDir, 'measure-area.png') });

    // Backspace takes the last corner back; Escape drops the measurement.
    await page.keyboard.press('Backspace');
    await expect.poll(() => values().getAttribute('data-points')).toBe('3');
    await page.keyboard.press('Escape');
    await expect.poll(() => values().getAttribute('data-points')).toBe('0');
  });

  it("measures a building's height from the ground to its roof without opening its info", async () => {
    await page.click('[data-testid="measure-mode-height"]');
    // A building near the open ground whose roof the probe finds at its middle.
    let target: { building: Building; roof: LonLatHeight; at: [number, number] } | null = null;
    for (const candidate of buildingsNear(ground[0], ground[1])) {
      const at = await screenOf(candidate.roof);
      if (at && (await pickAt(at)) === `building:${candidate.building.id}`) {
        target = { ...candidate, at };
        break;
      }
    }
    if (!target) throw new Error('no building roof on screen near the open ground');

    const [gx, gy] = await onPage(ground);
    await page.mouse.click(gx, gy);
    await expect.poll(() => values().getAttribute('data-points')).toBe('1');
    expect(await values().textContent()).toContain('Höhe über Gelände');
    const [rx, ry] = await onPage(target.roof);
    await page.mouse.click(rx, ry);
    await expect.poll(() => values().getAttribute('data-finished')).toBe('true');

    const text = (await firstValue()) ?? '';
    const match = /^Höhenunterschied: ([\d.,]+)\u00a0m$/.exec(text);
    if (!match?.[1]) throw new Error(`unexpected height text: ${text}`);
    // From the ground where it was clicked up to the roof: the building and the relief between.
    expect(Math.abs(germanNumber(match[1]) - (target.roof[2] - ground[2]))).toBeLessThan(0.5);
    // The click on the roof was a measuring point, not a pick of the building.
    expect(await page.locator('[data-testid="info-panel"]').count()).toBe(0);
    await page.screenshot({ path: join(resultsDir, 'measure-height.png') });
    // From the side the vertical line stands at the building (a screenshot to look at).
    await showView({
      lon: target.roof[0],
      lat: target.roof[1] - 220 / 111_200,
      heightM: groundAt(target.roof[0], target.roof[1] - 220 / 111_200) + 90,
      headingDeg: 0,
      pitchDeg: -18,
    });
    await page.screenshot({ path: join(resultsDir, 'measure-height-side.png') });
    await showView(topView);

    // Closed, the tool gives the map's clicks back: the same roof opens the building's info.
    await page.click('[data-testid="measure-close"]');
    await expect.poll(() => page.locator('[data-testid="measure-open"]').count()).toBe(1);
    await page.mouse.click(rx, ry);
    await expect
      .poll(() => page.getAttribute('[data-testid="info-panel"]', 'data-building-id'))
      .toBe(target.building.id);
    expect(errors).toEqual([]);
  });
});
