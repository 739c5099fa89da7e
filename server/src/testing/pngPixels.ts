/**
 * Test support: the pixels of a PNG (8-bit RGB, RGBA, grey, grey+alpha or palette, not interlaced),
 * decoded with node:zlib, so tests can look for a layer's colour in a map image.
 */
import { inflateSync } from 'node:zlib';

export interface PngPixels {
  readonly width: number;
  readonly height: number;
  /** RGBA, 4 bytes per pixel, row by row. */
  readonly rgba: Uint8Array;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** True when `bytes` start with the PNG signature. */
export function isPng(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.subarray(0, 8)).equals(SIGNATURE);
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

export function decodePng(bytes: Uint8Array): PngPixels {
  const buffer = Buffer.from(bytes);
  if (!isPng(buffer)) throw new Error('not a PNG');
  let offset = 8;
  let width = 0;
  let height = 0;
  let colorType = 0;
  let palette = Buffer.alloc(0);
  let transparency = Buffer.alloc(0);
  const data: Buffer[] = [];
  while (offset < buffer.length) {
    const length = buffer.readUInt32BE(offset);
    const type = buffer.toString('latin1', offset + 4, offset + 8);
    const body = buffer.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      if (body[8] !== 8 || body[12] !== 0) throw new Error('only 8-bit, non-interlaced PNGs are read');
      colorType = body[9] ?? 0;
    } else if (type === 'PLTE') palette = Buffer.from(body);
    else if (type === 'tRNS') transparency = Buffer.from(body);
    else if (type === 'IDAT') data.push(body);
    else if (type === 'IEND') break;
    offset += 12 + length;
  }
  const channels = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }[colorType];
  if (channels === undefined) throw new Error(`PNG colour type ${colorType} is not read`);
  const raw = inflateSync(Buffer.concat(data));
  const stride = width * channels;
  const pixels = new Uint8Array(stride * height);
  for (let y = 0; y < height; y += 1) {
    const filter = raw[y * (stride + 1)] ?? 0;
    for (let x = 0; x < stride; x += 1) {
      const value = raw[y * (stride + 1) + 1 + x] ?? 0;
      const left = x >= channels ? (pixels[y * stride + x - channels] ?? 0) : 0;
      const up = y > 0 ? (pixels[(y - 1) * stride + x] ?? 0) : 0;
      const upLeft = x >= channels && y > 0 ? (pixels[(y - 1) * stride + x - channels] ?? 0) : 0;
      const predictor = [0, left, up, (left + up) >> 1, paeth(left, up, upLeft)][filter] ?? 0;
      pixels[y * stride + x] = (value + predictor) & 0xff;
    }
  }
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i += 1) {
    const p = i * channels;
    let rgbaPixel: number[];
    if (colorType === 6)
      rgbaPixel = [pixels[p] ?? 0, pixels[p + 1] ?? 0, pixels[p + 2] ?? 0, pixels[p + 3] ?? 0];
    else if (colorType === 2) rgbaPixel = [pixels[p] ?? 0, pixels[p + 1] ?? 0, pixels[p + 2] ?? 0, 255];
    else if (colorType === 4)
      rgbaPixel = [pixels[p] ?? 0, pixels[p] ?? 0, pixels[p] ?? 0, pixels[p + 1] ?? 0];
    else if (colorType === 0) rgbaPixel = [pixels[p] ?? 0, pixels[p] ?? 0, pixels[p] ?? 0, 255];
    else {
      const index = pixels[p] ?? 0;
      rgbaPixel = [
        palette[index * 3] ?? 0,
        palette[index * 3 + 1] ?? 0,
        palette[index * 3 + 2] ?? 0,
        transparency[index] ?? 255,
      ];
    }
    rgba.set(rgbaPixel, i * 4);
  }
  return { width, height, rgba };
}

/** How many pixels are within `tolerance` of `rgb` and opaque. */
export function countColour(png: PngPixels, rgb: readonly [number, number, number], tolerance = 8): number {
  let count = 0;
  for (let i = 0; i < png.width * png.height; i += 1) {
    const [r, g, b, a] = [
      png.rgba[i * 4] ?? 0,
      png.rgba[i * 4 + 1] ?? 0,
      png.rgba[i * 4 + 2] ?? 0,
      png.rgba[i * 4 + 3] ?? 0,
    ];
    if (
      a > 200 &&
      Math.abs(r - rgb[0]) <= tolerance &&
      Math.abs(g - rgb[1]) <= tolerance &&
      Math.abs(b - rgb[2]) <= tolerance
    )
      count += 1;
  }
  return count;
}
