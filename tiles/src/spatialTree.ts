/**
 * The tileset's spatial tree: a k-d split of buildings by footprint centre, with tight axis-aligned
 * bounds in the local ENU frame, and levels of detail: every node too big for one leaf first puts its
 * largest items into a leaf of their own, so a distant view can draw the landmarks of a region
 * without loading all of it (`tilesetJson.ts` gives each level its geometric error).
 *
 * A k-d split (rather than a fixed quadtree) because buildings cluster: splitting at counts instead of
 * at mid-points gives leaves of even size (fewer, fuller GLBs) and no empty quadrants. Pure: no I/O.
 */
import type { Vec3 } from './geodesy.ts';

/** Axis-aligned bounds in the local ENU frame, metres. */
export interface Bounds {
  readonly minM: Vec3;
  readonly maxM: Vec3;
}

/** What the split needs to know about an item. */
export interface SpatialItem {
  readonly id: string;
  /** Footprint centre in the ENU frame (east, north), metres; the split key. */
  readonly centreM: readonly [eastM: number, northM: number];
  readonly bounds: Bounds;
}

/**
 * A node of the tree: a leaf holds items, an inner node holds children. An inner node is either a
 * level of detail, whose first child (`…0`) is a leaf with the largest items below it and whose second
 * (`…1`) holds the rest, or a k-d split of that rest into two halves (`…10`, `…11`).
 */
export interface TreeNode<T extends SpatialItem> {
  /** Path from the root: `r`, `r0`, `r01`, ...; unique, stable for the same input, usable as a file name. */
  readonly path: string;
  /** Union of the bounds of every item below this node. */
  readonly bounds: Bounds;
  /** Items of a leaf, sorted by id (their index is the feature id in the tile); empty for inner nodes. */
  readonly items: readonly T[];
  readonly children: readonly TreeNode<T>[];
}

/** Union of bounds; throws on an empty list (a tree node is never empty). */
export function unionBounds(list: readonly Bounds[]): Bounds {
  const [first, ...rest] = list;
  if (!first) throw new Error('unionBounds needs at least one bounds');
  const minM: [number, number, number] = [...first.minM];
  const maxM: [number, number, number] = [...first.maxM];
  for (const bounds of rest) {
    for (let axis = 0; axis < 3; axis++) {
      minM[axis] = Math.min(minM[axis] ?? Infinity, bounds.minM[axis] ?? Infinity);
      maxM[axis] = Math.max(maxM[axis] ?? -Infinity, bounds.maxM[axis] ?? -Infinity);
    }
  }
  return { minM, maxM };
}

function compareIds(a: string, b: string): number {
  // Code-unit order, not localeCompare: the result must not depend on the machine's locale.
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Size of an item for the level of detail: the diagonal of its bounds, metres. Leaving the item out
 * of a view is an error of about this size on screen.
 */
export function itemSizeM(item: SpatialItem): number {
  const { minM, maxM } = item.bounds;
  return Math.hypot(maxM[0] - minM[0], maxM[1] - minM[1], maxM[2] - minM[2]);
}

function leafOf<T extends SpatialItem>(items: readonly T[], path: string): TreeNode<T> {
  const bounds = unionBounds(items.map((item) => item.bounds));
  return { path, bounds, items: [...items].sort((a, b) => compareIds(a.id, b.id)), children: [] };
}

/** A level of detail: the largest items in a leaf (`0`), the rest split in space (`1`). */
function build<T extends SpatialItem>(
  items: readonly T[],
  maxItemsPerLeaf: number,
  path: string,
): TreeNode<T> {
  if (items.length <= maxItemsPerLeaf) return leafOf(items, path);
  const bySize = items
    .map((item) => ({ item, sizeM: itemSizeM(item) }))
    .sort((a, b) => b.sizeM - a.sizeM || compareIds(a.item.id, b.item.id))
    .map(({ item }) => item);
  const largest = bySize.slice(0, maxItemsPerLeaf);
  const rest = bySize.slice(maxItemsPerLeaf);
  return {
    path,
    bounds: unionBounds(items.map((item) => item.bounds)),
    items: [],
    children: [leafOf(largest, `${path}0`), split(rest, maxItemsPerLeaf, `${path}1`)],
  };
}

/** Splits items in two halves in space, each a level of detail again. */
function split<T extends SpatialItem>(
  items: readonly T[],
  maxItemsPerLeaf: number,
  path: string,
): TreeNode<T> {
  const bounds = unionBounds(items.map((item) => item.bounds));
  if (items.length <= maxItemsPerLeaf) return leafOf(items, path);
  // Split across the wider spread of centres, so tiles stay compact rather than long strips.
  let minE = Infinity;
  let maxE = -Infinity;
  let minN = Infinity;
  let maxN = -Infinity;
  for (const { centreM } of items) {
    minE = Math.min(minE, centreM[0]);
    maxE = Math.max(maxE, centreM[0]);
    minN = Math.min(minN, centreM[1]);
    maxN = Math.max(maxN, centreM[1]);
  }
  const axis = maxE - minE >= maxN - minN ? 0 : 1;
  const sorted = [...items].sort((a, b) => a.centreM[axis] - b.centreM[axis] || compareIds(a.id, b.id));
  // Split at a count that lets both halves fill whole leaves: with k = ceil(n / max) leaves needed,
  // the left half gets floor(k / 2) of them. 2000 items at 500 per leaf give 4 full leaves, not 6.
  const leafCount = Math.ceil(items.length / maxItemsPerLeaf);
  const leftCount = Math.min(
    items.length - 1,
    Math.max(1, Math.round((items.length * Math.floor(leafCount / 2)) / leafCount)),
  );
  return {
    path,
    bounds,
    items: [],
    children: [
      build(sorted.slice(0, leftCount), maxItemsPerLeaf, `${path}0`),
      build(sorted.slice(leftCount), maxItemsPerLeaf, `${path}1`),
    ],
  };
}

/**
 * Splits items into a binary tree whose leaves hold at most `maxItemsPerLeaf` items each: levels of
 * detail (largest items first) alternating with k-d splits in space. Only leaves hold items.
 * Deterministic: ties are broken by id, so the same input always gives the same tree.
 */
export function buildSpatialTree<T extends SpatialItem>(
  items: readonly T[],
  maxItemsPerLeaf: number,
): TreeNode<T> {
  if (!Number.isInteger(maxItemsPerLeaf) || maxItemsPerLeaf < 1) {
    throw new Error(`maxItemsPerLeaf must be a positive integer, got ${maxItemsPerLeaf}`);
  }
  if (items.length === 0) throw new Error('cannot build a spatial tree without items');
  return build(items, maxItemsPerLeaf, 'r');
}

/** All leaves in depth-first order (the order tiles are written and reported). */
export function listLeaves<T extends SpatialItem>(node: TreeNode<T>): TreeNode<T>[] {
  return node.children.length === 0 ? [node] : node.children.flatMap((child) => listLeaves(child));
}
