/**
 * The features of a WFS or OGC API layer for the part of the town in view: the view is split into
 * cells of a fixed grid; cells not loaded yet are asked for in one request (the box around them),
 * cells loaded before are not asked again, so panning back costs nothing. Features are kept by id (a
 * feature on a cell border comes once) and the cache stops growing at `maxFeatures`. Pure apart from
 * the loading function it is given.
 */
import type { CityFeature } from '../../../geo/geojson.ts';
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

export interface ViewFeatureCache {
  /** Loads what `view` needs and has not been loaded; true when new features came. */
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
  return {
    loadedCells,
    async load(view, signal) {
      if (byId.size >= maxFeatures) return false;
      const missing = cellsCovering(view).filter((cell) => !loadedCells.has(cell));
      if (missing.length === 0) return false;
      const loaded = await loadBbox(cellsBbox(missing), maxFeatures - byId.size, signal);
      for (const cell of missing) loadedCells.add(cell);
      const before = byId.size;
      for (const feature of loaded) {
        if (byId.size >= maxFeatures) break;
        if (!byId.has(feature.id)) byId.set(feature.id, feature);
      }
      return byId.size > before;
    },
    features: () => [...byId.values()],
  };
}
