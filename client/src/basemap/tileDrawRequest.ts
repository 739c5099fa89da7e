/** What the tile worker is asked to draw (see basemapTileWorker.ts). */
import type { BasemapStyleId } from './basemapStyles.ts';
import type { PixelTransform } from './tileGeometry.ts';

export interface TileDrawRequest {
  readonly id: number;
  /** The source tile's key (`z/x/y`), for the worker's cache of decoded tiles. */
  readonly key: string;
  /** The vector tile's bytes; null where the basemap has no data (ground only). */
  readonly bytes: ArrayBuffer | null;
  readonly styleId: BasemapStyleId;
  readonly zoom: number;
  readonly transform: PixelTransform;
  readonly tileSizePx: number;
  /**
   * Answer a bitmap stored bottom row first. WebGL ignores UNPACK_FLIP_Y for ImageBitmaps, so Cesium
   * expects imagery bitmaps already flipped (its own loader decodes them with `imageOrientation:
   * 'flipY'`); a 2D canvas wants them upright.
   */
  readonly flipY?: boolean;
}
