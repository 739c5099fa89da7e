import { describe, expect, it } from 'vitest';
import type { Sensor } from '../../../protocol/index.ts';
import type { BuildingFeature, CityPack, Position, RoadFeature } from '../../../protocol/packFeatures.ts';
import { addressOf, packSearchEntries } from './packSearchEntries.ts';

function road(id: string, name: string, coordinates: Position[]): RoadFeature {
  return {
    type: 'Feature',
    id,
    properties: { id, name, roadClass: 'residential', speedLimitKmh: 30, lanes: 2 },
    geometry: { type: 'LineString', coordinates },
  };
}

function building(id: string, extra: Record<string, unknown>, [lon, lat]: [number, number]): BuildingFeature {
  const d = 0.0001;
  return {
    type: 'Feature',
    id,
    properties: {
      id,
      heightM: 10,
      storeys: 3,
      use: 'residential',
      ...extra,
    } as BuildingFeature['properties'],
    geometry: {
      type: 'Polygon',
      coordinates: [
        [
          [lon - d, lat - d],
          [lon + d, lat - d],
          [lon + d, lat + d],
          [lon - d, lat + d],
          [lon - d, lat - d],
        ],
      ],
    },
  };
}

function sensor(
  id: string,
  kind: Sensor['kind'],
  name: string,
  object: Sensor['object'],
  visibility: Sensor['visibility'],
): Sensor {
  return {
    id,
    kind,
    name,
    position: [9.01, 48.68, 0],
    object,
    quantities: ['freeSpaces'],
    intervalMs: 60_000,
    thresholds: {},
    visibility,
    attributes: {},
  };
}

const PACK: Omit<CityPack, 'dir'> = {
  city: {
    id: 'testburg',
    name: 'Testburg',
    synthetic: true,
    centre: [9.0, 48.7],
    homeView: { lon: 9, lat: 48.7, heightM: 1000, headingDeg: 0, pitchDeg: -45 },
    crs: 'EPSG:4326',
    timezone: 'Europe/Berlin',
  },
  roads: {
    type: 'FeatureCollection',
    features: [
      road('r1', 'Calwer Straße', [
        [9.0, 48.7],
        [9.01, 48.7],
      ]),
      road('r2', 'Calwer Straße', [
        [9.01, 48.7],
        [9.02, 48.702],
      ]),
      road('r3', 'Seestraße', [
        [9.0, 48.71],
        [9.0, 48.72],
      ]),
    ],
  },
  buildings: {
    type: 'FeatureCollection',
    features: [
      building('b1', { street: 'Calwer Straße', houseNumber: '12' }, [9.005, 48.7001]),
      building(
        'b2',
        { name: 'Rathaus Testburg', street: 'Seestraße', houseNumber: '1', use: 'public' },
        [9.0, 48.715],
      ),
      building('b3', { name: 'Parkhaus See', use: 'parking' }, [9.001, 48.716]),
      building('b4', {}, [9.002, 48.717]),
    ],
  },
  basins: { type: 'FeatureCollection', features: [] },
  sensors: [
    sensor('parking-see', 'parking', 'Parkhaus See', { type: 'building', id: 'b3' }, 'public'),
    sensor('water-intern', 'water', 'Pegel Werkhof', { type: 'site', id: 'x' }, 'internal'),
  ],
  layers: [],
  groups: [],
  basemaps: [],
};

const byId = new Map(
  packSearchEntries(PACK, [{ id: 'p1', name: 'Altstadt', lon: 9.003, lat: 48.701, placeType: 'suburb' }]).map(
    (e) => [e.result.id, e],
  ),
);

describe('packSearchEntries', () => {
  it('has the town itself as a place at its centre', () => {
    expect(byId.get('place:city')?.result).toEqual({
      kind: 'place',
      id: 'place:city',
      label: 'Testburg',
      lon: 9.0,
      lat: 48.7,
    });
  });

  it('has the pack place points as places', () => {
    expect(byId.get('place:p1')?.result).toMatchObject({
      kind: 'place',
      label: 'Altstadt',
      sublabel: 'suburb',
    });
  });

  it('merges the segments of one street into one entry with their extent, its point on the street', () => {
    const street = byId.get('street:Calwer Straße')?.result;
    expect(street?.bbox).toEqual([9.0, 48.7, 9.02, 48.702]);
    expect([street?.lon, street?.lat]).toEqual([9.01, 48.7]);
    expect([...byId.keys()].filter((id) => id.startsWith('street:'))).toEqual([
      'street:Calwer Straße',
      'street:Seestraße',
    ]);
  });

  it('finds an unnamed building by its address, a named one by its name with the address below', () => {
    expect(byId.get('building:b1')?.result).toMatchObject({
      kind: 'address',
      label: 'Calwer Straße 12',
      buildingId: 'b1',
    });
    expect(byId.get('building:b1')?.result.lon).toBeCloseTo(9.005, 9);
    expect(byId.get('building:b2')?.result).toMatchObject({
      kind: 'building',
      label: 'Rathaus Testburg',
      sublabel: 'Seestraße 1',
    });
    expect(byId.get('building:b4')?.result).toMatchObject({ kind: 'building', label: 'b4' });
  });

  it('makes a parking sensor a garage standing for its building', () => {
    expect(byId.get('sensor:parking-see')?.result).toMatchObject({
      kind: 'garage',
      sensorId: 'parking-see',
      sensorKind: 'parking',
      buildingId: 'b3',
    });
    expect(byId.get('building:b3')?.shownAsSensorId).toBe('parking-see');
  });

  it('keeps a sensor visibility with its entry', () => {
    expect(byId.get('sensor:water-intern')?.visibility).toBe('internal');
    expect(byId.get('sensor:water-intern')?.result.kind).toBe('sensor');
  });
});

describe('addressOf', () => {
  it('reads the pack fields and the OSM fields of imported packs', () => {
    expect(addressOf({ street: 'Seestraße', houseNumber: '3a' })).toBe('Seestraße 3a');
    expect(addressOf({ 'addr:street': 'Poststraße', 'addr:housenumber': 7 })).toBe('Poststraße 7');
    expect(addressOf({ houseNumber: '3' })).toBeUndefined();
  });
});
