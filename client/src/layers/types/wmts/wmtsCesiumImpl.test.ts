/**
 * The WMTS binding with the real Cesium provider in a mock viewer: from the NRW capabilities it
 * draws the web mercator set with its REST template, zero-padded level names from level 5 and the
 * layer's area; a layer offered only in UTM fails with the reason. The test does not import cesium.
 */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { LayerEntrySchema, type LayerEntryOf } from '../../../../../protocol/index.ts';
import { fixture } from '../../../../../scripts/fixtures/fixturesDir.ts';
import { describeWithFixtures } from '../../../../../scripts/fixtures/withFixtures.ts';
import type { FetchLike } from '../../../api/cityApi.ts';
import type { CesiumLayerContext } from '../../../viewer/layerContext.ts';
import { createWmtsCesiumImpl } from './wmtsCesiumImpl.ts';

interface ProviderLike {
  readonly url: string;
  readonly minimumLevel: number;
  readonly maximumLevel: number;
  readonly _tilematrixset: string;
  readonly tilingScheme: {
    readonly projection: { readonly ellipsoid: unknown };
    readonly constructor: { name: string };
  };
  readonly _tileMatrixLabels: readonly string[];
}

function setup(document: string) {
  const layers: { imageryProvider: ProviderLike }[] = [];
  const fetchFn: FetchLike = () => Promise.resolve(new Response(document));
  const context = {
    viewer: { imageryLayers: { add: (layer: { imageryProvider: ProviderLike }) => void layers.push(layer) } },
    fetchFn,
    requestRender: () => undefined,
  } as unknown as CesiumLayerContext;
  return { context, layers };
}

const entry = (url: string): LayerEntryOf<'wmts'> =>
  LayerEntrySchema.parse({
    id: 'landbedeckung',
    type: 'wmts',
    title: { de: 'Landbedeckung', en: 'Land cover' },
    url,
    layer: 'wmts_nw_landbedeckung',
    tileMatrixSet: 'EPSG_25832_12',
  }) as LayerEntryOf<'wmts'>;

describeWithFixtures('createWmtsCesiumImpl', () => {
  const read = () => readFileSync(fixture('ogc/wmts100-getcapabilities-nrw-landbedeckung.xml'), 'utf8');

  it('draws the NRW layer in its web mercator set from level 5', async () => {
    const t = setup(read());
    await createWmtsCesiumImpl(t.context, entry('https://nrw.example/a/WMTSCapabilities.xml')).load();
    const provider = t.layers[0]?.imageryProvider;
    expect(provider?.url).toContain('{TileMatrixSet}/{TileMatrix}/{TileCol}/{TileRow}.png');
    expect(provider?._tilematrixset).toBe('EPSG_3857_12');
    expect(provider?.minimumLevel).toBe(5);
    expect(provider?.maximumLevel).toBe(18);
    expect(provider?._tileMatrixLabels[5]).toBe('00');
    expect(provider?.tilingScheme.constructor.name).toBe('WebMercatorTilingScheme');
  });

  it('fails with a reason a user can read when only UTM tiles are offered', async () => {
    const utmOnly = read().replace(
      /<TileMatrixSetLink>\s*<TileMatrixSet>EPSG_3857_12<\/TileMatrixSet>\s*<\/TileMatrixSetLink>/,
      '',
    );
    const t = setup(utmOnly);
    await expect(
      createWmtsCesiumImpl(t.context, entry('https://nrw.example/b/WMTSCapabilities.xml')).load(),
    ).rejects.toThrow(/cannot draw: EPSG_25832_12 \(EPSG:25832\)/);
    expect(t.layers).toHaveLength(0);
  });
});
