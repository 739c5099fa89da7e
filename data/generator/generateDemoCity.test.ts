import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import geojsonValidation from 'geojson-validation';
import { describe, expect, it } from 'vitest';
import { CityManifestSchema, LayerCatalogSchema, SensorRegistrySchema } from '../../protocol/index.ts';
import type { Sensor } from '../../protocol/index.ts';
import type { Position } from '../../protocol/packFeatures.ts';
import { CENTRE_LON_LAT } from './districtPlan.ts';
import { DEFAULT_SEED, generateDemoCity, roundDegrees } from './generateDemoCity.ts';
import {
  boxOf,
  boxesWithin,
  createLocalProjection,
  isSimpleRing,
  ringPolylineDistanceM,
  ringsOverlap,
  signedArea,
} from './geometry.ts';
import type { BoxM, LocalPointM, LocalRingM } from './geometry.ts';
import { reliefGeoTiff, reliefHeightM } from './relief.ts';
import { PACK_FILE_NAMES, serializeDemoCity } from './serializeDemoCity.ts';
import { SpatialIndex } from './spatialIndex.ts';

const COMMITTED_PACK_DIR = fileURLToPath(new URL('../boeblingen-demo/', import.meta.url));

/** Everything generated must lie in this box around Böblingen's centre (west, south, east, north). */
const DISTRICT_BBOX = [8.99, 48.67, 9.04, 48.7] as const;

// One generation for the read-only checks; the determinism tests generate their own.
// The town on its relief, as committed.
const city = generateDemoCity(DEFAULT_SEED);
const projection = createLocalProjection(CENTRE_LON_LAT);

function localRing(ring: readonly Position[]): LocalRingM {
  // GeoJSON rings repeat the first position at the end; the local geometry wants it once.
  return ring.slice(0, -1).map(([lon, lat]) => projection.toLocal([lon, lat]));
}

const buildingRings = city.buildings.features.map((f) => localRing(f.geometry.coordinates[0] ?? []));

function sensorsOfKind(kind: Sensor['kind']): Sensor[] {
  return city.sensors.filter((s) => s.kind === kind);
}

describe('generateDemoCity determinism', () => {
  it('writes byte-identical files for the same seed', () => {
    expect(serializeDemoCity(generateDemoCity(DEFAULT_SEED))).toEqual(
      serializeDemoCity(generateDemoCity(DEFAULT_SEED)),
    );
  });

  it('places different buildings for another seed along the same streets', () => {
    const other = serializeDemoCity(generateDemoCity(DEFAULT_SEED + 1));
    const base = serializeDemoCity(generateDemoCity(DEFAULT_SEED));
    const text = (files: typeof base, name: string) => files.find((f) => f.fileName === name)?.text;
    expect(text(other, 'buildings.geojson')).not.toBe(text(base, 'buildings.geojson'));
    expect(text(other, 'roads.geojson')).toBe(text(base, 'roads.geojson'));
  });

  it('matches the committed files in data/boeblingen-demo (run `npm run generate:demo` if not)', async () => {
    for (const file of serializeDemoCity(generateDemoCity(DEFAULT_SEED))) {
      const committed = await readFile(join(COMMITTED_PACK_DIR, file.fileName), 'utf8');
      // A plain boolean first, so a stale file fails with its name instead of a 700 kB diff.
      expect(committed === file.text, `${file.fileName} is stale`).toBe(true);
    }
    // The relief they stand on, as the pack's elevation model.
    const dem = await readFile(join(COMMITTED_PACK_DIR, 'dem.tif'));
    expect(Buffer.compare(dem, Buffer.from(reliefGeoTiff())) === 0, 'dem.tif is stale').toBe(true);
  });

  it('stands the town on the ellipsoid when asked for a flat one', () => {
    const flat = generateDemoCity(DEFAULT_SEED, { relief: false });
    const ring = flat.buildings.features[0]?.geometry.coordinates[0] ?? [];
    expect(ring.length).toBeGreaterThan(3);
    // Positions without a height stand at 0; on the relief, about 400 to 500 m.
    expect(ring.every((p) => (p[2] ?? 0) === 0)).toBe(true);
    expect((city.buildings.features[0]?.geometry.coordinates[0]?.[0]?.[2] ?? 0) > 300).toBe(true);
  });

  it('writes every pack file, each ending in a newline, with buildings well under 3 MB', () => {
    const files = serializeDemoCity(city);
    expect(files.slice(0, PACK_FILE_NAMES.length).map((f) => f.fileName)).toEqual([...PACK_FILE_NAMES]);
    // After the pack's files come the catalogue's own layers (`catalogueLayers.ts`).
    for (const file of files.slice(PACK_FILE_NAMES.length))
      expect(file.fileName).toMatch(/^catalogue\/[a-z-]+\.geojson$/);
    for (const file of files) expect(file.text.endsWith('\n')).toBe(true);
    const buildingsBytes = Buffer.byteLength(
      files.find((f) => f.fileName === 'buildings.geojson')?.text ?? '',
      'utf8',
    );
    expect(buildingsBytes).toBeLessThan(1.5 * 1024 * 1024);
  });
});

describe('generateDemoCity contents', () => {
  it('has a believable number of buildings, road segments, garages, stations and basins', () => {
    expect(city.buildings.features.length).toBeGreaterThanOrEqual(2000);
    expect(city.roads.features.length).toBeGreaterThanOrEqual(100);
    expect(sensorsOfKind('traffic').length).toBeGreaterThanOrEqual(40);
    expect(sensorsOfKind('environment').length).toBeGreaterThanOrEqual(10);
    expect(city.basins.features.length).toBeGreaterThanOrEqual(3);
    expect(sensorsOfKind('water').length).toBe(city.basins.features.length);
  });

  it('has at least six named parking garages, among them Elbenplatz and Bahnhofstraße', () => {
    const garages = city.buildings.features.filter((f) => f.properties.use === 'parking');
    expect(garages.length).toBeGreaterThanOrEqual(6);
    const names = garages.map((f) => f.properties.name ?? '');
    expect(names.every((name) => name.length > 0)).toBe(true);
    expect(names).toContain('Parkhaus Elbenplatz');
    expect(names).toContain('Parkhaus Bahnhofstraße');
    expect(sensorsOfKind('parking').length).toBe(garages.length);
  });

  it('validates against the protocol schemas', () => {
    expect(CityManifestSchema.safeParse(city.city).success).toBe(true);
    expect(SensorRegistrySchema.safeParse({ sensors: city.sensors }).error).toBeUndefined();
    expect(LayerCatalogSchema.safeParse({ groups: city.groups, layers: city.layers }).error).toBeUndefined();
  });

  it('passes geojson-validation for every layer', () => {
    for (const collection of [city.buildings, city.roads, city.basins]) {
      expect(geojsonValidation.valid(collection, true)).toEqual([]);
    }
  });

  it('gives every feature a top-level id equal to properties.id, unique within its layer', () => {
    for (const collection of [city.buildings, city.roads, city.basins]) {
      const ids = collection.features.map((f) => f.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const feature of collection.features) expect(feature.id).toBe(feature.properties.id);
    }
    expect(city.buildings.features[0]?.id).toBe('b00001');
    expect(city.roads.features[0]?.id).toBe('r0001');
  });

  it('writes closed, counter-clockwise, simple footprints (RFC 7946)', () => {
    for (const feature of [...city.buildings.features, ...city.basins.features]) {
      const ring = feature.geometry.coordinates[0] ?? [];
      expect(ring[0]).toEqual(ring[ring.length - 1]);
      expect(signedArea(ring as [number, number][]), feature.id).toBeGreaterThan(0);
      expect(isSimpleRing(localRing(ring)), feature.id).toBe(true);
    }
  });

  it('rounds every coordinate to 7 decimals', () => {
    for (const collection of [city.buildings, city.roads, city.basins]) {
      for (const value of collection.features.flatMap((f) => f.geometry.coordinates.flat(2))) {
        expect(roundDegrees(value)).toBe(value);
      }
    }
  });

  it('keeps everything inside the district box at Böblingen', () => {
    const [west, south, east, north] = DISTRICT_BBOX;
    const inside = ([lon, lat]: readonly number[]) =>
      lon !== undefined && lat !== undefined && lon > west && lon < east && lat > south && lat < north;
    for (const collection of [city.buildings, city.roads, city.basins]) {
      for (const feature of collection.features) {
        const positions =
          feature.geometry.type === 'Polygon'
            ? feature.geometry.coordinates.flat()
            : feature.geometry.coordinates;
        for (const position of positions as Position[]) expect(inside(position), feature.id).toBe(true);
      }
    }
    for (const sensor of city.sensors) expect(inside(sensor.position), sensor.id).toBe(true);
    expect(inside(city.city.centre)).toBe(true);
  });

  it('lets no two building footprints overlap or touch', () => {
    const index = new SpatialIndex<number>(50);
    const boxes = buildingRings.map((ring) => boxOf(ring));
    const overlaps: string[] = [];
    buildingRings.forEach((ring, i) => {
      const box = boxes[i] as BoxM;
      for (const j of index.query(box)) {
        if (ringsOverlap(ring, buildingRings[j] as LocalRingM))
          overlaps.push(`${city.buildings.features[j]?.id} / ${city.buildings.features[i]?.id}`);
      }
      index.insert(box, i);
    });
    expect(overlaps).toEqual([]);
  });

  it('keeps buildings off the road centrelines and out of the basins', () => {
    const roadLines = city.roads.features.map((f) =>
      f.geometry.coordinates.map(([lon, lat]) => projection.toLocal([lon, lat])),
    );
    const roadBoxes = roadLines.map((line) => boxOf(line));
    const basinRings = city.basins.features.map((f) => localRing(f.geometry.coordinates[0] ?? []));
    const conflicts: string[] = [];
    buildingRings.forEach((ring, i) => {
      const box = boxOf(ring);
      roadLines.forEach((line, r) => {
        // A footprint is at least the half width of a residential street (5 m) from any centreline.
        if (
          boxesWithin(box, roadBoxes[r] as BoxM, 5) &&
          ringPolylineDistanceM(ring, line as LocalPointM[]) < 5
        ) {
          conflicts.push(`${city.buildings.features[i]?.id} on ${city.roads.features[r]?.id}`);
        }
      });
      basinRings.forEach((basin, b) => {
        if (ringsOverlap(ring, basin))
          conflicts.push(`${city.buildings.features[i]?.id} in ${city.basins.features[b]?.id}`);
      });
    });
    expect(conflicts).toEqual([]);
  });

  it('gives buildings realistic heights for their storeys and sizes for their use', () => {
    for (const { id, properties } of city.buildings.features) {
      expect(Number.isInteger(properties.storeys) && properties.storeys >= 1, id).toBe(true);
      expect(properties.heightM, id).toBeGreaterThanOrEqual(properties.storeys * 2.5);
      // A church nave or an event hall is one tall storey; everything else stays near its storey count.
      if (properties.use !== 'public')
        expect(properties.heightM, id).toBeLessThanOrEqual(properties.storeys * 4 + 12);
    }
    const houseAreasM2 = city.buildings.features
      .map((f, i) => ({ f, areaM2: signedArea(buildingRings[i] as LocalRingM) }))
      .filter(({ f }) => f.properties.use === 'residential' && f.properties.storeys <= 4)
      .map(({ areaM2 }) => areaM2);
    for (const areaM2 of houseAreasM2) {
      // From an old-town back building (7 m x 7 m) to a small apartment house.
      expect(areaM2).toBeGreaterThan(45);
      expect(areaM2).toBeLessThan(1500);
    }
    const uses = new Set(city.buildings.features.map((f) => f.properties.use));
    expect([...uses].sort()).toEqual([
      'commercial',
      'industrial',
      'mixed',
      'parking',
      'public',
      'residential',
      'school',
    ]);
  });

  it('names the notable buildings, schools and the town hall among them', () => {
    const names = city.buildings.features.flatMap((f) => (f.properties.name ? [f.properties.name] : []));
    expect(names).toEqual(
      expect.arrayContaining(['Rathaus Böblingen', 'Otto-Hahn-Gymnasium', 'Kongresshalle Böblingen']),
    );
  });
});

describe('generateDemoCity sensors', () => {
  const buildingsById = new Map(city.buildings.features.map((f) => [f.id, f]));
  const roadsById = new Map(city.roads.features.map((f) => [f.id, f]));
  const basinsById = new Map(city.basins.features.map((f) => [f.id, f]));

  it('stands every footprint, road and basin vertex on the relief, to a decimetre or two', () => {
    let checked = 0;
    const features = [
      ...[...city.buildings.features, ...city.basins.features].map((f) => ({
        id: f.id,
        positions: f.geometry.coordinates.flat(1),
      })),
      ...city.roads.features.map((f) => ({ id: f.id, positions: f.geometry.coordinates })),
    ];
    for (const feature of features) {
      for (const [lon, lat, heightM] of feature.positions) {
        expect(heightM, feature.id).toBeDefined();
        expect(
          Math.abs((heightM ?? 0) - reliefHeightM(projection.toLocal([lon, lat]))),
          feature.id,
        ).toBeLessThan(0.2);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(10_000);
  });

  it('puts traffic and basin sensors on the ground and stations 3.5 m above it', () => {
    for (const sensor of city.sensors) {
      const [lon, lat, heightM] = sensor.position;
      const groundM = reliefHeightM(projection.toLocal([lon, lat]));
      if (sensor.kind === 'traffic' || sensor.kind === 'water')
        expect(Math.abs(heightM - groundM), sensor.id).toBeLessThan(0.2);
      if (sensor.kind === 'environment')
        expect(Math.abs(heightM - groundM - 3.5), sensor.id).toBeLessThan(0.2);
    }
  });

  it('gives every sensor a unique id', () => {
    const ids = city.sensors.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('binds each parking sensor to a garage building with its capacity and free-space thresholds', () => {
    for (const sensor of sensorsOfKind('parking')) {
      expect(sensor.object.type).toBe('building');
      expect(buildingsById.get(sensor.object.id)?.properties.use, sensor.id).toBe('parking');
      expect(sensor.quantities).toEqual(['occupiedSpaces', 'freeSpaces']);
      expect(sensor.intervalMs).toBe(20_000);
      const capacity = sensor.attributes.capacitySpaces as number;
      expect(capacity).toBeGreaterThanOrEqual(150);
      expect(capacity).toBeLessThanOrEqual(900);
      expect(sensor.thresholds.freeSpaces?.direction).toBe('below');
      expect(sensor.thresholds.freeSpaces?.alarm).toBeLessThan(sensor.thresholds.freeSpaces?.warn ?? 0);
      // Drawn on the roof of its garage: the ground under it plus the garage's height.
      const [lon, lat, heightM] = sensor.position;
      const roofM =
        reliefHeightM(projection.toLocal([lon, lat])) +
        (buildingsById.get(sensor.object.id)?.properties.heightM ?? 0);
      expect(Math.abs(heightM - roofM), sensor.id).toBeLessThan(0.2);
    }
  });

  it('binds each traffic sensor to the road segment in its id, with that segment’s limit and lanes', () => {
    for (const sensor of sensorsOfKind('traffic')) {
      expect(sensor.object.type).toBe('road');
      const road = roadsById.get(sensor.object.id);
      expect(road, sensor.id).toBeDefined();
      expect(sensor.id).toBe(`traffic-${sensor.object.id}`);
      expect(sensor.attributes.speedLimitKmh).toBe(road?.properties.speedLimitKmh);
      expect(sensor.attributes.lanes).toBe(road?.properties.lanes);
      expect(sensor.quantities).toEqual(['speedKmh', 'vehiclesPerHour']);
      expect(sensor.intervalMs).toBe(15_000);
    }
    // The main roads all have loops.
    const mainRoadIds = city.roads.features
      .filter((f) => f.properties.roadClass === 'primary')
      .map((f) => f.id);
    const sensedRoadIds = new Set(sensorsOfKind('traffic').map((s) => s.object.id));
    for (const id of mainRoadIds) expect(sensedRoadIds.has(id), id).toBe(true);
  });

  it('binds each environment station to its own site with the air-quality and noise thresholds', () => {
    for (const sensor of sensorsOfKind('environment')) {
      expect(sensor.object).toEqual({ type: 'site', id: `station-${sensor.id.replace(/^env-/, '')}` });
      expect(sensor.intervalMs).toBe(60_000);
      expect(sensor.quantities).toEqual([
        'no2UgM3',
        'pm10UgM3',
        'pm25UgM3',
        'temperatureC',
        'humidityPercent',
        'noiseDbA',
      ]);
      expect(sensor.thresholds).toEqual({
        no2UgM3: { warn: 100, alarm: 200, direction: 'above' },
        pm10UgM3: { warn: 40, alarm: 50, direction: 'above' },
        pm25UgM3: { warn: 20, alarm: 25, direction: 'above' },
        noiseDbA: { warn: 65, alarm: 75, direction: 'above' },
      });
    }
  });

  it('puts no environment station inside a building', () => {
    for (const sensor of sensorsOfKind('environment')) {
      const point = projection.toLocal([sensor.position[0], sensor.position[1]]);
      const marker: LocalRingM = [point, [point[0] + 0.1, point[1]], [point[0], point[1] + 0.1]];
      for (const ring of buildingRings) expect(ringsOverlap(marker, ring), sensor.id).toBe(false);
    }
  });

  it('binds each basin sensor to its basin, warning at 70 % and alarming at 90 % of the overflow level', () => {
    for (const sensor of sensorsOfKind('water')) {
      const basin = basinsById.get(sensor.object.id);
      expect(sensor.object.type).toBe('site');
      expect(basin, sensor.id).toBeDefined();
      const maxLevelCm = basin?.properties.maxLevelCm ?? NaN;
      expect(sensor.attributes).toEqual({
        maxLevelCm,
        volumeM3: basin?.properties.volumeM3,
        radio: 'lorawan',
      });
      expect(sensor.thresholds.levelCm).toEqual({
        warn: Math.round(maxLevelCm * 0.7),
        alarm: Math.round(maxLevelCm * 0.9),
        direction: 'above',
      });
      expect(sensor.intervalMs).toBe(30_000);
    }
  });
});

describe('generateDemoCity manifest and catalog', () => {
  it('labels the pack as synthetic demo data at Böblingen', () => {
    expect(city.city).toMatchObject({
      id: 'boeblingen-demo',
      name: 'Böblingen (Demo)',
      synthetic: true,
      crs: 'EPSG:4326',
      timezone: 'Europe/Berlin',
      attribution: 'Demo-Daten (synthetisch)',
    });
    expect(city.city.centre[0]).toBeCloseTo(9.015, 2);
    expect(city.city.centre[1]).toBeCloseTo(48.685, 2);
  });

  it('looks north at the centre from an oblique camera south of it', () => {
    const { homeView, centre } = city.city;
    expect(homeView.lat).toBeLessThan(centre[1]);
    expect(homeView.headingDeg).toBe(0);
    expect(homeView.pitchDeg).toBeLessThan(-20);
    expect(homeView.pitchDeg).toBeGreaterThan(-60);
    // The view axis meets the ground at the centre; the camera's height is absolute, over the relief.
    const [, backM] = projection.toLocal([homeView.lon, homeView.lat]);
    const groundM = reliefHeightM([0, 0]);
    expect(-backM * Math.tan((-homeView.pitchDeg * Math.PI) / 180)).toBeCloseTo(
      homeView.heightM - groundM,
      -1,
    );
  });

  it('lists the building tileset, the GeoJSON layers and one live layer per sensor kind', () => {
    const byId = new Map(city.layers.map((l) => [l.id, l]));
    expect(byId.get('buildings')).toMatchObject({
      type: 'tileset',
      url: '/tiles/boeblingen-demo/tileset.json',
      title: { de: 'Gebäude' },
    });
    expect(byId.get('roads')).toMatchObject({
      type: 'geojson',
      url: '/data/boeblingen-demo/roads.geojson',
      title: { de: 'Straßen' },
    });
    expect(byId.get('basins')).toMatchObject({
      type: 'geojson',
      url: '/data/boeblingen-demo/basins.geojson',
    });
    const liveKinds = city.layers.flatMap((l) => (l.type === 'live' ? [l.kind] : []));
    expect(liveKinds.sort()).toEqual(['environment', 'parking', 'traffic', 'water']);
  });
});
