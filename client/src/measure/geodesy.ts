/**
 * Geometry on the WGS84 ellipsoid for the measuring tool: geodesic distance (Vincenty's inverse
 * formula, sub-millimetre for any two points that are not nearly antipodal), 3D length including
 * height changes, and the area of a town-scale polygon. Pure: no Cesium, no DOM, so every number
 * the tool shows is tested in node.
 */

/** A position as `[lon, lat, height]`: degrees, degrees, metres above the WGS84 ellipsoid. */
export type LonLatHeight = readonly [lonDeg: number, latDeg: number, heightM: number];

/** WGS84 semi-major axis, metres. */
export const WGS84_A_M = 6_378_137;
/** WGS84 flattening. */
export const WGS84_F = 1 / 298.257223563;
/** WGS84 semi-minor axis, metres. */
export const WGS84_B_M = WGS84_A_M * (1 - WGS84_F);
/** First eccentricity squared. */
const E2 = WGS84_F * (2 - WGS84_F);

const RAD = Math.PI / 180;

/**
 * Geodesic (shortest path on the ellipsoid) distance between two points in metres, heights ignored.
 * Vincenty's inverse formula, iterated to 1e-12 rad (about 0.006 mm). For nearly antipodal points,
 * where it does not converge, the last iterate is used: off by far less than a metre there, and such
 * points are never both in one town.
 */
export function geodesicDistanceM(from: LonLatHeight, to: LonLatHeight): number {
  const [lon1, lat1] = from;
  const [lon2, lat2] = to;
  if (lon1 === lon2 && lat1 === lat2) return 0;
  const a = WGS84_A_M;
  const b = WGS84_B_M;
  const f = WGS84_F;
  const L = (lon2 - lon1) * RAD;
  const U1 = Math.atan((1 - f) * Math.tan(lat1 * RAD));
  const U2 = Math.atan((1 - f) * Math.tan(lat2 * RAD));
  const sinU1 = Math.sin(U1);
  const cosU1 = Math.cos(U1);
  const sinU2 = Math.sin(U2);
  const cosU2 = Math.cos(U2);

  let lambda = L;
  let sinSigma = 0;
  let cosSigma = 1;
  let sigma = 0;
  let cos2Alpha = 1;
  let cos2SigmaM = 0;
  for (let i = 0; i < 200; i += 1) {
    const sinLambda = Math.sin(lambda);
    const cosLambda = Math.cos(lambda);
    sinSigma = Math.hypot(cosU2 * sinLambda, cosU1 * sinU2 - sinU1 * cosU2 * cosLambda);
    if (sinSigma === 0) return 0; // coincident points
    cosSigma = sinU1 * sinU2 + cosU1 * cosU2 * cosLambda;
    sigma = Math.atan2(sinSigma, cosSigma);
    const sinAlpha = (cosU1 * cosU2 * sinLambda) / sinSigma;
    cos2Alpha = 1 - sinAlpha * sinAlpha;
    // On the equator cos²α is 0 and the term vanishes.
    cos2SigmaM = cos2Alpha === 0 ? 0 : cosSigma - (2 * sinU1 * sinU2) / cos2Alpha;
    const C = (f / 16) * cos2Alpha * (4 + f * (4 - 3 * cos2Alpha));
    const previous = lambda;
    lambda =
      L +
      (1 - C) *
        f *
        sinAlpha *
        (sigma + C * sinSigma * (cos2SigmaM + C * cosSigma * (-1 + 2 * cos2SigmaM * cos2SigmaM)));
    if (Math.abs(lambda - previous) < 1e-12) break;
  }
  const u2 = (cos2Alpha * (a * a - b * b)) / (b * b);
  const A = 1 + (u2 / 16384) * (4096 + u2 * (-768 + u2 * (320 - 175 * u2)));
  const B = (u2 / 1024) * (256 + u2 * (-128 + u2 * (74 - 47 * u2)));
  const deltaSigma =
    B *
    sinSigma *
    (cos2SigmaM +
      (B / 4) *
        (cosSigma * (-1 + 2 * cos2SigmaM * cos2SigmaM) -
          (B / 6) * cos2SigmaM * (-3 + 4 * sinSigma * sinSigma) * (-3 + 4 * cos2SigmaM * cos2SigmaM)));
  return b * A * (sigma - deltaSigma);
}

/** Lengths of a polyline: along the ellipsoid, and in 3D with its height changes. */
export interface PolylineLength {
  /** Sum of the geodesic distances of the segments (the map distance), metres. */
  readonly geodesicM: number;
  /**
   * Sum of the segments' slant lengths, each `hypot(geodesic, height change)`, metres: what a tape
   * laid from point to point would read, e.g. from the street up to a roof.
   */
  readonly length3dM: number;
}

/** Lengths of the polyline through `points` (0 for fewer than two). */
export function polylineLength(points: readonly LonLatHeight[]): PolylineLength {
  let geodesicM = 0;
  let length3dM = 0;
  for (let i = 1; i < points.length; i += 1) {
    const from = points[i - 1] as LonLatHeight;
    const to = points[i] as LonLatHeight;
    const flat = geodesicDistanceM(from, to);
    geodesicM += flat;
    length3dM += Math.hypot(flat, to[2] - from[2]);
  }
  return { geodesicM, length3dM };
}

/**
 * Whether the 3D length is worth showing beside the map distance: it differs by at least 5 cm and
 * 0.1 %, so a line along level ground shows one number and a line up to a roof shows two.
 */
export function lengthsDiffer(length: PolylineLength): boolean {
  const difference = length.length3dM - length.geodesicM;
  return difference >= 0.05 && difference >= 0.001 * length.geodesicM;
}

/** Earth-centred, earth-fixed coordinates of a point, metres. */
export function toEcef([lonDeg, latDeg, heightM]: LonLatHeight): [number, number, number] {
  const lon = lonDeg * RAD;
  const lat = latDeg * RAD;
  const sinLat = Math.sin(lat);
  const cosLat = Math.cos(lat);
  const n = WGS84_A_M / Math.sqrt(1 - E2 * sinLat * sinLat);
  return [
    (n + heightM) * cosLat * Math.cos(lon),
    (n + heightM) * cosLat * Math.sin(lon),
    (n * (1 - E2) + heightM) * sinLat,
  ];
}

/** Wraps a longitude difference into (-180, 180] degrees. */
function wrapDeg(deg: number): number {
  const wrapped = ((((deg + 180) % 360) + 360) % 360) - 180;
  return wrapped === -180 ? 180 : wrapped;
}

/**
 * East/north coordinates (metres) of points on the ellipsoid surface in the plane tangent at their
 * mean position. Across a town (10 km) the plane and the ellipsoid differ in area by less than a
 * millionth, so the shoelace formula in this plane gives the area on the ellipsoid.
 */
export function localTangentPlane(points: readonly LonLatHeight[]): [east: number, north: number][] {
  const first = points[0];
  if (!first) return [];
  // The mean longitude is taken relative to the first point, so a polygon across 180° stays whole.
  let lonOffset = 0;
  let latSum = 0;
  for (const [lon, lat] of points) {
    lonOffset += wrapDeg(lon - first[0]);
    latSum += lat;
  }
  const lon0 = (first[0] + lonOffset / points.length) * RAD;
  const lat0 = (latSum / points.length) * RAD;
  const origin = toEcef([lon0 / RAD, lat0 / RAD, 0]);
  const sinLon = Math.sin(lon0);
  const cosLon = Math.cos(lon0);
  const sinLat = Math.sin(lat0);
  const cosLat = Math.cos(lat0);
  return points.map(([lon, lat]) => {
    // Heights are dropped: the area of a roof outline is that of its footprint on the ground.
    const [x, y, z] = toEcef([lon, lat, 0]);
    const dx = x - origin[0];
    const dy = y - origin[1];
    const dz = z - origin[2];
    return [-sinLon * dx + cosLon * dy, -sinLat * cosLon * dx - sinLat * sinLon * dy + cosLat * dz];
  });
}

/**
 * Area of the polygon with corners `ring` (open or closed, either orientation) on the ellipsoid,
 * square metres; 0 for fewer than three corners. Meant for town-scale polygons: within 0.01 % up to
 * some 50 km across. A self-crossing ring gives the difference of its loops, as any shoelace does.
 */
export function polygonAreaM2(ring: readonly LonLatHeight[]): number {
  const plane = localTangentPlane(ring);
  if (plane.length < 3) return 0;
  let twice = 0;
  for (let i = 0; i < plane.length; i += 1) {
    const [x1, y1] = plane[i] as [number, number];
    const [x2, y2] = plane[(i + 1) % plane.length] as [number, number];
    twice += x1 * y2 - x2 * y1;
  }
  return Math.abs(twice) / 2;
}

/** Length of the closed ring through `ring` along the ellipsoid (the perimeter), metres. */
export function perimeterM(ring: readonly LonLatHeight[]): number {
  if (ring.length < 2) return 0;
  const first = ring[0] as LonLatHeight;
  const last = ring[ring.length - 1] as LonLatHeight;
  const closed = first[0] === last[0] && first[1] === last[1] ? ring : [...ring, first];
  return polylineLength(closed).geodesicM;
}
