import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Feature, FeatureCollection } from './buildingFeatures.ts';
import { parseBuildings } from './buildingFeatures.ts';
import type { TilesetTerrain } from './buildTileset.ts';
import { buildingBaseHeightM, buildTileset, isTilesetUpToDate } from './buildTileset.ts';
import { readBuildingTile } from './readBuildingTile.ts';

const LON0 = 9.015;
const LAT0 = 48.685;
const DEG_PER_M_LAT = 1 / 111_320;
const DEG_PER_M_LON = DEG_PER_M_LAT / Math.cos((LAT0 * Math.PI) / 180);

/** A 20 m x 10 m footprint at the origin, each corner with the given ground height (or none). */
function footprint(groundM?: readonly number[]): number[][] {
  const corners = [
    [0, 0],
    [20, 0],
    [20, 10],
    [0, 10],
  ].map(([e = 0, n = 0], i) => {
    const lonLat = [LON0 + e * DEG_PER_M_LON, LAT0 + n * DEG_PER_M_LAT];
    const heightM = groundM?.[i];
    return heightM === undefined ? lonLat : [...lonLat, heightM];
  });
  return [...corners, corners[0] ?? []];
}

function house(groundM?: readonly number[]): Feature {
  return {
    type: 'Feature',
    id: 'b1',
    properties: { id: 'b1', heightM: 9, use: 'residential', storeys: 3 },
    geometry: { type: 'Polygon', coordinates: [footprint(groundM)] },
  };
}

const collection = (feature: Feature): FeatureCollection => ({
  type: 'FeatureCollection',
  features: [feature],
});

/** A sloping DEM: 450 m at the origin, rising 1 m per 10 m east. */
const slope: TilesetTerrain = {
  demSha256: 'd'.repeat(64),
  groundAt: (lonDeg) => 450 + (lonDeg - LON0) / DEG_PER_M_LON / 10,
};

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** Lowest and highest up coordinate of the built building (glTF is y-up), metres. */
async function builtUpRange(feature: Feature, terrain?: TilesetTerrain): Promise<[number, number]> {
  const outDir = await mkdtemp(join(tmpdir(), 'tiles-terrain-'));
  dirs.push(outDir);
  await buildTileset({ buildings: collection(feature), outDir, ...(terrain ? { terrain } : {}) });
  const info = JSON.parse(await readFile(join(outDir, 'build-info.json'), 'utf8')) as {
    contentUris: string[];
  };
  const uri = info.contentUris[0] ?? '';
  const tile = await readBuildingTile(await readFile(join(outDir, uri)));
  return [tile.positionMin[1] ?? Number.NaN, tile.positionMax[1] ?? Number.NaN];
}

describe('parseBuildings ground height', () => {
  it('is the lowest height of the outline when every vertex has one', () => {
    const [building] = parseBuildings(collection(house([452.5, 454, 453.2, 452.9])));
    expect(building?.groundHeightM).toBe(452.5);
  });

  it('is absent when a vertex has none', () => {
    const feature = house([452.5, 454, 453.2, 452.9]);
    const ring = footprint([452.5, 454, 453.2, 452.9]);
    ring[1] = (ring[1] ?? []).slice(0, 2);
    const [building] = parseBuildings(
      collection({ ...feature, geometry: { type: 'Polygon', coordinates: [ring] } }),
    );
    expect(building?.groundHeightM).toBeUndefined();
  });
});

describe('buildingBaseHeightM', () => {
  const [withGround] = parseBuildings(collection(house([452.5, 454, 453.2, 452.9])));
  const [flat] = parseBuildings(collection(house()));

  it('is 0 without terrain, whatever the footprint says (decision 0002)', () => {
    if (!withGround) throw new Error('no building');
    expect(buildingBaseHeightM(withGround, undefined)).toBe(0);
  });

  it('keeps the footprint’s own ground with terrain (CityGML, CityJSON, the demo)', () => {
    if (!withGround) throw new Error('no building');
    expect(buildingBaseHeightM(withGround, slope)).toBe(452.5);
  });

  it('samples the DEM under a footprint without heights (OSM), taking the lowest corner', () => {
    if (!flat) throw new Error('no building');
    expect(buildingBaseHeightM(flat, slope)).toBeCloseTo(450, 6);
  });

  it('falls back to 0 off the DEM', () => {
    if (!flat) throw new Error('no building');
    expect(buildingBaseHeightM(flat, { demSha256: 'x', groundAt: () => null })).toBe(0);
  });
});

describe('buildTileset on terrain', () => {
  it('stands a building on its ground: foot at the lowest corner, roof 9 m above it', async () => {
    const [low, high] = await builtUpRange(house([452.5, 454, 453.2, 452.9]), slope);
    expect(low).toBeCloseTo(452.5, 1);
    expect(high).toBeCloseTo(461.5, 1);
  });

  it('stands an OSM footprint on the DEM', async () => {
    const [low] = await builtUpRange(house(), slope);
    expect(low).toBeCloseTo(450, 1);
  });

  it('keeps buildings on the ellipsoid without terrain, as before', async () => {
    const [low, high] = await builtUpRange(house([452.5, 454, 453.2, 452.9]));
    expect(low).toBeCloseTo(0, 1);
    expect(high).toBeCloseTo(9, 1);
  });

  it('is out of date when the DEM appears, changes or goes', async () => {
    const root = await mkdtemp(join(tmpdir(), 'tiles-terrain-'));
    dirs.push(root);
    const buildingsPath = join(root, 'buildings.geojson');
    const text = JSON.stringify(collection(house()));
    await writeFile(buildingsPath, text);
    const outDir = join(root, 'out');
    const sourceSha256 = createHash('sha256').update(text).digest('hex');
    await buildTileset({ buildings: collection(house()), outDir, sourceSha256, terrain: slope });
    expect(await isTilesetUpToDate(buildingsPath, outDir, { demSha256: slope.demSha256 })).toBe(true);
    expect(await isTilesetUpToDate(buildingsPath, outDir, { demSha256: 'e'.repeat(64) })).toBe(false);
    expect(await isTilesetUpToDate(buildingsPath, outDir, {})).toBe(false);
  });
});
