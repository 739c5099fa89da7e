/**
 * The contract of every ingest normalizer (DESIGN.md, "How a reading travels"): a pure function from
 * one raw input of a source to observations for the hub, the inputs it had to turn away (each with a
 * reason an operator can act on) and, where the source reports them, device health facts. Adapters
 * are the I/O shells around normalizers; normalizers never do I/O and never throw on bad input.
 */
import type { Observation } from '../../../protocol/index.ts';

/** Why a normalizer turned an input (or part of one) away. Closed: it becomes a metrics label. */
export type NormalizeRejectionReason =
  /** Not parseable (invalid JSON, wrong envelope, wrong types, NaN/Infinity). */
  | 'invalid-payload'
  /** Bigger than the source's size limit; not parsed at all. */
  | 'too-large'
  /** A well-formed message from a device, datastream or lot no mapping names. */
  | 'unknown-device'
  /** A payload field the mapping names is missing or not a finite number. */
  | 'missing-value'
  /** A message kind that carries no reading (join, status-only, ack): not an error, but counted. */
  | 'not-a-reading';

/** One thing a normalizer turned away. */
export interface RejectedInput {
  readonly reason: NormalizeRejectionReason;
  /** A sentence naming what was wrong (field, value, device). */
  readonly message: string;
  /** The source's own id of the sender (device EUI/id, datastream id, lot id), when known. */
  readonly sourceId?: string;
}

/** What a source says about the health of a device, attached to the sensor it is mapped to. */
export interface DeviceHealth {
  readonly sensorId: string;
  /** When the source received the message (ms epoch). */
  readonly seenAt: number;
  /** 0–100 %. */
  readonly batteryPercent?: number;
  /** Best received signal strength over the gateways, dBm. */
  readonly rssiDbm?: number;
  /** Signal-to-noise ratio at that gateway, dB. */
  readonly snrDb?: number;
  /** The gateway with the best signal. */
  readonly gatewayId?: string;
}

/** The result of normalizing one raw input. */
export interface NormalizeResult {
  readonly observations: Observation[];
  readonly rejected: RejectedInput[];
  readonly health: DeviceHealth[];
}

/** How one field of a source's payload becomes one quantity of a sensor: `value × scale + offset`. */
export interface FieldMapping {
  /** Dot path into the decoded payload, e.g. `temperature` or `air.no2`. */
  readonly field: string;
  /** The quantity name in the registry, unit in the name (`no2UgM3`, `occupiedSpaces`). */
  readonly quantity: string;
  readonly scale?: number;
  readonly offset?: number;
}

/** Which sensor a source's device (or datastream, or lot) feeds, and how its fields map. */
export interface DeviceMapping {
  /** The id the source uses (TTN `device_id`, ChirpStack `devEui`, a datastream or lot id). */
  readonly sourceId: string;
  readonly sensorId: string;
  readonly fields: readonly FieldMapping[];
}

/** An empty result, to build on. */
export function emptyResult(): NormalizeResult {
  return { observations: [], rejected: [], health: [] };
}

/** A result that only turns the input away, for one reason. */
export function rejectOnly(
  reason: NormalizeRejectionReason,
  message: string,
  sourceId?: string,
): NormalizeResult {
  return {
    ...emptyResult(),
    rejected: [sourceId === undefined ? { reason, message } : { reason, message, sourceId }],
  };
}

/** Reads a dot path (`air.no2`) from a JSON value; undefined when any step is missing. */
export function readPath(value: unknown, path: string): unknown {
  let node: unknown = value;
  for (const key of path.split('.')) {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/**
 * Applies a device mapping to a decoded payload: every mapped field that is a finite number becomes a
 * value; a missing or non-numeric field is one `missing-value` rejection naming it. Numbers given as
 * numeric strings are not accepted: a source that sends `"21.5"` has a decoder problem to fix.
 */
export function mapFields(
  payload: unknown,
  mapping: DeviceMapping,
): { values: Record<string, number>; rejected: RejectedInput[] } {
  const values: Record<string, number> = {};
  const rejected: RejectedInput[] = [];
  for (const { field, quantity, scale = 1, offset = 0 } of mapping.fields) {
    const raw = readPath(payload, field);
    if (typeof raw !== 'number' || !Number.isFinite(raw)) {
      rejected.push({
        reason: 'missing-value',
        message:
          raw === undefined
            ? `${mapping.sourceId}: the payload has no field "${field}" (for ${mapping.sensorId}.${quantity})`
            : `${mapping.sourceId}: field "${field}" is ${JSON.stringify(raw) ?? String(raw)}, not a finite number`,
        sourceId: mapping.sourceId,
      });
      continue;
    }
    values[quantity] = raw * scale + offset;
  }
  return { values, rejected };
}

/**
 * Parses an ISO 8601 time with its zone (`Z` or `±hh:mm`) to ms epoch; undefined otherwise. A time
 * without a zone would be read in the server's own zone, so it is refused: the caller knows the
 * source's zone and converts (see `parkapi/parkingCommon.ts` for Europe/Berlin).
 */
export function parseTime(value: unknown): number | undefined {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T.*(?:Z|[+-]\d{2}:?\d{2})$/i.test(value))
    return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}
