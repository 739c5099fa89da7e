/**
 * Key figures of a planning variant's buildings: footprint, gross floor area, volume, the greatest
 * height and the dwelling units. Footprints are WGS84 rings; areas are taken on a local plane around
 * the ring (metres per degree at its latitude, WGS84 ellipsoid), which for a building's size is exact
 * to well under a square metre. Pure.
 */

/** Roofs a proposed building can have; the roof's volume is added on top of the walls. */
export type RoofType = 'flat' | 'gabled' | 'hipped' | 'shed';

import type { BuildingUse } from '../../../protocol/index.ts';

export interface ProposedBuildingShape {
  /** Outer ring, `[lon, lat]` degrees; closed or not. */
  readonly footprint: readonly (readonly [number, number])[];
  /** Height of the walls (eaves) above ground, metres. */
  readonly eavesHeightM: number;
  /** Height of the roof above the eaves (0 for flat roofs), metres. */
  readonly roofHeightM: number;
  readonly roof: RoofType;
  readonly storeys: number;
  /** What it is used for (the city pack's uses); only homes count towards dwelling units. */
  readonly use: BuildingUse;
  /** An imported building's real shape (metres east, north, up from its origin on the ground). */
  readonly mesh?: { readonly positions: readonly number[]; readonly indices: readonly number[] } | undefined;
}

/**
 * The volume a triangle mesh encloses (divergence theorem: the sum of the signed tetrahedra from the
 * origin), or null when the mesh is not closed: then some edge does not have exactly one triangle on
 * each side, and the sum would mean nothing. Vertices within a millimetre are one (polygons of a
 * city model each have their own copies of shared corners).
 */
export function meshVolumeM3(mesh: {
  readonly positions: readonly number[];
  readonly indices: readonly number[];
}): number | null {
  const { positions, indices } = mesh;
  const key = (i: number) =>
    `${Math.round((positions[i * 3] as number) * 1000)},${Math.round((positions[i * 3 + 1] as number) * 1000)},${Math.round((positions[i * 3 + 2] as number) * 1000)}`;
  const ids = new Map<string, number>();
  const idOf = (i: number) => {
    const k = key(i);
    let id = ids.get(k);
    if (id === undefined) {
      id = ids.size;
      ids.set(k, id);
    }
    return id;
  };
  // Each directed edge once; a closed, consistently wound mesh pairs every a→b with one b→a.
  const edges = new Map<string, number>();
  let sixTimes = 0;
  for (let t = 0; t + 2 < indices.length; t += 3) {
    const [a, b, c] = [indices[t] as number, indices[t + 1] as number, indices[t + 2] as number];
    const [ia, ib, ic] = [idOf(a), idOf(b), idOf(c)];
    if (ia === ib || ib === ic || ia === ic) continue;
    for (const [from, to] of [
      [ia, ib],
      [ib, ic],
      [ic, ia],
    ] as const) {
      const directed = `${from}>${to}`;
      edges.set(directed, (edges.get(directed) ?? 0) + 1);
    }
    const p = (i: number) => [
      positions[i * 3] as number,
      positions[i * 3 + 1] as number,
      positions[i * 3 + 2] as number,
    ];
    const [ax, ay, az] = p(a) as [number, number, number];
    const [bx, by, bz] = p(b) as [number, number, number];
    const [cx, cy, cz] = p(c) as [number, number, number];
    sixTimes += ax * (by * cz - bz * cy) - ay * (bx * cz - bz * cx) + az * (bx * cy - by * cx);
  }
  if (edges.size === 0) return null;
  for (const [directed, count] of edges) {
    const [from, to] = directed.split('>');
    if (count !== 1 || edges.get(`${to}>${from}`) !== 1) return null;
  }
  return Math.abs(sixTimes) / 6;
}

/** The greatest height of a mesh above its ground. */
function meshTopM(mesh: { readonly positions: readonly number[] }): number {
  let top = 0;
  for (let i = 2; i < mesh.positions.length; i += 3) top = Math.max(top, mesh.positions[i] as number);
  return top;
}

const WGS84_A = 6_378_137;
const WGS84_E2 = 0.00669437999014;

/** Metres per degree of latitude and of longitude at a latitude (WGS84 ellipsoid, exact). */
export function metresPerDegree(latDeg: number): { lat: number; lon: number } {
  const phi = (latDeg * Math.PI) / 180;
  const w = 1 - WGS84_E2 * Math.sin(phi) ** 2;
  return {
    lat: (Math.PI * WGS84_A * (1 - WGS84_E2)) / (180 * w ** 1.5),
    lon: (Math.PI * WGS84_A * Math.cos(phi)) / (180 * Math.sqrt(w)),
  };
}

/** A ring in metres east and north of `origin` (`[lon, lat]`). */
export function toLocal(
  ring: readonly (readonly [number, number])[],
  origin: readonly [number, number],
): [number, number][] {
  const scale = metresPerDegree(origin[1]);
  return ring.map(([lon, lat]) => [(lon - origin[0]) * scale.lon, (lat - origin[1]) * scale.lat]);
}

/** Area of a ring of local metres (shoelace), always positive. */
export function planarArea(ring: readonly (readonly [number, number])[]): number {
  let twice = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] as readonly [number, number];
    const [xj, yj] = ring[j] as readonly [number, number];
    twice += xj * yi - xi * yj;
  }
  return Math.abs(twice) / 2;
}

/** Area of a WGS84 ring in square metres. */
export function footprintAreaM2(ring: readonly (readonly [number, number])[]): number {
  if (ring.length < 3) return 0;
  const lon = ring.reduce((sum, p) => sum + p[0], 0) / ring.length;
  const lat = ring.reduce((sum, p) => sum + p[1], 0) / ring.length;
  return planarArea(toLocal(ring, [lon, lat]));
}

/**
 * Share of the footprint × roof height that a roof encloses: a gable or a shed roof is a prism
 * (half); a hipped roof is taken as a pyramid over the footprint (a third; a real hip with a ridge
 * lies between the two, so this errs low).
 */
export const ROOF_VOLUME_SHARE: Readonly<Record<RoofType, number>> = {
  flat: 0,
  gabled: 0.5,
  shed: 0.5,
  hipped: 1 / 3,
};

/** Assumptions behind dwelling units, documented with the figures. */
export const UNIT_ASSUMPTIONS = {
  /** Net living area as a share of gross floor area. */
  netShare: 0.75,
  /** Mean size of a dwelling, m² of living area. */
  meanUnitM2: 75,
  /** Share of a mixed-use building's floor area that is homes. */
  mixedResidentialShare: 0.5,
} as const;

export interface KeyFigures {
  readonly buildings: number;
  readonly footprintM2: number;
  /** Gross floor area: footprint × storeys. */
  readonly grossFloorAreaM2: number;
  readonly volumeM3: number;
  readonly maxHeightM: number;
  /** Dwelling units (rounded per building). */
  readonly units: number;
}

/** The key figures of one building. */
export function buildingFigures(building: ProposedBuildingShape): KeyFigures {
  const footprintM2 = footprintAreaM2(building.footprint);
  const grossFloorAreaM2 = footprintM2 * building.storeys;
  const roofHeight = building.roof === 'flat' ? 0 : building.roofHeightM;
  // An imported shape that is closed gives its volume exactly; else the footprint and heights do.
  const meshVolume = building.mesh ? meshVolumeM3(building.mesh) : null;
  const volumeM3 =
    meshVolume ?? footprintM2 * (building.eavesHeightM + roofHeight * ROOF_VOLUME_SHARE[building.roof]);
  const homes =
    building.use === 'residential'
      ? 1
      : building.use === 'mixed'
        ? UNIT_ASSUMPTIONS.mixedResidentialShare
        : 0;
  const units = Math.round(
    (grossFloorAreaM2 * homes * UNIT_ASSUMPTIONS.netShare) / UNIT_ASSUMPTIONS.meanUnitM2,
  );
  return {
    buildings: 1,
    footprintM2,
    grossFloorAreaM2,
    volumeM3,
    maxHeightM: building.mesh ? meshTopM(building.mesh) : building.eavesHeightM + roofHeight,
    units,
  };
}

/** The key figures of a variant's proposed buildings together. */
export function variantFigures(buildings: readonly ProposedBuildingShape[]): KeyFigures {
  return buildings.map(buildingFigures).reduce<KeyFigures>(
    (sum, f) => ({
      buildings: sum.buildings + 1,
      footprintM2: sum.footprintM2 + f.footprintM2,
      grossFloorAreaM2: sum.grossFloorAreaM2 + f.grossFloorAreaM2,
      volumeM3: sum.volumeM3 + f.volumeM3,
      maxHeightM: Math.max(sum.maxHeightM, f.maxHeightM),
      units: sum.units + f.units,
    }),
    { buildings: 0, footprintM2: 0, grossFloorAreaM2: 0, volumeM3: 0, maxHeightM: 0, units: 0 },
  );
}
