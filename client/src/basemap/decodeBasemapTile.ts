/**
 * Reads a Mapbox Vector Tile into plain objects the drawing understands (layer -> features with
 * type, properties and rings in tile coordinates), so drawing never depends on the decoder's classes.
 */
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';

/** One feature: 1 point, 2 line, 3 polygon; rings (or point lists) in tile coordinates, y down. */
export interface DecodedFeature {
  readonly type: 1 | 2 | 3;
  readonly properties: Readonly<Record<string, string | number | boolean>>;
  readonly geometry: readonly (readonly { x: number; y: number }[])[];
}

/** One layer of a tile. */
export interface DecodedLayer {
  readonly extent: number;
  readonly features: readonly DecodedFeature[];
}

/** A decoded tile: its layers by name. */
export type DecodedTile = Readonly<Record<string, DecodedLayer>>;

/** Decodes the protobuf bytes of a vector tile; features of unknown geometry type are left out. */
export function decodeBasemapTile(bytes: Uint8Array): DecodedTile {
  const tile = new VectorTile(new PbfReader(bytes));
  const out: Record<string, DecodedLayer> = {};
  for (const [name, layer] of Object.entries(tile.layers)) {
    const features: DecodedFeature[] = [];
    for (let i = 0; i < layer.length; i++) {
      const feature = layer.feature(i);
      if (feature.type === 0) continue;
      features.push({
        type: feature.type,
        properties: feature.properties,
        geometry: feature.loadGeometry().map((ring) => ring.map((p) => ({ x: p.x, y: p.y }))),
      });
    }
    out[name] = { extent: layer.extent, features };
  }
  return out;
}
