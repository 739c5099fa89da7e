/**
 * Reads a building tile GLB back: the feature id of every vertex and the decoded property table.
 * Used by tests and for checking a built tileset by hand; the viewer reads tiles through CesiumJS.
 */
import type { Accessor } from '@gltf-transform/core';
import type { BuildingRow } from './buildingTileGlb.ts';
import { createBuildingTileIO, FEATURE_ID_ATTRIBUTE, YEAR_NO_DATA } from './buildingTileGlb.ts';
import type { FeatureIdSet, MeshFeatures } from './extMeshFeatures.ts';
import { EXT_MESH_FEATURES } from './extMeshFeatures.ts';
import type { StructuralMetadata } from './extStructuralMetadata.ts';
import { EXT_STRUCTURAL_METADATA } from './extStructuralMetadata.ts';
import { decodeFloat32Column, decodeInt16Column, decodeStringColumn } from './propertyTable.ts';

/** What a building tile holds, decoded. */
export interface BuildingTileContents {
  /** The primitive's first feature id set (EXT_mesh_features). */
  readonly featureIdSet: FeatureIdSet;
  /** Feature id of each vertex (`_FEATURE_ID_0`). */
  readonly vertexFeatureIds: readonly number[];
  /** Property table rows, in feature id order. */
  readonly rows: readonly BuildingRow[];
  /** glTF POSITION min/max (y-up), metres. */
  readonly positionMin: readonly number[];
  readonly positionMax: readonly number[];
  readonly vertexCount: number;
  readonly triangleCount: number;
}

function accessorValues(accessor: Accessor | null, label: string): number[] {
  const array = accessor?.getArray();
  if (!accessor || !array) throw new Error(`tile has no ${label} accessor`);
  return Array.from(array);
}

/** Decodes a building tile written by `writeBuildingTileGlb`. */
export async function readBuildingTile(glb: Uint8Array): Promise<BuildingTileContents> {
  const document = await createBuildingTileIO().readBinary(glb);
  const [primitive, ...others] = document
    .getRoot()
    .listMeshes()
    .flatMap((mesh) => mesh.listPrimitives());
  if (!primitive || others.length > 0) throw new Error('a building tile has exactly one primitive');
  const featureIdSet = primitive.getExtension<MeshFeatures>(EXT_MESH_FEATURES)?.getFeatureIds()[0];
  if (!featureIdSet) throw new Error(`tile primitive has no ${EXT_MESH_FEATURES} feature ids`);
  const metadata = document.getRoot().getExtension<StructuralMetadata>(EXT_STRUCTURAL_METADATA);
  const table = metadata?.getPropertyTables()[featureIdSet.propertyTable ?? 0];
  if (!table) throw new Error(`tile has no ${EXT_STRUCTURAL_METADATA} property table`);
  const column = (propertyId: string): NonNullable<(typeof table.properties)[string]> => {
    const found = table.properties[propertyId];
    if (!found) throw new Error(`property table has no "${propertyId}" column`);
    return found;
  };
  const ids = decodeStringColumn(column('buildingId'), table.count);
  const heights = decodeFloat32Column(column('heightM'), table.count);
  const uses = decodeStringColumn(column('use'), table.count);
  const nameColumn = table.properties['name'];
  const names = nameColumn ? decodeStringColumn(nameColumn, table.count) : ids.map(() => '');
  const storeys = decodeInt16Column(column('storeys'), table.count, 'UINT16');
  const yearColumn = table.properties['yearOfConstruction'];
  const years = yearColumn ? decodeInt16Column(yearColumn, table.count, 'INT16') : [];
  const rows = ids.map((id, index): BuildingRow => {
    const year = years[index];
    return {
      id,
      heightM: heights[index] ?? Number.NaN,
      use: uses[index] ?? '',
      name: names[index] ?? '',
      storeys: storeys[index] ?? 0,
      ...(year !== undefined && year !== YEAR_NO_DATA ? { yearOfConstruction: year } : {}),
    };
  });
  const position = primitive.getAttribute('POSITION');
  return {
    featureIdSet,
    vertexFeatureIds: accessorValues(primitive.getAttribute(FEATURE_ID_ATTRIBUTE), FEATURE_ID_ATTRIBUTE),
    rows,
    positionMin: position?.getMin([]) ?? [],
    positionMax: position?.getMax([]) ?? [],
    vertexCount: position?.getCount() ?? 0,
    triangleCount: (primitive.getIndices()?.getCount() ?? 0) / 3,
  };
}
