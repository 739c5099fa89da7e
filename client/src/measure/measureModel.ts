/**
 * The measuring tool's state and what it measures, as pure functions: which mode, the points picked so
 * far, whether the measurement is finished, and the values of those points (plus, for the rubber
 * band, one more point under the mouse). The Cesium binding (`measureCesiumImpl.ts`) only picks
 * points, calls these and draws; the panel only shows the values.
 */
import {
  geodesicDistanceM,
  lengthsDiffer,
  perimeterM,
  polygonAreaM2,
  polylineLength,
  type LonLatHeight,
} from './geodesy.ts';

/** What is measured: a path's length, an area, or a height. */
export type MeasureMode = 'distance' | 'area' | 'height';

export const MEASURE_MODES: readonly MeasureMode[] = ['distance', 'area', 'height'];

/** A picked point: where it is, and the terrain's height under it where the map knows it. */
export interface MeasurePoint {
  readonly position: LonLatHeight;
  /** Height of the terrain under the point above the ellipsoid, metres; null where unknown. */
  readonly groundHeightM: number | null;
}

/** The tool's state; `mode` null: the tool is off and the map's own clicks work. */
export interface MeasureState {
  readonly mode: MeasureMode | null;
  readonly points: readonly MeasurePoint[];
  /** True once the user finished (double click, Enter, or the second point of a height). */
  readonly finished: boolean;
}

export const MEASURE_OFF: MeasureState = { mode: null, points: [], finished: false };

/** The values of a measurement. */
export type MeasureResult =
  | {
      readonly kind: 'distance';
      readonly pointCount: number;
      /** Along the ellipsoid (the map distance), metres. */
      readonly geodesicM: number;
      /** With the height changes, metres. */
      readonly length3dM: number;
      /** Whether the 3D length differs enough to be shown too. */
      readonly showsLength3d: boolean;
    }
  | {
      readonly kind: 'area';
      readonly pointCount: number;
      /** The enclosed area on the ellipsoid, m²; 0 below three points. */
      readonly areaM2: number;
      /** The closed outline's length, metres (the open path's below three points). */
      readonly perimeterM: number;
    }
  | {
      readonly kind: 'height';
      readonly pointCount: number;
      /** The first point's height above the ellipsoid, metres; null without a point. */
      readonly heightAboveEllipsoidM: number | null;
      /** The first point's height above the terrain under it, metres; null where unknown. */
      readonly heightAboveGroundM: number | null;
      /** Second point's height minus the first's, metres; null below two points. */
      readonly differenceM: number | null;
      /** Horizontal distance of the two points along the ellipsoid, metres; null below two. */
      readonly horizontalM: number | null;
    };

/** Two picks closer than this (horizontally and vertically) are one point: a double click's pair. */
const SAME_POINT_M = 0.01;

function samePoint(a: LonLatHeight, b: LonLatHeight): boolean {
  return geodesicDistanceM(a, b) < SAME_POINT_M && Math.abs(a[2] - b[2]) < SAME_POINT_M;
}

/** Switches to `mode` (null: off), dropping any measurement. */
export function setMode(state: MeasureState, mode: MeasureMode | null): MeasureState {
  return state.mode === mode && state.points.length === 0 ? state : { mode, points: [], finished: false };
}

/**
 * Adds a picked point. A click after a finished measurement starts a new one; a height takes two
 * points and finishes with the second; a point on top of the last one (the second click of a double
 * click) is not added again. Off: nothing changes.
 */
export function addPoint(state: MeasureState, point: MeasurePoint): MeasureState {
  if (state.mode === null) return state;
  const points = state.finished ? [] : state.points;
  const last = points[points.length - 1];
  if (last && samePoint(last.position, point.position)) return state;
  const next = [...points, point];
  return { mode: state.mode, points: next, finished: state.mode === 'height' && next.length === 2 };
}

/** Removes the last point (and reopens a finished measurement). */
export function removeLastPoint(state: MeasureState): MeasureState {
  if (state.points.length === 0) return state;
  return { mode: state.mode, points: state.points.slice(0, -1), finished: false };
}

/** Whether the points so far make a measurement that can be finished. */
export function canFinish(state: MeasureState): boolean {
  if (state.finished || state.mode === null) return false;
  return state.points.length >= minimumPoints(state.mode);
}

/** Finishes the measurement where it has enough points; otherwise nothing changes. */
export function finish(state: MeasureState): MeasureState {
  return canFinish(state) ? { ...state, finished: true } : state;
}

/** Drops the points but stays in the mode (Escape, the clear button). */
export function clearPoints(state: MeasureState): MeasureState {
  return state.points.length === 0 && !state.finished
    ? state
    : { mode: state.mode, points: [], finished: false };
}

/** Points a mode needs for a value: two for a distance, three for an area, one for a height. */
export function minimumPoints(mode: MeasureMode): number {
  return mode === 'area' ? 3 : mode === 'distance' ? 2 : 1;
}

/**
 * The values of `points` in `mode`. The rubber band passes the picked points plus the one under the
 * mouse; the panel passes the picked points only.
 */
export function measure(mode: MeasureMode, points: readonly MeasurePoint[]): MeasureResult {
  const positions = points.map((p) => p.position);
  switch (mode) {
    case 'distance': {
      const length = polylineLength(positions);
      return {
        kind: 'distance',
        pointCount: points.length,
        geodesicM: length.geodesicM,
        length3dM: length.length3dM,
        showsLength3d: lengthsDiffer(length),
      };
    }
    case 'area':
      return {
        kind: 'area',
        pointCount: points.length,
        areaM2: polygonAreaM2(positions),
        perimeterM: positions.length >= 3 ? perimeterM(positions) : polylineLength(positions).geodesicM,
      };
    case 'height': {
      const first = points[0];
      const second = points[1];
      return {
        kind: 'height',
        pointCount: Math.min(points.length, 2),
        heightAboveEllipsoidM: first ? first.position[2] : null,
        heightAboveGroundM:
          first && first.groundHeightM !== null ? first.position[2] - first.groundHeightM : null,
        differenceM: first && second ? second.position[2] - first.position[2] : null,
        horizontalM: first && second ? geodesicDistanceM(first.position, second.position) : null,
      };
    }
  }
}

/**
 * The points the rubber band measures: the picked ones plus `hover` while the measurement is open
 * (and, for a height, only while one point is down).
 */
export function withHover(state: MeasureState, hover: MeasurePoint | null): readonly MeasurePoint[] {
  if (!hover || state.finished || state.mode === null || state.points.length === 0) return state.points;
  if (state.mode === 'height' && state.points.length >= 2) return state.points;
  const last = state.points[state.points.length - 1];
  if (last && samePoint(last.position, hover.position)) return state.points;
  return [...state.points, hover];
}
