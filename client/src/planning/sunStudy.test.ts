import { describe, expect, it } from 'vitest';
import type { ProposedBuilding } from '../../../protocol/index.ts';
import { metresPerDegree } from './figures.ts';
import { facadeSunHours, sunHours } from './sunHours.ts';
import type { TownBuilding } from './sunStudy.ts';
import {
  cellRing,
  differenceColor,
  facadePointsOf,
  frameRectangle,
  obstaclesOf,
  studyDay,
  studyFrame,
  sunColor,
  sunHoursGeoJson,
  townBuildingsOf,
  wallPoints,
} from './sunStudy.ts';

const LON = 9.0152;
const LAT = 48.6805;
const scale = metresPerDegree(LAT);
/** A square ring of `size` m with its south-west corner `east`, `north` m from (LON, LAT). */
function square(east: number, north: number, size: number): [number, number][] {
  const at = (x: number, y: number): [number, number] => [LON + x / scale.lon, LAT + y / scale.lat];
  return [
    at(east, north),
    at(east + size, north),
    at(east + size, north + size),
    at(east, north + size),
    at(east, north),
  ];
}
const tower: ProposedBuilding = {
  id: 'haus-1',
  footprint: square(-10, -10, 20),
  eavesHeightM: 30,
  roofHeightM: 0,
  roof: 'flat',
  storeys: 10,
  use: 'residential',
};

describe('sun study', () => {
  it('lays a grid around the new buildings and closes each cell', () => {
    const frame = studyFrame([tower], { marginM: 50, cellM: 10 });
    if (!frame) throw new Error('no frame');
    // 20 m of building + 2 × 50 m margin: 120 m, 13 points a side, centred on the building.
    expect(frame.grid).toMatchObject({ columns: 13, rows: 13, cellM: 10, originX: -60, originY: -60 });
    expect(frame.origin[0]).toBeCloseTo(LON, 9);
    expect(frame.origin[1]).toBeCloseTo(LAT, 9);
    const ring = cellRing(frame, 6, 6);
    expect(ring).toHaveLength(5);
    expect(ring[0]).toEqual(ring[4]);
    // The middle cell spans 10 m around the origin.
    expect(((ring[1]?.[0] ?? 0) - (ring[0]?.[0] ?? 0)) * scale.lon).toBeCloseTo(10, 2);
    const [w, s, e, n] = frameRectangle(frame);
    expect((e - w) * scale.lon).toBeCloseTo(130, 1);
    expect((n - s) * scale.lat).toBeCloseTo(130, 1);
    expect(studyFrame([])).toBeNull();
  });

  it('takes the town less what a variant removes, plus what it builds, within reach', () => {
    const frame = studyFrame([tower], { marginM: 50, cellM: 10 });
    if (!frame) throw new Error('no frame');
    const town: TownBuilding[] = [
      { id: 'near', ring: square(30, 30, 10), heightM: 9 },
      { id: 'gone', ring: square(-40, 30, 10), heightM: 9 },
      { id: 'far', ring: square(2000, 2000, 10), heightM: 9 },
    ];
    const asIs = obstaclesOf(frame, town, null);
    expect(asIs.map((o) => o.heightM)).toEqual([9, 9]);
    const variant = obstaclesOf(frame, town, { buildings: [tower], removedBuildingIds: ['gone'] });
    expect(variant.map((o) => o.heightM)).toEqual([9, 30]);
    // The tower in local metres around the frame's origin.
    expect(variant[1]?.ring[0]?.[0]).toBeCloseTo(-10, 6);
    expect(variant[1]?.ring[0]?.[1]).toBeCloseTo(-10, 6);
  });

  it('measures less sun north of a new tower than before, as GeoJSON with the difference', () => {
    // 30 m wide: from 5 m north of its face the January sun (azimuth 124°-236°) is always behind it.
    const wide: ProposedBuilding = { ...tower, footprint: square(-15, -15, 30) };
    const frame = studyFrame([wide], { marginM: 45, cellM: 10 });
    if (!frame) throw new Error('no frame');
    const day = studyDay(2026, '01-17', LAT, LON, 20);
    const before = sunHours(frame.grid, obstaclesOf(frame, [], null), day);
    const after = sunHours(
      frame.grid,
      obstaclesOf(frame, [], { buildings: [wide], removedBuildingIds: [] }),
      day,
    );
    const difference = after.hours.map((h, i) => h - (before.hours[i] as number));
    const index = (x: number, y: number) =>
      ((y - frame.grid.originY) / 10) * frame.grid.columns + (x - frame.grid.originX) / 10;
    // 5 m north of its face: in its shadow all day; 15 m south of it: untouched.
    expect(after.hours[index(0, 20)]).toBe(0);
    expect(difference[index(0, 20)]).toBeCloseTo(-before.possibleHours, 5);
    expect(difference[index(0, -30)]).toBe(0);
    expect(before.hours[index(0, -30)]).toBeCloseTo(before.possibleHours, 5);
    const geojson = sunHoursGeoJson(frame, after.hours, { day: '2026-01-17' }, difference);
    expect(geojson.features).toHaveLength(frame.grid.columns * frame.grid.rows);
    expect(geojson.properties).toEqual({ day: '2026-01-17' });
    const north = geojson.features[index(0, 20)] as {
      properties: { sunHours: number; differenceHours: number };
    };
    expect(north.properties.sunHours).toBe(0);
    expect(north.properties.differenceHours).toBeLessThan(-8);
  });

  it('puts points on every wall, one per stretch and storey, facing out whichever way the ring runs', () => {
    const ring: [number, number][] = [
      [0, 0],
      [20, 0],
      [20, 10],
      [0, 10],
    ];
    for (const r of [ring, [...ring].reverse()]) {
      const points = wallPoints(r, 9, { spacingM: 5, storeyM: 3 });
      // 20 m walls: 4 stretches, 10 m walls: 2; at 1.5, 4.5 and 7.5 m.
      expect(points).toHaveLength((4 + 2 + 4 + 2) * 3);
      expect(new Set(points.map((p) => p.z))).toEqual(new Set([1.5, 4.5, 7.5]));
      for (const p of points) {
        // Just outside the footprint, the normal pointing away from its middle.
        const outside = p.x < 0 || p.x > 20 || p.y < 0 || p.y > 10;
        expect(outside).toBe(true);
        expect(p.nx * (p.x - 10) + p.ny * (p.y - 5)).toBeGreaterThan(0);
        expect(Math.hypot(p.nx, p.ny)).toBeCloseTo(1, 9);
      }
      const south = points.filter((p) => p.ny === -1);
      expect(
        south
          .filter((p) => p.z === 1.5)
          .map((p) => p.x)
          .sort((a, b) => a - b),
      ).toEqual([2.5, 7.5, 12.5, 17.5]);
      expect(south.every((p) => Math.abs(p.y + 0.1) < 1e-9)).toBe(true);
    }
    // A wall lower than the first point's height has none.
    expect(wallPoints(ring, 1)).toEqual([]);
  });

  it('measures the sun a new tower takes from the south wall of a house north of it', () => {
    const day = studyDay(2026, '01-17', LAT, LON, 20);
    const frame = studyFrame([tower], { marginM: 50, cellM: 10 });
    if (!frame) throw new Error('no frame');
    const town: TownBuilding[] = [
      // 15 m north of the tower, 6 m high: two storeys of points.
      { id: 'house', ring: square(-10, 25, 20), heightM: 6 },
      { id: 'gone', ring: square(-40, -40, 10), heightM: 9 },
      { id: 'far', ring: square(2000, 2000, 10), heightM: 9 },
    ];
    const variant = { buildings: [tower], removedBuildingIds: ['gone'] };
    const facades = facadePointsOf(frame, town, variant);
    const asIsFacades = facadePointsOf(frame, town, null);
    // The house's walls, then the tower's (30 m: 10 storeys of points); none on 'gone' or 'far'.
    expect(new Set(facades.points.map((p) => p.buildingId))).toEqual(new Set(['house', 'proposed:haus-1']));
    expect(facades.onTown).toBe(16 * 2);
    expect(facades.points).toHaveLength(16 * 2 + 16 * 10);
    expect(asIsFacades.onTown).toBe(16 * 2 + 8 * 3);
    const onTown = facades.points.slice(0, facades.onTown);
    const after = facadeSunHours(facades.points, obstaclesOf(frame, town, variant), day);
    const before = facadeSunHours(onTown, obstaclesOf(frame, town, null), day);
    const southWall = onTown
      .map((p, i) => ({ p, i }))
      .filter(({ p }) => p.facingDeg === 180 && Math.abs(p.position[0] - LON) * scale.lon < 5);
    expect(southWall.length).toBe(4);
    for (const { i } of southWall) {
      // Before: open to the south, the whole January day; after: the tower in front all day.
      expect(before.hours[i]).toBeCloseTo(before.possibleHours, 5);
      expect(after.hours[i]).toBeLessThan((before.hours[i] as number) - 3);
    }
    // The north wall is not touched.
    const northWall = onTown.map((p, i) => ({ p, i })).filter(({ p }) => p.facingDeg === 0);
    for (const { i } of northWall) expect(after.hours[i]).toBe(before.hours[i]);
    // The GeoJSON: a point per façade point; new walls have no difference.
    const geojson = sunHoursGeoJson(
      frame,
      new Float32Array(frame.grid.columns * frame.grid.rows),
      {},
      undefined,
      {
        points: facades.points,
        hours: after.hours,
        asIs: before.hours,
      },
    );
    const points = geojson.features.filter(
      (f) => (f as { properties: { kind: string } }).properties.kind === 'facade',
    ) as { geometry: { coordinates: number[] }; properties: Record<string, unknown> }[];
    expect(points).toHaveLength(facades.points.length);
    const first = southWall[0] as { i: number };
    expect(points[first.i]?.properties).toMatchObject({
      buildingId: 'house',
      facingDeg: 180,
      heightAboveGroundM: 1.5,
      sunHours: Number((after.hours[first.i] as number).toFixed(2)),
    });
    expect(points[first.i]?.properties.differenceHours).toBeLessThan(-3);
    expect(points[facades.points.length - 1]?.properties).toMatchObject({
      buildingId: 'proposed:haus-1',
      differenceHours: null,
    });
  });

  it('colours hours from dark to yellow and differences red for less, blue for more', () => {
    expect(sunColor(0, 8)).toEqual([29, 43, 107]);
    expect(sunColor(8, 8)).toEqual([255, 210, 63]);
    expect(sunColor(4, 8)).toEqual([194, 64, 122]);
    expect(differenceColor(0, 4)).toEqual([128, 128, 128]);
    expect(differenceColor(-4, 4)).toEqual([255, 0, 0]);
    const more = differenceColor(4, 4);
    expect(more[2]).toBe(255);
    expect(more[0]).toBe(0);
  });
});

describe('townBuildingsOf', () => {
  it('reads the city pack’s buildings and leaves out what it cannot use', () => {
    const ring = square(0, 0, 10);
    expect(
      townBuildingsOf({
        type: 'FeatureCollection',
        features: [
          {
            type: 'Feature',
            properties: { id: 'b1', heightM: 9 },
            geometry: { type: 'Polygon', coordinates: [ring] },
          },
          { type: 'Feature', properties: { id: 'b2' }, geometry: { type: 'Polygon', coordinates: [ring] } },
          {
            type: 'Feature',
            properties: { id: 'b3', heightM: 9 },
            geometry: { type: 'Point', coordinates: [9, 48] },
          },
        ],
      }),
    ).toEqual([{ id: 'b1', heightM: 9, ring }]);
    expect(() => townBuildingsOf({ type: 'Feature' })).toThrow('buildings.geojson: not a FeatureCollection');
  });
});
