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
  const volumeM3 = footprintM2 * (building.eavesHeightM + roofHeight * ROOF_VOLUME_SHARE[building.roof]);
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
    maxHeightM: building.eavesHeightM + roofHeight,
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
