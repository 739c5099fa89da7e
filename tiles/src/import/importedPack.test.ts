import { describe, expect, it } from 'vitest';
import type { ImportedBuilding, LonLatHeight } from './importedBuilding.ts';
import { buildingProperties, DEFAULT_HEIGHT_M, importedPackFiles } from './importedPack.ts';

const square = (lon: number, lat: number, size: number, z = 0): LonLatHeight[] => [
  [lon, lat, z],
  [lon + size, lat, z],
  [lon + size, lat + size, z],
  [lon, lat + size, z],
  [lon, lat, z],
];

function building(overrides: Partial<ImportedBuilding> = {}): ImportedBuilding {
  return {
    id: 'b1',
    groundHeightM: 0,
    footprint: [[square(9, 48, 0.0001)]],
    surfaces: [],
    lod: 0,
    attributes: {},
    ...overrides,
  };
}

const meta = { cityId: 'test', sourceFileName: 'test.json' };
const features = (text: string | undefined) =>
  (JSON.parse(text ?? '') as { features: { id: string; geometry: { coordinates: number[][][] } }[] })
    .features;

describe('buildingProperties', () => {
  it('takes the height from the surfaces above the ground when none is given', () => {
    const roof = { kind: 'roof' as const, polygon: [square(9, 48, 0.0001, 112.5)] };
    const properties = buildingProperties(building({ groundHeightM: 100, surfaces: [roof], lod: 2 }));
    expect(properties).toMatchObject({ heightM: 12.5, storeys: 4, lod: 2 });
    expect(properties.heightEstimated).toBeUndefined();
  });

  it('derives the height from storeys, else uses the default and marks it estimated', () => {
    expect(buildingProperties(building({ storeys: 3 }))).toMatchObject({ heightM: 9, storeys: 3 });
    expect(buildingProperties(building())).toMatchObject({
      heightM: DEFAULT_HEIGHT_M,
      storeys: 2,
      heightEstimated: true,
      use: 'mixed',
    });
  });

  it('keeps the source use verbatim beside the mapped one', () => {
    expect(buildingProperties(building({ use: '31001_2463' }))).toMatchObject({
      use: 'parking',
      sourceUse: '31001_2463',
    });
  });
});

describe('importedPackFiles', () => {
  it('keeps the largest polygon of a multi-polygon footprint', () => {
    const pack = importedPackFiles(
      {
        buildings: [building({ footprint: [[square(9, 48, 0.0001)], [square(9.01, 48, 0.0003)]] })],
        problems: [],
        sourceCrs: 'EPSG:4326',
      },
      meta,
    );
    const [feature] = features(pack.files.get('buildings.geojson'));
    expect(feature?.geometry.coordinates[0]?.[0]).toEqual([9.01, 48]);
  });

  it('drops a building whose footprint is degenerate, with a problem, and writes no surfaces file', () => {
    const flat: LonLatHeight[] = [
      [9, 48, 0],
      [9.0001, 48, 0],
      [9, 48, 0],
      [9, 48, 0],
    ];
    const pack = importedPackFiles(
      {
        buildings: [building({ id: 'bad', footprint: [[flat]] }), building({ id: 'good' })],
        problems: [],
        sourceCrs: 'EPSG:4326',
      },
      meta,
    );
    expect(pack.buildingCount).toBe(1);
    expect(features(pack.files.get('buildings.geojson')).map((f) => f.id)).toEqual(['good']);
    expect(pack.problems.map((p) => `${p.objectId ?? ''}: ${p.message}`)).toEqual([
      'bad: footprint polygon 0 is degenerate (fewer than 3 distinct corners or no area): dropped',
      'bad: no valid footprint polygon: building skipped',
    ]);
    expect(pack.files.has('buildings.surfaces.jsonl')).toBe(false);
  });

  it('orients exterior rings counter-clockwise as RFC 7946 asks', () => {
    const clockwise = [...square(9, 48, 0.0001)].reverse();
    const pack = importedPackFiles(
      { buildings: [building({ footprint: [[clockwise]] })], problems: [], sourceCrs: 'EPSG:4326' },
      meta,
    );
    const ring = features(pack.files.get('buildings.geojson'))[0]?.geometry.coordinates[0] ?? [];
    expect(ring.slice(0, 3)).toEqual([
      [9, 48],
      [9.0001, 48],
      [9.0001, 48.0001],
    ]);
  });
});

describe('the home view', () => {
  const homeViewOf = (buildings: ImportedBuilding[]) => {
    const pack = importedPackFiles({ buildings, problems: [], sourceCrs: 'EPSG:4326' }, meta);
    return (JSON.parse(pack.files.get('city.json') ?? '') as { homeView: { heightM: number; lat: number } })
      .homeView;
  };

  it('comes close to a single house and rises with the extent of a town', () => {
    // About 11 m square: seen from 50 m up, not from hundreds of metres away.
    const house = homeViewOf([building()]);
    expect(house.heightM).toBe(50);
    // Two buildings 0.03° of latitude apart (about 3.3 km): the camera rises to keep both in view.
    const town = homeViewOf([building(), building({ id: 'b2', footprint: [[square(9, 48.03, 0.0001)]] })]);
    expect(town.heightM).toBeGreaterThan(2500);
    expect(town.lat).toBeLessThan(48);
  });
});

describe('importedPackFiles footprint ground heights (decision 0013)', () => {
  const ring = (text: string | undefined) => features(text)[0]?.geometry.coordinates[0] ?? [];

  it('writes 2D footprints when the pack has no terrain', () => {
    const pack = importedPackFiles({ buildings: [building()], problems: [], sourceCrs: 'EPSG:4326' }, meta);
    expect(ring(pack.files.get('buildings.geojson')).every((position) => position.length === 2)).toBe(true);
  });

  it('samples OSM footprints from the DEM at every vertex, to the centimetre', () => {
    const groundAt = (lonDeg: number, latDeg: number) => 400 + (lonDeg - 9) * 10_000 + (latDeg - 48) * 1_000;
    const pack = importedPackFiles(
      { buildings: [building()], problems: [], sourceCrs: 'EPSG:4326' },
      { ...meta, footprintGround: { from: 'dem', groundAt } },
    );
    const positions = ring(pack.files.get('buildings.geojson'));
    expect(positions).toHaveLength(5);
    for (const [lon = 0, lat = 0, heightM] of positions) {
      expect(heightM).toBeCloseTo(groundAt(lon, lat), 2);
    }
    expect(positions[0]).toEqual(positions[4]);
  });

  it('leaves a vertex off the DEM without a height rather than inventing one', () => {
    const pack = importedPackFiles(
      { buildings: [building()], problems: [], sourceCrs: 'EPSG:4326' },
      { ...meta, footprintGround: { from: 'dem', groundAt: (lonDeg) => (lonDeg > 9 ? null : 410) } },
    );
    expect(ring(pack.files.get('buildings.geojson')).map((position) => position[2])).toEqual([
      410,
      undefined,
      undefined,
      410,
      410,
    ]);
  });

  it('keeps a CityGML or CityJSON building on its own ground height', () => {
    const pack = importedPackFiles(
      { buildings: [building({ groundHeightM: 431.204 })], problems: [], sourceCrs: 'EPSG:25832' },
      { ...meta, footprintGround: { from: 'source' } },
    );
    expect(ring(pack.files.get('buildings.geojson')).map((position) => position[2])).toEqual([
      431.2, 431.2, 431.2, 431.2, 431.2,
    ]);
  });
});
