/**
 * Reads a pack's elevation model (`data/<city>/dem.tif`, a GeoTIFF such as a German state's DGM1 or
 * DGM5) into a {@link Dem}. `geotiff` decodes strips, tiles, LZW and deflate, and integer or float
 * samples; this module adds what a DEM needs on top: the CRS from the GeoKeys (through the
 * importer's CRS table), the pixel placement (PixelIsArea or PixelIsPoint), and nodata (GDAL's ASCII
 * tag, compared with a tolerance because float rasters write -3.4e38 with rounding noise, and NaN).
 */
import { readFile } from 'node:fs/promises';
import { fromArrayBuffer } from 'geotiff';
import { CrsError, parseCrs } from '../import/crs.ts';
import type { Dem } from './dem.ts';
import { createDem } from './dem.ts';

/** Thrown when a file is not a DEM citytwin can use; the message names the file. */
export class DemError extends Error {
  override name = 'DemError';
}

/** GeoTIFF raster types (GTRasterTypeGeoKey). */
const RASTER_PIXEL_IS_AREA = 1;
const RASTER_PIXEL_IS_POINT = 2;
/** GTModelTypeGeoKey values. */
const MODEL_PROJECTED = 1;
const MODEL_GEOGRAPHIC = 2;
/** GeoKey value meaning "user-defined", i.e. no EPSG code. */
const USER_DEFINED = 32767;

/** Whether a sample equals the nodata value: exactly, or within float32 rounding for huge values. */
export function isNodata(value: number, nodata: number | null): boolean {
  if (Number.isNaN(value)) return true;
  if (nodata === null || Number.isNaN(nodata)) return false;
  return Math.abs(value - nodata) <= Math.max(1e-6, Math.abs(nodata) * 1e-6);
}

function epsgOf(geoKeys: Record<string, unknown>, label: string): number {
  const projected = geoKeys['ProjectedCSTypeGeoKey'];
  const geographic = geoKeys['GeographicTypeGeoKey'];
  const model = geoKeys['GTModelTypeGeoKey'];
  const code =
    typeof projected === 'number' && projected !== USER_DEFINED && model !== MODEL_GEOGRAPHIC
      ? projected
      : typeof geographic === 'number' && geographic !== USER_DEFINED && model !== MODEL_PROJECTED
        ? geographic
        : undefined;
  if (code === undefined) {
    throw new DemError(
      `${label}: the GeoTIFF names no EPSG code (ProjectedCSTypeGeoKey / GeographicTypeGeoKey); write it with one, e.g. gdal_translate -a_srs EPSG:25832`,
    );
  }
  return code;
}

/** Reads a DEM from GeoTIFF bytes; `label` names the file in errors. */
export async function readDemBytes(bytes: Uint8Array, label: string): Promise<Dem> {
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  let image;
  try {
    const tiff = await fromArrayBuffer(buffer);
    image = await tiff.getImage();
  } catch (error) {
    throw new DemError(
      `${label} is not a readable GeoTIFF: ${error instanceof Error ? error.message : String(error)}`,
      {
        cause: error,
      },
    );
  }
  const geoKeys = image.getGeoKeys();
  if (!geoKeys) throw new DemError(`${label}: no GeoKeys, so no CRS and no placement: not a GeoTIFF`);
  const code = epsgOf(geoKeys, label);
  let crs: string;
  try {
    crs = parseCrs(`EPSG:${code}`).horizontal;
  } catch (error) {
    if (error instanceof CrsError) throw new DemError(`${label}: ${error.message}`, { cause: error });
    throw error;
  }

  let origin: number[];
  let resolution: number[];
  try {
    origin = image.getOrigin();
    resolution = image.getResolution();
  } catch (error) {
    throw new DemError(`${label}: no tie point and pixel scale (or transformation) to place the grid`, {
      cause: error,
    });
  }
  const [originX, originY] = origin;
  const [dx, dy] = resolution;
  if (
    originX === undefined ||
    originY === undefined ||
    dx === undefined ||
    dy === undefined ||
    ![originX, originY, dx, dy].every(Number.isFinite) ||
    dx === 0 ||
    dy === 0
  ) {
    throw new DemError(
      `${label}: the grid's placement is not usable (origin ${origin}, pixel ${resolution})`,
    );
  }
  const rasterType = geoKeys['GTRasterTypeGeoKey'] ?? RASTER_PIXEL_IS_AREA;
  // PixelIsArea: the tie point is the outer corner of pixel (0, 0); PixelIsPoint: its centre.
  const half = rasterType === RASTER_PIXEL_IS_POINT ? 0 : 0.5;

  const width = image.getWidth();
  const height = image.getHeight();
  const raster = await image.readRasters({ samples: [0], interleave: true });
  const nodata = image.getGDALNoData();
  const heightsM = new Float32Array(width * height);
  for (let i = 0; i < heightsM.length; i++) {
    const value = Number(raster[i]);
    heightsM[i] = isNodata(value, nodata) ? Number.NaN : value;
  }
  return createDem({
    label,
    crs,
    width,
    height,
    heightsM,
    x0: originX + half * dx,
    y0: originY + half * dy,
    dx,
    dy,
  });
}

/** Reads a DEM file (GeoTIFF). */
export async function readDem(path: string, label: string = path): Promise<Dem> {
  return readDemBytes(await readFile(path), label);
}
