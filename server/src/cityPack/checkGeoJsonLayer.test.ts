import { describe, expect, it } from 'vitest';
import { BASINS_SPEC, BUILDINGS_SPEC, ROADS_SPEC, checkGeoJsonLayer } from './checkGeoJsonLayer.ts';
import { formatProblem } from './cityPackProblem.ts';

const ring = [
  [9.01, 48.68],
  [9.0101, 48.68],
  [9.0101, 48.6801],
  [9.01, 48.68],
];

function building(id: string, properties: Record<string, unknown> = {}) {
  return {
    type: 'Feature',
    id,
    properties: { id, heightM: 9.5, storeys: 2, use: 'residential', ...properties },
    geometry: { type: 'Polygon', coordinates: [ring] },
  };
}

function problemsOf(spec: typeof BUILDINGS_SPEC, value: unknown): string[] {
  return checkGeoJsonLayer(spec, Object.freeze(value)).problems.map(formatProblem);
}

describe('checkGeoJsonLayer', () => {
  it('accepts a valid layer and indexes its features by id', () => {
    const check = checkGeoJsonLayer(BUILDINGS_SPEC, {
      type: 'FeatureCollection',
      features: [building('b1'), building('b2', { name: 'Rathaus' })],
    });
    expect(check.problems).toEqual([]);
    expect([...check.featuresById.keys()]).toEqual(['b1', 'b2']);
  });

  it('accepts the optional properties of imported buildings and checks their types', () => {
    const imported = {
      sourceUse: '31001_1000',
      yearOfConstruction: 1929,
      roofShape: 'gabled',
      lod: 2,
      parentId: 'b0',
      heightEstimated: true,
    };
    expect(
      problemsOf(BUILDINGS_SPEC, { type: 'FeatureCollection', features: [building('b1', imported)] }),
    ).toEqual([]);
    const wrong = { sourceUse: 31001, yearOfConstruction: 1929.5, lod: 4, heightEstimated: 'yes' };
    expect(
      problemsOf(BUILDINGS_SPEC, { type: 'FeatureCollection', features: [building('b1', wrong)] }),
    ).toEqual([
      'buildings.geojson: feature 0 (b1): properties.sourceUse must be a non-empty string, got 31001',
      'buildings.geojson: feature 0 (b1): properties.yearOfConstruction must be an integer, got 1929.5',
      'buildings.geojson: feature 0 (b1): properties.lod must be an integer from 0 to 3, got 4',
      'buildings.geojson: feature 0 (b1): properties.heightEstimated must be a boolean, got "yes"',
    ]);
  });

  it('rejects a file that is not a FeatureCollection', () => {
    expect(problemsOf(BUILDINGS_SPEC, [building('b1')])).toEqual([
      `buildings.geojson: must be a GeoJSON FeatureCollection, got ${JSON.stringify([building('b1')]).slice(0, 57)}...`,
    ]);
    expect(problemsOf(ROADS_SPEC, { type: 'Feature' })).toEqual([
      'roads.geojson: must be a GeoJSON FeatureCollection, got an object of type "Feature"',
    ]);
  });

  it('accepts a legacy crs member that names WGS84 (CRS84)', () => {
    const value = {
      type: 'FeatureCollection',
      crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:OGC:1.3:CRS84' } },
      features: [building('b1')],
    };
    expect(problemsOf(BUILDINGS_SPEC, value)).toEqual([]);
  });

  it('names a crs member it does not know by its value', () => {
    const value = {
      type: 'FeatureCollection',
      crs: { type: 'name', properties: { name: 'EPSG:31467' } },
      features: [],
    };
    expect(problemsOf(BUILDINGS_SPEC, value)[0]).toContain(
      'says "EPSG:31467", that is EPSG:31467 (DHDN / Gauss-Krüger zone 3, metres), not WGS84',
    );
  });

  it('turns a ring that makes geojson-validation throw into a problem instead of a crash', () => {
    const broken = { ...building('b1'), geometry: { type: 'Polygon', coordinates: [[]] } };
    const problems = problemsOf(BUILDINGS_SPEC, { type: 'FeatureCollection', features: [broken] });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^buildings\.geojson: feature 0 \(b1\): geometry: is malformed \(.+\)$/);
  });

  it('reports a feature without properties and one that is not an object', () => {
    const noProperties = { type: 'Feature', id: 'r1', geometry: { type: 'LineString', coordinates: ring } };
    expect(problemsOf(ROADS_SPEC, { type: 'FeatureCollection', features: [noProperties, 7] })).toEqual([
      'roads.geojson: feature 0 (r1): must have a member with the name "properties"',
      'roads.geojson: feature 0 (r1): properties must be an object, got nothing',
      'roads.geojson: feature 1 (no id): must be a GeoJSON Feature object, got 7',
    ]);
  });

  it('checks the property rules of each layer', () => {
    const basin = {
      type: 'Feature',
      id: 'basin-a',
      properties: { id: 'basin-a', name: '', maxLevelCm: -1 },
      geometry: { type: 'Polygon', coordinates: [ring] },
    };
    expect(problemsOf(BASINS_SPEC, { type: 'FeatureCollection', features: [basin] })).toEqual([
      'basins.geojson: feature 0 (basin-a): properties.name must be a non-empty string, got ""',
      'basins.geojson: feature 0 (basin-a): properties.maxLevelCm must be a positive number, got -1',
      'basins.geojson: feature 0 (basin-a): properties.volumeM3 is missing (must be a positive number)',
    ]);
    const odd = building('b1', { storeys: 2.5, use: 'castle' });
    expect(problemsOf(BUILDINGS_SPEC, { type: 'FeatureCollection', features: [odd] })).toEqual([
      'buildings.geojson: feature 0 (b1): properties.storeys must be an integer of at least 1, got 2.5',
      'buildings.geojson: feature 0 (b1): properties.use must be one of "residential", "mixed", "commercial", "industrial", "public", "school", "parking", got "castle"',
    ]);
  });
});
