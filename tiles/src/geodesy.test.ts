import { describe, expect, it } from 'vitest';
import type { Vec3 } from './geodesy.ts';
import {
  createEnuFrame,
  ecefToEnu,
  ecefToGeodetic,
  enuToEcef,
  geodeticToEcef,
  geodeticToEnu,
  WGS84_SEMI_MAJOR_AXIS_M,
  WGS84_SEMI_MINOR_AXIS_M,
} from './geodesy.ts';

const BOEBLINGEN = [9.015, 48.685, 0] as const;

function expectVecClose(actual: readonly number[], expected: readonly number[], precision: number): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((value, index) => expect(value).toBeCloseTo(expected[index] ?? Number.NaN, precision));
}

function dot(a: Vec3, b: Vec3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

function cross(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

describe('geodeticToEcef', () => {
  it('puts lon 0, lat 0 on the equator at the semi-major axis', () => {
    expectVecClose(geodeticToEcef([0, 0, 0]), [WGS84_SEMI_MAJOR_AXIS_M, 0, 0], 6);
  });

  it('puts the north pole at the semi-minor axis', () => {
    expectVecClose(geodeticToEcef([0, 90, 0]), [0, 0, WGS84_SEMI_MINOR_AXIS_M], 6);
    expect(WGS84_SEMI_MINOR_AXIS_M).toBeCloseTo(6_356_752.314245, 6);
  });

  it('matches the reference ECEF of Böblingen to a micrometre', () => {
    // Reference values from CesiumJS 1.145 Cartesian3.fromDegrees (independent WGS84 implementation).
    expectVecClose(geodeticToEcef(BOEBLINGEN), [4_166_695.724284, 661_058.019446, 4_767_504.372873], 6);
    expectVecClose(
      geodeticToEcef([9.015, 48.685, 450.5]),
      [4_166_989.469714, 661_104.622986, 4_767_842.739513],
      6,
    );
  });
});

describe('ecefToGeodetic', () => {
  it('round-trips lon/lat/height through ECEF to 1e-10 degrees and a micrometre', () => {
    for (const lonDeg of [-179.5, -75.3, 0, 9.015, 120.25, 180]) {
      for (const latDeg of [-89.9, -45, -0.5, 0, 30, 48.685, 89.99]) {
        for (const heightM of [-120, 0, 35.5, 8_848, 400_000]) {
          const [lon, lat, h] = ecefToGeodetic(geodeticToEcef([lonDeg, latDeg, heightM]));
          const expectedLon = lonDeg === 180 ? Math.sign(lon) * 180 : lonDeg;
          expect(lon).toBeCloseTo(expectedLon, 10);
          expect(lat).toBeCloseTo(latDeg, 10);
          expect(h).toBeCloseTo(heightM, 6);
        }
      }
    }
  });

  it('handles points on the polar axis', () => {
    const [, latDeg, heightM] = ecefToGeodetic([0, 0, -(WGS84_SEMI_MINOR_AXIS_M + 10)]);
    expect(latDeg).toBe(-90);
    expect(heightM).toBeCloseTo(10, 9);
  });
});

describe('createEnuFrame', () => {
  const frame = createEnuFrame(BOEBLINGEN);

  it('has orthonormal, right-handed axes', () => {
    const { eastEcef: e, northEcef: n, upEcef: u } = frame;
    for (const axis of [e, n, u]) expect(Math.hypot(...axis)).toBeCloseTo(1, 14);
    expect(dot(e, n)).toBeCloseTo(0, 14);
    expect(dot(e, u)).toBeCloseTo(0, 14);
    expect(dot(n, u)).toBeCloseTo(0, 14);
    expectVecClose(cross(e, n), u, 14);
  });

  it('writes the ENU -> ECEF matrix column-major, like Cesium eastNorthUpToFixedFrame', () => {
    // Reference from CesiumJS 1.145 Transforms.eastNorthUpToFixedFrame, Matrix4.toArray (column-major).
    const expected = [
      -0.156693035879, 0.987647352301, 0, 0, -0.741813353265, -0.117690779111, 0.660198325831, 0,
      0.6520431285, 0.103448479957, 0.751091319727, 0, 4_166_695.724284462, 661_058.019446146,
      4_767_504.372873384, 1,
    ];
    expect(frame.enuToEcefMatrix).toHaveLength(16);
    frame.enuToEcefMatrix.forEach((value, index) => {
      expect(value).toBeCloseTo(expected[index] ?? Number.NaN, index >= 12 ? 5 : 11);
    });
  });

  it('maps the origin to ENU zero and 100 m north to about (0, 100, -0.0008)', () => {
    expectVecClose(geodeticToEnu(frame, BOEBLINGEN), [0, 0, 0], 9);
    // One metre of latitude here is 1 / 111_200 degrees; the tangent plane leaves the ellipsoid by
    // d² / (2R) = 0.8 mm over 100 m.
    const [eastM, northM, upM] = geodeticToEnu(frame, [9.015, 48.685 + 100 / 111_200.6, 0]);
    expect(eastM).toBeCloseTo(0, 6);
    expect(northM).toBeCloseTo(100, 2);
    expect(upM).toBeCloseTo(-0.00079, 4);
  });

  it('converts ENU and ECEF back and forth without loss', () => {
    const enu = [1234.5, -987.25, 42] as const;
    expectVecClose(ecefToEnu(frame, enuToEcef(frame, enu)), enu, 8);
  });
});
