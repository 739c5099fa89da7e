import { describe, expect, it } from 'vitest';
import { sunDirection, sunPosition } from './solar.ts';
import type { FacadePoint, Obstacle, SunHoursGrid, SunHoursStudy } from './sunHours.ts';
import { entryDistance, facadeSunHours, insideRing, sunHours } from './sunHours.ts';

const LAT = 48.685;
const LON = 9.015;
/** 17 January 2026 in Böblingen (DIN EN 17037 practice), UTC, every 10 minutes. */
const JANUARY: SunHoursStudy = {
  fromMs: Date.UTC(2026, 0, 17, 0, 0),
  toMs: Date.UTC(2026, 0, 17, 23, 59),
  stepMin: 10,
  lat: LAT,
  lon: LON,
};
/** One tall block: 20 m × 20 m, 30 m high, centred on the origin. */
const BLOCK: Obstacle = {
  ring: [
    [-10, -10],
    [10, -10],
    [10, 10],
    [-10, 10],
  ],
  heightM: 30,
};
const point = (x: number, y: number): SunHoursGrid => ({
  originX: x,
  originY: y,
  cellM: 1,
  columns: 1,
  rows: 1,
  heightM: 0,
});

describe('sunHours', () => {
  it('gives an open point every sampled hour of daylight', () => {
    const result = sunHours(point(0, 0), [], JANUARY);
    // Counted independently: the samples of the day with the sun above the horizon.
    let up = 0;
    for (let t = JANUARY.fromMs; t <= JANUARY.toMs; t += 600_000)
      if (sunPosition(t, LAT, LON).elevationDeg > 0) up += 1;
    expect(result.samples).toBe(up);
    expect(result.hours[0]).toBeCloseTo(up / 6, 5);
    // A January day in Böblingen: about 8 h 45 min of daylight.
    expect(result.possibleHours).toBeGreaterThan(8.3);
    expect(result.possibleHours).toBeLessThan(9.2);
  });

  it('leaves points south of one tall block in full sun, and one just north of it in shade all day', () => {
    const grid: SunHoursGrid = { originX: -40, originY: -60, cellM: 10, columns: 9, rows: 13, heightM: 0 };
    const result = sunHours(grid, [BLOCK], JANUARY);
    const at = (x: number, y: number) =>
      result.hours[((y - grid.originY) / 10) * grid.columns + (x - grid.originX) / 10];
    // South of the block: the January sun (azimuth 127°-233°) never comes from behind it.
    for (const x of [-40, -20, 0, 20, 40]) expect(at(x, -30)).toBeCloseTo(result.possibleHours, 5);
    // 2 m north of its north face: every ray towards the January sun passes through the block.
    expect(sunHours(point(0, 12), [BLOCK], JANUARY).hours[0]).toBe(0);
    // 10 m north of the face: the block covers the sun from 135° to 225° (its corners), and at
    // elevations under 20° a ray through the face is far below its top; outside that the sun shines.
    let besideTheBlock = 0;
    for (let t = JANUARY.fromMs; t <= JANUARY.toMs; t += 600_000) {
      const sun = sunPosition(t, LAT, LON);
      if (sun.elevationDeg > 0 && (sun.azimuthDeg < 135 || sun.azimuthDeg > 225)) besideTheBlock += 1;
    }
    expect(besideTheBlock).toBeGreaterThan(0);
    expect(at(0, 20)).toBeCloseTo(besideTheBlock / 6, 5);
    // Inside the footprint: no sun.
    expect(at(0, 0)).toBe(0);
    // Far north-east and north-west the sun comes round the block for part of the day.
    expect(at(40, 40)).toBeGreaterThan(0);
    expect(at(40, 40)).toBeLessThan(result.possibleHours);
  });

  it('casts the shadow exactly as long as the block’s height over the tangent of the sun', () => {
    // One instant: the highest sun of 21 March, nearly due south.
    let noon = Date.UTC(2026, 2, 21, 11, 0);
    for (let t = Date.UTC(2026, 2, 21, 10, 0); t < Date.UTC(2026, 2, 21, 12, 0); t += 60_000)
      if (sunPosition(t, LAT, LON).elevationDeg > sunPosition(noon, LAT, LON).elevationDeg) noon = t;
    const sun = sunPosition(noon, LAT, LON);
    const [dx, dy, dz] = sunDirection(sun);
    const shadow = 30 / (dz / Math.hypot(dx, dy));
    // Along the ray's ground track from the block's north edge (x follows the slight azimuth).
    const along = (s: number): [number, number] => [
      (-dx / Math.hypot(dx, dy)) * s,
      10 + (-dy / Math.hypot(dx, dy)) * s,
    ];
    const once: SunHoursStudy = { fromMs: noon, toMs: noon, stepMin: 60, lat: LAT, lon: LON };
    const [sx, sy] = along(shadow - 0.5);
    expect(sunHours(point(sx, sy), [BLOCK], once).hours[0]).toBe(0);
    const [lx, ly] = along(shadow + 0.5);
    expect(sunHours(point(lx, ly), [BLOCK], once).hours[0]).toBe(1);
    // A point 1.5 m up is lit 1.5 m / tan(e) nearer the block.
    const lifted = { ...point(sx, sy), heightM: 1.5 };
    expect(sunHours(lifted, [BLOCK], once).hours[0]).toBe(1);
  });
});

describe('facadeSunHours', () => {
  /** 21 March 2026, a day after the equinox: the sun rises a hair north of east. */
  const MARCH: SunHoursStudy = {
    ...JANUARY,
    fromMs: Date.UTC(2026, 2, 21),
    toMs: Date.UTC(2026, 2, 21, 23, 59),
  };
  /** The day's samples with the sun up, as [azimuth, elevation]. */
  const samples = (study: SunHoursStudy) => {
    const out: [number, number][] = [];
    for (let t = study.fromMs; t <= study.toMs; t += study.stepMin * 60_000) {
      const sun = sunPosition(t, LAT, LON);
      if (sun.elevationDeg > 0) out.push([sun.azimuthDeg, sun.elevationDeg]);
    }
    return out;
  };
  const wall = (nx: number, ny: number, z = 1.5): FacadePoint => ({ x: 0, y: 0, z, nx, ny });

  it('lights a free-standing wall only while the sun is in front of it', () => {
    const up = samples(MARCH);
    const [south, north, east, west] = facadeSunHours(
      [wall(0, -1), wall(0, 1), wall(1, 0), wall(-1, 0)],
      [],
      MARCH,
    ).hours as unknown as number[];
    // At the equinox the sun is south of the east-west line from rising to setting: a south wall
    // gets nearly the whole day, a north wall next to nothing.
    expect(south).toBeGreaterThan((up.length - 3) / 6);
    expect(north).toBeLessThanOrEqual(3 / 6);
    expect((south as number) + (north as number)).toBeCloseTo(up.length / 6, 5);
    // East gets the morning (azimuth under 180°), west the afternoon: the day split at noon.
    expect(east).toBeCloseTo(up.filter(([azimuth]) => azimuth < 180).length / 6, 5);
    expect(west).toBeCloseTo(up.filter(([azimuth]) => azimuth > 180).length / 6, 5);
    expect(Math.abs((east as number) - (west as number))).toBeLessThanOrEqual(2 / 6);
  });

  it('shades the lower floors of a wall behind a tall block, not the upper ones', () => {
    // The south wall of a building 20 m north of the block's north face, at 1.5 m and at 38.5 m.
    const points: FacadePoint[] = [
      { x: 0, y: 29.9, z: 1.5, nx: 0, ny: -1 },
      { x: 0, y: 29.9, z: 38.5, nx: 0, ny: -1 },
    ];
    const behind: Obstacle = {
      ring: [
        [-15, 30],
        [-15, 50],
        [15, 50],
        [15, 30],
      ],
      heightM: 40,
    };
    const [low, high] = facadeSunHours(points, [BLOCK, behind], JANUARY).hours as unknown as number[];
    // Seen from the low point the block spans the azimuths between its near corners (±10 m across,
    // 19.9 m away); the January sun never climbs over it there (tan 21° × 22 m + 1.5 m < 30 m).
    const edge = (Math.atan2(10, 19.9) * 180) / Math.PI;
    const up = samples(JANUARY).filter(([azimuth]) => azimuth > 90 && azimuth < 270);
    const clear = up.filter(([azimuth]) => azimuth < 180 - edge || azimuth > 180 + edge);
    expect(clear.length).toBeLessThan(up.length);
    expect(low).toBeCloseTo(clear.length / 6, 5);
    // 38.5 m up every ray passes above the 30 m block; and its own building behind never hides it.
    expect(high).toBeCloseTo(up.length / 6, 5);
  });
});

describe('ring geometry', () => {
  it('finds inside points and where a ray enters a footprint', () => {
    expect(insideRing(BLOCK.ring, 0, 0)).toBe(true);
    expect(insideRing(BLOCK.ring, 10.5, 0)).toBe(false);
    const prepared = { ...BLOCK, minX: -10, minY: -10, maxX: 10, maxY: 10 };
    expect(entryDistance(prepared, 0, 30, 0, -1)).toBeCloseTo(20, 9);
    expect(entryDistance(prepared, 0, 30, 0, 1)).toBe(Number.POSITIVE_INFINITY);
    expect(entryDistance(prepared, 0, 0, 1, 0)).toBe(0);
  });
});
