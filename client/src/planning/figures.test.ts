import { describe, expect, it } from 'vitest';
import type { ProposedBuildingShape } from './figures.ts';
import { buildingFigures, footprintAreaM2, metresPerDegree, planarArea, variantFigures } from './figures.ts';

// Lengths of a degree on the WGS84 ellipsoid as tabulated to the metre (Wikipedia, "Latitude",
// "Length of a degree"): 0°: 110.574 km of latitude, 111.320 km of longitude; 45°: 111.132 km and
// 78.847 km; 60°: 111.412 km and 55.800 km.
const TABLE: [number, number, number][] = [
  [0, 110_574, 111_320],
  [45, 111_132, 78_847],
  [60, 111_412, 55_800],
];

/** A rectangle `w` × `h` metres at (lon, lat), laid out with the tabulated degree lengths at 45°. */
function rectangleAt45(w: number, h: number): [number, number][] {
  const lon0 = 9;
  const lat0 = 45;
  const dLon = w / 78_847;
  const dLat = h / 111_132;
  return [
    [lon0, lat0],
    [lon0 + dLon, lat0],
    [lon0 + dLon, lat0 + dLat],
    [lon0, lat0 + dLat],
    [lon0, lat0],
  ];
}

const block = (patch: Partial<ProposedBuildingShape> = {}): ProposedBuildingShape => ({
  footprint: rectangleAt45(20, 30),
  eavesHeightM: 12,
  roofHeightM: 0,
  roof: 'flat',
  storeys: 4,
  use: 'residential',
  ...patch,
});

describe('areas', () => {
  it('has the tabulated length of a degree', () => {
    for (const [lat, perLat, perLon] of TABLE) {
      const scale = metresPerDegree(lat);
      expect(Math.abs(scale.lat - perLat)).toBeLessThan(1);
      expect(Math.abs(scale.lon - perLon)).toBeLessThan(1);
    }
  });

  it('measures footprints in square metres, whatever the ring’s direction or closure', () => {
    expect(footprintAreaM2(rectangleAt45(20, 30))).toBeCloseTo(600, 0);
    expect(footprintAreaM2([...rectangleAt45(20, 30)].reverse())).toBeCloseTo(600, 0);
    expect(footprintAreaM2(rectangleAt45(20, 30).slice(0, 4))).toBeCloseTo(600, 0);
    // An L: 20 × 30 less a 10 × 10 corner.
    expect(
      planarArea([
        [0, 0],
        [20, 0],
        [20, 20],
        [10, 20],
        [10, 30],
        [0, 30],
      ]),
    ).toBe(500);
    expect(footprintAreaM2([[9, 45]])).toBe(0);
  });
});

describe('key figures', () => {
  it('gives floor area, volume, height and homes of a flat-roofed block', () => {
    const f = buildingFigures(block());
    expect(f.footprintM2).toBeCloseTo(600, 0);
    expect(f.grossFloorAreaM2).toBeCloseTo(2400, 0);
    expect(f.volumeM3).toBeCloseTo(7200, 0);
    expect(f.maxHeightM).toBe(12);
    // 2,400 m² × 0.75 net / 75 m² per home.
    expect(f.units).toBe(24);
  });

  it('adds the roof: half the footprint × roof height for a gable, a third for a hip', () => {
    expect(buildingFigures(block({ roof: 'gabled', roofHeightM: 6 })).volumeM3).toBeCloseTo(7200 + 1800, 0);
    expect(buildingFigures(block({ roof: 'hipped', roofHeightM: 6 })).volumeM3).toBeCloseTo(7200 + 1200, 0);
    expect(buildingFigures(block({ roof: 'gabled', roofHeightM: 6 })).maxHeightM).toBe(18);
    // A flat roof has no roof height, whatever was typed.
    expect(buildingFigures(block({ roof: 'flat', roofHeightM: 6 })).maxHeightM).toBe(12);
  });

  it('counts homes only where people live, and sums a variant', () => {
    expect(buildingFigures(block({ use: 'commercial' })).units).toBe(0);
    expect(buildingFigures(block({ use: 'mixed' })).units).toBe(12);
    const sum = variantFigures([block(), block({ use: 'commercial', eavesHeightM: 30, storeys: 8 })]);
    expect(sum).toMatchObject({ buildings: 2, units: 24, maxHeightM: 30 });
    expect(sum.grossFloorAreaM2).toBeCloseTo(2400 + 4800, 0);
    expect(variantFigures([])).toEqual({
      buildings: 0,
      footprintM2: 0,
      grossFloorAreaM2: 0,
      volumeM3: 0,
      maxHeightM: 0,
      units: 0,
    });
  });
});
