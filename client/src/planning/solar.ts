/**
 * Where the sun is, for the planning tools' sun and shadow studies: NOAA's solar calculator (the
 * low-precision formulas of Meeus' "Astronomical Algorithms", stated accurate to about 0.01° for
 * years 1800-2100 within ±72° latitude), with NOAA's atmospheric refraction. Pure functions of an
 * instant and a place; no time zones (instants are ms since the epoch, UTC).
 */

const RAD = Math.PI / 180;
const sin = (deg: number) => Math.sin(deg * RAD);
const cos = (deg: number) => Math.cos(deg * RAD);
const tan = (deg: number) => Math.tan(deg * RAD);
const deg = (rad: number) => rad / RAD;
const mod360 = (value: number) => ((value % 360) + 360) % 360;

/** Julian centuries since J2000.0 of an instant. */
function julianCentury(epochMs: number): number {
  const julianDay = epochMs / 86_400_000 + 2_440_587.5;
  return (julianDay - 2_451_545) / 36_525;
}

/** The sun seen from the Earth's centre at an instant: declination (°) and equation of time (min). */
export interface SolarGeometry {
  readonly declinationDeg: number;
  readonly equationOfTimeMin: number;
}

export function solarGeometry(epochMs: number): SolarGeometry {
  const t = julianCentury(epochMs);
  const meanLongitude = mod360(280.46646 + t * (36_000.76983 + t * 0.0003032));
  const meanAnomaly = 357.52911 + t * (35_999.05029 - 0.0001537 * t);
  const eccentricity = 0.016708634 - t * (0.000042037 + 0.0000001267 * t);
  const centre =
    sin(meanAnomaly) * (1.914602 - t * (0.004817 + 0.000014 * t)) +
    sin(2 * meanAnomaly) * (0.019993 - 0.000101 * t) +
    sin(3 * meanAnomaly) * 0.000289;
  const trueLongitude = meanLongitude + centre;
  const omega = 125.04 - 1934.136 * t;
  const apparentLongitude = trueLongitude - 0.00569 - 0.00478 * sin(omega);
  const meanObliquity = 23 + (26 + (21.448 - t * (46.815 + t * (0.00059 - t * 0.001813))) / 60) / 60;
  const obliquity = meanObliquity + 0.00256 * cos(omega);
  const declinationDeg = deg(Math.asin(sin(obliquity) * sin(apparentLongitude)));
  const y = tan(obliquity / 2) ** 2;
  const equationOfTimeMin =
    4 *
    deg(
      y * sin(2 * meanLongitude) -
        2 * eccentricity * sin(meanAnomaly) +
        4 * eccentricity * y * sin(meanAnomaly) * cos(2 * meanLongitude) -
        0.5 * y * y * sin(4 * meanLongitude) -
        1.25 * eccentricity * eccentricity * sin(2 * meanAnomaly),
    );
  return { declinationDeg, equationOfTimeMin };
}

/** NOAA's approximation of atmospheric refraction at an elevation, in degrees. */
export function refractionDeg(elevationDeg: number): number {
  const e = elevationDeg;
  if (e > 85) return 0;
  const t = tan(e);
  let arcSeconds: number;
  if (e > 5) arcSeconds = 58.1 / t - 0.07 / t ** 3 + 0.000086 / t ** 5;
  else if (e > -0.575) arcSeconds = 1735 + e * (-518.2 + e * (103.4 + e * (-12.79 + e * 0.711)));
  else arcSeconds = -20.772 / t;
  return arcSeconds / 3600;
}

/** The sun in the sky of a place. */
export interface SunPosition {
  /** Degrees above the horizon, refraction included (negative: below). */
  readonly elevationDeg: number;
  /** Degrees clockwise from north. */
  readonly azimuthDeg: number;
  readonly declinationDeg: number;
  readonly equationOfTimeMin: number;
}

/** The sun's position at `epochMs` seen from `lat`, `lon` (degrees, east and north positive). */
export function sunPosition(epochMs: number, lat: number, lon: number): SunPosition {
  const { declinationDeg, equationOfTimeMin } = solarGeometry(epochMs);
  const minutesOfDay = (((epochMs % 86_400_000) + 86_400_000) % 86_400_000) / 60_000;
  const trueSolarMin = (((minutesOfDay + equationOfTimeMin + 4 * lon) % 1440) + 1440) % 1440;
  const hourAngle = trueSolarMin / 4 - 180;
  const cosZenith = Math.min(
    1,
    Math.max(-1, sin(lat) * sin(declinationDeg) + cos(lat) * cos(declinationDeg) * cos(hourAngle)),
  );
  const zenith = deg(Math.acos(cosZenith));
  const geometric = 90 - zenith;
  const sinZenith = sin(zenith);
  let azimuthDeg: number;
  if (Math.abs(sinZenith) < 1e-12) azimuthDeg = 180;
  else {
    const cosAzimuth = Math.min(
      1,
      Math.max(-1, (sin(lat) * cosZenith - sin(declinationDeg)) / (cos(lat) * sinZenith)),
    );
    const a = deg(Math.acos(cosAzimuth));
    azimuthDeg = hourAngle > 0 ? mod360(a + 180) : mod360(540 - a);
  }
  return {
    elevationDeg: geometric + refractionDeg(geometric),
    azimuthDeg,
    declinationDeg,
    equationOfTimeMin,
  };
}

/**
 * The unit vector towards the sun in a local east-north-up frame (x east, y north, z up), for shadow
 * casting on the town's local plane.
 */
export function sunDirection(
  position: Pick<SunPosition, 'elevationDeg' | 'azimuthDeg'>,
): [number, number, number] {
  const { elevationDeg: e, azimuthDeg: a } = position;
  return [cos(e) * sin(a), cos(e) * cos(a), sin(e)];
}
