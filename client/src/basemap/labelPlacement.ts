/**
 * Where labels go in one map tile: street names along a straight stretch of their street, turned
 * to its direction but never upside down, inside the tile (a label that would cross the tile edge is
 * left to a neighbour or dropped, never cut), and never over another label. Pure geometry in pixels.
 */

/** A point in tile pixels (y down). */
export interface PixelPoint {
  readonly x: number;
  readonly y: number;
}

/** A label's box: centre, size and rotation (radians, clockwise on screen as canvas rotates). */
export interface LabelBox {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly angle: number;
}

/** The four corners of a box. */
export function boxCorners(box: LabelBox): PixelPoint[] {
  const cos = Math.cos(box.angle);
  const sin = Math.sin(box.angle);
  const hw = box.width / 2;
  const hh = box.height / 2;
  return [
    [-hw, -hh],
    [hw, -hh],
    [hw, hh],
    [-hw, hh],
  ].map(([dx, dy]) => ({
    x: box.x + (dx as number) * cos - (dy as number) * sin,
    y: box.y + (dx as number) * sin + (dy as number) * cos,
  }));
}

function project(corners: readonly PixelPoint[], axis: PixelPoint): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (const c of corners) {
    const d = c.x * axis.x + c.y * axis.y;
    min = Math.min(min, d);
    max = Math.max(max, d);
  }
  return [min, max];
}

/** Whether two (rotated) boxes overlap: the separating-axis test on their four edge directions. */
export function boxesOverlap(a: LabelBox, b: LabelBox): boolean {
  const ca = boxCorners(a);
  const cb = boxCorners(b);
  for (const angle of [a.angle, a.angle + Math.PI / 2, b.angle, b.angle + Math.PI / 2]) {
    const axis = { x: Math.cos(angle), y: Math.sin(angle) };
    const [minA, maxA] = project(ca, axis);
    const [minB, maxB] = project(cb, axis);
    if (maxA <= minB || maxB <= minA) return false;
  }
  return true;
}

/** Whether the whole box lies within `[margin, size - margin]` on both axes. */
export function boxInside(box: LabelBox, sizePx: number, marginPx: number): boolean {
  return boxCorners(box).every(
    (c) => c.x >= marginPx && c.y >= marginPx && c.x <= sizePx - marginPx && c.y <= sizePx - marginPx,
  );
}

/** Turns an angle so text along it reads left to right (within ±90°). */
export function uprightAngle(angle: number): number {
  let a = angle;
  while (a > Math.PI) a -= 2 * Math.PI;
  while (a <= -Math.PI) a += 2 * Math.PI;
  if (a > Math.PI / 2) a -= Math.PI;
  else if (a < -Math.PI / 2) a += Math.PI;
  return a;
}

/** The largest turn a straight stretch may take from its first direction. */
const MAX_BEND_RAD = (22 * Math.PI) / 180;

/** Stretches of a line that are straight enough for text: each as its two ends. */
export function straightStretches(
  line: readonly PixelPoint[],
): { from: PixelPoint; to: PixelPoint; lengthPx: number }[] {
  const out: { from: PixelPoint; to: PixelPoint; lengthPx: number }[] = [];
  let start = 0;
  while (start < line.length - 1) {
    const a = line[start] as PixelPoint;
    let end = start + 1;
    const first = line[end] as PixelPoint;
    const direction = Math.atan2(first.y - a.y, first.x - a.x);
    while (end + 1 < line.length) {
      const p = line[end] as PixelPoint;
      const q = line[end + 1] as PixelPoint;
      if (p.x === q.x && p.y === q.y) {
        end++;
        continue;
      }
      let turn = Math.atan2(q.y - p.y, q.x - p.x) - direction;
      while (turn > Math.PI) turn -= 2 * Math.PI;
      while (turn < -Math.PI) turn += 2 * Math.PI;
      if (Math.abs(turn) > MAX_BEND_RAD) break;
      end++;
    }
    const b = line[end] as PixelPoint;
    out.push({ from: a, to: b, lengthPx: Math.hypot(b.x - a.x, b.y - a.y) });
    start = end;
  }
  return out;
}

/** The part of segment `a`-`b` inside the square `[min, max]²` (Liang-Barsky), or undefined. */
export function clipSegment(
  a: PixelPoint,
  b: PixelPoint,
  min: number,
  max: number,
): { from: PixelPoint; to: PixelPoint } | undefined {
  let t0 = 0;
  let t1 = 1;
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const edges: [number, number][] = [
    [-dx, a.x - min],
    [dx, max - a.x],
    [-dy, a.y - min],
    [dy, max - a.y],
  ];
  for (const [p, q] of edges) {
    if (p === 0) {
      if (q < 0) return undefined;
      continue;
    }
    const t = q / p;
    if (p < 0) t0 = Math.max(t0, t);
    else t1 = Math.min(t1, t);
    if (t0 > t1) return undefined;
  }
  return { from: { x: a.x + t0 * dx, y: a.y + t0 * dy }, to: { x: a.x + t1 * dx, y: a.y + t1 * dy } };
}

/** Options of {@link placeLineLabel}. */
export interface LineLabelOptions {
  readonly textWidthPx: number;
  readonly textHeightPx: number;
  readonly tileSizePx: number;
  /** Space kept free at the tile's edge. */
  readonly marginPx?: number;
  /** Labels already placed in this tile. */
  readonly placed: readonly LabelBox[];
}

/**
 * A box for text along `line`: on the longest straight stretch that holds the text with room to
 * spare, centred on it, upright, inside the tile and clear of `placed`. Undefined when no stretch
 * qualifies.
 */
export function placeLineLabel(line: readonly PixelPoint[], options: LineLabelOptions): LabelBox | undefined {
  const margin = options.marginPx ?? 2;
  const needed = options.textWidthPx + 12;
  // Only the part of each stretch inside the tile can carry text: a label is never cut at the edge.
  const inset = margin + options.textHeightPx / 2;
  const stretches = straightStretches(line)
    .flatMap((s) => {
      const clipped = clipSegment(s.from, s.to, inset, options.tileSizePx - inset);
      if (!clipped) return [];
      const lengthPx = Math.hypot(clipped.to.x - clipped.from.x, clipped.to.y - clipped.from.y);
      return [{ ...clipped, lengthPx }];
    })
    .filter((s) => s.lengthPx >= needed)
    .sort((s, t) => t.lengthPx - s.lengthPx);
  for (const stretch of stretches) {
    const angle = uprightAngle(Math.atan2(stretch.to.y - stretch.from.y, stretch.to.x - stretch.from.x));
    const box: LabelBox = {
      x: (stretch.from.x + stretch.to.x) / 2,
      y: (stretch.from.y + stretch.to.y) / 2,
      width: options.textWidthPx + 4,
      height: options.textHeightPx + 2,
      angle,
    };
    if (!boxInside(box, options.tileSizePx, margin)) continue;
    if (options.placed.some((other) => boxesOverlap(box, other))) continue;
    return box;
  }
  return undefined;
}

/** Distance between box centres. */
export function centreDistancePx(a: LabelBox, b: LabelBox): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}

function samePoint(a: PixelPoint, b: PixelPoint): boolean {
  return Math.abs(a.x - b.x) < 0.5 && Math.abs(a.y - b.y) < 0.5;
}

/**
 * Joins lines that meet end to end into longer ones (a street comes as one segment per block; its
 * name needs the whole street to find room). Lines are reversed where that makes them meet.
 */
export function joinLines(lines: readonly (readonly PixelPoint[])[]): PixelPoint[][] {
  const chains: PixelPoint[][] = lines.filter((line) => line.length >= 2).map((line) => [...line]);
  let joined = true;
  while (joined) {
    joined = false;
    for (let i = 0; i < chains.length && !joined; i++) {
      for (let j = i + 1; j < chains.length && !joined; j++) {
        const a = chains[i] as PixelPoint[];
        const b = chains[j] as PixelPoint[];
        const aStart = a[0] as PixelPoint;
        const aEnd = a[a.length - 1] as PixelPoint;
        const bStart = b[0] as PixelPoint;
        const bEnd = b[b.length - 1] as PixelPoint;
        let merged: PixelPoint[] | undefined;
        if (samePoint(aEnd, bStart)) merged = [...a, ...b.slice(1)];
        else if (samePoint(bEnd, aStart)) merged = [...b, ...a.slice(1)];
        else if (samePoint(aEnd, bEnd)) merged = [...a, ...[...b].reverse().slice(1)];
        else if (samePoint(aStart, bStart)) merged = [...[...a].reverse(), ...b.slice(1)];
        if (merged) {
          chains[i] = merged;
          chains.splice(j, 1);
          joined = true;
        }
      }
    }
  }
  return chains;
}
