/**
 * Plane geometry in the district's local frame: metres east and north of the city centre. The
 * generator works in metres (sizes, setbacks, gaps are metric) and converts to WGS84 only when it
 * writes features. Pure functions, no I/O.
 */

/** A point in the local plane: `[eastM, northM]` from the city centre. */
export type LocalPointM = readonly [eastM: number, northM: number];

/** A polygon ring in the local plane, open (the first point is not repeated at the end). */
export type LocalRingM = readonly LocalPointM[];

/** `[minEastM, minNorthM, maxEastM, maxNorthM]`. */
export type BoxM = readonly [minEastM: number, minNorthM: number, maxEastM: number, maxNorthM: number];

/** Converts between the local plane and WGS84 `[lon, lat]` degrees around one centre. */
export interface LocalProjection {
  toLonLat(point: LocalPointM): [lonDeg: number, latDeg: number];
  toLocal(lonLat: readonly [number, number]): LocalPointM;
}

/**
 * An equirectangular projection around `centre`. Over a district of two kilometres its scale error
 * stays far below a centimetre per metre, which is all a synthetic town needs.
 */
export function createLocalProjection(centre: readonly [lonDeg: number, latDeg: number]): LocalProjection {
  const [lon0, lat0] = centre;
  const phi = (lat0 * Math.PI) / 180;
  // Length of a degree on the WGS84 ellipsoid at this latitude (series expansion).
  const metresPerDegLat =
    111132.92 - 559.82 * Math.cos(2 * phi) + 1.175 * Math.cos(4 * phi) - 0.0023 * Math.cos(6 * phi);
  const metresPerDegLon = 111412.84 * Math.cos(phi) - 93.5 * Math.cos(3 * phi) + 0.118 * Math.cos(5 * phi);
  return {
    toLonLat: ([eastM, northM]) => [lon0 + eastM / metresPerDegLon, lat0 + northM / metresPerDegLat],
    toLocal: ([lon, lat]) => [(lon - lon0) * metresPerDegLon, (lat - lat0) * metresPerDegLat],
  };
}

/** Vector sum. */
export function add(a: LocalPointM, b: LocalPointM): LocalPointM {
  return [a[0] + b[0], a[1] + b[1]];
}

/** Vector difference `a - b`. */
export function sub(a: LocalPointM, b: LocalPointM): LocalPointM {
  return [a[0] - b[0], a[1] - b[1]];
}

/** Vector times a factor. */
export function scale(a: LocalPointM, factor: number): LocalPointM {
  return [a[0] * factor, a[1] * factor];
}

/** Length of a vector, metres. */
export function lengthM(a: LocalPointM): number {
  return Math.hypot(a[0], a[1]);
}

/** The unit vector in the same direction; `[1, 0]` for a zero vector so callers never divide by 0. */
export function normalize(a: LocalPointM): LocalPointM {
  const length = lengthM(a);
  return length === 0 ? [1, 0] : [a[0] / length, a[1] / length];
}

/** The vector turned 90° counter-clockwise: the left side of a direction of travel. */
export function leftNormal(a: LocalPointM): LocalPointM {
  return [-a[1], a[0]];
}

function cross(o: LocalPointM, a: LocalPointM, b: LocalPointM): number {
  return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
}

/** Shoelace area: positive for a counter-clockwise ring. Works for lon/lat rings too. */
export function signedArea(ring: readonly (readonly [number, number, ...number[]])[]): number {
  let twiceArea = 0;
  for (let i = 0; i < ring.length; i++) {
    const a = ring[i] as readonly [number, number];
    const b = ring[(i + 1) % ring.length] as readonly [number, number];
    twiceArea += a[0] * b[1] - b[0] * a[1];
  }
  return twiceArea / 2;
}

/** The area-weighted centre of a simple ring. */
export function centroid(ring: LocalRingM): LocalPointM {
  let twiceArea = 0;
  let cx = 0;
  let cy = 0;
  for (let i = 0; i < ring.length; i++) {
    const a = ring[i] as LocalPointM;
    const b = ring[(i + 1) % ring.length] as LocalPointM;
    const f = a[0] * b[1] - b[0] * a[1];
    twiceArea += f;
    cx += (a[0] + b[0]) * f;
    cy += (a[1] + b[1]) * f;
  }
  return [cx / (3 * twiceArea), cy / (3 * twiceArea)];
}

function onSegment(p: LocalPointM, a: LocalPointM, b: LocalPointM): boolean {
  return (
    Math.min(a[0], b[0]) <= p[0] &&
    p[0] <= Math.max(a[0], b[0]) &&
    Math.min(a[1], b[1]) <= p[1] &&
    p[1] <= Math.max(a[1], b[1])
  );
}

/** True if the closed segments ab and cd share at least one point (touching counts). */
export function segmentsIntersect(a: LocalPointM, b: LocalPointM, c: LocalPointM, d: LocalPointM): boolean {
  const d1 = cross(c, d, a);
  const d2 = cross(c, d, b);
  const d3 = cross(a, b, c);
  const d4 = cross(a, b, d);
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return true;
  if (d1 === 0 && onSegment(a, c, d)) return true;
  if (d2 === 0 && onSegment(b, c, d)) return true;
  if (d3 === 0 && onSegment(c, a, b)) return true;
  if (d4 === 0 && onSegment(d, a, b)) return true;
  return false;
}

/** Ray casting; points exactly on the boundary may fall either way. */
export function pointInRing(p: LocalPointM, ring: LocalRingM): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const a = ring[i] as LocalPointM;
    const b = ring[j] as LocalPointM;
    if (a[1] > p[1] !== b[1] > p[1] && p[0] < ((b[0] - a[0]) * (p[1] - a[1])) / (b[1] - a[1]) + a[0])
      inside = !inside;
  }
  return inside;
}

/** Distance from a point to the closed segment ab. */
export function pointSegmentDistanceM(p: LocalPointM, a: LocalPointM, b: LocalPointM): number {
  const ab = sub(b, a);
  const lengthSquared = ab[0] * ab[0] + ab[1] * ab[1];
  const t =
    lengthSquared === 0
      ? 0
      : Math.max(0, Math.min(1, ((p[0] - a[0]) * ab[0] + (p[1] - a[1]) * ab[1]) / lengthSquared));
  return Math.hypot(p[0] - (a[0] + t * ab[0]), p[1] - (a[1] + t * ab[1]));
}

/** Distance between two closed segments; 0 when they meet. */
export function segmentDistanceM(a: LocalPointM, b: LocalPointM, c: LocalPointM, d: LocalPointM): number {
  if (segmentsIntersect(a, b, c, d)) return 0;
  return Math.min(
    pointSegmentDistanceM(a, c, d),
    pointSegmentDistanceM(b, c, d),
    pointSegmentDistanceM(c, a, b),
    pointSegmentDistanceM(d, a, b),
  );
}

/** True if two rings cross, touch, or one contains the other. Exact for any simple polygons. */
export function ringsOverlap(a: LocalRingM, b: LocalRingM): boolean {
  for (let i = 0; i < a.length; i++) {
    const a1 = a[i] as LocalPointM;
    const a2 = a[(i + 1) % a.length] as LocalPointM;
    for (let j = 0; j < b.length; j++) {
      if (segmentsIntersect(a1, a2, b[j] as LocalPointM, b[(j + 1) % b.length] as LocalPointM)) return true;
    }
  }
  return pointInRing(a[0] as LocalPointM, b) || pointInRing(b[0] as LocalPointM, a);
}

/** Smallest distance between the areas of two rings; 0 when they overlap. */
export function ringDistanceM(a: LocalRingM, b: LocalRingM): number {
  if (ringsOverlap(a, b)) return 0;
  let best = Infinity;
  for (let i = 0; i < a.length; i++) {
    const a1 = a[i] as LocalPointM;
    const a2 = a[(i + 1) % a.length] as LocalPointM;
    for (let j = 0; j < b.length; j++) {
      best = Math.min(
        best,
        segmentDistanceM(a1, a2, b[j] as LocalPointM, b[(j + 1) % b.length] as LocalPointM),
      );
    }
  }
  return best;
}

/** Smallest distance between a ring's area and an open polyline; 0 when the line touches the area. */
export function ringPolylineDistanceM(ring: LocalRingM, polyline: readonly LocalPointM[]): number {
  let best = Infinity;
  for (let j = 0; j + 1 < polyline.length; j++) {
    const c = polyline[j] as LocalPointM;
    const d = polyline[j + 1] as LocalPointM;
    for (let i = 0; i < ring.length; i++) {
      best = Math.min(
        best,
        segmentDistanceM(ring[i] as LocalPointM, ring[(i + 1) % ring.length] as LocalPointM, c, d),
      );
      if (best === 0) return 0;
    }
  }
  const first = polyline[0];
  if (first && pointInRing(first, ring)) return 0;
  return best;
}

/** True if no two non-adjacent edges of the ring meet. */
export function isSimpleRing(ring: LocalRingM): boolean {
  const n = ring.length;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const adjacent = j === i + 1 || (i === 0 && j === n - 1);
      if (adjacent) continue;
      const a = ring[i] as LocalPointM;
      const b = ring[(i + 1) % n] as LocalPointM;
      if (segmentsIntersect(a, b, ring[j] as LocalPointM, ring[(j + 1) % n] as LocalPointM)) return false;
    }
  }
  return true;
}

/** Axis-aligned bounding box of some points. */
export function boxOf(points: readonly LocalPointM[]): BoxM {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const [x, y] of points) {
    minX = Math.min(minX, x);
    minY = Math.min(minY, y);
    maxX = Math.max(maxX, x);
    maxY = Math.max(maxY, y);
  }
  return [minX, minY, maxX, maxY];
}

/** True if two boxes are closer than `distanceM` (a cheap test before the exact one). */
export function boxesWithin(a: BoxM, b: BoxM, distanceM: number): boolean {
  return (
    a[0] - distanceM <= b[2] &&
    b[0] - distanceM <= a[2] &&
    a[1] - distanceM <= b[3] &&
    b[1] - distanceM <= a[3]
  );
}

/**
 * A counter-clockwise rectangle: `alongM` in direction `axis` (a unit vector), `acrossM` to its left.
 */
export function orientedRectangle(
  centre: LocalPointM,
  axis: LocalPointM,
  alongM: number,
  acrossM: number,
): LocalRingM {
  const u = scale(axis, alongM / 2);
  const v = scale(leftNormal(axis), acrossM / 2);
  return [sub(sub(centre, u), v), sub(add(centre, u), v), add(add(centre, u), v), add(sub(centre, u), v)];
}

/**
 * A counter-clockwise L-shaped footprint: a front wing `alongM` x `frontDepthM` along `axis`, and a
 * side wing `sideWidthM` wide at the right-hand end that reaches `acrossM` back. `centre` is the centre
 * of the bounding rectangle.
 */
export function orientedLShape(
  centre: LocalPointM,
  axis: LocalPointM,
  alongM: number,
  acrossM: number,
  frontDepthM: number,
  sideWidthM: number,
): LocalRingM {
  const v = leftNormal(axis);
  const at = (uM: number, vM: number): LocalPointM =>
    add(centre, add(scale(axis, uM - alongM / 2), scale(v, vM - acrossM / 2)));
  return [
    at(0, 0),
    at(alongM, 0),
    at(alongM, acrossM),
    at(alongM - sideWidthM, acrossM),
    at(alongM - sideWidthM, frontDepthM),
    at(0, frontDepthM),
  ];
}

/** A convex basin outline: a rectangle with its corners cut off by `chamferM`. */
export function chamferedRectangle(
  centre: LocalPointM,
  axis: LocalPointM,
  alongM: number,
  acrossM: number,
  chamferM: number,
): LocalRingM {
  const v = leftNormal(axis);
  const at = (uM: number, vM: number): LocalPointM => add(centre, add(scale(axis, uM), scale(v, vM)));
  const a = alongM / 2;
  const b = acrossM / 2;
  const c = chamferM;
  return [
    at(-a + c, -b),
    at(a - c, -b),
    at(a, -b + c),
    at(a, b - c),
    at(a - c, b),
    at(-a + c, b),
    at(-a, b - c),
    at(-a, -b + c),
  ];
}

/** A point at arc length `distanceM` along a polyline, with the unit direction of travel there. */
export function pointAlong(
  polyline: readonly LocalPointM[],
  distanceM: number,
): { point: LocalPointM; direction: LocalPointM } {
  let remaining = Math.max(0, distanceM);
  for (let i = 0; i + 1 < polyline.length; i++) {
    const a = polyline[i] as LocalPointM;
    const b = polyline[i + 1] as LocalPointM;
    const segment = lengthM(sub(b, a));
    if (remaining <= segment || i + 2 === polyline.length) {
      const t = segment === 0 ? 0 : Math.min(1, remaining / segment);
      return { point: add(a, scale(sub(b, a), t)), direction: normalize(sub(b, a)) };
    }
    remaining -= segment;
  }
  const only = polyline[0] ?? [0, 0];
  return { point: only, direction: [1, 0] };
}

/** Length of a polyline, metres. */
export function polylineLengthM(polyline: readonly LocalPointM[]): number {
  let total = 0;
  for (let i = 0; i + 1 < polyline.length; i++)
    total += lengthM(sub(polyline[i + 1] as LocalPointM, polyline[i] as LocalPointM));
  return total;
}
