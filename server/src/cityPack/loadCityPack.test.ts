import { cp, mkdtemp, readFile, rm, writeFile, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { fixture } from '../../../scripts/fixtures/fixturesDir.ts';
import { itWithFixtures } from '../../../scripts/fixtures/withFixtures.ts';
import { CityPackError, loadCityPack } from './loadCityPack.ts';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DEMO_PACK_DIR = join(REPO_ROOT, 'data', 'boeblingen-demo');
// A real third-party sample, read in place and never copied into the project.
const ESSLINGEN_GEOJSON = fixture('geojson/esslingen-parking-polygons-epsg25832.geojson');

type Json = Record<string, unknown>;
interface FeatureJson extends Json {
  id: unknown;
  properties: Json;
  geometry: { type: string; coordinates: unknown };
}

const tempDirs: string[] = [];

afterEach(async () => {
  await Promise.all(tempDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A copy of the demo pack in the OS temp folder, to corrupt one thing at a time. */
async function copyOfDemoPack(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'citytwin-pack-'));
  tempDirs.push(dir);
  await cp(DEMO_PACK_DIR, dir, { recursive: true });
  return dir;
}

async function editJson<T>(dir: string, fileName: string, edit: (value: T) => void): Promise<void> {
  const path = join(dir, fileName);
  const value = JSON.parse(await readFile(path, 'utf8')) as T;
  edit(value);
  await writeFile(path, JSON.stringify(value));
}

async function editFeature(
  dir: string,
  fileName: string,
  index: number,
  edit: (feature: FeatureJson) => void,
): Promise<void> {
  await editJson<{ features: FeatureJson[] }>(dir, fileName, (collection) => {
    const feature = collection.features[index];
    if (!feature) throw new Error(`${fileName} has no feature ${index}`);
    edit(feature);
  });
}

/** Loads a pack that must fail and returns the error. */
async function loadError(dir: string): Promise<CityPackError> {
  const error = await loadCityPack(dir).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CityPackError);
  return error as CityPackError;
}

describe('loadCityPack', () => {
  it('loads the demo pack with typed features, sensors and layers', async () => {
    const pack = await loadCityPack(DEMO_PACK_DIR);
    expect(pack.dir).toBe(DEMO_PACK_DIR);
    expect(pack.city.id).toBe('boeblingen-demo');
    expect(pack.buildings.features.length).toBeGreaterThanOrEqual(2000);
    expect(pack.buildings.features[0]?.properties.heightM).toBeGreaterThan(0);
    expect(pack.roads.features[0]?.geometry.type).toBe('LineString');
    expect(pack.basins.features.length).toBeGreaterThanOrEqual(3);
    expect(pack.sensors.some((s) => s.kind === 'parking')).toBe(true);
    expect(pack.layers.map((l) => l.id)).toContain('buildings');
  });

  it('names the file, line and column of a JSON syntax error', async () => {
    const dir = await copyOfDemoPack();
    const path = join(dir, 'roads.geojson');
    const text = await readFile(path, 'utf8');
    await writeFile(path, text.replace('"roadClass":', '"roadClass" '));
    const error = await loadError(dir);
    expect(error.message).toMatch(/roads\.geojson: is not valid JSON: .*\(line 2, column \d+\)/);
  });

  it('reports invalid geometry with the feature index, id and the geometry field', async () => {
    const dir = await copyOfDemoPack();
    await editFeature(dir, 'buildings.geojson', 12, (feature) => {
      const ring = (feature.geometry.coordinates as number[][][])[0];
      ring?.pop();
    });
    const error = await loadError(dir);
    expect(error.message).toContain(
      'buildings.geojson: feature 12 (b00013): geometry: at 0: The first and last positions must be equivalent',
    );
  });

  it('reports a geometry of the wrong type for the layer', async () => {
    const dir = await copyOfDemoPack();
    await editFeature(dir, 'roads.geojson', 4, (feature) => {
      feature.geometry = { type: 'Point', coordinates: [9.01, 48.68] };
    });
    const error = await loadError(dir);
    expect(error.message).toContain(
      'roads.geojson: feature 4 (r0005): geometry.type must be "LineString", got "Point"',
    );
  });

  it('reports a missing and a mistyped building height separately', async () => {
    const dir = await copyOfDemoPack();
    await editFeature(dir, 'buildings.geojson', 12, (feature) => {
      feature.properties.heightM = 'abc';
    });
    await editFeature(dir, 'buildings.geojson', 40, (feature) => {
      delete feature.properties.heightM;
    });
    const error = await loadError(dir);
    expect(error.message).toContain(
      'buildings.geojson: feature 12 (b00013): properties.heightM must be a positive number, got "abc"',
    );
    expect(error.message).toContain(
      'buildings.geojson: feature 40 (b00041): properties.heightM is missing (must be a positive number)',
    );
  });

  it('reports a sensor bound to a building that does not exist', async () => {
    const dir = await copyOfDemoPack();
    await editJson<{ sensors: { object: { id: string } }[] }>(dir, 'sensors.json', (registry) => {
      const first = registry.sensors[0];
      if (first) first.object.id = 'b99999';
    });
    const error = await loadError(dir);
    expect(error.message).toContain(
      'sensors.json: sensor 0 (parking-elbenplatz): object.id "b99999" is not a building in buildings.geojson',
    );
  });

  it('reports a parking sensor bound to a building that is not a garage', async () => {
    const dir = await copyOfDemoPack();
    const pack = await loadCityPack(DEMO_PACK_DIR);
    const house = pack.buildings.features.find((f) => f.properties.use === 'residential');
    await editJson<{ sensors: { object: { id: string } }[] }>(dir, 'sensors.json', (registry) => {
      const first = registry.sensors[0];
      if (first && house) first.object.id = house.id;
    });
    const error = await loadError(dir);
    expect(error.message).toContain(
      `sensors.json: sensor 0 (parking-elbenplatz): object.id "${house?.id}" is a building with use "residential"`,
    );
  });

  it('reports road and basin bindings that point nowhere', async () => {
    const dir = await copyOfDemoPack();
    await editJson<{ sensors: { kind: string; object: { id: string } }[] }>(
      dir,
      'sensors.json',
      (registry) => {
        const traffic = registry.sensors.find((s) => s.kind === 'traffic');
        const water = registry.sensors.find((s) => s.kind === 'water');
        if (traffic) traffic.object.id = 'r9999';
        if (water) water.object.id = 'basin-nowhere';
      },
    );
    const error = await loadError(dir);
    expect(error.message).toMatch(
      /sensors\.json: sensor \d+ \(traffic-r\d+\): object\.id "r9999" is not a road segment in roads\.geojson/,
    );
    expect(error.message).toMatch(
      /sensors\.json: sensor \d+ \(basin-[a-z-]+\): object\.id "basin-nowhere" is not a basin in basins\.geojson/,
    );
  });

  it('reports duplicate feature ids and a top-level id that differs from properties.id', async () => {
    const dir = await copyOfDemoPack();
    await editFeature(dir, 'buildings.geojson', 13, (feature) => {
      feature.id = 'b00013';
      feature.properties.id = 'b00013';
    });
    await editFeature(dir, 'roads.geojson', 2, (feature) => {
      feature.id = 'r0300';
    });
    const error = await loadError(dir);
    expect(error.message).toContain(
      'buildings.geojson: feature 13 (b00013): id "b00013" is already used by feature 12',
    );
    expect(error.message).toContain(
      'roads.geojson: feature 2 (r0300): id "r0300" differs from properties.id "r0003"',
    );
  });

  it('reports duplicate sensor ids', async () => {
    const dir = await copyOfDemoPack();
    await editJson<{ sensors: { id: string }[] }>(dir, 'sensors.json', (registry) => {
      const second = registry.sensors[1];
      if (second) second.id = 'parking-elbenplatz';
    });
    const error = await loadError(dir);
    expect(error.message).toContain(
      'sensors.json: sensor 1 (parking-elbenplatz): id "parking-elbenplatz" is already used by sensor 0',
    );
  });

  it('reports schema errors in the JSON files with the item and field', async () => {
    const dir = await copyOfDemoPack();
    await editJson<{ sensors: { intervalMs: number }[] }>(dir, 'sensors.json', (registry) => {
      const third = registry.sensors[2];
      if (third) third.intervalMs = -5;
    });
    await editJson<{ homeView: { pitchDeg: number } }>(dir, 'city.json', (city) => {
      city.homeView.pitchDeg = 30;
    });
    const error = await loadError(dir);
    expect(error.message).toMatch(/sensors\.json: sensor 2 \(parking-mercaden\): intervalMs: .+/);
    expect(error.message).toMatch(/city\.json: homeView\.pitchDeg: .+/);
  });

  it('lists every problem of a pack, not only the first', async () => {
    const dir = await copyOfDemoPack();
    await editFeature(dir, 'buildings.geojson', 3, (feature) => {
      feature.properties.storeys = 0;
    });
    await writeFile(join(dir, 'layers.json'), '{ "layers": [ ');
    await unlink(join(dir, 'basins.geojson'));
    const error = await loadError(dir);
    expect(error.message).toContain(
      'buildings.geojson: feature 3 (b00004): properties.storeys must be an integer of at least 1, got 0',
    );
    expect(error.message).toContain('layers.json: is not valid JSON');
    expect(error.message).toContain('basins.geojson: file is missing');
    expect(error.problems.length).toBeGreaterThanOrEqual(3);
  });

  it('summarises a problem repeated on every feature but keeps each one in `problems`', async () => {
    const dir = await copyOfDemoPack();
    await editJson<{ features: FeatureJson[] }>(dir, 'buildings.geojson', (collection) => {
      for (const feature of collection.features) delete feature.properties.use;
    });
    const error = await loadError(dir);
    const count = (await loadCityPack(DEMO_PACK_DIR)).buildings.features.length;
    expect(error.problems.filter((p) => p.includes('properties.use is missing'))).toHaveLength(count);
    expect(error.message).toContain(`... and ${count - 5} more like the above in buildings.geojson`);
    expect(error.message.split('\n').length).toBeLessThan(20);
  });

  it('rejects a folder that does not exist with one clear problem', async () => {
    const error = await loadError(join(tmpdir(), 'citytwin-no-such-pack'));
    expect(error.problems).toEqual([
      `${join(tmpdir(), 'citytwin-no-such-pack')}: is not a folder (no city pack here)`,
    ]);
  });

  itWithFixtures(
    'rejects a real EPSG:25832 file (Esslingen parking polygons) for its UTM crs member',
    async () => {
      const dir = await copyOfDemoPack();
      await cp(ESSLINGEN_GEOJSON, join(dir, 'buildings.geojson'));
      const error = await loadError(dir);
      expect(error.name).toBe('CityPackError');
      expect(error.problems[0]).toBe(
        'buildings.geojson: its "crs" member says "urn:ogc:def:crs:EPSG::25832", that is EPSG:25832 (ETRS89 / UTM zone 32N, metres), ' +
          'not WGS84: a city pack holds WGS84 longitude/latitude in degrees (EPSG:4326, RFC 7946); reproject the file with an importer',
      );
      // Its coordinates are metres, and its features lack the pack's ids and properties.
      expect(error.message).toMatch(
        /buildings\.geojson: feature 0 \(no id\): geometry\.coordinates: position \[522499\.\d+,5398863\.\d+\] is outside WGS84/,
      );
      expect(error.message).toContain(
        'buildings.geojson: feature 0 (no id): properties.heightM is missing (must be a positive number)',
      );
    },
  );
});
