/**
 * The demo town's ground for the browser tests: the height of the committed pack's relief
 * (`data/boeblingen-demo/dem.tif`, read with the tiles pipeline's own reader) at a WGS84 point, so a
 * test can name a place on the ground, put the camera a set distance above it and know what a
 * measurement there must read. Without a DEM in the pack, the ellipsoid: 0 everywhere.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sampleHeight } from '../../tiles/src/terrain/dem.ts';
import { readDem } from '../../tiles/src/terrain/readDem.ts';
import { DEM_FILE } from '../../tiles/src/terrain/buildTerrain.ts';

const DEM_PATH = join(fileURLToPath(new URL('../..', import.meta.url)), 'data', 'boeblingen-demo', DEM_FILE);

/** The ground height at `[lon, lat]`, metres in the twin's heights. */
export type GroundAt = (lonDeg: number, latDeg: number) => number;

/** Reads the demo pack's relief once; the sampler throws for a point off its raster. */
export async function demoGround(): Promise<GroundAt> {
  if (!existsSync(DEM_PATH)) return () => 0;
  const dem = await readDem(DEM_PATH);
  return (lonDeg, latDeg) => {
    const heightM = sampleHeight(dem, lonDeg, latDeg);
    if (heightM === null) throw new Error(`[${lonDeg}, ${latDeg}] is off the demo relief`);
    return heightM;
  };
}
