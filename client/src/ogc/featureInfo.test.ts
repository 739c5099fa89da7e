/** GetFeatureInfo answers in each format a WMS writes, the real MapServer msGMLOutput first. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixture } from '../../../scripts/fixtures/fixturesDir.ts';
import { itWithFixtures } from '../../../scripts/fixtures/withFixtures.ts';
import { chooseFeatureInfoFormat, parseFeatureInfo } from './featureInfo.ts';

describe('parseFeatureInfo', () => {
  itWithFixtures(
    'reads MapServer msGMLOutput: the layer title from gml:name, three features, no boundedBy',
    () => {
      const body = readFileSync(fixture('ogc/wms-getfeatureinfo-mapserver-msgml-ifremer.xml'), 'utf8');
      const [layer, ...rest] = parseFeatureInfo(body, 'application/vnd.ogc.gml', 'fallback');
      expect(rest).toHaveLength(0);
      expect(layer?.layerTitle).toBe('ADCP de coque 2001');
      expect(layer?.features).toHaveLength(3);
      const first = layer?.features[0];
      expect(first?.properties[0]).toEqual(['FID', '1071']);
      expect(first?.properties.map(([name]) => name)).not.toContain('boundedBy');
      const link = first?.properties.find(([name]) => name === 'NAUTILUS_CAMPAGNE')?.[1];
      expect(link).toBe(
        'http://www.ifremer.fr/sismerData/jsp/visualisationMetadata2.jsp?strPortail=ifremer&langue=FR&pageOrigine=CAM&cle1=FI352001020050',
      );
    },
  );

  it('reads GeoJSON, grouping GeoServer ids by layer and naming features by a name property', () => {
    const body = JSON.stringify({
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          id: 'dwd:Warnungen.1',
          properties: { name: 'Böblingen', stufe: 2, extra: { a: 1 } },
          geometry: null,
        },
      ],
    });
    expect(parseFeatureInfo(body, 'application/json;charset=UTF-8', 'x')).toEqual([
      {
        layerTitle: 'dwd:Warnungen',
        features: [
          {
            title: 'Böblingen',
            properties: [
              ['name', 'Böblingen'],
              ['stufe', '2'],
              ['extra', '{"a":1}'],
            ],
          },
        ],
      },
    ]);
  });

  it('leaves out the fields a feature has no value for', () => {
    const body = JSON.stringify({
      type: 'FeatureCollection',
      features: [{ type: 'Feature', properties: { name: 'Stadtgarten', Straße: null, Nummer: '', nr: 0 } }],
    });
    const [layer] = parseFeatureInfo(body, 'application/json', 'Flächen');
    expect(layer?.features[0]?.properties).toEqual([
      ['name', 'Stadtgarten'],
      ['nr', '0'],
    ]);
  });

  it('reads GML 3 feature collections (GeoServer) by feature type', () => {
    const body = `<wfs:FeatureCollection xmlns:wfs="http://www.opengis.net/wfs" xmlns:gml="http://www.opengis.net/gml" xmlns:ct="urn:ct">
      <gml:featureMember><ct:gebaeude gml:id="g.1"><ct:bezeichnung>Rathaus</ct:bezeichnung><ct:höhe>21</ct:höhe></ct:gebaeude></gml:featureMember>
    </wfs:FeatureCollection>`;
    expect(parseFeatureInfo(body, 'text/xml', 'x')).toEqual([
      {
        layerTitle: 'gebaeude',
        features: [
          {
            title: 'Rathaus',
            properties: [
              ['bezeichnung', 'Rathaus'],
              ['höhe', '21'],
            ],
          },
        ],
      },
    ]);
  });

  it('reads MapServer plain text', () => {
    const body =
      "GetFeatureInfo results:\n\nLayer 'flaechen'\n  Feature 3: \n    name = 'Stadtpark'\n    Fläche = '1200'\n";
    expect(parseFeatureInfo(body, 'text/plain', 'x')).toEqual([
      {
        layerTitle: 'flaechen',
        features: [
          {
            title: 'Stadtpark',
            properties: [
              ['name', 'Stadtpark'],
              ['Fläche', '1200'],
            ],
          },
        ],
      },
    ]);
  });

  it('reads GeoServer plain text with features split by dashes', () => {
    const body =
      "Results for FeatureType 'topp:states':\n--------------------------------------------\nSTATE_NAME = Illinois\n--------------------------------------------\nSTATE_NAME = Indiana\n--------------------------------------------\n";
    const [layer] = parseFeatureInfo(body, 'text/plain', 'x');
    expect(layer?.layerTitle).toBe('topp:states');
    expect(layer?.features.map((f) => f.properties)).toEqual([
      [['STATE_NAME', 'Illinois']],
      [['STATE_NAME', 'Indiana']],
    ]);
  });

  it('gives nothing for an empty answer and a readable error for an exception', () => {
    expect(
      parseFeatureInfo(
        '<msGMLOutput xmlns:gml="http://www.opengis.net/gml"></msGMLOutput>',
        'application/vnd.ogc.gml',
        'x',
      ),
    ).toEqual([]);
    expect(() =>
      parseFeatureInfo(
        '<ServiceExceptionReport><ServiceException>LayerNotQueryable</ServiceException></ServiceExceptionReport>',
        'text/xml',
        'x',
      ),
    ).toThrow(/LayerNotQueryable/);
  });
});

describe('chooseFeatureInfoFormat', () => {
  it('prefers JSON, then GML, and falls back to GML when nothing is listed', () => {
    expect(chooseFeatureInfoFormat(['text/html', 'text/plain', 'application/json'])).toBe('application/json');
    expect(chooseFeatureInfoFormat(['text/html', 'application/vnd.ogc.gml', 'text/plain'])).toBe(
      'application/vnd.ogc.gml',
    );
    expect(chooseFeatureInfoFormat([])).toBe('application/vnd.ogc.gml');
  });
});
