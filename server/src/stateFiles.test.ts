/**
 * State files the server could not read at start (a crash mid-write, a full disk, a hand edit): the
 * damaged file is moved aside as it was, the log names it, the previous copy's data is served, and a
 * later write leaves the damaged data where it was put.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { AlarmRule, IncidentInput, ScenarioInput } from '../../protocol/index.ts';
import type { App } from './app.ts';
import { createApp } from './app.ts';
import { createManualClock } from './clock.ts';
import type { Config } from './config.ts';
import { loadConfig } from './config.ts';
import { createLogger } from './logger.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const T0 = Date.UTC(2026, 11, 3, 15, 0, 0);
const CITY = 'boeblingen-demo';

const dirs: string[] = [];
const apps: App[] = [];

afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function configIn(dir: string): Config {
  const base = loadConfig({
    env: { PORT: '0', HOST: '127.0.0.1', CITYTWIN_LOG_LEVEL: 'silent', CITYTWIN_SIMULATOR: 'off' },
  });
  return {
    ...base,
    incidentsFile: join(dir, 'incidents.json'),
    scenariosDir: join(dir, 'scenarios'),
    alarms: { ...base.alarms, rulesFile: join(dir, 'alarm-rules.json') },
  };
}

/** Starts the app on port 0 with its log lines collected. */
async function start(config: Config): Promise<{ app: App; log: string[] }> {
  const log: string[] = [];
  const app = await createApp(config, {
    clock: createManualClock(T0),
    rootDir: repoRoot,
    history: null,
    autoTick: false,
    logger: createLogger('info', (line) => log.push(line)),
  });
  apps.push(app);
  await app.listen();
  return { app, log };
}

async function stop(app: App): Promise<void> {
  apps.splice(apps.indexOf(app), 1);
  await app.close();
}

/** Cuts a file in half, as a crash mid-write of a non-atomic writer leaves it; returns what is left. */
function truncate(file: string): string {
  const text = readFileSync(file, 'utf8');
  const half = text.slice(0, Math.floor(text.length / 2));
  writeFileSync(file, half);
  return half;
}

/** The files moved aside next to `file`. */
function asideOf(file: string): string[] {
  return readdirSync(dirname(file))
    .filter((name) => name.startsWith(`${basename(file)}.damaged-`))
    .map((name) => join(dirname(file), name));
}

/** Checks the damaged file is aside with exactly the content it had, and the log names both paths. */
function expectMovedAside(file: string, content: string, log: readonly string[]): string {
  const aside = asideOf(file);
  expect(aside).toHaveLength(1);
  const [path] = aside as [string];
  expect(readFileSync(path, 'utf8')).toBe(content);
  expect(log.some((line) => line.includes(file) && line.includes(path) && /does not parse/.test(line))).toBe(
    true,
  );
  expect(log.some((line) => line.includes(`${file}.prev`))).toBe(true);
  return path;
}

function incident(title: string): IncidentInput {
  return {
    kind: 'roadworks',
    title,
    geometry: { type: 'Point', coordinates: [9.01, 48.685] },
    startsAtMs: T0,
    endsAtMs: null,
    public: true,
  };
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'citytwin-state-'));
  dirs.push(dir);
  return dir;
}

describe('state files damaged before a start', () => {
  it('incidents: the damaged file is moved aside, the previous copy served, and it survives the next write', async () => {
    const dir = tempDir();
    const config = configIn(dir);
    const first = await start(config);
    const a = first.app.incidents.save(CITY, incident('Baustelle A'), 'leitstelle');
    first.app.incidents.save(CITY, incident('Baustelle B'), 'leitstelle');
    await stop(first.app);
    const damaged = truncate(config.incidentsFile);

    const second = await start(config);
    const aside = expectMovedAside(config.incidentsFile, damaged, second.log);
    expect(second.app.incidents.list(CITY, true)).toEqual([a]);

    const c = second.app.incidents.save(CITY, incident('Baustelle C'), 'leitstelle');
    expect(readFileSync(aside, 'utf8')).toBe(damaged);
    const stored = JSON.parse(readFileSync(config.incidentsFile, 'utf8')) as { incidents: { id: string }[] };
    expect(stored.incidents.map((i) => i.id)).toEqual([a.id, c.id]);
  });

  it('alarm rules: the damaged file is moved aside, the previous copy served, and it survives the next write', async () => {
    const dir = tempDir();
    const config = configIn(dir);
    const first = await start(config);
    const alarms = first.app.alarms;
    if (!alarms) throw new Error('alarms are off');
    const defaults = alarms.list(CITY).rules;
    const rule = (id: string, raiseDelayMs: number): AlarmRule => ({
      ...(defaults.find((r) => r.id === id) as AlarmRule),
      raiseDelayMs,
    });
    alarms.setRule(rule('traffic-slow', 300_000));
    alarms.setRule(rule('parking-full', 600_000));
    await stop(first.app);
    const damaged = truncate(config.alarms.rulesFile);

    const second = await start(config);
    expectMovedAside(config.alarms.rulesFile, damaged, second.log);
    const rules = second.app.alarms?.list(CITY).rules ?? [];
    expect(rules.find((r) => r.id === 'traffic-slow')).toEqual(rule('traffic-slow', 300_000));
    // The second change was only in the damaged file: the default serves until it is recovered.
    expect(rules.find((r) => r.id === 'parking-full')).toEqual(defaults.find((r) => r.id === 'parking-full'));

    second.app.alarms?.setRule(rule('no2-hour', 120_000));
    const [aside] = asideOf(config.alarms.rulesFile);
    expect(aside && readFileSync(aside, 'utf8')).toBe(damaged);
    const stored = JSON.parse(readFileSync(config.alarms.rulesFile, 'utf8')) as { rules: AlarmRule[] };
    expect(stored.rules.map((r) => r.id).sort()).toEqual(['no2-hour', 'traffic-slow']);
  });

  it('scenario versions: a damaged newest version is moved aside and the one before it served', async () => {
    const dir = tempDir();
    const config = configIn(dir);
    const first = await start(config);
    const plan: ScenarioInput = { name: 'Elbenplatz', variants: [{ id: 'a', name: 'Variante A' }] };
    const v1 = first.app.scenarios.save(CITY, plan, 'stadtplanung');
    first.app.scenarios.save(
      CITY,
      { ...plan, id: v1.id, name: 'Elbenplatz, zweiter Entwurf' },
      'stadtplanung',
    );
    await stop(first.app);
    const file = join(config.scenariosDir, CITY, v1.id, 'v2.json');
    const damaged = truncate(file);

    const second = await start(config);
    const [aside] = asideOf(file);
    expect(aside && readFileSync(aside, 'utf8')).toBe(damaged);
    expect(
      second.log.some((line) => aside !== undefined && line.includes(file) && line.includes(aside)),
    ).toBe(true);
    expect(second.app.scenarios.get(CITY, { id: v1.id }, 'planner')).toEqual(v1);
  });

  it('comments: the damaged file is moved aside, the previous copy served, and it survives the next write', async () => {
    const dir = tempDir();
    const config = configIn(dir);
    const first = await start(config);
    const plan: ScenarioInput = {
      name: 'Elbenplatz',
      published: true,
      variants: [{ id: 'a', name: 'Variante A' }],
    };
    const scenario = first.app.scenarios.save(CITY, plan, 'stadtplanung');
    const comment = (text: string) => ({
      scenarioId: scenario.id,
      variantId: 'a',
      position: [9.0155, 48.6849, 360],
      text,
    });
    const kept = first.app.scenarios.comment(CITY, comment('Mehr Bäume, bitte.'), 'public');
    first.app.scenarios.comment(CITY, comment('Eine Bank am Brunnen.'), 'public');
    await stop(first.app);
    const file = join(config.scenariosDir, CITY, scenario.id, 'comments.json');
    const damaged = truncate(file);

    const second = await start(config);
    const aside = expectMovedAside(file, damaged, second.log);
    expect(second.app.scenarios.comments(CITY, scenario.id, 'planner')).toEqual([kept]);

    const added = second.app.scenarios.comment(CITY, comment('Schatten für den Spielplatz.'), 'public');
    expect(readFileSync(aside, 'utf8')).toBe(damaged);
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { comments: { id: string }[] };
    expect(stored.comments.map((c) => c.id)).toEqual([kept.id, added.id]);
  });
});
