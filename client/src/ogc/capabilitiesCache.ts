/**
 * Capabilities read once per service URL and session: the WMS binding (time values, legend), the
 * feature info on a click (formats, time) and the legend rows share one request. A failed read is
 * forgotten, so the next use tries again.
 */
import type { FetchLike } from '../api/cityApi.ts';
import { fetchWmsCapabilities, fetchWmtsCapabilities } from './ogcRequests.ts';
import type { WmsCapabilities } from './wmsCapabilities.ts';
import type { WmtsCapabilities } from './wmtsCapabilities.ts';

const wms = new Map<string, Promise<WmsCapabilities>>();
const wmts = new Map<string, Promise<WmtsCapabilities>>();
const settledWms = new Map<string, WmsCapabilities>();
const settledWmts = new Map<string, WmtsCapabilities>();

function cached<T>(
  map: Map<string, Promise<T>>,
  settled: Map<string, T>,
  url: string,
  load: () => Promise<T>,
): Promise<T> {
  const known = map.get(url);
  if (known) return known;
  const promise = load().then(
    (value) => {
      settled.set(url, value);
      return value;
    },
    (error: unknown) => {
      map.delete(url);
      throw error;
    },
  );
  map.set(url, promise);
  return promise;
}

export function cachedWmsCapabilities(url: string, fetchFn: FetchLike): Promise<WmsCapabilities> {
  // Not aborted by one caller: another may be waiting for the same document.
  return cached(wms, settledWms, url, () => fetchWmsCapabilities(url, fetchFn));
}

export function cachedWmtsCapabilities(url: string, fetchFn: FetchLike): Promise<WmtsCapabilities> {
  return cached(wmts, settledWmts, url, () => fetchWmtsCapabilities(url, fetchFn));
}

/** The WMS capabilities of `url` when they were read already (for synchronous legends). */
export function knownWmsCapabilities(url: string): WmsCapabilities | null {
  return settledWms.get(url) ?? null;
}

/** The WMTS capabilities of `url` when they were read already. */
export function knownWmtsCapabilities(url: string): WmtsCapabilities | null {
  return settledWmts.get(url) ?? null;
}
