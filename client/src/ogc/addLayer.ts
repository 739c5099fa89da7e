/**
 * "Add a layer by URL": the model behind the dialog. A pasted URL is recognised as a WMS, a WMTS or
 * an OGC API Features service (or tried as each in turn), its capabilities are read, its layers
 * listed with titles, and the one picked becomes a catalogue entry (protocol `LayerEntry`) with the
 * service's title as source and its terms as licence. Failures carry a reason the dialog turns into
 * plain words. Pure apart from the fetch it is given.
 */
import { LayerEntrySchema, type LayerEntry } from '../../../protocol/index.ts';
import type { FetchLike } from '../api/cityApi.ts';
import {
  fetchOgcCollections,
  fetchWmsCapabilities,
  fetchWmtsCapabilities,
  ServiceError,
  wmtsCapabilitiesUrl,
} from './ogcRequests.ts';
import { namedLayers } from './wmsCapabilities.ts';
import { chooseWmtsTiling } from './wmtsCapabilities.ts';

export type ServiceKind = 'wms' | 'wmts' | 'ogcapi-features';

/** Why a service could not be added; each has its sentence in the dictionaries (`ogc.error.*`). */
export type AddLayerErrorReason =
  'invalid-url' | 'unreachable' | 'blocked' | 'http' | 'not-service' | 'service-error' | 'no-layers';

export class AddLayerError extends Error {
  constructor(
    readonly reason: AddLayerErrorReason,
    readonly detail: string,
  ) {
    super(detail);
  }
}

/** One layer (or collection) the service offers. */
export interface OfferedLayer {
  /** The WMS layer name, WMTS layer identifier or collection id. */
  readonly id: string;
  readonly title: string;
  readonly abstract: string | null;
  /** Null when it can be drawn; else why not (a WMTS only in UTM tiles). */
  readonly notDrawable: string | null;
}

/** What a service offers, and what the entry for one of its layers needs. */
export interface ServiceOffer {
  readonly kind: ServiceKind;
  /** The URL the entry keeps (GetMap base, WMTS capabilities, OGC API landing page). */
  readonly serviceUrl: string;
  readonly serviceTitle: string;
  readonly licence: string | null;
  readonly layers: readonly OfferedLayer[];
  /** Per layer: the extra fields of its entry. */
  readonly entryFields: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/** The kind a URL names by itself (`SERVICE=WMS`, `/wmts/`, `/collections`), or null. */
export function detectServiceKind(url: string): ServiceKind | null {
  if (/[?&]service=wmts\b|wmts|WMTSCapabilities\.xml/i.test(url)) return 'wmts';
  if (/[?&]service=wms\b|\/wms\b|mapserv/i.test(url)) return 'wms';
  if (/ogcapi|\/collections\b|\/features\b|[?&]f=json\b/i.test(url)) return 'ogcapi-features';
  return null;
}

/** The URL checked: absolute http(s), no spaces; else `invalid-url`. */
export function checkedUrl(text: string): string {
  const trimmed = text.trim();
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new AddLayerError('invalid-url', trimmed);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new AddLayerError('invalid-url', trimmed);
  return url.toString();
}

/** The base of a WMS URL: its request parameters removed (others, like `map=`, stay). */
function wmsBase(url: string): string {
  const parsed = new URL(url);
  for (const key of [...parsed.searchParams.keys()]) {
    if (/^(service|request|version|layers|styles|crs|srs|bbox|width|height|format)$/i.test(key)) {
      parsed.searchParams.delete(key);
    }
  }
  return parsed.toString();
}

/** A licence text within the catalogue's 200 characters (cut with an ellipsis). */
function licenceText(value: string | null): string | null {
  if (!value) return null;
  return value.length <= 200 ? value : `${value.slice(0, 199)}…`;
}

async function readWms(url: string, fetchFn: FetchLike, signal?: AbortSignal): Promise<ServiceOffer> {
  const caps = await fetchWmsCapabilities(wmsBase(url), fetchFn, signal);
  const layers = namedLayers(caps);
  const fields: Record<string, Record<string, unknown>> = {};
  const format = caps.getMap?.formats.includes('image/png')
    ? 'image/png'
    : (caps.getMap?.formats.find((f) => f.startsWith('image/')) ?? 'image/png');
  for (const layer of layers) {
    if (!layer.name) continue;
    fields[layer.name] = {
      layers: layer.name,
      version: caps.version,
      format,
      featureInfo: layer.queryable,
      time: layer.time !== null,
      ...(layer.styles[0]?.legendUrl ? { legendUrl: layer.styles[0].legendUrl } : {}),
      ...(layer.attribution?.title ? { attribution: layer.attribution.title.slice(0, 300) } : {}),
    };
  }
  return {
    kind: 'wms',
    serviceUrl: wmsBase(url),
    serviceTitle: caps.title,
    licence: licenceText(caps.accessConstraints ?? caps.fees),
    layers: layers.map((l) => ({
      id: l.name ?? '',
      title: l.title || (l.name ?? ''),
      abstract: l.abstract,
      notDrawable: null,
    })),
    entryFields: fields,
  };
}

async function readWmts(url: string, fetchFn: FetchLike, signal?: AbortSignal): Promise<ServiceOffer> {
  const capabilitiesUrl = wmtsCapabilitiesUrl(url);
  const caps = await fetchWmtsCapabilities(capabilitiesUrl, fetchFn, signal);
  const fields: Record<string, Record<string, unknown>> = {};
  const layers = caps.layers.map((layer): OfferedLayer => {
    try {
      const tiling = chooseWmtsTiling(caps, layer.identifier);
      const style = layer.styles.find((s) => s.isDefault) ?? layer.styles[0];
      fields[layer.identifier] = {
        layer: layer.identifier,
        style: style?.identifier ?? 'default',
        tileMatrixSet: tiling.tileMatrixSet,
        format: tiling.format,
      };
      return { id: layer.identifier, title: layer.title, abstract: layer.abstract, notDrawable: null };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return { id: layer.identifier, title: layer.title, abstract: layer.abstract, notDrawable: reason };
    }
  });
  return {
    kind: 'wmts',
    serviceUrl: capabilitiesUrl,
    serviceTitle: caps.provider ? `${caps.title} (${caps.provider})` : caps.title,
    licence: licenceText(caps.fees ?? caps.accessConstraints),
    layers,
    entryFields: fields,
  };
}

async function readOgcApi(url: string, fetchFn: FetchLike, signal?: AbortSignal): Promise<ServiceOffer> {
  const collections = await fetchOgcCollections(url, fetchFn, signal);
  const parsed = new URL(url);
  parsed.search = '';
  const serviceUrl = parsed
    .toString()
    .replace(/\/collections\/?$/, '')
    .replace(/\/+$/, '');
  const fields: Record<string, Record<string, unknown>> = {};
  for (const c of collections) {
    fields[c.id] = {
      collection: c.id,
      ...(c.attribution ? { attribution: c.attribution.slice(0, 300) } : {}),
    };
  }
  return {
    kind: 'ogcapi-features',
    serviceUrl,
    serviceTitle: parsed.host,
    licence: null,
    layers: collections.map((c) => ({
      id: c.id,
      title: c.title,
      abstract: c.description,
      notDrawable: null,
    })),
    entryFields: fields,
  };
}

const READERS: Record<ServiceKind, typeof readWms> = {
  wms: readWms,
  wmts: readWmts,
  'ogcapi-features': readOgcApi,
};

function asAddLayerError(error: unknown): AddLayerError {
  if (error instanceof AddLayerError) return error;
  if (error instanceof ServiceError) return new AddLayerError(error.kind, error.message);
  return new AddLayerError('not-service', error instanceof Error ? error.message : String(error));
}

/**
 * Reads the service at `text`: as `kind`, or as the kind its URL names, or as WMS, WMTS and OGC API
 * in turn (the first that reads wins; an unreachable server is not tried three times).
 */
export async function readService(
  text: string,
  kind: ServiceKind | 'auto',
  fetchFn: FetchLike,
  signal?: AbortSignal,
): Promise<ServiceOffer> {
  const url = checkedUrl(text);
  const detected = kind === 'auto' ? detectServiceKind(url) : kind;
  const order: ServiceKind[] = detected ? [detected] : ['wms', 'wmts', 'ogcapi-features'];
  let last: AddLayerError | null = null;
  for (const candidate of order) {
    try {
      const offer = await READERS[candidate](url, fetchFn, signal);
      if (offer.layers.length === 0) throw new AddLayerError('no-layers', offer.serviceTitle);
      return offer;
    } catch (error) {
      if (signal?.aborted) throw error;
      last = asAddLayerError(error);
      if (last.reason === 'unreachable') break;
    }
  }
  throw last ?? new AddLayerError('not-service', url);
}

/** The layers whose title, id or abstract contain every word of `query` (case-insensitive). */
export function filterLayers(layers: readonly OfferedLayer[], query: string): OfferedLayer[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...layers];
  return layers.filter((layer) => {
    const haystack = `${layer.title} ${layer.id} ${layer.abstract ?? ''}`.toLowerCase();
    return words.every((w) => haystack.includes(w));
  });
}

/** An id for a new entry, safe in a URL and not among `taken`. */
export function newEntryId(kind: ServiceKind, layerId: string, taken: ReadonlySet<string>): string {
  const slug = layerId.replace(/[^A-Za-z0-9_.:-]+/g, '-').slice(0, 48) || 'layer';
  const base = `added-${kind === 'ogcapi-features' ? 'ogc' : kind}-${slug}`;
  let id = base;
  for (let n = 2; taken.has(id); n += 1) id = `${base}-${n}`;
  return id;
}

/** The catalogue entry for layer `layerId` of `offer`; valid by the protocol's schema. */
export function entryForLayer(
  offer: ServiceOffer,
  layerId: string,
  taken: ReadonlySet<string> = new Set(),
): LayerEntry {
  const layer = offer.layers.find((l) => l.id === layerId);
  if (!layer) throw new AddLayerError('no-layers', layerId);
  const title = layer.title.slice(0, 200) || layerId;
  return LayerEntrySchema.parse({
    id: newEntryId(offer.kind, layerId, taken),
    type: offer.kind,
    title: { de: title, en: title },
    url: offer.serviceUrl,
    visible: true,
    source: offer.serviceTitle.slice(0, 300) || new URL(offer.serviceUrl).host,
    ...(offer.licence ? { licence: offer.licence } : {}),
    ...(layer.abstract
      ? { description: { de: layer.abstract.slice(0, 2000), en: layer.abstract.slice(0, 2000) } }
      : {}),
    ...offer.entryFields[layerId],
  });
}
