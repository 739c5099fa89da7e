import { describe, expect, it } from 'vitest';
import { coordinatesFitCrs, createLocalReprojector, createReprojector, CrsError, parseCrs } from './crs.ts';

/** Ellipsoids: semi-major axis and flattening. */
const GRS80 = { a: 6_378_137, f: 1 / 298.257222101 };
const BESSEL = { a: 6_377_397.155, f: 1 / 299.1528128 };

/**
 * Transverse Mercator forward by Krüger's series (to n^3, sub-millimetre within a zone), written here
 * independently of proj4 so the test does not check proj4 against itself.
 */
function transverseMercator(
  latDeg: number,
  lonDeg: number,
  ellipsoid: { a: number; f: number },
  zone: { lon0Deg: number; k0: number; falseEastingM: number },
): [eastM: number, northM: number] {
  const { a, f } = ellipsoid;
  const n = f / (2 - f);
  const bigA = (a / (1 + n)) * (1 + n ** 2 / 4 + n ** 4 / 64);
  const alpha = [
    n / 2 - (2 * n ** 2) / 3 + (5 * n ** 3) / 16,
    (13 * n ** 2) / 48 - (3 * n ** 3) / 5,
    (61 * n ** 3) / 240,
  ];
  const phi = (latDeg * Math.PI) / 180;
  const dLambda = ((lonDeg - zone.lon0Deg) * Math.PI) / 180;
  const c = (2 * Math.sqrt(n)) / (1 + n);
  const t = Math.sinh(Math.atanh(Math.sin(phi)) - c * Math.atanh(c * Math.sin(phi)));
  const xi = Math.atan(t / Math.cos(dLambda));
  const eta = Math.atanh(Math.sin(dLambda) / Math.sqrt(1 + t * t));
  let east = eta;
  let north = xi;
  alpha.forEach((aj, i) => {
    const j = i + 1;
    east += aj * Math.cos(2 * j * xi) * Math.sinh(2 * j * eta);
    north += aj * Math.sin(2 * j * xi) * Math.cosh(2 * j * eta);
  });
  return [zone.falseEastingM + zone.k0 * bigA * east, zone.k0 * bigA * north];
}

describe('parseCrs', () => {
  it('reads the forms files use', () => {
    expect(parseCrs('EPSG:25832').horizontal).toBe('EPSG:25832');
    expect(parseCrs('urn:ogc:def:crs:EPSG::25832').horizontal).toBe('EPSG:25832');
    expect(parseCrs('http://www.opengis.net/def/crs/EPSG/0/28992').horizontal).toBe('EPSG:28992');
    expect(parseCrs('31467').horizontal).toBe('EPSG:31467');
  });

  it('splits a compound URN into horizontal and vertical parts', () => {
    expect(parseCrs('urn:ogc:def:crs,crs:EPSG::25832,crs:EPSG::5783')).toEqual({
      horizontal: 'EPSG:25832',
      horizontalName: 'ETRS89 / UTM zone 32N',
      vertical: 'EPSG:5783',
      geographic: false,
    });
    expect(parseCrs('EPSG:7415')).toMatchObject({ horizontal: 'EPSG:28992', vertical: 'EPSG:5709' });
  });

  it('names an unknown CRS and what is supported', () => {
    expect(() => parseCrs('EPSG:2056')).toThrow(CrsError);
    expect(() => parseCrs('EPSG:2056')).toThrow(/EPSG:2056 is not supported; supported: .*EPSG:25832/);
    expect(() => parseCrs('local grid')).toThrow(/no EPSG code found/);
  });
});

describe('createReprojector', () => {
  it('inverts an independent Transverse Mercator forward computation for UTM 32N (ETRS89)', () => {
    const [e, n] = transverseMercator(48.685, 9.015, GRS80, {
      lon0Deg: 9,
      k0: 0.9996,
      falseEastingM: 500_000,
    });
    const [lon, lat, h] = createReprojector('EPSG:25832')(e, n, 433.2);
    // 1e-7 degrees is about 1 cm.
    expect(lon).toBeCloseTo(9.015, 7);
    expect(lat).toBeCloseTo(48.685, 7);
    expect(h).toBe(433.2);
  });

  it('reads Gauss-Krüger zone 3 on Bessel, then shifts DHDN to WGS84 by about a hundred metres', () => {
    const [e, n] = transverseMercator(48.685, 9.015, BESSEL, { lon0Deg: 9, k0: 1, falseEastingM: 3_500_000 });
    const [lon, lat] = createReprojector('EPSG:31467')(e, n, 0);
    const dNorthM = (lat - 48.685) * 111_200;
    const dEastM = (lon - 9.015) * 111_320 * Math.cos((48.685 * Math.PI) / 180);
    // The DHDN datum shift in southern Germany moves positions by 100-200 m; a wrong zone or
    // false easting would move them by kilometres.
    expect(Math.hypot(dNorthM, dEastM)).toBeGreaterThan(50);
    expect(Math.hypot(dNorthM, dEastM)).toBeLessThan(250);
  });

  it('places local metres east and north of the origin', () => {
    const project = createLocalReprojector({ lon: 9.015, lat: 48.685 });
    const [lon, lat] = project(100, 0, 0);
    expect(lat).toBeCloseTo(48.685, 5);
    expect((lon - 9.015) * 111_320 * Math.cos((48.685 * Math.PI) / 180)).toBeCloseTo(100, 0);
    const [, north] = project(0, 100, 0);
    expect((north - 48.685) * 111_200).toBeCloseTo(100, 0);
  });
});

describe('coordinatesFitCrs', () => {
  it('tells local metres from a declared projected CRS', () => {
    expect(coordinatesFitCrs(parseCrs('EPSG:3068'), [0, 0, 98, 98])).toBe(false);
    expect(coordinatesFitCrs(parseCrs('EPSG:25832'), [500_000, 5_390_000, 502_000, 5_392_000])).toBe(true);
    expect(coordinatesFitCrs(parseCrs('EPSG:4326'), [500_000, 5_390_000, 502_000, 5_392_000])).toBe(false);
  });
});
