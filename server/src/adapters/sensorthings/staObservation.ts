/**
 * Normalizer of OGC SensorThings API 1.1 Observations (FROST-Server and others), from MQTT
 * (`v1.1/Datastreams(id)/Observations`) or from polling a Thing with Datastreams and their latest
 * Observations expanded. Pure: no I/O, never throws on bad input.
 */
import type { Observation } from '../../../../protocol/index.ts';
import { emptyResult, mapFields, parseTime } from '../normalize.ts';
import type { DeviceMapping, NormalizeResult, RejectedInput } from '../normalize.ts';
import { isJsonObject, parseJsonInput, staId } from './staPage.ts';

/** `123` or `'quoted'` (with `''` as an escaped quote), as in `Datastreams(…)`. */
const ID_LITERAL = String.raw`(?:'((?:[^']|'')*)'|(-?\d+))`;
const TOPIC_RE = new RegExp(String.raw`(?:^|/)Datastreams\(${ID_LITERAL}\)/Observations(?:\?.*)?$`);
const LINK_RE = new RegExp(String.raw`(?:^|/)Datastreams\(${ID_LITERAL}\)(?:[/?].*)?$`);

function idFromMatch(match: RegExpExecArray | null): string | undefined {
  if (!match) return undefined;
  const id = match[1] !== undefined ? match[1].replaceAll("''", "'") : match[2];
  return id === undefined || id === '' ? undefined : id;
}

/**
 * The datastream id of an MQTT topic `v1.1/Datastreams(id)/Observations` (numeric or `'quoted'` ids,
 * with an optional `?$select=…` query); undefined for any other topic.
 */
export function datastreamIdFromTopic(topic: string): string | undefined {
  return idFromMatch(TOPIC_RE.exec(topic));
}

/** The datastream id an Observation names itself: an expanded `Datastream`, or a link `…/Datastreams(id)`. */
function datastreamIdOf(observation: Record<string, unknown>): string | undefined {
  const expanded = observation.Datastream;
  if (isJsonObject(expanded)) {
    const id = staId(expanded['@iot.id']);
    if (id !== undefined) return id;
  }
  for (const key of ['Datastream@iot.navigationLink', 'Datastream@iot.selfLink']) {
    const link = observation[key];
    if (typeof link === 'string') {
      const id = idFromMatch(LINK_RE.exec(link));
      if (id !== undefined) return id;
    }
  }
  return undefined;
}

/**
 * A SensorThings time (an instant, or an interval `start/end` whose end is used) in ms epoch.
 * `absent` when the value is missing or null, `invalid` when it is there but not a time.
 */
function staTime(value: unknown): number | 'absent' | 'invalid' {
  if (value === undefined || value === null) return 'absent';
  if (typeof value !== 'string') return 'invalid';
  const parts = value.split('/');
  if (parts.length > 2) return 'invalid';
  const ms = parseTime(parts[parts.length - 1]);
  if (parts.length === 2 && parseTime(parts[0]) === undefined) return 'invalid';
  return ms === undefined || ms < 0 ? 'invalid' : Math.round(ms);
}

function show(value: unknown): string {
  if (value === undefined) return 'missing';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return JSON.stringify(value) ?? String(value);
}

/**
 * Normalizes one SensorThings Observation. The datastream is `datastreamId` (from the MQTT topic or the
 * polled URL), else the Observation's expanded `Datastream` or a `Datastreams(id)` link in it. A
 * numeric `result` becomes the mapping's first field's quantity (its field name is not used; scale
 * and offset are); an object `result` goes through {@link mapFields}. The time is `phenomenonTime`
 * (the end of an interval), else `resultTime`, else `receivedAtMs` with quality `uncertain`.
 */
export function normalizeStaObservation(
  raw: string | unknown,
  datastreamId: string | undefined,
  mappings: ReadonlyMap<string, DeviceMapping>,
  receivedAtMs: number,
): NormalizeResult {
  const result = emptyResult();
  const reject = (r: RejectedInput): NormalizeResult => {
    result.rejected.push(r);
    return result;
  };
  const parsed = parseJsonInput(raw);
  if (!parsed.ok) {
    return reject({
      reason: 'invalid-payload',
      message: `SensorThings Observation is not JSON (${parsed.error})`,
      ...(datastreamId !== undefined ? { sourceId: datastreamId } : {}),
    });
  }
  const obs = parsed.value;
  const streamId = datastreamId ?? (isJsonObject(obs) ? datastreamIdOf(obs) : undefined);
  const sourceId = streamId !== undefined ? { sourceId: streamId } : {};
  if (!isJsonObject(obs) || !('result' in obs || 'phenomenonTime' in obs || 'resultTime' in obs)) {
    return reject({
      reason: 'invalid-payload',
      message: `SensorThings message is ${Array.isArray(obs) ? 'an array' : show(obs).slice(0, 80)}, not an Observation`,
      ...sourceId,
    });
  }
  const obsLabel =
    staId(obs['@iot.id']) !== undefined ? `Observation ${staId(obs['@iot.id'])}` : 'Observation';
  if (streamId === undefined) {
    return reject({
      reason: 'unknown-device',
      message: `${obsLabel} names no Datastream (no topic, no expanded Datastream, no Datastreams(id) link)`,
    });
  }
  const mapping = mappings.get(streamId);
  if (mapping === undefined) {
    return reject({
      reason: 'unknown-device',
      message: `${obsLabel}: no mapping names Datastream ${streamId}`,
      sourceId: streamId,
    });
  }

  let observedAt: number;
  let quality: Observation['quality'] = 'good';
  const phenomenon = staTime(obs.phenomenonTime);
  const resultTime = staTime(obs.resultTime);
  if (phenomenon === 'invalid') {
    return reject({
      reason: 'invalid-payload',
      message: `${obsLabel} of Datastream ${streamId}: phenomenonTime ${show(obs.phenomenonTime)} is not a time or interval`,
      sourceId: streamId,
    });
  } else if (phenomenon !== 'absent') {
    observedAt = phenomenon;
  } else if (typeof resultTime === 'number') {
    observedAt = resultTime;
  } else {
    observedAt = Math.max(0, Math.round(receivedAtMs));
    quality = 'uncertain';
  }

  const value = obs.result;
  let values: Record<string, number> = {};
  if (typeof value === 'number' && Number.isFinite(value)) {
    const first = mapping.fields[0];
    if (first === undefined) {
      return reject({
        reason: 'missing-value',
        message: `Datastream ${streamId}: the mapping to ${mapping.sensorId} names no quantity`,
        sourceId: streamId,
      });
    }
    const scaled = value * (first.scale ?? 1) + (first.offset ?? 0);
    if (!Number.isFinite(scaled)) {
      return reject({
        reason: 'missing-value',
        message: `Datastream ${streamId}: result ${value} scales to ${scaled}`,
        sourceId: streamId,
      });
    }
    values[first.quantity] = scaled;
  } else if (isJsonObject(value)) {
    const mapped = mapFields(value, mapping);
    values = mapped.values;
    result.rejected.push(...mapped.rejected);
  } else {
    return reject({
      reason: 'missing-value',
      message: `${obsLabel} of Datastream ${streamId}: result is ${show(value)}, not a finite number or an object`,
      sourceId: streamId,
    });
  }
  if (Object.keys(values).length > 0) {
    result.observations.push({ sensorId: mapping.sensorId, observedAt, values, quality });
  }
  return result;
}

/**
 * Normalizes a Thing fetched with `$expand=Datastreams($expand=Observations(…))` (the polling
 * fallback, and the payload of the expanded MQTT topic): every Observation of every mapped
 * Datastream. A Datastream no mapping names is one `unknown-device` rejection, however many
 * Observations it carries. Observations come out oldest first.
 */
export function normalizeExpandedThing(
  thing: string | unknown,
  mappings: ReadonlyMap<string, DeviceMapping>,
  receivedAtMs: number,
): NormalizeResult {
  const result = emptyResult();
  const parsed = parseJsonInput(thing);
  if (!parsed.ok) {
    result.rejected.push({
      reason: 'invalid-payload',
      message: `SensorThings Thing is not JSON (${parsed.error})`,
    });
    return result;
  }
  const body = parsed.value;
  const thingId = isJsonObject(body) ? staId(body['@iot.id']) : undefined;
  if (!isJsonObject(body) || !Array.isArray(body.Datastreams)) {
    result.rejected.push({
      reason: 'invalid-payload',
      message: `SensorThings Thing${thingId !== undefined ? ` ${thingId}` : ''} has no expanded Datastreams array`,
      ...(thingId !== undefined ? { sourceId: thingId } : {}),
    });
    return result;
  }
  body.Datastreams.forEach((ds: unknown, index) => {
    const dsId = isJsonObject(ds) ? staId(ds['@iot.id']) : undefined;
    if (!isJsonObject(ds) || dsId === undefined) {
      result.rejected.push({
        reason: 'invalid-payload',
        message: `Thing ${thingId ?? '?'}: Datastreams[${index}] has no usable @iot.id`,
      });
      return;
    }
    if (!Array.isArray(ds.Observations)) {
      result.rejected.push({
        reason: 'invalid-payload',
        message: `Thing ${thingId ?? '?'}: Datastream ${dsId} has no expanded Observations array`,
        sourceId: dsId,
      });
      return;
    }
    if (!mappings.has(dsId)) {
      result.rejected.push({
        reason: 'unknown-device',
        message: `Thing ${thingId ?? '?'}: no mapping names Datastream ${dsId} (${ds.Observations.length} Observations dropped)`,
        sourceId: dsId,
      });
      return;
    }
    for (const obs of ds.Observations) {
      const one = normalizeStaObservation(obs, dsId, mappings, receivedAtMs);
      result.observations.push(...one.observations);
      result.rejected.push(...one.rejected);
      result.health.push(...one.health);
    }
  });
  result.observations.sort((a, b) => a.observedAt - b.observedAt);
  return result;
}
