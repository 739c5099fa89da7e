/**
 * Addresses for the demo city's buildings: each building belongs to the street whose segment runs
 * nearest to its footprint, and is numbered along that street the German way, odd numbers on the
 * left and even on the right, counting from the street's western (or southern) end. Pure and
 * deterministic: the same buildings and streets give the same addresses.
 */
import type { LocalPointM, LocalRingM } from './geometry.ts';
import { centroid, normalize, pointSegmentDistanceM, ringPolylineDistanceM, sub } from './geometry.ts';

/** A street segment as the address assignment needs it. */
export interface AddressStreet {
  readonly name: string;
  readonly points: readonly LocalPointM[];
}

/** A building's address. */
export interface BuildingAddress {
  readonly street: string;
  /** `1`, `2`, …: a string, as house numbers can carry letters (`12a`) in imported packs. */
  readonly houseNumber: string;
}

const dot = (a: LocalPointM, b: LocalPointM): number => a[0] * b[0] + a[1] * b[1];
const cross = (a: LocalPointM, b: LocalPointM): number => a[0] * b[1] - a[1] * b[0];

/** The distance of `p` from `polyline`. */
function polylineDistanceM(polyline: readonly LocalPointM[], p: LocalPointM): number {
  let distance = Infinity;
  for (let i = 0; i + 1 < polyline.length; i++)
    distance = Math.min(
      distance,
      pointSegmentDistanceM(p, polyline[i] as LocalPointM, polyline[i + 1] as LocalPointM),
    );
  return distance;
}

/** The point of `polyline` nearest `p`, and the direction of the piece it lies on. */
function footOn(
  polyline: readonly LocalPointM[],
  p: LocalPointM,
): { foot: LocalPointM; direction: LocalPointM } {
  let best = { foot: polyline[0] as LocalPointM, direction: [1, 0] as LocalPointM, distance: Infinity };
  for (let i = 0; i + 1 < polyline.length; i++) {
    const a = polyline[i] as LocalPointM;
    const b = polyline[i + 1] as LocalPointM;
    const ab = sub(b, a);
    const lengthSq = dot(ab, ab);
    const t = lengthSq === 0 ? 0 : Math.min(1, Math.max(0, dot(sub(p, a), ab) / lengthSq));
    const foot: LocalPointM = [a[0] + ab[0] * t, a[1] + ab[1] * t];
    const distance = Math.hypot(p[0] - foot[0], p[1] - foot[1]);
    if (distance < best.distance)
      best = { foot, direction: lengthSq === 0 ? best.direction : normalize(ab), distance };
  }
  return best;
}

/** Each street's axis: from its westernmost (or southernmost) point towards its far end. */
function streetAxes(
  streets: readonly AddressStreet[],
): Map<string, { origin: LocalPointM; axis: LocalPointM }> {
  const points = new Map<string, LocalPointM[]>();
  for (const street of streets) {
    const list = points.get(street.name);
    if (list) list.push(...street.points);
    else points.set(street.name, [...street.points]);
  }
  const axes = new Map<string, { origin: LocalPointM; axis: LocalPointM }>();
  for (const [name, list] of points) {
    const xs = list.map((p) => p[0]);
    const ys = list.map((p) => p[1]);
    const wide = Math.max(...xs) - Math.min(...xs) >= Math.max(...ys) - Math.min(...ys);
    const key = (p: LocalPointM) => (wide ? p[0] : p[1]);
    const sorted = [...list].sort((a, b) => key(a) - key(b));
    const origin = sorted[0] as LocalPointM;
    const end = sorted[sorted.length - 1] as LocalPointM;
    const axis =
      origin[0] === end[0] && origin[1] === end[1] ? ([1, 0] as LocalPointM) : normalize(sub(end, origin));
    axes.set(name, { origin, axis });
  }
  return axes;
}

/**
 * The address of each building of `rings` (same order), numbered along the street nearest its
 * footprint; undefined where there is no street at all.
 */
export function assignAddresses(
  rings: readonly LocalRingM[],
  streets: readonly AddressStreet[],
): (BuildingAddress | undefined)[] {
  if (streets.length === 0) return rings.map(() => undefined);
  const axes = streetAxes(streets);
  /** Per street and side, the buildings with their position along the street. */
  const sides = new Map<string, { index: number; alongM: number }[]>();
  const streetOf: (string | undefined)[] = [];
  rings.forEach((ring, index) => {
    const centre = centroid(ring);
    // The footprint's distance is costly; only streets whose distance from the centre could beat
    // the nearest one's by the footprint's reach are measured.
    const reachM = Math.max(
      ...ring.map((corner) => Math.hypot(corner[0] - centre[0], corner[1] - centre[1])),
    );
    const fromCentre = streets.map((street) => polylineDistanceM(street.points, centre));
    const closestM = Math.min(...fromCentre);
    let nearest = streets[0] as AddressStreet;
    let nearestM = Infinity;
    streets.forEach((street, i) => {
      if ((fromCentre[i] as number) > closestM + 2 * reachM) return;
      const distance = ringPolylineDistanceM(ring, street.points);
      if (distance < nearestM) {
        nearest = street;
        nearestM = distance;
      }
    });
    const { origin, axis } = axes.get(nearest.name) as { origin: LocalPointM; axis: LocalPointM };
    const { foot, direction } = footOn(nearest.points, centre);
    // Left or right of the street walked along its axis.
    const forward = dot(direction, axis) >= 0 ? direction : ([-direction[0], -direction[1]] as LocalPointM);
    const side = cross(forward, sub(centre, foot)) >= 0 ? 'left' : 'right';
    const key = `${side}|${nearest.name}`;
    const entry = { index, alongM: dot(sub(foot, origin), axis) };
    const list = sides.get(key);
    if (list) list.push(entry);
    else sides.set(key, [entry]);
    streetOf[index] = nearest.name;
  });
  const numbers: (string | undefined)[] = rings.map(() => undefined);
  for (const [key, list] of sides) {
    const first = key.startsWith('left|') ? 1 : 2;
    list
      .sort((a, b) => a.alongM - b.alongM || a.index - b.index)
      .forEach((entry, position) => {
        numbers[entry.index] = String(first + 2 * position);
      });
  }
  return rings.map((_, index) => {
    const street = streetOf[index];
    const houseNumber = numbers[index];
    return street !== undefined && houseNumber !== undefined ? { street, houseNumber } : undefined;
  });
}
