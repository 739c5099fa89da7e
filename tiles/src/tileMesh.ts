/**
 * Merges the buildings of one tile into a single mesh (one draw call per tile) with a feature id per
 * vertex, and turns the local ENU frame into glTF's y-up axes.
 *
 * glTF is y-up and 3D Tiles rotates glTF content from y-up to z-up when loading it, so an ENU point
 * (e, n, u) is written as glTF (e, u, -n); the tile's transform then takes ENU to ECEF.
 */
import { BufferAttribute, BufferGeometry } from 'three';
import { mergeGeometries } from 'three/addons/utils/BufferGeometryUtils.js';

/** The merged mesh of one tile, ready for glTF accessors. */
export interface TileMesh {
  /** glTF positions (y-up), metres relative to the tileset's ENU origin. */
  readonly positions: Float32Array;
  /** glTF unit normals (y-up). */
  readonly normals: Float32Array;
  /** Feature id of each vertex: the index of its building in the tile's property table. */
  readonly featureIds: Uint16Array;
  readonly indices: Uint16Array | Uint32Array;
}

/** The most buildings one tile can hold: feature ids are stored as UNSIGNED_SHORT. */
export const MAX_FEATURES_PER_TILE = 65_536;

/** Rewrites ENU xyz triples in place as glTF (x, z, -y). */
function enuToGltfInPlace(values: Float32Array): void {
  for (let i = 0; i < values.length; i += 3) {
    const north = values[i + 1] ?? 0;
    values[i + 1] = values[i + 2] ?? 0;
    values[i + 2] = -north;
  }
}

/**
 * Merges building geometries (ENU, from `extrudeFootprint`) into one tile mesh. The building at
 * index i gets feature id i. The inputs are not modified.
 */
export function mergeTileMesh(buildings: readonly BufferGeometry[]): TileMesh {
  if (buildings.length === 0) throw new Error('a tile needs at least one building');
  if (buildings.length > MAX_FEATURES_PER_TILE) {
    throw new Error(`a tile holds at most ${MAX_FEATURES_PER_TILE} buildings, got ${buildings.length}`);
  }
  // Fresh geometries that share the inputs' attributes, plus the feature id attribute.
  const tagged = buildings.map((source, featureId) => {
    const position = source.getAttribute('position');
    const normal = source.getAttribute('normal');
    const index = source.getIndex();
    if (!(position instanceof BufferAttribute) || !(normal instanceof BufferAttribute) || !index) {
      throw new Error(`building geometry ${featureId} needs position, normal and an index`);
    }
    const geometry = new BufferGeometry();
    geometry.setAttribute('position', position);
    geometry.setAttribute('normal', normal);
    geometry.setAttribute(
      'featureId',
      new BufferAttribute(new Uint16Array(position.count).fill(featureId), 1),
    );
    geometry.setIndex(index);
    return geometry;
  });
  const merged = mergeGeometries(tagged);
  if (!merged) throw new Error('three.js could not merge the building geometries');

  const positions = Float32Array.from(merged.getAttribute('position').array);
  const normals = Float32Array.from(merged.getAttribute('normal').array);
  const featureIds = Uint16Array.from(merged.getAttribute('featureId').array);
  const mergedIndex = merged.getIndex();
  if (!mergedIndex) throw new Error('merged geometry lost its index');
  // 16-bit indices whenever they fit: half the index bytes for typical tiles.
  const indices =
    positions.length / 3 <= 0xffff
      ? Uint16Array.from(mergedIndex.array)
      : Uint32Array.from(mergedIndex.array);
  enuToGltfInPlace(positions);
  enuToGltfInPlace(normals);
  return { positions, normals, featureIds, indices };
}
