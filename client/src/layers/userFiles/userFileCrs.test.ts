import { describe, expect, it } from 'vitest';
import { epsgOf, guessProjected, toLonLatFrom } from './userFileCrs.ts';

describe('epsgOf', () => {
  it('reads the ways files name their CRS', () => {
    expect(epsgOf('urn:ogc:def:crs:EPSG::25832')).toBe(25832);
    expect(epsgOf('EPSG:31467')).toBe(31467);
    expect(epsgOf('http://www.opengis.net/def/crs/EPSG/0/25833')).toBe(25833);
    expect(epsgOf('urn:ogc:def:crs:OGC:1.3:CRS84')).toBe(4326);
    expect(epsgOf('Lambert-Projektion')).toBeNull();
  });
});

describe('toLonLatFrom', () => {
  it('puts Böblingen’s Elbenplatz in UTM 32N and Gauss-Krüger zone 3 where it is', () => {
    // Elbenplatz, about 9.015° E 48.685° N (to within a few hundred metres: the test checks the zone and datum, not survey precision).
    const utm = toLonLatFrom(25832);
    const gk = toLonLatFrom(31467);
    const [lon, lat] = utm?.(501_103, 5_392_614) ?? [0, 0];
    expect(lon).toBeCloseTo(9.015, 2);
    expect(lat).toBeCloseTo(48.685, 2);
    const [gkLon, gkLat] = gk?.(3_501_140, 5_394_380) ?? [0, 0];
    expect(gkLon).toBeCloseTo(9.015, 2);
    expect(gkLat).toBeCloseTo(48.685, 2);
  });

  it('needs nothing for WGS84 and refuses codes it does not know', () => {
    expect(toLonLatFrom(4326)).toBeNull();
    expect(() => toLonLatFrom(2056)).toThrow(RangeError);
  });
});

describe('guessProjected', () => {
  it('tells UTM (with and without zone) and Gauss-Krüger from degrees by their size', () => {
    expect(guessProjected(9.01, 48.68)).toBeNull();
    expect(guessProjected(501_103, 5_392_614)).toEqual({ epsg: 25832, x: 501_103, y: 5_392_614 });
    expect(guessProjected(32_501_103, 5_392_614)).toEqual({ epsg: 25832, x: 501_103, y: 5_392_614 });
    expect(guessProjected(3_501_140, 5_394_380)).toEqual({ epsg: 31467, x: 3_501_140, y: 5_394_380 });
    expect(guessProjected(1234, 5678)).toBeNull();
  });
});
