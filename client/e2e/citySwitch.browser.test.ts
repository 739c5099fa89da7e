/**
 * The town switcher in a real Chromium: a server with two city packs, switching from the header,
 * the URL carrying the choice (back button, shared links), and a link to a town the server does not
 * have falling back to the default with a visible note.
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
import { copyDemoPack } from '../../server/src/testing/copyDemoPack.ts';
import { chromiumAvailable, launchChromium, waitForTwin } from './chromium.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const resultsDir = join(repoRoot, 'test-results');

function waitReady(page: Page): Promise<unknown> {
  return waitForTwin(page);
}

describe.skipIf(!chromiumAvailable())('switching town in Chromium', () => {
  let app: App;
  let browser: Browser;
  let page: Page;
  let baseUrl: string;
  let dataDir: string;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(resultsDir, { recursive: true });
    dataDir = mkdtempSync(join(tmpdir(), 'citytwin-switch-'));
    copyDemoPack({ dataDir, id: 'boeblingen-demo', name: 'Böblingen (Demo)' });
    copyDemoPack({ dataDir, id: 'sindelfingen-test', name: 'Sindelfingen (Test)', sensorKinds: ['parking'] });
    const config = loadConfig({ env: { PORT: '0', HOST: '127.0.0.1', CITYTWIN_LOG_LEVEL: 'warn' } });
    app = await createApp(
      { ...config, dataDir, tilesDir: join(repoRoot, 'tiles', 'output') },
      { rootDir: repoRoot, history: null },
    );
    baseUrl = `http://localhost:${await app.listen()}`;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 850 } });
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(`page error: ${error.message}`));
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('switches town from the header and keeps the choice in the URL', async () => {
    await page.goto(baseUrl, { waitUntil: 'load' });
    await waitReady(page);
    const switcher = page.getByLabel('Stadt', { exact: true });
    expect(await switcher.inputValue()).toBe('boeblingen-demo');
    expect(await page.locator('[data-testid="city-switcher"] option').count()).toBe(2);
    const garagesBefore = await page.locator('[data-testid="garage"]').count();

    await switcher.selectOption('sindelfingen-test');
    await expect.poll(() => page.url()).toBe(`${baseUrl}/?city=sindelfingen-test`);
    await expect
      .poll(() => page.textContent('h1.city-name'), { timeout: 20_000 })
      .toBe('Sindelfingen (Test)');
    await waitReady(page);
    await expect
      .poll(() => page.getAttribute('[data-testid="connection-state"]', 'data-state'), { timeout: 20_000 })
      .toBe('live');
    // The copy's registry has only the garages; the garage list shows them with live values.
    expect(await page.locator('[data-testid="garage"]').count()).toBe(garagesBefore);
    expect(await page.title()).toBe('Sindelfingen (Test) · citytwin');
    await page.screenshot({ path: join(resultsDir, 'city-switch.png') });

    await page.goBack();
    await expect.poll(() => page.textContent('h1.city-name'), { timeout: 20_000 }).toBe('Böblingen (Demo)');
    await waitReady(page);
    expect(await page.getByLabel('Stadt', { exact: true }).inputValue()).toBe('boeblingen-demo');
  });

  it('opens the town a link names, and says so when the server does not have it', async () => {
    await page.goto(`${baseUrl}/?city=sindelfingen-test`, { waitUntil: 'load' });
    await waitReady(page);
    expect(await page.textContent('h1.city-name')).toBe('Sindelfingen (Test)');

    await page.goto(`${baseUrl}/?city=heilbronn`, { waitUntil: 'load' });
    await waitReady(page);
    expect(await page.textContent('h1.city-name')).toBe('Böblingen (Demo)');
    const note = page.locator('.city-notice');
    expect(await note.getAttribute('role')).toBe('alert');
    expect(await note.textContent()).toContain('„heilbronn“');
  });

  it('says so in the timeline when the server keeps no history, and asks for no chart', async () => {
    // This server runs without a history store.
    await expect
      .poll(() => page.textContent('[data-testid="timeline"]'), { timeout: 20_000 })
      .toContain('Dieser Server speichert keinen Verlauf.');
    await page.locator('[data-testid="garage"] button').first().click();
    await expect
      .poll(() => page.locator('[data-testid="info-panel"]').isVisible(), { timeout: 10_000 })
      .toBe(true);
    expect(await page.locator('[data-testid="sensor-history"]').count()).toBe(0);
  });

  it('logged no console errors', () => {
    expect(consoleErrors).toEqual([]);
  });
});
