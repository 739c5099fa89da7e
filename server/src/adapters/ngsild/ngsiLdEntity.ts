/**
 * Normalizer of NGSI-LD entities (FIWARE context brokers such as Orion-LD, Scorpio or Stellio, with
 * Smart Data Models types): one entity, an array of entities, or the Notification a broker's
 * subscription sends. Both the normalized form (`{ type: 'Property', value, observedAt }`) and the
 * key-values form (plain values, an entity-wide `dateObserved`) are read. Pure: no I/O, never throws
 * on bad input.
 *
 * Time of a quantity, first that applies:
 * 1. the `observedAt` of the innermost Property on its path (a sub-attribute inherits its parent's);
 * 2. the entity's observation window: `dateObservedTo`, else `dateObserved` (an instant, or the end of
 *    an interval `start/end`), as a string or as a Property whose value is a string or a JSON-LD typed
 *    literal `{ '@type': 'DateTime', '@value': … }`. `dateObservedTo` goes first because Smart Data
 *    Models introduced it (with `dateObservedFrom`) for brokers that cannot store an interval in
 *    `dateObserved`; when both are given they describe the same window;
 * 3. the time the input was received, with quality `uncertain`.
 * A time that is present but not ISO 8601 with a zone is refused as {@link parseTime} refuses it (the
 * normalizer cannot know the source's zone), and the quantities depending on it are turned away
 * instead of falling back to the receive time, which would date an old reading as new.
 *
 * Quantities of one entity observed at different times become one observation per distinct time,
 * oldest first, so no value is ever stamped with another value's time. The price: the hub keeps a
 * sensor's newest observation as its current reading, so quantities dated earlier than the newest
 * group are in the readings passed on but not in that current reading; map quantities a broker
 * updates together to one sensor, and quantities updated apart to sensors of their own.
 */
import type { Observation, Quality } from '../../../../protocol/index.ts';
import { emptyResult, parseTime } from '../normalize.ts';
import type { DeviceMapping, NormalizeResult, RejectedInput } from '../normalize.ts';

type JsonObject = Record<string, unknown>;

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A member of a parsed JSON object; never one inherited from `Object.prototype` (`constructor`). */
function own(object: JsonObject, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

/** Members of an NGSI-LD attribute that are not sub-attributes (NGSI-LD API, clause 4.5). */
const ATTRIBUTE_MEMBERS = new Set([
  'type',
  'value',
  'object',
  'objectList',
  'objectType',
  'languageMap',
  'vocab',
  'valueList',
  'json',
  'observedAt',
  'unitCode',
  'datasetId',
  'createdAt',
  'modifiedAt',
  'deletedAt',
  'instanceId',
  'previousValue',
  'previousObject',
  'previousLanguageMap',
  'lang',
]);

/** Entity members that are never attributes a mapping could name. */
const ENTITY_MEMBERS = new Set(['id', 'type', '@context', 'scope', 'createdAt', 'modifiedAt', 'deletedAt']);

/**
 * An attribute in normalized form: `type` Property (or another NGSI-LD attribute type), or, in the
 * concise form, an object with a `value` and no `type`.
 */
function isAttribute(node: unknown): node is JsonObject {
  if (!isJsonObject(node)) return false;
  if (node.type === undefined) return 'value' in node;
  return (
    node.type === 'Property' ||
    node.type === 'GeoProperty' ||
    node.type === 'Relationship' ||
    node.type === 'LanguageProperty' ||
    node.type === 'VocabProperty' ||
    node.type === 'JsonProperty' ||
    node.type === 'ListProperty' ||
    node.type === 'ListRelationship'
  );
}

/**
 * A multi-attribute (an array of instances told apart by `datasetId`) stands for its default
 * instance, the one without a `datasetId`; anything else is returned as it is.
 */
function defaultInstance(node: unknown): unknown {
  if (!Array.isArray(node) || !node.some(isAttribute)) return node;
  return node.find((instance) => isAttribute(instance) && instance.datasetId === undefined);
}

/** Unwraps a JSON-LD typed literal `{ '@type': …, '@value': v }` to `v`. */
function literal(value: unknown): unknown {
  return isJsonObject(value) && '@value' in value ? value['@value'] : value;
}

function show(value: unknown): string {
  if (value === undefined) return 'missing';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

/** The `id` of an NGSI-LD entity (a non-empty string), or undefined when the value has none. */
export function ngsiLdEntityId(value: unknown): string | undefined {
  if (!isJsonObject(value)) return undefined;
  return typeof value.id === 'string' && value.id.trim() !== '' ? value.id : undefined;
}

/** `type` is a string, or (NGSI-LD 1.6 and later) a non-empty array of strings. */
function hasEntityType(entity: JsonObject): boolean {
  const { type } = entity;
  if (typeof type === 'string') return type !== '';
  return Array.isArray(type) && type.length > 0 && type.every((t) => typeof t === 'string' && t !== '');
}

function entityTypeLabel(entity: JsonObject): string {
  return Array.isArray(entity.type) ? entity.type.join(', ') : String(entity.type);
}

/** An ISO 8601 instant, or the end of an interval `start/end` (both with a zone), in ms epoch. */
function timeOrIntervalEnd(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const parts = value.split('/');
  if (parts.length > 2) return undefined;
  if (parts.length === 2 && parseTime(parts[0]) === undefined) return undefined;
  const ms = parseTime(parts[parts.length - 1]);
  return ms === undefined || ms < 0 ? undefined : Math.round(ms);
}

const TIME_RULE = 'an ISO 8601 time (or interval start/end) with a zone, Z or ±hh:mm';

/** The entity-wide time (see the module comment), `undefined` when the entity states none. */
function entityTime(entity: JsonObject): { ms: number } | { error: string } | undefined {
  for (const name of ['dateObservedTo', 'dateObserved']) {
    if (!Object.hasOwn(entity, name)) continue;
    const raw = entity[name];
    const text = literal(isAttribute(raw) ? raw.value : raw);
    const ms = timeOrIntervalEnd(text);
    return ms === undefined ? { error: `${name} ${show(text)} is not ${TIME_RULE}` } : { ms };
  }
  return undefined;
}

/** What a mapped field resolves to in an entity. */
interface ResolvedField {
  /** The value, unwrapped from its Property; undefined when the path leads nowhere. */
  readonly value: unknown;
  /** Whether the path leads to an attribute or value at all (a Relationship has no value). */
  readonly present: boolean;
  /** The `observedAt` of the innermost Property on the path, as given (not yet parsed). */
  readonly observedAt: unknown;
  /** The attribute (and sub-attributes) that carried `observedAt`, for messages. */
  readonly observedAtOf: string | undefined;
}

/**
 * Resolves a mapping's field in an entity. The field starts with an attribute name; an attribute name
 * may itself contain dots (an expanded IRI such as `https://smartdatamodels.org/…/occupancy`), so the
 * longest attribute name that prefixes the field wins. Each further segment is a sub-attribute of the
 * Property when the Property has one of that name, else a key inside the Property's value (or, in
 * key-values form, inside the plain value).
 */
function resolveField(entity: JsonObject, field: string): ResolvedField {
  const segments = field.split('.');
  let split = segments.length;
  while (split > 1 && !Object.hasOwn(entity, segments.slice(0, split).join('.'))) split -= 1;
  const attribute = segments.slice(0, split).join('.');
  if (ENTITY_MEMBERS.has(attribute))
    return { value: undefined, present: false, observedAt: undefined, observedAtOf: undefined };

  let node = defaultInstance(own(entity, attribute));
  let observedAt: unknown;
  let observedAtOf: string | undefined;
  let path = attribute;
  const noteTime = (): void => {
    if (isAttribute(node) && node.observedAt !== undefined) {
      observedAt = node.observedAt;
      observedAtOf = path;
    }
  };
  noteTime();
  for (const key of segments.slice(split)) {
    path = `${path}.${key}`;
    if (isAttribute(node)) {
      const sub = ATTRIBUTE_MEMBERS.has(key) ? undefined : defaultInstance(own(node, key));
      if (isAttribute(sub)) {
        node = sub;
        noteTime();
        continue;
      }
      node = literal(node.value);
    }
    node = isJsonObject(node) ? defaultInstance(own(node, key)) : undefined;
  }
  const value = literal(isAttribute(node) ? node.value : node);
  return { value, present: node !== undefined, observedAt, observedAtOf };
}

/**
 * Normalizes one NGSI-LD entity. `where` names the entity's place in its input (`data[3]`) in the
 * message when it is no entity at all.
 */
export function normalizeNgsiLdEntity(
  entity: unknown,
  mappings: ReadonlyMap<string, DeviceMapping>,
  receivedAtMs: number,
  where = 'the input',
): NormalizeResult {
  const result = emptyResult();
  const entityId = ngsiLdEntityId(entity);
  if (!isJsonObject(entity) || entityId === undefined || !hasEntityType(entity)) {
    result.rejected.push({
      reason: 'invalid-payload',
      message: `${where} is ${
        isJsonObject(entity)
          ? `an object without ${entityId === undefined ? 'a string "id"' : 'a "type"'}`
          : Array.isArray(entity)
            ? 'an array'
            : show(entity)
      }, not an NGSI-LD entity`,
      ...(entityId === undefined ? {} : { sourceId: entityId }),
    });
    return result;
  }
  const mapping = mappings.get(entityId);
  if (mapping === undefined) {
    result.rejected.push({
      reason: 'unknown-device',
      message: `no mapping names entity ${entityId} (type ${entityTypeLabel(entity)})`,
      sourceId: entityId,
    });
    return result;
  }

  const reject = (rejection: Omit<RejectedInput, 'sourceId'>): void => {
    result.rejected.push({ ...rejection, sourceId: entityId });
  };
  const fallbackMs = Math.max(0, Math.round(receivedAtMs));
  const shared = entityTime(entity);
  /** Values by observation time; `uncertain` when any of them is dated by the receive time. */
  const groups = new Map<number, { values: Record<string, number>; quality: Quality }>();
  /** Attributes turned away because the entity's own time could not be read. */
  const untimed: string[] = [];

  for (const { field, quantity, scale = 1, offset = 0 } of mapping.fields) {
    const resolved = resolveField(entity, field);
    const raw = resolved.value;
    if (typeof raw !== 'number' || !Number.isFinite(raw)) {
      reject({
        reason: 'missing-value',
        message: !resolved.present
          ? `${entityId}: no attribute "${field}" (for ${mapping.sensorId}.${quantity})`
          : raw === undefined
            ? `${entityId}: attribute "${field}" has no value (for ${mapping.sensorId}.${quantity})`
            : `${entityId}: attribute "${field}" is ${show(raw)}, not a finite number (for ${mapping.sensorId}.${quantity})`,
      });
      continue;
    }
    const scaled = raw * scale + offset;
    if (!Number.isFinite(scaled)) {
      reject({
        reason: 'missing-value',
        message: `${entityId}: attribute "${field}" = ${raw} scales to ${scaled}`,
      });
      continue;
    }

    let observedAt: number;
    let quality: Quality = 'good';
    if (resolved.observedAt !== undefined) {
      const ms = parseTime(resolved.observedAt);
      if (ms === undefined || ms < 0) {
        reject({
          reason: 'invalid-payload',
          message: `${entityId}: observedAt ${show(resolved.observedAt)} of "${resolved.observedAtOf ?? field}" is not ${TIME_RULE}`,
        });
        continue;
      }
      observedAt = Math.round(ms);
    } else if (shared !== undefined) {
      if ('error' in shared) {
        untimed.push(field);
        continue;
      }
      observedAt = shared.ms;
    } else {
      observedAt = fallbackMs;
      quality = 'uncertain';
    }
    const group = groups.get(observedAt) ?? { values: {}, quality };
    group.values[quantity] = scaled;
    if (quality === 'uncertain') group.quality = 'uncertain';
    groups.set(observedAt, group);
  }

  if (untimed.length > 0 && shared !== undefined && 'error' in shared) {
    reject({
      reason: 'invalid-payload',
      message: `${entityId}: ${shared.error}; ${untimed.map((f) => `"${f}"`).join(', ')} not taken`,
    });
  }
  const observations: Observation[] = [...groups].map(([observedAt, { values, quality }]) => ({
    sensorId: mapping.sensorId,
    observedAt,
    values,
    quality,
  }));
  observations.sort((a, b) => a.observedAt - b.observedAt);
  result.observations.push(...observations);
  return result;
}

/** The entities of one input, each with the place it had there, or why the input has none. */
export type NgsiLdEntities =
  | { readonly ok: true; readonly entities: readonly { readonly where: string; readonly entity: unknown }[] }
  | { readonly ok: false; readonly rejection: RejectedInput };

/**
 * Finds the entities in one input: a JSON text or an already parsed value holding an NGSI-LD
 * Notification (`{ type: 'Notification', data: [...] }`), an array of entities, or one entity. Only
 * the envelope is checked here; each entity is checked by {@link normalizeNgsiLdEntity}.
 */
export function ngsiLdEntitiesOf(raw: string | unknown): NgsiLdEntities {
  let body: unknown = raw;
  if (typeof raw === 'string') {
    try {
      body = JSON.parse(raw) as unknown;
    } catch (error) {
      return {
        ok: false,
        rejection: {
          reason: 'invalid-payload',
          message: `NGSI-LD input is not JSON (${error instanceof Error ? error.message : String(error)})`,
        },
      };
    }
  }
  if (Array.isArray(body)) {
    return { ok: true, entities: body.map((entity, index) => ({ where: `[${index}]`, entity })) };
  }
  if (isJsonObject(body) && body.type === 'Notification') {
    if (!Array.isArray(body.data)) {
      return {
        ok: false,
        rejection: {
          reason: 'invalid-payload',
          message: `NGSI-LD Notification${typeof body.subscriptionId === 'string' ? ` of subscription ${body.subscriptionId}` : ''} has no "data" array`,
        },
      };
    }
    return { ok: true, entities: body.data.map((entity, index) => ({ where: `data[${index}]`, entity })) };
  }
  if (isJsonObject(body) && ngsiLdEntityId(body) !== undefined) {
    return { ok: true, entities: [{ where: 'the entity', entity: body }] };
  }
  return {
    ok: false,
    rejection: {
      reason: 'invalid-payload',
      message: `NGSI-LD input is ${
        isJsonObject(body) ? 'an object with no "id"' : show(body)
      }, not an entity, an array of entities or a Notification`,
    },
  };
}

/**
 * Normalizes one NGSI-LD input: one entity, an array of entities, or a Notification. Each entity is
 * answered on its own: an entity no mapping names is one `unknown-device` rejection; a mapped
 * attribute that is missing or not a finite number is one `missing-value` rejection naming the entity
 * and the attribute; the other quantities of the entity still count. Times: see the module comment.
 * Observations come out oldest first, so readings of one sensor reach the hub in order.
 */
export function normalizeNgsiLdEntities(
  raw: string | unknown,
  mappings: ReadonlyMap<string, DeviceMapping>,
  receivedAtMs: number,
): NormalizeResult {
  const result = emptyResult();
  const found = ngsiLdEntitiesOf(raw);
  if (!found.ok) {
    result.rejected.push(found.rejection);
    return result;
  }
  for (const { where, entity } of found.entities) {
    const one = normalizeNgsiLdEntity(entity, mappings, receivedAtMs, where);
    result.observations.push(...one.observations);
    result.rejected.push(...one.rejected);
    result.health.push(...one.health);
  }
  // Array.prototype.sort is stable: equal times keep the order of the input.
  result.observations.sort((a, b) => a.observedAt - b.observedAt);
  return result;
}
