/**
 * The WMS binding with the real Cesium imagery provider and layer in a mock viewer without WebGL: a
 * layer bound to the timeline asks for the map's time snapped to the service's hourly steps, draws
 * new images once per settled change (not per timeline tick), and keeps the old imagery until the
 * globe has loaded the new tiles. The test does not import cesium; it reads the parts structurally.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LayerEntrySchema, type CityInfo, type LayerEntryOf } from '../../../../../protocol/index.ts';
import type { FetchLike } from '../../../api/cityApi.ts';
import type { CesiumLayerContext } from '../../../viewer/layerContext.ts';
import { TIME_SETTLE_MS } from './wmsTime.ts';
import { createWmsCesiumImpl } from './wmsCesiumImpl.ts';

const CAPABILITIES = `<?xml version="1.0"?>
<WMS_Capabilities version="1.3.0" xmlns="http://www.opengis.net/wms"><Service><Title>Radar</Title></Service>
<Capability><Request/><Layer><Title>root</Title><CRS>EPSG:4326</CRS>
<Layer queryable="1"><Name>niederschlag</Name><Title>Niederschlag</Title>
<Dimension name="time" units="ISO8601" default="current">2026-05-01T00:00:00Z/2026-05-02T00:00:00Z/PT1H</Dimension>
</Layer></Layer></Capability></WMS_Capabilities>`;

interface LayerLike {
  readonly show: boolean;
  readonly imageryProvider: { readonly _tileProvider: { readonly url: string } };
}

function timeOf(layer: LayerLike | undefined): string | null {
  // Cesium keeps the GetMap template of its WMS provider in the URL template provider inside it.
  const url = layer?.imageryProvider._tileProvider.url;
  return url ? new URL(url.replace(/[{}]/g, '')).searchParams.get('time') : null;
}

function setup() {
  const layers: LayerLike[] = [];
  const progress = new Set<(queued: number) => void>();
  const viewer = {
    imageryLayers: {
      add: (layer: LayerLike, index?: number) => void layers.splice(index ?? layers.length, 0, layer),
      remove: (layer: LayerLike) => {
        const i = layers.indexOf(layer);
        if (i >= 0) layers.splice(i, 1);
        return i >= 0;
      },
      indexOf: (layer: LayerLike) => layers.indexOf(layer),
      contains: (layer: LayerLike) => layers.includes(layer),
    },
    scene: {
      globe: {
        tileLoadProgressEvent: {
          addEventListener: (listener: (queued: number) => void) => {
            progress.add(listener);
            return () => progress.delete(listener);
          },
        },
      },
    },
  } as unknown as CesiumLayerContext['viewer'];
  let nowMs = Date.parse('2026-05-01T08:20:00Z');
  const timeListeners = new Set<() => void>();
  const fetched: string[] = [];
  const fetchFn: FetchLike = (input) => {
    fetched.push(input);
    return Promise.resolve(new Response(CAPABILITIES, { headers: { 'content-type': 'text/xml' } }));
  };
  const context = {
    viewer,
    info: { city: { id: 'demo', centre: [9, 48.68] } } as unknown as CityInfo,
    fetchFn,
    requestRender: () => undefined,
    mapTime: {
      nowMs: () => nowMs,
      subscribe: (listener: () => void) => {
        timeListeners.add(listener);
        return () => timeListeners.delete(listener);
      },
    },
  } as unknown as CesiumLayerContext;
  return {
    context,
    layers,
    fetched,
    listeners: timeListeners,
    /** The timeline moves to `iso`; the map tells its layers. */
    moveTo(iso: string) {
      nowMs = Date.parse(iso);
      for (const listener of timeListeners) listener();
    },
    /** The globe reports how many tiles are still queued. */
    tilesQueued(count: number) {
      for (const listener of [...progress]) listener(count);
    },
  };
}

const entry = (time: boolean): LayerEntryOf<'wms'> =>
  LayerEntrySchema.parse({
    id: 'radar',
    type: 'wms',
    title: { de: 'Radar', en: 'Radar' },
    url: 'https://wms.example/radar',
    layers: 'niederschlag',
    time,
  }) as LayerEntryOf<'wms'>;

describe('createWmsCesiumImpl', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('asks for TIME snapped to the service step and follows the timeline once it settles', async () => {
    const t = setup();
    const impl = createWmsCesiumImpl(t.context, entry(true));
    await impl.load();
    impl.setVisible(true);
    expect(t.fetched[0]).toContain('REQUEST=GetCapabilities');
    expect(t.layers.map(timeOf)).toEqual(['2026-05-01T08:00:00.000Z']);

    // A scrub through the afternoon: many moves, one new image set at the end.
    for (const minute of ['10', '20', '30', '40', '50']) t.moveTo(`2026-05-01T14:${minute}:00Z`);
    expect(t.layers).toHaveLength(1);
    vi.advanceTimersByTime(TIME_SETTLE_MS);
    expect(t.layers.map(timeOf)).toEqual(['2026-05-01T08:00:00.000Z', '2026-05-01T14:00:00.000Z']);
    expect(t.layers[1]?.show).toBe(true);

    // The old images go once the new tiles are in.
    t.tilesQueued(3);
    expect(t.layers).toHaveLength(2);
    t.tilesQueued(0);
    expect(t.layers.map(timeOf)).toEqual(['2026-05-01T14:00:00.000Z']);

    // A move within the same hour asks nothing new.
    t.moveTo('2026-05-01T14:59:00Z');
    vi.advanceTimersByTime(TIME_SETTLE_MS);
    expect(t.layers).toHaveLength(1);

    impl.destroy();
    expect(t.layers).toHaveLength(0);
    expect(t.listeners.size).toBe(0);
  });

  it('asks for no TIME and reads no capabilities for a layer not bound to the timeline', async () => {
    const t = setup();
    const impl = createWmsCesiumImpl(t.context, entry(false));
    await impl.load();
    expect(t.fetched).toEqual([]);
    expect(t.layers.map(timeOf)).toEqual([null]);
    expect(t.listeners.size).toBe(0);
  });
});
