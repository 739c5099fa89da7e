/**
 * Writes one tile's GLB: a single mesh with `_FEATURE_ID_0` per vertex (EXT_mesh_features) and a
 * property table with one row per building (EXT_structural_metadata), so that in CesiumJS
 * `feature.getProperty('buildingId')` on a picked feature returns the building's id.
 */
import { Document, NodeIO, VertexLayout } from '@gltf-transform/core';
import { EXT_MESH_FEATURES, ExtMeshFeatures } from './extMeshFeatures.ts';
import type { MetadataSchema, PropertyTable } from './extStructuralMetadata.ts';
import { EXT_STRUCTURAL_METADATA, ExtStructuralMetadata } from './extStructuralMetadata.ts';
import type { PropertyColumn } from './propertyTable.ts';
import { encodeFloat32Column, encodeInt16Column, encodeStringColumn } from './propertyTable.ts';
import type { TileMesh } from './tileMesh.ts';

/** Name of the metadata class of a building, in every tile's schema. */
export const BUILDING_CLASS = 'building';

/** Id of the schema embedded in every tile (the same schema for all tiles of all cities). */
export const BUILDING_SCHEMA_ID = 'citytwin_buildings';

/** The attribute semantic of the building feature ids. */
export const FEATURE_ID_ATTRIBUTE = '_FEATURE_ID_0';

/** The INT16 sentinel of `yearOfConstruction` for "unknown" (the schema's `noData`). */
export const YEAR_NO_DATA = -32768;

/** The metadata schema of building tiles. */
export const BUILDING_SCHEMA: MetadataSchema = {
  id: BUILDING_SCHEMA_ID,
  name: 'citytwin buildings',
  version: '1.0.0',
  classes: {
    [BUILDING_CLASS]: {
      name: 'Building',
      properties: {
        buildingId: {
          type: 'STRING',
          description: 'Building id of the city pack (buildings.geojson feature id), e.g. b00001.',
          required: true,
        },
        heightM: {
          type: 'SCALAR',
          componentType: 'FLOAT32',
          description: 'Height of the roof above the ground, metres.',
          required: true,
        },
        use: {
          type: 'STRING',
          description:
            'Use of the building: residential, mixed, commercial, industrial, public, school, parking.',
          required: true,
        },
        name: {
          type: 'STRING',
          description: 'Display name; empty when the building has none.',
          // Tiles in which no building has a name leave the column out (a glTF buffer view cannot be
          // empty); clients then read this default instead of undefined.
          default: '',
        },
        storeys: {
          type: 'SCALAR',
          componentType: 'UINT16',
          description: 'Storeys above ground; 0 when the pack does not say.',
          required: true,
        },
        yearOfConstruction: {
          type: 'SCALAR',
          componentType: 'INT16',
          description: 'Year of construction, from imported packs.',
          // Unknown years are stored as the sentinel; tiles in which no building has a year leave
          // the column out. Either way clients get no value rather than a made-up year.
          noData: YEAR_NO_DATA,
        },
      },
    },
  },
};

/** The metadata of one building (one property table row). */
export interface BuildingRow {
  readonly id: string;
  readonly heightM: number;
  readonly use: string;
  readonly name: string;
  /** Storeys above ground; 0 when unknown. */
  readonly storeys: number;
  /** Absent when unknown. */
  readonly yearOfConstruction?: number | undefined;
}

/** Builds the property table of a tile: row i describes the building with feature id i. */
export function createBuildingPropertyTable(rows: readonly BuildingRow[]): PropertyTable {
  const properties: Record<string, PropertyColumn> = {
    buildingId: encodeStringColumn(rows.map((row) => row.id)),
    heightM: encodeFloat32Column(rows.map((row) => row.heightM)),
    use: encodeStringColumn(rows.map((row) => row.use)),
  };
  if (rows.some((row) => row.name.length > 0))
    properties['name'] = encodeStringColumn(rows.map((row) => row.name));
  properties['storeys'] = encodeInt16Column(
    rows.map((row) => row.storeys),
    'UINT16',
  );
  if (rows.some((row) => row.yearOfConstruction !== undefined)) {
    properties['yearOfConstruction'] = encodeInt16Column(
      rows.map((row) => row.yearOfConstruction ?? YEAR_NO_DATA),
      'INT16',
    );
  }
  return { name: 'buildings', class: BUILDING_CLASS, count: rows.length, properties };
}

/** Generator string written into each GLB's `asset.generator`. */
export const GLB_GENERATOR = 'citytwin tiles (glTF Transform)';

/** An I/O that reads and writes building tiles with both metadata extensions. */
export function createBuildingTileIO(): NodeIO {
  // Separate (non-interleaved) vertex streams: like values sit next to each other, which gzip
  // compresses better than interleaved position/normal/id records.
  return new NodeIO()
    .registerExtensions([ExtMeshFeatures, ExtStructuralMetadata])
    .setVertexLayout(VertexLayout.SEPARATE);
}

/**
 * Writes the GLB of one tile.
 *
 * @param mesh the merged tile mesh (feature id i = `rows[i]`).
 * @param rows one row per building, in feature id order.
 * @param tileName names the glTF node and mesh (the tile's path), for debugging in viewers.
 */
export async function writeBuildingTileGlb(
  mesh: TileMesh,
  rows: readonly BuildingRow[],
  tileName: string,
): Promise<Uint8Array> {
  const document = new Document();
  const root = document.getRoot();
  root.getAsset().generator = GLB_GENERATOR;
  const buffer = document.createBuffer();
  const position = document.createAccessor().setType('VEC3').setArray(mesh.positions).setBuffer(buffer);
  const normal = document.createAccessor().setType('VEC3').setArray(mesh.normals).setBuffer(buffer);
  const featureId = document.createAccessor().setType('SCALAR').setArray(mesh.featureIds).setBuffer(buffer);
  const indices = document.createAccessor().setType('SCALAR').setArray(mesh.indices).setBuffer(buffer);

  // White, rough, non-metallic: CesiumJS styles multiply the base colour, so white keeps the
  // viewer's colours (occupancy, use) exact.
  const material = document
    .createMaterial('building')
    .setBaseColorFactor([1, 1, 1, 1])
    .setMetallicFactor(0)
    .setRoughnessFactor(1);

  const meshFeatures = document
    .createExtension(ExtMeshFeatures)
    .createMeshFeatures()
    .setFeatureIds([{ featureCount: rows.length, attribute: 0, propertyTable: 0 }]);
  const primitive = document
    .createPrimitive()
    .setAttribute('POSITION', position)
    .setAttribute('NORMAL', normal)
    .setAttribute(FEATURE_ID_ATTRIBUTE, featureId)
    .setIndices(indices)
    .setMaterial(material)
    .setExtension(EXT_MESH_FEATURES, meshFeatures);

  const metadata = document
    .createExtension(ExtStructuralMetadata)
    .createStructuralMetadata()
    .setSchema(BUILDING_SCHEMA)
    .setPropertyTables([createBuildingPropertyTable(rows)]);
  root.setExtension(EXT_STRUCTURAL_METADATA, metadata);

  const gltfMesh = document.createMesh(tileName).addPrimitive(primitive);
  const node = document.createNode(tileName).setMesh(gltfMesh);
  document.createScene(tileName).addChild(node);
  root.setDefaultScene(root.listScenes()[0] ?? null);

  return padGlbChunks(await createBuildingTileIO().writeBinary(document));
}

/** GLB magic `glTF`, chunk types `JSON` and `BIN\0` (little-endian). */
const GLB_MAGIC = 0x46546c67;
const CHUNK_JSON = 0x4e4f534a;
const CHUNK_BIN = 0x004e4942;
/** Chunk padding EXT_structural_metadata asks for (glTF itself asks for 4). */
const CHUNK_ALIGNMENT = 8;

/**
 * Re-packs a GLB so both chunks are padded to 8 bytes (JSON with spaces, BIN with zeros), as
 * EXT_structural_metadata asks and Cesium's own tools write. glTF Transform pads to 4 only.
 */
export function padGlbChunks(glb: Uint8Array): Uint8Array {
  const view = new DataView(glb.buffer, glb.byteOffset, glb.byteLength);
  if (view.getUint32(0, true) !== GLB_MAGIC) throw new Error('not a GLB: wrong magic');
  const jsonLength = view.getUint32(12, true);
  if (view.getUint32(16, true) !== CHUNK_JSON) throw new Error('not a GLB: first chunk is not JSON');
  const json = glb.subarray(20, 20 + jsonLength);
  let bin: Uint8Array | undefined;
  const binHeader = 20 + jsonLength;
  if (binHeader + 8 <= glb.byteLength && view.getUint32(binHeader + 4, true) === CHUNK_BIN) {
    bin = glb.subarray(binHeader + 8, binHeader + 8 + view.getUint32(binHeader, true));
  }
  const padded = (length: number) => Math.ceil(length / CHUNK_ALIGNMENT) * CHUNK_ALIGNMENT;
  const jsonPadded = padded(json.byteLength);
  const binPadded = bin ? padded(bin.byteLength) : 0;
  const out = new Uint8Array(12 + 8 + jsonPadded + (bin ? 8 + binPadded : 0));
  const outView = new DataView(out.buffer);
  outView.setUint32(0, GLB_MAGIC, true);
  outView.setUint32(4, 2, true);
  outView.setUint32(8, out.byteLength, true);
  outView.setUint32(12, jsonPadded, true);
  outView.setUint32(16, CHUNK_JSON, true);
  out.fill(0x20, 20, 20 + jsonPadded);
  out.set(json, 20);
  if (bin) {
    const at = 20 + jsonPadded;
    outView.setUint32(at, binPadded, true);
    outView.setUint32(at + 4, CHUNK_BIN, true);
    out.set(bin, at + 8);
  }
  return out;
}
