/**
 * Adding a layer by URL, with a fetch that serves the real capabilities documents (no network): the
 * DWD WMS, the NRW WMTS (its web mercator set chosen), a made-up OGC API, and the failures a user
 * meets: a wrong URL, a server that cannot be reached, a page that is no service.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixture } from '../../../scripts/fixtures/fixturesDir.ts';
import { describeWithFixtures } from '../../../scripts/fixtures/withFixtures.ts';
import type { FetchLike } from '../api/cityApi.ts';
import {
  AddLayerError,
  detectServiceKind,
  entryForLayer,
  filterLayers,
  newEntryId,
  readService,
} from './addLayer.ts';

/** Serves `documents` by URL prefix; anything else fails like an unreachable host. */
function serving(documents: Record<string, string>, contentType = 'text/xml'): FetchLike {
  return (input) => {
    const match = Object.keys(documents).find((prefix) => input.startsWith(prefix));
    if (match === undefined) return Promise.reject(new TypeError('Failed to fetch'));
    return Promise.resolve(new Response(documents[match], { headers: { 'content-type': contentType } }));
  };
}

const reason = async (promise: Promise<unknown>): Promise<string> => {
  try {
    await promise;
    return 'none';
  } catch (error) {
    return error instanceof AddLayerError ? error.reason : `other: ${String(error)}`;
  }
};

describeWithFixtures('adding a layer of a real service', () => {
  it('lists the DWD WMS layers and makes a time-bound, queryable WMS entry of one', async () => {
    const caps = readFileSync(fixture('ogc/wms130-getcapabilities-dwd-maps.dwd.de.xml'), 'utf8');
    const fetchFn = serving({ 'https://maps.dwd.de/geoserver/ows': caps });
    const offer = await readService('https://maps.dwd.de/geoserver/ows?SERVICE=WMS', 'auto', fetchFn);
    expect(offer.kind).toBe('wms');
    expect(offer.layers).toHaveLength(136);
    const [warn] = filterLayers(offer.layers, 'autowarn analyse');
    expect(warn?.id).toBe('dwd:Autowarn_Analyse');
    const entry = entryForLayer(offer, 'dwd:Autowarn_Analyse', new Set());
    expect(entry).toMatchObject({
      type: 'wms',
      id: 'added-wms-dwd:Autowarn_Analyse',
      title: { de: 'Autowarn_Analyse' },
      layers: 'dwd:Autowarn_Analyse',
      version: '1.3.0',
      format: 'image/png',
      featureInfo: true,
      time: true,
      source: 'DWD GeoServer WMS',
      licence: 'http://www.dwd.de/DE/service/copyright/copyright_node.html',
    });
    expect(entry.type === 'wms' && entry.url).toBe('https://maps.dwd.de/geoserver/ows');
  });

  it('makes a WMTS entry in the web mercator set of the NRW service', async () => {
    const caps = readFileSync(fixture('ogc/wmts100-getcapabilities-nrw-landbedeckung.xml'), 'utf8');
    const url = 'https://www.wmts.nrw.de/geobasis/wmts_nw_landbedeckung/1.0.0/WMTSCapabilities.xml';
    const offer = await readService(url, 'auto', serving({ [url]: caps }));
    expect(offer.kind).toBe('wmts');
    expect(offer.layers.map((l) => [l.id, l.notDrawable])).toEqual([['wmts_nw_landbedeckung', null]]);
    const entry = entryForLayer(offer, 'wmts_nw_landbedeckung');
    expect(entry).toMatchObject({ type: 'wmts', url, tileMatrixSet: 'EPSG_3857_12', style: 'default' });
    expect(entry.licence).toMatch(
      /^Die Daten der Landbedeckung können unter der Datenlizenz Deutschland.*…$/,
    );
  });
});

describe('adding a layer by URL', () => {
  it('recognises the kind a URL names', () => {
    expect(detectServiceKind('https://x.de/geoserver/ows?service=WMS&request=GetCapabilities')).toBe('wms');
    expect(detectServiceKind('https://x.de/wmts/1.0.0/WMTSCapabilities.xml')).toBe('wmts');
    expect(detectServiceKind('https://x.de/ogcapi/collections')).toBe('ogcapi-features');
    expect(detectServiceKind('https://x.de/dienst')).toBeNull();
  });

  it('tries each kind for a URL that names none, and lists OGC API collections', async () => {
    const body = JSON.stringify({
      collections: [
        {
          id: 'baeume',
          title: 'Bäume',
          links: [{ rel: 'items', href: 'baeume/items', type: 'application/geo+json' }],
        },
      ],
    });
    const fetchFn: FetchLike = (input) =>
      Promise.resolve(
        input.includes('/collections')
          ? new Response(body, { headers: { 'content-type': 'application/json' } })
          : input.includes('f=json')
            ? new Response(JSON.stringify({ links: [] }))
            : new Response('<html>Startseite</html>', { headers: { 'content-type': 'text/html' } }),
      );
    const offer = await readService('https://geo.example/dienst', 'auto', fetchFn);
    expect(offer.kind).toBe('ogcapi-features');
    expect(entryForLayer(offer, 'baeume')).toMatchObject({
      type: 'ogcapi-features',
      url: 'https://geo.example/dienst',
      collection: 'baeume',
      title: { de: 'Bäume', en: 'Bäume' },
    });
  });

  it('says why it failed: a wrong URL, an unreachable server, a page that is no service', async () => {
    expect(await reason(readService('maps.example/wms', 'auto', serving({})))).toBe('invalid-url');
    expect(await reason(readService('ftp://maps.example/wms', 'auto', serving({})))).toBe('invalid-url');
    expect(await reason(readService('https://down.example/wms', 'wms', serving({})))).toBe('unreachable');
    const html = serving({ 'https://www.example/': '<html><body>Willkommen</body></html>' });
    expect(await reason(readService('https://www.example/karte', 'wms', html))).toBe('not-service');
    const status: FetchLike = () => Promise.resolve(new Response('no', { status: 404 }));
    expect(await reason(readService('https://www.example/wms', 'wms', status))).toBe('http');
  });

  it('gives a new id when the first is taken', () => {
    expect(newEntryId('wms', 'a b', new Set(['added-wms-a-b']))).toBe('added-wms-a-b-2');
  });
});
