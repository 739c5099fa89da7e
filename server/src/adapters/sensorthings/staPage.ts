/**
 * Pure readers of OGC SensorThings API 1.1 responses (FROST-Server and others): one page of a
 * collection, the datastreams of `$expand`ed Things, and Locations in either the plain entity form or
 * the `$resultFormat=GeoJSON` form. No I/O and no throwing: whatever is wrong becomes a `problems`
 * sentence and the rest is kept. The adapter follows the `nextLink`s these report.
 */

/** A JSON object. */
export type JsonObject = Record<string, unknown>;

/** One entity of a collection, its `@iot.id` normalised to a string. */
export interface StaEntity {
  /** `@iot.id`: integer ids become their decimal string, UUID and other string ids stay as they are. */
  readonly id: string;
  /** The entity as the server sent it. */
  readonly body: JsonObject;
}

/** One page of a collection response. */
export interface StaCollectionPage {
  readonly items: StaEntity[];
  /** `@iot.nextLink`: the next page, to be fetched by the adapter. */
  readonly nextLink?: string;
  /** `@iot.count`, when the request asked for `$count=true`. */
  readonly count?: number;
  readonly problems: string[];
}

/** `[lon, lat]` in WGS84 degrees. */
export type LonLat = [number, number];

/** One datastream found under a Thing. */
export interface StaDatastreamInfo {
  readonly datastreamId: string;
  /** `name`, else `description`, else `Datastream <id>`. */
  readonly name: string;
  /** `unitOfMeasurement.symbol`, when given. */
  readonly unitSymbol?: string;
  /** `ObservedProperty.name`, when expanded. */
  readonly observedProperty?: string;
  /** `Sensor.name`, when expanded. */
  readonly sensorName?: string;
  readonly thingId: string;
  /** `name`, else `description`, else `Thing <id>`. */
  readonly thingName: string;
  /** The Thing's first usable Location, else the datastream's `observedArea`, as a point. */
  readonly location?: LonLat;
}

/** A nested collection the server cut short: the adapter fetches the rest from `nextLink`. */
export interface StaNestedNextLink {
  readonly thingId: string;
  /** The navigation property that was cut, e.g. `Datastreams`. */
  readonly property: string;
  readonly nextLink: string;
}

export interface CollectedDatastreams {
  readonly datastreams: StaDatastreamInfo[];
  readonly nextLinks: StaNestedNextLink[];
  readonly problems: string[];
}

/** One Location of a `$resultFormat=GeoJSON` response. */
export interface StaGeoJsonLocation {
  readonly id: string;
  readonly name?: string;
  /** The geometry type the server sent (`Point`, `Polygon`, `LineString`, …). */
  readonly geometryType: string;
  /** The point itself, or the mean of the vertices of a line or polygon. */
  readonly point: LonLat;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An `@iot.id` as a string: integers as decimal, non-empty strings as given; otherwise undefined. */
export function staId(value: unknown): string | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? String(value) : undefined;
  if (typeof value === 'string') return value.trim() === '' ? undefined : value;
  return undefined;
}

/** Parses a JSON string; any other value is passed through. `ok: false` when the string is not JSON. */
export function parseJsonInput(raw: unknown): { ok: true; value: unknown } | { ok: false; error: string } {
  if (typeof raw !== 'string') return { ok: true, value: raw };
  try {
    return { ok: true, value: JSON.parse(raw) as unknown };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

/** Reads one page of a SensorThings collection (`value`, `@iot.nextLink`, `@iot.count`). */
export function parseStaCollection(raw: unknown, label: string): StaCollectionPage {
  const items: StaEntity[] = [];
  const problems: string[] = [];
  const parsed = parseJsonInput(raw);
  if (!parsed.ok) return { items, problems: [`${label}: the response is not JSON (${parsed.error})`] };
  const body = parsed.value;
  if (!isJsonObject(body)) {
    return { items, problems: [`${label}: the response is ${describe(body)}, not a collection object`] };
  }
  const value = body.value;
  if (!Array.isArray(value)) {
    problems.push(`${label}: "value" is ${describe(value)}, not an array`);
  } else {
    value.forEach((entry: unknown, index) => {
      if (!isJsonObject(entry)) {
        problems.push(`${label}: value[${index}] is ${describe(entry)}, not an entity`);
        return;
      }
      const id = staId(entry['@iot.id']);
      if (id === undefined) {
        problems.push(`${label}: value[${index}] has no usable @iot.id (${describe(entry['@iot.id'])})`);
        return;
      }
      items.push({ id, body: entry });
    });
  }
  const page: { items: StaEntity[]; nextLink?: string; count?: number; problems: string[] } = {
    items,
    problems,
  };
  const nextLink = body['@iot.nextLink'];
  if (typeof nextLink === 'string' && nextLink !== '') page.nextLink = nextLink;
  else if (nextLink !== undefined) problems.push(`${label}: "@iot.nextLink" is ${describe(nextLink)}`);
  const count = body['@iot.count'];
  if (typeof count === 'number' && Number.isSafeInteger(count) && count >= 0) page.count = count;
  else if (count !== undefined) problems.push(`${label}: "@iot.count" is ${describe(count)}`);
  return page;
}

function isPosition(value: unknown): value is [number, number, ...number[]] {
  return (
    Array.isArray(value) &&
    value.length >= 2 &&
    typeof value[0] === 'number' &&
    typeof value[1] === 'number' &&
    Number.isFinite(value[0]) &&
    Number.isFinite(value[1])
  );
}

/** Every position nested in GeoJSON `coordinates`, in order. */
function positions(coordinates: unknown, out: LonLat[] = []): LonLat[] {
  if (isPosition(coordinates)) out.push([coordinates[0], coordinates[1]]);
  else if (Array.isArray(coordinates)) for (const c of coordinates) positions(c, out);
  return out;
}

function inRange([lon, lat]: LonLat): boolean {
  return lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90;
}

/**
 * A GeoJSON geometry (or a Feature holding one) as one point: a Point as itself, any other geometry
 * as the mean of its vertices (the closing vertex of a polygon ring counted once). Undefined when it
 * has no valid WGS84 position.
 */
export function geometryPoint(geometry: unknown): LonLat | undefined {
  if (!isJsonObject(geometry)) return undefined;
  if (geometry.type === 'Feature') return geometryPoint(geometry.geometry);
  if (geometry.type === 'GeometryCollection') {
    const points = Array.isArray(geometry.geometries)
      ? geometry.geometries.map(geometryPoint).filter((p): p is LonLat => p !== undefined)
      : [];
    return mean(points);
  }
  if (geometry.type === 'Polygon' || geometry.type === 'MultiPolygon') {
    const rings: unknown[] =
      geometry.type === 'Polygon'
        ? [Array.isArray(geometry.coordinates) ? geometry.coordinates[0] : undefined]
        : Array.isArray(geometry.coordinates)
          ? geometry.coordinates.map((p: unknown) => (Array.isArray(p) ? p[0] : undefined))
          : [];
    const vertices: LonLat[] = [];
    for (const ring of rings) {
      const ringPositions = positions(ring);
      const first = ringPositions[0];
      const last = ringPositions[ringPositions.length - 1];
      if (ringPositions.length > 1 && first && last && first[0] === last[0] && first[1] === last[1]) {
        ringPositions.pop();
      }
      vertices.push(...ringPositions);
    }
    return mean(vertices);
  }
  return mean(positions(geometry.coordinates));
}

function mean(points: LonLat[]): LonLat | undefined {
  if (points.length === 0) return undefined;
  let lon = 0;
  let lat = 0;
  for (const p of points) {
    lon += p[0];
    lat += p[1];
  }
  const point: LonLat = [lon / points.length, lat / points.length];
  return inRange(point) ? point : undefined;
}

/** A Location entity (`location` holds GeoJSON), or a bare geometry or Feature, as one point. */
export function locationPoint(location: unknown): LonLat | undefined {
  if (!isJsonObject(location)) return undefined;
  if ('location' in location) return geometryPoint(location.location);
  return geometryPoint(location);
}

/** Reads the Locations of a `$resultFormat=GeoJSON` response (a FeatureCollection, ids in `properties`). */
export function parseGeoJsonLocations(raw: unknown): { locations: StaGeoJsonLocation[]; problems: string[] } {
  const locations: StaGeoJsonLocation[] = [];
  const problems: string[] = [];
  const parsed = parseJsonInput(raw);
  if (!parsed.ok) return { locations, problems: [`GeoJSON Locations: not JSON (${parsed.error})`] };
  const body = parsed.value;
  if (!isJsonObject(body) || body.type !== 'FeatureCollection' || !Array.isArray(body.features)) {
    return { locations, problems: ['GeoJSON Locations: the response is not a FeatureCollection'] };
  }
  body.features.forEach((feature: unknown, index) => {
    const properties = isJsonObject(feature) ? feature.properties : undefined;
    const id = isJsonObject(properties) ? staId(properties['@iot.id']) : undefined;
    if (!isJsonObject(feature) || id === undefined) {
      problems.push(`GeoJSON Locations: features[${index}] has no @iot.id`);
      return;
    }
    const geometry = feature.geometry;
    const point = geometryPoint(geometry);
    if (point === undefined || !isJsonObject(geometry) || typeof geometry.type !== 'string') {
      problems.push(`GeoJSON Locations: Location ${id} has no usable geometry`);
      return;
    }
    const name = isJsonObject(properties) ? properties.name : undefined;
    locations.push({
      id,
      ...(typeof name === 'string' ? { name } : {}),
      geometryType: geometry.type,
      point,
    });
  });
  return { locations, problems };
}

function label(entity: JsonObject, fallback: string): string {
  if (typeof entity.name === 'string' && entity.name !== '') return entity.name;
  if (typeof entity.description === 'string' && entity.description !== '') return entity.description;
  return fallback;
}

/**
 * Walks Things fetched with `$expand=Datastreams($expand=ObservedProperty,Sensor),Locations` (or with
 * `Datastreams/Observations`) into a flat list of datastreams. A nested `Datastreams@iot.nextLink` is
 * reported in `nextLinks` for the adapter to follow; Things and Datastreams without an id are problems.
 */
export function collectDatastreams(things: unknown[]): CollectedDatastreams {
  const datastreams: StaDatastreamInfo[] = [];
  const nextLinks: StaNestedNextLink[] = [];
  const problems: string[] = [];
  things.forEach((thing: unknown, index) => {
    const body = isJsonObject(thing) && isJsonObject(thing.body) && 'id' in thing ? thing.body : thing;
    if (!isJsonObject(body)) {
      problems.push(`Things[${index}] is ${describe(body)}, not a Thing`);
      return;
    }
    const thingId = staId(body['@iot.id']);
    if (thingId === undefined) {
      problems.push(`Things[${index}] has no usable @iot.id`);
      return;
    }
    const thingName = label(body, `Thing ${thingId}`);
    let thingLocation: LonLat | undefined;
    if (Array.isArray(body.Locations)) {
      for (const loc of body.Locations) {
        thingLocation = locationPoint(loc);
        if (thingLocation) break;
      }
      if (!thingLocation && body.Locations.length > 0) {
        problems.push(`Thing ${thingId}: none of its ${body.Locations.length} Locations has a usable point`);
      }
    }
    const link = body['Datastreams@iot.nextLink'];
    if (typeof link === 'string' && link !== '') {
      nextLinks.push({ thingId, property: 'Datastreams', nextLink: link });
    }
    if (body.Datastreams === undefined) {
      problems.push(`Thing ${thingId}: Datastreams were not expanded`);
      return;
    }
    if (!Array.isArray(body.Datastreams)) {
      problems.push(`Thing ${thingId}: Datastreams is ${describe(body.Datastreams)}, not an array`);
      return;
    }
    body.Datastreams.forEach((ds: unknown, dsIndex) => {
      const datastreamId = isJsonObject(ds) ? staId(ds['@iot.id']) : undefined;
      if (!isJsonObject(ds) || datastreamId === undefined) {
        problems.push(`Thing ${thingId}: Datastreams[${dsIndex}] has no usable @iot.id`);
        return;
      }
      const unit = ds.unitOfMeasurement;
      const unitSymbol = isJsonObject(unit) && typeof unit.symbol === 'string' ? unit.symbol : undefined;
      const observedProperty =
        isJsonObject(ds.ObservedProperty) && typeof ds.ObservedProperty.name === 'string'
          ? ds.ObservedProperty.name
          : undefined;
      const sensorName =
        isJsonObject(ds.Sensor) && typeof ds.Sensor.name === 'string' ? ds.Sensor.name : undefined;
      const location = thingLocation ?? geometryPoint(ds.observedArea);
      datastreams.push({
        datastreamId,
        name: label(ds, `Datastream ${datastreamId}`),
        ...(unitSymbol !== undefined ? { unitSymbol } : {}),
        ...(observedProperty !== undefined ? { observedProperty } : {}),
        ...(sensorName !== undefined ? { sensorName } : {}),
        thingId,
        thingName,
        ...(location !== undefined ? { location } : {}),
      });
    });
  });
  return { datastreams, nextLinks, problems };
}
