/**
 * The globe's terrain: the pack's own quantized-mesh tiles (`/tiles/<city>/terrain/`, built from its
 * `dem.tif`, see tiles/src/terrain/buildTerrain.ts) when it has a DEM, the plain ellipsoid when it
 * has none or the tiles cannot be read. Local files only: no Cesium ion, no external terrain.
 */
import { CesiumTerrainProvider, EllipsoidTerrainProvider } from 'cesium';
import type { TerrainProvider } from 'cesium';

/**
 * Terrain from a pack's terrain folder (the URL of the folder holding `layer.json`, e.g.
 * `/tiles/boeblingen-demo/terrain/`). Rejects when `layer.json` cannot be read or is not terrain.
 */
export async function createPackTerrainProvider(url: string): Promise<TerrainProvider> {
  // The pack's tiles carry neither normals nor a water mask; asking for them would only add headers.
  return CesiumTerrainProvider.fromUrl(url, { requestVertexNormals: false, requestWaterMask: false });
}

/**
 * The terrain for a pack's `map.terrain` entry: its tiles, or the ellipsoid when the pack has none
 * (`null`) or they fail to load; a failure is said once in the console with the reason, and the
 * twin goes on without relief rather than without a globe.
 */
export async function terrainProviderFor(terrain: { readonly url: string } | null): Promise<TerrainProvider> {
  if (!terrain) return new EllipsoidTerrainProvider();
  try {
    return await createPackTerrainProvider(terrain.url);
  } catch (error) {
    console.warn(
      `Terrain ${terrain.url} could not be loaded, showing the ellipsoid: ${error instanceof Error ? error.message : String(error)}`,
    );
    return new EllipsoidTerrainProvider();
  }
}
