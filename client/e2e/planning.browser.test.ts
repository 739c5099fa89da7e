/**
 * Planning in a real Chromium against the real server: a planner creates a scenario, draws a building
 * into variant A by clicking its corners into the map, gives it heights, demolishes an existing
 * building, compares A, B and the town as it is, and saves (versions 1 and 2, the second published).
 * A visitor's link then opens exactly that scenario and variant, with the building on the map. Last,
 * the planner imports the FZK LoD2 test houses (CityGML) into variant B at a place picked on the map.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../server/src/app.ts';
import { createApp } from '../../server/src/app.ts';
import { loadConfig } from '../../server/src/config.ts';
import { importProposedBuildings } from '../../server/src/scenarios/importProposed.ts';
import { fixture as fixturePath } from '../../scripts/fixtures/fixturesDir.ts';
import { itWithFixtures } from '../../scripts/fixtures/withFixtures.ts';
import { sunPosition } from '../src/planning/solar.ts';
import { chromiumAvailable, launchChromium, waitForTwin } from './chromium.ts';
import { demoGround, type GroundAt } from './demoGround.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const PLANNER = 'planung-key-0123456789';

type Probe = {
  ready?: boolean;
  screenPositionOf?: ((p: [number, number, number]) => [number, number] | null) | null;
  pickIdAt?: (x: number, y: number) => string | null;
};

interface Building {
  id: string;
  heightM: number;
  /** `[lon, lat, groundHeightM]` where the pack has terrain, else `[lon, lat]`. */
  ring: number[][];
}

const buildings: Building[] = (
  JSON.parse(readFileSync(join(repoRoot, 'data', 'boeblingen-demo', 'buildings.geojson'), 'utf8')) as {
    features: {
      properties: { id: string; heightM: number };
      geometry: { coordinates: number[][][] };
    }[];
  }
).features.map((f) => ({
  id: f.properties.id,
  heightM: f.properties.heightM,
  ring: f.geometry.coordinates[0] ?? [],
}));

/** A 30 m square whose 60 m surroundings hold no building (by bounding boxes), near `[lon, lat]`. */
function openSquare(): [number, number][] {
  const dLon = 1 / 73_600;
  const dLat = 1 / 111_200;
  const boxes = buildings.map((b) => {
    const lons = b.ring.map((p) => p[0] ?? 0);
    const lats = b.ring.map((p) => p[1] ?? 0);
    return [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)] as const;
  });
  for (let dy = 0; dy < 40; dy += 1)
    for (let dx = -20; dx < 20; dx += 1) {
      const lon = 9.0152 + dx * 40 * dLon;
      const lat = 48.6805 + dy * 40 * dLat;
      const free = boxes.every(
        ([w, s, e, n]) =>
          e < lon - 15 * dLon || w > lon + 45 * dLon || n < lat - 15 * dLat || s > lat + 45 * dLat,
      );
      if (free)
        return [
          [lon, lat],
          [lon + 30 * dLon, lat],
          [lon + 30 * dLon, lat + 30 * dLat],
          [lon, lat + 30 * dLat],
        ];
    }
  throw new Error('no open ground in the demo town');
}

describe.skipIf(!chromiumAvailable())('planning scenarios in Chromium', () => {
  let app: App;
  let browser: Browser;
  let baseUrl: string;
  let dir: string;
  let planner: Page;
  const contexts: BrowserContext[] = [];
  const errors: string[] = [];
  const square = openSquare();
  /** The town's relief (the ellipsoid at 0 without one): every place below is on the ground or above it. */
  let groundAt: GroundAt = () => 0;
  const atGround = (lon: number, lat: number, aboveM = 0): [number, number, number] => [
    lon,
    lat,
    groundAt(lon, lat) + aboveM,
  ];
  /** The middle of the new building, 10 m above the lowest ground under it, where it stands. */
  let centre: [number, number, number] = [0, 0, 0];
  let scenarioId = '';
  /** The planner's link after saving, and the camera it was at. */
  let shared = '';
  let sharedCamera: { lon: number; lat: number; heightM: number; headingDeg: number } | null = null;
  let demolished: { id: string; at: [number, number] } | null = null;
  /** Where the new building stands on the planner's screen at the town's home view. */
  let at: [number, number] = [0, 0];
  let closedRoad: { id: string; at: [number, number]; quarter: [number, number, number] } | null = null;

  const screenOf = (page: Page, p: [number, number, number]) =>
    page.evaluate(
      (q) => (window as unknown as { __citytwin: Probe }).__citytwin.screenPositionOf?.(q) ?? null,
      p,
    );
  /** Clicks the map at canvas coordinates (what the probe's screen positions are). */
  const clickMap = async (page: Page, at: readonly [number, number]) => {
    const canvas = await page.locator('.cesium-widget canvas').boundingBox();
    if (!canvas) throw new Error('no map canvas');
    await page.mouse.click(canvas.x + at[0], canvas.y + at[1]);
  };
  const pickAt = (page: Page, at: [number, number]) =>
    page.evaluate(
      ([x, y]) => (window as unknown as { __citytwin: Probe }).__citytwin.pickIdAt?.(x, y) ?? null,
      at,
    );
  const figure = (page: Page, key: string, variant: string) =>
    page.textContent(
      `[data-testid="planning-figures"] tr[data-figure="${key}"] td[data-variant="${variant}"]`,
    );

  async function openPage(url: string, name: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1400, height: 850 } });
    contexts.push(context);
    const page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`${name}: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`${name}: page error: ${e.message}`));
    await page.goto(url, { waitUntil: 'load' });
    await waitForTwin(page);
    return page;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'citytwin-planning-'));
    groundAt = await demoGround();
    centre = [
      square.reduce((s, p) => s + p[0], 0) / 4,
      square.reduce((s, p) => s + p[1], 0) / 4,
      Math.min(...square.map(([lon, lat]) => groundAt(lon, lat))) + 10,
    ];
    mkdirSync(join(repoRoot, 'test-results'), { recursive: true });
    const config = loadConfig({ env: { PORT: '0', HOST: '127.0.0.1', CITYTWIN_LOG_LEVEL: 'warn' } });
    app = await createApp(
      {
        ...config,
        accessKeys: [{ id: 'stadtplanung', role: 'planner', apiKey: PLANNER }],
        scenariosDir: join(dir, 'scenarios'),
        incidentsFile: join(dir, 'incidents.json'),
      },
      { rootDir: repoRoot, history: null },
    );
    baseUrl = `http://localhost:${await app.listen()}`;
    browser = await launchChromium();
    planner = await openPage(`${baseUrl}/`, 'planner');
    await planner.click('[data-testid="staff-sign-in"]');
    await planner.fill('[data-testid="staff-key"]', PLANNER);
    await planner.click('[data-testid="staff-submit"]');
    await planner.waitForFunction(
      () =>
        document.querySelector('[data-testid="staff-status"]')?.textContent?.includes('stadtplanung') ===
        true,
      undefined,
      { timeout: 20_000 },
    );
  });

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  // One planner's session, step by step: each step starts where the one before left the page.
  it('draws a building into variant A and counts it in the figures', async () => {
    // The camera at rest over the town.
    await planner.waitForTimeout(2500);
    await planner.click('[data-testid="planning-panel"] summary');
    await planner.fill('[data-testid="planning-new-name"]', 'Elbenplatz Neugestaltung');
    await planner.click('[data-testid="planning-create"]');
    expect(await planner.getAttribute('[data-testid="planning-variant-a"]', 'aria-pressed')).toBe('true');
    expect(await planner.textContent('[data-testid="planning-version"]')).toBe('nicht gespeichert');

    // Nothing of ours at the spot yet.
    const spot = await screenOf(planner, centre);
    if (!spot) throw new Error('the open square is not on screen');
    at = spot;
    expect(await pickAt(planner, at)).toBeNull();

    await planner.click('[data-testid="planning-draw"]');
    for (const [lon, lat] of square) {
      const corner = await screenOf(planner, atGround(lon, lat));
      if (!corner) throw new Error('a corner is not on screen');
      await clickMap(planner, corner);
    }
    await expect
      .poll(() => planner.textContent('[data-testid="planning-panel"] [role="status"]'))
      .toContain('4 gesetzt');
    await planner.click('[data-testid="planning-draw"]');
    await planner.fill('[data-testid="planning-eaves"]', '30');
    await planner.fill('[data-testid="planning-storeys"]', '10');
    await planner.click('[data-testid="planning-add"]');

    // The figures: one building of about 30 m × 30 m (a click is within a metre here), 10 storeys.
    expect(await figure(planner, 'planning.figure.buildings', 'a')).toBe('1');
    expect(await figure(planner, 'planning.figure.buildings', 'b')).toBe('0');
    const footprint = Number((await figure(planner, 'planning.figure.footprint', 'a'))?.replace(/\D/g, ''));
    expect(footprint).toBeGreaterThan(840);
    expect(footprint).toBeLessThan(960);
    expect(await figure(planner, 'planning.figure.maxHeight', 'a')).toBe('30 m');
    // On the map: the building stands where it was drawn.
    await expect.poll(() => pickAt(planner, at), { timeout: 5000 }).toBe('proposed:haus-1');
  });

  it('demolishes an existing building with a click, without opening its info', async () => {
    // Demolish an existing building: the tallest one that is on screen and hit by a click at its roof.
    await planner.click('[data-testid="planning-demolish"]');
    for (const b of [...buildings].sort((x, y) => y.heightM - x.heightM).slice(0, 60)) {
      const lon = b.ring.slice(0, -1).reduce((s, p) => s + (p[0] ?? 0), 0) / (b.ring.length - 1);
      const lat = b.ring.slice(0, -1).reduce((s, p) => s + (p[1] ?? 0), 0) / (b.ring.length - 1);
      // A building stands on the lowest ground under its outline (its vertices' heights).
      const base = Math.min(...b.ring.map((p) => p[2] ?? 0));
      const roof = await screenOf(planner, [lon, lat, base + b.heightM]);
      if (roof && (await pickAt(planner, roof)) === `building:${b.id}`) {
        demolished = { id: b.id, at: roof };
        break;
      }
    }
    if (!demolished) throw new Error('no building to demolish on screen');
    await clickMap(planner, demolished.at);
    await expect
      .poll(() =>
        planner.getAttribute(
          `[data-testid="planning-demolished"] li[data-building-id="${demolished?.id}"]`,
          'data-building-id',
        ),
      )
      .toBe(demolished.id);
    await planner.click('[data-testid="planning-demolish"]');
    // No info panel opened for it, and it is gone from the map.
    expect(await planner.locator('[data-testid="building-info"]').count()).toBe(0);
    await expect.poll(() => pickAt(planner, demolished?.at ?? [0, 0])).not.toBe(`building:${demolished.id}`);
    expect(await figure(planner, 'planning.figure.removed', 'a')).toBe('1');
    await planner.screenshot({ path: join(repoRoot, 'test-results', 'planning-variant-a.png') });
  });

  it('compares the variants: switching between them and the swipe, also by keyboard', async () => {
    if (!demolished) throw new Error('no building was demolished');

    // A/B: variant B has neither; the town as it is has the old building back.
    await planner.click('[data-testid="planning-variant-b"]');
    await expect.poll(() => pickAt(planner, at)).toBeNull();
    await expect.poll(() => pickAt(planner, demolished?.at ?? [0, 0])).toBe(`building:${demolished.id}`);
    await planner.click('[data-testid="planning-variant-a"]');
    await expect.poll(() => pickAt(planner, at)).toBe('proposed:haus-1');

    // The swipe: A left of the split, B right of it.
    await planner.click('[data-testid="planning-compare"]');
    expect(await planner.inputValue('[data-testid="planning-compare-left"]')).toBe('a');
    expect(await planner.inputValue('[data-testid="planning-compare-right"]')).toBe('b');
    const canvasBox = await planner.locator('.cesium-widget canvas').boundingBox();
    if (!canvasBox) throw new Error('no map canvas');
    const share = at[0] / canvasBox.width;
    // The split right of the building: it stands on A's side.
    await planner.fill(
      '[data-testid="planning-split"]',
      String(Math.round(Math.min(0.95, share + 0.2) * 100)),
    );
    await expect.poll(() => pickAt(planner, at), { timeout: 15_000 }).toBe('compare-left');
    // The split left of it: B's side, which has no building there.
    await planner.fill(
      '[data-testid="planning-split"]',
      String(Math.round(Math.max(0.02, share - 0.15) * 100)),
    );
    await expect.poll(() => pickAt(planner, at)).toBeNull();
    // The building A demolishes: gone on A's side of the split, standing on B's.
    const demolishedShare = demolished.at[0] / canvasBox.width;
    await planner.fill(
      '[data-testid="planning-split"]',
      String(Math.round(Math.min(0.98, demolishedShare + 0.1) * 100)),
    );
    await expect
      .poll(() => pickAt(planner, demolished?.at ?? [0, 0]), { timeout: 15_000 })
      .not.toBe(`building:${demolished.id}`);
    await planner.fill(
      '[data-testid="planning-split"]',
      String(Math.round(Math.max(0.02, demolishedShare - 0.1) * 100)),
    );
    await expect
      .poll(() => pickAt(planner, demolished?.at ?? [0, 0]), { timeout: 15_000 })
      .toBe(`building:${demolished.id}`);
    await planner.screenshot({ path: join(repoRoot, 'test-results', 'planning-swipe.png') });
    // A on the right too: there it is again (the split back left of the new building).
    await planner.fill(
      '[data-testid="planning-split"]',
      String(Math.round(Math.max(0.02, share - 0.15) * 100)),
    );
    await planner.selectOption('[data-testid="planning-compare-right"]', 'a');
    await expect.poll(() => pickAt(planner, at), { timeout: 15_000 }).toBe('compare-right');
    // The handle over the map moves the split with the keyboard.
    const before = Number(await planner.getAttribute('.swipe-handle', 'aria-valuenow'));
    await planner.focus('.swipe-handle');
    await planner.keyboard.press('ArrowRight');
    expect(Number(await planner.getAttribute('.swipe-handle', 'aria-valuenow'))).toBe(before + 2);
    await planner.click('[data-testid="planning-compare"]');
    await expect.poll(() => pickAt(planner, at)).toBe('proposed:haus-1');
    expect(await planner.locator('[data-testid="swipe-line"]').count()).toBe(0);
  });

  it('closes a counted road with a click and shows the detour', async () => {
    // Close a counted road by clicking it: its flow goes round, the detour shows on the map.
    const roadsRaw = JSON.parse(
      readFileSync(join(repoRoot, 'data', 'boeblingen-demo', 'roads.geojson'), 'utf8'),
    ) as {
      features: {
        properties: { id: string; roadClass: string };
        geometry: { coordinates: number[][] };
      }[];
    };
    const counted = new Set(app.pack.sensors.filter((s) => s.kind === 'traffic').map((s) => s.object.id));
    for (const f of roadsRaw.features) {
      if (!counted.has(f.properties.id) || f.properties.roadClass !== 'primary') continue;
      const c = f.geometry.coordinates;
      const mid = c[Math.floor(c.length / 2)] as [number, number];
      const onScreen = await screenOf(planner, atGround(mid[0], mid[1]));
      if (onScreen && onScreen[0] > 50 && onScreen[1] > 50 && onScreen[0] < 1000 && onScreen[1] < 650) {
        const first = c[0] as [number, number];
        // Half way between its start and its middle: away from the labels at the lines' middles.
        closedRoad = {
          id: f.properties.id,
          at: onScreen,
          quarter: atGround((first[0] + mid[0]) / 2, (first[1] + mid[1]) / 2, 2),
        };
        break;
      }
    }
    if (!closedRoad) throw new Error('no counted primary road on screen');
    await planner.click('[data-testid="traffic-close"]');
    await clickMap(planner, closedRoad.at);
    await expect
      .poll(() =>
        planner.locator(`[data-testid="traffic-closures"] li[data-segment-id="${closedRoad?.id}"]`).count(),
      )
      .toBe(1);
    await planner.click('[data-testid="traffic-close"]');
    expect(
      await planner.textContent(`[data-testid="traffic-closures"] li[data-segment-id="${closedRoad.id}"]`),
    ).toMatch(/Fz\/h \(gezählt\) – Umweg über \d+ Abschnitte, \d+ s länger/);
    expect(await planner.textContent('[data-testid="traffic-more"]')).toMatch(
      /^Mehrverkehr auf \d+ Abschnitten/,
    );
    await planner.screenshot({ path: join(repoRoot, 'test-results', 'planning-traffic.png') });
    // Close up, so that no label of the other lines covers it.
    await planner.evaluate(
      ([lon, lat, heightM]) =>
        (
          window as unknown as { __citytwin: { setView?: ((v: unknown) => void) | null } }
        ).__citytwin.setView?.({
          lon,
          lat,
          heightM,
          headingDeg: 0,
          pitchDeg: -89,
        }),
      atGround(closedRoad.quarter[0], closedRoad.quarter[1], 180),
    );
    const quarter = await screenOf(planner, closedRoad.quarter);
    if (!quarter) throw new Error('the closed road is not on screen');
    await expect.poll(() => pickAt(planner, quarter)).toBe(`road:${closedRoad.id}`);
    // Back to the town's home view, where the positions above were taken.
    await planner.evaluate(
      (home) =>
        (
          window as unknown as { __citytwin: { setView?: ((v: unknown) => void) | null } }
        ).__citytwin.setView?.(home),
      app.pack.city.homeView,
    );
    await expect.poll(() => pickAt(planner, at)).toBe('proposed:haus-1');
  });

  it("shows the sun's position at a typed date and time, and the town with its shadows", async () => {
    // The sun's position for a date and time, and the town in its light with shadows.
    // Typed as a German reads and writes it (the field follows the UI language, not the browser's).
    await planner.fill('[data-testid="sun-position-time"]', '21.03.2026 12:00');
    await planner.press('[data-testid="sun-position-time"]', 'Enter');
    const noon = sunPosition(Date.UTC(2026, 2, 21, 11, 0), 48.665736, 9.015);
    expect(await planner.textContent('[data-testid="sun-position-text"]')).toBe(
      `Sonne: ${noon.elevationDeg.toFixed(1).replace('.', ',')}° über dem Horizont, aus ${Math.round(noon.azimuthDeg)}° (Süd)`,
    );
    await planner.check('[data-testid="sun-position-shadows"]');
    await planner.waitForTimeout(1500);
    await planner.screenshot({ path: join(repoRoot, 'test-results', 'planning-shadows.png') });
    await planner.click('[data-testid="sun-position-play"]');
    await expect
      .poll(() => planner.inputValue('[data-testid="sun-position-time"]'), { timeout: 10_000 })
      .toMatch(/^21\.03\.2026 (0[89]|1\d):\d\d$/);
    await planner.click('[data-testid="sun-position-play"]');
    await planner.uncheck('[data-testid="sun-position-shadows"]');
  });

  it('computes the January sun hours of A against the town, exports them and writes the report', async () => {
    // The sun on 17 January: computed in a worker for A and for the town as it is.
    const ground = await screenOf(planner, atGround(centre[0], centre[1] - 60 / 111_200));
    if (!ground) throw new Error('the ground south of the building is not on screen');
    expect(await pickAt(planner, ground)).toBeNull();
    await planner.selectOption('#sun-day', '01-17');
    await planner.click('[data-testid="sun-compute"]');
    await expect
      .poll(() => planner.locator('[data-testid="sun-result"]').count(), { timeout: 60_000 })
      .toBe(1);
    const summary = (await planner.textContent('[data-testid="sun-result"] p')) ?? '';
    const sentence = new RegExp(
      '^Variante A, 17\\. Januar: im Mittel [\\d,]+ Sonnenstunden \\(Bestand [\\d,]+\\); ([\\d.]+) von [\\d.]+ Punkten mit ' +
        'weniger Sonne\\. Fassaden: ([\\d.]+) Punkte an ([\\d.]+) Gebäuden; an ([\\d.]+) von ([\\d.]+) Punkten bestehender ' +
        'Gebäude weniger Sonne als heute; ([\\d.]+) Punkte unter 1,5 Stunden \\(heute ([\\d.]+); DIN EN 17037 empfiehlt ' +
        'mindestens 1,5 Stunden\\)\\.$',
    );
    const counts = sentence
      .exec(summary)
      ?.slice(1)
      .map((n) => Number(n.replace(/\./g, '')));
    if (!counts) throw new Error(`the summary does not read as expected: "${summary}"`);
    const [fewer = 0, facadePoints = 0, facadeBuildings = 0, fewerOnWalls = 0, onTown = 0] = counts;
    expect(fewer).toBeGreaterThan(0);
    // The walls of the new building and of the town's buildings around it.
    expect(facadeBuildings).toBeGreaterThan(1);
    expect(onTown).toBeGreaterThan(0);
    expect(facadePoints).toBeGreaterThan(onTown);
    // The heat map lies on the ground around the building.
    await expect.poll(() => pickAt(planner, ground)).toBe('ground-overlay');
    await planner.click('[data-testid="sun-difference"]');
    await planner.screenshot({ path: join(repoRoot, 'test-results', 'planning-sun-difference.png') });
    const [download] = await Promise.all([
      planner.waitForEvent('download'),
      planner.click('[data-testid="sun-export"]'),
    ]);
    const geojson = JSON.parse(readFileSync(await download.path(), 'utf8')) as {
      properties: Record<string, unknown>;
      features: {
        geometry: { coordinates: number[] };
        properties: {
          kind: string;
          sunHours: number;
          differenceHours: number | null;
          buildingId?: string;
          facingDeg?: number;
          heightAboveGroundM?: number;
        };
      }[];
    };
    expect(download.suggestedFilename()).toBe('sonnenstunden-a-01-17.geojson');
    expect(geojson.properties).toMatchObject({ variant: 'a', day: '01-17', stepMinutes: 10, cellMetres: 5 });
    const onGround = geojson.features.filter((f) => f.properties.kind === 'ground');
    const onWalls = geojson.features.filter((f) => f.properties.kind === 'facade');
    expect(onGround.filter((f) => (f.properties.differenceHours ?? 0) < 0)).toHaveLength(fewer);
    expect(Math.max(...onGround.map((f) => f.properties.sunHours))).toBeGreaterThan(8);
    expect(onWalls).toHaveLength(facadePoints);
    expect(onWalls.filter((f) => (f.properties.differenceHours ?? 0) < 0)).toHaveLength(fewerOnWalls);
    expect(onWalls.filter((f) => f.properties.differenceHours === null)).toHaveLength(facadePoints - onTown);
    expect(onWalls.filter((f) => f.properties.buildingId?.startsWith('proposed:'))).toHaveLength(
      facadePoints - onTown,
    );
    // The report: one HTML file with a view, the figures of both variants and the sun-hours result.
    const [reportDownload] = await Promise.all([
      planner.waitForEvent('download'),
      planner.click('[data-testid="planning-report"]'),
    ]);
    expect(reportDownload.suggestedFilename()).toBe('bericht-entwurf-a.html');
    const report = readFileSync(await reportDownload.path(), 'utf8');
    expect(report).toContain('<title>Elbenplatz Neugestaltung</title>');
    expect(report).toContain('<th scope="col">Variante A</th><th scope="col">Variante B</th>');
    expect(report).toMatch(/<tr><th scope="row">Neue Gebäude<\/th><td>1<\/td><td>0<\/td><\/tr>/);
    expect(report).toContain('<section><h2>Besonnung</h2><p>Variante A, 17. Januar: im Mittel');
    const images = [...report.matchAll(/<img src="data:image\/png;base64,([A-Za-z0-9+/=]+)"/g)];
    expect(images).toHaveLength(2);
    // The view of the map is a real picture, not an empty canvas.
    expect((images[0]?.[1] ?? '').length).toBeGreaterThan(20_000);
    expect(report).not.toMatch(/https?:\/\//);
    // The façade points in colour on the walls: the new building's south wall, seen from the south.
    await planner.click('[data-testid="sun-hours"]');
    const onSouthWall = onWalls.find(
      (f) =>
        f.properties.buildingId === 'proposed:haus-1' &&
        f.properties.facingDeg === 180 &&
        f.properties.heightAboveGroundM === 4.5,
    );
    if (!onSouthWall) throw new Error('no façade point on the new building’s south wall');
    const [wallLon = 0, wallLat = 0] = onSouthWall.geometry.coordinates;
    await planner.evaluate(
      ([lon, lat, heightM]) =>
        (
          window as unknown as { __citytwin: { setView?: ((v: unknown) => void) | null } }
        ).__citytwin.setView?.({ lon, lat, heightM, headingDeg: 0, pitchDeg: -8 }),
      atGround(wallLon, wallLat - 90 / 111_200, 25),
    );
    // Drawn half a metre in front of the wall, 4.5 m above the ground there.
    const wallPoint = await screenOf(planner, [
      wallLon,
      wallLat - 0.5 / 111_200,
      groundAt(wallLon, wallLat) + 4.5,
    ]);
    if (!wallPoint) throw new Error('the south wall is not on screen');
    await expect.poll(() => pickAt(planner, wallPoint)).toMatch(/^sun-facade:\d+$/);
    await planner.screenshot({ path: join(repoRoot, 'test-results', 'planning-sun-facades.png') });
  });

  it('saves two versions, the second published, and the link holds the scenario and the view', async () => {
    if (!demolished || !closedRoad) throw new Error('the steps before did not finish');
    // Another view than the town's home view before saving: the link will carry it.
    await planner.evaluate(
      ([lon, lat, heightM]) =>
        (
          window as unknown as { __citytwin: { setView?: ((v: unknown) => void) | null } }
        ).__citytwin.setView?.({
          lon,
          lat,
          heightM,
          headingDeg: 20,
          pitchDeg: -35,
        }),
      atGround(centre[0] - 0.002, centre[1] - 0.006, 600),
    );
    await planner.click('[data-testid="planning-save"]');
    await expect
      .poll(() => planner.textContent('[data-testid="planning-status"]'))
      .toBe('Gespeichert als Version 1.');
    await planner.check('[data-testid="planning-published"]');
    await planner.click('[data-testid="planning-save"]');
    await expect
      .poll(() => planner.textContent('[data-testid="planning-status"]'))
      .toBe('Gespeichert als Version 2.');
    const url = new URL(planner.url());
    shared = planner.url();
    sharedCamera = await planner.evaluate(
      () =>
        (
          window as unknown as {
            __citytwin: {
              cameraView?: () => { lon: number; lat: number; heightM: number; headingDeg: number } | null;
            };
          }
        ).__citytwin.cameraView?.() ?? null,
    );
    expect(url.searchParams.get('cam')).toMatch(/^[\d.]+,[\d.]+,[\d.]+,-?[\d.]+,-?[\d.]+$/);
    scenarioId = url.searchParams.get('scenario') ?? '';
    expect(scenarioId).toBe('elbenplatz-neugestaltung');
    expect(url.searchParams.get('variant')).toBe('a');
    const saved = app.scenarios.get(app.pack.city.id, { id: scenarioId }, 'planner');
    expect(saved).toMatchObject({ version: 2, published: true, savedBy: 'stadtplanung' });
    expect(saved.variants[0]?.buildings[0]).toMatchObject({ id: 'haus-1', eavesHeightM: 30, storeys: 10 });
    expect(saved.variants[0]?.removedBuildingIds).toEqual([demolished.id]);
    expect(saved.variants[0]?.closedSegmentIds).toEqual([closedRoad.id]);
  });

  it('opens a visitor’s link at exactly that scenario and variant', async () => {
    expect(new URL(shared).searchParams.get('scenario')).toBe(scenarioId);
    const visitor = await openPage(shared, 'visitor');
    await expect.poll(() => figure(visitor, 'planning.figure.buildings', 'a'), { timeout: 15_000 }).toBe('1');
    expect(await visitor.getAttribute('[data-testid="planning-variant-a"]', 'aria-pressed')).toBe('true');
    // Read only for the public.
    expect(await visitor.locator('[data-testid="planning-save"]').count()).toBe(0);
    expect(await visitor.locator('[data-testid="planning-draw"]').count()).toBe(0);
    // The link's camera: where the planner was, to the link's precision.
    const camera = await visitor.evaluate(
      () =>
        (
          window as unknown as {
            __citytwin: {
              cameraView?: () => { lon: number; lat: number; heightM: number; headingDeg: number } | null;
            };
          }
        ).__citytwin.cameraView?.() ?? null,
    );
    if (!camera || !sharedCamera) throw new Error('no camera');
    expect(
      Math.hypot((camera.lat - sharedCamera.lat) * 111_200, (camera.lon - sharedCamera.lon) * 73_600),
    ).toBeLessThan(1);
    expect(Math.abs(camera.heightM - sharedCamera.heightM)).toBeLessThan(1);
    expect(Math.abs(camera.headingDeg - sharedCamera.headingDeg)).toBeLessThan(0.2);
    const at = await screenOf(visitor, centre);
    if (!at) throw new Error('the building is not on screen');
    await expect.poll(() => pickAt(visitor, at), { timeout: 10_000 }).toBe('proposed:haus-1');
    // A comment on the new building: placed with a click on it, checked by the planner, then shown.
    await visitor.click('[data-testid="comment-add"]');
    await clickMap(visitor, at);
    await visitor.fill('[data-testid="comment-text"]', 'Zu hoch für den Platz.');
    await visitor.fill('#comment-author', 'Anwohner');
    await visitor.click('[data-testid="comment-send"]');
    await expect
      .poll(() => visitor.textContent('[data-testid="comment-status"]'))
      .toBe('Danke! Ihr Kommentar erscheint, sobald die Stadtplanung ihn geprüft hat.');
    const stored = app.scenarios.comments(app.pack.city.id, scenarioId, 'planner');
    expect(stored).toHaveLength(1);
    const comment = stored[0];
    if (!comment) throw new Error('no comment');
    expect(comment).toMatchObject({
      variantId: 'a',
      text: 'Zu hoch für den Platz.',
      author: 'Anwohner',
      state: 'pending',
    });
    // On the building, not on the ground below it.
    expect(comment.position[2]).toBeGreaterThan(groundAt(comment.position[0], comment.position[1]) + 3);
    expect(await visitor.locator('[data-testid="scenario-comments"] li').count()).toBe(0);
    await planner.click('[data-testid="comments-refresh"]');
    await planner.click(
      `[data-testid="scenario-comments"] li[data-comment-id="${comment.id}"] [data-testid="comment-approve"]`,
    );
    await expect
      .poll(() =>
        planner.getAttribute(
          `[data-testid="scenario-comments"] li[data-comment-id="${comment.id}"]`,
          'data-state',
        ),
      )
      .toBe('approved');
    await visitor.click('[data-testid="comments-refresh"]');
    await expect
      .poll(() =>
        visitor.textContent(`[data-testid="scenario-comments"] li[data-comment-id="${comment.id}"]`),
      )
      .toContain('Anwohner, Variante A: Zu hoch für den Platz.');
    const marker = await screenOf(visitor, comment.position);
    if (!marker) throw new Error('the comment is not on screen');
    await expect.poll(() => pickAt(visitor, marker)).toBe(`comment:${comment.id}`);
    await visitor.screenshot({ path: join(repoRoot, 'test-results', 'planning-visitor.png') });
    expect(errors).toEqual([]);
  });

  itWithFixtures(
    'imports the FZK LoD2 houses (CityGML) into variant B at a place picked on the map, and saves them',
    async () => {
      const fixture = fixturePath('citygml/fzk-iai-testcases-LOD2_Buildings_v200.gml');
      await planner.click('[data-testid="planning-variant-b"]');
      expect(await figure(planner, 'planning.figure.buildings', 'b')).toBe('0');
      const ground = await screenOf(planner, atGround(centre[0], centre[1]));
      if (!ground) throw new Error('the open square is not on screen');
      await planner.setInputFiles('[data-testid="planning-import-file"]', fixture);
      // A city model in local metres: it needs a place, like a glTF model.
      await planner.click('[data-testid="planning-import-place"]');
      await clickMap(planner, ground);
      await expect
        .poll(() => planner.textContent('[data-testid="planning-import-place-shown"]'))
        .toMatch(/^Ort: /);
      const shown = (await planner.textContent('[data-testid="planning-import-place-shown"]')) ?? '';
      const [lon, lat] = shown
        .replace(/^Ort: /, '')
        .split(', ')
        .map((part) => Number(part.replace(',', '.')));
      if (lon === undefined || lat === undefined) throw new Error(`no place in "${shown}"`);
      expect(Math.abs(lon - centre[0]) * 73_600).toBeLessThan(3);
      expect(Math.abs(lat - centre[1]) * 111_200).toBeLessThan(3);
      await planner.click('[data-testid="planning-import-run"]');
      await expect
        .poll(() => planner.textContent('[data-testid="planning-status"]'), { timeout: 20_000 })
        .toMatch(/^\d+ Gebäude aus fzk-iai-testcases-LOD2_Buildings_v200\.gml importiert/);

      // The same file read here at that place: the list, the figures and the map show those houses.
      const expected = await importProposedBuildings({
        bytes: readFileSync(fixture),
        fileName: 'fzk-iai-testcases-LOD2_Buildings_v200.gml',
        place: { lon, lat },
      });
      const count = expected.buildings.length;
      expect(await figure(planner, 'planning.figure.buildings', 'b')).toBe(String(count));
      expect(await planner.locator('[data-testid="planning-buildings"] li').count()).toBe(count);
      expect(await planner.textContent('[data-testid="planning-buildings"]')).toContain(
        '(importiert aus fzk-iai-testcases-LOD2_Buildings_v200.gml)',
      );
      const house = expected.buildings.find((b) => b.name === 'Testcase-0-0_LoD2');
      if (!house) throw new Error('no Testcase-0-0 in the file');
      const corners = house.footprint.slice(0, -1);
      const middle = atGround(
        corners.reduce((sum, p) => sum + p[0], 0) / corners.length,
        corners.reduce((sum, p) => sum + p[1], 0) / corners.length,
        3,
      );
      // After the flight to the import.
      await planner.waitForTimeout(3000);
      await expect
        .poll(
          async () => {
            const at = await screenOf(planner, middle);
            return at ? pickAt(planner, at) : null;
          },
          { timeout: 10_000 },
        )
        .toMatch(/^proposed:imp-/);
      await planner.screenshot({ path: join(repoRoot, 'test-results', 'planning-import.png') });

      await planner.click('[data-testid="planning-save"]');
      await expect
        .poll(() => planner.textContent('[data-testid="planning-status"]'))
        .toMatch(/^Gespeichert als Version \d+\./);
      const saved = app.scenarios.get(app.pack.city.id, { id: scenarioId }, 'planner');
      const variantB = saved.variants.find((v) => v.id === 'b');
      expect(variantB?.buildings).toHaveLength(count);
      const stored = variantB?.buildings.find((b) => b.name === 'Testcase-0-0_LoD2');
      expect(stored?.source).toMatchObject({
        format: 'citygml',
        file: 'fzk-iai-testcases-LOD2_Buildings_v200.gml',
      });
      expect(stored?.mesh?.indices.length).toBe(house.mesh?.indices.length);
      expect(errors).toEqual([]);
    },
  );
});
