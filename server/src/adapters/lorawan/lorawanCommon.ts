/**
 * Helpers shared by the LoRaWAN network-server normalizers (The Things Stack, ChirpStack). Pure: no
 * I/O, no throwing on bad input.
 */
import { parseTime, type DeviceMapping } from '../normalize.ts';

/** A JSON object (not an array, not null). */
export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A finite number, or undefined. */
export function finite(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** A non-empty string, or undefined. */
export function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/**
 * Turns a raw input (JSON text, UTF-8 bytes or an already parsed value) into a JSON object, or a
 * sentence saying why it is not one.
 */
export function parseJsonObject(raw: unknown): { ok: true; value: JsonObject } | { ok: false; why: string } {
  let value: unknown = raw;
  if (raw instanceof Uint8Array) {
    value = new TextDecoder('utf-8', { fatal: false }).decode(raw);
  }
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch (err) {
      return { ok: false, why: `not valid JSON (${err instanceof Error ? err.message : String(err)})` };
    }
  }
  if (!isObject(value)) {
    const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
    return { ok: false, why: `expected a JSON object, got ${kind}` };
  }
  return { ok: true, value };
}

/**
 * Parses an ISO 8601 time as network servers write it, with up to nanosecond precision
 * (`2020-02-12T15:15:46.014773143Z`, `2022-07-18T09:34:15.775023242+00:00`): the fraction is cut
 * to milliseconds before parsing, so the result never depends on how many digits a runtime accepts.
 */
export function parseNetworkTime(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const cut = value.replace(/(\.\d{3})\d+/, '$1');
  return parseTime(cut);
}

/** A fallback time usable as `observedAt` (an integer ms epoch ≥ 0), or undefined. */
export function fallbackTime(receivedAtMs: number): number | undefined {
  return Number.isFinite(receivedAtMs) && receivedAtMs >= 0 ? Math.trunc(receivedAtMs) : undefined;
}

/**
 * Finds the mapping of a device by the first of its ids that the map holds. EUIs are tried as given,
 * then in upper and lower case (TTS writes them upper case, ChirpStack lower case).
 */
export function findMapping(
  mappings: ReadonlyMap<string, DeviceMapping>,
  ids: { readonly eui?: string | undefined; readonly names: readonly (string | undefined)[] },
): DeviceMapping | undefined {
  const keys: string[] = [];
  for (const name of ids.names) if (name !== undefined) keys.push(name);
  if (ids.eui !== undefined) keys.push(ids.eui, ids.eui.toUpperCase(), ids.eui.toLowerCase());
  for (const key of keys) {
    const mapping = mappings.get(key);
    if (mapping !== undefined) return mapping;
  }
  return undefined;
}

/** The gateway that heard an uplink best. */
export interface BestRx {
  readonly rssiDbm?: number;
  readonly snrDb?: number;
  readonly gatewayId?: string;
}

/**
 * Picks the receive-metadata entry with the strongest RSSI (entries without one count only when no
 * entry has one); malformed entries are skipped.
 */
export function bestRx(
  entries: unknown,
  read: (entry: JsonObject) => {
    rssi?: number | undefined;
    snr?: number | undefined;
    gatewayId?: string | undefined;
  },
): BestRx {
  if (!Array.isArray(entries)) return {};
  let best:
    { rssi?: number | undefined; snr?: number | undefined; gatewayId?: string | undefined } | undefined;
  for (const entry of entries) {
    if (!isObject(entry)) continue;
    const rx = read(entry);
    if (best === undefined) {
      best = rx;
      continue;
    }
    if (rx.rssi !== undefined && (best.rssi === undefined || rx.rssi > best.rssi)) best = rx;
  }
  if (best === undefined) return {};
  return {
    ...(best.rssi !== undefined ? { rssiDbm: best.rssi } : {}),
    ...(best.snr !== undefined ? { snrDb: best.snr } : {}),
    ...(best.gatewayId !== undefined ? { gatewayId: best.gatewayId } : {}),
  };
}

/** A battery level in percent when the value is a finite number in 0..100. */
export function batteryPercent(value: unknown): number | undefined {
  const n = finite(value);
  return n !== undefined && n >= 0 && n <= 100 ? n : undefined;
}
