import { describe, expect, it } from 'vitest';
import type { LonLatHeight } from './geodesy.ts';
import {
  addPoint,
  canFinish,
  clearPoints,
  finish,
  MEASURE_OFF,
  measure,
  removeLastPoint,
  setMode,
  withHover,
  type MeasurePoint,
  type MeasureState,
} from './measureModel.ts';

/** Metres to degrees at Böblingen's latitude (close enough to place test points). */
const M_LAT = 1 / 111_200;
const M_LON = 1 / 73_600;

const at = (
  eastM: number,
  northM: number,
  heightM = 430,
  groundHeightM: number | null = 430,
): MeasurePoint => ({
  position: [9.0 + eastM * M_LON, 48.68 + northM * M_LAT, heightM] as LonLatHeight,
  groundHeightM,
});

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

const distance = (points: MeasurePoint[], finished = false): MeasureState =>
  deepFreeze({ mode: 'distance', points, finished });

describe('the measuring state', () => {
  it('ignores points while off', () => {
    expect(addPoint(MEASURE_OFF, at(0, 0))).toBe(MEASURE_OFF);
  });

  it('adds points without changing the state it was given', () => {
    const state = distance([at(0, 0)]);
    const next = addPoint(state, at(100, 0));
    expect(next.points).toHaveLength(2);
    expect(state.points).toHaveLength(1);
  });

  it('takes the second click of a double click as the same point', () => {
    const state = distance([at(0, 0), at(100, 0)]);
    expect(addPoint(state, at(100, 0))).toBe(state);
  });

  it('starts a new measurement with a click after a finished one', () => {
    const next = addPoint(distance([at(0, 0), at(100, 0)], true), at(5, 5));
    expect(next.points).toHaveLength(1);
    expect(next.finished).toBe(false);
  });

  it('finishes a height with its second point', () => {
    let state: MeasureState = setMode(MEASURE_OFF, 'height');
    state = addPoint(state, at(0, 0));
    expect(state.finished).toBe(false);
    state = addPoint(state, at(10, 0, 452));
    expect(state.finished).toBe(true);
  });

  it('finishes only with enough points: two for a distance, three for an area', () => {
    expect(canFinish(distance([at(0, 0)]))).toBe(false);
    expect(finish(distance([at(0, 0), at(10, 0)])).finished).toBe(true);
    const area = deepFreeze<MeasureState>({ mode: 'area', points: [at(0, 0), at(10, 0)], finished: false });
    expect(finish(area)).toBe(area);
  });

  it('removes the last point and reopens a finished measurement', () => {
    const next = removeLastPoint(distance([at(0, 0), at(100, 0)], true));
    expect(next.points).toHaveLength(1);
    expect(next.finished).toBe(false);
    expect(removeLastPoint(MEASURE_OFF)).toBe(MEASURE_OFF);
  });

  it('clears the points but keeps the mode', () => {
    const next = clearPoints(distance([at(0, 0), at(100, 0)], true));
    expect(next).toEqual({ mode: 'distance', points: [], finished: false });
  });

  it('drops the measurement when the mode changes', () => {
    expect(setMode(distance([at(0, 0)]), 'area')).toEqual({ mode: 'area', points: [], finished: false });
    expect(setMode(distance([at(0, 0)]), null)).toEqual(MEASURE_OFF);
  });
});

describe('the rubber band', () => {
  it('adds the point under the mouse while the measurement is open', () => {
    expect(withHover(distance([at(0, 0)]), at(50, 0))).toHaveLength(2);
  });

  it('shows nothing extra before the first point, after finishing, or after a height’s second point', () => {
    expect(withHover(distance([]), at(50, 0))).toHaveLength(0);
    expect(withHover(distance([at(0, 0), at(5, 0)], true), at(50, 0))).toHaveLength(2);
    const height = deepFreeze<MeasureState>({
      mode: 'height',
      points: [at(0, 0), at(0, 1, 440)],
      finished: false,
    });
    expect(withHover(height, at(50, 0))).toHaveLength(2);
  });
});

describe('measure', () => {
  it('measures a path along the ground with one number', () => {
    const result = measure('distance', [at(0, 0), at(300, 0), at(300, 400)]);
    if (result.kind !== 'distance') throw new Error('expected a distance');
    expect(result.geodesicM).toBeCloseTo(700, -1);
    expect(result.showsLength3d).toBe(false);
  });

  it('measures a line up to a roof with the 3D length too', () => {
    const result = measure('distance', [at(0, 0, 430), at(15, 0, 450)]);
    if (result.kind !== 'distance') throw new Error('expected a distance');
    expect(result.geodesicM).toBeCloseTo(15, 0);
    expect(result.length3dM).toBeCloseTo(25, 0);
    expect(result.showsLength3d).toBe(true);
  });

  it('measures the area of a 100 m square as a hectare with a 400 m outline', () => {
    const result = measure('area', [at(0, 0), at(100, 0), at(100, 100), at(0, 100)]);
    if (result.kind !== 'area') throw new Error('expected an area');
    expect(result.areaM2 / 10_000).toBeCloseTo(1, 1);
    expect(result.perimeterM).toBeCloseTo(400, -1);
  });

  it('has no area below three points, and the open path as outline', () => {
    const result = measure('area', [at(0, 0), at(100, 0)]);
    if (result.kind !== 'area') throw new Error('expected an area');
    expect(result.areaM2).toBe(0);
    expect(result.perimeterM).toBeCloseTo(100, -1);
  });

  it('gives one point’s height above ground and ellipsoid', () => {
    const result = measure('height', [at(0, 0, 452.5, 430)]);
    if (result.kind !== 'height') throw new Error('expected a height');
    expect(result.heightAboveEllipsoidM).toBeCloseTo(452.5, 6);
    expect(result.heightAboveGroundM).toBeCloseTo(22.5, 6);
    expect(result.differenceM).toBeNull();
  });

  it('gives the height difference from ground to roof, and none above ground where the terrain is unknown', () => {
    const result = measure('height', [at(0, 0, 430, null), at(8, 0, 448.25)]);
    if (result.kind !== 'height') throw new Error('expected a height');
    expect(result.differenceM).toBeCloseTo(18.25, 6);
    expect(result.horizontalM).toBeCloseTo(8, 0);
    expect(result.heightAboveGroundM).toBeNull();
  });
});
