import { describe, expect, it } from 'vitest';
import type { SpatialItem, TreeNode } from './spatialTree.ts';
import { buildSpatialTree, listLeaves, unionBounds } from './spatialTree.ts';

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

describe('unionBounds', () => {
  it('throws on an empty list', () => {
    expect(() => unionBounds([])).toThrow();
  });
});
