import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CesiumTerrainProvider, Math as CesiumMath, type QuantizedMeshTerrainData } from 'cesium';
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
  DEEPEST_TOLERANCE_M,
  maxLevelFor,
  meshToleranceM,
  planTerrain,
} from './buildTerrain.ts';
import { createDem, demBoundsDeg, sampleHeight } from './dem.ts';
import { decodeQuantizedMesh } from './quantizedMeshTile.ts';
import { tileRectangleDeg } from './terrainTiling.ts';
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

/** Serves a folder on loopback, as the server serves `tiles/output`, for Cesium's own terrain provider. */
async function serveFolder(dir: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    readFile(join(dir, decodeURIComponent(path))).then(
      (bytes) => response.end(bytes),
      () => {
        response.statusCode = 404;
        response.end();
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('meshToleranceM', () => {
  it("is half Cesium's geometric error of the level, and the fine tolerance at the deepest", () => {
    // Cesium: a level-0 tile's error is a quarter of the equator over 65 samples and 2 tiles.
    expect(meshToleranceM(0, 13)).toBeCloseTo((6_378_137 * Math.PI * 0.5) / 130 / 2, 6);
    expect(meshToleranceM(12, 13)).toBeCloseTo(meshToleranceM(11, 13) / 2, 9);
    expect(meshToleranceM(13, 13)).toBe(DEEPEST_TOLERANCE_M);
    expect(meshToleranceM(20, 25)).toBe(DEEPEST_TOLERANCE_M);
  });
});

describe('buildTerrain', () => {
  it('writes layer.json and tiles that Cesium reads as the DEM, within the tolerance, where the DEM is', async () => {
    const outDir = join(await tempDir(), 'terrain');
    // A DEM with relief: a hill on a tilted plane, 2 km square at 50 m.
    const size = 40;
    const dem = createDem({
      label: 'hill',
      crs: 'EPSG:25832',
      width: size,
      height: size,
      heightsM: new Float32Array(size * size).map((_, i) => {
        const [col, row] = [i % size, Math.floor(i / size)];
        return 450 + col + 40 * Math.exp(-((col - 15) ** 2 + (row - 22) ** 2) / 40);
      }),
      x0: 500_025,
      y0: 5_393_975,
      dx: 50,
      dy: -50,
    });
    const result = await buildTerrain({ dem, demSha256: 'f'.repeat(64), outDir });
    const layer = JSON.parse(await readFile(join(outDir, 'layer.json'), 'utf8')) as {
      format: string;
      scheme: string;
      tiles: string[];
      projection: string;
      available: { startX: number; startY: number; endX: number; endY: number }[][];
    };
    expect(layer).toMatchObject({ format: 'quantized-mesh-1.0', scheme: 'tms', projection: 'EPSG:4326' });
    expect(layer.tiles).toEqual(['{z}/{x}/{y}.terrain?v={version}']);
    expect(layer.available).toHaveLength(result.maxLevel + 1);
    const deepest = layer.available[result.maxLevel]?.[0];
    if (!deepest) throw new Error('no deepest level');

    const served = await serveFolder(outDir);
    try {
      const provider = await CesiumTerrainProvider.fromUrl(served.url);
      const heightAt = createTerrainHeightSampler(dem);
      const [demWest, demSouth, demEast, demNorth] = demBoundsDeg(dem);
      const z = result.maxLevel;
      let compared = 0;
      let worst = 0;
      let seed = 7;
      const random = () => (seed = (seed * 16_807) % 2_147_483_647) / 2_147_483_647;
      for (let x = deepest.startX; x <= deepest.endX; x++) {
        for (let y = deepest.startY; y <= deepest.endY; y++) {
          // Cesium's geographic tiling counts rows from the north; layer.json's TMS from the south.
          const row = 2 ** z - 1 - y;
          const data = (await provider.requestTileGeometry(x, row, z)) as
            QuantizedMeshTerrainData | undefined;
          if (!data) throw new Error(`tile ${z}/${x}/${y} not requested`);
          const rectangle = provider.tilingScheme.tileXYToRectangle(x, row, z);
          for (let i = 0; i < 40; i++) {
            const lon = rectangle.west + random() * rectangle.width;
            const lat = rectangle.south + random() * rectangle.height;
            const [lonDeg, latDeg] = [CesiumMath.toDegrees(lon), CesiumMath.toDegrees(lat)];
            if (lonDeg < demWest || lonDeg > demEast || latDeg < demSouth || latDeg > demNorth) continue;
            const drawn = data.interpolateHeight(rectangle, lon, lat);
            worst = Math.max(worst, Math.abs(drawn - heightAt(lonDeg, latDeg)));
            compared++;
          }
        }
      }
      expect(compared).toBeGreaterThan(20);
      // The samples lie within the tolerance; between them the DEM may bend a little more.
      expect(worst).toBeLessThan(2 * DEEPEST_TOLERANCE_M);
      expect(worst).toBeGreaterThan(0);
      // Both root tiles are there for Cesium, flat far from the DEM.
      const root = decodeQuantizedMesh(await readFile(join(outDir, '0/0/0.terrain')));
      expect(root.triangles.length / 3).toBe(2);
      expect([root.minHeightM, root.maxHeightM]).toEqual([0, 0]);
    } finally {
      await served.close();
    }
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
          const mesh = decodeQuantizedMesh(await readFile(join(outDir, `10/${x}/${y}.terrain`)));
          lowest = Math.min(lowest, mesh.minHeightM);
          highest = Math.max(highest, mesh.maxHeightM);
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
    expect(layer).toContain('"format": "quantized-mesh-1.0"');
    await rm(demPath);
    expect((await buildCityTerrain('town', { repoRoot })).status).toBe('none');
    expect(await cityTerrainUrl('town', repoRoot)).toBeUndefined();
    await expect(readFile(join(rebuilt.outDir, 'layer.json'))).rejects.toThrow(/ENOENT/);
  });
});
