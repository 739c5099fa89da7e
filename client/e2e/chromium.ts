/**
 * Finds Debian's Chromium for the browser tests. On a user's machine without it the tests skip with a
 * message naming what is missing; with CI=true a missing browser is an error.
 */
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The flags DESIGN.md prescribes: software WebGL, no background traffic to the internet. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export const isCI = /^(1|true)$/i.test(process.env.CI ?? '');

/** Whether the browser tests can run here; logs why not. Throws in CI when the browser is missing. */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  const message = `Chromium not found at ${CHROMIUM_PATH} (install Debian's chromium: apt-get install chromium, or set CHROMIUM_PATH).`;
  if (isCI) throw new Error(`${message} CI=true: browser tests must run.`);
  console.warn(`Skipping browser tests: ${message}`);
  return false;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

/**
 * Waits until the viewer on `page` says it is ready (`window.__citytwin.ready`: the city, its tiles
 * and the first live state are in), for up to 90 s: Chromium draws with SwiftShader on CI's cores.
 */
export async function waitForTwin(page: Page, timeoutMs = 90_000): Promise<void> {
  await page.waitForFunction(
    () => (window as unknown as { __citytwin?: { ready?: boolean } }).__citytwin?.ready === true,
    undefined,
    { timeout: timeoutMs, polling: 250 },
  );
}
