import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../../../../scripts/fixtures/fixturesDir.ts';
import { describeWithFixtures } from '../../../../scripts/fixtures/withFixtures.ts';
import { createReprojector } from '../crs.ts';
import type { ImportedBuilding } from '../importedBuilding.ts';
import { MAX_XML_DEPTH } from './cityGmlReader.ts';
import { importCityGml, importCityGmlFile, normaliseSrsName } from './importCityGml.ts';

// Real sample files, read in place and never copied into the project.
const FZK = fixture('citygml/fzk-iai-testcases-LOD2_Buildings_v200.gml');
const LGLN = fixture('citygml/lgln-niedersachsen-lorup-LoD1_24065860_2_2021-01-25.citygml1.0.gml');
const FZK_ORIGIN = { lon: 9.015, lat: 48.685 };

/** Rough distance in metres between two WGS84 points, for "lands near" checks. */
function distanceM(a: readonly [number, number], b: readonly [number, number]): number {
  const metresPerDegree = 111_320;
  const dx = (a[0] - b[0]) * metresPerDegree * Math.cos((a[1] * Math.PI) / 180);
  const dy = (a[1] - b[1]) * metresPerDegree;
  return Math.hypot(dx, dy);
}

function allPositions(building: ImportedBuilding): number[][] {
  return building.surfaces.flatMap((surface) => surface.polygon.flat());
}

const BUILDING_XML = (id: string, posList: string): string => `
  <cityObjectMember>
    <bldg:Building gml:id="${id}">
      <bldg:measuredHeight uom="m">5</bldg:measuredHeight>
      <bldg:lod1Solid><gml:Solid><gml:exterior><gml:CompositeSurface><gml:surfaceMember>
        <gml:Polygon><gml:exterior><gml:LinearRing>
          <gml:posList srsDimension="3">${posList}</gml:posList>
        </gml:LinearRing></gml:exterior></gml:Polygon>
      </gml:surfaceMember></gml:CompositeSurface></gml:exterior></gml:Solid></bldg:lod1Solid>
    </bldg:Building>
  </cityObjectMember>`;

const SQUARE = '407000 5862000 40 407010 5862000 40 407010 5862010 40 407000 5862010 40 407000 5862000 40';

function document(buildings: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<CityModel xmlns="http://www.opengis.net/citygml/2.0" xmlns:gml="http://www.opengis.net/gml"
  xmlns:bldg="http://www.opengis.net/citygml/building/2.0">
  <gml:boundedBy><gml:Envelope srsName="urn:adv:crs:ETRS89_UTM32*DE_DHHN92_NH" srsDimension="3">
    <gml:lowerCorner>407000 5862000 40</gml:lowerCorner><gml:upperCorner>407010 5862010 50</gml:upperCorner>
  </gml:Envelope></gml:boundedBy>${buildings}
</CityModel>`;
}

async function* chunksOf(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

describeWithFixtures('importCityGml: FZK LoD2 test buildings (CityGML 2.0, no CRS)', () => {
  let raw: string;
  let expectedCount: number;
  beforeAll(() => {
    raw = readFileSync(FZK, 'latin1');
    expectedCount = raw.split('<bldg:Building ').length - 1;
  });

  it('imports every building with its gml:id and measured height', async () => {
    const result = await importCityGmlFile(FZK, { localOrigin: FZK_ORIGIN });
    expect(expectedCount).toBe(100);
    expect(result.buildings).toHaveLength(expectedCount);
    expect(result.problems).toEqual([]);
    expect(result.sourceCrs).toBe('local');
    for (const building of result.buildings) {
      expect(building.id).toMatch(/^FZK_GUID_/);
      expect(building.heightM).toBeGreaterThan(0);
      expect(building.lod).toBe(2);
      expect(building.footprint.length).toBeGreaterThan(0);
    }
    const first = result.buildings[0];
    expect(first?.name).toBe('Testcase-0-0_LoD2');
    expect(first?.storeys).toBe(5);
    expect(first?.yearOfConstruction).toBe(1929);
    expect(first?.attributes.roofType).toBe('1030');
  });

  it('roof surfaces keep their slope', async () => {
    const result = await importCityGmlFile(FZK, { localOrigin: FZK_ORIGIN });
    const roofs = result.buildings.flatMap((b) => b.surfaces.filter((s) => s.kind === 'roof'));
    expect(roofs.length).toBeGreaterThan(0);
    const sloped = roofs.some((roof) => {
      const heights = roof.polygon.flat().map((position) => position[2]);
      return Math.max(...heights) - Math.min(...heights) > 1;
    });
    expect(sloped).toBe(true);
    const kinds = new Set(result.buildings.flatMap((b) => b.surfaces.map((s) => s.kind)));
    expect([...kinds].sort()).toEqual(['ground', 'roof', 'wall']);
  });

  it('places the local metres within 200 m of the given origin, rings closed', async () => {
    const result = await importCityGmlFile(FZK, { localOrigin: FZK_ORIGIN });
    for (const building of result.buildings) {
      expect(building.groundHeightM).toBeCloseTo(0, 6);
      for (const [lon, lat] of allPositions(building) as Array<[number, number]>) {
        expect(distanceM([lon, lat], [FZK_ORIGIN.lon, FZK_ORIGIN.lat])).toBeLessThan(200);
      }
      for (const surface of building.surfaces) {
        for (const ring of surface.polygon) expect(ring[0]).toEqual(ring[ring.length - 1]);
      }
    }
  });

  it('reports the missing CRS once and imports nothing without a local origin', async () => {
    const result = await importCityGmlFile(FZK, {});
    expect(result.buildings).toEqual([]);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]?.file).toBe(FZK);
    expect(result.problems[0]?.message).toContain('no CRS');
  });

  it('gives the same result for 1 KB byte chunks as for the whole text, with progress', async () => {
    const whole = await importCityGml(raw, { localOrigin: FZK_ORIGIN });
    const chunked = await importCityGml(chunksOf(readFileSync(FZK), 1024), { localOrigin: FZK_ORIGIN });
    expect(chunked).toEqual(whole);
    const progress: Array<[number, number]> = [];
    await importCityGmlFile(FZK, {
      localOrigin: FZK_ORIGIN,
      onProgress: (done, total) => progress.push([done, total]),
    });
    expect(progress.length).toBeGreaterThan(1);
    expect(progress[progress.length - 1]).toEqual([raw.length, raw.length]);
  });
});

describeWithFixtures('importCityGml: LGLN Lorup LoD1 tile (CityGML 1.0, compound URN)', () => {
  let raw: string;
  beforeAll(() => {
    raw = readFileSync(LGLN, 'utf8');
  });

  it('imports the 7 buildings and their part at LoD1 near Lorup', async () => {
    const result = await importCityGmlFile(LGLN, {});
    expect(result.problems).toEqual([]);
    expect(result.sourceCrs).toBe('EPSG:25832');
    const buildings = result.buildings.filter((b) => b.parentId === undefined);
    const parts = result.buildings.filter((b) => b.parentId !== undefined);
    expect(buildings).toHaveLength(7);
    expect(parts).toHaveLength(1);
    expect(buildings.map((b) => b.id)).toContain(parts[0]?.parentId);
    for (const building of result.buildings) {
      expect(building.lod === 1 || building.surfaces.length === 0).toBe(true);
      for (const [lon, lat] of allPositions(building) as Array<[number, number]>) {
        expect(Math.abs(lat - 52.9)).toBeLessThan(0.2);
        expect(Math.abs(lon - 7.6)).toBeLessThan(0.2);
      }
    }
    const first = result.buildings.find((b) => b.id === 'DENILD750000tr2k');
    expect(first?.use).toBe('31001_2000');
    expect(first?.heightM).toBeCloseTo(4.087, 3);
    expect(first?.groundHeightM).toBeCloseTo(41.292, 3);
    expect(first?.attributes.Gemeindeschluessel).toBe('03454033');
    expect(first?.footprint).toHaveLength(1);
  });

  it('lands a known building within 1 m of its UTM position', async () => {
    const match = /<gml:posList[^>]*>\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)/.exec(raw);
    expect(match).not.toBeNull();
    const [x, y, z] = [Number(match?.[1]), Number(match?.[2]), Number(match?.[3])];
    const [lon, lat] = createReprojector('EPSG:25832')(x, y, z);
    const result = await importCityGmlFile(LGLN, {});
    const first = result.buildings.find((b) => b.id === 'DENILD750000tr2k');
    const position = first?.surfaces[0]?.polygon[0]?.[0];
    expect(position).toBeDefined();
    expect(distanceM([position?.[0] ?? 0, position?.[1] ?? 0], [lon, lat])).toBeLessThan(1);
    expect(position?.[2]).toBeCloseTo(z, 6);
  });
});

describe('importCityGml: bad input', () => {
  it('returns the buildings before a truncation and names the line and column', async () => {
    const xml = document(BUILDING_XML('B1', SQUARE) + BUILDING_XML('B2', SQUARE));
    const cut = xml.slice(0, xml.indexOf('gml:id="B2"') + 40);
    const result = await importCityGml(cut, { fileLabel: 'cut.gml' });
    expect(result.buildings.map((b) => b.id)).toEqual(['B1']);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]?.file).toBe('cut.gml');
    expect(result.problems[0]?.message).toMatch(/malformed XML at line \d+, column \d+/);
  });

  it('stops at an element nested deeper than 256 levels, naming the limit and its line', async () => {
    const deep = '\n<deep>'.repeat(60_000) + '</deep>'.repeat(60_000);
    const xml = document(BUILDING_XML('B1', SQUARE) + deep + BUILDING_XML('B2', SQUARE));
    // CityModel is level 1, so the 256th <deep> is the first element too deep.
    let at = -1;
    for (let n = 0; n < 256; n += 1) at = xml.indexOf('<deep>', at + 1);
    const line = xml.slice(0, at).split('\n').length;
    const result = await importCityGml(xml, { fileLabel: 'deep.gml' });
    // Nothing after the refused element is read: B2 stays unread.
    expect(result.buildings.map((b) => b.id)).toEqual(['B1']);
    expect(result.problems).toEqual([
      {
        file: 'deep.gml',
        message: expect.stringContaining(
          `the XML nests elements deeper than 256 levels at line ${line};`,
        ) as string,
      },
    ]);
  });

  it('reads a building whose deepest element is exactly at the depth limit, and not one level deeper', async () => {
    // Unwrapped, the building's posList is at level 12 (CityModel 1, cityObjectMember 2, …).
    const wrapped = (levels: number) =>
      document('<wrapper>'.repeat(levels) + BUILDING_XML('B1', SQUARE) + '</wrapper>'.repeat(levels));
    const atLimit = await importCityGml(wrapped(MAX_XML_DEPTH - 12), {});
    expect(atLimit.problems).toEqual([]);
    expect(atLimit.buildings.map((b) => b.id)).toEqual(['B1']);
    const beyond = await importCityGml(wrapped(MAX_XML_DEPTH - 11), {});
    expect(beyond.buildings).toEqual([]);
    expect(beyond.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/^the XML nests elements deeper than 256 levels at line \d+;/),
    ]);
  });

  it('skips a polygon whose posList is not a multiple of the dimension, naming the building', async () => {
    const bad = BUILDING_XML('BAD', '1 2 3 4 5 6 7');
    const result = await importCityGml(document(BUILDING_XML('B1', SQUARE) + bad), { fileLabel: 'odd.gml' });
    expect(result.buildings.map((b) => b.id)).toEqual(['B1', 'BAD']);
    expect(result.buildings[1]?.surfaces).toEqual([]);
    expect(result.problems).toEqual([
      { file: 'odd.gml', objectId: 'BAD', message: expect.stringContaining('7 numbers') as string },
    ]);
  });

  it('skips a ring with fewer than 4 positions', async () => {
    const result = await importCityGml(document(BUILDING_XML('SHORT', '0 0 0 1 0 0 0 0 0')), {});
    expect(result.problems[0]?.objectId).toBe('SHORT');
    expect(result.problems[0]?.message).toContain('3 positions');
  });

  it('keeps the first of two buildings with the same gml:id', async () => {
    const result = await importCityGml(
      document(BUILDING_XML('SAME', SQUARE) + BUILDING_XML('SAME', SQUARE)),
      {},
    );
    expect(result.buildings).toHaveLength(1);
    expect(result.problems).toEqual([
      {
        file: 'CityGML input',
        objectId: 'SAME',
        message: expect.stringContaining('duplicate gml:id') as string,
      },
    ]);
  });

  it('reports coordinates that contradict the declared CRS and skips them', async () => {
    const local = '0 0 0 10 0 0 10 10 0 0 10 0 0 0 0';
    const result = await importCityGml(document(BUILDING_XML('LOCAL', local)), {});
    expect(result.buildings).toEqual([]);
    expect(result.problems[0]?.message).toContain('do not fit');
  });

  it('lets options.crs win over the file', async () => {
    const result = await importCityGml(document(BUILDING_XML('B1', SQUARE)), { crs: 'EPSG:25833' });
    expect(result.sourceCrs).toBe('EPSG:25833');
  });
});

describe('importCityGml: encoding', () => {
  it('decodes an ISO-8859-1 document fed as small byte chunks', async () => {
    const xml = document(BUILDING_XML('B1', SQUARE))
      .replace('encoding="UTF-8"', 'encoding="ISO-8859-1"')
      .replace('<bldg:measuredHeight', '<gml:name>Mühle</gml:name><bldg:measuredHeight');
    const bytes = Uint8Array.from(xml, (char) => char.charCodeAt(0));
    const result = await importCityGml(chunksOf(bytes, 7), {});
    expect(result.buildings[0]?.name).toBe('Mühle');
  });

  it('decodes a UTF-8 character split across two chunks', async () => {
    const xml = document(BUILDING_XML('B1', SQUARE)).replace(
      '<bldg:measuredHeight',
      '<gml:name>Mühle</gml:name><bldg:measuredHeight',
    );
    const bytes = new TextEncoder().encode(xml);
    const split = bytes.indexOf(0xc3) + 1;
    async function* twoChunks(): AsyncGenerator<Uint8Array> {
      yield bytes.subarray(0, split);
      yield bytes.subarray(split);
    }
    const result = await importCityGml(twoChunks(), {});
    expect(result.buildings[0]?.name).toBe('Mühle');
  });

  it('maps AdV CRS names to EPSG codes', () => {
    expect(normaliseSrsName('urn:adv:crs:ETRS89_UTM32*DE_DHHN92_NH')).toBe('EPSG:25832+5783');
    expect(normaliseSrsName('urn:adv:crs:ETRS89_UTM33*DE_DHHN2016_NH')).toBe('EPSG:25833+7837');
    expect(normaliseSrsName('urn:adv:crs:ETRS89_UTM32')).toBe('EPSG:25832');
    expect(normaliseSrsName('EPSG:25832')).toBe('EPSG:25832');
  });
});
