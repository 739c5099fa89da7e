import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fixture } from '../../../scripts/fixtures/fixturesDir.ts';
import { itWithFixtures } from '../../../scripts/fixtures/withFixtures.ts';
import type { TerrainPlan } from './buildTerrain.ts';
import {
  buildCityTerrain,
  buildTerrain,
  cityTerrainUrl,
  createTerrainHeightSampler,
  EDGE_FADE_M,
  EDGE_HOLD_M,
  maxLevelFor,
  planTerrain,
} from './buildTerrain.ts';
import { createDem, demBoundsDeg, sampleHeight } from './dem.ts';
import { decodeHeightmapTile, HEIGHTMAP_SIZE, samplePositionDeg, tileRectangleDeg } from './heightmapTile.ts';
import { readDem } from './readDem.ts';
import { writeDemGeoTiff } from './writeDemGeoTiff.ts';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'terrain-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** A 2 km x 2 km DEM at 50 m in UTM 32N (ETRS89) around Böblingen: a tilted plane, 450-490 m. */
function smallDem() {
  const width = 40;
  const height = 40;
  const heightsM = new Float32Array(width * height).map(
    (_, i) => 450 + (i % width) + Math.floor(i / width) * 0,
  );
  return createDem({
    label: 'small',
    crs: 'EPSG:25832',
    width,
    height,
    heightsM,
    x0: 500_025,
    y0: 5_393_975,
    dx: 50,
    dy: -50,
  });
}

describe('maxLevelFor', () => {
  it('picks the level whose 64 sample steps are about one DEM pixel', () => {
    expect(maxLevelFor(250)).toBe(10);
    expect(maxLevelFor(25)).toBe(14);
    expect(maxLevelFor(1)).toBe(16);
    expect(maxLevelFor(1e7)).toBe(0);
  });
});

describe('planTerrain', () => {
  it('keeps both root tiles and, below, only tiles that meet the DEM, down to the last level', () => {
    const bounds = [8.99, 48.67, 9.04, 48.7] as const;
    const plan: TerrainPlan = planTerrain(bounds, 13);
    expect(plan.ranges).toHaveLength(14);
    expect(plan.ranges[0]).toEqual({ startX: 0, startY: 0, endX: 1, endY: 0 });
    let count = 0;
    for (const [z, range] of plan.ranges.entries()) {
      count += (range.endX - range.startX + 1) * (range.endY - range.startY + 1);
      if (z === 0) continue;
      const [west] = tileRectangleDeg({ z, x: range.startX, y: range.startY });
      const [, , east, north] = tileRectangleDeg({ z, x: range.endX, y: range.endY });
      expect(west).toBeLessThanOrEqual(bounds[0]);
      expect(east).toBeGreaterThanOrEqual(bounds[2]);
      expect(north).toBeGreaterThanOrEqual(bounds[3]);
    }
    expect(plan.tileCount).toBe(count);
  });
});

describe('createTerrainHeightSampler', () => {
  const dem = smallDem();
  const heightAt = createTerrainHeightSampler(dem);
  const [west, south, east, north] = demBoundsDeg(dem);
  const midLat = (south + north) / 2;

  it('is the DEM inside it', () => {
    const lon = (west + east) / 2;
    expect(heightAt(lon, midLat)).toBeCloseTo(sampleHeight(dem, lon, midLat) ?? Number.NaN, 6);
  });

  it('holds the nearest edge outside the DEM, so the town meets no cliff', () => {
    const edge = sampleHeight(dem, east - 1e-5, midLat) ?? Number.NaN;
    expect(heightAt(east + 0.05, midLat)).toBeCloseTo(edge, 0);
  });

  it('eases to the ellipsoid far away', () => {
    const degreesPerMetre = 1 / (111_320 * Math.cos((midLat * Math.PI) / 180));
    expect(heightAt(east + (EDGE_HOLD_M + EDGE_FADE_M + 1000) * degreesPerMetre, midLat)).toBe(0);
    expect(heightAt(-120, -30)).toBe(0);
    const halfway = heightAt(east + (EDGE_HOLD_M + EDGE_FADE_M / 2) * degreesPerMetre, midLat);
    expect(halfway).toBeGreaterThan(100);
    expect(halfway).toBeLessThan(400);
  });
});

describe('buildTerrain', () => {
  it('writes layer.json and tiles whose heights are the DEM where the DEM is', async () => {
    const outDir = join(await tempDir(), 'terrain');
    const dem = smallDem();
    const result = await buildTerrain({ dem, demSha256: 'f'.repeat(64), outDir });
    const layer = JSON.parse(await readFile(join(outDir, 'layer.json'), 'utf8')) as {
      format: string;
      scheme: string;
      tiles: string[];
      projection: string;
      available: { startX: number; startY: number; endX: number; endY: number }[][];
    };
    expect(layer).toMatchObject({ format: 'heightmap-1.0', scheme: 'tms', projection: 'EPSG:4326' });
    expect(layer.tiles).toEqual(['{z}/{x}/{y}.terrain?v={version}']);
    expect(layer.available).toHaveLength(result.maxLevel + 1);
    const deepest = layer.available[result.maxLevel]?.[0];
    expect(deepest).toBeDefined();
    if (!deepest) return;
    const tile = { z: result.maxLevel, x: deepest.startX, y: deepest.startY };
    const decoded = decodeHeightmapTile(
      await readFile(join(outDir, `${tile.z}/${tile.x}/${tile.y}.terrain`)),
    );
    expect(decoded.childMask).toBe(0);
    let compared = 0;
    for (let row = 0; row < HEIGHTMAP_SIZE; row += 8) {
      for (let col = 0; col < HEIGHTMAP_SIZE; col += 8) {
        const [lon, lat] = samplePositionDeg(tile, col, row);
        const expected = sampleHeight(dem, lon, lat);
        if (expected === null) continue;
        expect(Math.abs((decoded.heightsM[row * HEIGHTMAP_SIZE + col] ?? 0) - expected)).toBeLessThanOrEqual(
          0.1,
        );
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(0);
    const root = decodeHeightmapTile(await readFile(join(outDir, '0/1/0.terrain')));
    expect(root.childMask).toBe(0b0100);
  });

  itWithFixtures(
    'builds the Vinschgau DEM to level 10 with the valley and peaks in the deepest tiles',
    async () => {
      const outDir = join(await tempDir(), 'terrain');
      const dem = await readDem(fixture('terrain/dem-vinschgau-utm32n-float32-250m.tif'));
      const result = await buildTerrain({ dem, demSha256: 'a'.repeat(64), outDir });
      expect(result.maxLevel).toBe(10);
      expect(result.tileCount).toBe(35);
      const layer = JSON.parse(await readFile(join(outDir, 'layer.json'), 'utf8')) as {
        available: { startX: number; startY: number; endX: number; endY: number }[][];
      };
      let lowest = Infinity;
      let highest = -Infinity;
      const range = layer.available[10]?.[0];
      if (!range) throw new Error('level 10 missing');
      for (let x = range.startX; x <= range.endX; x++) {
        for (let y = range.startY; y <= range.endY; y++) {
          const { heightsM } = decodeHeightmapTile(await readFile(join(outDir, `10/${x}/${y}.terrain`)));
          for (const h of heightsM) {
            lowest = Math.min(lowest, h);
            highest = Math.max(highest, h);
          }
        }
      }
      expect(lowest).toBeGreaterThanOrEqual(380);
      expect(lowest).toBeLessThan(600);
      expect(highest).toBeGreaterThan(3000);
      expect(highest).toBeLessThanOrEqual(3864);
    },
  );
});

describe('buildCityTerrain', () => {
  it('builds when the DEM is new, skips when unchanged, rebuilds when it changes, removes when gone', async () => {
    const repoRoot = await tempDir();
    await mkdir(join(repoRoot, 'data', 'town'), { recursive: true });
    const demPath = join(repoRoot, 'data', 'town', 'dem.tif');
    const write = (base: number) =>
      writeFile(
        demPath,
        writeDemGeoTiff({
          width: 8,
          height: 8,
          heightsM: Array.from({ length: 64 }, (_, i) => base + i),
          epsg: 25832,
          geographic: false,
          originX: 500_000,
          originY: 5_394_000,
          pixelSizeX: 250,
          pixelSizeY: 250,
        }),
      );
    expect(await cityTerrainUrl('town', repoRoot)).toBeUndefined();
    await write(400);
    expect((await buildCityTerrain('town', { repoRoot })).status).toBe('built');
    expect(await cityTerrainUrl('town', repoRoot)).toBe('/tiles/town/terrain/');
    expect((await buildCityTerrain('town', { repoRoot })).status).toBe('up-to-date');
    await write(500);
    const rebuilt = await buildCityTerrain('town', { repoRoot });
    expect(rebuilt.status).toBe('built');
    const layer = await readFile(join(rebuilt.outDir, 'layer.json'), 'utf8');
    expect(layer).toContain('"format": "heightmap-1.0"');
    await rm(demPath);
    expect((await buildCityTerrain('town', { repoRoot })).status).toBe('none');
    expect(await cityTerrainUrl('town', repoRoot)).toBeUndefined();
    await expect(readFile(join(rebuilt.outDir, 'layer.json'))).rejects.toThrow(/ENOENT/);
  });
});
