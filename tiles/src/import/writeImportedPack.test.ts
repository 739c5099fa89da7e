import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { CityManifestSchema } from '../../../protocol/index.ts';
import { fixture } from '../../../scripts/fixtures/fixturesDir.ts';
import { describeWithFixtures } from '../../../scripts/fixtures/withFixtures.ts';
import { loadCityPack } from '../../../server/src/cityPack/loadCityPack.ts';
import { writeImportedPack } from './writeImportedPack.ts';

// Real sample files, read in place and never copied into the project.
const FZK_GML = fixture('citygml/fzk-iai-testcases-LOD2_Buildings_v200.gml');
const FZK_CITYJSON = fixture('cityjson/fzk-iai-testcases-lod2_buildings.cityjson2.0.json');
const LORUP_GML = fixture('citygml/lgln-niedersachsen-lorup-LoD1_24065860_2_2021-01-25.citygml1.0.gml');
const ESSLINGEN = fixture('geojson/esslingen-parking-polygons-epsg25832.geojson');
const ORIGIN = { lon: 9.015, lat: 48.685 };

const tempDirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'citytwin-import-'));
  tempDirs.push(dir);
  return dir;
}
afterEach(async () => {
  await Promise.all(tempDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describeWithFixtures('writeImportedPack', () => {
  it('writes the FZK CityGML LoD2 test buildings as a pack the server loads', async () => {
    const outDir = await tempDir();
    const result = await writeImportedPack({ file: FZK_GML, cityId: 'fzk', origin: ORIGIN, outDir });
    expect(result).toMatchObject({
      format: 'citygml',
      sourceCrs: 'local',
      buildingCount: 100,
      lod2Count: 100,
    });
    const surfaces = (await readFile(join(outDir, 'buildings.surfaces.jsonl'), 'utf8')).trimEnd().split('\n');
    expect(surfaces).toHaveLength(100);
    const line = JSON.parse(surfaces[0] ?? '') as { id: string; lod: number; surfaces: { kind: string }[] };
    expect(line.lod).toBe(2);
    expect(line.surfaces.map((s) => s.kind)).toContain('roof');

    const pack = await loadCityPack(outDir);
    expect(pack.buildings.features).toHaveLength(100);
    expect(pack.city).toMatchObject({ id: 'fzk', name: 'fzk', synthetic: false, crs: 'EPSG:4326' });
    expect(pack.city.attribution).toBe('Imported from fzk-iai-testcases-LOD2_Buildings_v200.gml');
    expect(pack.city.homeView.pitchDeg).toBe(-35);
    expect(pack.city.homeView.lat).toBeLessThan(pack.city.centre[1]);
    expect(pack.city.centre[0]).toBeCloseTo(9.0157, 3);
    expect(pack.layers).toEqual([
      expect.objectContaining({ id: 'buildings', type: 'tileset', url: '/tiles/fzk/tileset.json' }),
    ]);
    expect(pack.roads.features).toEqual([]);
    expect(pack.sensors).toEqual([]);
    const first = pack.buildings.features[0];
    expect(first?.id).toBe(line.id);
    expect(first?.properties).toMatchObject({ heightM: 11, storeys: 5, lod: 2, yearOfConstruction: 1929 });
    expect(first?.properties.roofShape).toBe('gabled');
    expect(first?.geometry.coordinates[0]?.[0]).toHaveLength(2);
  });

  it('writes byte-identical files when run twice', async () => {
    const [a, b] = [await tempDir(), await tempDir()];
    await writeImportedPack({ file: FZK_GML, cityId: 'fzk', origin: ORIGIN, outDir: a });
    await writeImportedPack({ file: FZK_GML, cityId: 'fzk', origin: ORIGIN, outDir: b });
    const names = (await readdir(a)).sort();
    expect(names).toEqual([
      'basins.geojson',
      'buildings.geojson',
      'buildings.surfaces.jsonl',
      'city.json',
      'layers.json',
      'roads.geojson',
      'sensors.json',
    ]);
    for (const name of names)
      expect(await readFile(join(b, name), 'utf8')).toBe(await readFile(join(a, name), 'utf8'));
  });

  it('places the Lorup CityGML 1.0 LoD1 buildings and the building part in Lower Saxony', async () => {
    const outDir = await tempDir();
    const result = await writeImportedPack({ file: LORUP_GML, cityId: 'lorup', name: 'Lorup', outDir });
    expect(result.sourceCrs).toBe('EPSG:25832');
    expect([7, 8]).toContain(result.buildingCount);
    expect(result.lod2Count).toBe(0);
    const pack = await loadCityPack(outDir);
    expect(pack.city.name).toBe('Lorup');
    expect(pack.city.centre[0]).toBeCloseTo(7.6, 1);
    expect(pack.city.centre[1]).toBeCloseTo(52.9, 1);
    const part = pack.buildings.features.find((f) => f.properties.parentId !== undefined);
    expect(part?.properties.lod).toBe(1);
    const coded = pack.buildings.features.find((f) => f.properties.sourceUse === '31001_2000');
    expect(coded?.properties.use).toBe('commercial');
  });

  it('gives the CityJSON FZK file the same building ids as the CityGML one', async () => {
    const [gmlDir, jsonDir] = [await tempDir(), await tempDir()];
    await writeImportedPack({ file: FZK_GML, cityId: 'fzk', origin: ORIGIN, outDir: gmlDir });
    const result = await writeImportedPack({
      file: FZK_CITYJSON,
      cityId: 'fzk',
      origin: ORIGIN,
      outDir: jsonDir,
    });
    expect(result.format).toBe('cityjson');
    const ids = async (dir: string) => (await loadCityPack(dir)).buildings.features.map((f) => f.id).sort();
    const gmlIds = await ids(gmlDir);
    expect(gmlIds).toHaveLength(100);
    expect(await ids(jsonDir)).toEqual(gmlIds);
  });

  it('imports nothing from a GeoJSON without building tags, writes nothing and says why', async () => {
    const outDir = join(await tempDir(), 'es');
    const result = await writeImportedPack({ file: ESSLINGEN, cityId: 'es', outDir });
    expect(result).toMatchObject({ format: 'osm-geojson', sourceCrs: 'EPSG:25832', buildingCount: 0 });
    expect(result.problems.map((p) => p.message).join('\n')).toMatch(/without a building tag skipped/);
    await expect(readdir(outDir)).rejects.toThrow(/ENOENT/);
  });

  it('writes a manifest the protocol schema accepts unchanged', async () => {
    const outDir = await tempDir();
    await writeImportedPack({ file: FZK_GML, cityId: 'fzk', origin: ORIGIN, outDir, name: 'Karlsruhe FZK' });
    const manifest: unknown = JSON.parse(await readFile(join(outDir, 'city.json'), 'utf8'));
    expect(CityManifestSchema.parse(manifest)).toEqual(manifest);
  });
});
