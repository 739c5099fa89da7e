import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixture } from '../../../scripts/fixtures/fixturesDir.ts';
import { itWithFixtures } from '../../../scripts/fixtures/withFixtures.ts';
import { detectFormat, FORMAT_SNIFF_BYTES, UnknownFormatError } from './detectFormat.ts';

// Real sample files, read in place and never copied into the project.
const head = (path: string): Uint8Array => readFileSync(fixture(path)).subarray(0, FORMAT_SNIFF_BYTES);
const detect = (path: string) => detectFormat(fixture(path), head(path));

describe('detectFormat', () => {
  itWithFixtures('recognises CityGML 2.0 (ISO-8859-1) and CityGML 1.0 with a namespace prefix', () => {
    expect(detect('citygml/fzk-iai-testcases-LOD2_Buildings_v200.gml')).toBe('citygml');
    expect(detect('citygml/lgln-niedersachsen-lorup-LoD1_24065860_2_2021-01-25.citygml1.0.gml')).toBe(
      'citygml',
    );
  });

  itWithFixtures('tells CityJSON from CityJSONSeq', () => {
    expect(detect('cityjson/fzk-iai-testcases-lod2_buildings.cityjson2.0.json')).toBe('cityjson');
    expect(detect('cityjson/rotterdam_subset_textured.cityjson2.0.json')).toBe('cityjson');
    expect(detect('cityjson/fzk-iai-testcases-lod2_buildings.cityjsonseq2.0.jsonl')).toBe('cityjsonseq');
  });

  itWithFixtures('reads GeoJSON FeatureCollections as OSM GeoJSON', () => {
    expect(detect('geojson/heilbronn-buga2019-overpass-turbo-osm.geojson')).toBe('osm-geojson');
    expect(detect('geojson/esslingen-parking-polygons-epsg25832.geojson')).toBe('osm-geojson');
  });

  it('recognises Overpass JSON by its elements array', () => {
    const text = '{"version":0.6,"generator":"Overpass API","elements":[{"type":"way","id":1}]}';
    expect(detectFormat('export.json', text)).toBe('overpass-json');
  });

  it('rejects other files with a message naming the file and the expected formats', () => {
    expect(() => detectFormat('map.osm', '<?xml version="1.0"?>\n<osm version="0.6">')).toThrow(
      /map\.osm is XML but not a CityGML CityModel \(OSM XML/,
    );
    expect(() => detectFormat('data.csv', 'id;name\n1;x')).toThrow(UnknownFormatError);
    expect(() => detectFormat('data.csv', 'id;name\n1;x')).toThrow(
      /data\.csv starts with "id;name.*expected CityGML/,
    );
    expect(() => detectFormat('empty.json', '')).toThrow(/empty\.json is empty/);
    expect(() => detectFormat('other.json', '{"a":1}')).toThrow(/other\.json is JSON but of no known kind/);
  });
});
