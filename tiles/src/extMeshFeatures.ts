/**
 * EXT_mesh_features for glTF Transform: which vertex attribute holds a primitive's feature ids.
 *
 * Only attribute-based feature ids are modelled (the building tiles need nothing else). The
 * attribute itself (`_FEATURE_ID_0`) is an ordinary primitive attribute written by glTF Transform;
 * this extension only writes the JSON that points at it.
 *
 * Spec: https://github.com/CesiumGS/glTF/tree/main/extensions/2.0/Vendor/EXT_mesh_features
 */
import {
  Extension,
  ExtensionProperty,
  PropertyType,
  type IProperty,
  type Nullable,
  type ReaderContext,
  type WriterContext,
} from '@gltf-transform/core';

/** Extension name as written in `extensionsUsed`. */
export const EXT_MESH_FEATURES = 'EXT_mesh_features';

/** One feature id set of a primitive, as in the spec's `featureId` object (attribute form). */
export type FeatureIdSet = {
  /** Number of distinct feature ids in the set (not counting `nullFeatureId`). */
  readonly featureCount: number;
  /** `n` of the `_FEATURE_ID_n` vertex attribute holding the ids. */
  readonly attribute: number;
  /** Index of the EXT_structural_metadata property table the ids index into. */
  readonly propertyTable?: number;
  readonly nullFeatureId?: number;
  readonly label?: string;
};

/** Stored as one object because glTF Transform attributes must be literals or plain records. */
type FeatureIdSets = { readonly sets: readonly FeatureIdSet[] };

interface IMeshFeatures extends IProperty {
  featureIds: FeatureIdSets;
}

/** The EXT_mesh_features object attached to a {@link Primitive}. */
export class MeshFeatures extends ExtensionProperty<IMeshFeatures> {
  public static EXTENSION_NAME: typeof EXT_MESH_FEATURES = EXT_MESH_FEATURES;
  declare public extensionName: typeof EXT_MESH_FEATURES;
  declare public propertyType: 'MeshFeatures';
  declare public parentTypes: [PropertyType.PRIMITIVE];

  protected init(): void {
    this.extensionName = EXT_MESH_FEATURES;
    this.propertyType = 'MeshFeatures';
    this.parentTypes = [PropertyType.PRIMITIVE];
  }

  protected getDefaults(): Nullable<IMeshFeatures> {
    return Object.assign(super.getDefaults(), { featureIds: { sets: [] } });
  }

  /** The primitive's feature id sets, in order (set 0 is Cesium's default for picking/styling). */
  public getFeatureIds(): readonly FeatureIdSet[] {
    return this.get('featureIds').sets;
  }

  public setFeatureIds(featureIds: readonly FeatureIdSet[]): this {
    return this.set('featureIds', { sets: [...featureIds] });
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseFeatureIdSet(value: unknown): FeatureIdSet | undefined {
  if (!isRecord(value)) return undefined;
  const { featureCount, attribute, propertyTable, nullFeatureId, label } = value;
  // Texture- or implicit (vertex index) feature ids are not produced by this pipeline.
  if (typeof featureCount !== 'number' || typeof attribute !== 'number') return undefined;
  return {
    featureCount,
    attribute,
    ...(typeof propertyTable === 'number' ? { propertyTable } : {}),
    ...(typeof nullFeatureId === 'number' ? { nullFeatureId } : {}),
    ...(typeof label === 'string' ? { label } : {}),
  };
}

/**
 * glTF Transform extension for EXT_mesh_features. Register it with the I/O
 * (`io.registerExtensions([ExtMeshFeatures])`) and create properties with
 * `document.createExtension(ExtMeshFeatures).createMeshFeatures()`.
 */
export class ExtMeshFeatures extends Extension {
  public static readonly EXTENSION_NAME: typeof EXT_MESH_FEATURES = EXT_MESH_FEATURES;
  public readonly extensionName: typeof EXT_MESH_FEATURES = EXT_MESH_FEATURES;

  /** Creates a detached {@link MeshFeatures}; attach it with `primitive.setExtension(...)`. */
  public createMeshFeatures(): MeshFeatures {
    return new MeshFeatures(this.document.getGraph());
  }

  public read(context: ReaderContext): this {
    const meshDefs = context.jsonDoc.json.meshes ?? [];
    for (const [meshIndex, meshDef] of meshDefs.entries()) {
      const primitives = context.meshes[meshIndex]?.listPrimitives() ?? [];
      for (const [primitiveIndex, primitiveDef] of meshDef.primitives.entries()) {
        const extensionDef = primitiveDef.extensions?.[EXT_MESH_FEATURES];
        const primitive = primitives[primitiveIndex];
        if (!isRecord(extensionDef) || !primitive || !Array.isArray(extensionDef['featureIds'])) continue;
        const featureIds = extensionDef['featureIds']
          .map(parseFeatureIdSet)
          .filter((set): set is FeatureIdSet => set !== undefined);
        primitive.setExtension(EXT_MESH_FEATURES, this.createMeshFeatures().setFeatureIds(featureIds));
      }
    }
    return this;
  }

  public write(context: WriterContext): this {
    const meshDefs = context.jsonDoc.json.meshes ?? [];
    for (const mesh of this.document.getRoot().listMeshes()) {
      const meshIndex = context.meshIndexMap.get(mesh);
      const meshDef = meshIndex === undefined ? undefined : meshDefs[meshIndex];
      if (!meshDef) continue;
      for (const [primitiveIndex, primitive] of mesh.listPrimitives().entries()) {
        const meshFeatures = primitive.getExtension<MeshFeatures>(EXT_MESH_FEATURES);
        const primitiveDef = meshDef.primitives[primitiveIndex];
        if (!meshFeatures || !primitiveDef) continue;
        primitiveDef.extensions = {
          ...primitiveDef.extensions,
          [EXT_MESH_FEATURES]: { featureIds: meshFeatures.getFeatureIds().map((set) => ({ ...set })) },
        };
      }
    }
    return this;
  }
}
