/**
 * The place-name binding with the real Cesium parts it makes (LabelCollection, Label) in a mock
 * viewer without WebGL. The test itself does not import cesium (STYLE.md convention 1); it reads
 * the parts structurally. The camera stands far out in space, beyond every name's distance range, so
 * nothing needs projecting to the screen (the declutter is tested on its own in placeLabels.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BASEMAP_STYLES } from './basemapStyles.ts';
import type { FetchFn } from './basemapTileSource.ts';
import { createPlaceLabels } from './placeLabelsCesiumImpl.ts';

type Viewer = Parameters<typeof createPlaceLabels>[0];

// Cesium's Label reads its font back through the DOM (a hidden div's computed style); node has no
// DOM, so a stand-in answers from the CSS font string the binding sets.
beforeAll(() => {
  const computed = (font: string): Record<string, string> => {
    const match = /^(\d+) ([\d.]+)px (.*)$/.exec(font);
    return {
      'font-weight': match?.[1] ?? '400',
      'font-size': `${match?.[2] ?? '16'}px`,
      'font-family': match?.[3] ?? 'sans-serif',
      'font-style': 'normal',
      'line-height': 'normal',
    };
  };
  vi.stubGlobal('document', {
    createElement: () => ({ style: { font: '' } }),
    body: { appendChild: () => undefined, removeChild: () => undefined },
    defaultView: {
      getComputedStyle: (element: { style: { font: string } }) => ({
        getPropertyValue: (property: string) => computed(element.style.font)[property] ?? '',
      }),
    },
  });
});
afterAll(() => {
  vi.unstubAllGlobals();
});

const PLACES = {
  places: [
    { name: 'Böblingen', rank: 2, class: 'town', lon: 9.015, lat: 48.685 },
    { name: 'Rauher Kapf', rank: 4, class: 'quarter', lon: 9.014472, lat: 48.6924161 },
  ],
};
const GROUND_M = 450;

interface ColorLike {
  readonly red: number;
  readonly green: number;
  readonly blue: number;
}
interface LabelLike {
  readonly text: string;
  readonly show: boolean;
  readonly position: { readonly x: number; readonly y: number; readonly z: number };
  readonly fillColor: ColorLike;
  readonly outlineColor: ColorLike;
  readonly disableDepthTestDistance: number;
}
interface CollectionLike {
  readonly length: number;
  get(index: number): LabelLike;
  isDestroyed(): boolean;
}

/** A minimal event: what the binding subscribes to. */
function event<T extends unknown[]>() {
  const listeners = new Set<(...args: T) => void>();
  return {
    listeners,
    addEventListener(listener: (...args: T) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    raise(...args: T) {
      for (const listener of listeners) listener(...args);
    },
  };
}

function mockViewer(heightAt: () => number | undefined = () => GROUND_M) {
  const added: CollectionLike[] = [];
  const moveEnd = event();
  const changed = event();
  const tiles = event<[number]>();
  const scene = {
    primitives: {
      add: (primitive: CollectionLike) => added.push(primitive),
      remove: (primitive: CollectionLike & { destroy(): void }) => {
        added.splice(added.indexOf(primitive), 1);
        primitive.destroy();
        return true;
      },
    },
    camera: { positionWC: { x: 1e9, y: 0, z: 0 }, moveEnd, changed },
    globe: {
      ellipsoid: {
        geodeticSurfaceNormal: (p: { x: number; y: number; z: number }, result: object) => {
          const length = Math.hypot(p.x, p.y, p.z);
          return Object.assign(result, { x: p.x / length, y: p.y / length, z: p.z / length });
        },
      },
      getHeight: heightAt,
      tileLoadProgressEvent: tiles,
    },
    canvas: { clientWidth: 1440, clientHeight: 900 },
    isDestroyed: () => false,
  };
  return { viewer: { scene } as unknown as Viewer, added, moveEnd, changed, tiles };
}

function fetchOf(files: Record<string, unknown>): FetchFn {
  return (url) => {
    const body = files[url];
    return Promise.resolve({
      ok: body !== undefined,
      status: body === undefined ? 404 : 200,
      json: () => Promise.resolve(body),
      arrayBuffer: () => Promise.resolve(new ArrayBuffer(0)),
    });
  };
}

const FILES = { '/tiles/demo/basemap/places.json': PLACES };

/** WGS84 geodetic to earth-fixed cartesian, metres. */
function cartesianOf(lonDeg: number, latDeg: number, heightM: number): [number, number, number] {
  const a = 6378137;
  const e2 = 6.69437999014e-3;
  const lon = (lonDeg * Math.PI) / 180;
  const lat = (latDeg * Math.PI) / 180;
  const n = a / Math.sqrt(1 - e2 * Math.sin(lat) ** 2);
  return [
    (n + heightM) * Math.cos(lat) * Math.cos(lon),
    (n + heightM) * Math.cos(lat) * Math.sin(lon),
    (n * (1 - e2) + heightM) * Math.sin(lat),
  ];
}

function colourOf(css: string): [number, number, number] {
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(css);
  if (hex) return [1, 2, 3].map((i) => parseInt(hex[i] as string, 16) / 255) as [number, number, number];
  const rgba = /^rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(css);
  if (rgba) return [1, 2, 3].map((i) => Number(rgba[i]) / 255) as [number, number, number];
  throw new Error(`not a colour: ${css}`);
}

function expectColour(actual: ColorLike, css: string): void {
  const [r, g, b] = colourOf(css);
  expect(actual.red).toBeCloseTo(r, 6);
  expect(actual.green).toBeCloseTo(g, 6);
  expect(actual.blue).toBeCloseTo(b, 6);
}

describe('createPlaceLabels', () => {
  it('adds one label per place, quarters in capitals, none hidden by hills', async () => {
    const { viewer, added } = mockViewer();
    await createPlaceLabels(viewer, '/tiles/demo/basemap/', 'light', () => undefined, fetchOf(FILES));
    expect(added).toHaveLength(1);
    const collection = added[0] as CollectionLike;
    const labels = Array.from({ length: collection.length }, (_, i) => collection.get(i));
    expect(labels.map((label) => label.text)).toEqual(['Böblingen', 'RAUHER KAPF']);
    for (const label of labels) expect(label.disableDepthTestDistance).toBe(Number.POSITIVE_INFINITY);
  });

  it('puts each name on the ground the globe knows', async () => {
    const { viewer, added } = mockViewer();
    await createPlaceLabels(viewer, '/tiles/demo/basemap', 'light', () => undefined, fetchOf(FILES));
    const position = (added[0] as CollectionLike).get(0).position;
    const [x, y, z] = cartesianOf(9.015, 48.685, GROUND_M);
    expect(position.x).toBeCloseTo(x, 3);
    expect(position.y).toBeCloseTo(y, 3);
    expect(position.z).toBeCloseTo(z, 3);
  });

  it('follows the terrain as it loads: a finer height moves the name when the tiles are in', async () => {
    const ground: { heightM?: number } = {};
    const { viewer, added, tiles } = mockViewer(() => ground.heightM);
    await createPlaceLabels(viewer, '/tiles/demo/basemap', 'light', () => undefined, fetchOf(FILES));
    const label = (added[0] as CollectionLike).get(0);
    // No terrain yet: the name waits on the ellipsoid.
    expect(label.position.z).toBeCloseTo(cartesianOf(9.015, 48.685, 0)[2], 3);
    ground.heightM = 512;
    tiles.raise(0);
    expect(label.position.z).toBeCloseTo(cartesianOf(9.015, 48.685, 512)[2], 3);
  });

  it('shows no name while the camera is beyond every distance range', async () => {
    const { viewer, added, moveEnd } = mockViewer();
    const labels = await createPlaceLabels(
      viewer,
      '/tiles/demo/basemap',
      'light',
      () => undefined,
      fetchOf(FILES),
    );
    moveEnd.raise();
    const collection = added[0] as CollectionLike;
    expect([collection.get(0).show, collection.get(1).show]).toEqual([false, false]);
    expect(labels.shownCount()).toBe(0);
  });

  it('writes dark on a light halo in the light style and light on a dark halo in the dark style', async () => {
    const { viewer, added } = mockViewer();
    const renders: number[] = [];
    const labels = await createPlaceLabels(
      viewer,
      '/tiles/demo/basemap',
      'light',
      () => renders.push(1),
      fetchOf(FILES),
    );
    const town = (added[0] as CollectionLike).get(0);
    expectColour(town.fillColor, BASEMAP_STYLES.light.places.color);
    expectColour(town.outlineColor, BASEMAP_STYLES.light.places.halo);
    const before = renders.length;
    labels.setStyle('dark');
    expectColour(town.fillColor, BASEMAP_STYLES.dark.places.color);
    expectColour(town.outlineColor, BASEMAP_STYLES.dark.places.halo);
    expectColour((added[0] as CollectionLike).get(1).fillColor, BASEMAP_STYLES.dark.places.quarterColor);
    expect(renders.length).toBeGreaterThan(before);
  });

  it('removes the names and stops listening to the camera and the globe on destroy', async () => {
    const { viewer, added, moveEnd, changed, tiles } = mockViewer();
    const labels = await createPlaceLabels(
      viewer,
      '/tiles/demo/basemap',
      'dark',
      () => undefined,
      fetchOf(FILES),
    );
    const collection = added[0] as CollectionLike;
    labels.destroy();
    labels.destroy();
    expect(added).toHaveLength(0);
    expect(collection.isDestroyed()).toBe(true);
    expect(moveEnd.listeners.size + changed.listeners.size + tiles.listeners.size).toBe(0);
  });

  it('rejects when the basemap has no places.json and adds nothing', async () => {
    const { viewer, added } = mockViewer();
    await expect(
      createPlaceLabels(viewer, '/tiles/other/basemap', 'light', () => undefined, fetchOf(FILES)),
    ).rejects.toThrow(/places\.json: HTTP 404/);
    expect(added).toHaveLength(0);
  });
});
