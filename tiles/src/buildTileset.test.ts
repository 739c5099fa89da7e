import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Building, Feature, FeatureCollection } from './buildingFeatures.ts';
import { BuildingsInputError, parseBuildings } from './buildingFeatures.ts';
import type { BuildTilesetResult } from './buildTileset.ts';
import { buildTileset, isTilesetUpToDate, sha256Hex, TILES_BUILDER_VERSION } from './buildTileset.ts';
import type { Vec3 } from './geodesy.ts';
import { createEnuFrame, ecefToGeodetic } from './geodesy.ts';
import { validateGlb } from './glbValidator.ts';
import type { OffsetType, PropertyColumn } from './propertyTable.ts';
import { decodeFloat32Column, decodeStringColumn } from './propertyTable.ts';
import { readBuildingTile } from './readBuildingTile.ts';
import { createSyntheticBuildings } from './syntheticBuildings.ts';
import type { TileJson, TilesetJson } from './tilesetJson.ts';
import { validateTileMetadata } from './validateTileMetadata.ts';
import { pointBounds, readContentPositions, transformPoint, validateTileset } from './validateTileset.ts';

/** The parts of a glTF JSON chunk these tests read. */
interface GltfJson {
  readonly extensionsUsed?: string[];
  readonly accessors: {
    bufferView?: number;
    byteOffset?: number;
    componentType: number;
    count: number;
    min?: number[];
    max?: number[];
  }[];
  readonly bufferViews: { byteOffset?: number; byteLength: number; byteStride?: number }[];
  readonly meshes: {
    primitives: {
      attributes: Record<string, number>;
      extensions?: {
        EXT_mesh_features?: {
          featureIds: { featureCount: number; attribute: number; propertyTable: number }[];
        };
      };
    }[];
  }[];
  readonly extensions?: {
    EXT_structural_metadata?: {
      schema: {
        classes: Record<string, { properties: Record<string, { type: string; componentType?: string }> }>;
      };
      propertyTables: {
        class: string;
        count: number;
        properties: Record<string, { values: number; stringOffsets?: number; stringOffsetType?: OffsetType }>;
      }[];
    };
  };
}

/** Splits a GLB into its JSON and BIN chunks by hand, independent of glTF Transform. */
function parseGlb(bytes: Uint8Array): { json: GltfJson; bin: Uint8Array } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  expect(view.getUint32(0, true)).toBe(0x46546c67); // "glTF"
  expect(view.getUint32(4, true)).toBe(2);
  expect(view.getUint32(8, true)).toBe(bytes.byteLength);
  const jsonLength = view.getUint32(12, true);
  expect(view.getUint32(16, true)).toBe(0x4e4f534a); // "JSON"
  // Test-only cast: the assertions below check every field they use.
  const json = JSON.parse(new TextDecoder().decode(bytes.subarray(20, 20 + jsonLength))) as GltfJson;
  const binOffset = 20 + jsonLength;
  const binLength = view.getUint32(binOffset, true);
  expect(view.getUint32(binOffset + 4, true)).toBe(0x004e4942); // "BIN\0"
  return { json, bin: bytes.subarray(binOffset + 8, binOffset + 8 + binLength) };
}

function bufferViewBytes(json: GltfJson, bin: Uint8Array, index: number): Uint8Array {
  const viewDef = json.bufferViews[index];
  if (!viewDef) throw new Error(`no buffer view ${index}`);
  const start = viewDef.byteOffset ?? 0;
  return bin.subarray(start, start + viewDef.byteLength);
}

/** Reads a vertex attribute by hand (scalar or vec3, float or uint16, honouring byteStride). */
function readAttribute(
  json: GltfJson,
  bin: Uint8Array,
  accessorIndex: number,
  components: number,
): number[][] {
  const accessor = json.accessors[accessorIndex];
  if (!accessor || accessor.bufferView === undefined) throw new Error(`no accessor ${accessorIndex}`);
  const bytes = bufferViewBytes(json, bin, accessor.bufferView);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const componentBytes = accessor.componentType === 5126 ? 4 : 2;
  const stride = json.bufferViews[accessor.bufferView]?.byteStride ?? components * componentBytes;
  return Array.from({ length: accessor.count }, (_, i) =>
    Array.from({ length: components }, (_, c) => {
      const offset = (accessor.byteOffset ?? 0) + i * stride + c * componentBytes;
      return accessor.componentType === 5126 ? view.getFloat32(offset, true) : view.getUint16(offset, true);
    }),
  );
}

function listTiles(tile: TileJson): TileJson[] {
  return [tile, ...(tile.children ?? []).flatMap(listTiles)];
}

function boxMinMax(box: readonly number[]): { min: Vec3; max: Vec3 } {
  const [cx = 0, cy = 0, cz = 0, hx = 0, , , , hy = 0, , , , hz = 0] = box;
  return { min: [cx - hx, cy - hy, cz - hz], max: [cx + hx, cy + hy, cz + hz] };
}

/** glTF y-up (x, y, z) back to the tileset's z-up ENU (x, -z, y), as 3D Tiles does. */
function gltfToEnu([x, y, z]: readonly number[]): Vec3 {
  return [x ?? 0, -(z ?? 0), y ?? 0];
}

describe('buildTileset on a synthetic town of 30 buildings', () => {
  const buildings = createSyntheticBuildings({ count: 30 });
  const inputById = new Map<string, Building>(parseBuildings(buildings).map((b) => [b.id, b]));
  let outDir: string;
  let result: BuildTilesetResult;
  let tileset: TilesetJson;
  const progress: [number, number][] = [];
  const glbs = new Map<string, Uint8Array>();

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'citytwin-tiles-'));
    result = await buildTileset({
      buildings,
      outDir,
      cityId: 'test-town',
      maxBuildingsPerTile: 8,
      onProgress: (done, total) => progress.push([done, total]),
    });
    tileset = JSON.parse(await readFile(join(outDir, 'tileset.json'), 'utf8')) as TilesetJson;
    for (const tile of listTiles(tileset.root)) {
      if (tile.content)
        glbs.set(tile.content.uri, new Uint8Array(await readFile(join(outDir, tile.content.uri))));
    }
  });

  afterAll(async () => {
    await rm(outDir, { recursive: true, force: true });
  });

  it('reports counts and progress up to the total', () => {
    expect(result.featureCount).toBe(30);
    expect(result.contentCount).toBe(4);
    expect(result.tileCount).toBe(listTiles(tileset.root).length);
    expect(result.skipped).toEqual([]);
    expect(progress[0]).toEqual([0, 30]);
    expect(progress.at(-1)).toEqual([30, 30]);
  });

  it('writes a 3D Tiles 1.1 tileset.json with the ENU frame as root transform', () => {
    expect(tileset.asset.version).toBe('1.1');
    expect(tileset.asset.tilesetVersion).toBe(
      `${TILES_BUILDER_VERSION}-${result.buildingsSha256.slice(0, 16)}`,
    );
    expect(tileset.geometricError).toBeGreaterThan(0);
    expect(tileset.root.refine).toBe('ADD');
    expect(tileset.root.transform).toHaveLength(16);
    expect(tileset.root.transform).toEqual(createEnuFrame(result.origin).enuToEcefMatrix);
    // The origin is the centre of the data, on the ellipsoid near 48.685 N, 9.015 E.
    expect(result.origin[0]).toBeCloseTo(9.015, 3);
    expect(result.origin[1]).toBeCloseTo(48.685, 3);
    expect(result.origin[2]).toBe(0);
    for (const tile of listTiles(tileset.root)) {
      expect(tile.boundingVolume.box).toHaveLength(12);
      if (tile.children) {
        expect(tile.content).toBeUndefined();
        expect(tile.geometricError).toBeGreaterThan(0);
        for (const child of tile.children) expect(child.geometricError).toBeLessThan(tile.geometricError);
      } else {
        expect(tile.geometricError).toBe(0);
        expect(tile.content?.uri).toMatch(/^content\/r[01]+\.glb$/);
      }
    }
    expect(tileset.geometricError).toBeGreaterThanOrEqual(tileset.root.geometricError);
  });

  it('passes the tileset checks: geometric errors shrink, content and children inside their boxes', async () => {
    const report = await validateTileset(tileset, (uri) =>
      Promise.resolve(glbs.get(uri) ?? new Uint8Array()),
    );
    expect(report).toEqual({ errors: [], warnings: [] });
  });

  it('keeps every leaf box tight around its content (within 2 cm)', () => {
    for (const tile of listTiles(tileset.root).filter((t) => t.content)) {
      const content = pointBounds(
        readContentPositions(glbs.get(tile.content?.uri ?? '') ?? new Uint8Array()).positions,
      );
      const box = boxMinMax(tile.boundingVolume.box);
      for (let axis = 0; axis < 3; axis++) {
        expect((content.min[axis] ?? 0) - (box.min[axis] ?? 0)).toBeLessThan(0.02);
        expect((box.max[axis] ?? 0) - (content.max[axis] ?? 0)).toBeLessThan(0.02);
      }
    }
  });

  it('writes GLBs that pass the Khronos glTF validator with no errors', async () => {
    for (const [uri, glb] of glbs) {
      const report = await validateGlb(glb, uri);
      console.log(
        `glTF validator ${uri}: ${report.issues.numErrors} errors, ${report.issues.numWarnings} warnings, ` +
          `${report.issues.numInfos} infos`,
      );
      expect(report.issues.messages.filter((m) => m.severity === 0)).toEqual([]);
      expect(report.issues.numErrors).toBe(0);
    }
  });

  it('writes GLBs that pass the EXT_structural_metadata / EXT_mesh_features checks with no errors or warnings', () => {
    for (const [uri, glb] of glbs) {
      const report = validateTileMetadata(glb, uri);
      expect(report.errors).toEqual([]);
      expect(report.warnings).toEqual([]);
    }
  });

  it('uses each feature id 0..featureCount-1 and declares the metadata extensions', () => {
    for (const glb of glbs.values()) {
      const { json, bin } = parseGlb(glb);
      expect(json.extensionsUsed).toEqual(['EXT_mesh_features', 'EXT_structural_metadata']);
      const primitive = json.meshes[0]?.primitives[0];
      const featureIdSet = primitive?.extensions?.EXT_mesh_features?.featureIds[0];
      expect(featureIdSet).toMatchObject({ attribute: 0, propertyTable: 0 });
      const ids = readAttribute(json, bin, primitive?.attributes['_FEATURE_ID_0'] ?? -1, 1).map(([id]) => id);
      const featureCount = featureIdSet?.featureCount ?? 0;
      expect(new Set(ids)).toEqual(new Set(Array.from({ length: featureCount }, (_, i) => i)));
      expect(json.extensions?.EXT_structural_metadata?.propertyTables[0]?.count).toBe(featureCount);
    }
  });

  it('decodes the property tables back to the input buildings (by hand and through glTF Transform)', async () => {
    const seen: string[] = [];
    for (const glb of glbs.values()) {
      const { json, bin } = parseGlb(glb);
      const metadata = json.extensions?.EXT_structural_metadata;
      const table = metadata?.propertyTables[0];
      if (!metadata || !table) throw new Error('no property table');
      expect(table.class).toBe('building');
      expect(Object.keys(metadata.schema.classes['building']?.properties ?? {})).toEqual([
        'buildingId',
        'heightM',
        'use',
        'name',
        'storeys',
        'yearOfConstruction',
      ]);
      const column = (propertyId: string): PropertyColumn | undefined => {
        const def = table.properties[propertyId];
        if (!def) return undefined;
        return {
          values: bufferViewBytes(json, bin, def.values),
          ...(def.stringOffsets === undefined
            ? {}
            : {
                stringOffsets: bufferViewBytes(json, bin, def.stringOffsets),
                stringOffsetType: def.stringOffsetType ?? 'UINT32',
              }),
        };
      };
      const need = (propertyId: string): PropertyColumn => {
        const found = column(propertyId);
        if (!found) throw new Error(`no column ${propertyId}`);
        return found;
      };
      const ids = decodeStringColumn(need('buildingId'), table.count);
      const heights = decodeFloat32Column(need('heightM'), table.count);
      const uses = decodeStringColumn(need('use'), table.count);
      const nameColumn = column('name');
      const names = nameColumn ? decodeStringColumn(nameColumn, table.count) : ids.map(() => '');
      ids.forEach((id, index) => {
        const input = inputById.get(id);
        expect(input, id).toBeDefined();
        expect(heights[index]).toBe(Math.fround(input?.heightM ?? Number.NaN));
        expect(uses[index]).toBe(input?.use);
        expect(names[index]).toBe(input?.name);
      });
      seen.push(...ids);

      const decoded = await readBuildingTile(glb);
      expect(decoded.rows.map((row) => row.id)).toEqual(ids);
      expect(decoded.rows.map((row) => row.name)).toEqual(names);
      expect(decoded.rows.map((row) => row.storeys)).toEqual(ids.map((id) => inputById.get(id)?.storeys));
      expect(decoded.rows.every((row) => row.storeys >= 1 && row.yearOfConstruction === undefined)).toBe(
        true,
      );
      // No synthetic building has a year, so the column is left out and clients read noData.
      expect(table.properties['yearOfConstruction']).toBeUndefined();
    }
    expect([...seen].sort()).toEqual([...inputById.keys()].sort());
    expect(inputById.get('b00003')).toMatchObject({ use: 'parking', name: 'Parkhaus Test' });
  });

  it('aligns every property-table buffer view to its component size', () => {
    const sizes: Record<OffsetType | 'FLOAT32', number> = { UINT8: 1, UINT16: 2, UINT32: 4, FLOAT32: 4 };
    for (const glb of glbs.values()) {
      const { json } = parseGlb(glb);
      const table = json.extensions?.EXT_structural_metadata?.propertyTables[0];
      for (const [propertyId, def] of Object.entries(table?.properties ?? {})) {
        const valuesAlignment =
          propertyId === 'heightM' ? sizes.FLOAT32 : propertyId === 'storeys' ? sizes.UINT16 : 1;
        expect((json.bufferViews[def.values]?.byteOffset ?? 0) % valuesAlignment).toBe(0);
        if (def.stringOffsets !== undefined) {
          const offsetAlignment = sizes[def.stringOffsetType ?? 'UINT32'];
          expect((json.bufferViews[def.stringOffsets]?.byteOffset ?? 0) % offsetAlignment).toBe(0);
        }
      }
    }
  });

  it('places each building where its footprint is: on the ellipsoid, up to heightM', () => {
    const matrix = tileset.root.transform ?? [];
    for (const glb of glbs.values()) {
      const { json, bin } = parseGlb(glb);
      const primitive = json.meshes[0]?.primitives[0];
      const table = json.extensions?.EXT_structural_metadata?.propertyTables[0];
      const idsDef = table?.properties['buildingId'];
      if (!primitive || !table || !idsDef?.stringOffsets) throw new Error('tile without metadata');
      const ids = decodeStringColumn(
        {
          values: bufferViewBytes(json, bin, idsDef.values),
          stringOffsets: bufferViewBytes(json, bin, idsDef.stringOffsets),
          stringOffsetType: idsDef.stringOffsetType ?? 'UINT32',
        },
        table.count,
      );
      const positions = readAttribute(json, bin, primitive.attributes['POSITION'] ?? -1, 3);
      const featureIds = readAttribute(json, bin, primitive.attributes['_FEATURE_ID_0'] ?? -1, 1);
      positions.forEach((position, vertex) => {
        const building = inputById.get(ids[featureIds[vertex]?.[0] ?? -1] ?? '');
        if (!building) throw new Error(`vertex ${vertex} has no building`);
        const [lonDeg, latDeg, heightM] = ecefToGeodetic(transformPoint(matrix, gltfToEnu(position)));
        const ring = building.polygons.flatMap((polygon) => polygon[0] ?? []);
        // 1e-7 degrees is about 1 cm here.
        expect(lonDeg).toBeGreaterThanOrEqual(Math.min(...ring.map(([lon]) => lon)) - 1e-7);
        expect(lonDeg).toBeLessThanOrEqual(Math.max(...ring.map(([lon]) => lon)) + 1e-7);
        expect(latDeg).toBeGreaterThanOrEqual(Math.min(...ring.map(([, lat]) => lat)) - 1e-7);
        expect(latDeg).toBeLessThanOrEqual(Math.max(...ring.map(([, lat]) => lat)) + 1e-7);
        const onGround = Math.abs(heightM) < 0.01;
        const onRoof = Math.abs(heightM - building.heightM) < 0.01;
        expect(onGround || onRoof, `vertex ${vertex} of ${building.id} at ${heightM} m`).toBe(true);
      });
    }
  });

  it('records the input hash and the build in build-info.json', async () => {
    const info: unknown = JSON.parse(await readFile(join(outDir, 'build-info.json'), 'utf8'));
    expect(info).toMatchObject({
      builderVersion: TILES_BUILDER_VERSION,
      buildingsSha256: sha256Hex(JSON.stringify(buildings)),
      maxBuildingsPerTile: 8,
      cityId: 'test-town',
      featureCount: 30,
      tileCount: result.tileCount,
      contentUris: [...glbs.keys()],
    });
  });
});

describe('buildTileset output', () => {
  const dirs: string[] = [];
  const tempDir = async (): Promise<string> => {
    const dir = await mkdtemp(join(tmpdir(), 'citytwin-tiles-'));
    dirs.push(dir);
    return dir;
  };

  afterAll(async () => {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  async function readAll(dir: string): Promise<Map<string, Buffer>> {
    const files = new Map<string, Buffer>();
    for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
      if (entry.isFile()) {
        const path = join(entry.parentPath, entry.name);
        files.set(path.slice(dir.length), await readFile(path));
      }
    }
    return files;
  }

  it('is byte-for-byte deterministic for the same input', async () => {
    const buildings = createSyntheticBuildings({ count: 400, seed: 7 });
    const [a, b] = [await tempDir(), await tempDir()];
    await buildTileset({ buildings, outDir: a, maxBuildingsPerTile: 64 });
    await buildTileset({ buildings, outDir: b, maxBuildingsPerTile: 64 });
    const [filesA, filesB] = [await readAll(a), await readAll(b)];
    expect([...filesA.keys()].sort()).toEqual([...filesB.keys()].sort());
    expect(filesA.size).toBeGreaterThan(3);
    for (const [name, bytes] of filesA)
      expect(bytes.equals(filesB.get(name) ?? Buffer.alloc(0)), name).toBe(true);
  });

  it('removes tiles of an earlier build that the new build does not write', async () => {
    const dir = await tempDir();
    const buildings = createSyntheticBuildings({ count: 30 });
    await buildTileset({ buildings, outDir: dir, maxBuildingsPerTile: 8 });
    await buildTileset({ buildings, outDir: dir });
    expect(await readdir(join(dir, 'content'))).toEqual(['r.glb']);
  });

  it('leaves out a building whose footprint has no area and reports it', async () => {
    const base = createSyntheticBuildings({ count: 5 });
    const sliver: Feature = {
      type: 'Feature',
      id: 'b09999',
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [9.015, 48.685],
            [9.0151, 48.685],
            [9.0152, 48.685],
            [9.015, 48.685],
          ],
        ],
      },
      properties: { id: 'b09999', heightM: 10, storeys: 3, use: 'residential' },
    };
    const result = await buildTileset({
      buildings: { ...base, features: [...base.features, sliver] },
      outDir: await tempDir(),
    });
    expect(result.featureCount).toBe(5);
    expect(result.skipped).toEqual([
      {
        buildingId: 'b09999',
        polygonIndex: 0,
        reason: expect.stringMatching(/too small/),
        buildingDropped: true,
      },
    ]);
  });

  it('rejects invalid buildings before writing anything', async () => {
    const dir = await tempDir();
    const broken: FeatureCollection = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', id: 'b00001', geometry: null, properties: { id: 'b00001', heightM: 0, use: 'x' } },
      ],
    };
    await expect(
      buildTileset({ buildings: broken, outDir: dir, sourceLabel: 'broken.geojson' }),
    ).rejects.toThrow(BuildingsInputError);
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('isTilesetUpToDate', () => {
  let dir: string;
  let buildingsPath: string;
  let outDir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'citytwin-tiles-'));
    buildingsPath = join(dir, 'buildings.geojson');
    outDir = join(dir, 'out');
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function buildFromFile(): Promise<void> {
    const bytes = await readFile(buildingsPath);
    const buildings = JSON.parse(bytes.toString('utf8')) as FeatureCollection;
    await buildTileset({ buildings, outDir, sourceSha256: sha256Hex(bytes) });
  }

  it('is false before any build and true right after one', async () => {
    await writeFile(buildingsPath, JSON.stringify(createSyntheticBuildings({ count: 12 })));
    expect(await isTilesetUpToDate(buildingsPath, outDir)).toBe(false);
    await buildFromFile();
    expect(await isTilesetUpToDate(buildingsPath, outDir)).toBe(true);
  });

  it('is false when the buildings file changes, or for another leaf size', async () => {
    await writeFile(buildingsPath, JSON.stringify(createSyntheticBuildings({ count: 12 })));
    await buildFromFile();
    expect(await isTilesetUpToDate(buildingsPath, outDir, { maxBuildingsPerTile: 100 })).toBe(false);
    await writeFile(buildingsPath, JSON.stringify(createSyntheticBuildings({ count: 13 })));
    expect(await isTilesetUpToDate(buildingsPath, outDir)).toBe(false);
  });

  it('is false when a tile is missing or build-info.json is unreadable', async () => {
    await writeFile(buildingsPath, JSON.stringify(createSyntheticBuildings({ count: 12 })));
    await buildFromFile();
    await rm(join(outDir, 'content', 'r.glb'));
    expect(await isTilesetUpToDate(buildingsPath, outDir)).toBe(false);
    await buildFromFile();
    await writeFile(join(outDir, 'build-info.json'), '{ not json');
    expect(await isTilesetUpToDate(buildingsPath, outDir)).toBe(false);
  });
});
