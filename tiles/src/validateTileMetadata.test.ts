import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTileset } from './buildTileset.ts';
import { createSyntheticBuildings } from './syntheticBuildings.ts';
import type { TileMetadataReport } from './validateTileMetadata.ts';
import { parseGlb, validateTileMetadata } from './validateTileMetadata.ts';

/** The parts of the glTF JSON the mutations below touch (test-only shape). */
interface Gltf {
  extensionsUsed: string[];
  buffers: { byteLength: number }[];
  bufferViews: { buffer: number; byteOffset?: number; byteLength: number; byteStride?: number }[];
  accessors: { bufferView?: number; byteOffset?: number; count: number; normalized?: boolean }[];
  meshes: {
    primitives: {
      attributes: Record<string, number>;
      extensions: {
        EXT_mesh_features: {
          featureIds: {
            featureCount: number;
            attribute: number;
            propertyTable?: number;
            nullFeatureId?: number;
          }[];
        };
      };
    }[];
  }[];
  extensions: {
    EXT_structural_metadata: {
      schema: {
        id?: string;
        enums?: Record<string, unknown>;
        classes: Record<string, { properties: Record<string, Record<string, unknown>> }>;
      };
      propertyTables: {
        class: string;
        count: number;
        properties: Record<string, { values: number; stringOffsets?: number; stringOffsetType?: string }>;
      }[];
    };
  };
}

const META = '/extensions/EXT_structural_metadata';
const TABLE = `${META}/propertyTables/0`;
const FEATURE_IDS = '/meshes/0/primitives/0/extensions/EXT_mesh_features/featureIds/0';

/** Writes a GLB from (possibly edited) JSON and BIN, padding both chunks to 8 bytes. */
function encodeGlb(json: Gltf, bin: Uint8Array): Uint8Array {
  const pad = (length: number): number => Math.ceil(length / 8) * 8;
  const jsonBytes = new TextEncoder().encode(JSON.stringify(json));
  const jsonLength = pad(jsonBytes.byteLength);
  const binLength = pad(bin.byteLength);
  const out = new Uint8Array(12 + 8 + jsonLength + 8 + binLength);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0x46546c67, true);
  view.setUint32(4, 2, true);
  view.setUint32(8, out.byteLength, true);
  view.setUint32(12, jsonLength, true);
  view.setUint32(16, 0x4e4f534a, true);
  out.fill(0x20, 20, 20 + jsonLength);
  out.set(jsonBytes, 20);
  view.setUint32(20 + jsonLength, binLength, true);
  view.setUint32(24 + jsonLength, 0x004e4942, true);
  out.set(bin, 28 + jsonLength);
  return out;
}

function errorsAt(report: TileMetadataReport, pointer: string): string[] {
  return report.errors.filter((error) => error.pointer === pointer).map((error) => error.message);
}

describe('validateTileMetadata', () => {
  let dir: string;
  let glb: Uint8Array;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'citytwin-metadata-'));
    await buildTileset({ buildings: createSyntheticBuildings({ count: 12 }), outDir: dir });
    glb = new Uint8Array(await readFile(join(dir, 'content', 'r.glb')));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /**
   * Validates the real tile after `edit` changed a copy of its JSON and BIN (in place, or by returning
   * a new BIN).
   */
  function validateEdited(
    edit: (json: Gltf, bin: Uint8Array) => Uint8Array | undefined | void,
  ): TileMetadataReport {
    const { json, bin } = parseGlb(glb);
    const copy = structuredClone(json) as Gltf;
    const binCopy = new Uint8Array(bin ?? new Uint8Array());
    const edited = edit(copy, binCopy) ?? binCopy;
    return validateTileMetadata(encodeGlb(copy, edited), 'edited.glb');
  }

  /** A DataView on the bytes of buffer view `index` of the (edited) BIN chunk. */
  function viewOf(json: Gltf, bin: Uint8Array, index: number): DataView {
    const def = json.bufferViews[index];
    if (!def) throw new Error(`no buffer view ${index}`);
    return new DataView(bin.buffer, bin.byteOffset + (def.byteOffset ?? 0), def.byteLength);
  }

  function table(json: Gltf): Gltf['extensions']['EXT_structural_metadata']['propertyTables'][number] {
    const found = json.extensions.EXT_structural_metadata.propertyTables[0];
    if (!found) throw new Error('no property table');
    return found;
  }

  function column(json: Gltf, propertyId: string): { values: number; stringOffsets?: number } {
    const found = table(json).properties[propertyId];
    if (!found) throw new Error(`no column ${propertyId}`);
    return found;
  }

  function featureIdSet(json: Gltf): { featureCount: number; attribute: number; nullFeatureId?: number } {
    const found = json.meshes[0]?.primitives[0]?.extensions.EXT_mesh_features.featureIds[0];
    if (!found) throw new Error('no feature id set');
    return found;
  }

  /** Writes one UINT16 feature id (the writer's component type) of vertex `vertex`. */
  function setFeatureId(json: Gltf, bin: Uint8Array, vertex: number, id: number): void {
    const accessor = json.accessors[json.meshes[0]?.primitives[0]?.attributes['_FEATURE_ID_0'] ?? -1];
    if (accessor?.bufferView === undefined) throw new Error('no feature id accessor');
    // glTF Transform pads 2-byte vertex ids to a 4-byte stride (vertex attributes align to 4).
    const stride = json.bufferViews[accessor.bufferView]?.byteStride ?? 2;
    viewOf(json, bin, accessor.bufferView).setUint16((accessor.byteOffset ?? 0) + vertex * stride, id, true);
  }

  /** Appends a buffer view (8-byte aligned) holding `bytes`; returns its index. */
  function appendView(json: Gltf, bin: Uint8Array, bytes: Uint8Array): { bin: Uint8Array; index: number } {
    const byteOffset = Math.ceil(bin.byteLength / 8) * 8;
    const grown = new Uint8Array(byteOffset + bytes.byteLength);
    grown.set(bin);
    grown.set(bytes, byteOffset);
    json.bufferViews.push({ buffer: 0, byteOffset, byteLength: bytes.byteLength });
    const buffer = json.buffers[0];
    if (buffer) buffer.byteLength = grown.byteLength;
    return { bin: grown, index: json.bufferViews.length - 1 };
  }

  it('passes a tile written by the real writer with no errors', () => {
    const report = validateTileMetadata(glb, 'r.glb');
    expect(report.errors).toEqual([]);
    // glTF Transform pads GLB chunks to 4 bytes only; without 64-bit columns that is a warning.
    for (const warning of report.warnings) expect(warning.message).toMatch(/padded to a multiple of 8/);
  });

  it('passes the same tile re-encoded with 8-byte chunks with no warnings either', () => {
    const report = validateEdited(() => undefined);
    expect(report).toMatchObject({ errors: [], warnings: [] });
  });

  it('reports a GLB that is cut short', () => {
    const report = validateTileMetadata(glb.subarray(0, glb.byteLength - 4), 'cut.glb');
    expect(errorsAt(report, '')).toEqual([expect.stringMatching(/header length/)]);
  });

  it('requires both extensions in extensionsUsed', () => {
    const report = validateEdited((json) => {
      json.extensionsUsed = ['EXT_mesh_features'];
    });
    expect(errorsAt(report, '/extensionsUsed')).toEqual([
      'EXT_structural_metadata is used but not listed in extensionsUsed.',
    ]);
  });

  it('requires a schema id', () => {
    const report = validateEdited((json) => {
      delete json.extensions.EXT_structural_metadata.schema.id;
    });
    expect(errorsAt(report, `${META}/schema/id`)).toHaveLength(1);
  });

  it('reports a property table of an unknown class', () => {
    const report = validateEdited((json) => {
      table(json).class = 'house';
    });
    expect(errorsAt(report, `${TABLE}/class`)).toEqual(['class "house" is not a class of the schema.']);
  });

  it('reports a column that is not a property of the class', () => {
    const report = validateEdited((json) => {
      table(json).properties['roofColour'] = { values: column(json, 'heightM').values };
    });
    expect(errorsAt(report, `${TABLE}/properties/roofColour`)).toEqual([
      '"roofColour" is not a property of class "building".',
    ]);
  });

  it('reports a missing required column', () => {
    const report = validateEdited((json) => {
      delete table(json).properties['heightM'];
    });
    expect(errorsAt(report, `${TABLE}/properties`)).toEqual([
      'required property "heightM" of class "building" is missing.',
    ]);
  });

  it('reports a count that does not match the columns', () => {
    const report = validateEdited((json) => {
      table(json).count += 1;
    });
    expect(errorsAt(report, `${TABLE}/properties/heightM/values`)).toEqual([
      expect.stringMatching(/has 48 bytes; 13 × SCALAR FLOAT32 need exactly 52/),
    ]);
    expect(errorsAt(report, `${TABLE}/properties/buildingId/stringOffsets`)).toEqual([
      expect.stringMatching(/has 13 bytes; 14 UINT8 offsets need 14/),
    ]);
  });

  it('reports a count of 0', () => {
    const report = validateEdited((json) => {
      table(json).count = 0;
    });
    expect(errorsAt(report, `${TABLE}/count`)).toHaveLength(1);
  });

  it('reports a values buffer view of the wrong byte length', () => {
    const report = validateEdited((json) => {
      const view = json.bufferViews[column(json, 'storeys').values];
      if (view) view.byteLength -= 2;
    });
    expect(errorsAt(report, `${TABLE}/properties/storeys/values`)).toEqual([
      expect.stringMatching(/has 22 bytes; 12 × SCALAR UINT16 need exactly 24/),
    ]);
  });

  it('reports a values buffer view index that does not exist', () => {
    const report = validateEdited((json) => {
      table(json).properties['heightM'] = { values: 999 };
    });
    expect(errorsAt(report, `${TABLE}/properties/heightM/values`)).toEqual([
      'values refers to buffer view 999, which does not exist.',
    ]);
  });

  it('reports a buffer view that runs past the end of the buffer', () => {
    const report = validateEdited((json) => {
      const view = json.bufferViews[column(json, 'heightM').values];
      if (view) view.byteLength += 100_000;
    });
    expect(errorsAt(report, `${TABLE}/properties/heightM/values`)).toEqual([
      expect.stringMatching(/spans bytes .* but the buffer has only/),
    ]);
  });

  it('reports a FLOAT32 column whose buffer view is not 4-byte aligned', () => {
    const report = validateEdited((json) => {
      const view = json.bufferViews[column(json, 'heightM').values];
      if (view) view.byteOffset = (view.byteOffset ?? 0) + 2;
    });
    expect(errorsAt(report, `${TABLE}/properties/heightM/values`)).toEqual([
      expect.stringMatching(/not aligned to its FLOAT32 values \(4 bytes\)/),
    ]);
  });

  it('reports NaN in a float column', () => {
    const report = validateEdited((json, bin) => {
      viewOf(json, bin, column(json, 'heightM').values).setFloat32(4, Number.NaN, true);
    });
    expect(errorsAt(report, `${TABLE}/properties/heightM/values`)).toEqual([
      'element 1 is NaN; NaN and infinities are not allowed.',
    ]);
  });

  it('reports string offsets that decrease', () => {
    const report = validateEdited((json, bin) => {
      const offsets = viewOf(json, bin, column(json, 'buildingId').stringOffsets ?? -1);
      // Offsets are UINT8 here (12 ids of 6 bytes); make offset 1 jump past offset 2.
      offsets.setUint8(1, offsets.getUint8(2) + 1);
    });
    expect(errorsAt(report, `${TABLE}/properties/buildingId/stringOffsets`)).toEqual([
      'offsets decrease at index 2 (13 then 12).',
    ]);
  });

  it('reports a first string offset other than 0', () => {
    const report = validateEdited((json, bin) => {
      viewOf(json, bin, column(json, 'buildingId').stringOffsets ?? -1).setUint8(0, 1);
    });
    expect(errorsAt(report, `${TABLE}/properties/buildingId/stringOffsets`)).toEqual([
      'the first offset is 1, not 0.',
    ]);
  });

  it('reports a last string offset past the end of the values', () => {
    const report = validateEdited((json, bin) => {
      viewOf(json, bin, column(json, 'buildingId').stringOffsets ?? -1).setUint8(12, 80);
    });
    expect(errorsAt(report, `${TABLE}/properties/buildingId/stringOffsets`)).toEqual([
      expect.stringMatching(/the last string offset is 80 but the values buffer view \d+ has 72 bytes/),
    ]);
  });

  it('reports a string that is not UTF-8', () => {
    const report = validateEdited((json, bin) => {
      viewOf(json, bin, column(json, 'use').values).setUint8(0, 0xff);
    });
    expect(errorsAt(report, `${TABLE}/properties/use/values`)).toEqual(['string 0 is not valid UTF-8.']);
  });

  it('reports noData on a required property and noData of the wrong type', () => {
    const report = validateEdited((json) => {
      const properties = json.extensions.EXT_structural_metadata.schema.classes['building']?.properties;
      if (!properties?.['heightM'] || !properties['yearOfConstruction']) throw new Error('no properties');
      properties['heightM']['noData'] = -1;
      properties['yearOfConstruction']['noData'] = 40_000;
    });
    const classPointer = `${META}/schema/classes/building/properties`;
    expect(errorsAt(report, `${classPointer}/heightM/noData`)).toEqual([
      'noData must not be given for a required property.',
    ]);
    expect(errorsAt(report, `${classPointer}/yearOfConstruction/noData`)).toEqual([
      'noData must be an integer of INT16',
    ]);
  });

  it('allows min/max only on numeric properties and offset/scale only on float or normalized ones', () => {
    const report = validateEdited((json) => {
      const properties = json.extensions.EXT_structural_metadata.schema.classes['building']?.properties;
      if (!properties?.['use'] || !properties['storeys'] || !properties['heightM'])
        throw new Error('no properties');
      properties['use']['max'] = 3;
      properties['storeys']['offset'] = 1;
      properties['heightM']['scale'] = 2;
    });
    const classPointer = `${META}/schema/classes/building/properties`;
    expect(errorsAt(report, `${classPointer}/use/max`)).toHaveLength(1);
    expect(errorsAt(report, `${classPointer}/storeys/offset`)).toHaveLength(1);
    expect(errorsAt(report, `${classPointer}/heightM/scale`)).toEqual([]);
  });

  it('reports values outside the class min/max', () => {
    const report = validateEdited((json) => {
      const storeys =
        json.extensions.EXT_structural_metadata.schema.classes['building']?.properties['storeys'];
      if (storeys) storeys['max'] = 1;
    });
    expect(errorsAt(report, `${TABLE}/properties/storeys/values`)).toEqual([
      expect.stringMatching(/^row \d+ is \d+, outside \[undefined, 1\]\.$/),
    ]);
  });

  it('checks ENUM columns against the enum values', () => {
    const withRoofKind = (codes: number[]): TileMetadataReport =>
      validateEdited((json, bin) => {
        const metadata = json.extensions.EXT_structural_metadata;
        metadata.schema.enums = {
          roofKind: {
            valueType: 'UINT8',
            values: [
              { name: 'flat', value: 0 },
              { name: 'gabled', value: 1 },
            ],
          },
        };
        const properties = metadata.schema.classes['building']?.properties;
        if (properties) properties['roofKind'] = { type: 'ENUM', enumType: 'roofKind' };
        const appended = appendView(json, bin, Uint8Array.from(codes));
        table(json).properties['roofKind'] = { values: appended.index };
        return appended.bin;
      });
    expect(withRoofKind([0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1]).errors).toEqual([]);
    expect(
      errorsAt(withRoofKind([0, 1, 0, 1, 0, 1, 0, 1, 0, 7, 0, 1]), `${TABLE}/properties/roofKind/values`),
    ).toEqual(['element 9 is 7, not a value of the enum.']);
  });

  it('reports a feature id set whose attribute the primitive lacks', () => {
    const report = validateEdited((json) => {
      const attributes = json.meshes[0]?.primitives[0]?.attributes;
      if (!attributes) throw new Error('no attributes');
      attributes['_FEATURE_ID_1'] = attributes['_FEATURE_ID_0'] ?? -1;
      delete attributes['_FEATURE_ID_0'];
    });
    expect(errorsAt(report, `${FEATURE_IDS}/attribute`)).toEqual([
      'the primitive has no _FEATURE_ID_0 attribute.',
    ]);
  });

  it('reports a feature id past the end of the property table', () => {
    const report = validateEdited((json, bin) => setFeatureId(json, bin, 5, 12));
    expect(errorsAt(report, `${FEATURE_IDS}/attribute`)).toEqual([
      'vertex 5 has feature id 12, but property table 0 has 12 rows.',
    ]);
  });

  it('accepts ids equal to nullFeatureId and does not count them as features', () => {
    const edit = (withNull: boolean) => (json: Gltf, bin: Uint8Array) => {
      setFeatureId(json, bin, 0, 0xffff);
      if (withNull) featureIdSet(json).nullFeatureId = 0xffff;
    };
    expect(validateEdited(edit(true)).errors).toEqual([]);
    expect(errorsAt(validateEdited(edit(false)), `${FEATURE_IDS}/attribute`)).toHaveLength(1);
  });

  it('reports more distinct feature ids than featureCount', () => {
    const report = validateEdited((json) => {
      featureIdSet(json).featureCount = 11;
    });
    expect(errorsAt(report, `${FEATURE_IDS}/featureCount`)).toEqual([
      'featureCount is 11 but _FEATURE_ID_0 holds 12 distinct feature ids.',
    ]);
  });

  it('reports a featureCount that is not a positive integer', () => {
    const report = validateEdited((json) => {
      featureIdSet(json).featureCount = 0;
    });
    expect(errorsAt(report, `${FEATURE_IDS}/featureCount`)).toContain(
      'featureCount must be an integer >= 1, got 0.',
    );
  });

  it('reports a feature id set pointing at a property table that does not exist', () => {
    const report = validateEdited((json) => {
      const set = json.meshes[0]?.primitives[0]?.extensions.EXT_mesh_features.featureIds[0];
      if (set) set.propertyTable = 3;
    });
    expect(errorsAt(report, `${FEATURE_IDS}/propertyTable`)).toHaveLength(1);
  });

  it('reports a normalized feature id accessor', () => {
    const report = validateEdited((json) => {
      const accessor = json.accessors[json.meshes[0]?.primitives[0]?.attributes['_FEATURE_ID_0'] ?? -1];
      if (accessor) accessor.normalized = true;
    });
    expect(report.errors.map((error) => error.message)).toContain('_FEATURE_ID_0 must not be normalized.');
  });
});
