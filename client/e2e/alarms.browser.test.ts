/**
 * The control room in a real Chromium against the real server and its simulator: two operator
 * consoles sign in with their own access keys; the simulator's heavy-rain event fills a basin past
 * its alarm mark, and both consoles list the alarm; console A acknowledges it with a comment and
 * console B shows who did within a second or two; "Zur Quelle" opens the basin. An incident drawn on
 * console A appears on console B and reaches the public, and goes when it is removed.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The public stands in as a viewer's socket, as in the server's integration tests.
// eslint-disable-next-line no-restricted-imports
import { io as connect, type Socket } from 'socket.io-client';
import type {
  ClientToServerEvents,
  IncidentChange,
  Sensor,
  ServerToClientEvents,
} from '../../protocol/index.ts';
import { PROTOCOL_VERSION } from '../../protocol/index.ts';
import { simulateValues, rainEventOfDay } from '../../server/src/adapters/simulator/simulatorModel.ts';
import type { App } from '../../server/src/app.ts';
import { createApp } from '../../server/src/app.ts';
import { loadCityPack } from '../../server/src/cityPack/loadCityPack.ts';
import type { Clock } from '../../server/src/clock.ts';
import { loadConfig } from '../../server/src/config.ts';
import { chromiumAvailable, launchChromium, waitForTwin } from './chromium.ts';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const KEY_A = 'leitstelle-a-key-0123456789';
const KEY_B = 'leitstelle-b-key-0123456789';
const DAY = 86_400_000;
/** Simulated seconds per real second: the basin reports every 6 s. */
const TIME_SCALE = 10;

/** The first moment of a heavy-rain event at which a basin's level passes its alarm mark. */
async function heavyRainCrossing(): Promise<{ basin: Sensor; atMs: number; seed: number; timeZone: string }> {
  const pack = await loadCityPack(fileURLToPath(new URL('../../data/boeblingen-demo', import.meta.url)));
  const seed = loadConfig({ env: {} }).simulator.seed;
  const basins = pack.sensors.filter((s) => s.kind === 'water');
  const today = Math.floor(Date.now() / DAY);
  for (let day = today - 60; day < today; day += 1) {
    const event = rainEventOfDay(seed, day);
    if (!event) continue;
    for (let t = event.startMs; t < event.startMs + event.durationMs + 2 * 3_600_000; t += 60_000)
      for (const basin of basins) {
        const mark = basin.thresholds.levelCm?.alarm;
        if (mark !== undefined && (simulateValues(basin, seed, t, pack.city.timezone).levelCm ?? 0) >= mark)
          return { basin, atMs: t, seed, timeZone: pack.city.timezone };
      }
  }
  throw new Error('no heavy-rain event of the last 60 days brings a basin past its alarm mark');
}

describe.skipIf(!chromiumAvailable())('the control room’s alarms in Chromium', () => {
  let app: App;
  let browser: Browser;
  let baseUrl: string;
  let basin: Sensor;
  let dir: string;
  const contexts: BrowserContext[] = [];
  const errors: string[] = [];
  const warnings: string[] = [];

  const pages: Page[] = [];

  async function openPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1400, height: 850 } });
    contexts.push(context);
    const page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
      // Said beside a failure, to tell what the page went through (a lost connection, say).
      if (message.type() === 'warning') warnings.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
    await page.goto(`${baseUrl}/?profile=operator`, { waitUntil: 'load' });
    await waitForTwin(page);
    return page;
  }

  async function openConsole(key: string): Promise<Page> {
    const page = await openPage();
    pages.push(page);
    await page.click('[data-testid="staff-sign-in"]');
    await page.fill('[data-testid="staff-key"]', key);
    await page.click('[data-testid="staff-submit"]');
    await expect
      .poll(() => page.locator('[data-testid="alarm-panel"]').isVisible(), { timeout: 20_000 })
      .toBe(true);
    return page;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'citytwin-alarms-'));
    mkdirSync(join(repoRoot, 'test-results'), { recursive: true });
    const crossing = await heavyRainCrossing();
    basin = crossing.basin;
    // The twin's clock runs from two simulated minutes before the crossing, ten times real time.
    const startMs = crossing.atMs - 2 * 60_000;
    const realStart = Date.now();
    const clock: Clock = {
      timeScale: TIME_SCALE,
      now: () => startMs + (Date.now() - realStart) * TIME_SCALE,
    };
    const config = loadConfig({ env: { PORT: '0', HOST: '127.0.0.1', CITYTWIN_LOG_LEVEL: 'warn' } });
    app = await createApp(
      {
        ...config,
        accessKeys: [
          { id: 'leitstelle-a', role: 'operator', apiKey: KEY_A },
          { id: 'leitstelle-b', role: 'operator', apiKey: KEY_B },
        ],
        alarms: { ...config.alarms, rulesFile: join(dir, 'alarm-rules.json') },
        // A run that stopped half-way must not leave its incident for the next (nor in var/).
        incidentsFile: join(dir, 'incidents.json'),
      },
      { rootDir: repoRoot, history: null, clock },
    );
    baseUrl = `http://localhost:${await app.listen()}`;
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('raises the basin alarm on both consoles; an acknowledgement on A shows on B', async () => {
    const a = await openConsole(KEY_A);
    // Two maps loading their ground at once share two cores drawing in software: the second console
    // waits until the first has its ground in.
    await a.waitForFunction(() => window.__citytwin?.groundLoaded?.() === true, undefined, {
      timeout: 120_000,
      polling: 500,
    });
    const b = await openConsole(KEY_B);
    expect(await a.textContent('[data-testid="staff-status"]')).toContain('leitstelle-a');
    const item = (page: Page) =>
      page.locator(`[data-testid="alarm"][data-rule-id="basin-alarm"][data-sensor-id="${basin.id}"]`);
    await expect.poll(() => item(a).count(), { timeout: 60_000 }).toBe(1);
    await expect.poll(() => item(b).count(), { timeout: 5_000 }).toBe(1);
    expect(await item(b).getAttribute('data-state')).toBe('raised');
    expect(await item(a).textContent()).toContain(basin.name);
    expect(
      Number(await a.getAttribute('[data-testid="alarm-panel"]', 'data-unacknowledged')),
    ).toBeGreaterThan(0);

    await item(a).locator('[data-testid="alarm-ack"]').click();
    await item(a).locator('[data-testid="alarm-ack-comment"]').fill('Bereitschaft fährt raus');
    await item(a).locator('[data-testid="alarm-ack-confirm"]').click();
    await expect
      .poll(() => item(b).getAttribute('data-acknowledged-by'), { timeout: 2_000 })
      .toBe('leitstelle-a');
    expect(await item(b).getAttribute('data-state')).toBe('acknowledged');
    expect(await item(b).textContent()).toContain('Bereitschaft fährt raus');
    await b.screenshot({ path: join(repoRoot, 'test-results', 'alarms-console-b.png') });

    // "Zur Quelle" on B opens the basin.
    await item(b)
      .getByRole('button', { name: `Kamera zu ${basin.name} bewegen` })
      .click();
    await expect
      .poll(() => b.getAttribute('[data-testid="info-panel"]', 'data-sensor-id'), { timeout: 10_000 })
      .toBe(basin.id);

    // Source health: the simulator delivers, and every sensor is counted.
    await b.click('[data-testid="source-health"] summary');
    const simulator = b.locator('[data-testid="health-sources"] tr[data-source-id="simulator"]');
    await expect.poll(() => simulator.count(), { timeout: 10_000 }).toBe(1);
    await expect
      .poll(
        async () => Number(((await simulator.locator('td').nth(1).textContent()) ?? '0').replace(',', '.')),
        {
          timeout: 15_000,
        },
      )
      .toBeGreaterThan(0);
    expect(await b.textContent('[data-testid="source-health"]')).toMatch(/\d+ Sensoren: \d+ aktuell/);
    expect(errors, `the pages' warnings: ${warnings.join(' | ')}`).toEqual([]);
  }, 300_000);

  it('marks an incident drawn on console A on console B and for the public at once; removing it removes it there', async () => {
    const [a, b] = pages as [Page, Page];
    // The public, as a public viewer's socket (a third Chromium would be too much for this machine).
    const pub: ClientSocket = connect(baseUrl, {
      auth: { protocolVersion: PROTOCOL_VERSION },
      transports: ['websocket'],
    });
    const publicChanges: IncidentChange[] = [];
    pub.on('incident:changed', (change) => publicChanges.push(change));
    await new Promise<void>((resolve) => pub.once('server:hello', () => resolve()));
    await a.click('[data-testid="incident-new"]');
    await a.fill('[data-testid="incident-title"]', 'Sperrung Bahnhofstraße');
    await a.click('[data-testid="incident-draw"]');
    const canvas = await a.locator('canvas').first().boundingBox();
    if (!canvas) throw new Error('no map canvas');
    await a.mouse.click(canvas.x + canvas.width / 2, canvas.y + canvas.height / 2);
    await expect.poll(() => a.textContent('.incident-form [role="status"]')).toContain('1 Punkte');
    await a.click('[data-testid="incident-draw"]');
    await a.click('[data-testid="incident-save"]');
    const on = (page: Page) =>
      page.locator('[data-testid="incident"]', { hasText: 'Sperrung Bahnhofstraße' });
    await expect.poll(() => on(b).count(), { timeout: 3_000 }).toBe(1);
    await expect.poll(() => publicChanges.length, { timeout: 3_000 }).toBe(1);
    const marked = publicChanges[0]?.incident;
    // The public learns who marked it by nothing but the display name (none is configured here).
    expect(marked).toMatchObject({
      title: 'Sperrung Bahnhofstraße',
      public: true,
      createdBy: null,
    });
    expect(marked?.geometry.type).toBe('Point');
    expect(await on(b).getAttribute('data-public')).toBe('true');
    await b.screenshot({ path: join(repoRoot, 'test-results', 'incident-console-b.png') });
    await on(a).locator('[data-testid="incident-remove"]').click();
    await expect.poll(() => on(b).count(), { timeout: 3_000 }).toBe(0);
    await expect.poll(() => publicChanges.at(-1)?.incident, { timeout: 3_000 }).toBeNull();
    pub.disconnect();
    expect(errors, `the pages' warnings: ${warnings.join(' | ')}`).toEqual([]);
  });
});
