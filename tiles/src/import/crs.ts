/**
 * Coordinate reference systems of the files towns actually have, and reprojection to WGS84 with
 * proj4. German survey data comes in ETRS89 / UTM (EPSG:25832, 25833) or the older Gauss-Krüger
 * zones (EPSG:31466-31469); Dutch samples in RD New (EPSG:28992). Vertical datums (DHHN2016, NAP)
 * are recognised and their heights kept as they are: see `importedBuilding.ts` for why.
 */
import proj4 from 'proj4';
import type { LonLatHeight } from './importedBuilding.ts';
import { createEnuFrame, ecefToGeodetic, enuToEcef } from '../geodesy.ts';

const DHDN_TOWGS84 = '+towgs84=598.1,73.7,418.2,0.202,0.045,-2.455,6.7';
const BESSEL_RD_TOWGS84 = '+towgs84=565.417,50.3319,465.552,-0.398957,0.343988,-1.8774,4.0725';

/** proj4 definitions of the horizontal CRSs citytwin imports from. */
const HORIZONTAL_DEFINITIONS: Record<number, { name: string; proj4: string }> = {
  4326: { name: 'WGS 84', proj4: '+proj=longlat +datum=WGS84 +no_defs' },
  4258: { name: 'ETRS89', proj4: '+proj=longlat +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +no_defs' },
  4979: { name: 'WGS 84 (3D)', proj4: '+proj=longlat +datum=WGS84 +no_defs' },
  4937: { name: 'ETRS89 (3D)', proj4: '+proj=longlat +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +no_defs' },
  3857: {
    name: 'WGS 84 / Pseudo-Mercator',
    proj4:
      '+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +nadgrids=@null +no_defs',
  },
  25832: {
    name: 'ETRS89 / UTM zone 32N',
    proj4: '+proj=utm +zone=32 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs',
  },
  25833: {
    name: 'ETRS89 / UTM zone 33N',
    proj4: '+proj=utm +zone=33 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs',
  },
  32632: { name: 'WGS 84 / UTM zone 32N', proj4: '+proj=utm +zone=32 +datum=WGS84 +units=m +no_defs' },
  32633: { name: 'WGS 84 / UTM zone 33N', proj4: '+proj=utm +zone=33 +datum=WGS84 +units=m +no_defs' },
  31466: {
    name: 'DHDN / 3-degree Gauss-Kruger zone 2',
    proj4: `+proj=tmerc +lat_0=0 +lon_0=6 +k=1 +x_0=2500000 +y_0=0 +ellps=bessel ${DHDN_TOWGS84} +units=m +no_defs`,
  },
  31467: {
    name: 'DHDN / 3-degree Gauss-Kruger zone 3',
    proj4: `+proj=tmerc +lat_0=0 +lon_0=9 +k=1 +x_0=3500000 +y_0=0 +ellps=bessel ${DHDN_TOWGS84} +units=m +no_defs`,
  },
  31468: {
    name: 'DHDN / 3-degree Gauss-Kruger zone 4',
    proj4: `+proj=tmerc +lat_0=0 +lon_0=12 +k=1 +x_0=4500000 +y_0=0 +ellps=bessel ${DHDN_TOWGS84} +units=m +no_defs`,
  },
  31469: {
    name: 'DHDN / 3-degree Gauss-Kruger zone 5',
    proj4: `+proj=tmerc +lat_0=0 +lon_0=15 +k=1 +x_0=5500000 +y_0=0 +ellps=bessel ${DHDN_TOWGS84} +units=m +no_defs`,
  },
  3068: {
    name: 'DHDN / Soldner Berlin',
    proj4: `+proj=cass +lat_0=52.41864827777778 +lon_0=13.62720366666667 +x_0=40000 +y_0=10000 +ellps=bessel ${DHDN_TOWGS84} +units=m +no_defs`,
  },
  28992: {
    name: 'Amersfoort / RD New',
    proj4: `+proj=sterea +lat_0=52.15616055555555 +lon_0=5.38763888888889 +k=0.9999079 +x_0=155000 +y_0=463000 +ellps=bessel ${BESSEL_RD_TOWGS84} +units=m +no_defs`,
  },
};

/** Vertical datums recognised in compound CRSs; heights in them are kept unchanged. */
const VERTICAL_DATUMS: Record<number, string> = {
  5783: 'DHHN92 height',
  7837: 'DHHN2016 height',
  5784: 'DHHN85 height',
  5709: 'NAP height',
  3855: 'EGM2008 height',
};

/** Compound CRSs that have a code of their own: horizontal + vertical. */
const COMPOUND_CODES: Record<number, [horizontal: number, vertical: number]> = {
  7415: [28992, 5709],
  5555: [25832, 5783],
  5556: [25833, 5783],
  9518: [25832, 7837],
};

/** `sourceCrs` of an import whose coordinates were local metres placed at `ImportOptions.localOrigin`. */
export const LOCAL_SOURCE_CRS = 'local';

export class CrsError extends Error {
  override name = 'CrsError';
}

export interface ParsedCrs {
  /** `EPSG:n` of the horizontal part. */
  horizontal: string;
  horizontalName: string;
  /** `EPSG:n` of the vertical datum, if one was named. */
  vertical?: string;
  geographic: boolean;
}

/** The EPSG codes `parseCrs` accepts, for messages and docs. */
export const SUPPORTED_EPSG_CODES: readonly number[] = [
  ...Object.keys(HORIZONTAL_DEFINITIONS).map(Number),
  ...Object.keys(COMPOUND_CODES).map(Number),
].sort((a, b) => a - b);

const GEOGRAPHIC = new Set([4326, 4258, 4979, 4937]);

/** Every EPSG code named in a CRS string, in order (URN, OGC URL, `EPSG:n`, `EPSG:n+m`). */
function epsgCodesIn(text: string): number[] {
  const codes: number[] = [];
  const patterns = [
    /EPSG:(?:[\d.]*:)?(\d+)/gi, // EPSG:25832, urn:ogc:def:crs:EPSG::25832, urn:ogc:def:crs:EPSG:6.12:25832
    /\/def\/crs\/EPSG\/[^/]+\/(\d+)/gi, // http://www.opengis.net/def/crs/EPSG/0/25832
    /\+(\d+)\b/g, // EPSG:25832+5783
  ];
  const found: Array<[index: number, code: number]> = [];
  for (const pattern of patterns) {
    for (const match of text.matchAll(pattern)) found.push([match.index ?? 0, Number(match[1])]);
  }
  found.sort((a, b) => a[0] - b[0]);
  for (const [, code] of found) if (!codes.includes(code)) codes.push(code);
  return codes;
}

/**
 * Reads a CRS name as files write it. Throws `CrsError` naming the CRS when it is not one citytwin
 * can reproject, with the supported codes.
 */
export function parseCrs(text: string): ParsedCrs {
  const trimmed = text.trim();
  const bare = /^\d+$/.test(trimmed) ? [Number(trimmed)] : epsgCodesIn(trimmed);
  let horizontal: number | undefined;
  let vertical: number | undefined;
  for (const code of bare) {
    const compound = COMPOUND_CODES[code];
    if (compound) {
      horizontal ??= compound[0];
      vertical ??= compound[1];
    } else if (HORIZONTAL_DEFINITIONS[code]) {
      horizontal ??= code;
    } else if (VERTICAL_DATUMS[code]) {
      vertical ??= code;
    } else if (horizontal === undefined) {
      throw new CrsError(
        `unknown CRS "${text}": EPSG:${code} is not supported; supported: ${SUPPORTED_EPSG_CODES.map((c) => `EPSG:${c}`).join(', ')} (or give --crs)`,
      );
    }
  }
  if (horizontal === undefined) {
    throw new CrsError(`unknown CRS "${text}": no EPSG code found in it (give --crs EPSG:nnnn)`);
  }
  const definition = HORIZONTAL_DEFINITIONS[horizontal];
  if (!definition) throw new CrsError(`unknown CRS "${text}"`);
  return {
    horizontal: `EPSG:${horizontal}`,
    horizontalName: definition.name,
    ...(vertical !== undefined ? { vertical: `EPSG:${vertical}` } : {}),
    geographic: GEOGRAPHIC.has(horizontal),
  };
}

/** Converts source `(x, y, z)` to `[lon, lat, heightM]`. For geographic CRSs x is longitude. */
export type Reprojector = (x: number, y: number, z: number) => LonLatHeight;

/** A reprojector from `crs` (any form `parseCrs` reads) to WGS84. */
export function createReprojector(crs: string): Reprojector {
  const parsed = parseCrs(crs);
  const code = Number(parsed.horizontal.slice('EPSG:'.length));
  if (code === 4326 || code === 4979) return (x, y, z) => [x, y, z];
  const definition = HORIZONTAL_DEFINITIONS[code];
  if (!definition) throw new CrsError(`unknown CRS "${crs}"`);
  const converter = proj4(definition.proj4, HORIZONTAL_DEFINITIONS[4326]?.proj4 ?? 'WGS84');
  return (x, y, z) => {
    const [lon, lat] = converter.forward([x, y]);
    if (lon === undefined || lat === undefined || !Number.isFinite(lon) || !Number.isFinite(lat)) {
      throw new CrsError(`(${x}, ${y}) cannot be projected from ${parsed.horizontal}`);
    }
    return [lon, lat, z];
  };
}

/**
 * For files in local metres with no CRS: x east, y north, z up from `origin`, on the tangent plane
 * at the origin (exact for a town-sized model).
 */
export function createLocalReprojector(origin: { lon: number; lat: number }): Reprojector {
  const frame = createEnuFrame([origin.lon, origin.lat, 0]);
  return (x, y, z) => {
    const [lon, lat] = ecefToGeodetic(enuToEcef(frame, [x, y, 0]));
    return [lon, lat, z];
  };
}

/**
 * Whether coordinates look like the CRS says: projected metres far outside the CRS's range, or
 * "degrees" beyond ±180/±90, mean the file's CRS is wrong (the CityJSON sample declares EPSG:3068
 * but holds local 0-100 m coordinates; DATEX feeds put UTM metres in latitude fields).
 */
export function coordinatesFitCrs(
  crs: ParsedCrs,
  bbox: readonly [minX: number, minY: number, maxX: number, maxY: number],
): boolean {
  const [minX, minY, maxX, maxY] = bbox;
  if (crs.geographic) return minX >= -180 && maxX <= 180 && minY >= -90 && maxY <= 90;
  // A town in a projected CRS has coordinates in the thousands of metres at least; a model whose
  // whole extent sits within a few hundred metres of (0, 0) is in local coordinates.
  return Math.max(Math.abs(minX), Math.abs(maxX), Math.abs(minY), Math.abs(maxY)) > 1000;
}

/** Converts WGS84 `(lonDeg, latDeg)` to `(x, y)` in another CRS; for geographic CRSs x is longitude. */
export type InverseReprojector = (lonDeg: number, latDeg: number) => readonly [x: number, y: number];

/**
 * The inverse of {@link createReprojector}: from WGS84 to `crs`. Used to sample rasters (a pack's
 * elevation model) that are gridded in their own CRS. Points the projection cannot reach come back
 * as NaN, never as an exception: a sampler asks about the whole globe.
 */
export function createInverseReprojector(crs: string): InverseReprojector {
  const parsed = parseCrs(crs);
  const code = Number(parsed.horizontal.slice('EPSG:'.length));
  if (code === 4326 || code === 4979) return (lonDeg, latDeg) => [lonDeg, latDeg];
  const definition = HORIZONTAL_DEFINITIONS[code];
  if (!definition) throw new CrsError(`unknown CRS "${crs}"`);
  const converter = proj4(definition.proj4, HORIZONTAL_DEFINITIONS[4326]?.proj4 ?? 'WGS84');
  return (lonDeg, latDeg) => {
    const [x, y] = converter.inverse([lonDeg, latDeg]);
    return x === undefined || y === undefined || !Number.isFinite(x) || !Number.isFinite(y)
      ? [Number.NaN, Number.NaN]
      : [x, y];
  };
}
