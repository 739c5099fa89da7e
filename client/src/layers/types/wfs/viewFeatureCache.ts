/**
 * The features of a WFS or OGC API layer for the part of the town in view: the view is split into
 * cells of a fixed grid; cells not loaded yet are asked for in one request (the box around them),
 * cells loaded before are not asked again, so panning back costs nothing. Features are kept by id (a
 * feature on a cell border comes once) and the cache holds at most `maxFeatures`: when it is nearly
 * full, the cells seen longest ago outside the view are dropped with their features (a feature
 * stays while another loaded cell has it), so a part of the town looked at later still gets its
 * features. Pure apart from the loading function it is given.
 */
import { linesOf, pointsOf, polygonsOf, type CityFeature } from '../../../geo/geojson.ts';
import type { BboxDeg } from './wfsPages.ts';

/** The grid's cell side in degrees (about 2 km north-south). */
export const CELL_DEG = 0.02;
/** At most this many cells a side are asked for: a view of the whole region asks for its centre. */
export const MAX_CELLS_PER_SIDE = 8;

/** The cells (`col:row`) covering `bbox`, clamped around its centre to {@link MAX_CELLS_PER_SIDE}. */
export function cellsCovering(bbox: BboxDeg, cellDeg = CELL_DEG): string[] {
  const [w, s, e, n] = bbox;
  let c0 = Math.floor(w / cellDeg);
  let c1 = Math.floor(e / cellDeg);
  let r0 = Math.floor(s / cellDeg);
  let r1 = Math.floor(n / cellDeg);
  const clamp = (lo: number, hi: number): [number, number] => {
    if (hi - lo + 1 <= MAX_CELLS_PER_SIDE) return [lo, hi];
    const mid = Math.floor((lo + hi) / 2);
    const start = mid - Math.floor(MAX_CELLS_PER_SIDE / 2) + 1;
    return [start, start + MAX_CELLS_PER_SIDE - 1];
  };
  [c0, c1] = clamp(c0, c1);
  [r0, r1] = clamp(r0, r1);
  const cells: string[] = [];
  for (let c = c0; c <= c1; c += 1) for (let r = r0; r <= r1; r += 1) cells.push(`${c}:${r}`);
  return cells;
}

/** The box around `cells`, in degrees. */
export function cellsBbox(cells: readonly string[], cellDeg = CELL_DEG): BboxDeg {
  let [w, s, e, n] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const cell of cells) {
    const [c = 0, r = 0] = cell.split(':').map(Number);
    w = Math.min(w, c * cellDeg);
    s = Math.min(s, r * cellDeg);
    e = Math.max(e, (c + 1) * cellDeg);
    n = Math.max(n, (r + 1) * cellDeg);
  }
  return [w, s, e, n];
}

/** From this share of `maxFeatures` on, cells out of view are dropped before new ones are loaded... */
const FULL_SHARE = 0.75;
/** ...until the cache holds no more than this share. */
const ROOM_SHARE = 0.5;

/** The box around a feature's positions, or null for a feature without any. */
function featureBbox(feature: CityFeature): BboxDeg | null {
  let [w, s, e, n] = [Infinity, Infinity, -Infinity, -Infinity];
  const add = (p: readonly number[]) => {
    const [lon = NaN, lat = NaN] = p;
    if (!Number.isFinite(lon) || !Number.isFinite(lat)) return;
    w = Math.min(w, lon);
    e = Math.max(e, lon);
    s = Math.min(s, lat);
    n = Math.max(n, lat);
  };
  for (const p of pointsOf(feature.geometry)) add(p);
  for (const line of linesOf(feature.geometry)) for (const p of line) add(p);
  for (const polygon of polygonsOf(feature.geometry)) for (const p of polygon[0] ?? []) add(p);
  return w <= e ? [w, s, e, n] : null;
}

/** Whether two boxes overlap (touching counts). */
function overlaps(a: BboxDeg, b: BboxDeg): boolean {
  return a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];
}

export interface ViewFeatureCache {
  /** Loads what `view` needs and has not been loaded; true when the features changed. */
  load(view: BboxDeg, signal: AbortSignal): Promise<boolean>;
  /** Every feature loaded so far. */
  features(): CityFeature[];
  /** Cells asked for so far (tests). */
  readonly loadedCells: ReadonlySet<string>;
}

export function createViewFeatureCache(
  loadBbox: (bbox: BboxDeg, maxFeatures: number, signal: AbortSignal) => Promise<readonly CityFeature[]>,
  maxFeatures: number,
): ViewFeatureCache {
  const loadedCells = new Set<string>();
  const byId = new Map<string, CityFeature>();
  /** The loaded cells each feature lies in, and the features of each loaded cell. */
  const cellsOf = new Map<string, Set<string>>();
  const idsOf = new Map<string, Set<string>>();
  /** When each loaded cell was last in view (a count of loads). */
  const lastSeen = new Map<string, number>();
  let loads = 0;

  function drop(cell: string): void {
    for (const id of idsOf.get(cell) ?? []) {
      const cells = cellsOf.get(id);
      cells?.delete(cell);
      if (cells && cells.size > 0) continue;
      cellsOf.delete(id);
      byId.delete(id);
    }
    idsOf.delete(cell);
    loadedCells.delete(cell);
    lastSeen.delete(cell);
  }

  /** Nearly full: drops the cells seen longest ago outside `inView` until there is room. */
  function makeRoom(inView: ReadonlySet<string>): boolean {
    if (byId.size < maxFeatures * FULL_SHARE) return false;
    const candidates = [...lastSeen].filter(([cell]) => !inView.has(cell)).sort((a, b) => a[1] - b[1]);
    let dropped = false;
    for (const [cell] of candidates) {
      if (byId.size <= maxFeatures * ROOM_SHARE) break;
      drop(cell);
      dropped = true;
    }
    return dropped;
  }

  function keep(feature: CityFeature, cells: readonly string[]): boolean {
    const box = featureBbox(feature);
    const inCells = box ? cells.filter((cell) => overlaps(box, cellsBbox([cell]))) : cells;
    // A feature the service sent for the box lies in one of its cells; rounding aside, the first.
    const mine = inCells.length > 0 ? inCells : cells.slice(0, 1);
    const isNew = !byId.has(feature.id);
    if (isNew) {
      if (byId.size >= maxFeatures) return false;
      byId.set(feature.id, feature);
    }
    const known = cellsOf.get(feature.id) ?? new Set<string>();
    cellsOf.set(feature.id, known);
    for (const cell of mine) {
      known.add(cell);
      const ids = idsOf.get(cell) ?? new Set<string>();
      idsOf.set(cell, ids);
      ids.add(feature.id);
    }
    return isNew;
  }

  return {
    loadedCells,
    async load(view, signal) {
      loads += 1;
      const covering = cellsCovering(view);
      for (const cell of covering) if (loadedCells.has(cell)) lastSeen.set(cell, loads);
      const missing = covering.filter((cell) => !loadedCells.has(cell));
      if (missing.length === 0) return false;
      const dropped = makeRoom(new Set(covering));
      const room = maxFeatures - byId.size;
      if (room <= 0) return dropped;
      const loaded = await loadBbox(cellsBbox(missing), room, signal);
      for (const cell of missing) {
        loadedCells.add(cell);
        lastSeen.set(cell, loads);
      }
      let added = false;
      for (const feature of loaded) if (keep(feature, missing)) added = true;
      return added || dropped;
    },
    features: () => [...byId.values()],
  };
}
