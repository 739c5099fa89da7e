/**
 * Test support: a small stand-in for a FROST-Server's HTTP API (SensorThings API 1.1) on 127.0.0.1,
 * port 0. Its catalogue is the real FROST documentation sample
 * (`frost-docs-thing-expand-datastreams-observations.json`, Thing 17 with Datastreams 19 and 21 and
 * their Observations) plus synthetic Things placed at the Locations of FROST's own test answer
 * `frost-tests-geoJsonResult.json`, served in pages with real `@iot.nextLink`s. It answers
 * `Things?$expand=Datastreams,Locations` (with `$top`/`$skip`, nested `Datastreams@iot.nextLink`),
 * `Things(id)/Datastreams` and `Datastreams(id)/Observations` with `$top`, `$skip`,
 * `$orderby=phenomenonTime asc|desc` and `$filter=phenomenonTime gt <time>`, with `$top` capped at
 * `maxTop`. Like FROST, a number id must be written unquoted and a string id quoted. A test adds
 * Observations, makes it fail (500) or answer garbage, and reads the requests it got.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fixture } from '../../../scripts/fixtures/fixturesDir.ts';

type Json = Record<string, unknown>;

function readFixture(name: string): unknown {
  return JSON.parse(readFileSync(fixture(`sensorthings/${name}`), 'utf8')) as unknown;
}

function isJson(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An Observation as a test adds it; the stand-in gives it an `@iot.id`. */
export interface StandInObservation {
  readonly phenomenonTime: string;
  readonly result: unknown;
  readonly resultTime?: string;
}

/** Which requests a failure applies to. */
export type StandInScope = 'all' | 'Things' | 'Observations';

/** How the stand-in answers: normally, with HTTP 500, or with a 200 whose body is not JSON. */
export type StandInFailure = 'none' | 'http-500' | 'garbage';

export interface FrostStandInOptions {
  /** Things per page of the catalogue (default 2, so the 5 Things take 3 pages). */
  readonly thingsPageSize?: number;
  /** Datastreams of one Thing expanded in the catalogue before `Datastreams@iot.nextLink` (default 2). */
  readonly datastreamsPageSize?: number;
  /** The most entities one page holds, whatever `$top` asks (FROST's `maxTop`, default 10000). */
  readonly maxTop?: number;
  /**
   * The root its links are built on, like FROST's `serviceRootUrl` setting (default: its real
   * address). Set to another host to play a FROST behind a proxy that was not told its public URL.
   */
  readonly serviceRootUrl?: string;
  /** The last Things page links back to the first: a server bug a client must survive. */
  readonly loopingThingsNextLink?: boolean;
  /**
   * Datastreams whose `@iot.id` the server types as a string although it is made of digits (`'50'`),
   * as a FROST with string ids does: URLs and topics must quote them.
   */
  readonly stringDatastreamIds?: readonly number[];
  /** Require HTTP basic auth with these credentials (401 otherwise). */
  readonly basicAuth?: { readonly username: string; readonly password: string };
}

export interface FrostStandIn {
  /** The service root, `http://127.0.0.1:<port>/FROST-Server/v1.1`. */
  readonly url: string;
  /** Path and query of every request, decoded, in order. */
  readonly requests: readonly string[];
  /** Datastream ids of the catalogue, as `@iot.id` strings: numbers and one UUID. */
  readonly datastreamIds: readonly string[];
  /** The UUID (string id) datastream, whose results are objects `{ level, temp: { water } }`. */
  readonly uuidDatastreamId: string;
  /** Adds an Observation to a datastream; returns its `@iot.id`. */
  addObservation(datastreamId: string, observation: StandInObservation): number;
  setFailure(failure: StandInFailure, scope?: StandInScope): void;
  close(): Promise<void>;
}

const ROOT_PATH = '/FROST-Server/v1.1';
const UUID_DATASTREAM = '7b4e1c2a-b198-11f0-a67c-63170af7411e';

interface StoredDatastream {
  /** The `@iot.id` as the server types it: number or string. */
  readonly rawId: number | string;
  readonly entity: Json;
  readonly observations: Json[];
}

interface StoredThing {
  readonly entity: Json;
  readonly locations: Json[];
  readonly datastreams: StoredDatastream[];
}

/** A Location entity as FROST expands it, from one Feature of FROST's GeoJSON test answer. */
function locationFrom(feature: unknown): Json[] {
  if (!isJson(feature) || !isJson(feature.properties)) return [];
  return [{ ...feature.properties, location: feature.geometry }];
}

function buildCatalogue(stringIds: ReadonlySet<number>): StoredThing[] {
  const docs = readFixture('frost-docs-thing-expand-datastreams-observations.json');
  const geo = readFixture('frost-tests-geoJsonResult.json');
  const features = isJson(geo) && Array.isArray(geo.features) ? geo.features : [];
  if (!isJson(docs) || !Array.isArray(docs.Datastreams)) throw new Error('unexpected FROST docs fixture');
  const { Datastreams: docsDatastreams, ...docsThing } = docs;
  const lantern: StoredThing = {
    entity: docsThing,
    locations: [],
    // The sample's expanded Observations become the datastreams' stored ones.
    datastreams: (docsDatastreams as unknown[]).filter(isJson).map((ds) => {
      const { Observations, ...entity } = ds;
      for (const key of Object.keys(entity)) if (key.startsWith('Observations@')) delete entity[key];
      return {
        rawId: entity['@iot.id'] as number,
        entity,
        observations: Array.isArray(Observations) ? Observations.filter(isJson) : [],
      };
    }),
  };
  const datastream = (id: number | string, name: string, symbol: string): StoredDatastream => {
    const rawId = typeof id === 'number' && stringIds.has(id) ? String(id) : id;
    return {
      rawId,
      entity: {
        '@iot.id': rawId,
        name,
        description: name,
        observationType: 'http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Measurement',
        unitOfMeasurement: { name: symbol, symbol, definition: '' },
      },
      observations: [],
    };
  };
  const thing = (id: number, name: string, featureIndex: number, datastreams: StoredDatastream[]) => ({
    entity: { '@iot.id': id, name, description: name, properties: {} },
    locations: locationFrom(features[featureIndex]),
    datastreams,
  });
  return [
    lantern,
    thing(18, 'Pegel Murkenbach', 0, [datastream(UUID_DATASTREAM, 'Pegel und Wassertemperatur', 'm')]),
    thing(20, 'Zählstelle Herrenberger Straße', 1, [
      datastream(30, 'Geschwindigkeit', 'km/h'),
      datastream(31, 'Fahrzeuge je Minute', '1/min'),
      datastream(32, 'Belegung', '%'),
    ]),
    thing(40, 'Parkhaus Stadtmitte', 4, [datastream(50, 'Freie Plätze', '1')]),
    thing(41, 'Luftmessstation Elbenplatz', 5, [datastream(51, 'NO2', 'ug/m3')]),
  ];
}

/** An id as FROST writes it in a URL: a number as is, a string quoted (`'abc'`, quotes doubled). */
function literalOf(rawId: number | string): string {
  return typeof rawId === 'number' ? String(rawId) : `'${rawId.replaceAll("'", "''")}'`;
}

/** A query string keeping `$` keys readable, as FROST writes its nextLinks. */
function queryString(params: URLSearchParams): string {
  return [...params].map(([key, value]) => `${key}=${encodeURIComponent(value)}`).join('&');
}

/** Starts the stand-in; close it in the test's `afterEach`/`afterAll`. */
export async function createFrostStandIn(options: FrostStandInOptions = {}): Promise<FrostStandIn> {
  const thingsPageSize = options.thingsPageSize ?? 2;
  const datastreamsPageSize = options.datastreamsPageSize ?? 2;
  const maxTop = options.maxTop ?? 10_000;
  const things = buildCatalogue(new Set(options.stringDatastreamIds ?? []));
  const datastreams = new Map<string, StoredDatastream>();
  for (const thing of things) for (const ds of thing.datastreams) datastreams.set(String(ds.rawId), ds);
  let nextObservationId = 1000;
  for (const ds of datastreams.values()) {
    for (const obs of ds.observations) obs['@iot.id'] ??= nextObservationId++;
  }
  const requests: string[] = [];
  let failure: StandInFailure = 'none';
  let failureScope: StandInScope = 'all';
  let linkRoot = '';

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  };
  const notFound = (res: ServerResponse) =>
    send(res, 404, { code: 404, type: 'error', message: 'Nothing found.' });

  const nextLinkOf = (path: string, params: URLSearchParams, skip: number, top: number, total: number) => {
    if (skip + top >= total) return {};
    const next = new URLSearchParams(params);
    next.set('$top', String(top));
    next.set('$skip', String(skip + top));
    return { '@iot.nextLink': `${linkRoot}${path}?${queryString(next)}` };
  };

  const datastreamEntity = (ds: StoredDatastream): Json => ({
    ...ds.entity,
    '@iot.selfLink': `${linkRoot}/Datastreams(${literalOf(ds.rawId)})`,
    'Observations@iot.navigationLink': `${linkRoot}/Datastreams(${literalOf(ds.rawId)})/Observations`,
  });

  const thingEntity = (thing: StoredThing, expand: string): Json => {
    const id = thing.entity['@iot.id'] as number;
    const body: Json = { ...thing.entity, '@iot.selfLink': `${linkRoot}/Things(${id})` };
    if (expand.includes('Locations')) body.Locations = thing.locations;
    if (expand.includes('Datastreams')) {
      body.Datastreams = thing.datastreams.slice(0, datastreamsPageSize).map(datastreamEntity);
      if (thing.datastreams.length > datastreamsPageSize) {
        body['Datastreams@iot.nextLink'] =
          `${linkRoot}/Things(${id})/Datastreams?$top=${datastreamsPageSize}&$skip=${datastreamsPageSize}`;
      }
    }
    return body;
  };

  const paging = (params: URLSearchParams, defaultTop: number) => ({
    top: Math.min(maxTop, Math.max(0, Number(params.get('$top') ?? defaultTop))),
    skip: Math.max(0, Number(params.get('$skip') ?? 0)),
  });

  const serveThings = (res: ServerResponse, params: URLSearchParams) => {
    const { top, skip } = paging(params, thingsPageSize);
    const page = things.slice(skip, skip + top).map((t) => thingEntity(t, params.get('$expand') ?? ''));
    let next = nextLinkOf('/Things', params, skip, top, things.length);
    if (options.loopingThingsNextLink && skip + top >= things.length) {
      const first = new URLSearchParams(params);
      first.delete('$skip');
      first.set('$top', String(top));
      next = { '@iot.nextLink': `${linkRoot}/Things?${queryString(first)}` };
    }
    send(res, 200, { value: page, ...next });
  };

  const serveThingDatastreams = (res: ServerResponse, thingId: number, params: URLSearchParams) => {
    const thing = things.find((t) => t.entity['@iot.id'] === thingId);
    if (!thing) return notFound(res);
    const { top, skip } = paging(params, 100);
    send(res, 200, {
      value: thing.datastreams.slice(skip, skip + top).map(datastreamEntity),
      ...nextLinkOf(`/Things(${thingId})/Datastreams`, params, skip, top, thing.datastreams.length),
    });
  };

  const serveObservations = (res: ServerResponse, literal: string, params: URLSearchParams) => {
    const ds = [...datastreams.values()].find((d) => literalOf(d.rawId) === literal);
    if (!ds) return notFound(res);
    let list = [...ds.observations];
    const filter = params.get('$filter');
    if (filter !== null) {
      const match = /^phenomenonTime gt (\S+)$/.exec(filter);
      const afterMs = match?.[1] !== undefined ? Date.parse(match[1]) : NaN;
      if (!Number.isFinite(afterMs)) {
        return send(res, 400, { code: 400, type: 'error', message: `Query failed to parse: ${filter}` });
      }
      list = list.filter((o) => Date.parse(String(o.phenomenonTime)) > afterMs);
    }
    const orderby = params.get('$orderby');
    const sign = orderby === 'phenomenonTime desc' ? -1 : 1;
    if (orderby !== null && !/^phenomenonTime (asc|desc)$/.test(orderby)) {
      return send(res, 400, { code: 400, type: 'error', message: `Unsupported $orderby ${orderby}` });
    }
    list.sort((a, b) => sign * (Date.parse(String(a.phenomenonTime)) - Date.parse(String(b.phenomenonTime))));
    // FROST's defaultTop is 100.
    const { top, skip } = paging(params, 100);
    const path = `/Datastreams(${literal})/Observations`;
    send(res, 200, {
      value: list.slice(skip, skip + top).map((o) => ({
        ...o,
        '@iot.selfLink': `${linkRoot}/Observations(${String(o['@iot.id'])})`,
        'Datastream@iot.navigationLink': `${linkRoot}/Observations(${String(o['@iot.id'])})/Datastream`,
      })),
      ...nextLinkOf(path, params, skip, top, list.length),
    });
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    requests.push(decodeURIComponent(`${url.pathname}${url.search}`));
    if (options.basicAuth) {
      const { username, password } = options.basicAuth;
      const expected = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
      if (req.headers.authorization !== expected) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="FROST-Server"' }).end();
        return;
      }
    }
    if (req.method !== 'GET' || !url.pathname.startsWith(`${ROOT_PATH}/`)) return notFound(res);
    const path = decodeURIComponent(url.pathname.slice(ROOT_PATH.length));
    const scope: StandInScope = path.startsWith('/Things') ? 'Things' : 'Observations';
    if (failure !== 'none' && (failureScope === 'all' || failureScope === scope)) {
      if (failure === 'http-500') {
        return send(res, 500, { code: 500, type: 'error', message: 'Failed to execute query.' });
      }
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
      return;
    }
    const params = url.searchParams;
    if (path === '/Things') return serveThings(res, params);
    const nested = /^\/Things\((\d+)\)\/Datastreams$/.exec(path);
    if (nested?.[1] !== undefined) return serveThingDatastreams(res, Number(nested[1]), params);
    const observations = /^\/Datastreams\((\d+|'(?:[^']|'')*')\)\/Observations$/.exec(path);
    if (observations?.[1] !== undefined) return serveObservations(res, observations[1], params);
    notFound(res);
  };

  const server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch (error) {
      send(res, 500, { code: 500, type: 'error', message: (error as Error).message });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${ROOT_PATH}`;
  linkRoot = (options.serviceRootUrl ?? url).replace(/\/+$/, '');

  return {
    url,
    requests,
    datastreamIds: [...datastreams.keys()],
    uuidDatastreamId: UUID_DATASTREAM,
    addObservation(datastreamId, observation) {
      const ds = datastreams.get(datastreamId);
      if (!ds) throw new Error(`the stand-in has no datastream ${datastreamId}`);
      const id = nextObservationId++;
      ds.observations.push({
        '@iot.id': id,
        phenomenonTime: observation.phenomenonTime,
        resultTime: observation.resultTime ?? observation.phenomenonTime,
        result: observation.result,
      });
      return id;
    },
    setFailure(next, scope = 'all') {
      failure = next;
      failureScope = scope;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
