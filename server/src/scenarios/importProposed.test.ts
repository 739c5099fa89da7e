/**
 * Proposed buildings from files: the FZK/IAI LoD2 test houses (CityGML and CityJSON, local metres
 * placed where the planner picks), LGLN's LoD1 buildings (EPSG:25832), and glTF models built here
 * with known shapes, turned and scaled; and every file that cannot be read is refused by name.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ProposedBuildingSchema, type ProposedBuilding } from '../../../protocol/index.ts';
import { fixture } from '../../../scripts/fixtures/fixturesDir.ts';
import { itWithFixtures } from '../../../scripts/fixtures/withFixtures.ts';
import { buildingFigures, footprintAreaM2, meshVolumeM3 } from '../../../client/src/planning/figures.ts';
import { proposedGltf } from '../../../client/src/planning/proposedGltf.ts';
import { importProposedBuildings, ScenarioImportError } from './importProposed.ts';

const read = (path: string) => readFileSync(fixture(path));
const ELBENPLATZ = { lon: 9.0154, lat: 48.6848 };

/** A GLB of one box `sx` × `sy` × `sz` model units (glTF axes: y up), its corner at the origin. */
function boxGlb(
  sx: number,
  sy: number,
  sz: number,
  node: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
): Uint8Array {
  const corners = [
    [0, 0, 0],
    [sx, 0, 0],
    [sx, sy, 0],
    [0, sy, 0],
    [0, 0, sz],
    [sx, 0, sz],
    [sx, sy, sz],
    [0, sy, sz],
  ];
  // Outward-facing (counter-clockwise seen from outside) quads as two triangles each.
  const quads = [
    [0, 3, 2, 1], // z = 0
    [4, 5, 6, 7], // z = sz
    [0, 1, 5, 4], // y = 0
    [3, 7, 6, 2], // y = sy
    [0, 4, 7, 3], // x = 0
    [1, 2, 6, 5], // x = sx
  ];
  const indices = quads.flatMap(([a, b, c, d]) => [a, b, c, a, c, d]) as number[];
  const positions = new Float32Array(corners.flat());
  const index = new Uint16Array(indices);
  const bin = new Uint8Array(positions.byteLength + index.byteLength + ((4 - (index.byteLength % 4)) % 4));
  bin.set(new Uint8Array(positions.buffer), 0);
  bin.set(new Uint8Array(index.buffer), positions.byteLength);
  const json = {
    asset: { version: '2.0', generator: 'citytwin test' },
    scene: 0,
    scenes: [{ nodes: [0] }],
    nodes: [{ mesh: 0, ...node }],
    meshes: [{ primitives: [{ attributes: { POSITION: 0 }, indices: 1 }] }],
    buffers: [{ byteLength: bin.byteLength }],
    bufferViews: [
      { buffer: 0, byteOffset: 0, byteLength: positions.byteLength },
      { buffer: 0, byteOffset: positions.byteLength, byteLength: index.byteLength },
    ],
    accessors: [
      { bufferView: 0, componentType: 5126, count: 8, type: 'VEC3', min: [0, 0, 0], max: [sx, sy, sz] },
      { bufferView: 1, componentType: 5123, count: indices.length, type: 'SCALAR' },
    ],
    ...extra,
  };
  let text = new TextEncoder().encode(JSON.stringify(json));
  const padded = new Uint8Array(text.byteLength + ((4 - (text.byteLength % 4)) % 4)).fill(0x20);
  padded.set(text);
  text = padded;
  const total = 12 + 8 + text.byteLength + 8 + bin.byteLength;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0x46546c67, true);
  view.setUint32(4, 2, true);
  view.setUint32(8, total, true);
  view.setUint32(12, text.byteLength, true);
  view.setUint32(16, 0x4e4f534a, true);
  out.set(text, 20);
  view.setUint32(20 + text.byteLength, bin.byteLength, true);
  view.setUint32(24 + text.byteLength, 0x004e4942, true);
  out.set(bin, 28 + text.byteLength);
  return out;
}

const parsed = (input: unknown): ProposedBuilding => ProposedBuildingSchema.parse(input);

describe('importing proposed buildings from city models', () => {
  itWithFixtures(
    'reads the FZK LoD2 houses from CityGML at the picked place, with their shapes, heights and storeys',
    async () => {
      const result = await importProposedBuildings({
        bytes: read('citygml/fzk-iai-testcases-LOD2_Buildings_v200.gml'),
        fileName: 'fzk-iai-testcases-LOD2_Buildings_v200.gml',
        place: ELBENPLATZ,
      });
      expect(result.format).toBe('citygml');
      expect(result.sourceCrs).toBe('local');
      expect(result.buildings.length).toBeGreaterThan(10);
      const house = parsed(result.buildings.find((b) => b.name === 'Testcase-0-0_LoD2'));
      // Testcase 0-0: a gabled house, eaves at 5 m, ridge at 11 m, 5 storeys.
      expect(house.roof).toBe('gabled');
      expect(house.eavesHeightM).toBeCloseTo(5, 2);
      expect(house.eavesHeightM + house.roofHeightM).toBeCloseTo(11, 2);
      expect(house.storeys).toBe(5);
      expect(house.source).toMatchObject({
        format: 'citygml',
        objectId: expect.stringContaining('FZK_GUID'),
      });
      expect(house.mesh).toBeDefined();
      // The house stands at the picked place: its footprint's corners within 100 m of it.
      for (const [lon, lat] of house.footprint) {
        expect(Math.abs(lon - ELBENPLATZ.lon) * 73_600).toBeLessThan(150);
        expect(Math.abs(lat - ELBENPLATZ.lat) * 111_200).toBeLessThan(150);
      }
      // Its volume from the real shape: the walls' block plus the gable's prism.
      const area = footprintAreaM2(house.footprint);
      const expected = area * 5 + (area * 6) / 2;
      const figures = buildingFigures(house);
      expect(meshVolumeM3(house.mesh!)).not.toBeNull();
      expect(figures.volumeM3).toBeCloseTo(expected, -1);
      expect(figures.maxHeightM).toBeCloseTo(11, 2);
      // Every building's id is its own, and every one passes the protocol.
      const ids = result.buildings.map((b) => parsed(b).id);
      expect(new Set(ids).size).toBe(ids.length);
    },
  );

  it('keeps a building’s heights above its own ground, not the file’s 431.5 m (decision 0013)', async () => {
    // A 20 m × 10 m LoD1 block in EPSG:25832 whose ground lies at 431.5 m and roof at 443.5 m.
    const doc = {
      type: 'CityJSON',
      version: '2.0',
      transform: { scale: [0.01, 0.01, 0.01], translate: [500_000, 5_390_000, 430] },
      metadata: { referenceSystem: 'https://www.opengis.net/def/crs/EPSG/0/25832' },
      CityObjects: {
        block: {
          type: 'Building',
          geometry: [
            {
              type: 'Solid',
              lod: '1',
              boundaries: [
                [
                  [[0, 3, 2, 1]],
                  [[4, 5, 6, 7]],
                  [[0, 1, 5, 4]],
                  [[1, 2, 6, 5]],
                  [[2, 3, 7, 6]],
                  [[3, 0, 4, 7]],
                ],
              ],
            },
          ],
        },
      },
      vertices: [
        [0, 0, 150],
        [2000, 0, 150],
        [2000, 1000, 150],
        [0, 1000, 150],
        [0, 0, 1350],
        [2000, 0, 1350],
        [2000, 1000, 1350],
        [0, 1000, 1350],
      ],
    };
    const result = await importProposedBuildings({
      bytes: new TextEncoder().encode(JSON.stringify(doc)),
      fileName: 'block.city.json',
    });
    const block = parsed(result.buildings[0]);
    expect(block.eavesHeightM).toBeCloseTo(12, 2);
    // The mesh's z 0 is where it stands: the viewer puts that on the town's ground.
    const ups = (block.mesh?.positions ?? []).filter((_, i) => i % 3 === 2);
    expect(Math.min(...ups)).toBeCloseTo(0, 2);
    expect(Math.max(...ups)).toBeCloseTo(12, 2);
  });

  itWithFixtures('reads the same houses from CityJSON and CityJSONSeq alike', async () => {
    const json = await importProposedBuildings({
      bytes: read('cityjson/fzk-iai-testcases-lod2_buildings.cityjson2.0.json'),
      fileName: 'fzk.city.json',
      place: ELBENPLATZ,
    });
    const seq = await importProposedBuildings({
      bytes: read('cityjson/fzk-iai-testcases-lod2_buildings.cityjsonseq2.0.jsonl'),
      fileName: 'fzk.city.jsonl',
      place: ELBENPLATZ,
    });
    expect(json.format).toBe('cityjson');
    expect(seq.buildings.length).toBe(json.buildings.length);
    const a = parsed(json.buildings.find((b) => b.name === 'Testcase-0-0_LoD2'));
    const b = parsed(seq.buildings.find((x) => x.name === 'Testcase-0-0_LoD2'));
    expect(a.eavesHeightM).toBeCloseTo(b.eavesHeightM, 2);
    expect(a.roofHeightM).toBeCloseTo(b.roofHeightM, 2);
    expect(footprintAreaM2(a.footprint)).toBeCloseTo(footprintAreaM2(b.footprint), 1);
    expect(a.roof).toBe('gabled');
  });

  itWithFixtures(
    'places LGLN’s LoD1 buildings at their own coordinates (EPSG:25832), flat-roofed',
    async () => {
      const result = await importProposedBuildings({
        bytes: read('citygml/lgln-niedersachsen-lorup-LoD1_24065860_2_2021-01-25.citygml1.0.gml'),
        fileName: 'lorup.gml',
      });
      expect(result.sourceCrs).toBe('EPSG:25832');
      expect(result.buildings.length).toBe(8);
      for (const input of result.buildings) {
        const b = parsed(input);
        expect(b.roof).toBe('flat');
        expect(b.roofHeightM).toBe(0);
        // Lorup, Emsland: 7.6° E, 52.9° N.
        expect(b.footprint[0]?.[0]).toBeGreaterThan(7.5);
        expect(b.footprint[0]?.[0]).toBeLessThan(7.7);
        expect(b.footprint[0]?.[1]).toBeGreaterThan(52.8);
        expect(b.footprint[0]?.[1]).toBeLessThan(53);
      }
    },
  );

  itWithFixtures('refuses a CityJSON file without a CRS until one is given, then reads it', async () => {
    const request = {
      bytes: read('cityjson/rotterdam_subset_textured.cityjson2.0.json'),
      fileName: 'rotterdam.json',
    };
    await expect(importProposedBuildings(request)).rejects.toThrow(/names no CRS/);
    const result = await importProposedBuildings({ ...request, crs: 'EPSG:28992' });
    expect(result.buildings.length).toBeGreaterThan(0);
    const first = parsed(result.buildings[0]);
    // Rotterdam: 4.5° E, 51.9° N.
    expect(first.footprint[0]?.[0]).toBeCloseTo(4.5, 0);
    expect(first.footprint[0]?.[1]).toBeCloseTo(51.9, 0);
  });

  it('names files that hold no proposed building', async () => {
    const bad = (text: string, fileName: string) =>
      importProposedBuildings({ bytes: new TextEncoder().encode(text), fileName });
    await expect(bad('<osm version="0.6"></osm>', 'map.osm')).rejects.toThrow(ScenarioImportError);
    await expect(bad('<osm version="0.6"></osm>', 'map.osm')).rejects.toThrow(
      /map\.osm is XML but not a CityGML/,
    );
    await expect(bad('{"type":"FeatureCollection","features":[]}', 'b.geojson')).rejects.toThrow(
      /OpenStreetMap data, not a proposed building/,
    );
    await expect(bad('hello', 'notes.txt')).rejects.toThrow(/notes\.txt starts with "hello"/);
    await expect(
      bad('{"type":"CityJSON","version":"2.0","CityObjects":{},"vertices":[]}', 'empty.city.json'),
    ).rejects.toThrow(/no building could be imported from empty\.city\.json/);
  });
});

describe('importing a glTF model', () => {
  it('stands a box at the picked place, its base on the ground, turned clockwise by the heading', async () => {
    // 10 m wide (x), 30 m high (y up), 20 m deep (z towards the viewer, i.e. south), 2 m below its origin.
    const glb = boxGlb(10, 30, 20, { translation: [0, -2, 0] });
    const result = await importProposedBuildings({
      bytes: glb,
      fileName: 'Turm.glb',
      place: ELBENPLATZ,
      headingDeg: 90,
      use: 'commercial',
    });
    expect(result.format).toBe('glb');
    const tower = parsed(result.buildings[0]);
    expect(tower).toMatchObject({ name: 'Turm', use: 'commercial', roof: 'flat', storeys: 10 });
    expect(tower.eavesHeightM).toBeCloseTo(30, 2);
    expect(footprintAreaM2(tower.footprint)).toBeCloseTo(200, 0);
    const figures = buildingFigures(tower);
    expect(figures.volumeM3).toBeCloseTo(6000, 0);
    expect(figures.maxHeightM).toBeCloseTo(30, 2);
    // Unturned, the box spans 10 m east and 20 m south of the place; turned 90° clockwise, its
    // 10 m side runs south and its 20 m side west.
    const mesh = tower.mesh!;
    const xs = mesh.positions.filter((_, i) => i % 3 === 0);
    const ys = mesh.positions.filter((_, i) => i % 3 === 1);
    const zs = mesh.positions.filter((_, i) => i % 3 === 2);
    expect(Math.min(...xs)).toBeCloseTo(-20, 2);
    expect(Math.max(...xs)).toBeCloseTo(0, 2);
    expect(Math.min(...ys)).toBeCloseTo(-10, 2);
    expect(Math.max(...ys)).toBeCloseTo(0, 2);
    expect(Math.min(...zs)).toBeCloseTo(0, 2);
    expect(mesh.origin).toEqual([ELBENPLATZ.lon, ELBENPLATZ.lat]);
  });

  it('applies node transforms and the scale (a model in centimetres)', async () => {
    // A 1000 × 600 × 1000 cm box, scaled by its node ×2 (so 20 × 12 × 20 m at scale 0.01).
    const glb = boxGlb(1000, 600, 1000, { scale: [2, 2, 2] });
    const result = await importProposedBuildings({
      bytes: glb,
      fileName: 'halle.glb',
      place: ELBENPLATZ,
      scale: 0.01,
    });
    const hall = parsed(result.buildings[0]);
    expect(hall.eavesHeightM).toBeCloseTo(12, 2);
    expect(footprintAreaM2(hall.footprint)).toBeCloseTo(400, 0);
    expect(buildingFigures(hall).volumeM3).toBeCloseTo(4800, 0);
  });

  it('reads a glTF with its buffer embedded (the viewer’s own proposed-building model)', async () => {
    const drawn: ProposedBuilding = parsed({
      id: 'haus-1',
      footprint: [
        [9.0154, 48.6848],
        [9.0157, 48.6848],
        [9.0157, 48.685],
        [9.0154, 48.685],
        [9.0154, 48.6848],
      ],
      eavesHeightM: 15,
      storeys: 5,
      use: 'residential',
    });
    const model = proposedGltf([drawn], [9.0154, 48.6848], [1, 1, 1, 1]);
    const result = await importProposedBuildings({
      bytes: new TextEncoder().encode(JSON.stringify(model!.gltf)),
      fileName: 'haus.gltf',
      place: ELBENPLATZ,
    });
    expect(result.format).toBe('gltf');
    const again = parsed(result.buildings[0]);
    expect(again.mesh!.indices.length / 3).toBe(model!.triangles);
    expect(again.eavesHeightM).toBeCloseTo(15, 2);
    expect(footprintAreaM2(again.footprint)).toBeCloseTo(footprintAreaM2(drawn.footprint), -1);
  });

  it('names what is wrong with a model it cannot take', async () => {
    const glb = boxGlb(10, 10, 10);
    await expect(importProposedBuildings({ bytes: glb, fileName: 'a.glb' })).rejects.toThrow(
      /a\.glb is a glTF model with no place on Earth/,
    );
    const draco = boxGlb(10, 10, 10, {}, { extensionsRequired: ['KHR_draco_mesh_compression'] });
    await expect(
      importProposedBuildings({ bytes: draco, fileName: 'd.glb', place: ELBENPLATZ }),
    ).rejects.toThrow(/Draco-compressed; export it without compression/);
    const external = JSON.stringify({
      asset: { version: '2.0' },
      buffers: [{ uri: 'haus.bin', byteLength: 10 }],
      meshes: [],
    });
    await expect(
      importProposedBuildings({
        bytes: new TextEncoder().encode(external),
        fileName: 'e.gltf',
        place: ELBENPLATZ,
      }),
    ).rejects.toThrow(/separate file "haus\.bin"; export the model as one GLB/);
    const v1 = boxGlb(10, 10, 10);
    new DataView(v1.buffer).setUint32(4, 1, true);
    await expect(
      importProposedBuildings({ bytes: v1, fileName: 'old.glb', place: ELBENPLATZ }),
    ).rejects.toThrow(/version 1; only glTF 2.0/);
    const truncated = boxGlb(10, 10, 10).subarray(0, 60);
    await expect(
      importProposedBuildings({ bytes: truncated, fileName: 't.glb', place: ELBENPLATZ }),
    ).rejects.toThrow(/t\.glb: the GLB says it has \d+ bytes but the file has 60/);
    await expect(
      importProposedBuildings({
        bytes: boxGlb(10, 10, 10),
        fileName: 'huge.glb',
        place: ELBENPLATZ,
        scale: 1000,
      }),
    ).rejects.toThrow(/reaches 10000 m from its origin: is the scale right/);
  });
});

describe('meshVolumeM3', () => {
  it('is null for a mesh that is not closed', () => {
    expect(meshVolumeM3({ positions: [0, 0, 0, 1, 0, 0, 0, 1, 0], indices: [0, 1, 2] })).toBeNull();
  });
});
