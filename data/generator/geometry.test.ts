import { describe, expect, it } from 'vitest';
import {
  chamferedRectangle,
  createLocalProjection,
  isSimpleRing,
  orientedLShape,
  orientedRectangle,
  pointAlong,
  pointInRing,
  ringDistanceM,
  ringPolylineDistanceM,
  ringsOverlap,
  segmentsIntersect,
  signedArea,
} from './geometry.ts';
import type { LocalRingM } from './geometry.ts';

const square = (x: number, y: number, sizeM: number): LocalRingM => [
  [x, y],
  [x + sizeM, y],
  [x + sizeM, y + sizeM],
  [x, y + sizeM],
];

describe('createLocalProjection', () => {
  const projection = createLocalProjection([9.015, 48.685]);

  it('maps the centre to the origin and back', () => {
    expect(projection.toLonLat([0, 0])).toEqual([9.015, 48.685]);
    const [east, north] = projection.toLocal([9.015, 48.685]);
    expect(east).toBeCloseTo(0, 9);
    expect(north).toBeCloseTo(0, 9);
  });

  it('uses the length of a degree at Böblingen’s latitude', () => {
    // At 48.685° N a degree of longitude is about 73.6 km, a degree of latitude about 111.2 km.
    const [lon, lat] = projection.toLonLat([1000, 1000]);
    expect((lon - 9.015) * 73_600).toBeCloseTo(1000, -1);
    expect((lat - 48.685) * 111_200).toBeCloseTo(1000, -1);
  });

  it('round-trips a point to within a millimetre', () => {
    const [east, north] = projection.toLocal(projection.toLonLat([-812.3, 455.9]));
    expect(east).toBeCloseTo(-812.3, 3);
    expect(north).toBeCloseTo(455.9, 3);
  });
});

describe('segmentsIntersect', () => {
  it('finds crossing, touching and collinear overlapping segments', () => {
    expect(segmentsIntersect([0, 0], [2, 2], [0, 2], [2, 0])).toBe(true);
    expect(segmentsIntersect([0, 0], [1, 0], [1, 0], [2, 5])).toBe(true);
    expect(segmentsIntersect([0, 0], [2, 0], [1, 0], [3, 0])).toBe(true);
  });

  it('rejects parallel and separate segments', () => {
    expect(segmentsIntersect([0, 0], [2, 0], [0, 1], [2, 1])).toBe(false);
    expect(segmentsIntersect([0, 0], [1, 0], [2, -1], [2, 1])).toBe(false);
  });
});

describe('ringsOverlap and ringDistanceM', () => {
  it('detects crossing outlines', () => {
    expect(ringsOverlap(square(0, 0, 10), square(5, 5, 10))).toBe(true);
    expect(ringDistanceM(square(0, 0, 10), square(5, 5, 10))).toBe(0);
  });

  it('detects one footprint inside another although no edges cross', () => {
    expect(ringsOverlap(square(0, 0, 10), square(2, 2, 3))).toBe(true);
    expect(ringsOverlap(square(2, 2, 3), square(0, 0, 10))).toBe(true);
  });

  it('counts touching footprints as overlapping', () => {
    expect(ringsOverlap(square(0, 0, 10), square(10, 0, 10))).toBe(true);
  });

  it('measures the gap between separate footprints', () => {
    expect(ringsOverlap(square(0, 0, 10), square(13, 0, 10))).toBe(false);
    expect(ringDistanceM(square(0, 0, 10), square(13, 0, 10))).toBeCloseTo(3, 9);
    expect(ringDistanceM(square(0, 0, 10), square(13, 14, 10))).toBeCloseTo(5, 9);
  });

  it('sees the notch of an L-shape as outside', () => {
    const l = orientedLShape([0, 0], [1, 0], 30, 20, 8, 8);
    // A small square in the notch (the inner corner is at x = 7, y = -2).
    expect(ringsOverlap(l, square(-10, 2, 3))).toBe(false);
    expect(ringsOverlap(l, square(5, 2, 3))).toBe(true);
  });
});

describe('ringPolylineDistanceM', () => {
  it('measures the distance from a footprint to a street centreline', () => {
    expect(
      ringPolylineDistanceM(square(0, 0, 10), [
        [-5, -4],
        [20, -4],
      ]),
    ).toBeCloseTo(4, 9);
    expect(
      ringPolylineDistanceM(square(0, 0, 10), [
        [-5, 5],
        [20, 5],
      ]),
    ).toBe(0);
  });
});

describe('footprint builders', () => {
  it('build counter-clockwise simple rings of the requested size', () => {
    const axis: [number, number] = [Math.cos(0.3), Math.sin(0.3)];
    const rectangle = orientedRectangle([100, 50], axis, 12, 9);
    expect(signedArea(rectangle)).toBeCloseTo(108, 9);
    const l = orientedLShape([0, 0], axis, 40, 30, 12, 10);
    expect(signedArea(l)).toBeCloseTo(40 * 12 + 10 * 18, 9);
    expect(isSimpleRing(l)).toBe(true);
    const basin = chamferedRectangle([0, 0], axis, 40, 20, 4);
    expect(signedArea(basin)).toBeCloseTo(800 - 4 * 8, 9);
  });

  it('puts the rectangle centre where asked', () => {
    expect(pointInRing([100, 50], orientedRectangle([100, 50], [0, 1], 4, 4))).toBe(true);
    expect(pointInRing([103, 50], orientedRectangle([100, 50], [0, 1], 4, 4))).toBe(false);
  });
});

describe('isSimpleRing', () => {
  it('rejects a bow-tie', () => {
    expect(
      isSimpleRing([
        [0, 0],
        [10, 10],
        [10, 0],
        [0, 10],
      ]),
    ).toBe(false);
    expect(isSimpleRing(square(0, 0, 5))).toBe(true);
  });
});

describe('pointAlong', () => {
  it('walks a polyline by arc length and reports the direction there', () => {
    const line = [
      [0, 0],
      [10, 0],
      [10, 10],
    ] as const;
    const { point, direction } = pointAlong(line, 15);
    expect(point[0]).toBeCloseTo(10, 9);
    expect(point[1]).toBeCloseTo(5, 9);
    expect(direction).toEqual([0, 1]);
  });
});
