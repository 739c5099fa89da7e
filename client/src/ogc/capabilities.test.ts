/**
 * The capabilities readers on real documents: the DWD GeoServer WMS 1.3.0 (500 KB, INSPIRE
 * extensions, time dimensions, EPSG:4326 boxes latitude first), the Geobasis NRW WMTS (REST only,
 * zero-padded matrices, a UTM set Cesium cannot draw), the DWD WFS 2.0 and the OGC API examples.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixture } from '../../../scripts/fixtures/fixturesDir.ts';
import { describeWithFixtures } from '../../../scripts/fixtures/withFixtures.ts';
import { parseCollections, parseLandingPage, nextItemsUrl } from './ogcApiFeatures.ts';
import { jsonOutputFormat, parseWfsCapabilities } from './wfsCapabilities.ts';
import { findWmsLayer, namedLayers, parseWmsCapabilities } from './wmsCapabilities.ts';
import { chooseWmtsTiling, parseWmtsCapabilities, WmtsNotDrawableError } from './wmtsCapabilities.ts';

const read = (name: string): string => readFileSync(fixture(`ogc/${name}`), 'utf8');

describeWithFixtures('WMS 1.3.0 capabilities of the DWD GeoServer', () => {
  it('reads the service, its terms and its request URLs', () => {
    const caps = parseWmsCapabilities(read('wms130-getcapabilities-dwd-maps.dwd.de.xml'));
    expect(caps.version).toBe('1.3.0');
    expect(caps.title).toBe('DWD GeoServer WMS');
    expect(caps.accessConstraints).toBe('http://www.dwd.de/DE/service/copyright/copyright_node.html');
    expect(caps.fees).toBeNull();
    expect(caps.getMap?.url).toBe('https://maps.dwd.de/geoserver/ows?SERVICE=WMS&');
    expect(caps.getMap?.formats).toContain('image/png');
    expect(caps.getFeatureInfo?.formats).toContain('application/json');
  });

  it('reads the nested layer tree with inherited CRS and every named layer', () => {
    const caps = parseWmsCapabilities(read('wms130-getcapabilities-dwd-maps.dwd.de.xml'));
    expect(caps.layers).toHaveLength(1);
    expect(caps.layers[0]?.name).toBeNull();
    expect(namedLayers(caps)).toHaveLength(136);
    const warn = findWmsLayer(caps, 'dwd:Autowarn_Analyse');
    expect(warn?.title).toBe('Autowarn_Analyse');
    expect(warn?.abstract).toContain('Autowarn-Polygone für signifikante Wettererscheinungen');
    expect(warn?.queryable).toBe(true);
    // Inherited from the root: the legacy 900913 and the non-EPSG code are listed as written.
    expect(warn?.crs).toEqual(
      expect.arrayContaining(['EPSG:4326', 'EPSG:3857', 'EPSG:900913', 'EPSG:25832']),
    );
  });

  it('turns the EPSG:4326 box of WMS 1.3.0 (latitude first) into lon/lat', () => {
    const caps = parseWmsCapabilities(read('wms130-getcapabilities-dwd-maps.dwd.de.xml'));
    expect(findWmsLayer(caps, 'dwd:Autowarn_Analyse')?.bbox).toEqual([5, 47, 16, 55.3]);
  });

  it('reads the time dimension as an interval with a period and default current', () => {
    const caps = parseWmsCapabilities(read('wms130-getcapabilities-dwd-maps.dwd.de.xml'));
    const time = findWmsLayer(caps, 'dwd:Autowarn_Analyse')?.time;
    expect(time?.current).toBe(true);
    expect(time?.extent.intervals).toEqual([
      {
        startMs: Date.parse('2021-11-29T12:40:00.000Z'),
        endMs: Date.parse('2021-12-13T12:40:00.000Z'),
        period: { months: 0, fixedMs: 300_000 },
      },
    ]);
    const withElevation = namedLayers(caps).find((l) => l.otherDimensions['elevation'] !== undefined);
    expect(withElevation?.otherDimensions['REFERENCE_TIME']).toContain('2021-12-13T06:00:00.000Z');
  });

  it('reads styles with their legend URL', () => {
    const caps = parseWmsCapabilities(read('wms130-getcapabilities-dwd-maps.dwd.de.xml'));
    const style = findWmsLayer(caps, 'dwd:Autowarn_Analyse')?.styles.find(
      (s) => s.name === 'autowarn_analyse_types',
    );
    expect(style?.title).toBe('AutoWARN Polygone');
    expect(style?.legendUrl).toMatch(/^https:\/\/maps\.dwd\.de\/geoserver\/.*GetLegendGraphic/i);
    expect(style?.legendFormat).toBe('image/png');
  });
});

describe('WMS 1.1.1 capabilities', () => {
  const doc = `<?xml version="1.0"?>
<!DOCTYPE WMT_MS_Capabilities SYSTEM "http://schemas.opengis.net/wms/1.1.1/WMS_MS_Capabilities.dtd">
<WMT_MS_Capabilities version="1.1.1"><Service><Name>OGC:WMS</Name><Title>Alt</Title></Service>
<Capability><Request><GetMap><Format>image/png</Format><DCPType><HTTP><Get>
<OnlineResource xmlns:xlink="http://www.w3.org/1999/xlink" xlink:href="http://a.example/wms?"/></Get></HTTP></DCPType></GetMap></Request>
<Layer><Title>Root</Title><SRS>EPSG:4326</SRS>
<Layer queryable="1"><Name>radar</Name><Title>Radar</Title>
<LatLonBoundingBox minx="5" miny="47" maxx="16" maxy="55"/>
<BoundingBox SRS="EPSG:4326" minx="5" miny="47" maxx="16" maxy="55"/>
<Dimension name="time" units="ISO8601"/><Extent name="time" default="2020-01-01">2020-01-01,2020-01-02</Extent>
</Layer></Layer></Capability></WMT_MS_Capabilities>`;

  it('reads SRS, LatLonBoundingBox (lon first) and the time Extent', () => {
    const caps = parseWmsCapabilities(doc);
    expect(caps.version).toBe('1.1.1');
    const radar = findWmsLayer(caps, 'radar');
    expect(radar?.crs).toEqual(['EPSG:4326']);
    expect(radar?.bbox).toEqual([5, 47, 16, 55]);
    expect(radar?.time?.extent.instantsMs).toEqual([Date.parse('2020-01-01'), Date.parse('2020-01-02')]);
    expect(radar?.time?.defaultValue).toBe('2020-01-01');
  });

  it('says plainly when a document is no WMS capabilities', () => {
    expect(() => parseWmsCapabilities('<html><body>Not here</body></html>')).toThrow(/not a WMS/);
    expect(() => parseWmsCapabilities('{"json": true}')).toThrow(/XML/);
  });
});

describeWithFixtures('WMTS 1.0.0 capabilities of Geobasis NRW', () => {
  it('reads the layer, its legend, its formats and both tile matrix sets', () => {
    const caps = parseWmtsCapabilities(read('wmts100-getcapabilities-nrw-landbedeckung.xml'));
    expect(caps.title).toBe('WMTS NW LANDBEDECKUNG');
    expect(caps.provider).toBe('Geobasis NRW');
    expect(caps.fees).toContain('dl-de/by-2-0');
    expect(caps.kvpUrl).toBeNull();
    const layer = caps.layers[0];
    expect(layer?.identifier).toBe('wmts_nw_landbedeckung');
    expect(layer?.bbox).toEqual([5.72499, 50.1506, 9.53154, 52.602]);
    expect(layer?.styles[0]?.legendUrl).toBe(
      'https://www.wmts.nrw.de/legends/geobasis/wmts_nw_landbedeckung/nw_landbedeckung.png',
    );
    expect(caps.tileMatrixSets.map((s) => [s.identifier, s.kind])).toEqual([
      ['EPSG_25832_12', 'other'],
      ['EPSG_3857_12', 'webmercator'],
    ]);
  });

  it('picks the web mercator set with its REST template and zero-padded levels from 5', () => {
    const caps = parseWmtsCapabilities(read('wmts100-getcapabilities-nrw-landbedeckung.xml'));
    const tiling = chooseWmtsTiling(caps, 'wmts_nw_landbedeckung', { tileMatrixSet: 'EPSG_25832_12' });
    expect(tiling.tileMatrixSet).toBe('EPSG_3857_12');
    expect(tiling.url).toBe(
      'https://www.wmts.nrw.de/geobasis/wmts_nw_landbedeckung/tiles/wmts_nw_landbedeckung/{TileMatrixSet}/{TileMatrix}/{TileCol}/{TileRow}.png',
    );
    // The set's matrix "00" has 32 x 32 tiles: web mercator level 5.
    expect(tiling.minimumLevel).toBe(5);
    expect(tiling.tileMatrixLabels[5]).toBe('00');
    expect(tiling.tileMatrixLabels[18]).toBe('13');
    expect(tiling.maximumLevel).toBe(18);
    expect(tiling.legendUrl).toMatch(/nw_landbedeckung\.png$/);
  });

  it('refuses a layer offered only in UTM with a reason naming the set', () => {
    const caps = parseWmtsCapabilities(
      read('wmts100-getcapabilities-nrw-landbedeckung.xml').replace(
        /<TileMatrixSetLink>\s*<TileMatrixSet>EPSG_3857_12<\/TileMatrixSet>\s*<\/TileMatrixSetLink>/,
        '',
      ),
    );
    expect(() => chooseWmtsTiling(caps, 'wmts_nw_landbedeckung')).toThrow(WmtsNotDrawableError);
    expect(() => chooseWmtsTiling(caps, 'wmts_nw_landbedeckung')).toThrow(/EPSG_25832_12 \(EPSG:25832\)/);
  });
});

describeWithFixtures('WFS 2.0 capabilities of the DWD GeoServer', () => {
  // PROVENANCE.md says 53; the file holds 52 <FeatureType> elements.
  it('reads 52 feature types with URN CRS, German titles and the GetFeature formats', () => {
    const caps = parseWfsCapabilities(read('wfs200-getcapabilities-dwd-maps.dwd.de.xml'));
    expect(caps.version).toBe('2.0.0');
    expect(caps.featureTypes).toHaveLength(52);
    expect(caps.getFeatureUrl).toBe('https://maps.dwd.de/geoserver/wfs');
    expect(jsonOutputFormat(caps.outputFormats)).toBe('application/json');
    expect(caps.outputFormats).toContain('application/gml+xml; version=3.2');
    const t2m = caps.featureTypes.find((t) => t.name === 'dwd:RBSN_T2m');
    expect(t2m?.title).toBe('2m Temperatur an RBSN Stationen');
    expect(t2m?.defaultCrs).toBe('urn:ogc:def:crs:EPSG::4258');
    expect(t2m?.bbox?.[0]).toBeCloseTo(6.024398, 5);
    expect(caps.featureTypes.some((t) => t.name === 'dwd:Autowarn_Analyse')).toBe(true);
  });
});

describeWithFixtures('OGC API Features examples of the OGC', () => {
  it('finds the collections by the data rel, preferring JSON, on a draft-era landing page', () => {
    const body: unknown = JSON.parse(read('ogcapi-features-landingpage-ogc-example.json'));
    const page = parseLandingPage(body, 'http://www.acme.com/3.0/wfs?f=application/json');
    expect(page.title).toBe('Some Title for this API');
    expect(page.collectionsUrl).toBe('http://www.acme.com/3.0/wfs/collections?f=application/json');
  });

  it('reads the collections with their extent and GeoJSON items link', () => {
    const body: unknown = JSON.parse(read('ogcapi-features-collections-ogc-example.json'));
    const collections = parseCollections(body, 'http://www.acme.com/3.0/wfs/collections');
    const first = collections[0];
    expect(first?.id).toBe('aerofacp_1m');
    expect(first?.title).toBe('Airport Facilities Points');
    expect(first?.bbox?.[0]).toBeCloseTo(-179.878326, 5);
    expect(first?.itemsUrl).toBe(
      'http://www.acme.com/3.0/wfs/collections/aerofacp_1m/items?f=application%2Fgeo%2Bjson',
    );
    expect(collections.length).toBeGreaterThan(1);
  });
});

describe('OGC API items pages', () => {
  it('resolves a relative next link against the page URL', () => {
    const page = { links: [{ rel: 'next', href: 'items?offset=10', type: 'application/geo+json' }] };
    expect(nextItemsUrl(page, 'http://127.0.0.1:9/ogc/collections/a/items?limit=10')).toBe(
      'http://127.0.0.1:9/ogc/collections/a/items?offset=10',
    );
    expect(nextItemsUrl({ links: [] }, 'http://x/')).toBeNull();
  });

  it('falls back to /collections beside a landing page without a data link', () => {
    expect(parseLandingPage({ links: [] }, 'http://h/ogc/?f=json').collectionsUrl).toBe(
      'http://h/ogc/collections',
    );
  });
});
