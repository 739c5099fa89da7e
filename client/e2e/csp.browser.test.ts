/**
 * The production build under the server's Content-Security-Policy in a real Chromium: the page
 * gets the policy, loads, connects live and draws the town, and the browser reports no violation
 * (neither a `securitypolicyviolation` event in the page nor a "Refused to …" message from the page
 * or its workers).
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

interface Violation {
  readonly directive: string;
  readonly blockedURI: string;
  readonly sourceFile: string;
}

describe.skipIf(!chromiumAvailable())('the twin under its Content-Security-Policy', () => {
  let app: App;
  let browser: Browser;
  let page: Page;
  let policy: string | undefined;
  const consoleProblems: string[] = [];
  /** Workers the page started (Cesium's, from `/cesium/Workers/`), so the test covers them too. */
  const workers: string[] = [];

  beforeAll(async () => {
    mkdirSync(resultsDir, { recursive: true });
    const config = loadConfig({ env: { PORT: '0', HOST: '127.0.0.1', CITYTWIN_LOG_LEVEL: 'warn' } });
    app = await createApp(config, { rootDir: repoRoot, history: null });
    const port = await app.listen();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    // Registered before any of the app's scripts run, so no early violation is missed.
    await page.addInitScript(() => {
      const seen: Violation[] = [];
      (window as unknown as { __cspViolations: Violation[] }).__cspViolations = seen;
      document.addEventListener('securitypolicyviolation', (event) => {
        seen.push({
          directive: event.effectiveDirective,
          blockedURI: event.blockedURI,
          sourceFile: event.sourceFile,
        });
      });
    });
    page.on('worker', (worker) => workers.push(worker.url()));
    page.on('console', (message) => {
      const text = message.text();
      if (/Content Security Policy|Refused to/i.test(text)) consoleProblems.push(text);
    });
    const response = await page.goto(`http://localhost:${port}`, { waitUntil: 'load' });
    policy = (await response?.allHeaders())?.['content-security-policy'];
    await waitForTwin(page);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('is served with the policy', () => {
    expect(policy).toContain("frame-ancestors 'self'");
    expect(policy).toContain("script-src 'self' 'wasm-unsafe-eval'");
  });

  it('connects live and draws the town without any violation', async () => {
    await expect
      .poll(() => page.getAttribute('[data-testid="connection-state"]', 'data-state'), { timeout: 30_000 })
      .toBe('live');
    // Tiles and live layers in view: the canvas holds more than a blank colour.
    await expect
      .poll(
        async () => {
          const png = await page.locator('canvas').first().screenshot();
          return page.evaluate(async (base64) => {
            const image = new Image();
            image.src = `data:image/png;base64,${base64}`;
            await image.decode();
            const scratch = document.createElement('canvas');
            scratch.width = image.width;
            scratch.height = image.height;
            const context = scratch.getContext('2d');
            if (!context) return 0;
            context.drawImage(image, 0, 0);
            const { data } = context.getImageData(0, 0, image.width, image.height);
            let sum = 0;
            let sumSquares = 0;
            for (let i = 0; i < data.length; i += 4) {
              const luminance =
                0.2126 * (data[i] ?? 0) + 0.7152 * (data[i + 1] ?? 0) + 0.0722 * (data[i + 2] ?? 0);
              sum += luminance;
              sumSquares += luminance * luminance;
            }
            const n = data.length / 4;
            return sumSquares / n - (sum / n) ** 2;
          }, png.toString('base64'));
        },
        { timeout: 60_000, interval: 2000 },
      )
      .toBeGreaterThan(200);
    await page.screenshot({ path: join(resultsDir, 'twin-csp.png') });
    const violations = await page.evaluate(
      () => (window as unknown as { __cspViolations: Violation[] }).__cspViolations,
    );
    expect(violations).toEqual([]);
    expect(consoleProblems).toEqual([]);
    expect(workers.some((url) => url.includes('/cesium/Workers/'))).toBe(true);
  });
});
