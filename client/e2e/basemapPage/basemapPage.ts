/**
 * The page of the basemap browser test: draws mosaics of basemap tiles through the same tile source
 * and worker the viewer's imagery provider uses, and reports the picture and its colours.
 */
import type { BasemapStyleId } from '../../src/basemap/basemapStyles.ts';
import { createBasemapTileRenderer } from '../../src/basemap/basemapTileRenderer.ts';
import { createBasemapTileSource, loadBasemapMeta } from '../../src/basemap/basemapTileSource.ts';

interface MosaicRequest {
  readonly url: string;
  readonly style: BasemapStyleId;
  readonly z: number;
  /** The top-left tile and how many tiles across and down. */
  readonly x: number;
  readonly y: number;
  readonly columns: number;
  readonly rows: number;
}

interface MosaicResult {
  readonly png: string;
  /** Colours (`#rrggbb`) and how many pixels have them. */
  readonly colours: Record<string, number>;
  readonly worker: boolean;
}

const TILE_PX = 256;
const renderer = createBasemapTileRenderer();

function hex(r: number, g: number, b: number): string {
  return `#${[r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

async function renderMosaic(request: MosaicRequest): Promise<MosaicResult> {
  const meta = await loadBasemapMeta(request.url, (url) => fetch(url));
  const source = createBasemapTileSource({
    url: request.url,
    meta,
    style: request.style,
    fetchFn: (url) => fetch(url),
    renderer,
  });
  const canvas = document.createElement('canvas');
  canvas.width = TILE_PX * request.columns;
  canvas.height = TILE_PX * request.rows;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2D context');
  let worker = false;
  for (let dx = 0; dx < request.columns; dx++) {
    for (let dy = 0; dy < request.rows; dy++) {
      const picture = await source.requestTile({ z: request.z, x: request.x + dx, y: request.y + dy });
      if (!picture) continue;
      worker ||= typeof ImageBitmap !== 'undefined' && picture instanceof ImageBitmap;
      ctx.drawImage(picture, dx * TILE_PX, dy * TILE_PX);
    }
  }
  const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  const colours: Record<string, number> = {};
  for (let i = 0; i < data.length; i += 4) {
    const key = hex(data[i] ?? 0, data[i + 1] ?? 0, data[i + 2] ?? 0);
    colours[key] = (colours[key] ?? 0) + 1;
  }
  return { png: canvas.toDataURL('image/png'), colours, worker };
}

(window as unknown as { renderMosaic: typeof renderMosaic }).renderMosaic = renderMosaic;
(window as unknown as { basemapPageReady: boolean }).basemapPageReady = true;
