/**
 * Decodes and draws basemap tiles off the main thread: takes a {@link TileDrawRequest}, answers
 * `{ id, bitmap }` (the bitmap moved, not copied) or `{ id, error }`. Decoded tiles are kept for a
 * while, as neighbouring deep tiles are all drawn from the same overzoomed ancestor.
 */
import { BASEMAP_STYLES } from './basemapStyles.ts';
import type { DecodedTile } from './decodeBasemapTile.ts';
import { decodeBasemapTile } from './decodeBasemapTile.ts';
import type { DrawContext } from './drawBasemapTile.ts';
import { drawBasemapTile } from './drawBasemapTile.ts';
import type { TileDrawRequest } from './tileDrawRequest.ts';

const CACHE_SIZE = 48;
const decoded = new Map<string, DecodedTile | undefined>();

function decodedTile(request: TileDrawRequest): DecodedTile | undefined {
  if (!request.bytes) return undefined;
  const cached = decoded.get(request.key);
  if (cached) {
    // Most recently used last.
    decoded.delete(request.key);
    decoded.set(request.key, cached);
    return cached;
  }
  const tile = decodeBasemapTile(new Uint8Array(request.bytes));
  decoded.set(request.key, tile);
  if (decoded.size > CACHE_SIZE) {
    const oldest = decoded.keys().next().value;
    if (oldest !== undefined) decoded.delete(oldest);
  }
  return tile;
}

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<TileDrawRequest>) => void) | null;
  postMessage(message: unknown, transfer?: Transferable[]): void;
};

scope.onmessage = async (event) => {
  const request = event.data;
  try {
    const canvas = new OffscreenCanvas(request.tileSizePx, request.tileSizePx);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2D context on an OffscreenCanvas');
    drawBasemapTile(ctx as unknown as DrawContext, decodedTile(request), {
      style: BASEMAP_STYLES[request.styleId],
      zoom: request.zoom,
      transform: request.transform,
      tileSizePx: request.tileSizePx,
    });
    const bitmap = request.flipY
      ? await createImageBitmap(canvas, { imageOrientation: 'flipY' })
      : canvas.transferToImageBitmap();
    scope.postMessage({ id: request.id, bitmap }, [bitmap]);
  } catch (error) {
    scope.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error) });
  }
};
