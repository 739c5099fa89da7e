/**
 * Screen-space work of vector layers, pure: points close together on screen drawn as one counted
 * cluster, and labels that would overlap left out. Both run when the camera comes to rest, over
 * window coordinates the binding projected (null: behind the camera or off screen).
 */

/** A position on screen, CSS pixels from the top left. */
export interface ScreenPoint {
  readonly x: number;
  readonly y: number;
}

/** A group of points drawn as one symbol; a group of one is drawn as the point itself. */
export interface Cluster {
  /** Indices into the input, in input order. */
  readonly members: readonly number[];
  /** The mean of the members' positions. */
  readonly x: number;
  readonly y: number;
}

/**
 * Clusters points within `radiusPx` of a cluster's first point (greedy, in input order, so the result
 * does not depend on the hash order; a grid of `radiusPx` cells keeps it linear). Points that are
 * null are left out.
 */
export function clusterPoints(points: readonly (ScreenPoint | null)[], radiusPx: number): Cluster[] {
  const cell = Math.max(1, radiusPx);
  const grid = new Map<string, number[]>();
  const seeds: { x: number; y: number; members: number[] }[] = [];
  const r2 = radiusPx * radiusPx;
  points.forEach((point, index) => {
    if (!point) return;
    const cx = Math.floor(point.x / cell);
    const cy = Math.floor(point.y / cell);
    let joined: (typeof seeds)[number] | undefined;
    for (let dx = -1; dx <= 1 && !joined; dx++) {
      for (let dy = -1; dy <= 1 && !joined; dy++) {
        for (const seedIndex of grid.get(`${cx + dx}:${cy + dy}`) ?? []) {
          const seed = seeds[seedIndex] as (typeof seeds)[number];
          const ex = seed.x - point.x;
          const ey = seed.y - point.y;
          if (ex * ex + ey * ey <= r2) {
            joined = seed;
            break;
          }
        }
      }
    }
    if (joined) {
      joined.members.push(index);
      return;
    }
    const key = `${cx}:${cy}`;
    const bucket = grid.get(key) ?? [];
    bucket.push(seeds.length);
    grid.set(key, bucket);
    seeds.push({ x: point.x, y: point.y, members: [index] });
  });
  return seeds.map((seed) => {
    let x = 0;
    let y = 0;
    for (const m of seed.members) {
      const p = points[m] as ScreenPoint;
      x += p.x;
      y += p.y;
    }
    return { members: seed.members, x: x / seed.members.length, y: y / seed.members.length };
  });
}

/** A label's box on screen: centred on `x`, its bottom at `y`. */
export interface LabelBox extends ScreenPoint {
  readonly widthPx: number;
  readonly heightPx: number;
}

/**
 * Which labels to show: greedily in input order (put the important ones first), each only if its box
 * (grown by `gapPx`) overlaps none shown before. Null boxes are not shown.
 */
export function declutterLabels(boxes: readonly (LabelBox | null)[], gapPx = 4): boolean[] {
  const placed: { x0: number; y0: number; x1: number; y1: number }[] = [];
  const cell = 64;
  const grid = new Map<string, number[]>();
  return boxes.map((box) => {
    if (!box) return false;
    const x0 = box.x - box.widthPx / 2 - gapPx;
    const x1 = box.x + box.widthPx / 2 + gapPx;
    const y0 = box.y - box.heightPx - gapPx;
    const y1 = box.y + gapPx;
    const keys: string[] = [];
    for (let gx = Math.floor(x0 / cell); gx <= Math.floor(x1 / cell); gx++)
      for (let gy = Math.floor(y0 / cell); gy <= Math.floor(y1 / cell); gy++) keys.push(`${gx}:${gy}`);
    for (const key of keys) {
      for (const other of grid.get(key) ?? []) {
        const o = placed[other] as (typeof placed)[number];
        if (x0 < o.x1 && o.x0 < x1 && y0 < o.y1 && o.y0 < y1) return false;
      }
    }
    for (const key of keys) {
      const bucket = grid.get(key) ?? [];
      bucket.push(placed.length);
      grid.set(key, bucket);
    }
    placed.push({ x0, y0, x1, y1 });
    return true;
  });
}
