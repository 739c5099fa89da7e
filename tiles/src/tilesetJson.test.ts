import { describe, expect, it } from 'vitest';
import type { SpatialItem, TreeNode } from './spatialTree.ts';
import { buildSpatialTree, itemSizeM } from './spatialTree.ts';
import type { TileJson } from './tilesetJson.ts';
import {
  createTilesetJson,
  rootGeometricErrorM,
  lodGeometricErrorM,
  MIN_ERROR_STEP_M,
} from './tilesetJson.ts';

const IDENTITY = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];

/** A grid town: lots 30 m apart, buildings 10 x 10 m, 6 to 36 m tall. */
function town(count: number): SpatialItem[] {
  const columns = Math.ceil(Math.sqrt(count));
  return Array.from({ length: count }, (_, index) => {
    const eastM = (index % columns) * 30;
    const northM = Math.floor(index / columns) * 30;
    return {
      id: `b${String(index + 1).padStart(5, '0')}`,
      centreM: [eastM, northM] as const,
      bounds: {
        minM: [eastM - 5, northM - 5, 0] as const,
        maxM: [eastM + 5, northM + 5, 6 + ((index * 7) % 31)],
      },
    };
  });
}

function tilesetOf(tree: TreeNode<SpatialItem>) {
  return createTilesetJson(tree, { enuToEcefMatrix: IDENTITY, contentUri: (leaf) => `${leaf.path}.glb` });
}

function pairs(tile: TileJson): [TileJson, TileJson][] {
  return (tile.children ?? []).flatMap((child) => [[tile, child] as [TileJson, TileJson], ...pairs(child)]);
}

function allItems(node: TreeNode<SpatialItem>): SpatialItem[] {
  return [...node.items, ...node.children.flatMap(allItems)];
}

describe('createTilesetJson geometric errors', () => {
  it('gives the root the diagonal of the whole town, so its largest buildings show from afar', () => {
    const tree = buildSpatialTree(town(2000), 100);
    const tileset = tilesetOf(tree);
    expect(tileset.root.geometricError).toBe(rootGeometricErrorM(tree.bounds));
    expect(tileset.geometricError).toBe(tileset.root.geometricError);
    expect(tileset.root.refine).toBe('ADD');
  });

  it('gives a tile below the root the size of the largest building it leaves out, not its own size', () => {
    const tree = buildSpatialTree(town(2000), 100);
    const rest = tree.children[1];
    const restTile = tilesetOf(tree).root.children?.[1];
    if (!rest || !restTile) throw new Error('expected a second child');
    const largestM = Math.max(...allItems(rest).map(itemSizeM));
    // Within a few centimetre steps of the largest building below it (buildings ~40 m, town ~1.3 km).
    expect(restTile.geometricError).toBeGreaterThanOrEqual(Math.round(largestM * 100) / 100);
    expect(restTile.geometricError).toBeLessThan(largestM + 0.5);
    expect(restTile.geometricError).toBeLessThan(rootGeometricErrorM(rest.bounds) / 10);
  });

  it('makes errors shrink strictly down the tree and gives leaves 0', () => {
    const tileset = tilesetOf(buildSpatialTree(town(2000), 100));
    for (const [parent, child] of pairs(tileset.root)) {
      expect(child.geometricError).toBeLessThan(parent.geometricError);
      expect(child.geometricError === 0).toBe(child.children === undefined);
      expect(child.content !== undefined).toBe(child.children === undefined);
    }
  });

  it('keeps a single-leaf tileset as one content tile with error 0', () => {
    const tileset = tilesetOf(buildSpatialTree(town(3), 100));
    expect(tileset.root.geometricError).toBe(0);
    expect(tileset.root.content?.uri).toBe('r.glb');
    expect(tileset.geometricError).toBeGreaterThan(0);
  });
});

describe('lodGeometricErrorM', () => {
  it('is the largest item size, rounded to the centimetre, when children are smaller', () => {
    expect(lodGeometricErrorM(41.234, [0, 12])).toBe(41.23);
  });

  it('is a step above the largest child error when a child has the same largest item', () => {
    expect(lodGeometricErrorM(41.23, [41.23, 0])).toBeCloseTo(41.23 + MIN_ERROR_STEP_M, 9);
  });
});
