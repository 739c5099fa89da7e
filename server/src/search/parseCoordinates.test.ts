import { describe, expect, it } from 'vitest';
import { formatUtm, parseCoordinates } from './parseCoordinates.ts';

/** The demo pack's centre, `[lon, lat]`. */
const BOEBLINGEN: [number, number] = [9.015, 48.685];

function read(query: string) {
  const parsed = parseCoordinates(query, BOEBLINGEN);
  if (!parsed) throw new Error(`${query} was not read as a coordinate`);
  return parsed;
}

describe('parseCoordinates', () => {
  it.each([
    '48.685, 9.015',
    '48,685 9,015',
    '48.685;9.015',
    'N 48.685 E 9.015',
    '48.685°N 9.015°E',
    '48.685 N, 9.015 O',
  ])('reads decimal degrees %s', (query) => {
    const parsed = read(query);
    expect(parsed.notation).toBe('decimal');
    expect(parsed.lat).toBeCloseTo(48.685, 9);
    expect(parsed.lon).toBeCloseTo(9.015, 9);
  });

  it('reads longitude first where only that order lands by the city', () => {
    const parsed = read('9.015, 48.685');
    expect([parsed.lon, parsed.lat]).toEqual([9.015, 48.685]);
  });

  it('keeps latitude first for a place far away, as it is usually written', () => {
    const parsed = read('-33.9, 18.4');
    expect([parsed.lon, parsed.lat]).toEqual([18.4, -33.9]);
    expect(parsed.label).toBe('33.90000° S, 18.40000° E');
  });

  it.each([`48°41'06"N 9°00'54"E`, `48° 41,1' N, 9° 0,9' O`, `N 48°41'6" E 9°0'54"`, `48°41′06″N 9°00′54″E`])(
    'reads degrees, minutes and seconds %s',
    (query) => {
      const parsed = read(query);
      expect(parsed.notation).toBe('dms');
      expect(parsed.lat).toBeCloseTo(48.685, 6);
      expect(parsed.lon).toBeCloseTo(9.015, 6);
    },
  );

  it.each([
    '32U 503210 5392110',
    '32 503210 5392110',
    'UTM 32U 503210 5392110',
    '503210 5392110',
    'E 503210 N 5392110',
    '503210,0; 5392110,0',
  ])('reads UTM zone 32N (EPSG:25832) %s', (query) => {
    const parsed = read(query);
    expect(parsed.notation).toBe('utm');
    // 503210 m is 3.2 km east of the 9° meridian; 5392110 m is about 48.682° north.
    expect(parsed.lon).toBeCloseTo(9.04361, 4);
    expect(parsed.lat).toBeCloseTo(48.68203, 4);
    expect(parsed.sublabel).toBe(`48°40'55.3" N, 9°02'37.0" E`);
  });

  it('writes the UTM form of degrees back as the sublabel, round trip within a metre', () => {
    const parsed = read('48.68203, 9.04361');
    expect(parsed.sublabel).toBe('UTM 32U 503210 5392110');
    expect(formatUtm(9.015, 48.685)).toBe('UTM 32U 501104 5392440');
  });

  it.each(['Calwer Straße 12', '12 14', '71032', 'b00123', '', '95.1, 200.2', '32U 12 34', 'Parkhaus 5'])(
    'leaves %j to the name search',
    (query) => {
      expect(parseCoordinates(query, BOEBLINGEN)).toBeUndefined();
    },
  );
});
