/**
 * Requests to OGC services, built from a service URL and read with the parsers beside this file. Every
 * function takes the fetch to use (the browser's, node's in tests), so the same code runs against
 * the real MapServer in the tests and against a town's services in the browser.
 */
import type { FetchLike } from '../api/cityApi.ts';
import {
  parseLandingPage,
  parseCollections,
  type OgcCollection,
  type OgcLandingPage,
} from './ogcApiFeatures.ts';
import { parseWfsCapabilities, type WfsCapabilities } from './wfsCapabilities.ts';
import { parseWmsCapabilities, type WmsCapabilities } from './wmsCapabilities.ts';
import { parseWmtsCapabilities, type WmtsCapabilities } from './wmtsCapabilities.ts';

/** Why a service could not be read, for the user: the kind decides the sentence shown. */
export type ServiceErrorKind = 'unreachable' | 'http' | 'not-service' | 'service-error';

export class ServiceError extends Error {
  constructor(
    readonly kind: ServiceErrorKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** `url` with `params` set (replacing what the URL has under the same name, any case). */
export function withParams(url: string, params: Readonly<Record<string, string>>): string {
  const relative = !/^https?:\/\//i.test(url);
  const parsed = new URL(url, 'http://relative.invalid');
  const lower = new Set(Object.keys(params).map((k) => k.toLowerCase()));
  for (const key of [...parsed.searchParams.keys()])
    if (lower.has(key.toLowerCase())) parsed.searchParams.delete(key);
  for (const [key, value] of Object.entries(params)) parsed.searchParams.set(key, value);
  return relative ? `${parsed.pathname}${parsed.search}` : parsed.toString();
}

/** Fetches `url` as text; a network failure (or CORS / CSP refusal, which look the same) is `unreachable`. */
export async function fetchText(
  url: string,
  fetchFn: FetchLike,
  signal?: AbortSignal,
): Promise<{ text: string; contentType: string }> {
  let response: Response;
  try {
    response = await fetchFn(url, signal ? { signal } : {});
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ServiceError(
      'unreachable',
      `could not reach ${url}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (!response.ok) throw new ServiceError('http', `${url} answered ${response.status}`, response.status);
  return { text: await response.text(), contentType: response.headers.get('content-type') ?? '' };
}

function parsed<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ServiceError(
      message.includes('answered with an error') ? 'service-error' : 'not-service',
      message,
    );
  }
}

/** The GetCapabilities URL of a WMS (the version asked for; servers answer their best below it). */
export function wmsCapabilitiesUrl(url: string, version: '1.3.0' | '1.1.1' = '1.3.0'): string {
  return withParams(url, { SERVICE: 'WMS', REQUEST: 'GetCapabilities', VERSION: version });
}

export async function fetchWmsCapabilities(
  url: string,
  fetchFn: FetchLike,
  signal?: AbortSignal,
): Promise<WmsCapabilities> {
  const { text } = await fetchText(wmsCapabilitiesUrl(url), fetchFn, signal);
  return parsed(() => parseWmsCapabilities(text));
}

/** A WMTS capabilities URL as given (a `…/WMTSCapabilities.xml` or one with REQUEST), else the KVP one. */
export function wmtsCapabilitiesUrl(url: string): string {
  if (/\.xml(\?|$)/i.test(url) || /[?&]request=getcapabilities/i.test(url)) return url;
  return withParams(url, { SERVICE: 'WMTS', REQUEST: 'GetCapabilities', VERSION: '1.0.0' });
}

export async function fetchWmtsCapabilities(
  url: string,
  fetchFn: FetchLike,
  signal?: AbortSignal,
): Promise<WmtsCapabilities> {
  const { text } = await fetchText(wmtsCapabilitiesUrl(url), fetchFn, signal);
  return parsed(() => parseWmtsCapabilities(text));
}

export function wfsCapabilitiesUrl(url: string): string {
  return withParams(url, { SERVICE: 'WFS', REQUEST: 'GetCapabilities', VERSION: '2.0.0' });
}

export async function fetchWfsCapabilities(
  url: string,
  fetchFn: FetchLike,
  signal?: AbortSignal,
): Promise<WfsCapabilities> {
  const { text } = await fetchText(wfsCapabilitiesUrl(url), fetchFn, signal);
  return parsed(() => parseWfsCapabilities(text));
}

async function fetchJson(url: string, fetchFn: FetchLike, signal?: AbortSignal): Promise<unknown> {
  const { text } = await fetchText(url, fetchFn, signal);
  return parsed(() => JSON.parse(text) as unknown);
}

/** The landing page of an OGC API (asked for as JSON). */
export async function fetchOgcLandingPage(
  url: string,
  fetchFn: FetchLike,
  signal?: AbortSignal,
): Promise<OgcLandingPage> {
  const pageUrl = withParams(url, { f: 'json' });
  const body = await fetchJson(pageUrl, fetchFn, signal);
  return parsed(() => parseLandingPage(body, pageUrl));
}

/** The collections of an OGC API Features service, from its landing page or `/collections` URL. */
export async function fetchOgcCollections(
  url: string,
  fetchFn: FetchLike,
  signal?: AbortSignal,
): Promise<OgcCollection[]> {
  const collectionsUrl = /\/collections\/?(\?|$)/.test(url)
    ? url
    : (await fetchOgcLandingPage(url, fetchFn, signal)).collectionsUrl;
  const jsonUrl = withParams(collectionsUrl, { f: 'json' });
  const body = await fetchJson(jsonUrl, fetchFn, signal);
  return parsed(() => parseCollections(body, jsonUrl));
}
