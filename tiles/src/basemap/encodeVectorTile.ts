/**
 * A Mapbox Vector Tile encoder (vector-tile spec 2.1): layers of features with ids, properties as
 * indices into per-layer key and value tables, and geometry as zigzag-encoded MoveTo / LineTo /
 * ClosePath commands relative to the previous point. Pure: features in, protobuf bytes out.
 *
 * Polygon rings are written in the winding the spec wants (exterior clockwise in tile coordinates,
 * y down; holes the other way) whatever way they come in, so a decoder can tell holes from parts.
 */
import { PbfWriter } from 'pbf';

/** A point in tile coordinates: `[x, y]`, 0..extent, y down. */
export type TilePoint = readonly [x: number, y: number];

/** Geometry type as the spec numbers it. */
export const GEOMETRY_TYPE = { point: 1, line: 2, polygon: 3 } as const;

/** A property value a vector tile can hold. */
export type TileValue = string | number | boolean;

/** One feature of a layer. */
export interface TileFeature {
  /** Written only when it is a non-negative safe integer (the spec's uint64). */
  readonly id?: number;
  readonly type: 1 | 2 | 3;
  /**
   * Points: one list of points. Lines: one list per line. Polygons: the rings of one or more
   * polygons, each exterior followed by its holes (tell them apart by {@link TileFeature.holes} or,
   * when left out, by the ring's order: the first ring is an exterior, the others holes).
   */
  readonly geometry: readonly (readonly TilePoint[])[];
  /** Polygons only: for each ring, whether it is a hole. */
  readonly holes?: readonly boolean[];
  readonly properties: Readonly<Record<string, TileValue | null | undefined>>;
}

/** One layer of a tile. */
export interface TileLayer {
  readonly name: string;
  /** Tile width in coordinate units; 4096 by default. */
  readonly extent?: number;
  readonly features: readonly TileFeature[];
}

const COMMAND_MOVE_TO = 1;
const COMMAND_LINE_TO = 2;
const COMMAND_CLOSE_PATH = 7;

/** Command integer: id in the low 3 bits, repeat count above. */
export function commandInteger(id: number, count: number): number {
  return (count << 3) | (id & 0x7);
}

/** Zigzag encoding of a signed integer (the spec's ParameterInteger). */
export function zigzag(value: number): number {
  return (value << 1) ^ (value >> 31);
}

/** Twice the signed area in tile coordinates: positive for clockwise on screen (y down). */
export function ringArea2(ring: readonly TilePoint[]): number {
  let sum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const a = ring[j] as TilePoint;
    const b = ring[i] as TilePoint;
    sum += a[0] * b[1] - b[0] * a[1];
  }
  return sum;
}

/** Integer points without consecutive repeats; for rings, without the closing repeat. */
function cleanPoints(points: readonly TilePoint[], ring: boolean): TilePoint[] {
  const out: TilePoint[] = [];
  for (const point of points) {
    const x = Math.round(point[0]);
    const y = Math.round(point[1]);
    const last = out[out.length - 1];
    if (last && last[0] === x && last[1] === y) continue;
    out.push([x, y]);
  }
  if (ring && out.length > 1) {
    const first = out[0] as TilePoint;
    const last = out[out.length - 1] as TilePoint;
    if (first[0] === last[0] && first[1] === last[1]) out.pop();
  }
  return out;
}

/** The command stream of one feature's geometry; empty when nothing drawable is left. */
export function encodeGeometry(feature: TileFeature): number[] {
  const commands: number[] = [];
  let cx = 0;
  let cy = 0;
  const moveTo = (point: TilePoint) => {
    commands.push(zigzag(point[0] - cx), zigzag(point[1] - cy));
    cx = point[0];
    cy = point[1];
  };
  if (feature.type === GEOMETRY_TYPE.point) {
    const points = feature.geometry.flat().map((p) => [Math.round(p[0]), Math.round(p[1])] as const);
    if (points.length === 0) return [];
    commands.push(commandInteger(COMMAND_MOVE_TO, points.length));
    for (const point of points) moveTo(point);
    return commands;
  }
  const isPolygon = feature.type === GEOMETRY_TYPE.polygon;
  feature.geometry.forEach((raw, index) => {
    let points = cleanPoints(raw, isPolygon);
    if (points.length < (isPolygon ? 3 : 2)) return;
    if (isPolygon) {
      const area = ringArea2(points);
      if (area === 0) return;
      const hole = feature.holes ? feature.holes[index] === true : index > 0;
      // Exterior rings clockwise (positive area, y down), holes counter-clockwise.
      if (hole === area > 0) points = points.reverse();
    }
    const [first, ...rest] = points as [TilePoint, ...TilePoint[]];
    commands.push(commandInteger(COMMAND_MOVE_TO, 1));
    moveTo(first);
    commands.push(commandInteger(COMMAND_LINE_TO, rest.length));
    for (const point of rest) moveTo(point);
    if (isPolygon) commands.push(commandInteger(COMMAND_CLOSE_PATH, 1));
  });
  return commands;
}

function valueKey(value: TileValue): string {
  return `${typeof value}:${String(value)}`;
}

function writeValue(value: TileValue, pbf: PbfWriter): void {
  if (typeof value === 'string') pbf.writeStringField(1, value);
  else if (typeof value === 'boolean') pbf.writeBooleanField(7, value);
  else if (Number.isInteger(value) && Number.isSafeInteger(value)) {
    if (value >= 0) pbf.writeVarintField(5, value);
    else pbf.writeSVarintField(6, value);
  } else pbf.writeDoubleField(3, value);
}

interface EncodedFeature {
  readonly id: number | undefined;
  readonly type: number;
  readonly tags: number[];
  readonly geometry: number[];
}

interface EncodedLayer {
  readonly name: string;
  readonly extent: number;
  readonly keys: readonly string[];
  readonly values: readonly TileValue[];
  readonly features: readonly EncodedFeature[];
}

/** Geometry commands and tag indices of a layer's drawable features. */
function encodeLayer(layer: TileLayer): EncodedLayer {
  const keys: string[] = [];
  const keyIndex = new Map<string, number>();
  const values: TileValue[] = [];
  const valueIndex = new Map<string, number>();
  const features: EncodedFeature[] = [];
  for (const feature of layer.features) {
    const geometry = encodeGeometry(feature);
    if (geometry.length === 0) continue;
    const tags: number[] = [];
    for (const [key, value] of Object.entries(feature.properties)) {
      if (value === null || value === undefined) continue;
      if (typeof value === 'number' && !Number.isFinite(value)) continue;
      let k = keyIndex.get(key);
      if (k === undefined) {
        k = keys.push(key) - 1;
        keyIndex.set(key, k);
      }
      const vk = valueKey(value);
      let v = valueIndex.get(vk);
      if (v === undefined) {
        v = values.push(value) - 1;
        valueIndex.set(vk, v);
      }
      tags.push(k, v);
    }
    const id =
      feature.id !== undefined && Number.isSafeInteger(feature.id) && feature.id >= 0
        ? feature.id
        : undefined;
    features.push({ id, type: feature.type, tags, geometry });
  }
  return { name: layer.name, extent: layer.extent ?? 4096, keys, values, features };
}

function writeLayer(layer: EncodedLayer, pbf: PbfWriter): void {
  const { keys, values, features } = layer;
  pbf.writeVarintField(15, 2);
  pbf.writeStringField(1, layer.name);
  for (const feature of features) {
    pbf.writeMessage(
      2,
      (f: EncodedFeature, out: PbfWriter) => {
        if (f.id !== undefined) out.writeVarintField(1, f.id);
        if (f.tags.length > 0) out.writePackedVarint(2, f.tags);
        out.writeVarintField(3, f.type);
        out.writePackedVarint(4, f.geometry);
      },
      feature,
    );
  }
  for (const key of keys) pbf.writeStringField(3, key);
  for (const value of values) pbf.writeMessage(4, writeValue, value);
  pbf.writeVarintField(5, layer.extent);
}

/**
 * Encodes the layers as one vector tile. Layers without a drawable feature are left out; when none is
 * left the result is empty (length 0), which callers treat as "no tile".
 */
export function encodeVectorTile(layers: readonly TileLayer[]): Uint8Array {
  const kept = layers.map(encodeLayer).filter((layer) => layer.features.length > 0);
  if (kept.length === 0) return new Uint8Array(0);
  const pbf = new PbfWriter();
  for (const layer of kept) pbf.writeMessage(3, writeLayer, layer);
  return pbf.finish();
}
