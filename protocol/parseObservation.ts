/**
 * `ObservationSchema.safeParse`, fast for the inputs that are plainly valid.
 *
 * Every reading of every source passes here, hundreds of thousands a second, and a schema library's
 * general machinery costs more than everything else on the ingest path together. A plain object with
 * exactly the fields and types an observation needs is checked here by hand and copied out as the
 * schema would write it (unknown fields dropped, `quality` defaulting to `good`); anything else, and
 * every input the hand check is not sure of, goes to the schema itself, so rejections keep the
 * schema's messages and nothing the schema refuses is ever taken. `parseObservation.test.ts` holds
 * the two to the same answer on valid, broken and hostile inputs.
 */
import { MAX_DATE_MS, MAX_VALUES_PER_OBSERVATION, ObservationSchema, type Observation } from './schemas.ts';

const QUANTITY_NAME = /^[a-z][A-Za-z0-9]*$/;

/** What `ObservationSchema.safeParse` gives. */
export type ObservationParse = ReturnType<typeof ObservationSchema.safeParse>;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** The observation in `input` when it is plainly valid; undefined when the schema must decide. */
function plainObservation(input: unknown): Observation | undefined {
  if (!isPlainObject(input)) return undefined;
  const { sensorId, observedAt, values, quality } = input;
  if (typeof sensorId !== 'string' || sensorId.length === 0) return undefined;
  if (typeof observedAt !== 'number' || !Number.isInteger(observedAt)) return undefined;
  if (observedAt < 0 || observedAt > MAX_DATE_MS) return undefined;
  if (quality !== undefined && quality !== 'good' && quality !== 'uncertain' && quality !== 'bad')
    return undefined;
  if (!isPlainObject(values)) return undefined;
  const copy: Record<string, number> = {};
  let count = 0;
  for (const name in values) {
    // Inherited keys (a null-prototype object has none) and anything odd: the schema decides.
    if (!Object.prototype.hasOwnProperty.call(values, name)) return undefined;
    const value = values[name];
    if (typeof value !== 'number' || !Number.isFinite(value) || !QUANTITY_NAME.test(name)) return undefined;
    copy[name] = value;
    count += 1;
  }
  if (count === 0 || count > MAX_VALUES_PER_OBSERVATION) return undefined;
  // Symbol keys and non-enumerable properties are not seen by `for … in`: leave those to the schema.
  if (Reflect.ownKeys(values).length !== count) return undefined;
  return { sensorId, observedAt, values: copy, quality: quality ?? 'good' };
}

/** `ObservationSchema.safeParse(input)`, with a fast path for plainly valid observations. */
export function parseObservation(input: unknown): ObservationParse {
  let observation: Observation | undefined;
  try {
    observation = plainObservation(input);
  } catch {
    // A proxy or a getter that throws: the schema meets it as it would have without the fast path.
    observation = undefined;
  }
  if (observation !== undefined) return { success: true, data: observation } as ObservationParse;
  return ObservationSchema.safeParse(input);
}
