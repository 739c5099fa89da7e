import { describe, expect, it } from 'vitest';
import {
  geodesicDistanceM,
  lengthsDiffer,
  localTangentPlane,
  perimeterM,
  polygonAreaM2,
  polylineLength,
  toEcef,
  WGS84_A_M,
  WGS84_B_M,
  WGS84_F,
  type LonLatHeight,
} from './geodesy.ts';

const RAD = Math.PI / 180;
const E2 = WGS84_F * (2 - WGS84_F);

/** Meridian radius of curvature at `latDeg`, metres (independent of the code under test). */
function meridianRadiusM(latDeg: number): number {
  const s = Math.sin(latDeg * RAD);
  return (WGS84_A_M * (1 - E2)) / Math.pow(1 - E2 * s * s, 1.5);
}

/** Prime vertical radius of curvature at `latDeg`, metres. */
function primeVerticalRadiusM(latDeg: number): number {
  const s = Math.sin(latDeg * RAD);
  return WGS84_A_M / Math.sqrt(1 - E2 * s * s);
}

/** Meridian arc length between two latitudes by Simpson's rule over the meridian radius. */
function meridianArcM(lat1Deg: number, lat2Deg: number): number {
  const steps = 1000;
  const h = (lat2Deg - lat1Deg) / steps;
  let sum = meridianRadiusM(lat1Deg) + meridianRadiusM(lat2Deg);
  for (let i = 1; i < steps; i += 1) sum += (i % 2 === 1 ? 4 : 2) * meridianRadiusM(lat1Deg + i * h);
  return (sum * h * RAD) / 3;
}

/** Exact area of the ellipsoidal quadrangle between two meridians and two parallels, m². */
function quadrangleAreaM2(lonSpanDeg: number, lat1Deg: number, lat2Deg: number): number {
  const e = Math.sqrt(E2);
  const q = (latDeg: number) => {
    const s = Math.sin(latDeg * RAD);
    return s / (1 - E2 * s * s) + (1 / (2 * e)) * Math.log((1 + e * s) / (1 - e * s));
  };
  return ((WGS84_B_M * WGS84_B_M * lonSpanDeg * RAD) / 2) * (q(lat2Deg) - q(lat1Deg));
}

/** The corners of a lon/lat cell with `perSide` points along each edge (parallels curve). */
function cellRing(west: number, south: number, east: number, north: number, perSide: number): LonLatHeight[] {
  const ring: LonLatHeight[] = [];
  for (let i = 0; i < perSide; i += 1) ring.push([west + ((east - west) * i) / perSide, south, 0]);
  for (let i = 0; i < perSide; i += 1) ring.push([east, south + ((north - south) * i) / perSide, 0]);
  for (let i = 0; i < perSide; i += 1) ring.push([east - ((east - west) * i) / perSide, north, 0]);
  for (let i = 0; i < perSide; i += 1) ring.push([west, north - ((north - south) * i) / perSide, 0]);
  return ring;
}

describe('geodesicDistanceM', () => {
  it('measures one degree along the equator as a·π/180', () => {
    expect(geodesicDistanceM([0, 0, 0], [1, 0, 0])).toBeCloseTo((WGS84_A_M * Math.PI) / 180, 3);
  });

  it("measures one degree of meridian at Böblingen's latitude (48.7° N) to the millimetre", () => {
    const measured = geodesicDistanceM([9.0, 48.2, 0], [9.0, 49.2, 0]);
    expect(measured).toBeCloseTo(meridianArcM(48.2, 49.2), 3);
    // The textbook series for a degree of latitude at its middle (111,203.9 m at 48.7° N; the often
    // quoted 111,132 m is the value at 45°).
    const phi = 48.7 * RAD;
    const textbook = 111_132.954 - 559.822 * Math.cos(2 * phi) + 1.175 * Math.cos(4 * phi);
    expect(Math.abs(measured - textbook)).toBeLessThan(0.5);
  });

  it("reproduces Vincenty's own example, Flinders Peak to Buninyong, 54,972.271 m", () => {
    const flindersPeak: LonLatHeight = [144 + 25 / 60 + 29.5244 / 3600, -(37 + 57 / 60 + 3.7203 / 3600), 0];
    const buninyong: LonLatHeight = [143 + 55 / 60 + 35.3839 / 3600, -(37 + 39 / 60 + 10.1561 / 3600), 0];
    expect(geodesicDistanceM(flindersPeak, buninyong)).toBeCloseTo(54_972.271, 2);
  });

  it('is symmetric and zero for one point', () => {
    const a: LonLatHeight = [9.0123, 48.6834, 430];
    const b: LonLatHeight = [9.0198, 48.6871, 452];
    expect(geodesicDistanceM(a, b)).toBeCloseTo(geodesicDistanceM(b, a), 9);
    expect(geodesicDistanceM(a, a)).toBe(0);
  });

  it('agrees with the local radii of curvature over 100 m east and north', () => {
    const lat = 48.68;
    const east = geodesicDistanceM(
      [9, lat, 0],
      [9 + 100 / (primeVerticalRadiusM(lat) * Math.cos(lat * RAD) * RAD), lat, 0],
    );
    const north = geodesicDistanceM([9, lat, 0], [9, lat + 100 / (meridianRadiusM(lat) * RAD), 0]);
    expect(east).toBeCloseTo(100, 4);
    expect(north).toBeCloseTo(100, 4);
  });

  it('gives a finite distance for nearly antipodal points', () => {
    const d = geodesicDistanceM([0, 0.5, 0], [179.7, -0.5, 0]);
    expect(Number.isFinite(d)).toBe(true);
    expect(d).toBeGreaterThan(19_900_000);
    expect(d).toBeLessThan(20_004_000);
  });
});

describe('polylineLength', () => {
  it('adds up the segments and is zero for fewer than two points', () => {
    const a: LonLatHeight = [9, 48.68, 0];
    const b: LonLatHeight = [9.01, 48.68, 0];
    const c: LonLatHeight = [9.01, 48.69, 0];
    const length = polylineLength([a, b, c]);
    expect(length.geodesicM).toBeCloseTo(geodesicDistanceM(a, b) + geodesicDistanceM(b, c), 6);
    expect(length.length3dM).toBeCloseTo(length.geodesicM, 6);
    expect(polylineLength([a])).toEqual({ geodesicM: 0, length3dM: 0 });
  });

  it('counts height changes in the 3D length only: 30 m across and 40 m up is 50 m', () => {
    const lat = 48.68;
    const across = 30 / (primeVerticalRadiusM(lat) * Math.cos(lat * RAD) * RAD);
    const length = polylineLength([
      [9, lat, 440],
      [9 + across, lat, 480],
    ]);
    expect(length.geodesicM).toBeCloseTo(30, 3);
    expect(length.length3dM).toBeCloseTo(50, 3);
    expect(lengthsDiffer(length)).toBe(true);
  });

  it('shows one number for a line along level ground', () => {
    expect(lengthsDiffer({ geodesicM: 250, length3dM: 250.02 })).toBe(false);
    expect(lengthsDiffer({ geodesicM: 250, length3dM: 250.2 })).toBe(false);
    expect(lengthsDiffer({ geodesicM: 250, length3dM: 250.3 })).toBe(true);
  });
});

describe('polygonAreaM2', () => {
  it('measures a 100 m × 100 m square as one hectare', () => {
    const lat = 48.68;
    const dLon = 100 / (primeVerticalRadiusM(lat) * Math.cos(lat * RAD) * RAD);
    const dLat = 100 / (meridianRadiusM(lat) * RAD);
    const square: LonLatHeight[] = [
      [9, lat, 0],
      [9 + dLon, lat, 0],
      [9 + dLon, lat + dLat, 0],
      [9, lat + dLat, 0],
    ];
    expect(polygonAreaM2(square) / 10_000).toBeCloseTo(1, 3);
  });

  it('matches the exact area of a 0.01° cell in Böblingen within 0.01 %', () => {
    const exact = quadrangleAreaM2(0.01, 48.68, 48.69);
    expect(Math.abs(polygonAreaM2(cellRing(9.0, 48.68, 9.01, 48.69, 1)) / exact - 1)).toBeLessThan(1e-4);
  });

  it('matches the exact area of a town-sized 0.1° cell (7 km × 11 km) within 0.01 %', () => {
    const exact = quadrangleAreaM2(0.1, 48.65, 48.75);
    const measured = polygonAreaM2(cellRing(8.95, 48.65, 9.05, 48.75, 50));
    expect(Math.abs(measured / exact - 1)).toBeLessThan(1e-4);
  });

  it('ignores orientation, a closing corner and the corners’ heights (the footprint counts)', () => {
    const ring = cellRing(9.0, 48.68, 9.01, 48.69, 1);
    const area = polygonAreaM2(ring);
    expect(polygonAreaM2([...ring].reverse())).toBeCloseTo(area, 3);
    expect(polygonAreaM2([...ring, ring[0] as LonLatHeight])).toBeCloseTo(area, 3);
    expect(polygonAreaM2(ring.map(([lon, lat]) => [lon, lat, 35] as const))).toBeCloseTo(area, 3);
  });

  it('is zero for fewer than three corners', () => {
    expect(polygonAreaM2([])).toBe(0);
    expect(
      polygonAreaM2([
        [9, 48, 0],
        [9.1, 48, 0],
      ]),
    ).toBe(0);
  });

  it('keeps a polygon across the antimeridian whole', () => {
    const west = polygonAreaM2(cellRing(179.995, 10, 180, 10.01, 1));
    const across = polygonAreaM2(
      cellRing(179.9975, 10, -179.9975, 10.01, 1).map(
        ([lon, lat, h]) => [lon > 180 ? lon - 360 : lon, lat, h] as const,
      ),
    );
    expect(across).toBeCloseTo(west, 0);
  });
});

describe('perimeterM and the tangent plane', () => {
  it('closes the ring for the perimeter', () => {
    const ring = cellRing(9.0, 48.68, 9.01, 48.69, 1);
    const sides = polylineLength([...ring, ring[0] as LonLatHeight]).geodesicM;
    expect(perimeterM(ring)).toBeCloseTo(sides, 6);
    expect(perimeterM([...ring, ring[0] as LonLatHeight])).toBeCloseTo(sides, 6);
  });

  it('puts east on x and north on y', () => {
    const [a, b, c] = localTangentPlane([
      [9, 48.68, 0],
      [9.001, 48.68, 0],
      [9, 48.681, 0],
    ]);
    expect((b?.[0] ?? 0) - (a?.[0] ?? 0)).toBeGreaterThan(70);
    expect(Math.abs((b?.[1] ?? 0) - (a?.[1] ?? 0))).toBeLessThan(0.01);
    expect((c?.[1] ?? 0) - (a?.[1] ?? 0)).toBeGreaterThan(110);
  });

  it('places a point on the equator and prime meridian at the semi-major axis', () => {
    const [x, y, z] = toEcef([0, 0, 10]);
    expect(x).toBeCloseTo(WGS84_A_M + 10, 6);
    expect(y).toBeCloseTo(0, 6);
    expect(z).toBeCloseTo(0, 6);
  });
});
