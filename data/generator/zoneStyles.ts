/**
 * What the buildings of each zone look like: footprint sizes, storeys, heights, uses, setbacks and
 * gaps, drawn from ranges typical of a south German town (detached houses 8–14 m by 9–16 m with two
 * to four storeys, old-town houses close together, apartment slabs and towers in Diezenhalde, halls
 * in the Hulb industrial estate).
 */
import type { BuildingUse } from '../../protocol/packFeatures.ts';
import type { BuildingDesign } from './buildingPlacer.ts';
import type { Zone } from './districtPlan.ts';
import type { Prng } from './prng.ts';

/** How to design the buildings of one zone, along its streets and inside its blocks. */
export interface ZoneStyle {
  /** Distance from the street space to the facades along one street side. */
  frontSetbackM: readonly [min: number, max: number];
  front: (rng: Prng) => BuildingDesign;
  interior?: { design: (rng: Prng) => BuildingDesign; spacingM: number; chance: number };
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

interface DesignRanges {
  alongM: readonly [number, number];
  acrossM: readonly [number, number];
  storeys: readonly [number, number];
  storeyHeightM: number;
  roofM: readonly [number, number];
  gapM: readonly [number, number];
  use: BuildingUse;
}

function design(rng: Prng, r: DesignRanges): BuildingDesign {
  const storeys = rng.int(r.storeys[0], r.storeys[1]);
  return {
    alongM: rng.range(r.alongM[0], r.alongM[1]),
    acrossM: rng.range(r.acrossM[0], r.acrossM[1]),
    storeys,
    heightM: round1(storeys * r.storeyHeightM + rng.range(r.roofM[0], r.roofM[1])),
    use: r.use,
    setbackM: 0,
    gapM: rng.range(r.gapM[0], r.gapM[1]),
  };
}

/** A detached or semi-detached house with a pitched roof. */
function house(rng: Prng): BuildingDesign {
  // Two storeys are most common, four rare.
  const storeys = rng.chance(0.5) ? 2 : rng.chance(0.75) ? 3 : 4;
  return design(rng, {
    alongM: [8, 14],
    acrossM: [9, 16],
    storeys: [storeys, storeys],
    storeyHeightM: 3,
    roofM: [2, 4.5],
    gapM: [3, 5],
    use: 'residential',
  });
}

function smallApartmentHouse(rng: Prng): BuildingDesign {
  return design(rng, {
    alongM: [16, 26],
    acrossM: [11, 14],
    storeys: [3, 5],
    storeyHeightM: 3,
    roofM: [1.5, 3.5],
    gapM: [6, 9],
    use: 'residential',
  });
}

function residentialFront(rng: Prng): BuildingDesign {
  const roll = rng.next();
  if (roll < 0.85) return house(rng);
  if (roll < 0.97) return smallApartmentHouse(rng);
  return design(rng, {
    alongM: [12, 18],
    acrossM: [10, 14],
    storeys: [3, 3],
    storeyHeightM: 3.2,
    roofM: [2, 3.5],
    gapM: [4, 6],
    use: 'mixed',
  });
}

function oldTownFront(rng: Prng): BuildingDesign {
  const roll = rng.next();
  const use: BuildingUse = roll < 0.65 ? 'mixed' : roll < 0.85 ? 'commercial' : 'residential';
  return design(rng, {
    alongM: [9, 18],
    acrossM: [10, 15],
    storeys: [3, 5],
    storeyHeightM: 3.2,
    roofM: [2.5, 5],
    gapM: [1.2, 2.5],
    use,
  });
}

function oldTownBackBuilding(rng: Prng): BuildingDesign {
  return design(rng, {
    alongM: [7, 12],
    acrossM: [7, 10],
    storeys: [2, 3],
    storeyHeightM: 3,
    roofM: [2, 3.5],
    gapM: [2, 3],
    use: rng.chance(0.7) ? 'residential' : 'mixed',
  });
}

function apartmentBuilding(rng: Prng): BuildingDesign {
  const roll = rng.next();
  if (roll < 0.65) {
    return design(rng, {
      alongM: [24, 48],
      acrossM: [11, 14],
      storeys: [4, 8],
      storeyHeightM: 2.9,
      roofM: [1, 2],
      gapM: [10, 16],
      use: rng.chance(0.08) ? 'mixed' : 'residential',
    });
  }
  if (roll < 0.8) {
    const frontDepthM = rng.range(12, 14);
    const sideWidthM = rng.range(12, 14);
    return {
      ...design(rng, {
        alongM: [30, 42],
        acrossM: [24, 32],
        storeys: [4, 6],
        storeyHeightM: 2.9,
        roofM: [1, 2],
        gapM: [10, 16],
        use: 'residential',
      }),
      lShape: { frontDepthM, sideWidthM },
    };
  }
  // Diezenhalde's point towers.
  return design(rng, {
    alongM: [16, 22],
    acrossM: [16, 22],
    storeys: [9, 15],
    storeyHeightM: 2.9,
    roofM: [1.5, 3],
    gapM: [14, 18],
    use: 'residential',
  });
}

function industrialBuilding(rng: Prng): BuildingDesign {
  if (rng.chance(0.7)) {
    const storeys = rng.chance(0.75) ? 1 : 2;
    return {
      alongM: rng.range(35, 90),
      acrossM: rng.range(25, 55),
      storeys,
      heightM: round1(storeys === 1 ? rng.range(7.5, 12) : rng.range(11, 15)),
      use: 'industrial',
      setbackM: 0,
      gapM: rng.range(8, 14),
    };
  }
  return design(rng, {
    alongM: [15, 28],
    acrossM: [12, 16],
    storeys: [3, 5],
    storeyHeightM: 3.6,
    roofM: [1, 1.5],
    gapM: [8, 12],
    use: 'commercial',
  });
}

function commercialBuilding(rng: Prng): BuildingDesign {
  return design(rng, {
    alongM: [22, 50],
    acrossM: [14, 24],
    storeys: [4, 7],
    storeyHeightM: 3.6,
    roofM: [1, 2],
    gapM: [6, 10],
    use: rng.chance(0.65) ? 'commercial' : 'mixed',
  });
}

function flugfeldBuilding(rng: Prng): BuildingDesign {
  const roll = rng.next();
  if (roll < 0.45) {
    return design(rng, {
      alongM: [28, 55],
      acrossM: [15, 22],
      storeys: [4, 7],
      storeyHeightM: 3.6,
      roofM: [1, 2],
      gapM: [10, 14],
      use: 'commercial',
    });
  }
  if (roll < 0.9) {
    return design(rng, {
      alongM: [22, 40],
      acrossM: [12, 15],
      storeys: [5, 7],
      storeyHeightM: 3,
      roofM: [1, 2],
      gapM: [10, 14],
      use: 'residential',
    });
  }
  return design(rng, {
    alongM: [25, 40],
    acrossM: [14, 18],
    storeys: [5, 6],
    storeyHeightM: 3.3,
    roofM: [1, 2],
    gapM: [10, 14],
    use: 'mixed',
  });
}

/** The style of each zone; parks get no buildings. */
export const ZONE_STYLES: Readonly<Record<Zone, ZoneStyle | undefined>> = {
  residential: {
    frontSetbackM: [3, 7],
    front: residentialFront,
    interior: { design: house, spacingM: 19, chance: 0.9 },
  },
  altstadt: {
    frontSetbackM: [0.5, 1.5],
    front: oldTownFront,
    interior: { design: oldTownBackBuilding, spacingM: 18, chance: 0.55 },
  },
  apartments: {
    frontSetbackM: [6, 11],
    front: apartmentBuilding,
    interior: { design: apartmentBuilding, spacingM: 32, chance: 0.85 },
  },
  industrial: {
    frontSetbackM: [6, 12],
    front: industrialBuilding,
    interior: { design: industrialBuilding, spacingM: 50, chance: 0.85 },
  },
  commercial: {
    frontSetbackM: [2, 5],
    front: commercialBuilding,
    interior: { design: commercialBuilding, spacingM: 36, chance: 0.5 },
  },
  flugfeld: {
    frontSetbackM: [5, 9],
    front: flugfeldBuilding,
    interior: { design: flugfeldBuilding, spacingM: 42, chance: 0.65 },
  },
  park: undefined,
};
