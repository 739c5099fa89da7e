/**
 * A digital elevation model in memory: a regular grid of heights in its own CRS, and the pure
 * samplers the terrain tiles, the demo generator and the importer use. No file I/O here (see
 * `readDem.ts`), so the generator can build one from a function and sample it exactly like the
 * tiles build samples the file it wrote.
 *
 * Heights are metres in the DEM's own vertical datum (decision 0013: used as the twin's heights as
 * they are, with no geoid applied).
 */
import type { InverseReprojector } from '../import/crs.ts';
import { createInverseReprojector, createReprojector } from '../import/crs.ts';

/** A DEM grid. `heightsM` is row-major from the top row; NaN marks nodata. */
export interface Dem {
  /** Names the source in messages (a file path). */
  readonly label: string;
  /** `EPSG:n` of the grid's horizontal CRS. */
  readonly crs: string;
  readonly width: number;
  readonly height: number;
  readonly heightsM: Float32Array;
  /**
   * Source CRS coordinates of the centre of pixel (0, 0) and the step to the next column / row:
   * pixel `(col, row)` has its centre at `(x0 + col * dx, y0 + row * dy)`; `dy` is negative for
   * north-up rasters.
   */
  readonly x0: number;
  readonly y0: number;
  readonly dx: number;
  readonly dy: number;
  /** WGS84 `(lon, lat)` to source CRS `(x, y)`. */
  readonly toSource: InverseReprojector;
  /** Source CRS `(x, y)` to WGS84 `(lon, lat)`. */
  readonly toLonLat: (x: number, y: number) => readonly [lonDeg: number, latDeg: number];
  /** Lowest and highest valid height; NaN when every pixel is nodata. */
  readonly minHeightM: number;
  readonly maxHeightM: number;
}

/** What {@link createDem} needs besides the CRS: the grid and its placement. */
export interface DemGrid {
  readonly label: string;
  readonly crs: string;
  readonly width: number;
  readonly height: number;
  readonly heightsM: Float32Array;
  readonly x0: number;
  readonly y0: number;
  readonly dx: number;
  readonly dy: number;
}

/** A DEM from a grid whose nodata pixels are already NaN. Throws on a CRS the importer does not know. */
export function createDem(grid: DemGrid): Dem {
  if (grid.heightsM.length !== grid.width * grid.height) {
    throw new Error(`${grid.label}: ${grid.heightsM.length} heights for a ${grid.width}x${grid.height} grid`);
  }
  let minHeightM = Infinity;
  let maxHeightM = -Infinity;
  for (const value of grid.heightsM) {
    if (Number.isNaN(value)) continue;
    if (value < minHeightM) minHeightM = value;
    if (value > maxHeightM) maxHeightM = value;
  }
  const reproject = createReprojector(grid.crs);
  return {
    ...grid,
    toSource: createInverseReprojector(grid.crs),
    toLonLat: (x, y) => {
      const [lon, lat] = reproject(x, y, 0);
      return [lon, lat];
    },
    minHeightM: Number.isFinite(minHeightM) ? minHeightM : Number.NaN,
    maxHeightM: Number.isFinite(maxHeightM) ? maxHeightM : Number.NaN,
  };
}

/** Fractional pixel coordinates (centres at integers) of a WGS84 point. */
function pixelOf(dem: Dem, lonDeg: number, latDeg: number): readonly [col: number, row: number] {
  const [x, y] = dem.toSource(lonDeg, latDeg);
  return [(x - dem.x0) / dem.dx, (y - dem.y0) / dem.dy];
}

/**
 * Bilinear height at fractional pixel `(col, row)`, which must lie within `[0, width-1] x
 * [0, height-1]`. Nodata neighbours drop out and the others are re-weighted, so a valid pixel next
 * to a hole keeps its height; null when the nearest pixel, or every weighted one, is nodata.
 */
function bilinear(dem: Dem, col: number, row: number): number | null {
  const c0 = Math.min(Math.floor(col), dem.width - 2 < 0 ? 0 : dem.width - 2);
  const r0 = Math.min(Math.floor(row), dem.height - 2 < 0 ? 0 : dem.height - 2);
  const fc = dem.width > 1 ? col - c0 : 0;
  const fr = dem.height > 1 ? row - r0 : 0;
  const nearest = dem.heightsM[Math.round(row) * dem.width + Math.round(col)];
  if (nearest === undefined || Number.isNaN(nearest)) return null;
  let sum = 0;
  let weights = 0;
  for (const [dc, dr, weight] of [
    [0, 0, (1 - fc) * (1 - fr)],
    [1, 0, fc * (1 - fr)],
    [0, 1, (1 - fc) * fr],
    [1, 1, fc * fr],
  ] as const) {
    if (weight <= 0) continue;
    const value = dem.heightsM[(r0 + dr) * dem.width + (c0 + dc)];
    if (value === undefined || Number.isNaN(value)) continue;
    sum += value * weight;
    weights += weight;
  }
  return weights > 0 ? sum / weights : null;
}

/**
 * The DEM's height at a WGS84 point, bilinear between pixel centres; null outside the raster (more
 * than half a pixel beyond the outer centres, i.e. beyond the raster's edge) and at nodata.
 */
export function sampleHeight(dem: Dem, lonDeg: number, latDeg: number): number | null {
  const [col, row] = pixelOf(dem, lonDeg, latDeg);
  if (!Number.isFinite(col) || !Number.isFinite(row)) return null;
  if (col < -0.5 || row < -0.5 || col > dem.width - 0.5 || row > dem.height - 0.5) return null;
  return bilinear(dem, clamp(col, 0, dem.width - 1), clamp(row, 0, dem.height - 1));
}

/** Height at the raster's nearest point to a WGS84 point (its own height inside); null at nodata. */
export function sampleHeightClamped(dem: Dem, lonDeg: number, latDeg: number): number | null {
  const [col, row] = pixelOf(dem, lonDeg, latDeg);
  if (!Number.isFinite(col) || !Number.isFinite(row)) return null;
  return bilinear(dem, clamp(col, 0, dem.width - 1), clamp(row, 0, dem.height - 1));
}

/** WGS84 bounding box of the raster's outline (its pixel edges): `[west, south, east, north]` degrees. */
export function demBoundsDeg(dem: Dem): readonly [west: number, south: number, east: number, north: number] {
  let west = Infinity;
  let south = Infinity;
  let east = -Infinity;
  let north = -Infinity;
  // Walk the edges, not only the corners: a UTM raster's edges bow in longitude/latitude.
  const steps = 16;
  for (let i = 0; i <= steps; i++) {
    const t = -0.5 + (i / steps) * dem.width;
    const u = -0.5 + (i / steps) * dem.height;
    for (const [col, row] of [
      [t, -0.5],
      [t, dem.height - 0.5],
      [-0.5, u],
      [dem.width - 0.5, u],
    ] as const) {
      const [lon, lat] = dem.toLonLat(dem.x0 + col * dem.dx, dem.y0 + row * dem.dy);
      west = Math.min(west, lon);
      east = Math.max(east, lon);
      south = Math.min(south, lat);
      north = Math.max(north, lat);
    }
  }
  return [west, south, east, north];
}

function clamp(value: number, min: number, max: number): number {
  return value < min ? min : value > max ? max : value;
}
