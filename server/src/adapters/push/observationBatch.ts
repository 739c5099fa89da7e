/**
 * The body of `POST /api/v1/observations`: one Observation, a JSON array of them, or NDJSON (one per
 * line). Pure: every item is checked on its own against the protocol's schema, so one bad item is
 * answered with its index, line and reason while the good ones around it go on to the hub.
 */
import { parseObservation, type Observation } from '../../../../protocol/index.ts';
import type { RejectedInput } from '../normalize.ts';
import { zodErrorText } from '../../../../protocol/zodError.ts';

/** Limits of one request body. */
export interface BatchLimits {
  /** Most items per request. */
  readonly maxItems: number;
  /** Most bytes of one item (one NDJSON line, or one array element once re-serialised). */
  readonly maxItemBytes: number;
}

export const DEFAULT_BATCH_LIMITS: BatchLimits = { maxItems: 10_000, maxItemBytes: 4096 };

/** One item's outcome; `index` counts from 0 over the items, `line` (NDJSON) from 1. */
export type BatchItem =
  | { readonly index: number; readonly line?: number; readonly ok: true; readonly observation: Observation }
  | { readonly index: number; readonly line?: number; readonly ok: false; readonly rejection: RejectedInput };

/** The whole body: its items, or a reason the body as a whole cannot be read. */
export type BatchParse =
  | { readonly ok: true; readonly items: BatchItem[] }
  | { readonly ok: false; readonly rejection: RejectedInput };

function checkItem(value: unknown, index: number, line: number | undefined): BatchItem {
  const parsed = parseObservation(value);
  if (parsed.success)
    return line === undefined
      ? { index, ok: true, observation: parsed.data }
      : { index, line, ok: true, observation: parsed.data };
  const where = line === undefined ? `item ${index}` : `line ${line}`;
  const sensorId =
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { sensorId?: unknown }).sensorId === 'string'
      ? (value as { sensorId: string }).sensorId
      : undefined;
  return {
    index,
    ...(line === undefined ? {} : { line }),
    ok: false,
    rejection: {
      reason: 'invalid-payload',
      message: `${where}: ${zodErrorText(parsed.error)}`,
      ...(sensorId === undefined ? {} : { sourceId: sensorId }),
    },
  };
}

function tooLarge(index: number, line: number | undefined, bytes: number, limits: BatchLimits): BatchItem {
  const where = line === undefined ? `item ${index}` : `line ${line}`;
  return {
    index,
    ...(line === undefined ? {} : { line }),
    ok: false,
    rejection: {
      reason: 'too-large',
      message: `${where}: ${bytes} bytes, more than the limit of ${limits.maxItemBytes} bytes per observation`,
    },
  };
}

function tooMany(count: number, limits: BatchLimits): BatchParse {
  return {
    ok: false,
    rejection: {
      reason: 'too-large',
      message: `${count} observations in one request; at most ${limits.maxItems} (split the batch)`,
    },
  };
}

/**
 * One NDJSON line (`line` counts from 1) as item `index`: its observation or why not; undefined for
 * a blank line. `surelySmallChars`: lines up to this many characters need no byte count (UTF-8 takes
 * at most 3 bytes per UTF-16 code unit).
 */
export function parseNdjsonLine(
  raw: string,
  index: number,
  line: number,
  limits: BatchLimits,
  surelySmallChars = Math.floor(limits.maxItemBytes / 3),
): BatchItem | undefined {
  const text = raw.trim();
  if (text === '') return undefined;
  if (text.length > surelySmallChars) {
    const bytes = Buffer.byteLength(text);
    if (bytes > limits.maxItemBytes) return tooLarge(index, line, bytes, limits);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return {
      index,
      line,
      ok: false,
      rejection: {
        reason: 'invalid-payload',
        message: `line ${line}: not JSON (${(error as Error).message})`,
      },
    };
  }
  return checkItem(value, index, line);
}

/** NDJSON: one JSON value per line; blank lines are skipped; a bad line does not stop the others. */
function parseNdjson(body: string, limits: BatchLimits): BatchParse {
  const items: BatchItem[] = [];
  const lines = body.split('\n');
  const surelySmallChars = Math.floor(limits.maxItemBytes / 3);
  for (let lineIndex = 0; lineIndex < lines.length; lineIndex++) {
    const raw = lines[lineIndex] as string;
    if (items.length >= limits.maxItems && raw.trim() !== '')
      return tooMany(lines.filter((l) => l.trim() !== '').length, limits);
    const item = parseNdjsonLine(raw, items.length, lineIndex + 1, limits, surelySmallChars);
    if (item) items.push(item);
  }
  return { ok: true, items };
}

/** JSON: one Observation object or an array of them. */
function parseJson(body: string, limits: BatchLimits): BatchParse {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    return {
      ok: false,
      rejection: { reason: 'invalid-payload', message: `the body is not JSON (${(error as Error).message})` },
    };
  }
  const list = Array.isArray(value) ? value : [value];
  if (list.length > limits.maxItems) return tooMany(list.length, limits);
  return {
    ok: true,
    items: list.map((item, index) => {
      const bytes = Buffer.byteLength(JSON.stringify(item) ?? '');
      return bytes > limits.maxItemBytes
        ? tooLarge(index, undefined, bytes, limits)
        : checkItem(item, index, undefined);
    }),
  };
}

/**
 * Parses a push body by its content type: `application/x-ndjson` (or `application/jsonl`) as NDJSON,
 * `application/json` as JSON; anything else is refused with the types it accepts.
 */
export function parseObservationBatch(
  body: string,
  contentType: string | undefined,
  limits: BatchLimits = DEFAULT_BATCH_LIMITS,
): BatchParse {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/x-ndjson' || type === 'application/ndjson' || type === 'application/jsonl')
    return parseNdjson(body, limits);
  if (type === 'application/json') return parseJson(body, limits);
  return {
    ok: false,
    rejection: {
      reason: 'invalid-payload',
      message: `content type "${type || '(none)'}" is not accepted; send application/json or application/x-ndjson`,
    },
  };
}
