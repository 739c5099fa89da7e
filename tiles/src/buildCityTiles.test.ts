import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildCityTiles, cityTilesPaths } from './buildCityTiles.ts';
import { createSyntheticBuildings } from './syntheticBuildings.ts';

describe('buildCityTiles', () => {
  let repoRoot: string;

  beforeEach(async () => {
    repoRoot = await mkdtemp(join(tmpdir(), 'citytwin-repo-'));
  });

  afterEach(async () => {
    await rm(repoRoot, { recursive: true, force: true });
  });

  async function writePack(cityId: string, count: number): Promise<void> {
    await mkdir(join(repoRoot, 'data', cityId), { recursive: true });
    await writeFile(
      join(repoRoot, 'data', cityId, 'buildings.geojson'),
      JSON.stringify(createSyntheticBuildings({ count })),
    );
  }

  it('builds data/<city>/buildings.geojson into tiles/output/<city>/', async () => {
    await writePack('test-town', 20);
    const result = await buildCityTiles('test-town', { repoRoot });
    expect(result.status).toBe('built');
    expect(result.outDir).toBe(join(repoRoot, 'tiles', 'output', 'test-town'));
    expect(result.build?.featureCount).toBe(20);
    expect((await readdir(result.outDir)).sort()).toEqual(['build-info.json', 'content', 'tileset.json']);
  });

  it('skips an up-to-date build unless forced, and rebuilds when the pack changes', async () => {
    await writePack('test-town', 20);
    await buildCityTiles('test-town', { repoRoot });
    expect((await buildCityTiles('test-town', { repoRoot })).status).toBe('up-to-date');
    expect((await buildCityTiles('test-town', { repoRoot, force: true })).status).toBe('built');
    await writePack('test-town', 21);
    const rebuilt = await buildCityTiles('test-town', { repoRoot });
    expect(rebuilt.status).toBe('built');
    expect(rebuilt.build?.featureCount).toBe(21);
  });

  it('reports progress through onProgress', async () => {
    await writePack('test-town', 20);
    const updates: number[] = [];
    await buildCityTiles('test-town', { repoRoot, onProgress: (done) => updates.push(done) });
    expect(updates.at(-1)).toBe(20);
  });

  it('names the missing file when a pack has no buildings', async () => {
    await expect(buildCityTiles('no-such-town', { repoRoot })).rejects.toThrow(
      /data\/no-such-town\/buildings\.geojson not found/,
    );
  });

  it('names the file when it is not JSON', async () => {
    await mkdir(join(repoRoot, 'data', 'broken'), { recursive: true });
    await writeFile(join(repoRoot, 'data', 'broken', 'buildings.geojson'), '{"type": "FeatureCollection",');
    await expect(buildCityTiles('broken', { repoRoot })).rejects.toThrow(
      /data\/broken\/buildings\.geojson is not valid JSON/,
    );
  });
});

describe('cityTilesPaths', () => {
  it('refuses city ids that could leave the data folder', () => {
    expect(() => cityTilesPaths('../secrets', '/repo')).toThrow(/city id/);
    expect(cityTilesPaths('boeblingen-demo', '/repo')).toEqual({
      buildingsPath: '/repo/data/boeblingen-demo/buildings.geojson',
      surfacesPath: '/repo/data/boeblingen-demo/buildings.surfaces.jsonl',
      outDir: '/repo/tiles/output/boeblingen-demo',
    });
  });
});
