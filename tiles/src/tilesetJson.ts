/**
 * The 3D Tiles 1.1 `tileset.json` for a building tree. Pure: the caller writes it.
 *
 * Layout: the root carries the ENU -> ECEF `transform`; every bounding volume is a `box` in that
 * local frame (z up), axis-aligned and tight to the geometry below it (plus a 1 cm margin that covers
 * float32 rounding of the vertex positions).
 *
 * Refinement is `ADD`: only leaves have content and inner tiles are pure grouping, so children add to
 * their parent. With `REPLACE`, CesiumJS would hold back a whole subtree until all its children were
 * loaded, and buildings would appear later.
 *
 * Levels of detail (see `spatialTree.ts`): the largest buildings of a region sit in a leaf near the
 * top of its subtree, so the geometric error of an inner tile is the size of the largest building it
 * would leave out, not the tile's size. A distant view then draws a town's landmarks and loads the small
 * buildings only where they would cover more than `maximumScreenSpaceError` pixels; with the tile's
 * size as its error, every leaf in view loads at any distance and a large town never streams.
 */
import type { Bounds, SpatialItem, TreeNode } from './spatialTree.ts';
import { itemSizeM } from './spatialTree.ts';

/** A 3D Tiles bounding volume (box form: centre, then x, y and z half-axis vectors). */
export interface BoundingVolumeJson {
  readonly box: readonly number[];
}

/** A tile of `tileset.json`. */
export interface TileJson {
  readonly transform?: readonly number[];
  readonly boundingVolume: BoundingVolumeJson;
  readonly geometricError: number;
  readonly refine?: 'ADD' | 'REPLACE';
  readonly content?: { readonly uri: string };
  readonly children?: readonly TileJson[];
}

/** The whole `tileset.json`. */
export interface TilesetJson {
  readonly asset: { readonly version: '1.1'; readonly tilesetVersion?: string };
  readonly geometricError: number;
  readonly root: TileJson;
}

/** Margin added to every box so float32 vertex positions stay inside. */
export const BOX_MARGIN_M = 0.01;

function roundMm(valueM: number): number {
  return Math.round(valueM * 1000) / 1000;
}

/** An axis-aligned box `[cx, cy, cz, hx, 0, 0, 0, hy, 0, 0, 0, hz]` around bounds, with a margin. */
export function boundsToBox(bounds: Bounds, marginM = BOX_MARGIN_M): number[] {
  const centre = [0, 1, 2].map((axis) => ((bounds.minM[axis] ?? 0) + (bounds.maxM[axis] ?? 0)) / 2);
  const half = [0, 1, 2].map((axis) => ((bounds.maxM[axis] ?? 0) - (bounds.minM[axis] ?? 0)) / 2 + marginM);
  const [cx = 0, cy = 0, cz = 0] = centre.map(roundMm);
  const [hx = 0, hy = 0, hz = 0] = half.map(roundMm);
  return [cx, cy, cz, hx, 0, 0, 0, hy, 0, 0, 0, hz];
}

/**
 * Geometric error of the root: the diagonal of the tileset's box. Not drawing the root draws nothing,
 * so the error is the whole town; CesiumJS then shows the first level (the largest buildings) whenever
 * the town is more than a speck on screen.
 */
export function rootGeometricErrorM(bounds: Bounds): number {
  const diagonalM = Math.hypot(
    bounds.maxM[0] - bounds.minM[0],
    bounds.maxM[1] - bounds.minM[1],
    bounds.maxM[2] - bounds.minM[2],
  );
  return roundCm(diagonalM);
}

function roundCm(valueM: number): number {
  return Math.round(valueM * 100) / 100;
}

/** How much an inner tile's error exceeds its children's at least, so errors shrink down the tree. */
export const MIN_ERROR_STEP_M = 0.01;

/**
 * Geometric error of an inner tile below the root: the size ({@link itemSizeM}) of the largest item
 * below it, which is what not refining it leaves out; at least {@link MIN_ERROR_STEP_M} more than
 * its children's errors, so that refining always gains something (a pure grouping tile has the
 * same largest item as one of its children).
 */
export function lodGeometricErrorM(largestItemSizeM: number, childErrorsM: readonly number[]): number {
  const aboveChildrenM = Math.max(0, ...childErrorsM.map((errorM) => roundCm(errorM + MIN_ERROR_STEP_M)));
  return Math.max(roundCm(largestItemSizeM), aboveChildrenM);
}

/** Options of {@link createTilesetJson}. */
export interface TilesetJsonOptions<T extends SpatialItem> {
  /** Column-major ENU -> ECEF matrix of the frame the tree's bounds are in. */
  readonly enuToEcefMatrix: readonly number[];
  /** Content URI of a leaf, relative to tileset.json. */
  readonly contentUri: (leaf: TreeNode<T>) => string;
  /** Written as `asset.tilesetVersion` (e.g. a hash of the input) so caches can tell builds apart. */
  readonly tilesetVersion?: string;
}

/** A tile and the size of the largest item below it. */
interface TileWithLargest {
  readonly tile: TileJson;
  readonly largestItemSizeM: number;
}

function toTile<T extends SpatialItem>(node: TreeNode<T>, options: TilesetJsonOptions<T>): TileWithLargest {
  const boundingVolume = { box: boundsToBox(node.bounds) };
  if (node.children.length === 0) {
    return {
      tile: { boundingVolume, geometricError: 0, content: { uri: options.contentUri(node) } },
      largestItemSizeM: Math.max(0, ...node.items.map(itemSizeM)),
    };
  }
  const children = node.children.map((child) => toTile(child, options));
  const largestItemSizeM = Math.max(0, ...children.map((child) => child.largestItemSizeM));
  return {
    tile: {
      boundingVolume,
      geometricError: lodGeometricErrorM(
        largestItemSizeM,
        children.map((child) => child.tile.geometricError),
      ),
      children: children.map((child) => child.tile),
    },
    largestItemSizeM,
  };
}

/** Builds `tileset.json` (3D Tiles 1.1) for a spatial tree of buildings. */
export function createTilesetJson<T extends SpatialItem>(
  tree: TreeNode<T>,
  options: TilesetJsonOptions<T>,
): TilesetJson {
  if (options.enuToEcefMatrix.length !== 16) throw new Error('enuToEcefMatrix must have 16 elements');
  const { tile: root } = toTile(tree, options);
  // The error of not drawing the tileset at all: its whole extent. The root has no content, so not
  // refining it draws nothing either: same error, at least above its children's.
  const geometricError = Math.max(rootGeometricErrorM(tree.bounds), root.geometricError);
  return {
    asset: { version: '1.1', ...(options.tilesetVersion ? { tilesetVersion: options.tilesetVersion } : {}) },
    geometricError,
    root: {
      transform: [...options.enuToEcefMatrix],
      ...root,
      ...(root.children ? { geometricError } : {}),
      refine: 'ADD',
    },
  };
}

/** Counts the tiles of a tileset (inner tiles included). */
export function countTiles(tile: TileJson): number {
  return 1 + (tile.children ?? []).reduce((sum, child) => sum + countTiles(child), 0);
}
