import { describe, expect, it } from 'vitest';
import type { SpatialItem, TreeNode } from './spatialTree.ts';
import { buildSpatialTree, itemSizeM, listLeaves, unionBounds } from './spatialTree.ts';

function gridItems(count: number): SpatialItem[] {
  const columns = Math.ceil(Math.sqrt(count));
  return Array.from({ length: count }, (_, index) => {
    const eastM = (index % columns) * 25;
    const northM = Math.floor(index / columns) * 25 + (index % 3);
    return {
      id: `b${String(index + 1).padStart(5, '0')}`,
      centreM: [eastM, northM] as const,
      bounds: {
        minM: [eastM - 5, northM - 5, 0] as const,
        maxM: [eastM + 5, northM + 5, 10 + (index % 7)] as const,
      },
    };
  });
}

function contains(outer: TreeNode<SpatialItem>['bounds'], inner: TreeNode<SpatialItem>['bounds']): boolean {
  return [0, 1, 2].every(
    (axis) =>
      (outer.minM[axis] ?? 0) <= (inner.minM[axis] ?? 0) &&
      (outer.maxM[axis] ?? 0) >= (inner.maxM[axis] ?? 0),
  );
}

function forEachNode(node: TreeNode<SpatialItem>, visit: (node: TreeNode<SpatialItem>) => void): void {
  visit(node);
  for (const child of node.children) forEachNode(child, visit);
}

describe('buildSpatialTree', () => {
  it('keeps at most maxItemsPerLeaf per leaf and every item exactly once', () => {
    const items = gridItems(1234);
    const leaves = listLeaves(buildSpatialTree(items, 100));
    for (const leaf of leaves) expect(leaf.items.length).toBeLessThanOrEqual(100);
    const ids = leaves.flatMap((leaf) => leaf.items.map((item) => item.id));
    expect(ids).toHaveLength(items.length);
    expect(new Set(ids)).toEqual(new Set(items.map((item) => item.id)));
  });

  it('fills leaves evenly: 2500 items at 500 per leaf make 5 full leaves', () => {
    const leaves = listLeaves(buildSpatialTree(gridItems(2500), 500));
    expect(leaves.map((leaf) => leaf.items.length)).toEqual([500, 500, 500, 500, 500]);
  });

  it('gives every node bounds that contain its items and children', () => {
    forEachNode(buildSpatialTree(gridItems(300), 40), (node) => {
      for (const item of node.items) expect(contains(node.bounds, item.bounds)).toBe(true);
      for (const child of node.children) expect(contains(node.bounds, child.bounds)).toBe(true);
    });
  });

  it('sorts each leaf by id and names nodes by their path', () => {
    const tree = buildSpatialTree(gridItems(50), 20);
    expect(tree.path).toBe('r');
    expect(tree.children.map((child) => child.path)).toEqual(['r0', 'r1']);
    for (const leaf of listLeaves(tree)) {
      const ids = leaf.items.map((item) => item.id);
      expect(ids).toEqual([...ids].sort());
    }
  });

  it('is deterministic and independent of input order', () => {
    const items = gridItems(500);
    const a = buildSpatialTree(items, 64);
    const b = buildSpatialTree([...items].reverse(), 64);
    const summary = (tree: TreeNode<SpatialItem>): string[] =>
      listLeaves(tree).map((leaf) => `${leaf.path}:${leaf.items.map((item) => item.id).join(',')}`);
    expect(summary(b)).toEqual(summary(a));
  });

  it('makes a single leaf when everything fits and rejects bad input', () => {
    const tree = buildSpatialTree(gridItems(3), 500);
    expect(tree.children).toHaveLength(0);
    expect(tree.items).toHaveLength(3);
    expect(() => buildSpatialTree([], 10)).toThrow(/without items/);
    expect(() => buildSpatialTree(gridItems(3), 0)).toThrow(/positive integer/);
  });
});

describe('buildSpatialTree levels of detail', () => {
  function allItems(node: TreeNode<SpatialItem>): SpatialItem[] {
    return [...node.items, ...node.children.flatMap(allItems)];
  }

  it('puts the largest items of a node too big for one leaf into its first child, a leaf', () => {
    const items = gridItems(300);
    const tree = buildSpatialTree(items, 40);
    const [largest, rest] = tree.children;
    expect(largest?.children).toEqual([]);
    expect(largest?.items).toHaveLength(40);
    const smallestPromotedM = Math.min(...(largest?.items ?? []).map(itemSizeM));
    const restItems = rest ? allItems(rest) : [];
    expect(restItems).toHaveLength(260);
    for (const item of restItems) expect(itemSizeM(item)).toBeLessThanOrEqual(smallestPromotedM);
  });

  it('splits the rest in space, each half a level of detail again', () => {
    const tree = buildSpatialTree(gridItems(300), 40);
    const rest = tree.children[1];
    expect(rest?.items).toEqual([]);
    expect(rest?.children.map((child) => child.path)).toEqual(['r10', 'r11']);
    forEachNode(tree, (node) => {
      if (node.children.length === 0) return;
      // Only leaves hold items; every inner node has exactly two children.
      expect(node.items).toEqual([]);
      expect(node.children).toHaveLength(2);
    });
    const [left, right] = rest?.children ?? [];
    // The halves do not overlap along the split axis (east: the grid is wider than tall).
    expect((left?.bounds.maxM[0] ?? 0) - 10).toBeLessThanOrEqual(right?.bounds.minM[0] ?? 0);
    expect(left?.children[0]?.items).toHaveLength(40);
  });

  it('measures an item by the diagonal of its bounds', () => {
    const item: SpatialItem = {
      id: 'a',
      centreM: [0, 0],
      bounds: { minM: [0, 0, 0], maxM: [3, 4, 12] },
    };
    expect(itemSizeM(item)).toBeCloseTo(13, 9);
  });
});

describe('unionBounds', () => {
  it('throws on an empty list', () => {
    expect(() => unionBounds([])).toThrow();
  });
});
