/**
 * The demo district's ground: a smooth, deterministic relief shaped like Böblingen's (about 420 to
 * 520 m above sea level). The town lies in the shallow valley of the Schwippe, which runs from the
 * south-west past the two lakes towards Sindelfingen in the north-east; the ground rises gently to
 * the Galgenberg in the north-west and more steadily to the Schönbuch in the south.
 *
 * The pack carries it as `dem.tif` (a GeoTIFF in ETRS89 / UTM 32N, 30 m pixels, covering the
 * district with a margin of about 2.5 km), and everything the generator places gets its ground
 * height by sampling that same grid with the tiles pipeline's `sampleHeight`, so buildings, roads,
 * basins and sensors stand exactly on the terrain the viewer draws from the file.
 *
 * Heights are metres above sea level, used as the twin's heights as they are (decision 0013).
 */
import { createInverseReprojector, createReprojector } from '../../tiles/src/import/crs.ts';
import type { Dem } from '../../tiles/src/terrain/dem.ts';
import { createDem, sampleHeight } from '../../tiles/src/terrain/dem.ts';
import { writeDemGeoTiff } from '../../tiles/src/terrain/writeDemGeoTiff.ts';
import { CENTRE_LON_LAT } from './districtPlan.ts';
import type { LocalPointM, LocalProjection } from './geometry.ts';
import { createLocalProjection } from './geometry.ts';

/** The DEM's CRS: what Baden-Württemberg's own DGM comes in. */
export const RELIEF_EPSG = 25832;
/** Pixel size of the demo DEM, metres. */
export const RELIEF_PIXEL_M = 30;
/** Pixels along each side: 7.2 km, the district (about 2 km) with some 2.5 km around it. */
export const RELIEF_SIZE_PX = 240;

/** A smooth bump: `heightM` at `centre`, falling off as a Gaussian of width `radiusM`. */
interface Bump {
  readonly centre: LocalPointM;
  readonly heightM: number;
  readonly radiusM: number;
}

/** Hills and hollows, named after the real ones they stand in for. */
const BUMPS: readonly Bump[] = [
  { centre: [-1400, 1300], heightM: 28, radiusM: 700 }, // Galgenberg, north-west
  { centre: [1500, -1100], heightM: 18, radiusM: 600 }, // Diezenhalde's slope, south-east
  { centre: [-2300, -600], heightM: 14, radiusM: 900 }, // towards Dagersheim, west
  { centre: [2600, 1600], heightM: 10, radiusM: 800 }, // Sindelfinger Wald, north-east
  { centre: [300, -2600], heightM: 22, radiusM: 1100 }, // first spur of the Schönbuch, south
];

/** The valley floor: along this line from south-west to north-east, falling with the stream. */
const VALLEY_START: LocalPointM = [-3500, -900];
const VALLEY_END: LocalPointM = [3500, 1500];
const VALLEY_FLOOR_START_M = 436;
const VALLEY_FLOOR_END_M = 424;
/** How far the valley sides rise, and over what distance from the floor line. */
const VALLEY_DEPTH_M = 30;
const VALLEY_HALF_WIDTH_M = 650;
/** The Schönbuch: a rise of this much, starting this far south of the centre, over this distance. */
const SCHOENBUCH_RISE_M = 48;
const SCHOENBUCH_FROM_NORTH_M = -900;
const SCHOENBUCH_OVER_M = 2600;

function smoothstep(t: number): number {
  const x = Math.min(1, Math.max(0, t));
  return x * x * (3 - 2 * x);
}

/** Distance from `p` to the valley line and how far along it `p` lies (0 at the start, 1 at the end). */
function valleyCoordinates(p: LocalPointM): { distanceM: number; along: number } {
  const [ax, ay] = VALLEY_START;
  const dx = VALLEY_END[0] - ax;
  const dy = VALLEY_END[1] - ay;
  const lengthSquared = dx * dx + dy * dy;
  const along = ((p[0] - ax) * dx + (p[1] - ay) * dy) / lengthSquared;
  const t = Math.min(1, Math.max(0, along));
  return { distanceM: Math.hypot(p[0] - (ax + t * dx), p[1] - (ay + t * dy)), along: t };
}

/**
 * The relief at a point of the district's local plane (metres east and north of the centre):
 * valley floor + valley sides + the rise to the Schönbuch + hills. Smooth everywhere.
 */
export function reliefHeightM(point: LocalPointM): number {
  const { distanceM, along } = valleyCoordinates(point);
  const floorM = VALLEY_FLOOR_START_M + (VALLEY_FLOOR_END_M - VALLEY_FLOOR_START_M) * along;
  const sidesM = VALLEY_DEPTH_M * (1 - Math.exp(-((distanceM / VALLEY_HALF_WIDTH_M) ** 2)));
  const schoenbuchM =
    SCHOENBUCH_RISE_M * smoothstep((SCHOENBUCH_FROM_NORTH_M - point[1]) / SCHOENBUCH_OVER_M);
  let hillsM = 0;
  for (const { centre, heightM, radiusM } of BUMPS) {
    const d = Math.hypot(point[0] - centre[0], point[1] - centre[1]);
    hillsM += heightM * Math.exp(-((d / radiusM) ** 2));
  }
  return floorM + sidesM + schoenbuchM + hillsM;
}

/** The DEM grid: UTM pixel centres, the relief at each, heights rounded to centimetres. */
export interface ReliefGrid {
  readonly originX: number;
  readonly originY: number;
  readonly heightsM: Float32Array;
}

/** The grid the pack's `dem.tif` holds, centred (to a whole pixel) on the district's centre. */
export function reliefGrid(projection: LocalProjection = createLocalProjection(CENTRE_LON_LAT)): ReliefGrid {
  const [centreX, centreY] = createInverseReprojector(`EPSG:${RELIEF_EPSG}`)(...CENTRE_LON_LAT);
  const half = (RELIEF_SIZE_PX / 2) * RELIEF_PIXEL_M;
  const originX = Math.round((centreX - half) / RELIEF_PIXEL_M) * RELIEF_PIXEL_M;
  const originY = Math.round((centreY + half) / RELIEF_PIXEL_M) * RELIEF_PIXEL_M;
  const toLonLat = createReprojector(`EPSG:${RELIEF_EPSG}`);
  const heightsM = new Float32Array(RELIEF_SIZE_PX * RELIEF_SIZE_PX);
  for (let row = 0; row < RELIEF_SIZE_PX; row++) {
    for (let col = 0; col < RELIEF_SIZE_PX; col++) {
      const [lon, lat] = toLonLat(
        originX + (col + 0.5) * RELIEF_PIXEL_M,
        originY - (row + 0.5) * RELIEF_PIXEL_M,
        0,
      );
      const heightM = reliefHeightM(projection.toLocal([lon, lat]));
      heightsM[row * RELIEF_SIZE_PX + col] = Math.round(heightM * 100) / 100;
    }
  }
  return { originX, originY, heightsM };
}

/** The pack's DEM as the tiles build will read it back from `dem.tif`. */
export function reliefDem(grid: ReliefGrid = reliefGrid()): Dem {
  return createDem({
    label: 'data/boeblingen-demo/dem.tif',
    crs: `EPSG:${RELIEF_EPSG}`,
    width: RELIEF_SIZE_PX,
    height: RELIEF_SIZE_PX,
    heightsM: grid.heightsM,
    x0: grid.originX + RELIEF_PIXEL_M / 2,
    y0: grid.originY - RELIEF_PIXEL_M / 2,
    dx: RELIEF_PIXEL_M,
    dy: -RELIEF_PIXEL_M,
  });
}

/** `dem.tif`'s bytes: Float32, PixelIsArea, uncompressed (about 230 kB). */
export function reliefGeoTiff(grid: ReliefGrid = reliefGrid()): Uint8Array {
  return writeDemGeoTiff({
    width: RELIEF_SIZE_PX,
    height: RELIEF_SIZE_PX,
    heightsM: grid.heightsM,
    epsg: RELIEF_EPSG,
    geographic: false,
    originX: grid.originX,
    originY: grid.originY,
    pixelSizeX: RELIEF_PIXEL_M,
    pixelSizeY: RELIEF_PIXEL_M,
    rowsPerStrip: 16,
  });
}

/**
 * Ground height at a WGS84 point, from the DEM as the terrain shows it, to a decimetre; the plain
 * relief where the point lies off the DEM (never, for the district).
 */
export function createGroundSampler(
  dem: Dem,
  projection: LocalProjection,
): (lonDeg: number, latDeg: number) => number {
  return (lonDeg, latDeg) => {
    const heightM = sampleHeight(dem, lonDeg, latDeg) ?? reliefHeightM(projection.toLocal([lonDeg, latDeg]));
    return Math.round(heightM * 10) / 10;
  };
}
