/**
 * The viewer in Chromium while its connection is down: the server drops the transport and refuses
 * the viewer's attempts to come back for a while. Every value the viewer holds must then be drawn as
 * stale with its age (a newer value may exist that did not reach it), and once the server takes the
 * viewer back its values are live again and equal the server's.
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

/** engine.io's `allowRequest` option: the server's gate for every new connection. */
type AllowRequest = (request: unknown, answer: (error: string | null, ok: boolean) => void) => void;

describe.skipIf(!chromiumAvailable())('the viewer while its connection is down', () => {
  let app: App;
  let browser: Browser;
  let page: Page;

  const engineOptions = () => (app.io.engine as unknown as { opts: { allowRequest?: AllowRequest } }).opts;
  const connection = () => page.getAttribute('[data-testid="connection-state"]', 'data-state');
  const garageFreshness = () =>
    page.$$eval('[data-testid="garage"]', (items) =>
      items.map((item) => item.getAttribute('data-freshness')),
    );

  beforeAll(async () => {
    mkdirSync(resultsDir, { recursive: true });
    const config = loadConfig({ env: { PORT: '0', HOST: '127.0.0.1', CITYTWIN_LOG_LEVEL: 'warn' } });
    app = await createApp(config, { rootDir: repoRoot, history: null });
    const port = await app.listen();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 850 } });
    await page.goto(`http://localhost:${port}`, { waitUntil: 'load' });
    await waitForTwin(page);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('draws every value stale with its age while away, and live and current once back', async () => {
    await expect.poll(connection, { timeout: 20_000 }).toBe('live');
    // Garages report every minute; the simulator gives them readings at the start.
    await expect
      .poll(async () => (await garageFreshness()).every((f) => f === 'live'), { timeout: 20_000 })
      .toBe(true);
    await page.locator('[data-testid="garage"]').first().click();
    const panel = page.locator('[data-testid="info-panel"]');
    await expect.poll(() => panel.getAttribute('data-freshness'), { timeout: 10_000 }).toBe('live');
    const sensorId = await panel.getAttribute('data-sensor-id');
    if (!sensorId) throw new Error('the info panel names no sensor');

    // The server goes away: the transport drops and every attempt to come back is refused.
    engineOptions().allowRequest = (_request, answer) => answer('test: server unreachable', false);
    for (const socket of app.io.sockets.sockets.values()) socket.conn.close();

    await expect.poll(connection, { timeout: 10_000 }).not.toBe('live');
    await expect
      .poll(async () => (await garageFreshness()).every((f) => f === 'stale'), { timeout: 10_000 })
      .toBe(true);
    await expect.poll(() => panel.getAttribute('data-freshness'), { timeout: 10_000 }).toBe('stale');
    expect(await page.textContent('[data-testid="info-freshness"]')).toMatch(/veraltet/);
    // The measurement time comes with its age, e.g. "14:03 (vor 12 s)".
    expect(await panel.locator('[data-quantity="measuredAt"] dd').textContent()).toMatch(
      /\d{1,2}:\d{2}.*\(.+\)/,
    );
    await page.screenshot({ path: join(resultsDir, 'reconnect-away.png') });

    // The server takes the viewer back: live again, and what it shows is the server's.
    delete engineOptions().allowRequest;
    await expect.poll(connection, { timeout: 30_000 }).toBe('live');
    await expect.poll(() => panel.getAttribute('data-freshness'), { timeout: 10_000 }).toBe('live');
    const shownFree = async () =>
      page.getAttribute(`[data-testid="garage"][data-sensor-id="${sensorId}"]`, 'data-free-spaces');
    await expect
      .poll(
        async () => (await shownFree()) === String(app.hub.state(sensorId)?.observation?.values.freeSpaces),
        {
          timeout: 10_000,
        },
      )
      .toBe(true);
    await page.screenshot({ path: join(resultsDir, 'reconnect-back.png') });
  });
});
