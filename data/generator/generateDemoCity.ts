/**
 * The deterministic demo-city generator: a seed in, the whole `boeblingen-demo` city pack out, as
 * plain objects (see `serializeDemoCity` for the files). Pure: no clock, no file system, no
 * `Math.random`. The street plan is fixed (`districtPlan.ts`); the seed decides the buildings.
 * Every position carries its ground height from the pack's relief (`relief.ts`, decision 0013):
 * footprint, road and basin vertices stand on the terrain, sensors above it.
 */
import { LayerCatalogSchema } from '../../protocol/index.ts';
import type {
  CityManifest,
  LayerCatalog,
  LayerEntryInput,
  LonLatHeight,
  Sensor,
} from '../../protocol/index.ts';
import type {
  BasinFeature,
  BuildingFeature,
  CityPack,
  Position,
  RoadFeature,
} from '../../protocol/packFeatures.ts';
import { assignAddresses } from './addresses.ts';
import { BuildingPlacer } from './buildingPlacer.ts';
import { demoCatalogue, DEMO_GROUPS, GROUP_OF_PACK_LAYER, type CatalogueFile } from './catalogueLayers.ts';
import type { BuildingDesign, PlacedBuilding } from './buildingPlacer.ts';
import {
  BASINS,
  CENTRE_LON_LAT,
  GARAGES,
  GARAGE_AREA_PER_SPACE_M2,
  GARAGE_STOREY_HEIGHT_M,
  LANDMARKS,
  STATIONS,
} from './districtPlan.ts';
import type { StationPlan } from './districtPlan.ts';
import {
  add,
  centroid,
  chamferedRectangle,
  createLocalProjection,
  leftNormal,
  normalize,
  pointAlong,
  polylineLengthM,
  scale,
  sub,
} from './geometry.ts';
import type { LocalPointM, LocalProjection, LocalRingM } from './geometry.ts';
import { createPrng, deriveSeed } from './prng.ts';
import { createGroundSampler, reliefDem } from './relief.ts';
import { buildStreetNetwork } from './streetNetwork.ts';
import type { StreetNetwork } from './streetNetwork.ts';
import { ZONE_STYLES } from './zoneStyles.ts';

/** The seed of the committed demo pack (Böblingen's postcode). */
export const DEFAULT_SEED = 71032;

/** The city id of the demo pack, also its folder name under `data/`. */
export const DEMO_CITY_ID = 'boeblingen-demo';

/** How many road segments get a traffic sensor (main roads first). */
export const TRAFFIC_SENSOR_COUNT = 60;

/** The demo pack as objects, in the shapes of the files in docs/city-pack.md. */
export type DemoCity = Omit<CityPack, 'dir'> & {
  /** The catalogue's own GeoJSON files (`catalogue/*.geojson`, see `catalogueLayers.ts`). */
  catalogueFiles: CatalogueFile[];
};

/** Rounds degrees to 7 decimals, about 1 cm: enough for footprints, short in the files. */
export function roundDegrees(value: number): number {
  return Math.round(value * 1e7) / 1e7;
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

/** Ground height at a WGS84 point, metres (the relief's DEM, to a decimetre). */
type GroundHeight = (lonDeg: number, latDeg: number) => number;

/** `[lon, lat, groundHeightM]` of a local point. */
function toPosition(projection: LocalProjection, ground: GroundHeight, point: LocalPointM): Position {
  const [lonRaw, latRaw] = projection.toLonLat(point);
  const lon = roundDegrees(lonRaw);
  const lat = roundDegrees(latRaw);
  return [lon, lat, ground(lon, lat)];
}

/** A closed GeoJSON ring (first position repeated) from an open local ring. */
function toClosedRing(projection: LocalProjection, ground: GroundHeight, ring: LocalRingM): Position[] {
  const positions = ring.map((point) => toPosition(projection, ground, point));
  const first = positions[0];
  if (first) positions.push([...first]);
  return positions;
}

/** A sensor `aboveGroundM` above the ground at `point`. */
function sensorPosition(
  projection: LocalProjection,
  ground: GroundHeight,
  point: LocalPointM,
  aboveGroundM: number,
): LonLatHeight {
  const [lon, lat, groundM = 0] = toPosition(projection, ground, point);
  return [lon, lat, round1(groundM + aboveGroundM)];
}

function garageDesign(capacitySpaces: number, storeys: number, name: string): BuildingDesign {
  const footprintM2 = (capacitySpaces * GARAGE_AREA_PER_SPACE_M2) / storeys;
  // Car parks are long boxes: two ramps plus parking on both sides of the aisles.
  const alongM = Math.sqrt(footprintM2 * 1.45);
  return {
    alongM,
    acrossM: footprintM2 / alongM,
    storeys,
    heightM: round1(storeys * GARAGE_STOREY_HEIGHT_M + 1.2),
    use: 'parking',
    name,
    setbackM: 2,
    gapM: 6,
  };
}

/** A basin's area as a design the placer understands: 4 m from the street space, 8 m from buildings. */
function basinDesign(alongM: number, acrossM: number): BuildingDesign {
  return { alongM, acrossM, storeys: 1, heightM: 1, use: 'public', setbackM: 4, gapM: 8 };
}

/** Where an environment station stands: on the pavement of a street, or in a park. */
function stationPoint(network: StreetNetwork, plan: StationPlan): LocalPointM {
  const place = plan.place;
  if (place.kind === 'block') return centroid(network.blockOfCell(place.cell[0], place.cell[1]).ring);
  const edge = network.edgeAt(place.orientation, place.line, place.edge);
  if (!edge)
    throw new Error(`station ${plan.slug}: no road at ${place.orientation}${place.line}:${place.edge}`);
  const { point, direction } = pointAlong(edge.points, place.at * polylineLengthM(edge.points));
  // On the pavement: inside the street space, so never inside a building.
  return add(point, scale(leftNormal(direction), place.side * (edge.halfWidthM - 1.2)));
}

/**
 * Generates the demo city pack for a seed. The town stands on a Böblingen-like relief (positions
 * carry its ground height, the CLI writes it as `dem.tif`); with `relief: false`, on the ellipsoid.
 */
export function generateDemoCity(seed: number = DEFAULT_SEED, options: { relief?: boolean } = {}): DemoCity {
  const projection = createLocalProjection(CENTRE_LON_LAT);
  const ground = options.relief === false ? () => 0 : createGroundSampler(reliefDem(), projection);
  const network = buildStreetNetwork();
  const placer = new BuildingPlacer();

  // Basins first: open water areas that buildings keep clear of.
  const basinFeatures: BasinFeature[] = BASINS.map((plan) => {
    const block = network.blockOfCell(plan.cell[0], plan.cell[1]);
    // The basin's bounding rectangle is placed like a building; its chamfered outline lies inside it.
    const rectangle = placer.findPlannedSpot(
      block,
      plan.side,
      plan.at,
      basinDesign(plan.alongM, plan.acrossM),
      plan.name,
    );
    const [a, b, c] = rectangle as [LocalPointM, LocalPointM, LocalPointM, LocalPointM];
    const outline = chamferedRectangle(
      scale(add(a, c), 0.5),
      normalize(sub(b, a)),
      plan.alongM,
      plan.acrossM,
      4,
    );
    placer.addObstacle(outline, 8);
    const id = `basin-${plan.slug}`;
    return {
      type: 'Feature',
      id,
      properties: { id, name: plan.name, maxLevelCm: plan.maxLevelCm, volumeM3: plan.volumeM3 },
      geometry: { type: 'Polygon', coordinates: [toClosedRing(projection, ground, outline)] },
    };
  });

  // Then the planned buildings: garages and landmarks.
  const garageBuildings = new Map<string, PlacedBuilding>();
  for (const plan of GARAGES) {
    const block = network.blockOfCell(plan.cell[0], plan.cell[1]);
    const design = garageDesign(plan.capacitySpaces, plan.storeys, plan.name);
    const ring = placer.findPlannedSpot(block, plan.side, plan.at, design, plan.name);
    garageBuildings.set(plan.slug, placer.addPlanned(block, ring, design, `parking-${plan.slug}`));
  }
  for (const plan of LANDMARKS) {
    const block = network.blockOfCell(plan.cell[0], plan.cell[1]);
    const design: BuildingDesign = {
      alongM: plan.alongM,
      acrossM: plan.acrossM,
      storeys: plan.storeys,
      heightM: plan.heightM,
      use: plan.use,
      name: plan.name,
      setbackM: 3,
      gapM: 6,
      ...(plan.lShape ? { lShape: plan.lShape } : {}),
    };
    placer.addPlanned(
      block,
      placer.findPlannedSpot(block, plan.side, plan.at, design, plan.name),
      design,
      plan.key,
    );
  }

  // Then every block is filled in the style of its zone, each from its own random stream.
  for (const block of network.blocks) {
    const style = ZONE_STYLES[block.zone];
    if (!style) continue;
    const rng = createPrng(deriveSeed(seed, 'block', block.index));
    placer.fillFrontage(block, rng, style.front, () =>
      rng.range(style.frontSetbackM[0], style.frontSetbackM[1]),
    );
    if (style.interior)
      placer.fillInterior(block, rng, style.interior.design, style.interior.spacingM, style.interior.chance);
  }

  const buildingIds = new Map<PlacedBuilding, string>();
  const addresses = assignAddresses(
    placer.buildings.map((building) => building.ring),
    network.segments.map((segment) => ({ name: segment.info.name, points: segment.points })),
  );
  const buildingFeatures: BuildingFeature[] = placer.buildings.map((building, index) => {
    const id = `b${String(index + 1).padStart(5, '0')}`;
    buildingIds.set(building, id);
    const { design } = building;
    return {
      type: 'Feature',
      id,
      properties: {
        id,
        heightM: design.heightM,
        storeys: design.storeys,
        use: design.use,
        ...(design.name ? { name: design.name } : {}),
        ...addresses[index],
      },
      geometry: { type: 'Polygon', coordinates: [toClosedRing(projection, ground, building.ring)] },
    };
  });

  const roadFeatures: RoadFeature[] = network.segments.map((segment, index) => {
    const id = `r${String(index + 1).padStart(4, '0')}`;
    return {
      type: 'Feature',
      id,
      properties: {
        id,
        name: segment.info.name,
        roadClass: segment.info.roadClass,
        speedLimitKmh: segment.info.speedLimitKmh,
        lanes: segment.info.lanes,
      },
      geometry: {
        type: 'LineString',
        coordinates: segment.points.map((point) => toPosition(projection, ground, point)),
      },
    };
  });

  const sensors: Sensor[] = [
    ...GARAGES.map((plan): Sensor => {
      const building = garageBuildings.get(plan.slug) as PlacedBuilding;
      return {
        id: `parking-${plan.slug}`,
        kind: 'parking',
        name: plan.name,
        position: sensorPosition(projection, ground, centroid(building.ring), building.design.heightM),
        object: { type: 'building', id: buildingIds.get(building) as string },
        quantities: ['occupiedSpaces', 'freeSpaces'],
        intervalMs: 20_000,
        thresholds: {
          freeSpaces: {
            warn: Math.round(plan.capacitySpaces * 0.1),
            alarm: Math.round(plan.capacitySpaces * 0.03),
            direction: 'below',
          },
        },
        visibility: 'public',
        attributes: { capacitySpaces: plan.capacitySpaces },
      };
    }),
    ...pickTrafficSegments(roadFeatures, network).map(({ feature, segment }): Sensor => {
      const { id, name, speedLimitKmh, lanes, roadClass } = feature.properties;
      const between =
        segment.fromStreet && segment.toStreet
          ? ` (${segment.fromStreet} – ${segment.toStreet})`
          : ` (${id})`;
      return {
        id: `traffic-${id}`,
        kind: 'traffic',
        name: `${name}${between}`,
        position: sensorPosition(
          projection,
          ground,
          pointAlong(segment.points, polylineLengthM(segment.points) / 2).point,
          0,
        ),
        object: { type: 'road', id },
        quantities: ['speedKmh', 'vehiclesPerHour'],
        intervalMs: 15_000,
        thresholds: {},
        visibility: 'public',
        attributes: { speedLimitKmh, lanes, roadClass },
      };
    }),
    ...STATIONS.map((plan): Sensor => ({
      id: `env-${plan.slug}`,
      kind: 'environment',
      name: plan.name,
      // Sensors on a mast, a few metres above the pavement.
      position: sensorPosition(projection, ground, stationPoint(network, plan), 3.5),
      object: { type: 'site', id: `station-${plan.slug}` },
      quantities: ['no2UgM3', 'pm10UgM3', 'pm25UgM3', 'temperatureC', 'humidityPercent', 'noiseDbA'],
      intervalMs: 60_000,
      // EU limit values and WHO guidance scaled to short-term warnings; noise after the German
      // daytime guide values for mixed areas.
      thresholds: {
        no2UgM3: { warn: 100, alarm: 200, direction: 'above' },
        pm10UgM3: { warn: 40, alarm: 50, direction: 'above' },
        pm25UgM3: { warn: 20, alarm: 25, direction: 'above' },
        noiseDbA: { warn: 65, alarm: 75, direction: 'above' },
      },
      visibility: 'public',
      // Battery-powered LoRaWAN stations, as in Heilbronn's sensor net: the simulator reports their
      // battery and radio link like a network server would.
      attributes: { radio: 'lorawan' },
    })),
    ...BASINS.map((plan, index): Sensor => {
      const feature = basinFeatures[index] as BasinFeature;
      const ring = feature.geometry.coordinates[0] ?? [];
      const outline = ring.slice(0, -1).map(([lon, lat]) => projection.toLocal([lon, lat]));
      return {
        id: `basin-${plan.slug}`,
        kind: 'water',
        name: plan.name,
        position: sensorPosition(projection, ground, centroid(outline), 0),
        object: { type: 'site', id: feature.id },
        quantities: ['levelCm', 'inflowLps'],
        intervalMs: 30_000,
        thresholds: {
          levelCm: {
            warn: Math.round(plan.maxLevelCm * 0.7),
            alarm: Math.round(plan.maxLevelCm * 0.9),
            direction: 'above',
          },
        },
        visibility: 'public',
        attributes: { maxLevelCm: plan.maxLevelCm, volumeM3: plan.volumeM3, radio: 'lorawan' },
      };
    }),
  ];

  const catalogue = demoCatalogue(network, projection, DEMO_CITY_ID);
  return {
    city: cityManifest(ground),
    buildings: { type: 'FeatureCollection', features: buildingFeatures },
    roads: { type: 'FeatureCollection', features: roadFeatures },
    basins: { type: 'FeatureCollection', features: basinFeatures },
    sensors,
    ...layerCatalog(catalogue.layers),
    // On the relief like everything else of the pack: each position gets its ground height.
    catalogueFiles: catalogue.files.map((file) => catalogueOnGround(file, ground)),
    basemaps: [],
  };
}

/**
 * The segments that carry induction loops: every primary and secondary segment, then tertiary ones
 * spread evenly until `TRAFFIC_SENSOR_COUNT`; if main roads alone exceed it, an even selection of them.
 */
function pickTrafficSegments(
  features: readonly RoadFeature[],
  network: StreetNetwork,
): { feature: RoadFeature; segment: StreetNetwork['segments'][number] }[] {
  const withSegments = features.map((feature, index) => ({
    feature,
    segment: network.segments[index] as StreetNetwork['segments'][number],
  }));
  const main = withSegments.filter(
    ({ feature }) =>
      feature.properties.roadClass === 'primary' || feature.properties.roadClass === 'secondary',
  );
  const tertiary = withSegments.filter(({ feature }) => feature.properties.roadClass === 'tertiary');
  const spread = <T>(items: readonly T[], count: number): T[] => {
    if (count >= items.length) return [...items];
    return Array.from({ length: count }, (_, k) => items[Math.floor((k * items.length) / count)] as T);
  };
  const chosen =
    main.length >= TRAFFIC_SENSOR_COUNT
      ? spread(main, TRAFFIC_SENSOR_COUNT)
      : [...main, ...spread(tertiary, TRAFFIC_SENSOR_COUNT - main.length)];
  const order = new Map(withSegments.map((entry, index) => [entry, index]));
  return chosen.sort((a, b) => (order.get(a) as number) - (order.get(b) as number));
}

function cityManifest(ground: GroundHeight): CityManifest {
  const [lon, lat] = CENTRE_LON_LAT;
  /** Above the ground at the centre; `homeView.heightM` is absolute, so the ground is added. */
  const aboveGroundM = 1500;
  const heightM = Math.round(ground(lon, lat) + aboveGroundM);
  const pitchDeg = -35;
  // The camera stands south of the centre, far enough back that its view axis meets the ground at
  // the centre: distance = height above that ground / tan(|pitch|).
  const backM = aboveGroundM / Math.tan((-pitchDeg * Math.PI) / 180);
  const [, cameraLat] = createLocalProjection(CENTRE_LON_LAT).toLonLat([0, -backM]);
  return {
    id: DEMO_CITY_ID,
    name: 'Böblingen (Demo)',
    synthetic: true,
    centre: [lon, lat],
    homeView: { lon, lat: roundDegrees(cameraLat), heightM, headingDeg: 0, pitchDeg },
    crs: 'EPSG:4326',
    timezone: 'Europe/Berlin',
    attribution: 'Demo-Daten (synthetisch)',
  };
}

/** A catalogue file with the ground height as every position's third value. */
function catalogueOnGround(file: CatalogueFile, ground: (lon: number, lat: number) => number): CatalogueFile {
  const at = (p: readonly number[]): number[] => [p[0] ?? 0, p[1] ?? 0, ground(p[0] ?? 0, p[1] ?? 0)];
  return {
    ...file,
    features: file.features.map((feature) => {
      const g = feature.geometry;
      const geometry =
        g.type === 'Point'
          ? { type: g.type, coordinates: at(g.coordinates) }
          : g.type === 'LineString'
            ? { type: g.type, coordinates: g.coordinates.map(at) }
            : { type: g.type, coordinates: g.coordinates.map((ring) => ring.map(at)) };
      return { ...feature, geometry };
    }),
  };
}

function layerCatalog(catalogueLayers: readonly LayerEntryInput[]): LayerCatalog {
  const layers: LayerEntryInput[] = [
    {
      id: 'buildings',
      type: 'tileset',
      title: { de: 'Gebäude', en: 'Buildings' },
      url: `/tiles/${DEMO_CITY_ID}/tileset.json`,
      visible: true,
    },
    {
      id: 'roads',
      type: 'geojson',
      title: { de: 'Straßen', en: 'Roads' },
      url: `/data/${DEMO_CITY_ID}/roads.geojson`,
      visible: true,
    },
    {
      id: 'basins',
      type: 'geojson',
      title: { de: 'Regenbecken', en: 'Stormwater basins' },
      url: `/data/${DEMO_CITY_ID}/basins.geojson`,
      visible: true,
    },
    {
      id: 'parking',
      type: 'live',
      title: { de: 'Parkhäuser', en: 'Parking garages' },
      kind: 'parking',
      visible: true,
    },
    { id: 'traffic', type: 'live', title: { de: 'Verkehr', en: 'Traffic' }, kind: 'traffic', visible: true },
    {
      id: 'environment',
      type: 'live',
      title: { de: 'Umwelt', en: 'Environment' },
      kind: 'environment',
      visible: true,
    },
    {
      id: 'water',
      type: 'live',
      title: { de: 'Füllstände Regenbecken', en: 'Basin levels' },
      kind: 'water',
      visible: true,
    },
  ];
  const grouped = layers.map((layer) => ({ ...layer, group: GROUP_OF_PACK_LAYER[layer.id] }));
  // Parsed, so the pack's types hold the schema's defaults; the file is written from the same entries.
  return LayerCatalogSchema.parse({ groups: DEMO_GROUPS, layers: [...grouped, ...catalogueLayers] });
}
