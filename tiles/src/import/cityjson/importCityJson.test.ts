import { createReadStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../../../../scripts/fixtures/fixturesDir.ts';
import { describeWithFixtures, itWithFixtures } from '../../../../scripts/fixtures/withFixtures.ts';
import { createReprojector } from '../crs.ts';
import type { ImportedBuilding, ImportOptions, LonLatHeight } from '../importedBuilding.ts';
import { importCityJson, importCityJsonSeq, LOCAL_SOURCE_CRS } from './importCityJson.ts';

// Real sample files, read in place and never copied into the project.
const readFixture = (name: string): string => readFileSync(fixture(`cityjson/${name}`), 'utf8');

const FZK = 'fzk-iai-testcases-lod2_buildings.cityjson2.0.json';
const FZK_SEQ = 'fzk-iai-testcases-lod2_buildings.cityjsonseq2.0.jsonl';
const MULTI_LOD = 'multi_lod.cityjson2.0.json';
const ROTTERDAM = 'rotterdam_subset_textured.cityjson2.0.json';
const FZK_ORIGIN = { lon: 9.015, lat: 48.685 };

/** Horizontal distance in metres between two WGS84 points, flat-earth: fine over a few km. */
function distanceM(
  a: readonly [number, number, ...number[]],
  b: readonly [number, number, ...number[]],
): number {
  const metresPerDegreeLat = 111_320;
  const dx = (a[0] - b[0]) * metresPerDegreeLat * Math.cos((a[1] * Math.PI) / 180);
  const dy = (a[1] - b[1]) * metresPerDegreeLat;
  return Math.hypot(dx, dy);
}

function allPoints(building: ImportedBuilding): LonLatHeight[] {
  return building.surfaces.flatMap((surface) => surface.polygon.flat());
}

/** Counts the source's CityObjects of a type, straight from the JSON, to compare with the import. */
function countObjects(text: string, type: string): number {
  const document = JSON.parse(text) as { CityObjects: Record<string, { type: string }> };
  return Object.values(document.CityObjects).filter((object) => object.type === type).length;
}

async function importFzkSeq(options: ImportOptions = { localOrigin: FZK_ORIGIN, fileLabel: FZK_SEQ }) {
  const lines = createInterface({
    input: createReadStream(fixture(`cityjson/${FZK_SEQ}`)),
    crlfDelay: Infinity,
  });
  return importCityJsonSeq(lines, options);
}

describeWithFixtures(
  'importCityJson with the FZK/IAI test buildings (local coordinates under a wrong CRS)',
  () => {
    let text: string;
    beforeAll(() => {
      text = readFixture(FZK);
    });

    it('imports every Building at the local origin and notes the contradicting CRS', () => {
      const result = importCityJson(text, { localOrigin: FZK_ORIGIN, fileLabel: FZK });
      expect(result.buildings).toHaveLength(countObjects(text, 'Building'));
      expect(result.buildings).toHaveLength(100);
      expect(result.sourceCrs).toBe(LOCAL_SOURCE_CRS);
      expect(result.problems).toHaveLength(1);
      expect(result.problems[0]?.message).toContain('EPSG:3068');
    });

    it('keeps the object keys as ids and maps the known attributes', () => {
      const result = importCityJson(text, { localOrigin: FZK_ORIGIN });
      const first = result.buildings[0];
      expect(first?.id).toBe('FZK_GUID_1F3E679D-E226-4535-926C-7390977FB25A');
      expect(first?.name).toBe('Testcase-0-0_LoD2');
      expect(first?.heightM).toBeCloseTo(11, 6);
      expect(first?.storeys).toBe(5);
      expect(first?.lod).toBe(2);
      expect(first?.attributes.roofType).toBe('1030');
      // Arrays are not flat attributes.
      expect(first?.attributes.storeyHeightsAboveGround).toBeUndefined();
      for (const building of result.buildings) expect(building.id).toMatch(/^FZK_GUID_/);
    });

    it('keeps the slope of roof surfaces', () => {
      const { buildings } = importCityJson(text, { localOrigin: FZK_ORIGIN });
      const sloped = buildings.flatMap((building) =>
        building.surfaces
          .filter((surface) => surface.kind === 'roof')
          .filter((surface) => {
            const heights = surface.polygon.flat().map((point) => point[2]);
            const top = building.groundHeightM + (building.heightM ?? 0) + 0.01;
            const inside = heights.every((h) => h >= building.groundHeightM - 0.01 && h <= top);
            return inside && Math.max(...heights) - Math.min(...heights) > 1;
          }),
      );
      expect(
        buildings.every((building) => building.surfaces.some((surface) => surface.kind === 'roof')),
      ).toBe(true);
      expect(sloped.length).toBeGreaterThan(0);
    });

    it('places every position within 200 m of the local origin, with closed rings and a ground footprint', () => {
      const { buildings } = importCityJson(text, { localOrigin: FZK_ORIGIN });
      for (const building of buildings) {
        for (const point of allPoints(building)) {
          expect(distanceM(point, [FZK_ORIGIN.lon, FZK_ORIGIN.lat])).toBeLessThan(200);
        }
        for (const ring of building.surfaces.flatMap((surface) => surface.polygon)) {
          expect(ring[0]).toEqual(ring[ring.length - 1]);
        }
        expect(building.footprint.length).toBeGreaterThan(0);
        expect(building.groundHeightM).toBeCloseTo(0, 6);
      }
    });

    it('imports nothing without a local origin and names the declared CRS and the extent', () => {
      const result = importCityJson(text, { fileLabel: FZK });
      expect(result.buildings).toEqual([]);
      expect(result.problems).toHaveLength(1);
      expect(result.problems[0]?.file).toBe(FZK);
      expect(result.problems[0]?.message).toContain('EPSG:3068');
      expect(result.problems[0]?.message).toContain('x 0..96');
    });
  },
);

describe('importCityJsonSeq', () => {
  itWithFixtures('gives the same buildings from the CityJSONSeq as from the CityJSON document', async () => {
    const fromSeq = await importFzkSeq();
    const fromDocument = importCityJson(readFixture(FZK), { localOrigin: FZK_ORIGIN });
    expect(fromSeq.problems).toEqual([]);
    expect(fromSeq.buildings).toHaveLength(fromDocument.buildings.length);
    expect(fromSeq.buildings.map((b) => b.id).sort()).toEqual(fromDocument.buildings.map((b) => b.id).sort());
    const [seqFirst] = fromSeq.buildings;
    const documentFirst = fromDocument.buildings.find((b) => b.id === seqFirst?.id);
    expect(seqFirst?.surfaces.length).toBe(documentFirst?.surfaces.length);
    const [a, b] = [seqFirst?.surfaces[0]?.polygon[0]?.[0], documentFirst?.surfaces[0]?.polygon[0]?.[0]];
    expect(a && b && distanceM(a, b)).toBeLessThan(0.001);
  });

  itWithFixtures('reports a stream that names no CRS and imports nothing', async () => {
    const result = await importFzkSeq({ fileLabel: FZK_SEQ });
    expect(result.buildings).toEqual([]);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]?.message).toMatch(/names no CRS/);
  });

  it('keeps the first of two features with the same id and reports the second', async () => {
    const header = JSON.stringify({
      type: 'CityJSON',
      version: '2.0',
      transform: unitTransform,
      CityObjects: {},
      vertices: [],
    });
    const feature = (id: string, x: number) =>
      JSON.stringify({
        type: 'CityJSONFeature',
        id,
        CityObjects: { [id]: box(0, x) },
        vertices: boxVertices(x),
      });
    const result = await importCityJsonSeq(
      [header, feature('a', 0), '', feature('a', 50), feature('b', 100)],
      {
        localOrigin: FZK_ORIGIN,
        fileLabel: 'dup.jsonl',
      },
    );
    expect(result.buildings.map((b) => b.id)).toEqual(['a', 'b']);
    expect(result.problems).toEqual([
      expect.objectContaining({ objectId: 'a', message: expect.stringMatching(/more than once/) }),
    ]);
    // The first 'a' is the one at x = 0.
    expect(
      distanceM(result.buildings[0]?.footprint[0]?.[0]?.[0] ?? [0, 0], [FZK_ORIGIN.lon, FZK_ORIGIN.lat]),
    ).toBeLessThan(20);
  });

  it('reports a broken feature line by its line number and keeps the other features', async () => {
    const header = JSON.stringify({
      type: 'CityJSON',
      version: '2.0',
      transform: unitTransform,
      CityObjects: {},
      vertices: [],
    });
    const good = JSON.stringify({
      type: 'CityJSONFeature',
      id: 'a',
      CityObjects: { a: box(0, 0) },
      vertices: boxVertices(0),
    });
    const result = await importCityJsonSeq([header, '{"type":"CityJSONFeature",', good], {
      localOrigin: FZK_ORIGIN,
      fileLabel: 'broken.jsonl',
    });
    expect(result.buildings.map((b) => b.id)).toEqual(['a']);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]?.message).toMatch(
      /broken\.jsonl line 2 is not valid JSON at line 1, column 27/,
    );
  });
});

describeWithFixtures('importCityJson with several LoDs per building', () => {
  let text: string;
  beforeAll(() => {
    text = readFixture(MULTI_LOD);
  });

  it('takes the highest LoD (2.2) of each building', () => {
    const result = importCityJson(text, { crs: 'EPSG:28992', fileLabel: MULTI_LOD });
    expect(result.problems).toEqual([]);
    expect(result.sourceCrs).toBe('EPSG:28992');
    expect(result.buildings).toHaveLength(10);
    for (const building of result.buildings) {
      expect(building.lod).toBe(2);
      expect(building.surfaces.some((surface) => surface.kind === 'roof')).toBe(true);
      expect(building.footprint.length).toBeGreaterThan(0);
    }
  });

  it('reports a file without a CRS once and imports nothing', () => {
    const result = importCityJson(text, { fileLabel: MULTI_LOD });
    expect(result.buildings).toEqual([]);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatchObject({ file: MULTI_LOD });
    expect(result.problems[0]?.message).toMatch(/names no CRS.*--crs.*local origin/);
  });
});

describeWithFixtures('importCityJson with the textured Rotterdam subset', () => {
  let text: string;
  beforeAll(() => {
    text = readFixture(ROTTERDAM);
  });

  it('imports the 16 buildings in Rotterdam despite the missing texture images', () => {
    const result = importCityJson(text, { crs: 'EPSG:28992', fileLabel: ROTTERDAM });
    // The subset holds a few zero-area slivers (two points, each repeated); those alone are reported.
    expect(result.problems.length).toBeGreaterThan(0);
    for (const problem of result.problems)
      expect(problem.message).toMatch(/degenerate ring.*has [012] distinct point/);
    expect(result.buildings).toHaveLength(16);
    for (const building of result.buildings) {
      const points = building.footprint.flat(2);
      const lon = points.reduce((sum, p) => sum + p[0], 0) / points.length;
      const lat = points.reduce((sum, p) => sum + p[1], 0) / points.length;
      expect(lat).toBeGreaterThan(51.8);
      expect(lat).toBeLessThan(52.0);
      expect(lon).toBeGreaterThan(4.3);
      expect(lon).toBeLessThan(4.6);
      expect(building.lod).toBe(2);
    }
  });

  it('applies the transform: the first vertex lands where RD New puts it', () => {
    const document = JSON.parse(text) as {
      CityObjects: Record<string, { geometry: Array<{ boundaries: number[][][] }> }>;
      vertices: Array<[number, number, number]>;
      transform: { scale: [number, number, number]; translate: [number, number, number] };
    };
    const [firstId, firstObject] = Object.entries(document.CityObjects)[0] ?? [];
    const firstIndex = firstObject?.geometry[0]?.boundaries[0]?.[0]?.[0] ?? -1;
    const vertex = document.vertices[firstIndex] ?? [NaN, NaN, NaN];
    const { scale, translate } = document.transform;
    const [x, y, z] = vertex.map((v, axis) => v * (scale[axis] ?? NaN) + (translate[axis] ?? NaN));
    const expected = createReprojector('EPSG:28992')(x ?? NaN, y ?? NaN, z ?? NaN);

    const building = importCityJson(text, { crs: 'EPSG:28992' }).buildings.find((b) => b.id === firstId);
    const actual = building?.surfaces[0]?.polygon[0]?.[0];
    expect(actual).toBeDefined();
    expect(distanceM(actual ?? [0, 0], expected)).toBeLessThan(1);
    expect(actual?.[2]).toBeCloseTo(expected[2], 3);
  });
});

// A 10 m box per building in metres from a local origin: a tiny document for the failure paths.
const unitTransform = { scale: [1, 1, 1], translate: [0, 0, 0] };

function boxVertices(x: number): number[][] {
  return [
    [x, 0, 0],
    [x + 10, 0, 0],
    [x + 10, 10, 0],
    [x, 10, 0],
    [x, 0, 5],
    [x + 10, 0, 5],
    [x + 10, 10, 5],
    [x, 10, 5],
  ];
}

/** A box Solid whose vertex indices start at `base`; `x` only documents where its vertices lie. */
function box(base: number, x: number, extra: Record<string, unknown> = {}) {
  const i = (n: number) => base + n;
  return {
    type: 'Building',
    attributes: { measuredHeight: 5, note: `box at ${x}` },
    geometry: [
      {
        type: 'Solid',
        lod: '1',
        boundaries: [
          [
            [[i(0), i(3), i(2), i(1)]],
            [[i(4), i(5), i(6), i(7)]],
            [[i(0), i(1), i(5), i(4)]],
            [[i(1), i(2), i(6), i(5)]],
            [[i(2), i(3), i(7), i(6)]],
            [[i(3), i(0), i(4), i(7)]],
          ],
        ],
      },
    ],
    ...extra,
  };
}

function smallDocument(cityObjects: Record<string, unknown>, vertices: number[][]): string {
  return JSON.stringify({
    type: 'CityJSON',
    version: '2.0',
    transform: unitTransform,
    CityObjects: cityObjects,
    vertices,
  });
}

describe('importCityJson with bad input', () => {
  itWithFixtures('reports truncated JSON with the file and the position, and imports nothing', () => {
    const text = readFixture(MULTI_LOD).slice(0, 5000);
    const result = importCityJson(text, { crs: 'EPSG:28992', fileLabel: 'cut.json' });
    expect(result.buildings).toEqual([]);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]?.file).toBe('cut.json');
    expect(result.problems[0]?.message).toMatch(
      /cut\.json is not valid JSON at line \d+, column \d+ \(offset 5000\)/,
    );
  });

  it('skips an object that references a missing vertex and keeps the others', () => {
    const broken = box(8, 20);
    const firstShell = broken.geometry[0]?.boundaries[0];
    firstShell?.splice(0, 1, [[8, 11, 10, 99]]);
    const text = smallDocument({ good: box(0, 0), broken, alsoGood: box(16, 40) }, [
      ...boxVertices(0),
      ...boxVertices(20),
      ...boxVertices(40),
    ]);
    const result = importCityJson(text, { localOrigin: FZK_ORIGIN, fileLabel: 'small.json' });
    expect(result.buildings.map((b) => b.id)).toEqual(['good', 'alsoGood']);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatchObject({ file: 'small.json', objectId: 'broken' });
    expect(result.problems[0]?.message).toMatch(/vertex 99, out of range/);
  });

  it('drops a degenerate surface, keeps its object and says which surface', () => {
    const withBadSurface = box(0, 0);
    withBadSurface.geometry[0]?.boundaries[0]?.push([[0, 1, 0]]);
    const result = importCityJson(smallDocument({ a: withBadSurface }, boxVertices(0)), {
      localOrigin: FZK_ORIGIN,
    });
    expect(result.buildings[0]?.surfaces).toHaveLength(6);
    expect(result.problems).toEqual([
      expect.objectContaining({
        objectId: 'a',
        message: expect.stringMatching(/surface 6 ring 0 has 2 distinct point/),
      }),
    ]);
  });

  it('finds the footprint of a box without semantics at its lowest height', () => {
    const result = importCityJson(smallDocument({ a: box(0, 0) }, boxVertices(0)), {
      localOrigin: FZK_ORIGIN,
    });
    const building = result.buildings[0];
    expect(building?.lod).toBe(1);
    expect(building?.footprint).toHaveLength(1);
    expect(building?.footprint[0]?.[0]?.every((point) => Math.abs(point[2]) < 1e-9)).toBe(true);
    expect(building?.surfaces.every((surface) => surface.kind === 'other')).toBe(true);
  });

  it('links a BuildingPart to its parent and skips a geometry template with a problem', () => {
    const part = { ...box(0, 0), type: 'BuildingPart', parents: ['parent'] };
    const parent = {
      type: 'Building',
      children: ['part'],
      attributes: { function: '31001_1000', yearOfConstruction: 1965 },
      geometry: [{ type: 'GeometryInstance', template: 0, boundaries: [0], transformationMatrix: [] }],
    };
    const plainBox = box(0, 0);
    const templated = {
      ...plainBox,
      attributes: { usage: 'shop' },
      geometry: [...plainBox.geometry, { type: 'GeometryInstance', lod: '2', template: 0, boundaries: [0] }],
    };
    const result = importCityJson(
      smallDocument(
        { parent, part, templated, road: { type: 'Road' }, ext: { type: '+Noise' } },
        boxVertices(0),
      ),
      { localOrigin: FZK_ORIGIN },
    );
    expect(result.buildings.map((b) => [b.id, b.parentId])).toEqual([
      ['part', 'parent'],
      ['templated', undefined],
    ]);
    expect(result.buildings[1]?.use).toBe('shop');
    const messages = result.problems.map((p) => `${p.objectId ?? ''}: ${p.message}`);
    expect(messages).toEqual([
      expect.stringMatching(/^parent: geometry templates .* not supported/),
      expect.stringMatching(/^templated: geometry templates .* not supported/),
      expect.stringMatching(/^: 1 CityObject\(s\) of type Road ignored/),
      expect.stringMatching(/^: 1 CityObject\(s\) of extension type \+Noise ignored/),
    ]);
  });

  it('reports a declared CRS it does not know and imports nothing', () => {
    const text = JSON.stringify({
      type: 'CityJSON',
      version: '2.0',
      transform: unitTransform,
      metadata: { referenceSystem: 'https://www.opengis.net/def/crs/EPSG/0/2056' },
      CityObjects: { a: box(0, 0) },
      vertices: boxVertices(2_600_000),
    });
    const result = importCityJson(text, { fileLabel: 'swiss.json' });
    expect(result.buildings).toEqual([]);
    expect(result.problems[0]?.message).toMatch(/EPSG:2056 is not supported/);
  });
});
