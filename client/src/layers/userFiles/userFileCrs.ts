/**
 * Coordinate systems of files users bring (German survey data: ETRS89 / UTM 32N and 33N, the older
 * Gauss-Krüger zones, web maps' Pseudo-Mercator) and reprojection to WGS84 with proj4. Pure.
 */
import proj4 from 'proj4';

const DHDN_TOWGS84 = '+towgs84=598.1,73.7,418.2,0.202,0.045,-2.455,6.7';
const gaussKrueger = (zone: number) =>
  `+proj=tmerc +lat_0=0 +lon_0=${zone * 3} +k=1 +x_0=${zone * 1_000_000 + 500_000} +y_0=0 +ellps=bessel ${DHDN_TOWGS84} +units=m +no_defs`;

/** proj4 definitions by EPSG code; WGS84 itself needs none. */
const DEFINITIONS: Readonly<Record<number, string>> = {
  4258: '+proj=longlat +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +no_defs',
  3857: '+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +nadgrids=@null +no_defs',
  25832: '+proj=utm +zone=32 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs',
  25833: '+proj=utm +zone=33 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs',
  32632: '+proj=utm +zone=32 +datum=WGS84 +units=m +no_defs',
  32633: '+proj=utm +zone=33 +datum=WGS84 +units=m +no_defs',
  31466: gaussKrueger(2),
  31467: gaussKrueger(3),
  31468: gaussKrueger(4),
  31469: gaussKrueger(5),
};

const WGS84 = '+proj=longlat +datum=WGS84 +no_defs';

/** Turns `[x, y]` of a CRS into `[lon, lat]` degrees. */
export type ToLonLat = (x: number, y: number) => [number, number];

/** The EPSG codes this module reprojects from (4326 and CRS84 need nothing). */
export const SUPPORTED_EPSG: readonly number[] = [4326, ...Object.keys(DEFINITIONS).map(Number)];

/**
 * The EPSG code in a CRS name as files write it (`EPSG:25832`, `urn:ogc:def:crs:EPSG::25832`,
 * `http://www.opengis.net/def/crs/EPSG/0/25832`; `OGC:CRS84` is 4326), or null.
 */
export function epsgOf(name: string): number | null {
  if (/CRS:?84$/i.test(name.trim())) return 4326;
  const match = /EPSG(?::{1,2}|\/0\/|\/)(\d{4,5})$/i.exec(name.trim());
  return match ? Number(match[1]) : null;
}

/** The converter from `epsg` to WGS84, null for WGS84 itself; throws for a code it does not know. */
export function toLonLatFrom(epsg: number): ToLonLat | null {
  if (epsg === 4326) return null;
  const definition = DEFINITIONS[epsg];
  if (!definition) throw new RangeError(`EPSG:${epsg}`);
  const converter = proj4(definition, WGS84);
  return (x, y) => {
    const [lon, lat] = converter.forward([x, y]) as [number, number];
    return [lon, lat];
  };
}

/**
 * Guesses the CRS of projected coordinates by their size, for files that do not say (CSV from a
 * spreadsheet): UTM 32N with or without the zone in front of the easting (`32` 512345), or
 * Gauss-Krüger (easting starting with the zone 2 to 5). Null for degrees or anything else.
 */
export function guessProjected(x: number, y: number): { epsg: number; x: number; y: number } | null {
  if (Math.abs(x) <= 180 && Math.abs(y) <= 90) return null;
  if (y >= 5_000_000 && y <= 6_200_000) {
    if (x >= 100_000 && x < 900_000) return { epsg: 25832, x, y };
    if (x >= 32_100_000 && x < 32_900_000) return { epsg: 25832, x: x - 32_000_000, y };
    if (x >= 33_100_000 && x < 33_900_000) return { epsg: 25833, x: x - 33_000_000, y };
    const zone = Math.floor(x / 1_000_000);
    if (zone >= 2 && zone <= 5 && x % 1_000_000 >= 100_000 && x % 1_000_000 < 900_000)
      return { epsg: 31464 + zone, x, y };
  }
  return null;
}
