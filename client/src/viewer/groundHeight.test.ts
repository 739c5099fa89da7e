/**
 * The ground heights of the viewer against a scene made of real Cesium parts (its globe's terrain
 * provider and change event) with a sampler standing in for the terrain tiles: no WebGL, no network.
 */
import {
  Cartographic,
  EllipsoidTerrainProvider,
  Event,
  Math as CesiumMath,
  type Scene,
  type TerrainProvider,
} from 'cesium';
import { describe, expect, it } from 'vitest';
import {
  createGroundHeights,
  densify,
  lowestGroundM,
  placeKey,
  placeOnGround,
  sameHeights,
  type GroundHeights,
  type TerrainSampler,
} from './groundHeight.ts';

/** A terrain rising 10 m per 0.001° east of 9°, from 430 m (the demo town's ground, roughly). */
const terrainM = (lonDeg: number) => 430 + (lonDeg - 9) * 10_000;

interface FakeGlobe {
  terrainProvider: TerrainProvider;
  readonly terrainProviderChanged: Event;
  /** What the globe's loaded tiles say (coarser than the sampler); undefined: no tile there. */
  shown: (lonDeg: number) => number | undefined;
  getHeight(where: Cartographic): number | undefined;
}

function fakeScene(terrain: boolean): { scene: Scene; globe: FakeGlobe } {
  const globe: FakeGlobe = {
    terrainProvider: terrain ? ({} as TerrainProvider) : new EllipsoidTerrainProvider(),
    terrainProviderChanged: new Event(),
    shown: (lon) => Math.round(terrainM(lon)),
    getHeight(where) {
      return this.shown(CesiumMath.toDegrees(where.longitude));
    },
  };
  return { scene: { globe } as unknown as Scene, globe };
}

/** A sampler that answers from {@link terrainM} and counts the places it was asked for. */
function countingSampler(): { sample: TerrainSampler; asked: number[][] } {
  const asked: number[][] = [];
  const sample: TerrainSampler = (_provider, positions) => {
    asked.push(positions.map((p) => CesiumMath.toDegrees(p.longitude)));
    return Promise.resolve(
      positions.map(
        (p) => new Cartographic(p.longitude, p.latitude, terrainM(CesiumMath.toDegrees(p.longitude))),
      ),
    );
  };
  return { sample, asked };
}

describe('ground heights', () => {
  it('is 0 everywhere on the ellipsoid, without sampling', async () => {
    const { scene } = fakeScene(false);
    const { sample, asked } = countingSampler();
    const ground = createGroundHeights(scene, sample);
    expect(ground.hasTerrain).toBe(false);
    expect(ground.heightNow(9.01, 48.68)).toBe(0);
    expect(
      await ground.heightsAt([
        [9.01, 48.68],
        [9.02, 48.69],
      ]),
    ).toEqual([0, 0]);
    expect(asked).toEqual([]);
  });

  it('samples the terrain once per place, in one call, and answers later from the cache', async () => {
    const { scene } = fakeScene(true);
    const { sample, asked } = countingSampler();
    const ground = createGroundHeights(scene, sample);
    const heights = await ground.heightsAt([
      [9.001, 48.68],
      [9.002, 48.68],
      [9.001, 48.68],
    ]);
    expect(heights[0]).toBeCloseTo(440, 6);
    expect(heights[1]).toBeCloseTo(450, 6);
    expect(heights[2]).toBeCloseTo(440, 6);
    expect(asked).toHaveLength(1);
    expect(asked[0]).toHaveLength(2);
    expect(await ground.heightsAt([[9.002, 48.68]])).toEqual([heights[1]]);
    expect(asked).toHaveLength(1);
    // Known now: the sampled height, not the globe's rounded one.
    expect(ground.heightNow(9.001, 48.68)).toBeCloseTo(440, 6);
  });

  it('answers at once from the tile shown before a place is sampled, undefined without one', () => {
    const { scene, globe } = fakeScene(true);
    const ground = createGroundHeights(scene, countingSampler().sample);
    expect(ground.heightNow(9.00123, 48.68)).toBe(442);
    globe.shown = () => undefined;
    expect(ground.heightNow(9.00123, 48.68)).toBeUndefined();
  });

  it('falls back to the heights shown where the terrain cannot be sampled, and samples again later', async () => {
    const { scene } = fakeScene(true);
    let failing = true;
    const { sample: good } = countingSampler();
    const sample: TerrainSampler = (provider, positions) =>
      failing ? Promise.reject(new Error('no availability')) : good(provider, positions);
    const warnings: unknown[] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => warnings.push(args);
    try {
      const ground = createGroundHeights(scene, sample);
      expect(await ground.heightsAt([[9.00123, 48.68]])).toEqual([442]);
      expect(warnings).toHaveLength(1);
      failing = false;
      const [again] = await ground.heightsAt([[9.00123, 48.68]]);
      expect(again).toBeCloseTo(442.3, 6);
    } finally {
      console.warn = warn;
    }
  });

  it('forgets its heights and tells its listeners when the terrain changes', async () => {
    const { scene, globe } = fakeScene(false);
    const { sample, asked } = countingSampler();
    const ground = createGroundHeights(scene, sample);
    expect(await ground.heightsAt([[9.001, 48.68]])).toEqual([0]);
    let told = 0;
    const stop = ground.onChange(() => (told += 1));
    // The pack's terrain arrives after the viewer started.
    globe.terrainProvider = {} as TerrainProvider;
    globe.terrainProviderChanged.raiseEvent(globe.terrainProvider);
    expect(told).toBe(1);
    expect(ground.hasTerrain).toBe(true);
    const [sampled] = await ground.heightsAt([[9.001, 48.68]]);
    expect(sampled).toBeCloseTo(440, 6);
    expect(asked).toHaveLength(1);
    stop();
    globe.terrainProviderChanged.raiseEvent(globe.terrainProvider);
    expect(told).toBe(1);
    ground.destroy();
  });

  it('stands a footprint on its lowest ground', async () => {
    const { scene } = fakeScene(true);
    const ground = createGroundHeights(scene, countingSampler().sample);
    const lowest = await ground.lowestAt([
      [9.003, 48.68],
      [9.001, 48.68],
      [9.002, 48.681],
    ]);
    expect(lowest).toBeCloseTo(440, 6);
  });
});

describe('lowestGroundM', () => {
  it('takes the lowest finite height, 0 for none', () => {
    expect(lowestGroundM([431.2, 428.9, 430])).toBeCloseTo(428.9, 9);
    expect(lowestGroundM([Number.NaN, 12])).toBe(12);
    expect(lowestGroundM([])).toBe(0);
  });
});

describe('placeKey', () => {
  it('tells places a centimetre apart from each other, and not the same place written twice', () => {
    expect(placeKey(9.0154, 48.6848)).toBe(placeKey(9.0154000001, 48.6848));
    expect(placeKey(9.0154, 48.6848)).not.toBe(placeKey(9.0154002, 48.6848));
  });
});

describe('sameHeights', () => {
  it('agrees within the tolerance only for lists of the same length', () => {
    expect(sameHeights([430, 431], [430.005, 431])).toBe(true);
    expect(sameHeights([430, 431], [430.5, 431])).toBe(false);
    expect(sameHeights([430], [430, 431])).toBe(false);
  });
});

describe('placeOnGround', () => {
  /** Ground whose shown heights are `now` and whose sampled ones are `exact`. */
  function groundOf(now: (number | undefined)[], exact: number[], hasTerrain = true): GroundHeights {
    let i = 0;
    return {
      hasTerrain,
      heightNow: () => now[i++ % now.length],
      heightsAt: () => Promise.resolve(exact),
      lowestAt: () => Promise.resolve(lowestGroundM(exact)),
      onChange: () => () => undefined,
      destroy: () => undefined,
    };
  }
  const places = [
    [9, 48],
    [9.001, 48],
  ] as const;

  it('places at once on the ellipsoid, and only once', async () => {
    const applied: number[][] = [];
    await placeOnGround(
      groundOf([0, 0], [5, 5], false),
      places,
      (h) => applied.push(h),
      () => true,
    );
    expect(applied).toEqual([[0, 0]]);
  });

  it('places at once at the heights shown, then again at the sampled ones where they differ', async () => {
    const applied: number[][] = [];
    await placeOnGround(
      groundOf([430, 431], [430.4, 431]),
      places,
      (h) => applied.push(h),
      () => true,
    );
    expect(applied).toEqual([
      [430, 431],
      [430.4, 431],
    ]);
  });

  it('does not place again when the sampled heights are the ones shown', async () => {
    const applied: number[][] = [];
    await placeOnGround(
      groundOf([430, 431], [430, 431]),
      places,
      (h) => applied.push(h),
      () => true,
    );
    expect(applied).toEqual([[430, 431]]);
  });

  it('waits for the samples where a height is not shown, and drops them once replaced', async () => {
    const applied: number[][] = [];
    await placeOnGround(
      groundOf([430, undefined], [430, 431]),
      places,
      (h) => applied.push(h),
      () => true,
    );
    expect(applied).toEqual([[430, 431]]);
    const late: number[][] = [];
    await placeOnGround(
      groundOf([undefined], [430, 431]),
      places,
      (h) => late.push(h),
      () => false,
    );
    expect(late).toEqual([]);
  });
});

describe('densify', () => {
  it('adds corners so that no stretch is longer than the step, keeping the given corners', () => {
    // 100 m east at 48.68° N, then back 10 m.
    const east = 100 / (111_320 * Math.cos((48.68 * Math.PI) / 180));
    const line = densify(
      [
        [9, 48.68],
        [9 + east, 48.68],
        [9 + east * 0.9, 48.68],
      ],
      30,
    );
    // 100 m in 4 stretches of 25 m, 10 m in one.
    expect(line).toHaveLength(6);
    expect(line[0]).toEqual([9, 48.68]);
    expect(line[4]).toEqual([9 + east, 48.68]);
    expect(line[2]?.[0]).toBeCloseTo(9 + east / 2, 9);
    expect(densify([[9, 48.68]], 30)).toEqual([[9, 48.68]]);
  });
});
