/**
 * WGS84 geodesy for the tiles pipeline: geodetic <-> ECEF and a local east-north-up (ENU) frame.
 *
 * Pure math with no Cesium import (tiles/ must build in Node without the viewer's library). Angles in
 * the public API are degrees and say so in their names; everything else is SI (metres, radians).
 */

/** WGS84 semi-major axis (equatorial radius). */
export const WGS84_SEMI_MAJOR_AXIS_M = 6_378_137.0;
/** WGS84 flattening. */
export const WGS84_FLATTENING = 1 / 298.257223563;
/** WGS84 semi-minor axis (polar radius), derived from a and f. */
export const WGS84_SEMI_MINOR_AXIS_M = WGS84_SEMI_MAJOR_AXIS_M * (1 - WGS84_FLATTENING);
/** WGS84 first eccentricity squared, e² = f (2 - f). */
export const WGS84_ECCENTRICITY_SQUARED = WGS84_FLATTENING * (2 - WGS84_FLATTENING);

/** A 3-vector of metres or a unit direction; which one is said by the alias that uses it. */
export type Vec3 = readonly [number, number, number];
/** Earth-centred, earth-fixed cartesian position in metres. */
export type EcefM = Vec3;
/** Position in a local east-north-up frame, metres: `[eastM, northM, upM]`. */
export type EnuM = readonly [eastM: number, northM: number, upM: number];
/** Geodetic position on WGS84: `[lonDeg, latDeg, heightM]` (height above the ellipsoid). */
export type LonLatHeightDeg = readonly [lonDeg: number, latDeg: number, heightM: number];

const DEG_TO_RAD = Math.PI / 180;
const RAD_TO_DEG = 180 / Math.PI;

/** Converts a geodetic WGS84 position to ECEF metres. */
export function geodeticToEcef([lonDeg, latDeg, heightM]: LonLatHeightDeg): EcefM {
  const lon = lonDeg * DEG_TO_RAD;
  const lat = latDeg * DEG_TO_RAD;
  const sinLat = Math.sin(lat);
  const cosLat = Math.cos(lat);
  // Prime vertical radius of curvature at this latitude.
  const n = WGS84_SEMI_MAJOR_AXIS_M / Math.sqrt(1 - WGS84_ECCENTRICITY_SQUARED * sinLat * sinLat);
  return [
    (n + heightM) * cosLat * Math.cos(lon),
    (n + heightM) * cosLat * Math.sin(lon),
    (n * (1 - WGS84_ECCENTRICITY_SQUARED) + heightM) * sinLat,
  ];
}

/**
 * Converts ECEF metres back to a geodetic WGS84 position.
 *
 * Fixed-point iteration on the latitude (Bowring's start value converges to below 1e-12 rad in a few
 * steps for any point near the surface). The height uses `p cos φ + z sin φ − a √(1 − e² sin² φ)`,
 * which stays accurate at the poles where `p / cos φ` would divide by zero.
 */
export function ecefToGeodetic([x, y, z]: EcefM): LonLatHeightDeg {
  const a = WGS84_SEMI_MAJOR_AXIS_M;
  const e2 = WGS84_ECCENTRICITY_SQUARED;
  const p = Math.hypot(x, y);
  const lon = Math.atan2(y, x);
  if (p < 1e-9) {
    // On the polar axis: latitude is ±90°, longitude is arbitrary (0 by convention).
    const latDeg = z >= 0 ? 90 : -90;
    return [0, latDeg, Math.abs(z) - WGS84_SEMI_MINOR_AXIS_M];
  }
  let lat = Math.atan2(z, p * (1 - e2));
  for (let i = 0; i < 10; i++) {
    const sinLat = Math.sin(lat);
    const n = a / Math.sqrt(1 - e2 * sinLat * sinLat);
    const next = Math.atan2(z + e2 * n * sinLat, p);
    const converged = Math.abs(next - lat) < 1e-14;
    lat = next;
    if (converged) break;
  }
  const sinLat = Math.sin(lat);
  const heightM = p * Math.cos(lat) + z * sinLat - a * Math.sqrt(1 - e2 * sinLat * sinLat);
  return [lon * RAD_TO_DEG, lat * RAD_TO_DEG, heightM];
}

/** The outward ellipsoid normal (geodetic "up") at a longitude/latitude, as an ECEF unit vector. */
export function geodeticUpEcef(lonDeg: number, latDeg: number): Vec3 {
  const lon = lonDeg * DEG_TO_RAD;
  const lat = latDeg * DEG_TO_RAD;
  return [Math.cos(lat) * Math.cos(lon), Math.cos(lat) * Math.sin(lon), Math.sin(lat)];
}

/**
 * A local tangent-plane frame: origin on the ellipsoid, x east, y north, z up (ellipsoid normal).
 * All fields are plain data so a frame can be logged or compared in tests.
 */
export interface EnuFrame {
  readonly origin: LonLatHeightDeg;
  readonly originEcef: EcefM;
  /** Unit vectors of the frame's axes in ECEF. */
  readonly eastEcef: Vec3;
  readonly northEcef: Vec3;
  readonly upEcef: Vec3;
  /**
   * 4x4 ENU -> ECEF transform, column-major (the layout of a 3D Tiles `tile.transform` and of
   * Cesium's `Transforms.eastNorthUpToFixedFrame`): columns are east, north, up, origin.
   */
  readonly enuToEcefMatrix: readonly number[];
}

/** Builds the ENU frame whose origin is the given geodetic position. */
export function createEnuFrame(origin: LonLatHeightDeg): EnuFrame {
  const [lonDeg, latDeg] = origin;
  const lon = lonDeg * DEG_TO_RAD;
  const lat = latDeg * DEG_TO_RAD;
  const originEcef = geodeticToEcef(origin);
  const eastEcef: Vec3 = [-Math.sin(lon), Math.cos(lon), 0];
  const northEcef: Vec3 = [-Math.sin(lat) * Math.cos(lon), -Math.sin(lat) * Math.sin(lon), Math.cos(lat)];
  const upEcef = geodeticUpEcef(lonDeg, latDeg);
  const enuToEcefMatrix = [...eastEcef, 0, ...northEcef, 0, ...upEcef, 0, ...originEcef, 1];
  return { origin, originEcef, eastEcef, northEcef, upEcef, enuToEcefMatrix };
}

function dot(a: Vec3, b: Vec3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

/** Expresses an ECEF direction (no translation) in the frame's ENU axes. */
export function ecefDirectionToEnu(frame: EnuFrame, direction: Vec3): EnuM {
  return [dot(direction, frame.eastEcef), dot(direction, frame.northEcef), dot(direction, frame.upEcef)];
}

/** Converts an ECEF position to the frame's ENU metres. */
export function ecefToEnu(frame: EnuFrame, ecef: EcefM): EnuM {
  const o = frame.originEcef;
  return ecefDirectionToEnu(frame, [ecef[0] - o[0], ecef[1] - o[1], ecef[2] - o[2]]);
}

/** Converts the frame's ENU metres to an ECEF position. */
export function enuToEcef(frame: EnuFrame, [e, n, u]: EnuM): EcefM {
  const { originEcef: o, eastEcef: east, northEcef: north, upEcef: up } = frame;
  return [
    o[0] + e * east[0] + n * north[0] + u * up[0],
    o[1] + e * east[1] + n * north[1] + u * up[1],
    o[2] + e * east[2] + n * north[2] + u * up[2],
  ];
}

/** Converts a geodetic position to the frame's ENU metres (exact, through ECEF). */
export function geodeticToEnu(frame: EnuFrame, position: LonLatHeightDeg): EnuM {
  return ecefToEnu(frame, geodeticToEcef(position));
}
