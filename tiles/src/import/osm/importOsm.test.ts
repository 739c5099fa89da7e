import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createReprojector } from '../crs.ts';
import type { ImportedBuilding, ImportResult } from '../importedBuilding.ts';
import { importOsm } from './importOsm.ts';
import { fixture } from '../../../../scripts/fixtures/fixturesDir.ts';
import { describeWithFixtures } from '../../../../scripts/fixtures/withFixtures.ts';

function readFixture(name: string): string {
  return readFileSync(fixture(`geojson/${name}`), 'utf8');
}

function byId(result: ImportResult, id: string): ImportedBuilding {
  const building = result.buildings.find((b) => b.id === id);
  if (!building) throw new Error(`no building ${id} in ${result.buildings.map((b) => b.id).join(', ')}`);
  return building;
}

function problemsOf(result: ImportResult, id: string): string[] {
  return result.problems.filter((p) => p.objectId === id).map((p) => p.message);
}

describeWithFixtures('importOsm with the overpass-turbo export of the BUGA 2019 site', () => {
  let text: string;
  beforeAll(() => {
    text = readFixture('heilbronn-buga2019-overpass-turbo-osm.geojson');
  });

  it('imports no building from a landuse polygon and reports one summary problem', () => {
    const result = importOsm(text, { fileLabel: 'BUGA.geojson' });
    expect(result.buildings).toEqual([]);
    expect(result.sourceCrs).toBe('EPSG:4326');
    expect(result.problems).toEqual([
      { file: 'BUGA.geojson', message: '1 feature without a building tag skipped' },
    ]);
  });

  it('reads the hand-added "height": "0.5" string once the polygon is tagged as a building', () => {
    const document = JSON.parse(text) as { features: Array<{ properties: Record<string, unknown> }> };
    for (const feature of document.features) feature.properties['building'] = 'yes';
    const result = importOsm(JSON.stringify(document));
    const building = byId(result, 'way/52984591');
    expect(building.heightM).toBeCloseTo(0.5, 12);
    expect(building.name).toBe('Bundesgartenschau 2019');
    expect(building.attributes['landuse']).toBe('brownfield');
    expect(building.attributes['heightEstimated']).toBeUndefined();
    expect(building.footprint[0]?.[0]?.[0]).toEqual([9.2064717, 49.1441445, 0]);
  });
});

describeWithFixtures('importOsm with the Esslingen parking polygons in EPSG:25832', () => {
  type Feature = {
    properties: Record<string, unknown>;
    geometry: { type: string; coordinates: number[][][] };
  };
  let text: string;
  let original: { features: Feature[] };
  let asBuildings: { features: Feature[] };
  let polygonCount: number;
  let emptyCount: number;
  beforeAll(() => {
    text = readFixture('esslingen-parking-polygons-epsg25832.geojson');
    original = JSON.parse(text) as { features: Feature[] };
    asBuildings = JSON.parse(text) as { features: Feature[] };
    for (const feature of asBuildings.features) feature.properties['building'] = 'parking';
    // Six features of the file are Polygons with empty coordinates: 244 polygons, not 250 features.
    polygonCount = original.features.filter(
      (f) => f.geometry.type === 'Polygon' && f.geometry.coordinates.length > 0,
    ).length;
    emptyCount = original.features.length - polygonCount;
  });

  it('reprojects every polygon from the legacy crs member into Esslingen am Neckar', () => {
    const result = importOsm(JSON.stringify(asBuildings));
    expect(polygonCount).toBe(244);
    expect(result.buildings).toHaveLength(polygonCount);
    expect(result.sourceCrs).toBe('EPSG:25832');
    expect(result.problems).toHaveLength(emptyCount);
    for (const problem of result.problems) expect(problem.message).toBe('polygon 0 has no rings: skipped');
    for (const building of result.buildings) {
      for (const [lon, lat, height] of building.footprint.flat(2)) {
        expect(lon).toBeGreaterThan(9.25);
        expect(lon).toBeLessThan(9.36);
        expect(lat).toBeGreaterThan(48.72);
        expect(lat).toBeLessThan(48.76);
        expect(height).toBe(0);
      }
    }
  });

  it('places a known vertex exactly where createReprojector puts it', () => {
    const result = importOsm(JSON.stringify(asBuildings));
    const [x, y] = original.features[0]?.geometry.coordinates[0]?.[0] ?? [];
    if (x === undefined || y === undefined) throw new Error('fixture has no first coordinate');
    const [lon, lat] = createReprojector('EPSG:25832')(x, y, 0);
    const vertex = byId(result, 'feature/0').footprint[0]?.[0]?.[0];
    expect(Math.abs((vertex?.[0] ?? NaN) - lon)).toBeLessThan(1e-9);
    expect(Math.abs((vertex?.[1] ?? NaN) - lat)).toBeLessThan(1e-9);
  });

  it('keeps the German property names as attributes', () => {
    const building = byId(importOsm(JSON.stringify(asBuildings)), 'feature/0');
    expect(building.attributes['Anzahl der Stellplätze']).toBe(2);
    expect(building.attributes['Frei für Parkausweis-Nr']).toBeUndefined();
    expect(building.use).toBe('parking');
  });

  it('lets options.crs win over the file', () => {
    const result = importOsm(JSON.stringify(asBuildings), { crs: 'EPSG:25833' });
    expect(result.sourceCrs).toBe('EPSG:25833');
    const lon = result.buildings[0]?.footprint[0]?.[0]?.[0]?.[0] ?? NaN;
    expect(lon).toBeGreaterThan(12);
  });

  it('imports nothing and says so when the CRS is unknown', () => {
    const result = importOsm(text.replace('EPSG::25832', 'EPSG::2056'), { fileLabel: 'es.geojson' });
    expect(result.buildings).toEqual([]);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]?.message).toMatch(/EPSG:2056 is not supported.*nothing imported/);
  });

  it('reports projected metres read as WGS84 instead of importing them', () => {
    const withoutCrs = { type: 'FeatureCollection', features: asBuildings.features.slice(0, 1) };
    const result = importOsm(JSON.stringify(withoutCrs));
    expect(result.buildings).toEqual([]);
    expect(problemsOf(result, 'feature/0')).toEqual([expect.stringMatching(/no WGS84 position/)]);
  });
});

/** A square footprint of side 0.0001° at (lon, lat) as Overpass nodes and a way. */
function squareWay(wayId: number, lon: number, lat: number, tags: Record<string, string>): object[] {
  const d = 0.0001;
  const corners: Array<[number, number]> = [
    [lon, lat],
    [lon + d, lat],
    [lon + d, lat + d],
    [lon, lat + d],
  ];
  const nodes = corners.map(([x, y], i) => ({ type: 'node', id: wayId * 10 + i, lon: x, lat: y }));
  const refs = nodes.map((n) => n.id);
  return [...nodes, { type: 'way', id: wayId, nodes: [...refs, refs[0]], tags }];
}

const geom = (points: Array<[lon: number, lat: number]>) => points.map(([lon, lat]) => ({ lat, lon }));

function overpassDocument(): object {
  return {
    version: 0.6,
    generator: 'Overpass API',
    elements: [
      ...squareWay(1, 9.2, 49.14, {
        building: 'house',
        height: '12 m',
        name: 'Haus am Markt',
        start_date: '~1890',
      }),
      ...squareWay(2, 9.201, 49.14, { building: 'yes', height: '12,5' }),
      ...squareWay(3, 9.202, 49.14, { building: 'yes', height: '40 ft' }),
      ...squareWay(4, 9.203, 49.14, { building: 'yes', height: 'tall', 'building:levels': '3' }),
      ...squareWay(5, 9.204, 49.14, {
        building: 'house',
        'building:levels': '2',
        'roof:shape': 'gabled',
        'roof:height': '3',
      }),
      ...squareWay(6, 9.205, 49.14, { building: 'garage' }),
      ...squareWay(7, 9.206, 49.14, { 'building:part': 'yes', min_height: '4', height: '10' }),
      {
        type: 'relation',
        id: 70,
        tags: { type: 'building', building: 'yes' },
        members: [
          { type: 'way', ref: 1, role: 'outline' },
          { type: 'way', ref: 7, role: 'part' },
        ],
      },
      // A bow-tie: the edges (0,0)-(1,1) and (1,0)-(0,1) cross.
      { type: 'node', id: 80, lon: 9.21, lat: 49.14 },
      { type: 'node', id: 81, lon: 9.2101, lat: 49.1401 },
      { type: 'node', id: 82, lon: 9.2101, lat: 49.14 },
      { type: 'node', id: 83, lon: 9.21, lat: 49.1401 },
      { type: 'way', id: 8, nodes: [80, 81, 82, 83, 80], tags: { building: 'yes', name: 'Fliege' } },
      { type: 'node', id: 90, lon: 9.22, lat: 49.15, tags: { building: 'yes' } },
      { type: 'node', id: 91, lon: 9.22, lat: 49.15, tags: { amenity: 'bench' } },
      // `out geom` style: the outer ring split over two member ways, a courtyard as inner ring.
      {
        type: 'relation',
        id: 100,
        tags: { type: 'multipolygon', building: 'apartments' },
        members: [
          {
            type: 'way',
            ref: 101,
            role: 'outer',
            geometry: geom([
              [9.23, 49.14],
              [9.231, 49.14],
              [9.231, 49.141],
            ]),
          },
          {
            type: 'way',
            ref: 102,
            role: 'outer',
            geometry: geom([
              [9.23, 49.14],
              [9.23, 49.141],
              [9.231, 49.141],
            ]),
          },
          {
            type: 'way',
            ref: 103,
            role: 'inner',
            geometry: geom([
              [9.2303, 49.1403],
              [9.2306, 49.1403],
              [9.2306, 49.1406],
              [9.2303, 49.1406],
              [9.2303, 49.1403],
            ]),
          },
        ],
      },
    ],
  };
}

describe('importOsm with Overpass API JSON', () => {
  const result = importOsm(JSON.stringify(overpassDocument()), { fileLabel: 'overpass.json' });

  it('reads height with units, decimal comma and feet', () => {
    expect(byId(result, 'way/1').heightM).toBe(12);
    expect(byId(result, 'way/2').heightM).toBe(12.5);
    expect(byId(result, 'way/3').heightM).toBeCloseTo(12.192, 9);
    expect(result.sourceCrs).toBe('EPSG:4326');
  });

  it('falls back to levels for an unreadable height and names the tag value', () => {
    expect(byId(result, 'way/4').heightM).toBe(9);
    expect(problemsOf(result, 'way/4')).toEqual([expect.stringContaining('height "tall"')]);
  });

  it('adds the roof height to levels × 3 m and keeps the roof shape and storeys', () => {
    const building = byId(result, 'way/5');
    expect(building).toMatchObject({
      heightM: 9,
      roofHeightM: 3,
      roofShape: 'gabled',
      storeys: 2,
      use: 'house',
    });
    expect(building.attributes['heightEstimated']).toBeUndefined();
  });

  it('estimates the height of an untagged garage from its type and marks it', () => {
    const building = byId(result, 'way/6');
    expect(building.heightM).toBe(3);
    expect(building.attributes['heightEstimated']).toBe(true);
  });

  it('keeps name, year and all tags of a way with nodes as a closed WGS84 footprint at height 0', () => {
    const building = byId(result, 'way/1');
    expect(building).toMatchObject({
      name: 'Haus am Markt',
      yearOfConstruction: 1890,
      lod: 0,
      groundHeightM: 0,
    });
    expect(building.surfaces).toEqual([]);
    expect(building.attributes).toEqual({
      building: 'house',
      height: '12 m',
      name: 'Haus am Markt',
      start_date: '~1890',
    });
    const ring = building.footprint[0]?.[0] ?? [];
    expect(ring).toHaveLength(5);
    expect(ring[0]).toEqual([9.2, 49.14, 0]);
    expect(ring[4]).toEqual(ring[0]);
  });

  it('imports a building:part on its own, linked to the outline of its building relation', () => {
    const part = byId(result, 'way/7');
    expect(part).toMatchObject({ parentId: 'way/1', heightM: 10, minHeightM: 4 });
    expect(part.attributes['part']).toBe(true);
  });

  it('joins a multipolygon split over several ways and keeps its courtyard as a hole', () => {
    const building = byId(result, 'relation/100');
    expect(building.footprint).toHaveLength(1);
    const [outer, courtyard] = building.footprint[0] ?? [];
    expect(outer).toHaveLength(5);
    expect(courtyard).toHaveLength(5);
    expect(courtyard?.[0]).toEqual([9.2303, 49.1403, 0]);
    expect(building.heightM).toBe(12);
    expect(building.attributes['heightEstimated']).toBe(true);
  });

  it('skips a self-intersecting bow-tie and a building mapped as a node, naming them', () => {
    expect(result.buildings.map((b) => b.id)).not.toContain('way/8');
    expect(problemsOf(result, 'way/8')).toEqual([expect.stringMatching(/intersects itself/)]);
    expect(problemsOf(result, 'node/90')).toEqual(['building mapped as a point: skipped']);
  });

  it('counts tagged non-building elements once and nothing else goes wrong', () => {
    expect(result.buildings).toHaveLength(8);
    expect(result.problems.filter((p) => p.objectId === undefined)).toEqual([
      { file: 'overpass.json', message: '1 feature without a building tag skipped' },
    ]);
    expect(result.problems).toHaveLength(4);
  });

  it('reports a way whose node is missing and an unclosed way as a line', () => {
    const elements = [
      { type: 'way', id: 1, nodes: [1, 2, 3, 1], tags: { building: 'yes' } },
      ...squareWay(2, 9.2, 49.14, { building: 'yes' }).map((e) =>
        'nodes' in e ? { ...e, nodes: [20, 21, 22, 23] } : e,
      ),
    ];
    const broken = importOsm(JSON.stringify({ elements }));
    expect(broken.buildings).toEqual([]);
    expect(problemsOf(broken, 'way/1')).toEqual([
      expect.stringContaining('node 1, which is not in the file'),
    ]);
    expect(problemsOf(broken, 'way/2')).toEqual([expect.stringContaining('building mapped as a line')]);
  });

  it('reports progress once per building candidate', () => {
    const calls: Array<[number, number]> = [];
    importOsm(JSON.stringify(overpassDocument()), { onProgress: (done, total) => calls.push([done, total]) });
    expect(calls.at(-1)).toEqual([9, 9]);
    expect(calls).toHaveLength(9);
  });
});

describe('importOsm with GeoJSON edge cases', () => {
  const square = [
    [9.2, 49.14],
    [9.2001, 49.14],
    [9.2001, 49.1401],
    [9.2, 49.1401],
    [9.2, 49.14],
  ];
  const feature = (id: string, properties: object, geometry: object) => ({
    type: 'Feature',
    id,
    properties,
    geometry,
  });
  const collection = (...features: object[]) => JSON.stringify({ type: 'FeatureCollection', features });

  it('reads osmtogeojson tags nested under properties.tags', () => {
    const result = importOsm(
      collection(
        feature(
          'way/1',
          { type: 'way', id: 1, tags: { building: 'church' }, relations: [] },
          { type: 'Polygon', coordinates: [square] },
        ),
      ),
    );
    expect(byId(result, 'way/1')).toMatchObject({
      use: 'church',
      heightM: 15,
      attributes: { building: 'church', heightEstimated: true },
    });
  });

  it('imports each polygon of a MultiPolygon and closes open rings', () => {
    const shifted = square.slice(0, 4).map(([x, y]) => [(x ?? 0) + 0.001, y ?? 0]);
    const result = importOsm(
      collection(
        feature(
          'relation/5',
          { building: 'yes' },
          { type: 'MultiPolygon', coordinates: [[square], [shifted]] },
        ),
      ),
    );
    const building = byId(result, 'relation/5');
    expect(building.footprint).toHaveLength(2);
    expect(building.footprint[1]?.[0]).toHaveLength(5);
    expect(building.footprint[1]?.[0]?.[4]).toEqual(building.footprint[1]?.[0]?.[0]);
  });

  it('skips buildings mapped as points or lines and rings that are too short or not finite', () => {
    const result = importOsm(
      collection(
        feature('node/1', { building: 'yes' }, { type: 'Point', coordinates: [9.2, 49.14] }),
        feature('way/2', { building: 'yes' }, { type: 'LineString', coordinates: square }),
        feature(
          'way/3',
          { building: 'yes' },
          { type: 'Polygon', coordinates: [[square[0], square[1], square[0]]] },
        ),
        feature(
          'way/4',
          { building: 'yes' },
          { type: 'Polygon', coordinates: [square.map(([x]) => [x, null])] },
        ),
      ).replace('[9.2001,49.1401]', '[1e999,49.1401]'),
    );
    expect(result.buildings).toEqual([]);
    expect(problemsOf(result, 'node/1')).toEqual(['building mapped as a point: skipped']);
    expect(problemsOf(result, 'way/2')).toEqual(['building mapped as a line: skipped']);
    expect(problemsOf(result, 'way/3')).toEqual([expect.stringContaining('fewer than the 4 a ring needs')]);
    expect(problemsOf(result, 'way/4')).toEqual([expect.stringContaining('non-finite')]);
  });

  it('keeps the first of two features with the same id', () => {
    const result = importOsm(
      collection(
        feature('way/1', { building: 'yes', name: 'first' }, { type: 'Polygon', coordinates: [square] }),
        feature('way/1', { building: 'yes', name: 'second' }, { type: 'Polygon', coordinates: [square] }),
      ),
    );
    expect(result.buildings.map((b) => b.name)).toEqual(['first']);
    expect(problemsOf(result, 'way/1')).toEqual([expect.stringContaining('duplicate id')]);
  });

  it('treats building=no as no building', () => {
    const result = importOsm(
      collection(feature('way/1', { building: 'no' }, { type: 'Polygon', coordinates: [square] })),
    );
    expect(result.buildings).toEqual([]);
    expect(result.problems.map((p) => p.message)).toEqual(['1 feature without a building tag skipped']);
  });

  it('names the file and the line and column of malformed JSON', () => {
    const result = importOsm('{\n  "type": "FeatureCollection",\n  "features": [}\n', {
      fileLabel: 'broken.geojson',
    });
    expect(result.buildings).toEqual([]);
    expect(result.problems).toEqual([
      { file: 'broken.geojson', message: expect.stringContaining('line 3, column 16') as string },
    ]);
    expect(result.problems[0]?.message).toContain('broken.geojson');
  });

  it('reports a document that is neither GeoJSON nor Overpass JSON', () => {
    const result = importOsm('[1, 2, 3]');
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]?.message).toMatch(/neither a GeoJSON FeatureCollection nor Overpass JSON/);
  });
});
