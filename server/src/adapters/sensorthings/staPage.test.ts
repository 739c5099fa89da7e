import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixture as fixturePath } from '../../../../scripts/fixtures/fixturesDir.ts';
import { describeWithFixtures, itWithFixtures } from '../../../../scripts/fixtures/withFixtures.ts';
import {
  collectDatastreams,
  geometryPoint,
  locationPoint,
  parseGeoJsonLocations,
  parseStaCollection,
  staId,
} from './staPage.ts';

// The real FROST samples, read by the tests that use them (skipped where the samples are missing).
function fixture(name: string): string {
  return readFileSync(fixturePath(`sensorthings/${name}`), 'utf8');
}
const expandedThing = (): unknown =>
  JSON.parse(fixture('frost-docs-thing-expand-datastreams-observations.json')) as unknown;
const geoJsonText = (): string => fixture('frost-tests-geoJsonResult.json');

describe('staId', () => {
  it('turns integer ids into strings and keeps UUID strings', () => {
    expect(staId(17)).toBe('17');
    expect(staId('2e8ed194-b198-11f0-a67c-63170af7411e')).toBe('2e8ed194-b198-11f0-a67c-63170af7411e');
    expect(staId(1.5)).toBeUndefined();
    expect(staId('')).toBeUndefined();
    expect(staId(null)).toBeUndefined();
  });
});

describe('parseStaCollection', () => {
  it('reads value, @iot.nextLink and @iot.count, with numeric and UUID ids', () => {
    const page = parseStaCollection(
      {
        '@iot.count': 27,
        '@iot.nextLink': 'http://server.de/FROST-Server/v1.1/Things?$top=2&$skip=2',
        value: [{ '@iot.id': 17, name: 'a' }, { '@iot.id': 'b1c0ffee-0000-4000-8000-000000000001' }],
      },
      'Things',
    );
    expect(page.items.map((i) => i.id)).toEqual(['17', 'b1c0ffee-0000-4000-8000-000000000001']);
    expect(page.items[0]?.body.name).toBe('a');
    expect(page.nextLink).toBe('http://server.de/FROST-Server/v1.1/Things?$top=2&$skip=2');
    expect(page.count).toBe(27);
    expect(page.problems).toEqual([]);
  });

  it('has no nextLink or count on the last page without $count', () => {
    const page = parseStaCollection(JSON.stringify({ value: [{ '@iot.id': 1 }] }), 'Datastreams');
    expect(page.items).toHaveLength(1);
    expect(page.nextLink).toBeUndefined();
    expect(page.count).toBeUndefined();
    expect(page.problems).toEqual([]);
  });

  it('keeps the good entities and names the bad ones', () => {
    const page = parseStaCollection(
      { value: [{ '@iot.id': 1 }, { name: 'no id' }, 'x', { '@iot.id': 2.5 }], '@iot.count': -1 },
      'Things',
    );
    expect(page.items.map((i) => i.id)).toEqual(['1']);
    expect(page.problems).toHaveLength(4);
    expect(page.problems[0]).toContain('Things: value[1]');
    expect(page.count).toBeUndefined();
  });

  itWithFixtures('reports invalid JSON and non-collections without throwing', () => {
    expect(parseStaCollection('{"value": [', 'Things').problems[0]).toContain('not JSON');
    expect(parseStaCollection(null, 'Things').problems).toHaveLength(1);
    expect(parseStaCollection({ value: {} }, 'Things').problems[0]).toContain('"value" is an object');
    expect(parseStaCollection(expandedThing(), 'Things').items).toEqual([]);
  });
});

describe('geometry and location points', () => {
  it('uses a Point as is and the vertex mean of lines and polygons', () => {
    expect(geometryPoint({ type: 'Point', coordinates: [9.1, 48.7, 300] })).toEqual([9.1, 48.7]);
    expect(
      geometryPoint({
        type: 'LineString',
        coordinates: [
          [4, 52],
          [8, 52],
        ],
      }),
    ).toEqual([6, 52]);
    expect(
      geometryPoint({
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [2, 0],
            [2, 2],
            [0, 2],
            [0, 0],
          ],
        ],
      }),
    ).toEqual([1, 1]);
    expect(geometryPoint({ type: 'Point', coordinates: [500000, 5400000] })).toBeUndefined();
    expect(geometryPoint({ type: 'Point' })).toBeUndefined();
  });

  it('reads a Location entity and its location GeoJSON', () => {
    expect(
      locationPoint({
        '@iot.id': 1,
        encodingType: 'application/geo+json',
        location: { type: 'Point', coordinates: [9.0, 48.68] },
      }),
    ).toEqual([9.0, 48.68]);
    expect(locationPoint({ type: 'Feature', geometry: { type: 'Point', coordinates: [1, 2] } })).toEqual([
      1, 2,
    ]);
    expect(locationPoint('nowhere')).toBeUndefined();
  });
});

describeWithFixtures('parseGeoJsonLocations on frost-tests-geoJsonResult.json', () => {
  let locations: ReturnType<typeof parseGeoJsonLocations>['locations'];
  let problems: ReturnType<typeof parseGeoJsonLocations>['problems'];
  beforeAll(() => {
    ({ locations, problems } = parseGeoJsonLocations(geoJsonText()));
  });

  it('reads all 8 Locations with their UUID ids', () => {
    expect(problems).toEqual([]);
    expect(locations).toHaveLength(8);
    expect(locations[0]).toEqual({
      id: '2e8ed194-b198-11f0-a67c-63170af7411e',
      name: 'Location 1.0',
      geometryType: 'Point',
      point: [8, 51],
    });
    expect(locations.map((l) => l.geometryType)).toEqual([
      'Point',
      'Point',
      'Point',
      'Point',
      'Polygon',
      'LineString',
      'LineString',
      'LineString',
    ]);
    expect(locations.map((l) => l.point.slice())).toContainEqual([8, 54]);
  });

  it('puts the polygon at the mean of its 3 distinct vertices and lines at their vertex mean', () => {
    const byName = new Map(locations.map((l) => [l.name, l]));
    const polygon = byName.get('Location 4');
    expect(polygon?.id).toBe('2ea447d6-b198-11f0-a67c-bf645a86068d');
    expect(polygon?.point[0]).toBeCloseTo(22 / 3, 10);
    expect(polygon?.point[1]).toBeCloseTo(158 / 3, 10);
    expect(byName.get('Location 5')?.point).toEqual([5, 52.5]);
    expect(byName.get('Location 6')?.point).toEqual([5.5, 52.5]);
    expect(byName.get('Location 7')?.point).toEqual([6, 52]);
  });

  it('names features without an id or geometry and rejects non-collections', () => {
    const broken = parseGeoJsonLocations({
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [1, 2] } },
        { type: 'Feature', properties: { '@iot.id': 'u-1' }, geometry: null },
      ],
    });
    expect(broken.locations).toEqual([]);
    expect(broken.problems).toHaveLength(2);
    expect(broken.problems[1]).toContain('u-1');
    expect(parseGeoJsonLocations('not json').problems[0]).toContain('not JSON');
    expect(parseGeoJsonLocations(expandedThing()).problems).toHaveLength(1);
  });
});

describe('collectDatastreams', () => {
  itWithFixtures(
    'flattens the fixture Thing (Datastreams/Observations expansion) into its 2 datastreams',
    () => {
      const { datastreams, nextLinks, problems } = collectDatastreams([expandedThing()]);
      expect(problems).toEqual([]);
      expect(nextLinks).toEqual([]);
      expect(datastreams).toEqual([
        { datastreamId: '19', name: 'Temperature measurement', thingId: '17', thingName: 'camping lantern' },
        { datastreamId: '21', name: 'Humidity measurement', thingId: '17', thingName: 'camping lantern' },
      ]);
    },
  );

  it('reads units, observed property, sensor and location, and reports a nested Datastreams nextLink', () => {
    const thing = {
      '@iot.id': 'c0ffee00-0000-4000-8000-00000000000a',
      name: 'Pegel Neckar',
      Locations: [{ '@iot.id': 5, location: { type: 'Point', coordinates: [9.2, 48.7] } }],
      Datastreams: [
        {
          '@iot.id': 'ds-1',
          name: 'Water level',
          unitOfMeasurement: { name: 'centimetre', symbol: 'cm', definition: 'ucum:cm' },
          ObservedProperty: { '@iot.id': 1, name: 'water level' },
          Sensor: { '@iot.id': 2, name: 'radar gauge' },
        },
        { name: 'no id' },
      ],
      'Datastreams@iot.nextLink': 'http://x/v1.1/Things(1)/Datastreams?$skip=1',
    };
    const { datastreams, nextLinks, problems } = collectDatastreams([thing, 42, { name: 'no id' }]);
    expect(datastreams).toEqual([
      {
        datastreamId: 'ds-1',
        name: 'Water level',
        unitSymbol: 'cm',
        observedProperty: 'water level',
        sensorName: 'radar gauge',
        thingId: 'c0ffee00-0000-4000-8000-00000000000a',
        thingName: 'Pegel Neckar',
        location: [9.2, 48.7],
      },
    ]);
    expect(nextLinks).toEqual([
      {
        thingId: 'c0ffee00-0000-4000-8000-00000000000a',
        property: 'Datastreams',
        nextLink: 'http://x/v1.1/Things(1)/Datastreams?$skip=1',
      },
    ]);
    expect(problems).toHaveLength(3);
  });

  it('falls back to a datastream observedArea and accepts parsed collection entities', () => {
    const page = parseStaCollection(
      {
        value: [
          {
            '@iot.id': 3,
            Datastreams: [
              {
                '@iot.id': 4,
                observedArea: {
                  type: 'Polygon',
                  coordinates: [
                    [
                      [9, 48],
                      [10, 48],
                      [10, 49],
                      [9, 49],
                      [9, 48],
                    ],
                  ],
                },
              },
            ],
          },
        ],
      },
      'Things',
    );
    const { datastreams } = collectDatastreams(page.items);
    expect(datastreams).toEqual([
      { datastreamId: '4', name: 'Datastream 4', thingId: '3', thingName: 'Thing 3', location: [9.5, 48.5] },
    ]);
  });

  it('reports a Thing whose Datastreams were not expanded', () => {
    expect(collectDatastreams([{ '@iot.id': 9 }]).problems).toEqual([
      'Thing 9: Datastreams were not expanded',
    ]);
  });
});
