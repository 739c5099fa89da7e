import { describe, expect, it } from 'vitest';
import { basemapFeatures, boundsOf, readGeometry, roadClassOf } from './basemapSources.ts';

describe('roadClassOf', () => {
  it('maps pack and OpenStreetMap classes to the basemap classes', () => {
    expect(
      [
        'motorway_link',
        'trunk',
        'primary',
        'secondary',
        'tertiary',
        'residential',
        'service',
        'footway',
        'unclassified',
        undefined,
      ].map(roadClassOf),
    ).toEqual([
      'motorway',
      'motorway',
      'primary',
      'secondary',
      'tertiary',
      'residential',
      'service',
      'path',
      'residential',
      'residential',
    ]);
  });
});

describe('readGeometry', () => {
  it('winds polygon exteriors counter-clockwise and holes clockwise (RFC 7946)', () => {
    const clockwise = [
      [0, 0],
      [0, 1],
      [1, 1],
      [1, 0],
      [0, 0],
    ];
    const geometry = readGeometry({ type: 'Polygon', coordinates: [clockwise, clockwise] });
    expect(geometry?.type).toBe('Polygon');
    const rings = geometry?.type === 'Polygon' ? geometry.coordinates : [];
    expect(rings[0]).toEqual([...clockwise].reverse());
    expect(rings[1]).toEqual(clockwise);
  });

  it('drops heights and refuses broken coordinates', () => {
    expect(readGeometry({ type: 'Point', coordinates: [9, 48, 400] })).toEqual({
      type: 'Point',
      coordinates: [9, 48],
    });
    expect(readGeometry({ type: 'LineString', coordinates: [[9, 48]] })).toBeUndefined();
    expect(
      readGeometry({
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            ['a', 1],
          ],
        ],
      }),
    ).toBeUndefined();
    expect(readGeometry(null)).toBeUndefined();
  });
});

describe('basemapFeatures', () => {
  it('puts each source in its layer with the zoom it shows from', () => {
    const features = basemapFeatures({
      roads: {
        features: [
          {
            properties: { name: 'Amselweg', roadClass: 'residential' },
            geometry: {
              type: 'LineString',
              coordinates: [
                [9, 48],
                [9.001, 48],
              ],
            },
          },
        ],
      },
      basins: {
        features: [
          {
            properties: { id: 'basin-1' },
            geometry: {
              type: 'Polygon',
              coordinates: [
                [
                  [9, 48],
                  [9.001, 48],
                  [9.001, 48.001],
                  [9, 48],
                ],
              ],
            },
          },
        ],
      },
      landscape: {
        features: [
          {
            properties: { layer: 'places', name: 'Holzgerlingen', rank: 3 },
            geometry: { type: 'Point', coordinates: [9.01, 48.64] },
          },
          {
            properties: { layer: 'roads', name: 'A 81', ref: 'A 81', class: 'motorway' },
            geometry: {
              type: 'LineString',
              coordinates: [
                [9, 48],
                [9.1, 48.1],
              ],
            },
          },
          { properties: { layer: 'unknown' }, geometry: { type: 'Point', coordinates: [9, 48] } },
        ],
      },
    });
    expect(features.map((f) => [f.layer, f.minZoom, f.properties])).toEqual([
      ['places', 10, { name: 'Holzgerlingen', rank: 3, class: 'place' }],
      ['roads', 0, { class: 'motorway', ref: 'A 81', name: 'A 81' }],
      ['water', 14, { class: 'basin' }],
      ['roads', 13, { class: 'residential', name: 'Amselweg' }],
    ]);
    expect(boundsOf(features)).toEqual([9, 48, 9.1, 48.64]);
  });
});
