import { VectorTile } from '@mapbox/vector-tile';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PbfReader } from 'pbf';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  BASEMAP_DIR,
  BASEMAP_JSON,
  buildBasemap,
  PLACES_JSON,
  readBasemapJson,
  tileOf,
  tilesCovering,
} from './buildBasemap.ts';

const LON = 9.015;
const LAT = 48.685;

function square(lon: number, lat: number, sizeDeg: number): number[][][] {
  return [
    [
      [lon, lat],
      [lon + sizeDeg, lat],
      [lon + sizeDeg, lat + sizeDeg],
      [lon, lat + sizeDeg],
      [lon, lat],
    ],
  ];
}

const ROADS = {
  type: 'FeatureCollection',
  features: [
    {
      type: 'Feature',
      properties: { id: 'r1', name: 'Calwer Straße', roadClass: 'primary' },
      geometry: {
        type: 'LineString',
        coordinates: [
          [LON - 0.004, LAT],
          [LON + 0.004, LAT],
        ],
      },
    },
    {
      type: 'Feature',
      properties: { id: 'r2', name: 'Amselweg', roadClass: 'residential' },
      geometry: {
        type: 'LineString',
        coordinates: [
          [LON, LAT - 0.003],
          [LON, LAT + 0.003],
        ],
      },
    },
  ],
};
const BUILDINGS = {
  type: 'FeatureCollection',
  features: [
    {
      type: 'Feature',
      properties: { id: 'b1' },
      geometry: { type: 'Polygon', coordinates: square(LON + 0.0005, LAT + 0.0005, 0.0002) },
    },
  ],
};
const LANDSCAPE = {
  type: 'FeatureCollection',
  features: [
    {
      type: 'Feature',
      properties: { id: 'p1', layer: 'places', name: 'Sindelfingen', class: 'town', rank: 2 },
      geometry: { type: 'Point', coordinates: [9.0028, 48.7133] },
    },
    {
      type: 'Feature',
      properties: { id: 'p2', layer: 'places', name: 'Altstadt', class: 'quarter', rank: 4 },
      geometry: { type: 'Point', coordinates: [9.016000049, 48.68546] },
    },
    {
      type: 'Feature',
      properties: { id: 'f1', layer: 'forest', name: 'Schönbuch', class: 'forest' },
      geometry: { type: 'Polygon', coordinates: square(9.0, 48.6, 0.05) },
    },
  ],
};

function decodeTile(bytes: Uint8Array): VectorTile {
  return new VectorTile(new PbfReader(bytes));
}

async function listTiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.filter((entry) => entry.endsWith('.pbf')).sort();
}

describe('tile arithmetic', () => {
  it('finds the tile of Böblingen at zoom 14', () => {
    // The slippy-map formula worked in Python: x = 8602.28, y = 5648.41.
    expect(tileOf(LON, LAT, 14)).toEqual({ x: 8602, y: 5648 });
  });

  it('covers bounds with every tile they touch', () => {
    const tiles = tilesCovering([LON - 0.01, LAT - 0.01, LON + 0.01, LAT + 0.01], 14);
    // Columns 8601-8602, rows 5647-5649.
    expect(tiles.length).toBe(6);
    expect(tiles).toContainEqual({ x: 8601, y: 5647 });
    expect(tiles).toContainEqual({ x: 8602, y: 5649 });
  });
});

describe('buildBasemap', () => {
  let root: string;
  let packDir: string;
  let cityOutDir: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'basemap-'));
    packDir = join(root, 'pack');
    cityOutDir = join(root, 'out');
    await import('node:fs/promises').then((fs) => fs.mkdir(packDir));
    await writeFile(join(packDir, 'roads.geojson'), JSON.stringify(ROADS));
    await writeFile(join(packDir, 'buildings.geojson'), JSON.stringify(BUILDINGS));
    await writeFile(join(packDir, 'landscape.geojson'), JSON.stringify(LANDSCAPE));
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('writes street tiles with names, classes and footprints at street zoom', async () => {
    const result = await buildBasemap({ packDir, cityOutDir, name: 'Test' });
    expect(result.status).toBe('built');
    const { x, y } = tileOf(LON + 0.0006, LAT + 0.0006, 16);
    const bytes = await readFile(join(cityOutDir, BASEMAP_DIR, '16', String(x), `${y}.pbf`));
    const tile = decodeTile(bytes);
    const roads = tile.layers.roads;
    const names = Array.from({ length: roads?.length ?? 0 }, (_, i) => roads?.feature(i).properties);
    expect(names).toContainEqual({ class: 'residential', name: 'Amselweg' });
    expect(tile.layers.buildings?.length).toBe(1);
    expect(tile.layers.buildings?.feature(0).type).toBe(3);
  });

  it('leaves footprints and side streets out of the small scales', async () => {
    await buildBasemap({ packDir, cityOutDir, name: 'Test' });
    // A tile of zoom 11 is drawn 512 pixels wide, where a 256-pixel map shows zoom 12.
    const { x, y } = tileOf(LON, LAT, 11);
    const tile = decodeTile(await readFile(join(cityOutDir, BASEMAP_DIR, '11', String(x), `${y}.pbf`)));
    expect(tile.layers.buildings).toBeUndefined();
    const roads = tile.layers.roads;
    const classes = Array.from({ length: roads?.length ?? 0 }, (_, i) => roads?.feature(i).properties.class);
    expect(classes).toEqual(['primary']);
    // One zoom deeper (shown at 13) the residential streets come in.
    const deeper = tileOf(LON, LAT, 12);
    const at12 = decodeTile(
      await readFile(join(cityOutDir, BASEMAP_DIR, '12', String(deeper.x), `${deeper.y}.pbf`)),
    );
    const classes12 = Array.from(
      { length: at12.layers.roads?.length ?? 0 },
      (_, i) => at12.layers.roads?.feature(i).properties.class,
    );
    expect(classes12).toContain('residential');
  });

  it('describes the build in basemap.json and writes no empty tiles', async () => {
    const result = await buildBasemap({ packDir, cityOutDir, name: 'Test', attribution: 'Demo' });
    const json = await readBasemapJson(cityOutDir);
    expect(json?.minzoom).toBe(8);
    expect(json?.maxzoom).toBe(16);
    expect(json?.tileSize).toBe(512);
    expect(json?.attribution).toBe('Demo');
    expect(json?.vector_layers.map((layer) => layer.id)).toEqual(['forest', 'buildings', 'roads', 'places']);
    const tiles = await listTiles(join(cityOutDir, BASEMAP_DIR));
    expect(tiles.length).toBe(result.tileCount);
    expect(json?.tileCount).toBe(result.tileCount);
    for (const tile of tiles) {
      const bytes = await readFile(join(cityOutDir, BASEMAP_DIR, tile));
      expect(Object.keys(decodeTile(bytes).layers).length, tile).toBeGreaterThan(0);
    }
  });

  it('writes the place names with rank, class and position to places.json, biggest first', async () => {
    await buildBasemap({ packDir, cityOutDir, name: 'Test' });
    const json = JSON.parse(await readFile(join(cityOutDir, BASEMAP_DIR, PLACES_JSON), 'utf8')) as unknown;
    expect(json).toEqual({
      places: [
        { name: 'Sindelfingen', rank: 2, class: 'town', lon: 9.0028, lat: 48.7133 },
        { name: 'Altstadt', rank: 4, class: 'quarter', lon: 9.016, lat: 48.68546 },
      ],
    });
  });

  it('keeps the place names in the tiles for search', async () => {
    await buildBasemap({ packDir, cityOutDir, name: 'Test' });
    const { x, y } = tileOf(9.0028, 48.7133, 10);
    const tile = decodeTile(await readFile(join(cityOutDir, BASEMAP_DIR, '10', String(x), `${y}.pbf`)));
    expect(tile.layers.places?.feature(0).properties).toEqual({
      name: 'Sindelfingen',
      rank: 2,
      class: 'town',
    });
  });

  it('skips the build when the sources are unchanged and rebuilds when one changes', async () => {
    await buildBasemap({ packDir, cityOutDir, name: 'Test' });
    expect((await buildBasemap({ packDir, cityOutDir, name: 'Test' })).status).toBe('up-to-date');
    const before = (await readBasemapJson(cityOutDir))?.sourceHash;
    await writeFile(
      join(packDir, 'buildings.geojson'),
      JSON.stringify({ type: 'FeatureCollection', features: [] }),
    );
    expect((await buildBasemap({ packDir, cityOutDir, name: 'Test' })).status).toBe('built');
    expect((await readBasemapJson(cityOutDir))?.sourceHash).not.toBe(before);
    const { x, y } = tileOf(LON + 0.0006, LAT + 0.0006, 16);
    const tile = decodeTile(await readFile(join(cityOutDir, BASEMAP_DIR, '16', String(x), `${y}.pbf`)));
    expect(tile.layers.buildings).toBeUndefined();
  });

  it('builds nothing for a pack without map files', async () => {
    const empty = join(root, 'empty');
    await import('node:fs/promises').then((fs) => fs.mkdir(empty));
    const result = await buildBasemap({ packDir: empty, cityOutDir, name: 'Empty' });
    expect(result.status).toBe('no-sources');
    expect(await readBasemapJson(cityOutDir)).toBeUndefined();
  });

  it('names a file that is not JSON', async () => {
    await writeFile(join(packDir, 'roads.geojson'), '{oops');
    await expect(buildBasemap({ packDir, cityOutDir, name: 'Test' })).rejects.toThrow(
      /roads\.geojson is not valid JSON/,
    );
    expect(BASEMAP_JSON).toBe('basemap.json');
  });
});
