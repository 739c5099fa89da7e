/**
 * What a city pack offers the search, as {@link SearchEntry}s: the town itself and its named places,
 * streets (the segments of one name merged into one entry with its extent), buildings by address,
 * name and id, garages and the other sensors. Pure: the pack and its place points in, entries out.
 */
import type { Sensor, SensorKind } from '../../../protocol/index.ts';
import type { CityPack, Position } from '../../../protocol/packFeatures.ts';
import type { SearchEntry } from './searchIndex.ts';

/** A named place point of the pack (a district, a square, a hill), from any of its GeoJSON files. */
export interface PackPlace {
  readonly id: string;
  readonly name: string;
  readonly lon: number;
  readonly lat: number;
  /** The place's own type as the file says (`suburb`, `square`), shown below the name. */
  readonly placeType?: string;
}

/** Words a sensor is also found by, German and English, beyond its name. */
const KIND_WORDS: Readonly<Record<SensorKind, string>> = {
  parking: 'Parkhaus Parken Garage parking garage',
  traffic: 'Verkehr Zählstelle traffic',
  environment: 'Umwelt Messstation Luft environment air',
  water: 'Regenbecken Pegel Füllstand water basin',
};

type Bbox = [number, number, number, number];

function extend(bbox: Bbox | undefined, [lon, lat]: Position): Bbox {
  if (!bbox) return [lon, lat, lon, lat];
  return [Math.min(bbox[0], lon), Math.min(bbox[1], lat), Math.max(bbox[2], lon), Math.max(bbox[3], lat)];
}

/** The mean of a ring's corners (the closing corner once): inside any convex footprint. */
function ringCentre(ring: readonly Position[]): [number, number] {
  const corners = ring.length > 1 ? ring.slice(0, -1) : ring;
  let lon = 0;
  let lat = 0;
  for (const [x, y] of corners) {
    lon += x;
    lat += y;
  }
  return [lon / Math.max(1, corners.length), lat / Math.max(1, corners.length)];
}

/** The address a building carries (`street` + `houseNumber`, or OSM's `addr:*` from an import). */
export function addressOf(properties: Readonly<Record<string, unknown>>): string | undefined {
  const street = properties.street ?? properties['addr:street'];
  const number = properties.houseNumber ?? properties['addr:housenumber'];
  if (typeof street !== 'string' || street.trim() === '') return undefined;
  return typeof number === 'string' || typeof number === 'number' ? `${street} ${number}` : street;
}

/** One entry per street name: the extent of all its segments, its point the vertex nearest their middle. */
function streetEntries(pack: Omit<CityPack, 'dir'>): SearchEntry[] {
  const byName = new Map<string, Position[]>();
  for (const road of pack.roads.features) {
    const name = road.properties.name;
    const points = byName.get(name);
    if (points) points.push(...road.geometry.coordinates);
    else byName.set(name, [...road.geometry.coordinates]);
  }
  return [...byName].map(([name, points]): SearchEntry => {
    let bbox: Bbox | undefined;
    for (const point of points) bbox = extend(bbox, point);
    const [west, south, east, north] = bbox as Bbox;
    const middle: [number, number] = [(west + east) / 2, (south + north) / 2];
    // A curved street's middle can be off the street; its nearest vertex is on it.
    let nearest = points[0] as Position;
    let nearestD = Infinity;
    for (const point of points) {
      const d = (point[0] - middle[0]) ** 2 + (point[1] - middle[1]) ** 2;
      if (d < nearestD) {
        nearest = point;
        nearestD = d;
      }
    }
    return {
      result: {
        kind: 'street',
        id: `street:${name}`,
        label: name,
        lon: nearest[0],
        lat: nearest[1],
        bbox: [west, south, east, north],
      },
      visibility: 'public',
    };
  });
}

function sensorEntry(sensor: Sensor, addressOfBuilding: ReadonlyMap<string, string>): SearchEntry {
  const buildingId = sensor.object.type === 'building' ? sensor.object.id : undefined;
  const address = buildingId === undefined ? undefined : addressOfBuilding.get(buildingId);
  return {
    result: {
      kind: sensor.kind === 'parking' ? 'garage' : 'sensor',
      id: `sensor:${sensor.id}`,
      label: sensor.name,
      ...(address ? { sublabel: address } : {}),
      lon: sensor.position[0],
      lat: sensor.position[1],
      sensorKind: sensor.kind,
      sensorId: sensor.id,
      ...(buildingId ? { buildingId } : {}),
    },
    visibility: sensor.visibility,
    keywords: `${sensor.id} ${KIND_WORDS[sensor.kind]}${address ? ` ${address}` : ''}`,
    ...(address ? { altLabel: address } : {}),
  };
}

/** Every entry of a pack: the town, its places, streets, buildings and sensors. */
export function packSearchEntries(
  pack: Omit<CityPack, 'dir'>,
  places: readonly PackPlace[] = [],
): SearchEntry[] {
  const entries: SearchEntry[] = [
    {
      result: {
        kind: 'place',
        id: 'place:city',
        label: pack.city.name,
        lon: pack.city.centre[0],
        lat: pack.city.centre[1],
      },
      visibility: 'public',
    },
  ];
  for (const place of places)
    entries.push({
      result: {
        kind: 'place',
        id: `place:${place.id}`,
        label: place.name,
        ...(place.placeType ? { sublabel: place.placeType } : {}),
        lon: place.lon,
        lat: place.lat,
      },
      visibility: 'public',
    });
  entries.push(...streetEntries(pack));

  // A garage's building is found as the garage (with its live occupancy) where its sensor is visible.
  const garageOfBuilding = new Map<string, string>();
  for (const sensor of pack.sensors)
    if (sensor.object.type === 'building') garageOfBuilding.set(sensor.object.id, sensor.id);
  const addressOfBuilding = new Map<string, string>();
  for (const building of pack.buildings.features) {
    const properties = building.properties as unknown as Readonly<Record<string, unknown>>;
    const address = addressOf(properties);
    if (address) addressOfBuilding.set(building.id, address);
    const name = building.properties.name;
    const ring = building.geometry.coordinates[0];
    if (!ring || ring.length === 0) continue;
    const [lon, lat] = ringCentre(ring);
    const shownAsSensorId = garageOfBuilding.get(building.id);
    const label = name ?? address ?? building.id;
    entries.push({
      result: {
        // A named building is found as itself; an unnamed one by its address, or its id.
        kind: name === undefined && address !== undefined ? 'address' : 'building',
        id: `building:${building.id}`,
        label,
        ...(name !== undefined && address !== undefined ? { sublabel: address } : {}),
        lon,
        lat,
        buildingId: building.id,
      },
      visibility: 'public',
      keywords: name !== undefined && address !== undefined ? `${building.id} ${address}` : building.id,
      ...(name !== undefined && address !== undefined ? { altLabel: address } : {}),
      ...(shownAsSensorId ? { shownAsSensorId } : {}),
    });
  }
  for (const sensor of pack.sensors) entries.push(sensorEntry(sensor, addressOfBuilding));
  return entries;
}
