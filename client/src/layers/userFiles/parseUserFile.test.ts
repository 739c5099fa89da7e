import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixture } from '../../../../scripts/fixtures/fixturesDir.ts';
import { describeWithFixtures } from '../../../../scripts/fixtures/withFixtures.ts';
import { pointsOf, polygonsOf } from '../../geo/geojson.ts';
import {
  checkFileSize,
  decodeText,
  jsonErrorOffset,
  MAX_FEATURES,
  parseLocaleNumber,
  parseUserFile,
  splitCsvLine,
} from './parseUserFile.ts';
import { UserFileError } from './userFileError.ts';
import { createTranslator } from '../../i18n/messages.ts';

function errorOf(run: () => unknown): UserFileError {
  try {
    run();
  } catch (error) {
    if (error instanceof UserFileError) return error;
    throw error;
  }
  throw new Error('no error thrown');
}

describeWithFixtures('a GeoJSON file in EPSG:25832 (Esslingen parking areas)', () => {
  const name = 'esslingen-parking-polygons-epsg25832.geojson';
  const text = readFileSync(fixture(`geojson/${name}`), 'utf8');

  it('reprojects every polygon to WGS84 in Esslingen and keeps the properties', () => {
    const parsed = parseUserFile(name, text);
    expect(parsed.reprojectedFrom).toBe('EPSG:25832');
    // Six of the 250 have an empty polygon: left out, each with a warning, never silently.
    expect(parsed.features).toHaveLength(244);
    expect(parsed.warnings).toHaveLength(6);
    // Each says which one (counted from 1) and why, in the user's words, not the parser's.
    expect(parsed.warnings[0]).toEqual({
      key: 'userFile.warning.skipped.tooFewPoints',
      params: { file: name, number: 93 },
    });
    for (const feature of parsed.features) {
      for (const [outer] of polygonsOf(feature.geometry)) {
        for (const [lon, lat] of outer ?? []) {
          // Esslingen am Neckar: about 9.31° E, 48.74° N.
          expect(lon).toBeGreaterThan(9.2);
          expect(lon).toBeLessThan(9.45);
          expect(lat).toBeGreaterThan(48.68);
          expect(lat).toBeLessThan(48.8);
        }
      }
    }
    expect(parsed.features[0]?.properties['Anzahl der Stellplätze']).toBe(2);
    expect(parsed.features[0]?.id).toBe('#0');
  });

  it('says the file has metres without a coordinate system when its crs member is gone', () => {
    const withoutCrs = JSON.stringify({ ...(JSON.parse(text) as object), crs: undefined });
    expect(errorOf(() => parseUserFile(name, withoutCrs)).key).toBe('userFile.error.projectedNoCrs');
  });
});

describe('GeoJSON', () => {
  it('keeps points without ids and splits geometry collections', () => {
    const text = JSON.stringify({
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { name: 'A' },
          geometry: { type: 'Point', coordinates: [9.01, 48.68] },
        },
        {
          type: 'Feature',
          properties: null,
          geometry: {
            type: 'GeometryCollection',
            geometries: [
              { type: 'Point', coordinates: [9.02, 48.68] },
              {
                type: 'LineString',
                coordinates: [
                  [9, 48],
                  [9.1, 48.1],
                ],
              },
            ],
          },
        },
      ],
    });
    const parsed = parseUserFile('punkte.geojson', text);
    expect(parsed.features.map((f) => f.geometry.type)).toEqual(['Point', 'Point', 'LineString']);
    expect(pointsOf(parsed.features[0]!.geometry)).toEqual([[9.01, 48.68]]);
  });

  it('says for each feature left out which one it is and why, in plain words', () => {
    const feature = (geometry: unknown) => ({ type: 'Feature', properties: {}, geometry });
    const text = JSON.stringify({
      type: 'FeatureCollection',
      features: [
        feature(null),
        feature({ type: 'Circle', coordinates: [9, 48] }),
        feature({ type: 'Point', coordinates: ['9', 48] }),
        feature({ type: 'LineString', coordinates: [[9, 48]] }),
        'a note',
        feature({ type: 'Point', coordinates: [9.01, 48.68] }),
      ],
    });
    const parsed = parseUserFile('teils.geojson', text);
    expect(parsed.features).toHaveLength(1);
    expect(parsed.warnings.map((w) => [w.key, w.params['number']])).toEqual([
      ['userFile.warning.skipped.noGeometry', 1],
      ['userFile.warning.skipped.geometryType', 2],
      ['userFile.warning.skipped.coordinates', 3],
      ['userFile.warning.skipped.tooFewPoints', 4],
      ['userFile.warning.skipped.notAFeature', 5],
    ]);
    // Both languages say it, neither with the parser's English.
    for (const translator of [createTranslator('de'), createTranslator('en')]) {
      const line = translator.t('userFile.warning.skipped.tooFewPoints', parsed.warnings[3]?.params ?? {});
      expect(line).toContain('teils.geojson');
      expect(line).toContain('4');
      expect(line).not.toMatch(/Too small|expected|Invalid/);
    }
  });

  it('names the line of a JSON error', () => {
    const error = errorOf(() =>
      parseUserFile('kaputt.geojson', '{\n"type": "FeatureCollection",\n"features": [}\n'),
    );
    expect(error.key).toBe('userFile.error.badJson');
    expect(error.params).toMatchObject({ file: 'kaputt.geojson', line: 3 });
  });

  it('finds where broken JSON breaks', () => {
    expect(jsonErrorOffset('{"a": [1, 2,]}')).toBe(12);
    expect(jsonErrorOffset('{"a": tru}')).toBe(6);
    expect(jsonErrorOffset('{"a": "x"')).toBe(9);
  });

  it('refuses a coordinate system it cannot convert, by name', () => {
    const text = JSON.stringify({
      type: 'FeatureCollection',
      crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::2056' } },
      features: [],
    });
    expect(errorOf(() => parseUserFile('bern.geojson', text)).params).toMatchObject({
      crs: 'urn:ogc:def:crs:EPSG::2056',
    });
  });
});

describe('limits', () => {
  it('refuses too large and empty files before reading them', () => {
    expect(errorOf(() => checkFileSize('gross.geojson', 60 * 1024 * 1024)).params).toMatchObject({
      file: 'gross.geojson',
      sizeMb: 60,
      maxMb: 50,
    });
    expect(errorOf(() => checkFileSize('leer.csv', 0)).key).toBe('userFile.error.empty');
  });

  it('refuses a file with too many features before parsing it', () => {
    const feature = '{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[9,48]}}';
    // Not valid JSON after the features: the count must stop it before JSON.parse would.
    const text = `{"type":"FeatureCollection","features":[${Array(MAX_FEATURES + 1)
      .fill(feature)
      .join(',')}`;
    const error = errorOf(() => parseUserFile('viele.geojson', text));
    expect(error.key).toBe('userFile.error.tooManyFeatures');
    expect(error.params).toMatchObject({ count: MAX_FEATURES + 1 });
  });
});

describe('KML', () => {
  const kml = `<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document>
  <Placemark><name>Rathaus</name><description><![CDATA[Marktplatz <b>1</b>]]></description>
    <ExtendedData><Data name="baujahr"><value>1952</value></Data></ExtendedData>
    <Point><coordinates>9.0150,48.6850,0</coordinates></Point></Placemark>
  <Placemark><name>Weg</name><LineString><coordinates>9.01,48.68 9.02,48.69</coordinates></LineString></Placemark>
  <Placemark><name>Park</name><MultiGeometry>
    <Polygon><outerBoundaryIs><LinearRing><coordinates>9,48 9.1,48 9.1,48.1 9,48</coordinates></LinearRing></outerBoundaryIs>
      <innerBoundaryIs><LinearRing><coordinates>9.02,48.02 9.04,48.02 9.04,48.04</coordinates></LinearRing></innerBoundaryIs></Polygon>
    <Point><coordinates>9.05,48.05</coordinates></Point>
  </MultiGeometry></Placemark>
  <Placemark><name>Ohne Ort</name></Placemark>
</Document></kml>`;

  it('reads points, lines, polygons with holes and mixed MultiGeometry with their names and data', () => {
    const parsed = parseUserFile('orte.kml', kml);
    expect(parsed.features.map((f) => [f.id, f.geometry.type])).toEqual([
      ['#0', 'Point'],
      ['#1', 'LineString'],
      ['#2.0', 'Point'],
      ['#2.1', 'Polygon'],
    ]);
    expect(parsed.features[0]?.properties).toEqual({
      name: 'Rathaus',
      description: 'Marktplatz <b>1</b>',
      baujahr: '1952',
    });
    expect(pointsOf(parsed.features[0]!.geometry)).toEqual([[9.015, 48.685, 0]]);
    const [polygon] = polygonsOf(parsed.features[3]!.geometry);
    expect(polygon).toHaveLength(2);
    // The hole was not closed in the file; it is now.
    expect(polygon?.[1]?.[0]).toEqual(polygon?.[1]?.[3]);
    expect(parsed.warnings).toEqual([
      { key: 'userFile.warning.noGeometry', params: { file: 'orte.kml', line: 12 } },
    ]);
  });

  it('names the line of broken XML', () => {
    const error = errorOf(() =>
      parseUserFile('kaputt.kml', '<kml>\n<Placemark>\n<name>x</nam>\n</Placemark></kml>'),
    );
    expect(error.key).toBe('userFile.error.badXml');
    expect(error.params).toMatchObject({ file: 'kaputt.kml', line: 3 });
  });
});

describe('CSV', () => {
  it('reads German Excel: semicolons, decimal commas, Rechtswert/Hochwert in UTM', () => {
    const csv = 'Name;Rechtswert;Hochwert;Plätze\r\nP1;501103,5;5392614,2;120\r\nP2;32501200;5392700;80\r\n';
    const parsed = parseUserFile('parken.csv', csv);
    expect(parsed.reprojectedFrom).toBe('EPSG:25832');
    expect(parsed.features).toHaveLength(2);
    const [lon, lat] = pointsOf(parsed.features[0]!.geometry)[0] ?? [];
    expect(lon).toBeCloseTo(9.015, 2);
    expect(lat).toBeCloseTo(48.685, 2);
    expect(parsed.features[0]?.properties).toEqual({ Name: 'P1', Plätze: 120 });
  });

  it('reads lon/lat in degrees with commas and quoted fields, and names the rows it left out', () => {
    const csv = 'id,name,lat,lon\n1,"Halle, Nord",48.69,9.01\n2,ohne,,\n3,Süd,48.67,9.02\n';
    const parsed = parseUserFile('orte.csv', csv);
    expect(parsed.reprojectedFrom).toBeNull();
    expect(parsed.features.map((f) => f.properties['name'])).toEqual(['Halle, Nord', 'Süd']);
    expect(parsed.warnings).toEqual([
      { key: 'userFile.warning.rowSkipped', params: { file: 'orte.csv', line: 3 } },
    ]);
  });

  it('says which columns it found when none hold coordinates', () => {
    const error = errorOf(() => parseUserFile('tabelle.csv', 'Straße;Hausnummer\nSeestraße;1\n'));
    expect(error.key).toBe('userFile.error.noCoordinateColumns');
    expect(error.params).toMatchObject({ columns: 'Straße, Hausnummer' });
  });

  it('splits quoted fields and reads numbers as Germans and English write them', () => {
    expect(splitCsvLine('a;"b;c";"d ""e"""', ';')).toEqual(['a', 'b;c', 'd "e"']);
    expect(parseLocaleNumber('48,685')).toBeCloseTo(48.685, 6);
    expect(parseLocaleNumber('1.234,5')).toBeCloseTo(1234.5, 6);
    expect(parseLocaleNumber('9.015')).toBeCloseTo(9.015, 6);
    expect(parseLocaleNumber('')).toBeNaN();
  });

  it('decodes Windows-1252 text that is not UTF-8', () => {
    expect(decodeText(new Uint8Array([0x53, 0xfc, 0x64]))).toBe('Süd');
    expect(decodeText(new TextEncoder().encode('\uFEFFSüd'))).toBe('Süd');
  });
});

describe('formats', () => {
  it('refuses a file that is none of the three', () => {
    expect(errorOf(() => parseUserFile('bild.png', '\x89PNG')).key).toBe('userFile.error.unknownFormat');
  });
});
