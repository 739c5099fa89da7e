/**
 * A right-triangulated irregular network (RTIN) over a square grid of heights: the grid's square is
 * split into two right triangles along its diagonal, and each triangle again into two at the middle
 * of its long side, as far as the ground needs. Where the ground is smooth the mesh keeps few large
 * triangles; where it bends, small ones. Each split adds the grid point at the middle of the long
 * side, so the mesh has no cracks. Pure.
 *
 * Two passes: {@link rtinErrors} measures, for every grid point that can be a split point, how far
 * the ground there lies from the straight line between the long side's ends (taking the larger of
 * that and the errors of the splits below it, so a split never leaves a crack to a finer
 * neighbour); {@link rtinMesh} then splits each triangle whose split point's error exceeds the
 * tolerance. The method: Evans, Kirkpatrick and Townsend, "Right-Triangulated Irregular Networks"
 * (Algorithmica 30, 2001).
 *
 * Grid coordinates: column `x` from the west, row `y` from the north, both 0..size - 1; heights
 * row-major. `size` is 2^k + 1.
 */

/** A mesh over the grid: vertices as grid points, triangles as indices into them. */
export interface GridMesh {
  /** Grid point of each vertex, interleaved `[x0, y0, x1, y1, …]`, in the order the triangles first use them. */
  readonly points: Uint16Array;
  /** Three vertex indices per triangle. */
  readonly triangles: Uint32Array;
}

function checkSize(size: number, heights: ArrayLike<number>): number {
  const cells = size - 1;
  if (!Number.isInteger(size) || cells < 2 || (cells & (cells - 1)) !== 0) {
    throw new Error(`an RTIN grid has 2^k + 1 points along a side (k >= 1), got ${size}`);
  }
  if (heights.length !== size * size) {
    throw new Error(`an RTIN grid of ${size} x ${size} has ${size * size} heights, got ${heights.length}`);
  }
  return cells;
}

/**
 * Visits every triangle that can be split (whose long side has a grid point in its middle), finest
 * first: `visit(ax, ay, bx, by, cx, cy, hasChildren)` with `a`–`b` the long side and `c` the right
 * angle. Triangle `id` (from 2) encodes its path from the root in its bits, lowest first: the lowest
 * bit picks one of the two root triangles, each further bit one half; a deeper triangle has a larger
 * id, so counting down visits children before their parents.
 */
function forEachSplittableTriangle(
  cells: number,
  visit: (
    ax: number,
    ay: number,
    bx: number,
    by: number,
    cx: number,
    cy: number,
    hasChildren: boolean,
  ) => void,
): void {
  // Triangles whose long side is at least 2 cells' diagonal or 2 cells long: the finest, of one
  // cell's area, are the last cells * cells ids.
  const triangleCount = cells * cells * 2 - 2;
  const parentCount = triangleCount - cells * cells;
  for (let index = triangleCount - 1; index >= 0; index--) {
    let id = index + 2;
    let ax = 0;
    let ay = 0;
    let bx = 0;
    let by = 0;
    let cx = 0;
    let cy = 0;
    if (id & 1) {
      // Root one: the long side from the north-west to the south-east corner, right angle north-east.
      bx = by = cx = cells;
    } else {
      // Root two: from the south-east to the north-west corner, right angle south-west.
      ax = ay = cy = cells;
    }
    while ((id >>= 1) > 1) {
      const mx = (ax + bx) >> 1;
      const my = (ay + by) >> 1;
      if (id & 1) {
        // The half between the right angle and `a`.
        bx = ax;
        by = ay;
        ax = cx;
        ay = cy;
      } else {
        // The half between `b` and the right angle.
        ax = bx;
        ay = by;
        bx = cx;
        by = cy;
      }
      cx = mx;
      cy = my;
    }
    visit(ax, ay, bx, by, cx, cy, index < parentCount);
  }
}

/**
 * The error of splitting at each grid point, metres (0 where a point is never a split point): how
 * far the ground lies from the line between the long side's ends, or a larger error of a split
 * below, whichever is greater.
 */
export function rtinErrors(heights: ArrayLike<number>, size: number): Float32Array {
  const cells = checkSize(size, heights);
  const errors = new Float32Array(size * size);
  const h = (x: number, y: number) => heights[y * size + x] ?? 0;
  forEachSplittableTriangle(cells, (ax, ay, bx, by, cx, cy, hasChildren) => {
    const mx = (ax + bx) >> 1;
    const my = (ay + by) >> 1;
    const middle = my * size + mx;
    const error = Math.abs((h(ax, ay) + h(bx, by)) / 2 - h(mx, my));
    let worst = Math.max(errors[middle] ?? 0, error);
    if (hasChildren) {
      // The split points of the two halves: the middles of their long sides.
      worst = Math.max(
        worst,
        errors[((ay + cy) >> 1) * size + ((ax + cx) >> 1)] ?? 0,
        errors[((by + cy) >> 1) * size + ((bx + cx) >> 1)] ?? 0,
      );
    }
    errors[middle] = worst;
  });
  return errors;
}

/**
 * The mesh whose surface is within `maxErrorM` of every grid height: triangles are split while the
 * error at their split point exceeds it. `errors` from {@link rtinErrors} for the same grid.
 */
export function rtinMesh(errors: Float32Array, size: number, maxErrorM: number): GridMesh {
  const cells = checkSize(size, errors);
  const vertexOf = new Int32Array(size * size).fill(-1);
  const points: number[] = [];
  const triangles: number[] = [];
  const vertex = (x: number, y: number) => {
    const key = y * size + x;
    let index = vertexOf[key] ?? -1;
    if (index < 0) {
      index = points.length / 2;
      vertexOf[key] = index;
      points.push(x, y);
    }
    return index;
  };
  const split = (ax: number, ay: number, bx: number, by: number, cx: number, cy: number): void => {
    const mx = (ax + bx) >> 1;
    const my = (ay + by) >> 1;
    if (Math.abs(ax - cx) + Math.abs(ay - cy) > 1 && (errors[my * size + mx] ?? 0) > maxErrorM) {
      split(cx, cy, ax, ay, mx, my);
      split(bx, by, cx, cy, mx, my);
    } else {
      triangles.push(vertex(ax, ay), vertex(bx, by), vertex(cx, cy));
    }
  };
  split(0, 0, cells, cells, cells, 0);
  split(cells, cells, 0, 0, 0, cells);
  return { points: Uint16Array.from(points), triangles: Uint32Array.from(triangles) };
}
