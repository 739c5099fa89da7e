/** GML features in lon/lat, the Bavarian WFS 2.0 answer first (lat/lon posList over many lines). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFeatureCollection } from '../geo/geojson.ts';
import { fixture } from '../../../scripts/fixtures/fixturesDir.ts';
import { itWithFixtures } from '../../../scripts/fixtures/withFixtures.ts';
import { gmlToFeatureCollection, isLatFirst, parseGmlFeatures } from './gmlFeatures.ts';

describe('parseGmlFeatures', () => {
  itWithFixtures('reads the one member of the Bayern file (not the 641 its header claims) in lon/lat', () => {
    const features = parseGmlFeatures(
      readFileSync(fixture('ogc/wfs200-getfeature-gml32-bayern-gmd-ex.gml'), 'utf8'),
    );
    expect(features).toHaveLength(1);
    const [feature] = features;
    expect(feature?.id).toBe('gmd_ex.1');
    expect(feature?.featureType).toBe('gmd_ex');
    expect(feature?.properties['bez_gem']).toBe('Ingolstadt');
    expect(feature?.properties['objart_txt']).toBe('AX_KommunalesGebiet');
    expect(feature?.geometry?.type).toBe('MultiPolygon');
    const ring = (feature?.geometry?.coordinates as number[][][][])[0]?.[0];
    expect(ring?.[0]).toEqual([11.448911, 48.799194]);
    expect(ring).toHaveLength(15);
    const parsed = parseFeatureCollection(gmlToFeatureCollection(features), 'test');
    expect(parsed.rejected).toEqual([]);
    expect(parsed.features).toHaveLength(1);
  });

  it('keeps lon/lat for plain EPSG:4326 and CRS84, and splits MultiPoints', () => {
    const doc = `<wfs:FeatureCollection xmlns:wfs="http://www.opengis.net/wfs/2.0" xmlns:gml="http://www.opengis.net/gml/3.2" xmlns:ms="http://mapserver.gis.umn.edu/mapserver">
      <wfs:member><ms:p gml:id="p.1"><ms:name>Brunnen</ms:name><ms:geom><gml:Point srsName="EPSG:4326"><gml:pos>9.01 48.68</gml:pos></gml:Point></ms:geom></ms:p></wfs:member>
      <wfs:member><ms:p gml:id="p.2"><ms:geom><gml:MultiPoint srsName="http://www.opengis.net/def/crs/EPSG/0/4326"><gml:pointMember><gml:Point><gml:pos>48.6 9.1</gml:pos></gml:Point></gml:pointMember><gml:pointMember><gml:Point><gml:pos>48.7 9.2</gml:pos></gml:Point></gml:pointMember></gml:MultiPoint></ms:geom></ms:p></wfs:member>
      <wfs:member><ms:l gml:id="l.1"><ms:geom><gml:LineString srsName="urn:ogc:def:crs:OGC:1.3:CRS84"><gml:posList srsDimension="3">9 48 1 9.1 48.1 2</gml:posList></gml:LineString></ms:geom></ms:l></wfs:member>
    </wfs:FeatureCollection>`;
    const collection = gmlToFeatureCollection(parseGmlFeatures(doc));
    expect(collection.features.map((f) => (f as { geometry: unknown }).geometry)).toEqual([
      { type: 'Point', coordinates: [9.01, 48.68] },
      { type: 'Point', coordinates: [9.1, 48.6] },
      { type: 'Point', coordinates: [9.2, 48.7] },
      {
        type: 'LineString',
        coordinates: [
          [9, 48, 1],
          [9.1, 48.1, 2],
        ],
      },
    ]);
  });

  it('knows which CRS names put latitude first', () => {
    expect(isLatFirst('urn:ogc:def:crs:EPSG::4326')).toBe(true);
    expect(isLatFirst('urn:x-ogc:def:crs:EPSG:4258')).toBe(true);
    expect(isLatFirst('http://www.opengis.net/def/crs/EPSG/0/4326')).toBe(true);
    expect(isLatFirst('EPSG:4326')).toBe(false);
    expect(isLatFirst('urn:ogc:def:crs:OGC:1.3:CRS84')).toBe(false);
    expect(isLatFirst('urn:ogc:def:crs:EPSG::25832')).toBe(false);
  });

  it('reports a WFS exception in words', () => {
    expect(() =>
      parseGmlFeatures(
        '<ows:ExceptionReport xmlns:ows="http://www.opengis.net/ows/1.1"><ows:Exception><ows:ExceptionText>Unknown type</ows:ExceptionText></ows:Exception></ows:ExceptionReport>',
      ),
    ).toThrow(/Unknown type/);
  });
});
