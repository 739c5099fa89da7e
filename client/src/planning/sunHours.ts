/**
 * Hours of direct sun on a grid of ground points for a day: for every time step with the sun above
 * the horizon, a ray from each point towards the sun either reaches the sky or hits a building (an
 * extruded footprint: a prism from the ground to its height). Buildings are found along the ray's
 * ground track in a uniform grid, only as far as the tallest building could still block the sun at
 * that elevation. Points on walls (façades) count only the sun in front of their wall. Coordinates
 * are metres on the town's local plane (x east, y north). Pure; the viewer runs it in a worker.
 */
import { sunDirection, sunPosition } from './solar.ts';

/** A building as an obstacle: its footprint (an outer ring, metres) and its height above ground. */
export interface Obstacle {
  readonly ring: readonly (readonly [number, number])[];
  readonly heightM: number;
}

export interface SunHoursGrid {
  /** South-west corner of the first cell's centre, metres. */
  readonly originX: number;
  readonly originY: number;
  readonly cellM: number;
  readonly columns: number;
  readonly rows: number;
  /** Height of the points above ground (e.g. 0 or 1.5 m). */
  readonly heightM: number;
}

export interface SunHoursStudy {
  /** Start and end of the day studied (UTC ms); every `stepMin` minutes in between is sampled. */
  readonly fromMs: number;
  readonly toMs: number;
  readonly stepMin: number;
  /** The place (for the sun's position). */
  readonly lat: number;
  readonly lon: number;
  /** Samples with the sun lower than this count as no sun (default 0°). */
  readonly minElevationDeg?: number;
}

export interface SunHoursResult {
  /** Hours of direct sun per point, row-major from the south-west (row 0 is the southmost). */
  readonly hours: Float32Array;
  /** Hours with the sun up at all (what an unobstructed point gets). */
  readonly possibleHours: number;
  /** Time steps with the sun up. */
  readonly samples: number;
}

interface Prepared {
  readonly ring: readonly (readonly [number, number])[];
  readonly heightM: number;
  readonly minX: number;
  readonly minY: number;
  readonly maxX: number;
  readonly maxY: number;
}

/** Whether (x, y) is inside a ring (even-odd rule). */
export function insideRing(ring: readonly (readonly [number, number])[], x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] as readonly [number, number];
    const [xj, yj] = ring[j] as readonly [number, number];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/**
 * The ground distance along the direction (dx, dy) (a unit vector) from (x, y) at which the ray
 * first enters the footprint: 0 when it starts inside, Infinity when it never enters.
 */
export function entryDistance(obstacle: Prepared, x: number, y: number, dx: number, dy: number): number {
  if (insideRing(obstacle.ring, x, y)) return 0;
  let best = Number.POSITIVE_INFINITY;
  const ring = obstacle.ring;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [ax, ay] = ring[j] as readonly [number, number];
    const [bx, by] = ring[i] as readonly [number, number];
    const ex = bx - ax;
    const ey = by - ay;
    const denominator = dx * ey - dy * ex;
    if (Math.abs(denominator) < 1e-12) continue;
    // Solve (x, y) + s (dx, dy) = a + u e.
    const s = ((ax - x) * ey - (ay - y) * ex) / denominator;
    const u = ((ax - x) * dy - (ay - y) * dx) / denominator;
    if (s >= 0 && u >= 0 && u <= 1 && s < best) best = s;
  }
  return best;
}

/** A uniform grid over the obstacles' bounding boxes, for walking a ray's ground track. */
class ObstacleIndex {
  readonly cellM: number;
  private readonly cells = new Map<number, number[]>();
  readonly obstacles: Prepared[];
  readonly tallestM: number;

  constructor(obstacles: readonly Obstacle[], cellM: number) {
    this.cellM = cellM;
    this.obstacles = obstacles
      .filter((o) => o.ring.length >= 3 && o.heightM > 0)
      .map((o) => {
        const xs = o.ring.map((p) => p[0]);
        const ys = o.ring.map((p) => p[1]);
        return {
          ring: o.ring,
          heightM: o.heightM,
          minX: Math.min(...xs),
          minY: Math.min(...ys),
          maxX: Math.max(...xs),
          maxY: Math.max(...ys),
        };
      });
    this.tallestM = this.obstacles.reduce((max, o) => Math.max(max, o.heightM), 0);
    this.obstacles.forEach((o, index) => {
      for (let cx = Math.floor(o.minX / cellM); cx <= Math.floor(o.maxX / cellM); cx += 1)
        for (let cy = Math.floor(o.minY / cellM); cy <= Math.floor(o.maxY / cellM); cy += 1) {
          const key = ObstacleIndex.key(cx, cy);
          const list = this.cells.get(key);
          if (list) list.push(index);
          else this.cells.set(key, [index]);
        }
    });
  }

  static key(cx: number, cy: number): number {
    return (cx + 32_768) * 65_536 + (cy + 32_768);
  }

  at(cx: number, cy: number): readonly number[] | undefined {
    return this.cells.get(ObstacleIndex.key(cx, cy));
  }
}

/**
 * Whether the sun, in direction `sun` (unit vector, x east, y north, z up), is blocked for the point
 * (x, y, z). `seen` and `stamp` avoid testing an obstacle twice for one ray.
 */
function blocked(
  index: ObstacleIndex,
  x: number,
  y: number,
  z: number,
  sun: readonly [number, number, number],
  seen: Int32Array,
  stamp: number,
): boolean {
  const horizontal = Math.hypot(sun[0], sun[1]);
  const rise = sun[2] / Math.max(horizontal, 1e-9);
  if (horizontal < 1e-9) {
    // The sun straight overhead: blocked only under a roof.
    const list = index.at(Math.floor(x / index.cellM), Math.floor(y / index.cellM)) ?? [];
    return list.some((i) => {
      const o = index.obstacles[i] as Prepared;
      return o.heightM > z && insideRing(o.ring, x, y);
    });
  }
  const dx = sun[0] / horizontal;
  const dy = sun[1] / horizontal;
  // Beyond this ground distance even the tallest building is below the ray.
  const reach = (index.tallestM - z) / rise;
  if (!(reach > 0)) return false;
  const cell = index.cellM;
  // Walk the cells the ground track crosses (Amanatides & Woo).
  let cx = Math.floor(x / cell);
  let cy = Math.floor(y / cell);
  const stepX = dx > 0 ? 1 : -1;
  const stepY = dy > 0 ? 1 : -1;
  const nextX = (cx + (dx > 0 ? 1 : 0)) * cell;
  const nextY = (cy + (dy > 0 ? 1 : 0)) * cell;
  let tMaxX = Math.abs(dx) < 1e-12 ? Number.POSITIVE_INFINITY : (nextX - x) / dx;
  let tMaxY = Math.abs(dy) < 1e-12 ? Number.POSITIVE_INFINITY : (nextY - y) / dy;
  const tDeltaX = Math.abs(dx) < 1e-12 ? Number.POSITIVE_INFINITY : cell / Math.abs(dx);
  const tDeltaY = Math.abs(dy) < 1e-12 ? Number.POSITIVE_INFINITY : cell / Math.abs(dy);
  let travelled = 0;
  while (travelled <= reach) {
    const list = index.at(cx, cy);
    if (list)
      for (const i of list) {
        if (seen[i] === stamp) continue;
        seen[i] = stamp;
        const o = index.obstacles[i] as Prepared;
        if (o.heightM <= z) continue;
        const s = entryDistance(o, x, y, dx, dy);
        // The ray is at height z + s·rise where it enters the footprint; rising, so the entry decides.
        if (s !== Number.POSITIVE_INFINITY && z + s * rise < o.heightM) return true;
      }
    if (tMaxX < tMaxY) {
      travelled = tMaxX;
      tMaxX += tDeltaX;
      cx += stepX;
    } else {
      travelled = tMaxY;
      tMaxY += tDeltaY;
      cy += stepY;
    }
  }
  return false;
}

/**
 * A point on a wall: its place (metres, a hair outside the wall), its height above ground, and the
 * wall's outward normal (a horizontal unit vector). It gets sun only from in front of the wall.
 */
export interface FacadePoint {
  readonly x: number;
  readonly y: number;
  readonly z: number;
  readonly nx: number;
  readonly ny: number;
}

/**
 * Counts, for `count` points, the time steps of the study with direct sun; `faces(i, sun)` says
 * whether point i faces the sun at all (a ground point always does).
 */
function countSun(
  count: number,
  at: (i: number) => { x: number; y: number; z: number },
  faces: (i: number, sun: readonly [number, number, number]) => boolean,
  obstacles: readonly Obstacle[],
  study: SunHoursStudy,
  onProgress?: (share: number) => void,
): SunHoursResult {
  const index = new ObstacleIndex(obstacles, 20);
  const seen = new Int32Array(index.obstacles.length);
  let stamp = 0;
  const sunSteps = new Uint32Array(count);
  const stepMs = study.stepMin * 60_000;
  const minElevation = study.minElevationDeg ?? 0;
  const times: number[] = [];
  for (let t = study.fromMs; t <= study.toMs; t += stepMs) times.push(t);
  let samples = 0;
  times.forEach((t, k) => {
    const position = sunPosition(t, study.lat, study.lon);
    if (position.elevationDeg > minElevation) {
      samples += 1;
      const sun = sunDirection(position);
      for (let i = 0; i < count; i += 1) {
        if (!faces(i, sun)) continue;
        stamp += 1;
        const { x, y, z } = at(i);
        if (!blocked(index, x, y, z, sun, seen, stamp)) sunSteps[i] = (sunSteps[i] as number) + 1;
      }
    }
    onProgress?.((k + 1) / times.length);
  });
  const hoursPerStep = study.stepMin / 60;
  const hours = new Float32Array(count);
  for (let i = 0; i < count; i += 1) hours[i] = (sunSteps[i] as number) * hoursPerStep;
  return { hours, possibleHours: samples * hoursPerStep, samples };
}

/** The sun hours of every grid point. `onProgress` gets the share done after each time step. */
export function sunHours(
  grid: SunHoursGrid,
  obstacles: readonly Obstacle[],
  study: SunHoursStudy,
  onProgress?: (share: number) => void,
): SunHoursResult {
  const point = { x: 0, y: 0, z: grid.heightM };
  return countSun(
    grid.columns * grid.rows,
    (i) => {
      point.x = grid.originX + (i % grid.columns) * grid.cellM;
      point.y = grid.originY + Math.floor(i / grid.columns) * grid.cellM;
      return point;
    },
    () => true,
    obstacles,
    study,
    onProgress,
  );
}

/**
 * The sun hours of points on walls: a sample counts when the sun is above the horizon, in front of the
 * wall (its direction has a positive share along the wall's normal) and not hidden by a building.
 * `possibleHours` is the day's sun-up time, which no wall gets in full.
 */
export function facadeSunHours(
  points: readonly FacadePoint[],
  obstacles: readonly Obstacle[],
  study: SunHoursStudy,
  onProgress?: (share: number) => void,
): SunHoursResult {
  return countSun(
    points.length,
    (i) => points[i] as FacadePoint,
    (i, sun) => {
      const p = points[i] as FacadePoint;
      return sun[0] * p.nx + sun[1] * p.ny > 1e-9;
    },
    obstacles,
    study,
    onProgress,
  );
}
