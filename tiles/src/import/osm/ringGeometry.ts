/**
 * Plane geometry on footprint rings, in degrees: at building scale lon/lat is a smooth, nearly
 * conformal map of the ground, so crossing and containment are the same as in metres.
 */

/** A position whose first two members are x (lon) and y (lat); further members are ignored. */
export type PlanePosition = readonly [x: number, y: number, ...rest: number[]];

function cross(o: PlanePosition, a: PlanePosition, b: PlanePosition): number {
  return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
}

function onSegment(a: PlanePosition, b: PlanePosition, p: PlanePosition): boolean {
  return (
    Math.min(a[0], b[0]) <= p[0] &&
    p[0] <= Math.max(a[0], b[0]) &&
    Math.min(a[1], b[1]) <= p[1] &&
    p[1] <= Math.max(a[1], b[1])
  );
}

/** Whether segments ab and cd share any point, touching and collinear overlap included. */
export function segmentsIntersect(
  a: PlanePosition,
  b: PlanePosition,
  c: PlanePosition,
  d: PlanePosition,
): boolean {
  const d1 = cross(c, d, a);
  const d2 = cross(c, d, b);
  const d3 = cross(a, b, c);
  const d4 = cross(a, b, d);
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) {
    return true;
  }
  return (
    (d1 === 0 && onSegment(c, d, a)) ||
    (d2 === 0 && onSegment(c, d, b)) ||
    (d3 === 0 && onSegment(a, b, c)) ||
    (d4 === 0 && onSegment(a, b, d))
  );
}

/**
 * Whether a closed ring (first = last, no repeated consecutive points) crosses or touches itself.
 * O(n²) over segment pairs: building rings have tens of points, not thousands. Neighbouring
 * segments always share a point, so for them only a spike that folds back onto itself counts.
 */
export function ringSelfIntersects(ring: readonly PlanePosition[]): boolean {
  const segmentCount = ring.length - 1;
  for (let i = 0; i < segmentCount; i++) {
    const a = ring[i];
    const b = ring[i + 1];
    if (!a || !b) continue;
    for (let j = i + 1; j < segmentCount; j++) {
      const c = ring[j];
      const d = ring[j + 1];
      if (!c || !d) continue;
      const neighbours = j === i + 1 || (i === 0 && j === segmentCount - 1);
      if (neighbours) {
        // The shared point is b = c (or a = d for the closing pair); the pair overlaps only when
        // the far ends lie on the same line and the path turns back.
        const [shared, before, after] = j === i + 1 ? [b, a, d] : [a, b, c];
        const backwards =
          (before[0] - shared[0]) * (after[0] - shared[0]) +
            (before[1] - shared[1]) * (after[1] - shared[1]) >
          0;
        if (cross(shared, before, after) === 0 && backwards) return true;
      } else if (segmentsIntersect(a, b, c, d)) {
        return true;
      }
    }
  }
  return false;
}

/** Whether `point` lies inside a closed ring (even-odd rule; points on the edge may go either way). */
export function pointInRing(point: PlanePosition, ring: readonly PlanePosition[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const pi = ring[i];
    const pj = ring[j];
    if (!pi || !pj) continue;
    if (pi[1] > point[1] !== pj[1] > point[1]) {
      const xCross = ((pj[0] - pi[0]) * (point[1] - pi[1])) / (pj[1] - pi[1]) + pi[0];
      if (point[0] < xCross) inside = !inside;
    }
  }
  return inside;
}

function samePosition(a: PlanePosition | undefined, b: PlanePosition | undefined): boolean {
  return a !== undefined && b !== undefined && a[0] === b[0] && a[1] === b[1];
}

/**
 * Joins open lines end to end into closed rings, the way OSM multipolygons split a long outline
 * over several ways. Lines that cannot be closed are returned apart so the caller can name them.
 */
export function joinLinesIntoRings<P extends PlanePosition>(
  lines: readonly (readonly P[])[],
): { rings: P[][]; unclosed: P[][] } {
  const remaining = lines.filter((line) => line.length > 0).map((line) => [...line]);
  const rings: P[][] = [];
  const unclosed: P[][] = [];
  for (let current = remaining.shift(); current; current = remaining.shift()) {
    while (!(current.length > 1 && samePosition(current[0], current[current.length - 1]))) {
      const end = current[current.length - 1];
      const next = remaining.findIndex(
        (line) => samePosition(line[0], end) || samePosition(line[line.length - 1], end),
      );
      if (next < 0) break;
      const [line] = remaining.splice(next, 1);
      if (!line) break;
      const oriented = samePosition(line[0], end) ? line : [...line].reverse();
      current.push(...oriented.slice(1));
    }
    const closed = current.length > 1 && samePosition(current[0], current[current.length - 1]);
    (closed ? rings : unclosed).push(current);
  }
  return { rings, unclosed };
}
