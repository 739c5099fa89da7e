import { describe, expect, it } from 'vitest';
import { solarGeometry, sunDirection, sunPosition } from './solar.ts';

describe('sunPosition', () => {
  it('matches the NREL SPA reference example within 0.1°', () => {
    // Reda & Andreas (2004), "Solar Position Algorithm for Solar Radiation Applications", the worked
    // example: 17 October 2003, 12:30:30 local time (UTC−7) at 39.742476° N, 105.1786° W:
    // topocentric zenith 50.11162° (refraction included), azimuth 194.34024°.
    const at = Date.UTC(2003, 9, 17, 19, 30, 30);
    const sun = sunPosition(at, 39.742476, -105.1786);
    expect(Math.abs(sun.elevationDeg - (90 - 50.11162))).toBeLessThan(0.1);
    expect(Math.abs(sun.azimuthDeg - 194.34024)).toBeLessThan(0.1);
  });

  it('gives the sun’s declination and the equation of time of Meeus’ worked examples', () => {
    // Meeus, Astronomical Algorithms (2nd ed.), example 25.a: 1992 October 13.0, apparent declination
    // −7°47′06″ (low-accuracy method); example 28.b: equation of time +13m42.6s that day.
    const at = Date.UTC(1992, 9, 13, 0, 0, 0);
    const { declinationDeg, equationOfTimeMin } = solarGeometry(at);
    expect(Math.abs(declinationDeg - -(7 + 47 / 60 + 6 / 3600))).toBeLessThan(0.01);
    expect(Math.abs(equationOfTimeMin - (13 + 42.6 / 60))).toBeLessThan(0.1);
  });

  it('puts the sun due south at Böblingen’s solar noon, at 90° − latitude + declination', () => {
    const lat = 48.685;
    const lon = 9.015;
    // 21 March 2026: find the highest sun of the day to the minute.
    let best = { at: 0, elevation: -90 };
    for (let minute = 9 * 60; minute < 13 * 60; minute += 1) {
      const at = Date.UTC(2026, 2, 21) + minute * 60_000;
      const e = sunPosition(at, lat, lon).elevationDeg;
      if (e > best.elevation) best = { at, elevation: e };
    }
    const noon = sunPosition(best.at, lat, lon);
    expect(Math.abs(noon.azimuthDeg - 180)).toBeLessThan(0.3);
    // Geometric noon elevation plus NOAA's refraction at that height (≈0.02°).
    expect(Math.abs(noon.elevationDeg - (90 - lat + noon.declinationDeg))).toBeLessThan(0.05);
    // Solar noon in UTC: 12:00 − longitude × 4 min − equation of time.
    const expectedNoonMin = 720 - lon * 4 - noon.equationOfTimeMin;
    const noonMin = (best.at - Date.UTC(2026, 2, 21)) / 60_000;
    expect(Math.abs(noonMin - expectedNoonMin)).toBeLessThanOrEqual(1.5);
  });

  it('is below the horizon at night and points east in a spring morning', () => {
    expect(sunPosition(Date.UTC(2026, 0, 17, 23, 0), 48.685, 9.015).elevationDeg).toBeLessThan(-30);
    const morning = sunPosition(Date.UTC(2026, 2, 21, 6, 0), 48.685, 9.015);
    expect(morning.azimuthDeg).toBeGreaterThan(80);
    expect(morning.azimuthDeg).toBeLessThan(100);
    const [x, y, z] = sunDirection(morning);
    expect(Math.hypot(x, y, z)).toBeCloseTo(1, 12);
    expect(x).toBeGreaterThan(0.9);
  });
});
