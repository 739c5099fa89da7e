import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTileset } from './buildTileset.ts';
import { ecefToGeodetic } from './geodesy.ts';
import { createSyntheticBuildings } from './syntheticBuildings.ts';
import type { TileJson, TilesetJson } from './tilesetJson.ts';
import type { TilesetReport } from './validateTileset.ts';
import { pointBounds, readContentPositions, transformPoint, validateTileset } from './validateTileset.ts';

/** A mutable copy of tileset.json for the edits below (test-only shape). */
type Tile = Omit<TileJson, 'children' | 'boundingVolume' | 'transform'> & {
  geometricError: number;
  boundingVolume: { box?: number[]; region?: number[]; sphere?: number[] };
  transform?: number[];
  refine?: string;
  children?: Tile[];
};
type Tileset = Omit<TilesetJson, 'root' | 'asset'> & { asset: { version: string }; root: Tile };

describe('validateTileset', () => {
  let dir: string;
  let tileset: Tileset;
  const load = async (uri: string): Promise<Uint8Array> => new Uint8Array(await readFile(join(dir, uri)));

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'citytwin-tileset-'));
    await buildTileset({
      buildings: createSyntheticBuildings({ count: 30 }),
      outDir: dir,
      maxBuildingsPerTile: 8,
    });
    tileset = JSON.parse(await readFile(join(dir, 'tileset.json'), 'utf8')) as Tileset;
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** The first leaf (a tile with content) and its JSON pointer. */
  function firstLeaf(root: Tile): { tile: Tile; pointer: string } {
    let tile = root;
    let pointer = '/root';
    while (tile.children?.[0]) {
      tile = tile.children[0];
      pointer += '/children/0';
    }
    return { tile, pointer };
  }

  async function validateEdited(edit: (copy: Tileset) => void): Promise<TilesetReport> {
    const copy = structuredClone(tileset);
    edit(copy);
    return validateTileset(copy, load);
  }

  it('passes a tileset written by the real builder with no errors or warnings', async () => {
    expect(firstLeaf(tileset.root).pointer).not.toBe('/root');
    expect(await validateTileset(tileset, load)).toEqual({ errors: [], warnings: [] });
  });

  it('requires asset.version 1.1', async () => {
    const report = await validateEdited((copy) => {
      copy.asset.version = '1.0';
    });
    expect(report.errors).toEqual([
      { pointer: '/asset/version', message: 'asset.version must be "1.1", got "1.0".' },
    ]);
  });

  it('requires the root tile to say how it refines', async () => {
    const report = await validateEdited((copy) => {
      delete copy.root.refine;
    });
    expect(report.errors.map((error) => error.pointer)).toEqual(['/root/refine']);
  });

  it('reports a negative geometric error', async () => {
    const report = await validateEdited((copy) => {
      firstLeaf(copy.root).tile.geometricError = -1;
    });
    expect(report.errors.map((error) => error.pointer)).toEqual([
      `${firstLeaf(tileset.root).pointer}/geometricError`,
    ]);
  });

  it('reports a child whose geometric error exceeds its parent, and warns on an equal one', async () => {
    const report = await validateEdited((copy) => {
      const [first, second] = copy.root.children ?? [];
      if (!first || !second) throw new Error('root needs two children');
      first.geometricError = copy.root.geometricError + 1;
      second.geometricError = copy.root.geometricError;
    });
    expect(report.errors).toEqual([
      {
        pointer: '/root/children/0/geometricError',
        message: expect.stringMatching(/larger than its parent's/),
      },
    ]);
    expect(report.warnings).toContainEqual({
      pointer: '/root/children/1/geometricError',
      message: expect.stringMatching(/equals its parent's/),
    });
  });

  it('reports content that sticks out of its tile box', async () => {
    const report = await validateEdited((copy) => {
      const box = firstLeaf(copy.root).tile.boundingVolume.box;
      if (!box) throw new Error('leaf without a box');
      box[3] = (box[3] ?? 0) - 1;
    });
    expect(report.errors).toEqual([
      {
        pointer: `${firstLeaf(tileset.root).pointer}/boundingVolume`,
        message: expect.stringMatching(/^vertex \d+ of content\/\S+\.glb lies 0\.99\d+ m outside the box\.$/),
      },
    ]);
  });

  it('moves content with the tile transform, like the box', async () => {
    const translate = (copy: Tileset, moveBox: boolean): void => {
      const { tile } = firstLeaf(copy.root);
      tile.transform = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 500, 0, 0, 1];
      // The box is in the tile's frame, so it moves along unless it is shifted back.
      if (moveBox && tile.boundingVolume.box)
        tile.boundingVolume.box[0] = (tile.boundingVolume.box[0] ?? 0) + 500;
    };
    const moved = await validateEdited((copy) => translate(copy, false));
    expect(moved.errors).toEqual([]);
    // The parent box no longer holds the moved child: a warning, as 3D Tiles allows it.
    expect(moved.warnings.map((warning) => warning.pointer)).toEqual([
      `${firstLeaf(tileset.root).pointer}/boundingVolume`,
    ]);
    const shifted = await validateEdited((copy) => translate(copy, true));
    expect(shifted.errors.map((error) => error.pointer)).toEqual([
      `${firstLeaf(tileset.root).pointer}/boundingVolume`,
    ]);
  });

  it('checks content against a region through the root transform', async () => {
    const { tile } = firstLeaf(tileset.root);
    const uri = tile.content?.uri ?? '';
    const { positions } = readContentPositions(await load(uri));
    const geodetic = positions.map((position) =>
      ecefToGeodetic(transformPoint(tileset.root.transform ?? [], position)),
    );
    const lonLat = pointBounds(geodetic);
    const toRad = (deg: number): number => (deg * Math.PI) / 180;
    // 1e-6 rad is about 6 m: a loose but honest region around the content.
    const region = [
      toRad(lonLat.min[0]) - 1e-6,
      toRad(lonLat.min[1]) - 1e-6,
      toRad(lonLat.max[0]) + 1e-6,
      toRad(lonLat.max[1]) + 1e-6,
      lonLat.min[2] - 1,
      lonLat.max[2] + 1,
    ];
    const withRegion = (north: number) => (copy: Tileset) => {
      const leaf = firstLeaf(copy.root).tile;
      leaf.boundingVolume = { region: [...region.slice(0, 3), north, ...region.slice(4)] };
    };
    const fits = await validateEdited(withRegion(region[3] ?? 0));
    expect(fits.errors).toEqual([]);
    const tooSmall = await validateEdited(withRegion((region[1] ?? 0) + 1e-6));
    expect(tooSmall.errors).toEqual([
      {
        pointer: `${firstLeaf(tileset.root).pointer}/boundingVolume`,
        message: expect.stringMatching(/outside the region/),
      },
    ]);
  });

  it('checks content against a sphere', async () => {
    const withSphere = (radiusM: number) => (copy: Tileset) => {
      const leaf = firstLeaf(copy.root).tile;
      const [cx = 0, cy = 0, cz = 0, hx = 0, , , , hy = 0, , , , hz = 0] = leaf.boundingVolume.box ?? [];
      leaf.boundingVolume = { sphere: [cx, cy, cz, radiusM < 0 ? Math.hypot(hx, hy, hz) : radiusM] };
    };
    expect((await validateEdited(withSphere(-1))).errors).toEqual([]);
    expect((await validateEdited(withSphere(1))).errors.map((error) => error.pointer)).toEqual([
      `${firstLeaf(tileset.root).pointer}/boundingVolume`,
    ]);
  });

  it('reports content that cannot be read', async () => {
    const report = await validateTileset(tileset, () => Promise.reject(new Error('gone')));
    expect(report.errors.length).toBeGreaterThan(0);
    expect(report.errors.every((error) => /\/content\/uri$/.test(error.pointer))).toBe(true);
    expect(report.errors[0]?.message).toMatch(/cannot be read: gone/);
  });
});
