/**
 * The traffic binding with the real Cesium parts it creates (PolylineCollection, Polyline, Material)
 * in a mock scene without WebGL: it draws the sensor's road and restyles it on live updates. The test
 * itself does not import cesium (STYLE.md convention 1); it reads the parts structurally.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PROTOCOL_VERSION, type CityInfo } from '../../../../../../protocol/index.ts';
import type { FetchLike } from '../../../../api/cityApi.ts';
import { createI18nStore } from '../../../../i18n/i18nStore.ts';
import { LiveStore } from '../../../../live/liveStore.ts';
import { createSensorIndex } from '../../../../sensors/sensorIndex.ts';
import { reading, sensor } from '../../../../testing/fixtures.ts';
import { cesiumColor } from '../../../../viewer/cesiumColor.ts';
import { FeatureColorRegistry } from '../../../../viewer/featureColorRegistry.ts';
import type { CesiumLayerContext } from '../../../../viewer/layerContext.ts';
import { LiveFrames } from '../../../../viewer/liveFrames.ts';
import { PALETTE } from '../../../palette.ts';
import { sensorIdFromPickId } from '../../../pickTag.ts';
import { createTrafficCesiumImpl } from './trafficCesiumImpl.ts';

const roads = {
  type: 'FeatureCollection',
  features: [
    {
      type: 'Feature',
      id: 'r0001',
      properties: { id: 'r0001', speedLimitKmh: 50 },
      geometry: {
        type: 'LineString',
        coordinates: [
          [9.0, 48.68],
          [9.005, 48.681],
          [9.01, 48.682],
        ],
      },
    },
  ],
};

// Cesium's Material tells uniform kinds apart with `instanceof` on these browser classes; node has
// none of them, and no uniform here is one, so empty stand-ins are enough.
beforeAll(() => {
  for (const name of ['HTMLCanvasElement', 'HTMLImageElement', 'ImageBitmap', 'OffscreenCanvas']) {
    if (!(name in globalThis)) vi.stubGlobal(name, class {});
  }
});
afterAll(() => {
  vi.unstubAllGlobals();
});

interface PolylineLike {
  readonly positions: readonly unknown[];
  readonly id: unknown;
  readonly material: {
    readonly type: string;
    readonly uniforms: { readonly color: { equals(other: unknown): boolean } };
  };
}

interface PolylineCollectionLike {
  readonly length: number;
  get(index: number): PolylineLike;
  destroy(): void;
}

/** The part of `scene.primitives` the binding uses; `remove` destroys, as Cesium's does by default. */
function fakePrimitives() {
  const items: PolylineCollectionLike[] = [];
  return {
    items,
    add: (item: PolylineCollectionLike) => (items.push(item), item),
    remove: (item: PolylineCollectionLike) => {
      const index = items.indexOf(item);
      if (index < 0) return false;
      items.splice(index, 1);
      item.destroy();
      return true;
    },
  };
}

function setup() {
  const primitives = fakePrimitives();
  let renders = 0;
  const viewer = { scene: { primitives } } as unknown as CesiumLayerContext['viewer'];
  const trafficSensor = sensor({
    id: 'traffic-r0001',
    kind: 'traffic',
    object: { type: 'road', id: 'r0001' },
    quantities: ['speedKmh'],
    intervalMs: 60_000,
    attributes: {},
  });
  const info = {
    city: { id: 'demo' },
    layers: [],
    sensors: [trafficSensor],
    protocolVersion: PROTOCOL_VERSION,
  };
  const live = new LiveStore();
  const i18n = createI18nStore();
  const liveFrames = new LiveFrames(live, i18n, () => () => undefined);
  const fetchFn: FetchLike = async () => new Response(JSON.stringify(roads));
  const context: CesiumLayerContext = {
    viewer,
    info: info as unknown as CityInfo,
    sensors: createSensorIndex([trafficSensor]),
    live,
    i18n,
    liveFrames,
    featureColors: new FeatureColorRegistry(cesiumColor(PALETTE.building), () => undefined),
    fetchFn,
    requestRender: () => void renders++,
    nowServerMs: () => live.nowServerMs(0),
    mapTime: { nowMs: () => 0, subscribe: () => () => undefined },
    // The ellipsoid: the ground is at 0 everywhere.
    ground: {
      hasTerrain: false,
      heightNow: () => 0,
      heightsAt: (places) => Promise.resolve(places.map(() => 0)),
      lowestAt: () => Promise.resolve(0),
      onChange: () => () => undefined,
      destroy: () => undefined,
    },
  };
  return { primitives, live, liveFrames, context, renders: () => renders };
}

function polylinesOf(primitives: ReturnType<typeof fakePrimitives>): PolylineLike[] {
  const collection = primitives.items[0];
  if (!collection) return [];
  return Array.from({ length: collection.length }, (_, i) => collection.get(i));
}

describe('createTrafficCesiumImpl', () => {
  it('draws the road of each traffic sensor, grey and dashed until data arrives', async () => {
    const { primitives, context } = setup();
    const impl = createTrafficCesiumImpl(context);
    await impl.load();
    impl.setVisible(true);
    const [line] = polylinesOf(primitives);
    expect(line).toBeDefined();
    expect(line!.positions).toHaveLength(3);
    expect(line!.material.type).toBe('PolylineDash');
    expect(sensorIdFromPickId(line!.id)).toBe('traffic-r0001');
  });

  it('colours the road by speed relative to its limit in the frame after a live update', async () => {
    const { primitives, context, live, liveFrames, renders } = setup();
    const impl = createTrafficCesiumImpl(context);
    await impl.load();
    impl.setVisible(true);
    const before = renders();
    // As LiveClient does: the connection is live before the first snapshot is applied.
    live.setConnection('live', null);
    live.replaceState(
      {
        subscriptionId: 's',
        seq: 1,
        serverTimeMs: 1_000_000,
        states: [reading('traffic-r0001', { speedKmh: 10 }, 1_000_000)],
      },
      0,
    );
    const [line] = polylinesOf(primitives);
    // Nothing is drawn before the next animation frame.
    expect(line!.material.type).toBe('PolylineDash');
    expect(renders()).toBe(before);
    liveFrames.flush();
    expect(line!.material.type).toBe('Color');
    expect(line!.material.uniforms.color.equals(cesiumColor(PALETTE.red))).toBe(true);
    expect(renders()).toBeGreaterThan(before);
  });

  it('removes its primitives when destroyed, also when destroyed while loading', async () => {
    const first = setup();
    const impl = createTrafficCesiumImpl(first.context);
    await impl.load();
    impl.destroy();
    expect(first.primitives.items).toHaveLength(0);

    const second = setup();
    const pending = createTrafficCesiumImpl(second.context);
    const loading = pending.load();
    pending.destroy();
    await loading.catch(() => undefined);
    expect(second.primitives.items).toHaveLength(0);
  });
});
