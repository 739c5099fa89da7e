import { describe, expect, it } from 'vitest';
import { sampleHeight } from '../../tiles/src/terrain/dem.ts';
import { readDemBytes } from '../../tiles/src/terrain/readDem.ts';
import { CENTRE_LON_LAT } from './districtPlan.ts';
import { createLocalProjection } from './geometry.ts';
import {
  RELIEF_PIXEL_M,
  RELIEF_SIZE_PX,
  reliefDem,
  reliefGeoTiff,
  reliefGrid,
  reliefHeightM,
} from './relief.ts';

const projection = createLocalProjection(CENTRE_LON_LAT);
const grid = reliefGrid(projection);

describe('the demo relief', () => {
  it('stays within Böblingen’s real range, about 420 to 530 m, over the whole DEM', () => {
    const dem = reliefDem(grid);
    expect(dem.minHeightM).toBeGreaterThan(415);
    expect(dem.maxHeightM).toBeLessThan(530);
    expect(dem.maxHeightM - dem.minHeightM).toBeGreaterThan(60);
  });

  it('puts the lakes in the valley, below the old town, the Galgenberg and the Schönbuch', () => {
    const lakesM = reliefHeightM([130, 240]);
    expect(lakesM).toBeGreaterThan(420);
    expect(lakesM).toBeLessThan(440);
    expect(reliefHeightM([-1400, 1300])).toBeGreaterThan(lakesM + 30);
    expect(reliefHeightM([0, -2500])).toBeGreaterThan(lakesM + 60);
    expect(reliefHeightM([0, -600])).toBeGreaterThan(lakesM);
  });

  it('has no step anywhere: neighbouring pixels differ by less than a 25 % slope', () => {
    const { heightsM } = grid;
    let steepest = 0;
    for (let row = 0; row < RELIEF_SIZE_PX; row++) {
      for (let col = 1; col < RELIEF_SIZE_PX; col++) {
        const here = heightsM[row * RELIEF_SIZE_PX + col] ?? 0;
        steepest = Math.max(steepest, Math.abs(here - (heightsM[row * RELIEF_SIZE_PX + col - 1] ?? 0)));
      }
    }
    expect(steepest / RELIEF_PIXEL_M).toBeLessThan(0.25);
  });

  it('covers the district with at least 2 km to spare on every side', () => {
    const dem = reliefDem(grid);
    for (const point of [
      [-3000, -2700],
      [3000, 2700],
      [-3000, 2700],
      [3000, -2700],
    ] as const) {
      const [lon, lat] = projection.toLonLat(point);
      expect(sampleHeight(dem, lon, lat), `${point}`).not.toBeNull();
    }
  });

  it('writes a GeoTIFF under 300 kB that reads back as the same grid in EPSG:25832', async () => {
    const bytes = reliefGeoTiff(grid);
    expect(bytes.byteLength).toBeLessThan(300 * 1024);
    const read = await readDemBytes(bytes, 'dem.tif');
    const dem = reliefDem(grid);
    expect(read.crs).toBe('EPSG:25832');
    expect([read.x0, read.y0, read.dx, read.dy]).toEqual([dem.x0, dem.y0, dem.dx, dem.dy]);
    expect(read.heightsM).toEqual(dem.heightsM);
  });

  it('is the same for the same inputs', () => {
    expect(reliefGeoTiff(reliefGrid(projection))).toEqual(reliefGeoTiff(grid));
  });
});
