/**
 * The city pack's own basemap as a Cesium imagery provider: vector tiles from
 * `/tiles/<city>/basemap/` drawn in the light or dark style (basemapTileSource.ts does the work;
 * this file only speaks Cesium). Web mercator, as the tiles are; deeper than the data it overzooms,
 * so street level stays sharp; outside the pack's bounds it draws nothing and the globe below shows.
 */
import { Credit, Event, Rectangle, WebMercatorTilingScheme } from 'cesium';
import type { ImageryProvider, ImageryTypes, Proxy, Request, TileDiscardPolicy } from 'cesium';
import type { BasemapStyleId } from './basemapStyles.ts';
import type { BasemapTileRenderer } from './basemapTileRenderer.ts';
import { sharedBasemapTileRenderer } from './basemapTileRenderer.ts';
import type { BasemapTileSource, FetchFn } from './basemapTileSource.ts';
import { createBasemapTileSource, loadBasemapMeta } from './basemapTileSource.ts';

/** Options of {@link createPackBasemapProvider}. */
export interface PackBasemapProviderOptions {
  /** The basemap folder, e.g. `/tiles/boeblingen-demo/basemap` (holds `basemap.json`). */
  readonly url: string;
  readonly style: BasemapStyleId;
  /** The app's fetch; `globalThis.fetch` by default. */
  readonly fetchFn?: FetchFn;
  /** Pixels per tile side; the basemap's `tileSize` by default. */
  readonly tileSizePx?: number;
  /** The deepest level Cesium asks for (overzoomed beyond the data); 21 by default. */
  readonly maximumLevel?: number;
  /** Credit text; the pack's attribution from `basemap.json` by default. */
  readonly creditText?: string;
  /** Where tiles are drawn; the page's shared worker by default. */
  readonly renderer?: BasemapTileRenderer;
}

let emptyPicture: HTMLCanvasElement | undefined;

/** A transparent pixel: "nothing here", so the layer below shows. */
function nothing(): HTMLCanvasElement {
  if (!emptyPicture) {
    emptyPicture = document.createElement('canvas');
    emptyPicture.width = 1;
    emptyPicture.height = 1;
  }
  return emptyPicture;
}

class PackBasemapImageryProvider implements ImageryProvider {
  readonly tilingScheme = new WebMercatorTilingScheme();
  readonly errorEvent = new Event();
  readonly rectangle: Rectangle;
  readonly tileWidth: number;
  readonly tileHeight: number;
  readonly minimumLevel = 0;
  readonly maximumLevel: number;
  readonly credit: Credit;
  readonly hasAlphaChannel = true;
  // Cesium reads these and accepts them undefined: no discard policy, no proxy.
  readonly tileDiscardPolicy = undefined as unknown as TileDiscardPolicy;
  readonly proxy = undefined as unknown as Proxy;

  constructor(
    private readonly source: BasemapTileSource,
    tileSizePx: number,
    maximumLevel: number,
    creditText: string | undefined,
  ) {
    const [west, south, east, north] = source.meta.bounds;
    this.rectangle = Rectangle.fromDegrees(west, south, east, north);
    this.tileWidth = tileSizePx;
    this.tileHeight = tileSizePx;
    this.maximumLevel = maximumLevel;
    this.credit = creditText ? new Credit(creditText) : (undefined as unknown as Credit);
  }

  getTileCredits(): Credit[] {
    return [];
  }

  requestImage(x: number, y: number, level: number, _request?: Request): Promise<ImageryTypes> {
    return this.source.requestTile({ z: level, x, y }) ?? Promise.resolve(nothing());
  }

  pickFeatures(): undefined {
    return undefined;
  }
}

/**
 * The pack's basemap at `url` as an imagery provider for `new ImageryLayer(provider)` or
 * `viewer.imageryLayers.addImageryProvider(provider)`. Rejects when `basemap.json` is missing or
 * broken (the pack has no basemap: keep the globe's own imagery).
 */
export async function createPackBasemapProvider(
  options: PackBasemapProviderOptions,
): Promise<ImageryProvider> {
  const fetchFn: FetchFn = options.fetchFn ?? ((url) => globalThis.fetch(url));
  const renderer = options.renderer ?? sharedBasemapTileRenderer();
  renderer.warm?.();
  const meta = await loadBasemapMeta(options.url, fetchFn);
  const tileSizePx = options.tileSizePx ?? meta.tileSize;
  const source = createBasemapTileSource({
    url: options.url,
    meta,
    style: options.style,
    fetchFn,
    renderer,
    tileSizePx,
    // Cesium uploads ImageBitmaps as they are stored (WebGL ignores its flip for them).
    flipBitmapsY: true,
  });
  return new PackBasemapImageryProvider(
    source,
    tileSizePx,
    options.maximumLevel ?? 21,
    options.creditText ?? meta.attribution,
  );
}
