/**
 * The ground's height under a place, for what the viewer draws at fixed places on the ground: the
 * pack's terrain where it has one (decision 0013: heights in the DEM's datum), 0 on the bare
 * ellipsoid (decision 0002). Exact heights come from the terrain's most detailed tiles
 * (`sampleTerrainMostDetailed`, asynchronous, cached per place); `heightNow` answers at once from
 * the cache or the tile the globe shows now (coarser while the view refines).
 *
 * The pack's terrain arrives after the viewer starts (the globe shows the ellipsoid until then), so
 * whatever was placed on the ground listens to {@link GroundHeights.onChange} and places itself
 * again.
 */
import {
  Billboard,
  Cartographic,
  EllipsoidTerrainProvider,
  Label,
  Math as CesiumMath,
  PointPrimitive,
  sampleTerrainMostDetailed,
  type Cartesian2,
  type Cartesian3,
  type Scene,
  type TerrainProvider,
} from 'cesium';

/** A place, `[lon, lat]` in degrees. */
export type LonLat = readonly [lonDeg: number, latDeg: number];

/** Samples the terrain's most detailed heights at the places (Cesium's, or a test's). */
export type TerrainSampler = (
  provider: TerrainProvider,
  positions: Cartographic[],
) => Promise<Cartographic[]>;

/** The cache key of a place: its degrees to 1e-7 (about a centimetre). */
export function placeKey(lonDeg: number, latDeg: number): string {
  return `${lonDeg.toFixed(7)},${latDeg.toFixed(7)}`;
}

/**
 * Where a building stands: the lowest ground under its outline (as the town's buildings do,
 * decision 0013), so that no corner floats; 0 without any height.
 */
export function lowestGroundM(heightsM: readonly number[]): number {
  let lowest = Number.POSITIVE_INFINITY;
  for (const height of heightsM) if (Number.isFinite(height) && height < lowest) lowest = height;
  return Number.isFinite(lowest) ? lowest : 0;
}

/** The ground under the places the viewer draws on. */
export interface GroundHeights {
  /** Whether the globe has terrain now (false: the ellipsoid, where the ground is at 0). */
  readonly hasTerrain: boolean;
  /**
   * The ground height at a place now, if known without waiting: 0 on the ellipsoid, a sampled
   * height, else the height of the globe's tile shown there; undefined where no tile is loaded.
   */
  heightNow(lonDeg: number, latDeg: number): number | undefined;
  /** The ground heights at the places from the terrain's most detailed tiles (0s on the ellipsoid). */
  heightsAt(places: readonly LonLat[]): Promise<number[]>;
  /** The lowest ground under the places (where a building on them stands). */
  lowestAt(places: readonly LonLat[]): Promise<number>;
  /** Calls `listener` whenever the terrain changes (it arrives, or a town switches); returns the stop. */
  onChange(listener: () => void): () => void;
  destroy(): void;
}

/** Creates the ground heights of `scene`'s globe. `sample` replaces Cesium's sampler in tests. */
export function createGroundHeights(
  scene: Scene,
  sample: TerrainSampler = (provider, positions) => sampleTerrainMostDetailed(provider, positions),
): GroundHeights {
  /** Sampled heights (or their pending samples) of the terrain shown now. */
  let cache = new Map<string, number | Promise<number>>();
  let generation = 0;
  let warned = false;
  const listeners = new Set<() => void>();
  const hasTerrain = () => !(scene.globe.terrainProvider instanceof EllipsoidTerrainProvider);
  const shownHeight = (lonDeg: number, latDeg: number) =>
    scene.globe.getHeight(Cartographic.fromDegrees(lonDeg, latDeg));

  const removeTerrainListener = scene.globe.terrainProviderChanged.addEventListener(() => {
    generation += 1;
    cache = new Map();
    for (const listener of [...listeners]) listener();
  });

  /** Samples the places not in the cache, in one call; each gets its promise in the cache. */
  function sampleMissing(places: readonly LonLat[]): void {
    const missing = new Map<string, LonLat>();
    for (const place of places) {
      const key = placeKey(place[0], place[1]);
      if (!cache.has(key) && !missing.has(key)) missing.set(key, place);
    }
    if (missing.size === 0) return;
    const mine = generation;
    const mineCache = cache;
    const entries = [...missing];
    const sampled = sample(
      scene.globe.terrainProvider,
      entries.map(([, [lon, lat]]) => Cartographic.fromDegrees(lon, lat)),
    ).then(
      (positions) => positions.map((p) => p.height),
      (error: unknown) => {
        if (!warned) {
          warned = true;
          console.warn(
            `[viewer] terrain heights could not be sampled, using the heights shown: ${error instanceof Error ? error.message : String(error)}`,
          );
        }
        return entries.map(() => Number.NaN);
      },
    );
    entries.forEach(([key, [lon, lat]], i) => {
      const height = sampled.then((heights) => {
        const value = heights[i];
        if (value !== undefined && Number.isFinite(value)) {
          // Kept only for the terrain it was sampled on.
          if (mine === generation) mineCache.set(key, value);
          return value;
        }
        // Not sampled (off the tiles, a failed tile): the globe's tile, not cached.
        mineCache.delete(key);
        return shownHeight(lon, lat) ?? 0;
      });
      mineCache.set(key, height);
    });
  }

  const heightsAt = async (places: readonly LonLat[]): Promise<number[]> => {
    if (!hasTerrain()) return places.map(() => 0);
    sampleMissing(places);
    return Promise.all(
      places.map(([lon, lat]) => {
        const known = cache.get(placeKey(lon, lat));
        return known === undefined ? (shownHeight(lon, lat) ?? 0) : known;
      }),
    );
  };

  return {
    get hasTerrain() {
      return hasTerrain();
    },
    heightNow(lonDeg, latDeg) {
      if (!hasTerrain()) return 0;
      const known = cache.get(placeKey(lonDeg, latDeg));
      if (typeof known === 'number') return known;
      return shownHeight(lonDeg, latDeg);
    },
    heightsAt,
    async lowestAt(places) {
      return lowestGroundM(await heightsAt(places));
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    destroy() {
      listeners.clear();
      removeTerrainListener();
    },
  };
}

/** Whether a picked object is a marker floating over the map (a point, billboard or label). */
function isMarker(picked: unknown): boolean {
  if (typeof picked !== 'object' || picked === null) return false;
  const { primitive } = picked as { primitive?: unknown };
  return primitive instanceof PointPrimitive || primitive instanceof Billboard || primitive instanceof Label;
}

/**
 * The place a click at `windowPosition` hits, `[lon, lat, height]` with its real height: a building
 * or model's surface (from the depth buffer), else the terrain, else the ellipsoid; null off the
 * globe. Markers (points, labels) are looked through. On the ellipsoid the exact ray intersection is
 * taken: `globe.pick` would hit the tile mesh, whose flat triangles lie below the ellipsoid until the
 * view's tiles have refined.
 */
export function pickGroundPosition(
  scene: Scene,
  windowPosition: Cartesian2,
): [lonDeg: number, latDeg: number, heightM: number] | null {
  let hit: Cartesian3 | undefined;
  if (scene.pickPositionSupported) {
    const picked: unknown = scene.pick(windowPosition);
    if (picked !== undefined && !isMarker(picked)) hit = scene.pickPosition(windowPosition);
  }
  if (!hit && !(scene.globe.terrainProvider instanceof EllipsoidTerrainProvider)) {
    const ray = scene.camera.getPickRay(windowPosition);
    hit = ray ? scene.globe.pick(ray, scene) : undefined;
  }
  hit ??= scene.camera.pickEllipsoid(windowPosition, scene.globe.ellipsoid);
  if (!hit) return null;
  const where = Cartographic.fromCartesian(hit);
  if (!where) return null;
  return [CesiumMath.toDegrees(where.longitude), CesiumMath.toDegrees(where.latitude), where.height];
}

/** The ground height at one place, for a one-off question (a flight); 0 on the ellipsoid. */
export async function groundHeightAt(scene: Scene, lonDeg: number, latDeg: number): Promise<number> {
  const heights = createGroundHeights(scene);
  try {
    return (await heights.heightsAt([[lonDeg, latDeg]]))[0] ?? 0;
  } finally {
    heights.destroy();
  }
}

/** Whether two lists of heights agree to `toleranceM` (a redraw would not move anything). Pure. */
export function sameHeights(a: readonly number[], b: readonly number[], toleranceM = 0.01): boolean {
  return a.length === b.length && a.every((h, i) => Math.abs(h - (b[i] as number)) <= toleranceM);
}

/**
 * Places something on the ground at `places`: `apply` gets their ground heights at once when all
 * are known now (0 on the ellipsoid, sampled, or the globe's tile), and again from the most
 * detailed terrain when those differ; `isCurrent` says whether the placing is still wanted (a later
 * one replaces it). Resolves once the last `apply` ran.
 */
export async function placeOnGround(
  ground: GroundHeights,
  places: readonly LonLat[],
  apply: (heightsM: number[]) => void,
  isCurrent: () => boolean,
): Promise<void> {
  const now = places.map(([lon, lat]) => ground.heightNow(lon, lat));
  const known = now.every((h): h is number => h !== undefined) ? (now as number[]) : null;
  if (known) apply(known);
  if (!ground.hasTerrain) return;
  const exact = await ground.heightsAt(places);
  if (isCurrent() && (!known || !sameHeights(known, exact))) apply(exact);
}

/**
 * A line through `corners` with extra corners so that no stretch is longer than `maxStepM`: drawn
 * at the ground's height at each corner, it follows the terrain instead of cutting through a hill
 * between two far corners. Pure.
 */
export function densify(corners: readonly LonLat[], maxStepM: number): LonLat[] {
  const out: LonLat[] = [];
  corners.forEach((corner, i) => {
    const previous = corners[i - 1];
    if (previous) {
      const metresPerDegreeLon = 111_320 * Math.cos((corner[1] * Math.PI) / 180);
      const lengthM = Math.hypot(
        (corner[0] - previous[0]) * metresPerDegreeLon,
        (corner[1] - previous[1]) * 111_320,
      );
      const parts = Math.ceil(lengthM / maxStepM);
      for (let k = 1; k < parts; k += 1)
        out.push([
          previous[0] + ((corner[0] - previous[0]) * k) / parts,
          previous[1] + ((corner[1] - previous[1]) * k) / parts,
        ]);
    }
    out.push(corner);
  });
  return out;
}
