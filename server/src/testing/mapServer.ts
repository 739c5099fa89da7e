/**
 * Test support: a real OGC server. Writes a small mapfile and a GeoJSON dataset around Böblingen
 * (areas, points, a line; German attribute names and values with umlauts) into a temporary folder
 * and serves MapServer's `mapserv` as CGI from a tiny HTTP server on a free loopback port: one
 * `mapserv` process per request, its CGI headers read from stdout. WMS, WFS 2.0 and OGC API
 * Features (`/ogcapi/...`) all answer at the same origin, with CORS open like a public service.
 * Where MapServer is not installed, tests skip with a message; with CI=true that is a failure.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const MAPSERV_PATH = process.env['MAPSERV_PATH'] ?? '/usr/bin/mapserv';

/** Whether MapServer can run here; logs why not. Throws with CI=true when it is missing. */
export function mapServerAvailable(): boolean {
  if (existsSync(MAPSERV_PATH)) return true;
  const message = `MapServer not found at ${MAPSERV_PATH} (apt-get install cgi-mapserver mapserver-bin, or set MAPSERV_PATH).`;
  if (/^(1|true)$/i.test(process.env['CI'] ?? '')) throw new Error(`${message} CI=true: OGC tests must run.`);
  console.warn(`Skipping MapServer tests: ${message}`);
  return false;
}

/** The colour MapServer fills the areas with, so tests can look for it in images. */
export const AREA_FILL_RGB: readonly [number, number, number] = [200, 30, 160];

/** The areas' centre, lon/lat: a map request around it sees them. */
export const AREAS_CENTRE_LON_LAT: readonly [number, number] = [9.0, 48.68];

/** The hours (UTC, 1 May 2026) of the two areas of the `messungen` layer: west, then east. */
export const TIMED_HOURS = ['08', '14'] as const;

/** The number of points in the `punkte` layer (paged in tests). */
export const POINT_COUNT = 8;

function square(lon: number, lat: number, halfDeg: number): number[][][] {
  const h = halfDeg;
  const w = halfDeg / Math.cos((lat * Math.PI) / 180);
  return [
    [
      [lon - w, lat - h],
      [lon + w, lat - h],
      [lon + w, lat + h],
      [lon - w, lat + h],
      [lon - w, lat - h],
    ],
  ];
}

/** The dataset: three areas, eight points and a line, all in and around Böblingen. */
export function boeblingenFeatures(): object {
  const [lon, lat] = AREAS_CENTRE_LON_LAT;
  const areas = [
    { name: 'Stadtgarten', Nutzung: 'Grünfläche', Fläche_m2: 41000, centre: [lon, lat], half: 0.004 },
    {
      name: 'Parkplatz Süd',
      Nutzung: 'Parkplätze',
      Fläche_m2: 9000,
      centre: [lon + 0.012, lat - 0.006],
      half: 0.002,
    },
    {
      name: 'Schlossberg',
      Nutzung: 'Grünfläche',
      Fläche_m2: 15000,
      centre: [lon - 0.012, lat + 0.006],
      half: 0.002,
    },
  ];
  const features: object[] = areas.map((a, i) => ({
    type: 'Feature',
    properties: {
      nr: i + 1,
      name: a.name,
      Nutzung: a.Nutzung,
      Fläche_m2: a.Fläche_m2,
      Eigentümer: 'Stadt Böblingen',
    },
    geometry: { type: 'Polygon', coordinates: square(a.centre[0] ?? lon, a.centre[1] ?? lat, a.half) },
  }));
  for (let i = 0; i < POINT_COUNT; i += 1) {
    features.push({
      type: 'Feature',
      properties: {
        nr: 100 + i,
        name: `Brunnen ${i + 1}`,
        Straße: i % 2 ? 'Poststraße' : 'Bahnhofstraße',
        Nummer: i + 1,
      },
      geometry: { type: 'Point', coordinates: [lon - 0.02 + i * 0.005, lat + 0.01] },
    });
  }
  // Two areas valid at one hour each (a layer with a WMS time dimension).
  for (const [i, hour] of TIMED_HOURS.entries()) {
    features.push({
      type: 'Feature',
      properties: { nr: 300 + i, name: `Messfläche ${hour} Uhr`, zeit: `2026-05-01T${hour}:00:00Z` },
      geometry: { type: 'Polygon', coordinates: square(lon - 0.006 + i * 0.012, lat - 0.02, 0.003) },
    });
  }
  features.push({
    type: 'Feature',
    properties: { nr: 200, name: 'Murkenbach', Gewässer: 'Bach' },
    geometry: {
      type: 'LineString',
      coordinates: [
        [lon - 0.03, lat - 0.01],
        [lon, lat - 0.012],
        [lon + 0.03, lat - 0.008],
      ],
    },
  });
  return { type: 'FeatureCollection', features };
}

function mapfile(dir: string, onlineResource: string): string {
  const [r, g, b] = AREA_FILL_RGB;
  const web = (service: string) => `
      "${service}_onlineresource" "${onlineResource}/?"`;
  const layer = (name: string, type: string, title: string, filter: string, style: string, extra = '') => `
  LAYER
    NAME "${name}"
    TYPE ${type}
    STATUS ON
    CONNECTIONTYPE OGR
    CONNECTION "${join(dir, 'boeblingen.geojson')}"
    DATA "boeblingen"
    PROCESSING "NATIVE_FILTER=${filter}"
    TEMPLATE "ttt"
    METADATA
      "ows_title" "${title}"
      "ows_abstract" "Testdaten rund um Böblingen (synthetisch)"
      "ows_srs" "EPSG:4326 EPSG:3857 EPSG:25832"
      "ows_extent" "8.9 48.6 9.1 48.76"
      "gml_include_items" "all"
      "gml_featureid" "nr"
      "oga_featureid" "nr"
      "gml_types" "auto"
      "oga_include_items" "all"
      "wms_attribution_title" "Stadt Böblingen (Testdaten)"${extra}
    END
    PROJECTION "init=epsg:4326" END
    CLASS
      NAME "${title}"
      STYLE ${style} END
    END
  END`;
  return `MAP
  NAME "citytwin_test"
  EXTENT 8.9 48.6 9.1 48.76
  SIZE 256 256
  UNITS DD
  IMAGECOLOR 255 255 255
  PROJECTION "init=epsg:4326" END
  OUTPUTFORMAT
    NAME "png"
    DRIVER AGG/PNG
    MIMETYPE "image/png"
    IMAGEMODE RGBA
    EXTENSION "png"
    TRANSPARENT ON
  END
  OUTPUTFORMAT
    NAME "geojson"
    DRIVER "OGR/GEOJSON"
    MIMETYPE "application/json; subtype=geojson"
    FORMATOPTION "STORAGE=stream"
    FORMATOPTION "FORM=SIMPLE"
  END
  WEB
    METADATA
      "ows_title" "citytwin Test-MapServer Böblingen"
      "ows_abstract" "Ein echter MapServer für die Tests"
      "ows_srs" "EPSG:4326 EPSG:3857 EPSG:25832"
      "ows_enable_request" "*"
      "ows_accessconstraints" "Nur für Tests"
      "ows_fees" "keine"
      "wms_feature_info_mime_type" "application/vnd.ogc.gml,text/plain"
      "wfs_getfeature_formatlist" "geojson"
      "oga_html_template_directory" "/usr/share/mapserver/ogcapi/templates/html-plain/"${web('wms')}${web('wfs')}
      "oga_onlineresource" "${onlineResource}/ogcapi"
    END
  END
  ${layer('flaechen', 'POLYGON', 'Flächen', "OGR_GEOMETRY='POLYGON' AND zeit IS NULL", `COLOR ${r} ${g} ${b} OUTLINECOLOR 0 0 0`)}
  ${layer('punkte', 'POINT', 'Brunnen', "OGR_GEOMETRY='POINT'", 'SIZE 8 COLOR 0 90 200')}
  ${layer(
    'messungen',
    'POLYGON',
    'Messflächen',
    "OGR_GEOMETRY='POLYGON' AND zeit IS NOT NULL",
    `COLOR ${r} ${g} ${b}`,
    `
      "wms_timeextent" "2026-05-01T00:00:00Z/2026-05-01T23:00:00Z/PT1H"
      "wms_timeitem" "zeit"
      "wms_timedefault" "2026-05-01T08:00:00Z"`,
  )}
  ${layer('linien', 'LINE', 'Gewässer', "OGR_GEOMETRY='LINESTRING'", 'WIDTH 3 COLOR 0 120 255')}
END
`;
}

export interface MapServerHandle {
  /** `http://127.0.0.1:<port>`: WMS and WFS at `/` (`?SERVICE=…`), OGC API at `/ogcapi`. */
  readonly url: string;
  /** The requests served, in order (path and query). */
  readonly requests: readonly string[];
  close(): Promise<void>;
}

interface CgiAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** Splits CGI output into headers and body (`Status:` sets the HTTP status). */
export function parseCgiOutput(output: Buffer): CgiAnswer {
  let end = output.indexOf('\r\n\r\n');
  let skip = 4;
  const lf = output.indexOf('\n\n');
  if (end < 0 || (lf >= 0 && lf < end)) {
    end = lf;
    skip = 2;
  }
  if (end < 0) return { status: 502, headers: { 'content-type': 'text/plain' }, body: output };
  const headers: Record<string, string> = {};
  let status = 200;
  for (const line of output.subarray(0, end).toString('latin1').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'status') status = Number.parseInt(value, 10) || 500;
    else headers[name] = value;
  }
  return { status, headers, body: output.subarray(end + skip) };
}

function runMapserv(env: NodeJS.ProcessEnv): Promise<CgiAnswer> {
  return new Promise((resolve, reject) => {
    const child = spawn(MAPSERV_PATH, [], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.once('error', reject);
    child.once('close', (code) => {
      const output = Buffer.concat(out);
      if (output.length === 0) {
        resolve({
          status: 502,
          headers: { 'content-type': 'text/plain' },
          body: Buffer.from(`mapserv exited ${String(code)}: ${Buffer.concat(err).toString()}`),
        });
      } else resolve(parseCgiOutput(output));
    });
  });
}

/** Starts the MapServer stand-in; call `close()` after the tests. */
export async function startMapServer(): Promise<MapServerHandle> {
  const dir = mkdtempSync(join(tmpdir(), 'citytwin-mapserver-'));
  writeFileSync(join(dir, 'boeblingen.geojson'), JSON.stringify(boeblingenFeatures()));
  const requests: string[] = [];
  const mapPath = join(dir, 'test.map');
  const configPath = join(dir, 'mapserver.conf');
  writeFileSync(
    configPath,
    `CONFIG\n  ENV\n    MS_MAPFILE "${mapPath}"\n  END\n  MAPS\n    "citytwin" "${mapPath}"\n  END\nEND\n`,
  );
  let port = 0;

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const target = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push(`${target.pathname}${target.search}`);
    const cors = { 'access-control-allow-origin': '*' };
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { ...cors, 'access-control-allow-headers': '*' }).end();
      return;
    }
    const ogcApi = target.pathname.startsWith('/ogcapi');
    const env: NodeJS.ProcessEnv = {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      // MapServer 8 refuses to start without its config file; ours names the one mapfile it serves.
      MAPSERVER_CONFIG_FILE: configPath,
      MS_MAPFILE: mapPath,
      REQUEST_METHOD: 'GET',
      QUERY_STRING: target.search.replace(/^\?/, ''),
      SERVER_NAME: '127.0.0.1',
      SERVER_PORT: String(port),
      HTTP_HOST: `127.0.0.1:${port}`,
      SCRIPT_NAME: '',
      // MapServer's OGC API reads the map's name and the path after it: /citytwin/ogcapi/collections.
      ...(ogcApi ? { PATH_INFO: `/citytwin${target.pathname}` } : {}),
      ...(req.headers.accept ? { HTTP_ACCEPT: req.headers.accept } : {}),
    };
    runMapserv(env).then(
      (answer) => {
        res.writeHead(answer.status, { ...answer.headers, ...cors }).end(answer.body);
      },
      (error: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain', ...cors }).end(String(error));
      },
    );
  };

  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  writeFileSync(mapPath, mapfile(dir, url));
  return {
    url,
    requests,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
