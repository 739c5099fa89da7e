/**
 * Draws basemap tiles into pictures Cesium can use: in a web worker on an OffscreenCanvas where the
 * browser has both (the main thread stays free for the live layers), on a canvas of the page
 * otherwise or when the worker cannot start.
 */
import { BASEMAP_STYLES } from './basemapStyles.ts';
import { decodeBasemapTile } from './decodeBasemapTile.ts';
import type { DrawContext } from './drawBasemapTile.ts';
import { drawBasemapTile } from './drawBasemapTile.ts';
import type { TileDrawRequest } from './tileDrawRequest.ts';

/** A drawn tile. */
export type TilePicture = ImageBitmap | HTMLCanvasElement;

/** Draws tiles; one per page is enough (see {@link sharedBasemapTileRenderer}). */
export interface BasemapTileRenderer {
  draw(request: Omit<TileDrawRequest, 'id'>): Promise<TilePicture>;
  /**
   * Starts the worker ahead of the first tile (its script loads while the map asks for tiles, not
   * after); optional for stand-ins.
   */
  warm?(): void;
  /** Ends the worker; later draws happen on the main thread. */
  destroy(): void;
}

function drawOnPage(request: Omit<TileDrawRequest, 'id'>): TilePicture {
  const canvas = document.createElement('canvas');
  canvas.width = request.tileSizePx;
  canvas.height = request.tileSizePx;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2D canvas context');
  drawBasemapTile(
    ctx as unknown as DrawContext,
    request.bytes ? decodeBasemapTile(new Uint8Array(request.bytes)) : undefined,
    {
      style: BASEMAP_STYLES[request.styleId],
      zoom: request.zoom,
      transform: request.transform,
      tileSizePx: request.tileSizePx,
    },
  );
  return canvas;
}

/** A renderer with its own worker (where the browser allows one). */
export function createBasemapTileRenderer(): BasemapTileRenderer {
  let worker: Worker | undefined;
  let broken = typeof Worker === 'undefined' || typeof OffscreenCanvas === 'undefined';
  let nextId = 1;
  const pending = new Map<number, { resolve: (p: TilePicture) => void; reject: (e: Error) => void }>();

  const failAll = (message: string) => {
    broken = true;
    for (const { reject } of pending.values()) reject(new Error(message));
    pending.clear();
    worker?.terminate();
    worker = undefined;
  };

  const startWorker = (): Worker => {
    const started = new Worker(new URL('./basemapTileWorker.ts', import.meta.url), { type: 'module' });
    started.onmessage = (event: MessageEvent) => {
      const data = event.data as { id: number; bitmap?: ImageBitmap; error?: string };
      const waiting = pending.get(data.id);
      if (!waiting) return;
      pending.delete(data.id);
      if (data.bitmap) waiting.resolve(data.bitmap);
      else waiting.reject(new Error(data.error ?? 'the basemap worker drew nothing'));
    };
    started.onerror = (event) => failAll(event.message || 'the basemap worker failed');
    return started;
  };

  return {
    warm() {
      if (!broken) worker ??= startWorker();
    },
    draw(request) {
      if (broken) {
        try {
          return Promise.resolve(drawOnPage(request));
        } catch (error) {
          return Promise.reject(error instanceof Error ? error : new Error(String(error)));
        }
      }
      worker ??= startWorker();
      const id = nextId++;
      const active = worker;
      return new Promise<TilePicture>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        // The bytes are copied: the same source tile serves many overzoomed tiles.
        active.postMessage({ ...request, id } satisfies TileDrawRequest);
      });
    },
    destroy() {
      failAll('the basemap renderer was destroyed');
    },
  };
}

let shared: BasemapTileRenderer | undefined;

/** The page's one renderer, started on first use and shared by every basemap provider. */
export function sharedBasemapTileRenderer(): BasemapTileRenderer {
  shared ??= createBasemapTileRenderer();
  return shared;
}
