/**
 * EXT_structural_metadata for glTF Transform: an embedded schema and property tables whose binary
 * columns are stored in buffer views of the GLB's buffer.
 *
 * Only what the building tiles need is modelled: an embedded schema (no `schemaUri`), property tables
 * of scalar and string columns (no arrays, no property textures/attributes).
 *
 * Spec: https://github.com/CesiumGS/glTF/tree/main/extensions/2.0/Vendor/EXT_structural_metadata
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
import type { OffsetType, PropertyColumn } from './propertyTable.ts';
import { offsetTypeByteSize } from './propertyTable.ts';

/** Extension name as written in `extensionsUsed`. */
export const EXT_STRUCTURAL_METADATA = 'EXT_structural_metadata';

/** Component types of the 3D Metadata specification with their byte sizes. */
const COMPONENT_BYTES = {
  INT8: 1,
  UINT8: 1,
  INT16: 2,
  UINT16: 2,
  INT32: 4,
  UINT32: 4,
  INT64: 8,
  UINT64: 8,
  FLOAT32: 4,
  FLOAT64: 8,
} as const;

/** A 3D Metadata component type name. */
export type ComponentType = keyof typeof COMPONENT_BYTES;

/** A class property of the schema (the subset used here: scalars, strings, booleans). */
export type ClassProperty = {
  readonly type: 'SCALAR' | 'STRING' | 'BOOLEAN';
  readonly componentType?: ComponentType;
  readonly name?: string;
  readonly description?: string;
  readonly required?: boolean;
  /** Value clients use when a table omits the property (only for non-required properties). */
  readonly default?: string | number | boolean;
  /** Value that stands for "unknown" in a column (only for non-required properties). */
  readonly noData?: number;
};

/** A class of the schema. */
export type MetadataClass = {
  readonly name?: string;
  readonly description?: string;
  readonly properties: Readonly<Record<string, ClassProperty>>;
};

/** The embedded schema. */
export type MetadataSchema = {
  readonly id: string;
  readonly name?: string;
  readonly version?: string;
  readonly classes: Readonly<Record<string, MetadataClass>>;
};

/** A property table: `count` rows of `class`, one encoded column per property present. */
export type PropertyTable = {
  readonly name?: string;
  readonly class: string;
  readonly count: number;
  readonly properties: Readonly<Record<string, PropertyColumn>>;
};

/** Stored as one object because glTF Transform attributes must be literals or plain records. */
type PropertyTables = { readonly tables: readonly PropertyTable[] };

interface IStructuralMetadata extends IProperty {
  schema: MetadataSchema;
  propertyTables: PropertyTables;
}

/** The EXT_structural_metadata object attached to the document {@link Root}. */
export class StructuralMetadata extends ExtensionProperty<IStructuralMetadata> {
  public static EXTENSION_NAME: typeof EXT_STRUCTURAL_METADATA = EXT_STRUCTURAL_METADATA;
  declare public extensionName: typeof EXT_STRUCTURAL_METADATA;
  declare public propertyType: 'StructuralMetadata';
  declare public parentTypes: [PropertyType.ROOT];

  protected init(): void {
    this.extensionName = EXT_STRUCTURAL_METADATA;
    this.propertyType = 'StructuralMetadata';
    this.parentTypes = [PropertyType.ROOT];
  }

  protected getDefaults(): Nullable<IStructuralMetadata> {
    return Object.assign(super.getDefaults(), {
      schema: { id: 'schema', classes: {} },
      propertyTables: { tables: [] },
    });
  }

  public getSchema(): MetadataSchema {
    return this.get('schema');
  }

  public setSchema(schema: MetadataSchema): this {
    return this.set('schema', schema);
  }

  public getPropertyTables(): readonly PropertyTable[] {
    return this.get('propertyTables').tables;
  }

  public setPropertyTables(tables: readonly PropertyTable[]): this {
    return this.set('propertyTables', { tables: [...tables] });
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isOffsetType(value: unknown): value is OffsetType {
  return value === 'UINT8' || value === 'UINT16' || value === 'UINT32';
}

/** A binary buffer view to write, with the alignment its byteOffset needs. */
interface PendingView {
  readonly data: Uint8Array;
  readonly alignmentBytes: number;
  readonly label: string;
}

/**
 * glTF Transform extension for EXT_structural_metadata. Register it with the I/O and attach a
 * {@link StructuralMetadata} to the root with `document.getRoot().setExtension(...)`.
 *
 * Column bytes are appended to the first buffer through glTF Transform's "other buffer views", ordered
 * by alignment (8-, 4-, 2-, then 1-byte components) so every view starts on a multiple of its
 * component size (the spec's rule) with no padding bytes between them.
 */
export class ExtStructuralMetadata extends Extension {
  public static readonly EXTENSION_NAME: typeof EXT_STRUCTURAL_METADATA = EXT_STRUCTURAL_METADATA;
  public readonly extensionName: typeof EXT_STRUCTURAL_METADATA = EXT_STRUCTURAL_METADATA;
  public readonly prewriteTypes: PropertyType[] = [PropertyType.BUFFER];

  /** Creates a detached {@link StructuralMetadata}; attach it to the root. */
  public createStructuralMetadata(): StructuralMetadata {
    return new StructuralMetadata(this.document.getGraph());
  }

  private getMetadata(): StructuralMetadata | null {
    return this.document.getRoot().getExtension<StructuralMetadata>(EXT_STRUCTURAL_METADATA);
  }

  private listPendingViews(metadata: StructuralMetadata): PendingView[] {
    const schema = metadata.getSchema();
    const views: PendingView[] = [];
    for (const [tableIndex, table] of metadata.getPropertyTables().entries()) {
      const metadataClass = schema.classes[table.class];
      if (!metadataClass)
        throw new Error(`property table ${tableIndex}: class "${table.class}" is not in the schema`);
      for (const [propertyId, column] of Object.entries(table.properties)) {
        const classProperty = metadataClass.properties[propertyId];
        if (!classProperty) {
          throw new Error(
            `property table ${tableIndex}: "${propertyId}" is not a property of "${table.class}"`,
          );
        }
        const label = `property table ${tableIndex} "${propertyId}"`;
        const valueBytes =
          classProperty.type === 'SCALAR' && classProperty.componentType
            ? COMPONENT_BYTES[classProperty.componentType]
            : 1;
        views.push({ data: column.values, alignmentBytes: valueBytes, label: `${label} values` });
        if (column.stringOffsets) {
          const offsetBytes = offsetTypeByteSize(column.stringOffsetType ?? 'UINT32');
          views.push({
            data: column.stringOffsets,
            alignmentBytes: offsetBytes,
            label: `${label} stringOffsets`,
          });
        }
      }
    }
    for (const view of views) {
      // glTF requires bufferView.byteLength >= 1; an all-empty string column must be left out of
      // the table (clients then use the class property's default).
      if (view.data.byteLength === 0) throw new Error(`${view.label} is empty; omit the column instead`);
    }
    // Stable sort: equal alignments keep table order, so output stays deterministic.
    return views.sort((a, b) => b.alignmentBytes - a.alignmentBytes);
  }

  public prewrite(context: WriterContext, propertyType: PropertyType): this {
    if (propertyType !== PropertyType.BUFFER) return this;
    const metadata = this.getMetadata();
    if (!metadata) return this;
    const buffer = this.document.getRoot().listBuffers()[0];
    if (!buffer)
      throw new Error(`${EXT_STRUCTURAL_METADATA}: the document needs a buffer for property tables`);
    const pending = context.otherBufferViews.get(buffer) ?? [];
    for (const view of this.listPendingViews(metadata)) pending.push(view.data);
    context.otherBufferViews.set(buffer, pending);
    return this;
  }

  public write(context: WriterContext): this {
    const metadata = this.getMetadata();
    if (!metadata) return this;
    const json = context.jsonDoc.json;
    const views = this.listPendingViews(metadata);
    const viewIndexOf = (data: Uint8Array): number => {
      const index = context.otherBufferViewsIndexMap.get(data);
      const pending = views.find((view) => view.data === data);
      const viewDef = index === undefined ? undefined : json.bufferViews?.[index];
      if (index === undefined || !viewDef || !pending) {
        throw new Error(`${EXT_STRUCTURAL_METADATA}: a property column was not written to a buffer view`);
      }
      if ((viewDef.byteOffset ?? 0) % pending.alignmentBytes !== 0) {
        throw new Error(
          `${pending.label} starts at byte ${viewDef.byteOffset}, not ${pending.alignmentBytes}-aligned`,
        );
      }
      return index;
    };
    const propertyTables = metadata.getPropertyTables().map((table) => ({
      ...(table.name ? { name: table.name } : {}),
      class: table.class,
      count: table.count,
      properties: Object.fromEntries(
        Object.entries(table.properties).map(([propertyId, column]) => [
          propertyId,
          {
            values: viewIndexOf(column.values),
            ...(column.stringOffsets
              ? {
                  stringOffsets: viewIndexOf(column.stringOffsets),
                  stringOffsetType: column.stringOffsetType ?? 'UINT32',
                }
              : {}),
          },
        ]),
      ),
    }));
    json.extensions = {
      ...json.extensions,
      [EXT_STRUCTURAL_METADATA]: { schema: metadata.getSchema(), propertyTables },
    };
    return this;
  }

  public read(context: ReaderContext): this {
    const extensionDef = context.jsonDoc.json.extensions?.[EXT_STRUCTURAL_METADATA];
    if (!isRecord(extensionDef)) return this;
    const schema = extensionDef['schema'];
    if (!isRecord(schema) || typeof schema['id'] !== 'string' || !isRecord(schema['classes'])) {
      throw new Error(
        `${EXT_STRUCTURAL_METADATA}: only an embedded schema with an id and classes is supported`,
      );
    }
    const viewBytes = (index: unknown): Uint8Array => {
      const bytes = typeof index === 'number' ? context.bufferViews[index] : undefined;
      if (!bytes) throw new Error(`${EXT_STRUCTURAL_METADATA}: buffer view ${String(index)} not found`);
      return bytes.slice();
    };
    const tableDefs = Array.isArray(extensionDef['propertyTables']) ? extensionDef['propertyTables'] : [];
    const tables: PropertyTable[] = tableDefs.filter(isRecord).map((tableDef) => {
      const { name, count } = tableDef;
      const propertyDefs = isRecord(tableDef['properties']) ? tableDef['properties'] : {};
      const properties: Record<string, PropertyColumn> = {};
      for (const [propertyId, propertyDef] of Object.entries(propertyDefs)) {
        if (!isRecord(propertyDef)) continue;
        const { values, stringOffsets, stringOffsetType } = propertyDef;
        properties[propertyId] = {
          values: viewBytes(values),
          ...(stringOffsets !== undefined
            ? {
                stringOffsets: viewBytes(stringOffsets),
                stringOffsetType: isOffsetType(stringOffsetType) ? stringOffsetType : 'UINT32',
              }
            : {}),
        };
      }
      return {
        ...(typeof name === 'string' ? { name } : {}),
        class: String(tableDef['class']),
        count: typeof count === 'number' ? count : 0,
        properties,
      };
    });
    const metadata = this.createStructuralMetadata()
      // The schema is JSON the writer produced; its shape was checked above for what this module reads.
      .setSchema(schema as MetadataSchema)
      .setPropertyTables(tables);
    this.document.getRoot().setExtension(EXT_STRUCTURAL_METADATA, metadata);
    return this;
  }
}
