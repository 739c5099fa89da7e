import { describe, expect, it } from 'vitest';
import type { BasemapMeta } from './tileGeometry.ts';
import { pixelTransform, sourceTileFor, tileBounds, tileUrl } from './tileGeometry.ts';

const META: BasemapMeta = {
  minzoom: 8,
  maxzoom: 16,
  regionMaxZoom: 13,
  bounds: [8.65, 48.52, 9.2, 48.82],
  detailBounds: [8.99, 48.667, 9.04, 48.706],
  extent: 4096,
  tileSize: 256,
  tiles: ['{z}/{x}/{y}.pbf'],
};
/** Tile of Böblingen's centre (9.015, 48.685) at zoom 16, and of a point in the Schönbuch. */
const CENTRE_Z16 = { z: 16, x: 34409, y: 22593 };
const FOREST_Z16 = { z: 16, x: 34424, y: 22617 };

describe('tileBounds', () => {
  it('gives the whole world for tile 0/0/0 and the north-west quarter for 1/0/0', () => {
    const world = tileBounds({ z: 0, x: 0, y: 0 });
    expect(world[0]).toBeCloseTo(-180, 9);
    expect(world[3]).toBeCloseTo(85.0511, 4);
    const quarter = tileBounds({ z: 1, x: 0, y: 0 });
    expect(quarter[2]).toBeCloseTo(0, 9);
    expect(quarter[1]).toBeCloseTo(0, 9);
  });
});

describe('sourceTileFor', () => {
  it('takes the tile itself within the data zooms', () => {
    expect(sourceTileFor(CENTRE_Z16, META)).toEqual(CENTRE_Z16);
  });

  it('draws tiles deeper than the data from their ancestor at the deepest zoom', () => {
    const z18 = { z: 18, x: CENTRE_Z16.x * 4 + 3, y: CENTRE_Z16.y * 4 + 1 };
    expect(sourceTileFor(z18, META)).toEqual(CENTRE_Z16);
  });

  it('draws deep tiles outside the detail area from the region zoom', () => {
    expect(sourceTileFor(FOREST_Z16, META)).toEqual({ z: 13, x: FOREST_Z16.x >> 3, y: FOREST_Z16.y >> 3 });
  });

  it('has nothing above the smallest zoom or outside the bounds', () => {
    expect(sourceTileFor({ z: 7, x: 67, y: 44 }, META)).toBeUndefined();
    expect(sourceTileFor({ z: 16, x: 0, y: 0 }, META)).toBeUndefined();
  });
});

describe('pixelTransform', () => {
  it('maps the tile extent onto the picture when source and target are one tile', () => {
    const t = pixelTransform(CENTRE_Z16, CENTRE_Z16, 4096, 256);
    expect(t).toEqual({ scale: 256 / 4096, offsetX: 0, offsetY: 0 });
  });

  it('scales and shifts the ancestor so the target quarter fills the picture', () => {
    const source = { z: 16, x: 10, y: 20 };
    const target = { z: 17, x: 21, y: 40 };
    const t = pixelTransform(target, source, 4096, 256);
    // The ancestor's right half, top half: x = 2048 is the picture's left edge.
    expect(2048 * t.scale + t.offsetX).toBeCloseTo(0, 9);
    expect(4096 * t.scale + t.offsetX).toBeCloseTo(256, 9);
    expect(0 * t.scale + t.offsetY).toBeCloseTo(0, 9);
    expect(2048 * t.scale + t.offsetY).toBeCloseTo(256, 9);
  });
});

describe('tileUrl', () => {
  it('fills the template relative to the basemap folder', () => {
    expect(tileUrl('/tiles/demo/basemap/', '{z}/{x}/{y}.pbf', { z: 14, x: 8602, y: 5648 })).toBe(
      '/tiles/demo/basemap/14/8602/5648.pbf',
    );
  });

  it('keeps absolute templates as they are', () => {
    expect(tileUrl('/x', '/other/{z}/{x}/{y}.pbf', { z: 1, x: 2, y: 3 })).toBe('/other/1/2/3.pbf');
  });
});
