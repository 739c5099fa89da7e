import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Feature, FeatureCollection } from './buildingFeatures.ts';
import { BuildingsInputError } from './buildingFeatures.ts';
import type { SurfaceRecord } from './buildingSurfaces.ts';
import { readSurfacesFile } from './buildingSurfaces.ts';
import { createBuildingTileIO, FEATURE_ID_ATTRIBUTE } from './buildingTileGlb.ts';
import type { BuildCityTilesResult } from './buildCityTiles.ts';
import { buildCityTiles, cityTilesPaths } from './buildCityTiles.ts';
import { isTilesetUpToDate } from './buildTileset.ts';
import { validateGlb } from './glbValidator.ts';
import type { LonLatHeight } from './import/importedBuilding.ts';
import { readBuildingTile } from './readBuildingTile.ts';
import { validateTileMetadata } from './validateTileMetadata.ts';

const LON0 = 9.01;
const LAT0 = 48.68;
// Local metres to degrees near the pack; exact enough for a few tens of metres.
const M_PER_DEG_LAT = 111_200;
const M_PER_DEG_LON = 111_320 * Math.cos((LAT0 * Math.PI) / 180);
/** Survey height of the ground (DHHN2016-like); the build must put it at 0. */
const GROUND_M = 430;

const at = (e: number, n: number, h: number): LonLatHeight => [
  LON0 + e / M_PER_DEG_LON,
  LAT0 + n / M_PER_DEG_LAT,
  GROUND_M + h,
];

function rectangleFeature(id: string, e0: number, heightM: number, extra: Record<string, unknown>): Feature {
  const ring = [
    [0, 0],
    [10, 0],
    [10, 8],
    [0, 8],
    [0, 0],
  ].map(([e = 0, n = 0]) => at(e0 + e, n, 0).slice(0, 2));
  return {
    type: 'Feature',
    id,
    geometry: { type: 'Polygon', coordinates: [ring] },
    properties: { id, heightM, use: 'residential', ...extra },
  };
}

/**
 * A 10 m x 8 m house with eaves at 6 m and a ridge running east-west at `ridgeM`, every ring
 * counter-clockwise seen from outside (CityGML's rule).
 */
function gabledRecord(id: string, ridgeM: number): SurfaceRecord {
  const eavesM = 6;
  const ring = (...points: [number, number, number][]): LonLatHeight[][] => {
    const first = points[0];
    if (!first) throw new Error('empty ring');
    return [[...points, first].map(([e, n, h]) => at(e, n, h))];
  };
  return {
    id,
    lod: 2,
    groundHeightM: GROUND_M,
    surfaces: [
      { kind: 'ground', polygon: ring([0, 0, 0], [0, 8, 0], [10, 8, 0], [10, 0, 0]) },
      { kind: 'wall', polygon: ring([0, 0, 0], [10, 0, 0], [10, 0, eavesM], [0, 0, eavesM]) },
      { kind: 'wall', polygon: ring([10, 8, 0], [0, 8, 0], [0, 8, eavesM], [10, 8, eavesM]) },
      {
        kind: 'wall',
        polygon: ring([0, 8, 0], [0, 0, 0], [0, 0, eavesM], [0, 4, ridgeM], [0, 8, eavesM]),
      },
      {
        kind: 'wall',
        polygon: ring([10, 0, 0], [10, 8, 0], [10, 8, eavesM], [10, 4, ridgeM], [10, 0, eavesM]),
      },
      { kind: 'roof', polygon: ring([0, 0, eavesM], [10, 0, eavesM], [10, 4, ridgeM], [0, 4, ridgeM]) },
      { kind: 'roof', polygon: ring([10, 8, eavesM], [0, 8, eavesM], [0, 4, ridgeM], [10, 4, ridgeM]) },
    ],
  };
}

const toJsonl = (records: readonly SurfaceRecord[]): string =>
  records.map((record) => JSON.stringify(record)).join('\n') + '\n';

interface Vertex {
  readonly featureId: number;
  /** glTF y-up: [east, up, -north]. */
  readonly position: readonly number[];
  readonly normal: readonly number[];
}

async function readVertices(glb: Uint8Array): Promise<Vertex[]> {
  const document = await createBuildingTileIO().readBinary(glb);
  const primitive = document.getRoot().listMeshes()[0]?.listPrimitives()[0];
  const position = primitive?.getAttribute('POSITION');
  const normal = primitive?.getAttribute('NORMAL');
  const featureId = primitive?.getAttribute(FEATURE_ID_ATTRIBUTE);
  if (!position || !normal || !featureId) throw new Error('tile lacks POSITION, NORMAL or feature ids');
  return Array.from({ length: position.getCount() }, (_, index) => ({
    featureId: featureId.getScalar(index),
    position: position.getElement(index, []),
    normal: normal.getElement(index, []),
  }));
}

describe('building tiles from real surfaces (buildings.surfaces.jsonl)', () => {
  const cityId = 'surface-town';
  const buildings: FeatureCollection = {
    type: 'FeatureCollection',
    features: [
      rectangleFeature('house-gabled', 0, 9, { storeys: 2, yearOfConstruction: 1965 }),
      rectangleFeature('house-flat', 30, 7, { storeys: 2 }),
      rectangleFeature('hall', 60, 12, {}),
    ],
  };
  let repoRoot: string;
  let paths: ReturnType<typeof cityTilesPaths>;
  let result: BuildCityTilesResult;
  let glb: Uint8Array;

  beforeAll(async () => {
    repoRoot = await mkdtemp(join(tmpdir(), 'citytwin-surfaces-'));
    paths = cityTilesPaths(cityId, repoRoot);
    await mkdir(join(repoRoot, 'data', cityId), { recursive: true });
    await writeFile(paths.buildingsPath, JSON.stringify(buildings));
    await writeFile(paths.surfacesPath, toJsonl([gabledRecord('house-gabled', 9)]));
    result = await buildCityTiles(cityId, { repoRoot });
    glb = new Uint8Array(await readFile(join(paths.outDir, 'content', 'r.glb')));
  });

  afterAll(async () => {
    await rm(repoRoot, { recursive: true, force: true });
  });

  it('meshes the building with surfaces from them and extrudes the others', () => {
    expect(result.status).toBe('built');
    expect(result.build).toMatchObject({ featureCount: 3, surfaceBuildingCount: 1, skippedSurfaces: [] });
  });

  it('writes a GLB that passes the Khronos glTF validator with no errors', async () => {
    const report = await validateGlb(glb, 'r.glb');
    expect(report.issues.messages.filter((message) => message.severity === 0)).toEqual([]);
    expect(report.issues.numErrors).toBe(0);
  });

  it('writes a GLB that passes the EXT_structural_metadata / EXT_mesh_features checks with no errors', () => {
    // This tile has a yearOfConstruction column with noData rows, which the synthetic towns lack.
    const report = validateTileMetadata(glb, 'r.glb');
    expect(report.errors).toEqual([]);
    expect(report.warnings).toEqual([]);
  });

  it('decodes feature ids and the property table to the buildings, storeys and year included', async () => {
    const tile = await readBuildingTile(glb);
    expect(tile.rows.map((row) => row.id).sort()).toEqual(['hall', 'house-flat', 'house-gabled']);
    expect(new Set(tile.vertexFeatureIds)).toEqual(new Set([0, 1, 2]));
    const byId = new Map(tile.rows.map((row) => [row.id, row]));
    expect(byId.get('house-gabled')).toMatchObject({ storeys: 2, yearOfConstruction: 1965, heightM: 9 });
    expect(byId.get('house-flat')).toMatchObject({ storeys: 2 });
    expect(byId.get('house-flat')?.yearOfConstruction).toBeUndefined();
    expect(byId.get('hall')).toMatchObject({ storeys: 0 });
  });

  it('keeps the ridge height and the roof slope, with the ground at height 0', async () => {
    const tile = await readBuildingTile(glb);
    const gabledId = tile.rows.findIndex((row) => row.id === 'house-gabled');
    const vertices = (await readVertices(glb)).filter((vertex) => vertex.featureId === gabledId);
    const heights = vertices.map((vertex) => vertex.position[1] ?? NaN);
    // 1 cm: the ellipsoid curves away by about 0.1 mm over the town and positions are float32.
    expect(Math.max(...heights)).toBeCloseTo(9, 2);
    expect(Math.min(...heights)).toBeCloseTo(0, 2);
    // Sloped roof vertices: normals neither vertical nor horizontal, at eaves and ridge heights.
    const roofVertices = vertices.filter((vertex) => {
      const up = vertex.normal[1] ?? 0;
      return up > 0.1 && up < 0.99;
    });
    const roofHeights = roofVertices.map((vertex) => vertex.position[1] ?? NaN);
    expect(roofVertices.length).toBeGreaterThanOrEqual(8);
    expect(Math.max(...roofHeights) - Math.min(...roofHeights)).toBeGreaterThan(1);
    // Slope of the 3 m rise over 4 m run: normal's up component 4/5.
    for (const vertex of roofVertices) expect(vertex.normal[1]).toBeCloseTo(0.8, 4);
    // The flat-roofed neighbours are extrusions: their tops are level at heightM.
    const flatId = tile.rows.findIndex((row) => row.id === 'house-flat');
    const flatHeights = (await readVertices(glb))
      .filter((vertex) => vertex.featureId === flatId)
      .map((vertex) => vertex.position[1] ?? NaN);
    expect(Math.max(...flatHeights)).toBeCloseTo(7, 2);
  });

  it('is out of date when the surfaces file changes, and rebuilds from it', async () => {
    expect(await isTilesetUpToDate(paths.buildingsPath, paths.outDir)).toBe(true);
    expect((await buildCityTiles(cityId, { repoRoot })).status).toBe('up-to-date');
    await writeFile(paths.surfacesPath, toJsonl([gabledRecord('house-gabled', 10)]));
    expect(await isTilesetUpToDate(paths.buildingsPath, paths.outDir)).toBe(false);
    const rebuilt = await buildCityTiles(cityId, { repoRoot });
    expect(rebuilt.status).toBe('built');
    const vertices = await readVertices(
      new Uint8Array(await readFile(join(paths.outDir, 'content', 'r.glb'))),
    );
    expect(Math.max(...vertices.map((vertex) => vertex.position[1] ?? NaN))).toBeCloseTo(12, 2);
    const heights = vertices.map((vertex) => vertex.position[1] ?? NaN);
    expect(heights.some((h) => Math.abs(h - 10) < 0.01)).toBe(true);
    await rm(paths.surfacesPath);
    expect(await isTilesetUpToDate(paths.buildingsPath, paths.outDir)).toBe(false);
  });
});

describe('readSurfacesFile', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'citytwin-surfaces-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads one record per line and skips blank lines', async () => {
    const path = join(dir, 'good.jsonl');
    await writeFile(path, `${toJsonl([gabledRecord('a', 9)])}\n${toJsonl([gabledRecord('b', 8)])}`);
    const records = await readSurfacesFile(path);
    expect([...records.keys()]).toEqual(['a', 'b']);
    expect(records.get('a')?.surfaces).toHaveLength(7);
  });

  it('lists every malformed line with the file and line number in one error', async () => {
    const path = join(dir, 'bad.jsonl');
    const good = JSON.stringify(gabledRecord('a', 9));
    await writeFile(
      path,
      [
        good,
        '{"id": "b", "lod": 2',
        JSON.stringify({ ...gabledRecord('c', 9), surfaces: [{ kind: 'roof', polygon: [[[9, 48]]] }] }),
        JSON.stringify({ ...gabledRecord('d', 9), surfaces: [{ kind: 'window', polygon: [] }] }),
        good,
      ].join('\n'),
    );
    const error: unknown = await readSurfacesFile(path, 'data/x/buildings.surfaces.jsonl').catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(BuildingsInputError);
    const message = error instanceof Error ? error.message : '';
    expect(message).toMatch(/^data\/x\/buildings\.surfaces\.jsonl: 4 problems/);
    expect(message).toMatch(/line 2: not valid JSON/);
    expect(message).toMatch(/line 3: c: surfaces\[0\]\.polygon\[0\] must be at least 3/);
    expect(message).toMatch(/line 4: d: surfaces\[0\]\.kind must be one of/);
    expect(message).toMatch(/line 5: a repeats line 1/);
  });
});
