import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { describe, expect, it } from 'vitest';
import { commandInteger, encodeGeometry, encodeVectorTile, zigzag } from './encodeVectorTile.ts';
import type { TileFeature } from './encodeVectorTile.ts';

function decode(bytes: Uint8Array): VectorTile {
  return new VectorTile(new PbfReader(bytes));
}

function xy(rings: { x: number; y: number }[][]): [number, number][][] {
  return rings.map((ring) => ring.map((p) => [p.x, p.y]));
}

describe('zigzag and commands', () => {
  it('zigzag-encodes signed integers as the spec lists them', () => {
    expect([0, -1, 1, -2, 2, 2047, -2048].map(zigzag)).toEqual([0, 1, 2, 3, 4, 4094, 4095]);
  });

  it('packs a command id and count into one integer', () => {
    expect(commandInteger(1, 1)).toBe(9);
    expect(commandInteger(2, 3)).toBe(26);
    expect(commandInteger(7, 1)).toBe(15);
  });

  it('writes the spec example of a line as the spec writes it', () => {
    // Vector tile spec 2.1, section 4.3.5.2: a line (2,2) (2,10) (10,10).
    const line: TileFeature = {
      type: 2,
      geometry: [
        [
          [2, 2],
          [2, 10],
          [10, 10],
        ],
      ],
      properties: {},
    };
    expect(encodeGeometry(line)).toEqual([9, 4, 4, 18, 0, 16, 16, 0]);
  });
});

describe('encodeVectorTile', () => {
  it('round-trips layers, ids, properties and points through @mapbox/vector-tile', () => {
    const bytes = encodeVectorTile([
      {
        name: 'places',
        features: [
          { id: 7, type: 1, geometry: [[[100, 200]]], properties: { name: 'Sindelfingen', rank: 2 } },
          { id: 8, type: 1, geometry: [[[300, 400]]], properties: { name: 'Böblingen', rank: 2, big: true } },
        ],
      },
      {
        name: 'roads',
        extent: 512,
        features: [
          {
            type: 2,
            geometry: [
              [
                [0, 0],
                [10, 5],
                [20, -3],
              ],
            ],
            properties: { name: 'Calwer Straße', class: 'primary', width: 12.5, layer: -1 },
          },
        ],
      },
    ]);
    const tile = decode(bytes);
    expect(Object.keys(tile.layers).sort()).toEqual(['places', 'roads']);
    const places = tile.layers.places;
    expect(places?.length).toBe(2);
    expect(places?.extent).toBe(4096);
    const second = places?.feature(1);
    expect(second?.id).toBe(8);
    expect(second?.type).toBe(1);
    expect(second?.properties).toEqual({ name: 'Böblingen', rank: 2, big: true });
    expect(xy(second?.loadGeometry() ?? [])).toEqual([[[300, 400]]]);
    const road = tile.layers.roads?.feature(0);
    expect(tile.layers.roads?.extent).toBe(512);
    expect(road?.id).toBeUndefined();
    expect(road?.properties).toEqual({ name: 'Calwer Straße', class: 'primary', width: 12.5, layer: -1 });
    expect(xy(road?.loadGeometry() ?? [])).toEqual([
      [
        [0, 0],
        [10, 5],
        [20, -3],
      ],
    ]);
  });

  it('writes exteriors clockwise and holes counter-clockwise whatever the input winding', () => {
    const outerCounterClockwise: [number, number][] = [
      [0, 0],
      [0, 100],
      [100, 100],
      [100, 0],
      [0, 0],
    ].reverse() as [number, number][];
    const holeClockwise: [number, number][] = [
      [20, 20],
      [80, 20],
      [80, 80],
      [20, 80],
      [20, 20],
    ];
    const bytes = encodeVectorTile([
      {
        name: 'water',
        features: [{ type: 3, geometry: [outerCounterClockwise, holeClockwise], properties: {} }],
      },
    ]);
    const feature = decode(bytes).layers.water?.feature(0);
    const geojson = feature?.toGeoJSON(0, 0, 0);
    // One polygon with one hole: the decoder classified the rings by their winding.
    expect(geojson?.geometry.type).toBe('Polygon');
    expect(geojson?.geometry.type === 'Polygon' ? geojson.geometry.coordinates.length : 0).toBe(2);
  });

  it('leaves out degenerate rings and returns no bytes when nothing is drawable', () => {
    const bytes = encodeVectorTile([
      {
        name: 'buildings',
        features: [
          {
            type: 3,
            geometry: [
              [
                [5, 5],
                [5, 5],
                [6, 6],
              ],
            ],
            properties: {},
          },
        ],
      },
    ]);
    expect(bytes.length).toBe(0);
  });

  it('shares one value-table entry among features with the same value', () => {
    const bytes = encodeVectorTile([
      {
        name: 'roads',
        features: [1, 2, 3].map((i) => ({
          id: i,
          type: 2 as const,
          geometry: [
            [
              [0, i],
              [50, i],
            ] as [number, number][],
          ],
          properties: { class: 'residential' },
        })),
      },
    ]);
    const text = new TextDecoder().decode(bytes);
    expect(text.split('residential').length - 1).toBe(1);
    const layer = decode(bytes).layers.roads;
    expect([0, 1, 2].map((i) => layer?.feature(i).properties.class)).toEqual([
      'residential',
      'residential',
      'residential',
    ]);
  });
});
