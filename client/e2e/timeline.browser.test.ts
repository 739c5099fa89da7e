/**
 * The one clock in a real Chromium against the real server and a real DuckDB history: a link with a
 * time opens the town as it was then (every garage shows its last reading at or before that time),
 * the slider moves by keyboard, play runs the time on until it turns live, and "Live" brings every
 * value back to now and the link back to no time.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sensor } from '../../protocol/index.ts';
import type { App } from '../../server/src/app.ts';
import { createApp } from '../../server/src/app.ts';
import { loadConfig } from '../../server/src/config.ts';
import { DuckDbHistoryStore } from '../../server/src/history/duckdbHistoryStore.ts';
import { chromiumAvailable, launchChromium, waitForTwin } from './chromium.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const MINUTE = 60_000;

describe.skipIf(!chromiumAvailable())('the timeline in Chromium', () => {
  let app: App;
  let browser: Browser;
  let page: Page;
  let baseUrl: string;
  let dir: string;
  let garages: Sensor[];
  let roads: Sensor[];
  const errors: string[] = [];
  /** Readings fed per garage: [time, free spaces]. */
  const fed = new Map<string, [number, number][]>();
  const start = Math.floor(Date.now() / MINUTE) * MINUTE - 3 * 60 * MINUTE;
  /** The free spaces a garage reported at a time: different per garage and per report. */
  const freeAt = (index: number, t: number) => 10 + index * 3 + ((t - start) / (5 * MINUTE)) * 2;
  const NOW_FREE = 7;

  /** The free spaces of a garage's last reading at or before `atMs`. */
  const expectedFree = (sensorId: string, atMs: number) => {
    let best: [number, number] | undefined;
    for (const reading of fed.get(sensorId) ?? [])
      if (reading[0] <= atMs && (!best || reading[0] > best[0])) best = reading;
    return best?.[1];
  };

  const freeShown = (sensorId: string) =>
    page.getAttribute(`[data-testid="garage"][data-sensor-id="${sensorId}"]`, 'data-free-spaces');
  const mode = () => page.getAttribute('[data-testid="timeline"]', 'data-mode');
  const shownAt = async () => Number(await page.getAttribute('[data-testid="timeline"]', 'data-at'));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'citytwin-timeline-'));
    const config = loadConfig({
      env: { PORT: '0', HOST: '127.0.0.1', CITYTWIN_LOG_LEVEL: 'warn', CITYTWIN_SIMULATOR: 'off' },
    });
    const store = await DuckDbHistoryStore.open({ file: join(dir, 'history.duckdb'), now: () => Date.now() });
    app = await createApp(config, { rootDir: repoRoot, history: store });
    garages = app.pack.sensors.filter((s) => s.kind === 'parking');
    // Three hours of a report every five minutes, then one just now.
    garages.forEach((garage, index) => {
      const readings: [number, number][] = [];
      for (let t = start; t <= start + 170 * MINUTE; t += 5 * MINUTE) readings.push([t, freeAt(index, t)]);
      readings.push([Date.now() - 2000, NOW_FREE]);
      for (const [t, free] of readings) {
        const capacity = Number(garage.attributes.capacitySpaces);
        const result = app.hub.ingest(
          {
            sensorId: garage.id,
            observedAt: t,
            values: { freeSpaces: free, occupiedSpaces: capacity - free },
          },
          'test',
        );
        if (!result.accepted) throw new Error(result.rejection.message);
      }
      fed.set(garage.id, readings);
    });
    // Every road with three hours of speeds, for its weekday × hour profile.
    roads = app.pack.sensors.filter((s) => s.kind === 'traffic');
    for (const road of roads)
      for (let t = start; t <= start + 170 * MINUTE; t += 5 * MINUTE) {
        const speedKmh = 30 + (((t - start) / MINUTE) % 20);
        const result = app.hub.ingest({ sensorId: road.id, observedAt: t, values: { speedKmh } }, 'test');
        if (!result.accepted) throw new Error(result.rejection.message);
      }
    await app.history?.flush();
    baseUrl = `http://localhost:${await app.listen()}`;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1500, height: 900 } });
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens a link with a time at that time: every garage shows its last reading at or before it', async () => {
    const at = start + 60 * MINUTE + 30_000;
    await page.goto(`${baseUrl}/?t=${new Date(at).toISOString()}`, { waitUntil: 'load' });
    await waitForTwin(page);
    await expect.poll(mode, { timeout: 20_000 }).toBe('past');
    expect(await shownAt()).toBe(at);
    for (const garage of garages)
      await expect
        .poll(() => freeShown(garage.id), { timeout: 10_000 })
        .toBe(String(expectedFree(garage.id, at)));
    // 30 s after a 20-second garage's report it was live then.
    expect(
      await page.getAttribute(`[data-testid="garage"][data-sensor-id="${garages[0]?.id}"]`, 'data-freshness'),
    ).toBe('live');
    expect(await page.textContent('[data-testid="timeline"]')).toContain('Rückblick');
    expect(await page.textContent('#garages-title')).toBe('Freie Plätze zum gewählten Zeitpunkt');
    expect(await page.getAttribute('[data-testid="connection-state"]', 'data-state')).toBe('past');
    expect(new URL(page.url()).searchParams.get('t')).toBe(new Date(at).toISOString().replace('.000Z', 'Z'));
  });

  it('moves back minute by minute with the arrow keys, and the layers follow', async () => {
    const before = await shownAt();
    await page.focus('[data-testid="timeline-slider"]');
    for (let i = 0; i < 5; i += 1) await page.keyboard.press('ArrowLeft');
    await expect.poll(shownAt, { timeout: 10_000 }).toBeLessThan(before - 4 * MINUTE);
    const at = await shownAt();
    const garage = garages[1] as Sensor;
    await expect
      .poll(() => freeShown(garage.id), { timeout: 10_000 })
      .toBe(String(expectedFree(garage.id, at)));
    expect(expectedFree(garage.id, at)).not.toBe(expectedFree(garage.id, before));
  });

  it('jumps to a time typed as the UI language writes it, says what is wrong with one it refuses, and follows the language', async () => {
    const field = '[data-testid="timeline-jump"]';
    const alert = '[data-testid="timeline"] [data-testid="date-time-error"]';
    const target = start + 95 * MINUTE;
    // The demo town's clock; German writes `06.12.2026, 14:30` (the comma is read too).
    const wall = (locale: string) =>
      new Intl.DateTimeFormat(locale, {
        timeZone: 'Europe/Berlin',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      }).format(target);
    await page.fill(field, wall('de-DE'));
    await page.press(field, 'Enter');
    await expect.poll(shownAt, { timeout: 10_000 }).toBe(target);
    const garage = garages[2] as Sensor;
    await expect
      .poll(() => freeShown(garage.id), { timeout: 10_000 })
      .toBe(String(expectedFree(garage.id, target)));
    expect(await page.inputValue(field)).toBe(wall('de-DE').replace(',', ''));

    // Refused, each with its reason, and the time stays where it was.
    await page.fill(field, '31.04.2026 10:00');
    await page.press(field, 'Enter');
    expect(await page.textContent(alert)).toBe('Diesen Tag gibt es nicht: 31.04.2026 10:00.');
    expect(await page.getAttribute(field, 'aria-invalid')).toBe('true');
    await page.fill(field, 'gestern');
    await page.press(field, 'Enter');
    expect(await page.textContent(alert)).toMatch(/^Bitte Datum und Uhrzeit als TT\.MM\.JJJJ HH:MM eingeben/);
    await page.fill(field, '01.01.2099 00:00');
    await page.press(field, 'Enter');
    expect(await page.textContent(alert)).toMatch(/^Nur zwischen \d\d\.\d\d\.\d{4} \d\d:\d\d und /);
    expect(await shownAt()).toBe(target);
    // Escape puts back the time shown.
    await page.press(field, 'Escape');
    expect(await page.locator(alert).count()).toBe(0);
    expect(await page.getAttribute(field, 'aria-invalid')).toBe('false');
    expect(await page.inputValue(field)).toBe(wall('de-DE').replace(',', ''));

    // In English the same time reads year first, whatever the browser's own locale.
    await page.click('button.language-button[lang="en"]');
    expect(await page.inputValue(field)).toBe(wall('sv-SE'));
    await page.click('button.language-button[lang="de"]');
    expect(await page.inputValue(field)).toBe(wall('de-DE').replace(',', ''));
  });

  it('returns to live with the Live button: values of now, no time in the link', async () => {
    await page.click('[data-testid="timeline-live"]');
    await expect.poll(mode, { timeout: 10_000 }).toBe('live');
    for (const garage of garages)
      await expect.poll(() => freeShown(garage.id), { timeout: 10_000 }).toBe(String(NOW_FREE));
    expect(new URL(page.url()).searchParams.has('t')).toBe(false);
    expect(await page.textContent('#garages-title')).toBe('Freie Plätze jetzt');
    expect(await page.getAttribute('[data-testid="connection-state"]', 'data-state')).toBe('live');
  });

  it('plays an hour at ×3600 and turns live when it reaches the present', async () => {
    await page.getByRole('button', { name: 'Eine Stunde zurück' }).click();
    await expect.poll(mode, { timeout: 10_000 }).toBe('past');
    const from = await shownAt();
    await page.selectOption('[data-testid="timeline-speed"]', '600');
    await page.click('[data-testid="timeline-play"]');
    await expect.poll(shownAt, { timeout: 10_000 }).toBeGreaterThan(from + 5 * MINUTE);
    await page.selectOption('[data-testid="timeline-speed"]', '3600');
    await expect.poll(mode, { timeout: 15_000 }).toBe('live');
    await expect.poll(() => freeShown(garages[0]?.id ?? ''), { timeout: 10_000 }).toBe(String(NOW_FREE));
  });

  it('charts a garage’s last 24 hours and 7 days in its info panel, with a CSV export', async () => {
    const garage = garages[0] as Sensor;
    await page.click(`[data-testid="garage"][data-sensor-id="${garage.id}"] button`);
    const chart24 = page.locator('[data-testid="info-panel"] [data-testid="history-chart-24h"]');
    await expect.poll(() => chart24.getAttribute('data-state'), { timeout: 15_000 }).toBe('ready');
    await expect
      .poll(() =>
        page.getAttribute('[data-testid="info-panel"] [data-testid="history-chart-7d"]', 'data-state'),
      )
      .toBe('ready');
    expect(await chart24.locator('canvas').count()).toBeGreaterThan(0);
    // The accessible summary names the range of the readings fed (free spaces are what garages report).
    expect(await chart24.textContent()).toMatch(/Letzte 24 Stunden/);
    const csvHref = await chart24.locator('a[download]').getAttribute('href');
    const csv = await (await fetch(new URL(csvHref ?? '', baseUrl))).text();
    expect(csv.split('\n')[0]).toBe('time,sensor,quantity,mean,min,max,count');
    expect(csv).toContain(garage.id);
    await page.keyboard.press('Escape');
  });

  it('shows a road’s weekday × hour profile in its info panel', async () => {
    await page.getByRole('button', { name: 'Kamera zur Startansicht der Stadt bewegen' }).click();
    await page.waitForTimeout(3000);
    const canvas = await page.locator('canvas').first().boundingBox();
    if (!canvas) throw new Error('no map canvas');
    // Click roads where they are drawn until one opens (a label or a building may cover a point).
    let road: Sensor | undefined;
    for (const candidate of roads) {
      const point = await page.evaluate(
        (position) =>
          (
            window as unknown as {
              __citytwin: { screenPositionOf: ((p: readonly number[]) => [number, number] | null) | null };
            }
          ).__citytwin.screenPositionOf?.(position) ?? null,
        candidate.position,
      );
      if (!point || point[0] < 0 || point[1] < 0 || point[0] > canvas.width || point[1] > canvas.height)
        continue;
      await page.mouse.click(canvas.x + point[0], canvas.y + point[1]);
      const opened = await page
        .getAttribute('[data-testid="info-panel"]', 'data-sensor-id', { timeout: 2000 })
        .catch(() => null);
      road = roads.find((r) => r.id === opened);
      if (road) break;
    }
    if (!road) throw new Error('no road could be clicked in the home view');
    const heatmap = page.locator(
      `[data-testid="info-panel"][data-sensor-id="${road.id}"] [data-testid="history-heatmap"]`,
    );
    await expect.poll(() => heatmap.getAttribute('data-state'), { timeout: 15_000 }).toBe('ready');
    // Three hours of readings fill three or four hour cells; the rest stay empty.
    const filled = await heatmap.locator('td[data-value]').count();
    expect(filled).toBeGreaterThanOrEqual(3);
    expect(filled).toBeLessThanOrEqual(4);
    mkdirSync(join(repoRoot, 'test-results'), { recursive: true });
    await page.screenshot({ path: join(repoRoot, 'test-results', 'timeline-road.png') });
    expect(errors).toEqual([]);
  });
});
