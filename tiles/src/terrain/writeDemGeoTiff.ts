/**
 * Writes a DEM as a minimal, uncompressed GeoTIFF that GDAL, QGIS and `readDem` read: one band,
 * Float32 metres or Int16 whole metres, in strips, north-up, with its EPSG code, pixel placement and
 * nodata (GDAL_NODATA). `geotiff`'s own writer handles only 8-bit and float samples and no strips,
 * and the demo generator must produce the same bytes on every machine, so the file is laid out here.
 */

/** What to write. `heightsM` is row-major from the top row; NaN is written as `nodata`. */
export interface DemGeoTiffInput {
  readonly width: number;
  readonly height: number;
  readonly heightsM: ArrayLike<number>;
  /** EPSG code; geographic when `geographic` (GeographicTypeGeoKey), else projected. */
  readonly epsg: number;
  readonly geographic: boolean;
  /** Outer corner of the top-left pixel (PixelIsArea) or its centre (PixelIsPoint), in CRS units. */
  readonly originX: number;
  readonly originY: number;
  /** Pixel size in CRS units, positive; rows go south. */
  readonly pixelSizeX: number;
  readonly pixelSizeY: number;
  readonly sampleType?: 'float32' | 'int16';
  readonly pixelIsPoint?: boolean;
  /** Written for NaN heights and recorded in GDAL_NODATA; default -32768 (int16) or -9999 (float32). */
  readonly nodata?: number;
  /** Rows per strip; default 16. */
  readonly rowsPerStrip?: number;
}

const SHORT = 3;
const LONG = 4;
const ASCII = 2;
const DOUBLE = 12;

interface Entry {
  readonly tag: number;
  readonly type: number;
  readonly values: readonly number[] | string;
}

const TYPE_SIZE: Record<number, number> = { [SHORT]: 2, [LONG]: 4, [ASCII]: 1, [DOUBLE]: 8 };

/** The GeoTIFF's bytes. Deterministic. */
export function writeDemGeoTiff(input: DemGeoTiffInput): Uint8Array {
  const { width, height } = input;
  const sampleType = input.sampleType ?? 'float32';
  const bytesPerSample = sampleType === 'float32' ? 4 : 2;
  const nodata = input.nodata ?? (sampleType === 'float32' ? -9999 : -32768);
  const rowsPerStrip = Math.max(1, Math.min(height, input.rowsPerStrip ?? 16));
  const stripCount = Math.ceil(height / rowsPerStrip);
  if (input.heightsM.length !== width * height) {
    throw new Error(`${input.heightsM.length} heights for a ${width}x${height} grid`);
  }

  const geoKeys: [number, number][] = [
    [1024, input.geographic ? 2 : 1], // GTModelTypeGeoKey
    [1025, input.pixelIsPoint ? 2 : 1], // GTRasterTypeGeoKey
    [input.geographic ? 2048 : 3072, input.epsg], // GeographicTypeGeoKey / ProjectedCSTypeGeoKey
  ];
  const stripByteCounts = Array.from(
    { length: stripCount },
    (_, strip) => Math.min(rowsPerStrip, height - strip * rowsPerStrip) * width * bytesPerSample,
  );
  // Offsets are filled in once the layout is known.
  const stripOffsets = new Array<number>(stripCount).fill(0);
  const entries: Entry[] = [
    { tag: 256, type: LONG, values: [width] },
    { tag: 257, type: LONG, values: [height] },
    { tag: 258, type: SHORT, values: [bytesPerSample * 8] },
    { tag: 259, type: SHORT, values: [1] },
    { tag: 262, type: SHORT, values: [1] },
    { tag: 273, type: LONG, values: stripOffsets },
    { tag: 277, type: SHORT, values: [1] },
    { tag: 278, type: LONG, values: [rowsPerStrip] },
    { tag: 279, type: LONG, values: stripByteCounts },
    { tag: 284, type: SHORT, values: [1] },
    { tag: 339, type: SHORT, values: [sampleType === 'float32' ? 3 : 2] },
    { tag: 33550, type: DOUBLE, values: [input.pixelSizeX, input.pixelSizeY, 0] },
    { tag: 33922, type: DOUBLE, values: [0, 0, 0, input.originX, input.originY, 0] },
    {
      tag: 34735,
      type: SHORT,
      values: [1, 1, 0, geoKeys.length, ...geoKeys.flatMap(([key, value]) => [key, 0, 1, value])],
    },
    { tag: 42113, type: ASCII, values: `${nodata}\0` },
  ];

  const ifdOffset = 8;
  const ifdSize = 2 + entries.length * 12 + 4;
  let cursor = ifdOffset + ifdSize;
  const overflowOffsets = entries.map((entry) => {
    const size = TYPE_SIZE[entry.type]! * entry.values.length;
    if (size <= 4) return -1;
    const offset = cursor;
    cursor += size + (size % 2);
    return offset;
  });
  const dataOffset = cursor;
  for (let strip = 0; strip < stripCount; strip++) {
    stripOffsets[strip] = dataOffset + strip * rowsPerStrip * width * bytesPerSample;
  }
  const total = dataOffset + width * height * bytesPerSample;
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  bytes.set([0x49, 0x49, 42, 0]);
  view.setUint32(4, ifdOffset, true);
  view.setUint16(ifdOffset, entries.length, true);

  const writeValues = (entry: Entry, at: number): void => {
    if (typeof entry.values === 'string') {
      for (let i = 0; i < entry.values.length; i++) bytes[at + i] = entry.values.charCodeAt(i);
      return;
    }
    entry.values.forEach((value, i) => {
      if (entry.type === SHORT) view.setUint16(at + i * 2, value, true);
      else if (entry.type === LONG) view.setUint32(at + i * 4, value, true);
      else view.setFloat64(at + i * 8, value, true);
    });
  };
  entries.forEach((entry, index) => {
    const at = ifdOffset + 2 + index * 12;
    view.setUint16(at, entry.tag, true);
    view.setUint16(at + 2, entry.type, true);
    view.setUint32(at + 4, entry.values.length, true);
    const overflow = overflowOffsets[index] ?? -1;
    if (overflow < 0) writeValues(entry, at + 8);
    else {
      view.setUint32(at + 8, overflow, true);
      writeValues(entry, overflow);
    }
  });
  view.setUint32(ifdOffset + 2 + entries.length * 12, 0, true);

  for (let i = 0; i < width * height; i++) {
    const value = input.heightsM[i] ?? Number.NaN;
    const written = Number.isNaN(value) ? nodata : value;
    const at = dataOffset + i * bytesPerSample;
    if (sampleType === 'float32') view.setFloat32(at, written, true);
    else view.setInt16(at, Math.max(-32768, Math.min(32767, Math.round(written))), true);
  }
  return bytes;
}
