import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Feature, FeatureCollection } from './buildingFeatures.ts';
import { parseBuildings } from './buildingFeatures.ts';
import type { BuildTilesetResult } from './buildTileset.ts';
import { buildTileset } from './buildTileset.ts';
import { createBuildingTileIO } from './buildingTileGlb.ts';
import type { Vec3 } from './geodesy.ts';
import { validateGlb } from './glbValidator.ts';
import type { ImportedBuilding } from './import/importedBuilding.ts';
import { buildingProperties } from './import/importedPack.ts';
import { readBuildingTile } from './readBuildingTile.ts';
import type { TileJson, TilesetJson } from './tilesetJson.ts';

const METRES_PER_DEGREE_LAT = 111_320;
const LAT0 = 48.68;
const LON0 = 9.01;
const metresPerDegreeLon = METRES_PER_DEGREE_LAT * Math.cos((LAT0 * Math.PI) / 180);

/** A closed 20 m (east) × 10 m (north) rectangle, its south-west corner `eastM` east of LON0. */
function rectangle(eastM: number, northM = 0): [number, number][] {
  const lonLat = (e: number, n: number): [number, number] => [
    LON0 + e / metresPerDegreeLon,
    LAT0 + n / METRES_PER_DEGREE_LAT,
  ];
  return [
    lonLat(eastM, northM),
    lonLat(eastM + 20, northM),
    lonLat(eastM + 20, northM + 10),
    lonLat(eastM, northM + 10),
    lonLat(eastM, northM),
  ];
}

/** A footprint building as the OSM importer hands it to the pack writer. */
function imported(id: string, eastM: number, fields: Partial<ImportedBuilding>): Feature {
  const ring = rectangle(eastM).map(([lon, lat]): [number, number, number] => [lon, lat, 0]);
  const building: ImportedBuilding = {
    id,
    groundHeightM: 0,
    footprint: [[ring]],
    surfaces: [],
    lod: 0,
    attributes: {},
    ...fields,
  };
  return {
    type: 'Feature',
    id,
    geometry: { type: 'Polygon', coordinates: [rectangle(eastM)] },
    properties: { ...buildingProperties(building) },
  };
}

/** glTF y-up (x, y, z) back to the tileset's z-up ENU (x, -z, y), as 3D Tiles does. */
function gltfToEnu([x, y, z]: readonly number[]): Vec3 {
  return [x ?? 0, -(z ?? 0), y ?? 0];
}

function boxMinMax(box: readonly number[]): { min: Vec3; max: Vec3 } {
  const [cx = 0, cy = 0, cz = 0, hx = 0, , , , hy = 0, , , , hz = 0] = box;
  return { min: [cx - hx, cy - hy, cz - hz], max: [cx + hx, cy + hy, cz + hz] };
}

function leaves(tile: TileJson): TileJson[] {
  return [...(tile.content ? [tile] : []), ...(tile.children ?? []).flatMap(leaves)];
}

const ROOFED: readonly (readonly [id: string, shape: string])[] = [
  ['gabled', 'gabled'],
  ['hipped', 'hipped'],
  ['pyramidal', 'pyramidal'],
  ['skillion', 'skillion'],
  ['dome', 'dome'],
];

describe('buildTileset with OSM roof shapes', () => {
  const features: Feature[] = [
    ...ROOFED.map(([id, roofShape], index) =>
      imported(id, index * 30, {
        heightM: 10,
        roofShape: roofShape as ImportedBuilding['roofShape'],
        roofHeightM: 4,
      }),
    ),
    imported('raised', 150, { heightM: 10, roofShape: 'gabled', roofHeightM: 4, minHeightM: 3 }),
    imported('default-pitch', 180, { heightM: 12, roofShape: 'hipped' }),
    imported('flat', 210, { heightM: 8 }),
    {
      type: 'Feature',
      id: 'mansard',
      geometry: { type: 'Polygon', coordinates: [rectangle(240)] },
      properties: {
        id: 'mansard',
        heightM: 9,
        storeys: 3,
        use: 'residential',
        roofShape: 'mansard',
        minHeightM: 12,
      },
    },
  ];
  const buildings: FeatureCollection = { type: 'FeatureCollection', features };
  let outDir: string;
  let result: BuildTilesetResult;
  let tileset: TilesetJson;
  const glbs = new Map<string, Uint8Array>();
  /** ENU vertex positions of each building, from all GLBs. */
  const verticesById = new Map<string, Vec3[]>();
  /** ENU vertex positions of each leaf's GLB, by content URI. */
  const verticesByUri = new Map<string, Vec3[]>();

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'citytwin-roofs-'));
    result = await buildTileset({ buildings, outDir, maxBuildingsPerTile: 4, sourceLabel: 'roofs.geojson' });
    tileset = JSON.parse(await readFile(join(outDir, 'tileset.json'), 'utf8')) as TilesetJson;
    for (const tile of leaves(tileset.root)) {
      const uri = tile.content?.uri ?? '';
      const glb = new Uint8Array(await readFile(join(outDir, uri)));
      glbs.set(uri, glb);
      const contents = await readBuildingTile(glb);
      const document = await createBuildingTileIO().readBinary(glb);
      const positions = document.getRoot().listMeshes()[0]?.listPrimitives()[0]?.getAttribute('POSITION');
      if (!positions) throw new Error(`${uri} has no positions`);
      const tileVertices: Vec3[] = [];
      contents.vertexFeatureIds.forEach((featureId, vertex) => {
        const id = contents.rows[featureId]?.id ?? '';
        const list = verticesById.get(id) ?? [];
        const enu = gltfToEnu(positions.getElement(vertex, []));
        list.push(enu);
        tileVertices.push(enu);
        verticesById.set(id, list);
      });
      verticesByUri.set(uri, tileVertices);
    }
  });

  afterAll(async () => {
    await rm(outDir, { recursive: true, force: true });
  });

  it('writes the roof fields into the pack properties the tiles build reads back', () => {
    const [gabled, raised] = parseBuildings(buildings).filter((b) => b.id === 'gabled' || b.id === 'raised');
    expect(gabled).toMatchObject({ roofShape: 'gabled', roofHeightM: 4 });
    expect(gabled?.minHeightM).toBeUndefined();
    expect(raised).toMatchObject({ roofShape: 'gabled', roofHeightM: 4, minHeightM: 3 });
  });

  it('builds every roofed building up to its ridge, with walls from the ground to the eaves', () => {
    for (const [id] of ROOFED) {
      const heights = (verticesById.get(id) ?? []).map((v) => v[2]);
      expect(heights.length, id).toBeGreaterThan(0);
      // Curvature lowers points 100 m from the origin by under a millimetre.
      expect(Math.max(...heights), id).toBeCloseTo(10, 2);
      expect(Math.min(...heights), id).toBeCloseTo(0, 2);
      // A pitched roof meets the walls at the eaves (10 m - 4 m); a flat one would only have 0 and 10.
      expect(
        heights.some((h) => Math.abs(h - 6) < 0.01),
        id,
      ).toBe(true);
    }
  });

  it('lifts a min_height building off the ground and keeps a flat one flat', () => {
    const raised = (verticesById.get('raised') ?? []).map((v) => v[2]);
    expect(Math.min(...raised)).toBeCloseTo(3, 2);
    expect(Math.max(...raised)).toBeCloseTo(10, 2);
    const flat = new Set((verticesById.get('flat') ?? []).map((v) => Math.round(v[2] * 100) / 100));
    expect([...flat].sort((a, b) => a - b)).toEqual([0, 8]);
  });

  it('builds an unknown roof shape flat from the ground and names the bad fields', () => {
    const heights = new Set((verticesById.get('mansard') ?? []).map((v) => Math.round(v[2] * 100) / 100));
    expect([...heights].sort((a, b) => a - b)).toEqual([0, 9]);
    expect(result.roofWarnings).toEqual([
      expect.stringMatching(/^roofs\.geojson: feature 8 \(mansard\): properties\.roofShape .*"mansard"/),
      expect.stringMatching(/^roofs\.geojson: feature 8 \(mansard\): properties\.minHeightM .*12/),
    ]);
    expect(result.featureCount).toBe(features.length);
  });

  it('keeps every leaf content inside its bounding box', () => {
    for (const tile of leaves(tileset.root)) {
      const box = boxMinMax(tile.boundingVolume.box);
      const vertices = verticesByUri.get(tile.content?.uri ?? '') ?? [];
      expect(vertices.length).toBeGreaterThan(0);
      for (const v of vertices) {
        for (let axis = 0; axis < 3; axis++) {
          expect(v[axis]).toBeGreaterThanOrEqual(box.min[axis] ?? 0);
          expect(v[axis]).toBeLessThanOrEqual(box.max[axis] ?? 0);
        }
      }
    }
  });

  it('writes GLBs that pass the Khronos glTF validator with no errors', async () => {
    expect(glbs.size).toBeGreaterThan(1);
    for (const [uri, glb] of glbs) {
      const report = await validateGlb(glb, uri);
      expect(report.issues.messages.filter((m) => m.severity === 0)).toEqual([]);
      expect(report.issues.numErrors).toBe(0);
    }
  });
});
