/**
 * The OGC client against a real MapServer 8 (server/src/testing/mapServer.ts): capabilities, map
 * images, feature info, legends, WFS 2.0 pages in GeoJSON and GML, and OGC API Features with bbox and
 * next links, all through the same functions the viewer uses, with node's fetch.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AREA_FILL_RGB,
  AREAS_CENTRE_LON_LAT,
  POINT_COUNT,
  TIMED_HOURS,
  mapServerAvailable,
  startMapServer,
  type MapServerHandle,
} from '../../../server/src/testing/mapServer.ts';
import { countColour, decodePng } from '../../../server/src/testing/pngPixels.ts';
import type { FetchLike } from '../api/cityApi.ts';
import { loadOgcApiFeatures, ogcItemsUrl } from '../layers/types/ogcapi-features/ogcApiPages.ts';
import { loadWfsFeatures, resolveWfsSource } from '../layers/types/wfs/wfsPages.ts';
import {
  fetchOgcCollections,
  fetchOgcLandingPage,
  fetchWfsCapabilities,
  fetchWmsCapabilities,
} from './ogcRequests.ts';
import { legendImageUrlOf } from '../layers/types/legendImage.ts';
import { LayerEntrySchema } from '../../../protocol/index.ts';
import { featureInfoAt, queryableEntries } from './featureInfoAt.ts';
import { wmsTimeFor } from './timeDimension.ts';
import { findWmsLayer } from './wmsCapabilities.ts';
import { requestWmsFeatureInfo, wmsGetMapUrl, wmsLegendUrl } from './wmsRequests.ts';

const available = mapServerAvailable();
const BOX: readonly [number, number, number, number] = [8.9, 48.6, 9.1, 48.76];

describe.skipIf(!available)('OGC services of a real MapServer', () => {
  let server: MapServerHandle;
  const fetched: string[] = [];
  const fetchFn: FetchLike = (input, init) => {
    fetched.push(input);
    return fetch(input, init);
  };
  const wms = () => ({
    url: `${server.url}/`,
    layers: 'flaechen',
    version: '1.3.0' as const,
    format: 'image/png',
    title: { de: 'Flächen', en: 'Areas' },
  });

  beforeAll(async () => {
    server = await startMapServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('reads the WMS capabilities: layers, titles with umlauts, request URLs at its own origin', async () => {
    const caps = await fetchWmsCapabilities(`${server.url}/`, fetchFn);
    expect(caps.version).toBe('1.3.0');
    expect(caps.title).toBe('citytwin Test-MapServer Böblingen');
    expect(caps.accessConstraints).toBe('Nur für Tests');
    expect(caps.getMap?.url.startsWith(server.url)).toBe(true);
    const layer = findWmsLayer(caps, 'flaechen');
    expect(layer?.title).toBe('Flächen');
    expect(layer?.queryable).toBe(true);
    expect(layer?.crs).toContain('EPSG:3857');
    expect(layer?.bbox?.[0]).toBeCloseTo(8.9, 6);
    expect(layer?.bbox?.[1]).toBeCloseTo(48.6, 6);
    expect(layer?.styles[0]?.legendUrl).toContain('GetLegendGraphic');
    expect(caps.getFeatureInfo?.formats).toContain('application/vnd.ogc.gml');
  });

  it('draws the areas in their colour in a GetMap image (WMS 1.3.0 axis order)', async () => {
    const [lon, lat] = AREAS_CENTRE_LON_LAT;
    const url = wmsGetMapUrl(wms(), [lon - 0.01, lat - 0.01, lon + 0.01, lat + 0.01], 64, 64);
    const response = await fetchFn(url);
    expect(response.headers.get('content-type')).toBe('image/png');
    const png = decodePng(new Uint8Array(await response.arrayBuffer()));
    expect(png.width).toBe(64);
    const filled = countColour(png, AREA_FILL_RGB);
    // The Stadtgarten square covers ~0.8 x 0.8 of the box's half side: hundreds of pixels, not all.
    expect(filled).toBeGreaterThan(300);
    expect(filled).toBeLessThan(64 * 64);
  });

  it('draws the timed layer at the hour of the timeline, snapped to the service step', async () => {
    const caps = await fetchWmsCapabilities(`${server.url}/`, fetchFn);
    const time = findWmsLayer(caps, 'messungen')?.time;
    expect(time?.defaultValue).toBe(`2026-05-01T${TIMED_HOURS[0]}:00:00Z`);
    const [lon, lat] = AREAS_CENTRE_LON_LAT;
    const entry = { ...wms(), layers: 'messungen' };
    /** Filled pixels in the west and east half of a map of both timed areas. */
    const halves = async (timelineIso: string): Promise<[number, number]> => {
      const timeParam = wmsTimeFor(Date.parse(timelineIso), time?.extent ?? null);
      const box = [lon - 0.02, lat - 0.03, lon + 0.02, lat - 0.01] as const;
      const response = await fetchFn(wmsGetMapUrl(entry, box, 128, 64, { TIME: timeParam }));
      const png = decodePng(new Uint8Array(await response.arrayBuffer()));
      const west = { ...png, width: 64, rgba: new Uint8Array(64 * 64 * 4) };
      const east = { ...png, width: 64, rgba: new Uint8Array(64 * 64 * 4) };
      for (let y = 0; y < 64; y += 1) {
        west.rgba.set(png.rgba.subarray(y * 512, y * 512 + 256), y * 256);
        east.rgba.set(png.rgba.subarray(y * 512 + 256, y * 512 + 512), y * 256);
      }
      return [countColour(west, AREA_FILL_RGB), countColour(east, AREA_FILL_RGB)];
    };
    const [morningWest, morningEast] = await halves('2026-05-01T08:20:00Z');
    expect(morningWest).toBeGreaterThan(100);
    expect(morningEast).toBe(0);
    const [afternoonWest, afternoonEast] = await halves('2026-05-01T14:37:00Z');
    expect(afternoonWest).toBe(0);
    expect(afternoonEast).toBeGreaterThan(100);
  });

  it('answers a click on the park with its attributes, umlauts intact', async () => {
    const caps = await fetchWmsCapabilities(`${server.url}/`, fetchFn);
    const results = await requestWmsFeatureInfo(wms(), AREAS_CENTRE_LON_LAT, 2, fetchFn, {
      offeredFormats: caps.getFeatureInfo?.formats ?? [],
    });
    expect(results).toHaveLength(1);
    expect(results[0]?.layerTitle).toBe('Flächen');
    const feature = results[0]?.features[0];
    expect(feature?.title).toBe('Stadtgarten');
    expect(feature?.properties).toEqual(
      expect.arrayContaining([
        ['Nutzung', 'Grünfläche'],
        ['Eigentümer', 'Stadt Böblingen'],
        ['Fläche_m2', '41000'],
      ]),
    );
  });

  it('finds nothing where no area is', async () => {
    const [lon, lat] = AREAS_CENTRE_LON_LAT;
    expect(await requestWmsFeatureInfo(wms(), [lon + 0.05, lat + 0.05], 2, fetchFn)).toEqual([]);
  });

  it('serves the legend image GetLegendGraphic names', async () => {
    const response = await fetchFn(wmsLegendUrl(wms()));
    expect(response.headers.get('content-type')).toBe('image/png');
    const png = decodePng(new Uint8Array(await response.arrayBuffer()));
    expect(countColour(png, AREA_FILL_RGB)).toBeGreaterThan(10);
  });

  it('asks every visible WMS layer on a click and names the one whose service is down', async () => {
    const entries = [
      LayerEntrySchema.parse({
        id: 'flaechen',
        type: 'wms',
        title: { de: 'Grün- und Freiflächen', en: 'Green spaces' },
        url: `${server.url}/`,
        layers: 'flaechen',
      }),
      LayerEntrySchema.parse({
        id: 'weg',
        type: 'wms',
        title: { de: 'Weg', en: 'Gone' },
        url: 'http://127.0.0.1:9/wms',
        layers: 'x',
      }),
      LayerEntrySchema.parse({
        id: 'aus',
        type: 'wms',
        title: { de: 'Aus', en: 'Off' },
        url: `${server.url}/`,
        layers: 'punkte',
      }),
    ];
    const asked = queryableEntries(entries, (id) => id !== 'aus');
    expect(asked.map((e) => e.id)).toEqual(['flaechen', 'weg']);
    const answer = await featureInfoAt(asked, AREAS_CENTRE_LON_LAT, 2, {
      fetchFn,
      language: 'de',
      mapTimeMs: Date.now(),
    });
    expect(answer.failed).toEqual(['Weg']);
    // Headed by the catalogue's title, as the layer list shows it; the service's own name beside it.
    expect(
      answer.results.map((r) => [r.layerId, r.layerTitle, r.serviceTitle, r.features[0]?.title]),
    ).toEqual([['flaechen', 'Grün- und Freiflächen', 'Flächen', 'Stadtgarten']]);
  });

  it('gives the layer panel a legend image URL that MapServer answers with a PNG', async () => {
    const entry = LayerEntrySchema.parse({
      id: 'f',
      type: 'wms',
      title: { de: 'F', en: 'F' },
      url: `${server.url}/`,
      layers: 'flaechen',
    });
    const url = legendImageUrlOf(entry);
    // The capabilities were read by the click before: their LegendURL (a GetLegendGraphic) is used.
    expect(url).toMatch(/request=GetLegendGraphic/i);
    const response = await fetchFn(url ?? '');
    expect(response.headers.get('content-type')).toBe('image/png');
  });

  it('reads the WFS 2.0 capabilities and chooses GeoJSON', async () => {
    const caps = await fetchWfsCapabilities(`${server.url}/`, fetchFn);
    expect(caps.featureTypes.map((t) => t.name)).toEqual([
      'ms:flaechen',
      'ms:punkte',
      'ms:messungen',
      'ms:linien',
    ]);
    expect(caps.featureTypes.find((t) => t.name === 'ms:punkte')?.title).toBe('Brunnen');
    const source = await resolveWfsSource(
      { url: `${server.url}/`, typeName: 'punkte', pageSize: 5, maxFeatures: 10 },
      fetchFn,
    );
    expect(source.jsonFormat).not.toBeNull();
  });

  it('pages through the points in GeoJSON: two pages of five and three', async () => {
    fetched.length = 0;
    const entry = { url: `${server.url}/`, typeName: 'punkte', pageSize: 5, maxFeatures: 100 };
    const features = await loadWfsFeatures(entry, BOX, fetchFn, new AbortController().signal);
    expect(features).toHaveLength(POINT_COUNT);
    expect(new Set(features.map((f) => f.properties['name'])).size).toBe(POINT_COUNT);
    expect(features.find((f) => f.properties['name'] === 'Brunnen 2')?.properties['Straße']).toBe(
      'Poststraße',
    );
    const pages = fetched.filter((u) => /GetFeature/i.test(u) && !/GetCapabilities/.test(u));
    expect(pages.map((u) => new URL(u).searchParams.get('STARTINDEX'))).toEqual(['0', '5']);
    const point = features[0]?.geometry;
    expect(point?.type).toBe('Point');
    // lon first: Böblingen is at 9° E, 48.7° N.
    expect(point?.type === 'Point' && point.coordinates[0]).toBeCloseTo(8.98, 3);
  });

  it('reads the same points from GML 3.2 in lon/lat when GeoJSON is not offered', async () => {
    const entry = { url: `${server.url}/`, typeName: 'punkte', pageSize: 5, maxFeatures: 100 };
    const source = {
      getFeatureUrl: `${server.url}/`,
      jsonFormat: null,
      gmlFormat: 'application/gml+xml; version=3.2',
    };
    const features = await loadWfsFeatures(entry, BOX, fetchFn, new AbortController().signal, source);
    expect(features).toHaveLength(POINT_COUNT);
    const first = features.find((f) => f.properties['name'] === 'Brunnen 1')?.geometry;
    expect(first?.type === 'Point' && [...first.coordinates]).toEqual([8.98, 48.69]);
    const areas = await loadWfsFeatures(
      { ...entry, typeName: 'flaechen' },
      BOX,
      fetchFn,
      new AbortController().signal,
      source,
    );
    expect(areas.map((a) => a.properties['Nutzung'])).toContain('Grünfläche');
    expect(areas[0]?.geometry.type).toMatch(/Polygon/);
  });

  it('stops at maxFeatures', async () => {
    const entry = { url: `${server.url}/`, typeName: 'punkte', pageSize: 5, maxFeatures: 6 };
    expect(await loadWfsFeatures(entry, BOX, fetchFn, new AbortController().signal)).toHaveLength(6);
  });

  it('finds the OGC API collections from the landing page', async () => {
    const landing = await fetchOgcLandingPage(`${server.url}/ogcapi`, fetchFn);
    expect(landing.collectionsUrl.startsWith(`${server.url}/ogcapi/collections`)).toBe(true);
    const collections = await fetchOgcCollections(`${server.url}/ogcapi`, fetchFn);
    const punkte = collections.find((c) => c.id === 'punkte');
    expect(punkte?.title).toBe('Brunnen');
    expect(punkte?.bbox).toEqual([8.9, 48.6, 9.1, 48.76]);
    expect(punkte?.itemsUrl).toContain('/ogcapi/collections/punkte/items');
  });

  it('pages OGC API items by next links inside a bbox', async () => {
    fetched.length = 0;
    const entry = { url: `${server.url}/ogcapi`, collection: 'punkte', pageSize: 3, maxFeatures: 100 };
    const features = await loadOgcApiFeatures(entry, BOX, fetchFn, new AbortController().signal);
    expect(features).toHaveLength(POINT_COUNT);
    expect(fetched.length).toBeGreaterThanOrEqual(3);
    expect(fetched[0]).toBe(ogcItemsUrl(entry, 3, BOX));
    // A bbox east of the points holds only the ones there.
    const east = await loadOgcApiFeatures(
      entry,
      [9.0, 48.6, 9.1, 48.76],
      fetchFn,
      new AbortController().signal,
    );
    expect(east.map((f) => f.properties['name']).sort()).toEqual([
      'Brunnen 5',
      'Brunnen 6',
      'Brunnen 7',
      'Brunnen 8',
    ]);
  });
});
