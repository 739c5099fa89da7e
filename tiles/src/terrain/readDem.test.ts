import { describe, expect, it } from 'vitest';
import { fixture } from '../../../scripts/fixtures/fixturesDir.ts';
import { describeWithFixtures } from '../../../scripts/fixtures/withFixtures.ts';
import { demBoundsDeg, sampleHeight } from './dem.ts';
import { DemError, isNodata, readDem, readDemBytes } from './readDem.ts';
import { writeDemGeoTiff } from './writeDemGeoTiff.ts';

const VINSCHGAU = 'terrain/dem-vinschgau-utm32n-float32-250m.tif';

describeWithFixtures('readDem on a real DEM (Vinschgau, UTM 32N WGS84, Float32 LZW, 250 m)', () => {
  it('takes the CRS from ProjectedCSTypeGeoKey and places pixel centres half a pixel inside the tie point', async () => {
    const dem = await readDem(fixture(VINSCHGAU));
    expect(dem.crs).toBe('EPSG:32632');
    expect([dem.width, dem.height]).toEqual([252, 194]);
    expect([dem.x0, dem.y0, dem.dx, dem.dy]).toEqual([598_375, 5_192_875, 250, -250]);
  });

  it('reads the height range with the -3.4e38 nodata left out', async () => {
    const dem = await readDem(fixture(VINSCHGAU));
    expect(dem.minHeightM).toBeCloseTo(388, 3);
    expect(dem.maxHeightM).toBeCloseTo(3863, 3);
    expect(Number.isNaN(dem.heightsM[0])).toBe(true);
    expect(dem.heightsM.filter(Number.isNaN).length).toBeGreaterThan(0);
  });

  it('covers the Vinschgau in longitude and latitude', async () => {
    const [west, south, east, north] = demBoundsDeg(await readDem(fixture(VINSCHGAU)));
    expect(west).toBeCloseTo(10.279, 2);
    expect(east).toBeCloseTo(11.116, 2);
    expect(south).toBeCloseTo(46.435, 2);
    expect(north).toBeCloseTo(46.883, 2);
  });

  it('samples a pixel centre at its own height and nodata as null', async () => {
    const dem = await readDem(fixture(VINSCHGAU));
    const [lon, lat] = dem.toLonLat(dem.x0 + 100 * dem.dx, dem.y0 + 100 * dem.dy);
    expect(sampleHeight(dem, lon, lat)).toBeCloseTo(dem.heightsM[100 * 252 + 100] ?? Number.NaN, 3);
    const [nodataLon, nodataLat] = dem.toLonLat(dem.x0, dem.y0);
    expect(sampleHeight(dem, nodataLon, nodataLat)).toBeNull();
  });
});

describe('readDemBytes', () => {
  const grid = Array.from({ length: 12 }, (_, i) => 400 + i);

  it('reads Int16 samples in strips, geographic, PixelIsPoint (tie point is the first centre)', async () => {
    const bytes = writeDemGeoTiff({
      width: 4,
      height: 3,
      heightsM: grid,
      epsg: 4326,
      geographic: true,
      originX: 9,
      originY: 48.7,
      pixelSizeX: 0.001,
      pixelSizeY: 0.001,
      sampleType: 'int16',
      pixelIsPoint: true,
      rowsPerStrip: 1,
    });
    const dem = await readDemBytes(bytes, 'point.tif');
    expect(dem.crs).toBe('EPSG:4326');
    expect([dem.x0, dem.y0]).toEqual([9, 48.7]);
    expect([...dem.heightsM]).toEqual(grid);
    expect(sampleHeight(dem, 9.0015, 48.6995)).toBeCloseTo((401 + 402 + 405 + 406) / 4, 3);
  });

  it('reads EPSG:31467 (Gauss-Krüger zone 3) and honours an integer nodata', async () => {
    const withHole = grid.map((h, i) => (i === 5 ? Number.NaN : h));
    const bytes = writeDemGeoTiff({
      width: 4,
      height: 3,
      heightsM: withHole,
      epsg: 31467,
      geographic: false,
      originX: 3_500_000,
      originY: 5_395_000,
      pixelSizeX: 25,
      pixelSizeY: 25,
      sampleType: 'int16',
      nodata: -32768,
    });
    const dem = await readDemBytes(bytes, 'gk3.tif');
    expect(dem.crs).toBe('EPSG:31467');
    expect(Number.isNaN(dem.heightsM[5])).toBe(true);
    const [lon, lat] = dem.toLonLat(dem.x0 + 25, dem.y0 - 25);
    expect(sampleHeight(dem, lon, lat)).toBeNull();
    const [lon2, lat2] = dem.toLonLat(dem.x0 + 50, dem.y0 - 25);
    expect(sampleHeight(dem, lon2, lat2)).toBeCloseTo(406, 3);
  });

  it('names the code and the file for a CRS it cannot reproject', async () => {
    const bytes = writeDemGeoTiff({
      width: 2,
      height: 2,
      heightsM: [1, 2, 3, 4],
      epsg: 2056,
      geographic: false,
      originX: 2_600_000,
      originY: 1_200_000,
      pixelSizeX: 10,
      pixelSizeY: 10,
    });
    await expect(readDemBytes(bytes, 'data/ch/dem.tif')).rejects.toThrow(/data\/ch\/dem\.tif.*EPSG:2056/);
    await expect(readDemBytes(bytes, 'data/ch/dem.tif')).rejects.toBeInstanceOf(DemError);
  });

  it('rejects bytes that are no TIFF, naming the file', async () => {
    await expect(readDemBytes(new TextEncoder().encode('not a tiff'), 'data/x/dem.tif')).rejects.toThrow(
      /data\/x\/dem\.tif is not a readable GeoTIFF/,
    );
  });
});

describe('isNodata', () => {
  it('matches GDAL float nodata written with rounding noise, and NaN', () => {
    expect(isNodata(-3.4028234663852886e38, -3.39999999999999996e38)).toBe(false);
    expect(isNodata(Math.fround(-3.4e38), -3.39999999999999996e38)).toBe(true);
    expect(isNodata(Number.NaN, null)).toBe(true);
    expect(isNodata(-9999, -9999)).toBe(true);
    expect(isNodata(0, -9999)).toBe(false);
    expect(isNodata(412.5, null)).toBe(false);
  });
});
