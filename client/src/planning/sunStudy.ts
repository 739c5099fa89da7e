/**
 * A sun-hours study of a planning variant: the area around its new buildings as a ground grid, the
 * town's buildings (less those the variant removes, plus its new ones) as obstacles, a day, and the
 * result as a heat map and as GeoJSON (one square per grid point, with its hours and, against the town
 * as it is, the difference). Pure; the computing itself is `sunHours` (run in a worker).
 */
import type { ProposedBuilding } from '../../../protocol/index.ts';
import { metresPerDegree } from './figures.ts';
import type { FacadePoint, Obstacle, SunHoursGrid, SunHoursStudy } from './sunHours.ts';
import { drawnHeightM } from './proposedHeight.ts';

/** An existing building of the town (from the city pack's `buildings.geojson`). */
export interface TownBuilding {
  readonly id: string;
  readonly ring: readonly (readonly [number, number])[];
  readonly heightM: number;
}

/**
 * The town's buildings from a city pack's `buildings.geojson` (polygons with `id` and `heightM`);
 * features without a height or an outer ring are left out.
 */
export function townBuildingsOf(raw: unknown): TownBuilding[] {
  const features = (raw as { features?: unknown[] } | null)?.features;
  if (!Array.isArray(features)) throw new Error('buildings.geojson: not a FeatureCollection');
  return features.flatMap((feature) => {
    const f = feature as {
      id?: unknown;
      properties?: { id?: unknown; heightM?: unknown };
      geometry?: { type?: unknown; coordinates?: unknown };
    };
    const id = f.properties?.id ?? f.id;
    const heightM = f.properties?.heightM;
    const ring = f.geometry?.type === 'Polygon' ? (f.geometry.coordinates as unknown[])?.[0] : undefined;
    if (typeof id !== 'string' || typeof heightM !== 'number' || !(heightM > 0) || !Array.isArray(ring))
      return [];
    const points = ring.filter(
      (p): p is [number, number] => Array.isArray(p) && typeof p[0] === 'number' && typeof p[1] === 'number',
    );
    return points.length >= 4
      ? [{ id, heightM, ring: points.map(([lon, lat]) => [lon, lat] as [number, number]) }]
      : [];
  });
}

/** The study's frame: a local plane around `origin` (`[lon, lat]`), metres east and north. */
export interface StudyFrame {
  readonly origin: readonly [number, number];
  readonly grid: SunHoursGrid;
}

/** Days planners study (DIN EN 17037 practice names 17 January and 21 March), and midsummer. */
export const STUDY_DAYS = ['01-17', '03-21', '06-21'] as const;

/** A whole UTC day: for German towns the sun is below the horizon at its ends. */
export function studyDay(
  year: number,
  monthDay: string,
  lat: number,
  lon: number,
  stepMin = 10,
): SunHoursStudy {
  const [month, day] = monthDay.split('-').map(Number) as [number, number];
  const fromMs = Date.UTC(year, month - 1, day, 0, 0);
  return { fromMs, toMs: fromMs + 86_400_000 - 1, stepMin, lat, lon };
}

/**
 * The grid around a variant's new buildings: their bounding box with `marginM` on every side, cells
 * of `cellM`, points at `heightM` above ground. Null without buildings.
 */
export function studyFrame(
  buildings: readonly ProposedBuilding[],
  { marginM = 120, cellM = 5, heightM = 0 }: { marginM?: number; cellM?: number; heightM?: number } = {},
): StudyFrame | null {
  const points = buildings.flatMap((b) => b.footprint);
  if (points.length === 0) return null;
  const lons = points.map((p) => p[0]);
  const lats = points.map((p) => p[1]);
  const origin: [number, number] = [
    (Math.min(...lons) + Math.max(...lons)) / 2,
    (Math.min(...lats) + Math.max(...lats)) / 2,
  ];
  const scale = metresPerDegree(origin[1]);
  const halfW = ((Math.max(...lons) - Math.min(...lons)) * scale.lon) / 2 + marginM;
  const halfH = ((Math.max(...lats) - Math.min(...lats)) * scale.lat) / 2 + marginM;
  // Less a hair: a span of 120.0000001 m (rounding of the degrees) is 12 cells, not 13.
  const columns = Math.ceil((2 * halfW) / cellM - 1e-6) + 1;
  const rows = Math.ceil((2 * halfH) / cellM - 1e-6) + 1;
  return {
    origin,
    grid: {
      originX: -((columns - 1) * cellM) / 2,
      originY: -((rows - 1) * cellM) / 2,
      cellM,
      columns,
      rows,
      heightM,
    },
  };
}

function local(
  ring: readonly (readonly [number, number])[],
  origin: readonly [number, number],
): [number, number][] {
  const scale = metresPerDegree(origin[1]);
  return ring.map(([lon, lat]) => [(lon - origin[0]) * scale.lon, (lat - origin[1]) * scale.lat]);
}

/** What a study takes of a variant: what it builds and what it removes. */
export interface StudyVariant {
  readonly buildings: readonly ProposedBuilding[];
  readonly removedBuildingIds: readonly string[];
}

/**
 * The obstacles of a variant within `reachM` of the grid: the town's buildings less the removed
 * ones, plus the new ones (drawn as high as on the map). With `variant` null: the town as it is.
 */
export function obstaclesOf(
  frame: StudyFrame,
  town: readonly TownBuilding[],
  variant: StudyVariant | null,
  reachM = 400,
): Obstacle[] {
  const { grid, origin } = frame;
  const minX = grid.originX - reachM;
  const minY = grid.originY - reachM;
  const maxX = grid.originX + (grid.columns - 1) * grid.cellM + reachM;
  const maxY = grid.originY + (grid.rows - 1) * grid.cellM + reachM;
  const near = (ring: readonly (readonly [number, number])[]) =>
    ring.some(([x, y]) => x >= minX && x <= maxX && y >= minY && y <= maxY);
  const removed = new Set(variant?.removedBuildingIds ?? []);
  const existing = town
    .filter((b) => !removed.has(b.id))
    .map((b) => ({ ring: local(b.ring, origin), heightM: b.heightM }))
    .filter((o) => near(o.ring));
  const proposed = (variant?.buildings ?? []).map((b) => ({
    ring: local(b.footprint.slice(0, -1), origin),
    heightM: drawnHeightM(b),
  }));
  return [...existing, ...proposed];
}

/** A façade point of the study with where it is on the map and whose wall it is on. */
export interface StudyFacadePoint extends FacadePoint {
  /** `[lon, lat, height above ground]`. */
  readonly position: readonly [number, number, number];
  /** The town building's id, or `proposed:` and the new building's id. */
  readonly buildingId: string;
  /** The direction the wall faces, degrees clockwise from north. */
  readonly facingDeg: number;
}

/** The façade points of a variant: the town's first (those it keeps), then its new buildings'. */
export interface StudyFacades {
  readonly points: StudyFacadePoint[];
  /** How many of `points` lie on the town's buildings (the rest are on new ones). */
  readonly onTown: number;
}

/** How far outside its wall a façade point lies, so that its own wall does not hide it. */
const OFF_WALL_M = 0.1;

/**
 * Points on the walls of a building (a ring of local metres without the closing point): along each
 * wall one every `spacingM` (at the middle of its stretch), from 1.5 m above ground every `storeyM`
 * up to the wall's height, each facing out of the building whichever way the ring runs.
 */
export function wallPoints(
  ring: readonly (readonly [number, number])[],
  wallHeightM: number,
  { spacingM = 5, storeyM = 3 }: { spacingM?: number; storeyM?: number } = {},
): FacadePoint[] {
  let twiceArea = 0;
  for (let i = 0; i < ring.length; i += 1) {
    const [ax, ay] = ring[i] as readonly [number, number];
    const [bx, by] = ring[(i + 1) % ring.length] as readonly [number, number];
    twiceArea += ax * by - bx * ay;
  }
  // Counter-clockwise rings have the outside on the right of each edge; clockwise on the left.
  const outward = twiceArea > 0 ? 1 : -1;
  const points: FacadePoint[] = [];
  for (let i = 0; i < ring.length; i += 1) {
    const [ax, ay] = ring[i] as readonly [number, number];
    const [bx, by] = ring[(i + 1) % ring.length] as readonly [number, number];
    const length = Math.hypot(bx - ax, by - ay);
    if (length < 0.5) continue;
    const nx = (outward * (by - ay)) / length;
    const ny = (outward * -(bx - ax)) / length;
    const parts = Math.max(1, Math.round(length / spacingM));
    for (let k = 0; k < parts; k += 1) {
      const f = (k + 0.5) / parts;
      const x = ax + (bx - ax) * f + nx * OFF_WALL_M;
      const y = ay + (by - ay) * f + ny * OFF_WALL_M;
      for (let z = 1.5; z < wallHeightM; z += storeyM) points.push({ x, y, z, nx, ny });
    }
  }
  return points;
}

/**
 * The façade points of a variant's study: on the walls of the buildings standing inside the grid's
 * area (the town's less the removed ones, then the new ones up to their eaves). With `variant` null:
 * the town as it is. The town's points come first, so the variant's can be computed again against the
 * town as it is and compared point by point.
 */
export function facadePointsOf(
  frame: StudyFrame,
  town: readonly TownBuilding[],
  variant: StudyVariant | null,
  spacing: { spacingM?: number; storeyM?: number } = {},
): StudyFacades {
  const { grid, origin } = frame;
  const scale = metresPerDegree(origin[1]);
  const maxX = grid.originX + (grid.columns - 1) * grid.cellM;
  const maxY = grid.originY + (grid.rows - 1) * grid.cellM;
  const inside = (ring: readonly (readonly [number, number])[]) =>
    ring.some(([x, y]) => x >= grid.originX && x <= maxX && y >= grid.originY && y <= maxY);
  const removed = new Set(variant?.removedBuildingIds ?? []);
  const placed = (buildingId: string, ring: [number, number][], wallHeightM: number): StudyFacadePoint[] =>
    inside(ring)
      ? wallPoints(ring, wallHeightM, spacing).map((p) => ({
          ...p,
          position: [
            Number((origin[0] + p.x / scale.lon).toFixed(7)),
            Number((origin[1] + p.y / scale.lat).toFixed(7)),
            p.z,
          ],
          buildingId,
          facingDeg: Math.round(((Math.atan2(p.nx, p.ny) * 180) / Math.PI + 360) % 360),
        }))
      : [];
  const open = (ring: readonly (readonly [number, number])[]) => {
    const first = ring[0];
    const last = ring[ring.length - 1];
    return first && last && first[0] === last[0] && first[1] === last[1] ? ring.slice(0, -1) : ring;
  };
  const onTown = town
    .filter((b) => !removed.has(b.id))
    .flatMap((b) => placed(b.id, local(open(b.ring), origin), b.heightM));
  const onNew = (variant?.buildings ?? []).flatMap((b) =>
    placed(`proposed:${b.id}`, local(open(b.footprint), origin), b.eavesHeightM),
  );
  return { points: [...onTown, ...onNew], onTown: onTown.length };
}

/** The corners `[lon, lat]` of grid cell (column, row): a square of `cellM` around its point. */
export function cellRing(frame: StudyFrame, column: number, row: number): [number, number][] {
  const { grid, origin } = frame;
  const scale = metresPerDegree(origin[1]);
  const x = grid.originX + column * grid.cellM;
  const y = grid.originY + row * grid.cellM;
  const h = grid.cellM / 2;
  const at = (dx: number, dy: number): [number, number] => [
    Number((origin[0] + (x + dx) / scale.lon).toFixed(7)),
    Number((origin[1] + (y + dy) / scale.lat).toFixed(7)),
  ];
  const first = at(-h, -h);
  return [first, at(h, -h), at(h, h), at(-h, h), first];
}

/** The grid's extent `[west, south, east, north]` in degrees (cell edges, not points). */
export function frameRectangle(frame: StudyFrame): [number, number, number, number] {
  const sw = cellRing(frame, 0, 0)[0] as [number, number];
  const ne = cellRing(frame, frame.grid.columns - 1, frame.grid.rows - 1)[2] as [number, number];
  return [sw[0], sw[1], ne[0], ne[1]];
}

/** Façade results for the GeoJSON: the points, their hours, and the town-as-is hours of the first ones. */
export interface FacadeResult {
  readonly points: readonly StudyFacadePoint[];
  readonly hours: ArrayLike<number>;
  /** Hours of `points[0 … asIs.length - 1]` (the town's walls) without the variant. */
  readonly asIs?: ArrayLike<number>;
}

/**
 * The study as GeoJSON: a square per grid point with its sun hours (and the difference, if given);
 * with façades, a point per façade point with its building, the way its wall faces, its height above
 * ground and its hours (and the difference where the wall stands in the town as it is too).
 */
export function sunHoursGeoJson(
  frame: StudyFrame,
  hours: ArrayLike<number>,
  meta: Record<string, string | number>,
  difference?: ArrayLike<number>,
  facades?: FacadeResult,
): { type: 'FeatureCollection'; properties: Record<string, string | number>; features: unknown[] } {
  const features: unknown[] = [];
  const round = (value: number) => Number(value.toFixed(2));
  for (let row = 0; row < frame.grid.rows; row += 1)
    for (let column = 0; column < frame.grid.columns; column += 1) {
      const i = row * frame.grid.columns + column;
      features.push({
        type: 'Feature',
        geometry: { type: 'Polygon', coordinates: [cellRing(frame, column, row)] },
        properties: {
          kind: 'ground',
          sunHours: round(hours[i] as number),
          ...(difference ? { differenceHours: round(difference[i] as number) } : {}),
        },
      });
    }
  facades?.points.forEach((point, i) => {
    const before = facades.asIs && i < facades.asIs.length ? (facades.asIs[i] as number) : undefined;
    features.push({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [point.position[0], point.position[1]] },
      properties: {
        kind: 'facade',
        buildingId: point.buildingId,
        facingDeg: point.facingDeg,
        heightAboveGroundM: point.z,
        sunHours: round(facades.hours[i] as number),
        ...(facades.asIs
          ? { differenceHours: before === undefined ? null : round((facades.hours[i] as number) - before) }
          : {}),
      },
    });
  });
  return { type: 'FeatureCollection', properties: meta, features };
}

/** Colour of `hours` of sun out of `maxHours`: dark blue (none) through yellow (all). */
export function sunColor(hours: number, maxHours: number): [number, number, number] {
  const t = maxHours > 0 ? Math.min(1, Math.max(0, hours / maxHours)) : 0;
  // Three stops: #1d2b6b, #c2407a, #ffd23f.
  const stops: [number, number, number][] = [
    [29, 43, 107],
    [194, 64, 122],
    [255, 210, 63],
  ];
  const scaled = t * 2;
  const k = Math.min(1, Math.floor(scaled));
  const f = scaled - k;
  const a = stops[k] as [number, number, number];
  const b = stops[k + 1] as [number, number, number];
  return [0, 1, 2].map((c) => Math.round((a[c] as number) + ((b[c] as number) - (a[c] as number)) * f)) as [
    number,
    number,
    number,
  ];
}

/** Colour of a difference in hours: red for less sun, blue for more, grey for none. */
export function differenceColor(hours: number, scaleHours: number): [number, number, number] {
  const t = scaleHours > 0 ? Math.max(-1, Math.min(1, hours / scaleHours)) : 0;
  if (Math.abs(hours) < 0.05) return [128, 128, 128];
  return t < 0
    ? [Math.round(128 + 127 * -t), Math.round(128 * (1 + t)), Math.round(128 * (1 + t))]
    : [Math.round(128 * (1 - t)), Math.round(128 + 40 * t), Math.round(128 + 127 * t)];
}
