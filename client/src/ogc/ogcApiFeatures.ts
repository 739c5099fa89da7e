/**
 * OGC API Features documents: the landing page (its collections link found by rel, old draft rels
 * tolerated), `/collections` (id, title, extent, items link) and the `next` link of an items page.
 * Relative hrefs are resolved against the URL the document came from. Pure.
 */
import type { LonLatBbox } from './wmsCapabilities.ts';

export interface OgcLink {
  readonly rel: string;
  readonly href: string;
  readonly type: string | null;
  readonly title: string | null;
}

export interface OgcLandingPage {
  readonly title: string | null;
  readonly description: string | null;
  /** The absolute URL of `/collections`. */
  readonly collectionsUrl: string;
}

export interface OgcCollection {
  readonly id: string;
  readonly title: string;
  readonly description: string | null;
  readonly bbox: LonLatBbox | null;
  /** The absolute URL of its GeoJSON items. */
  readonly itemsUrl: string;
  /** Attribution given by the collection, if any. */
  readonly attribution: string | null;
}

function record(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() ? value : null;
}

/** The links of a document, hrefs made absolute against `baseUrl`. */
export function linksOf(document: unknown, baseUrl: string): OgcLink[] {
  const links = record(document)?.['links'];
  if (!Array.isArray(links)) return [];
  const result: OgcLink[] = [];
  for (const raw of links) {
    const link = record(raw);
    const href = text(link?.['href']);
    const rel = text(link?.['rel']);
    if (!link || !href || !rel) continue;
    let absolute: string;
    try {
      absolute = new URL(href, baseUrl).toString();
    } catch {
      continue;
    }
    result.push({ rel, href: absolute, type: text(link['type']), title: text(link['title']) });
  }
  return result;
}

/** Prefers JSON over HTML and XML among links of one rel. */
function bestJson(links: readonly OgcLink[]): OgcLink | undefined {
  return (
    links.find((l) => l.type !== null && /json/i.test(l.type)) ??
    links.find((l) => l.type === null) ??
    links.find((l) => !/html|xml/i.test(l.type ?? ''))
  );
}

const COLLECTIONS_RELS = ['data', 'http://www.opengis.net/def/rel/ogc/1.0/data', 'collections'];

/** Reads a landing page; without a data link the collections are assumed at `<url>/collections`. */
export function parseLandingPage(document: unknown, url: string): OgcLandingPage {
  const body = record(document);
  if (!body || !Array.isArray(body['links'])) throw new Error('not an OGC API landing page (no links)');
  const links = linksOf(body, url);
  const data = bestJson(links.filter((l) => COLLECTIONS_RELS.includes(l.rel)));
  const base = new URL(url);
  base.search = '';
  const fallback = `${base.toString().replace(/\/+$/, '')}/collections`;
  return {
    title: text(body['title']),
    description: text(body['description']),
    collectionsUrl: data?.href ?? fallback,
  };
}

function bboxOf(collection: Record<string, unknown>): LonLatBbox | null {
  const spatial = record(record(collection['extent'])?.['spatial']);
  const boxes = spatial?.['bbox'];
  const first: unknown = Array.isArray(boxes) && Array.isArray(boxes[0]) ? boxes[0] : boxes;
  if (!Array.isArray(first) || (first.length !== 4 && first.length !== 6)) return null;
  const values = first.map(Number);
  if (!values.every(Number.isFinite)) return null;
  // A 3D box is minx, miny, minz, maxx, maxy, maxz.
  const [w, s, e, n] = values.length === 6 ? [values[0], values[1], values[3], values[4]] : values;
  return [w ?? 0, s ?? 0, e ?? 0, n ?? 0];
}

/** Reads `/collections`; collections without an id are left out. */
export function parseCollections(document: unknown, url: string): OgcCollection[] {
  const body = record(document);
  const list = body?.['collections'];
  if (!Array.isArray(list)) throw new Error('not an OGC API collections document (no collections)');
  const result: OgcCollection[] = [];
  for (const raw of list) {
    const collection = record(raw);
    const id = text(collection?.['id']) ?? text(collection?.['name']);
    if (!collection || !id) continue;
    const items = bestJson(
      linksOf(collection, url).filter((l) => l.rel === 'items' && !/html|xml/i.test(l.type ?? '')),
    );
    const collectionsBase = new URL(url);
    collectionsBase.search = '';
    const itemsUrl =
      items?.href ??
      new URL(
        `${encodeURIComponent(id)}/items`,
        `${collectionsBase.toString().replace(/\/*$/, '')}/`,
      ).toString();
    result.push({
      id,
      title: text(collection['title']) ?? id,
      description: text(collection['description']),
      bbox: bboxOf(collection),
      itemsUrl,
      attribution: text(collection['attribution']),
    });
  }
  return result;
}

/** The absolute `next` link of an items page, if any. */
export function nextItemsUrl(page: unknown, pageUrl: string): string | null {
  const next = linksOf(page, pageUrl).filter((l) => l.rel === 'next');
  return (bestJson(next) ?? next[0])?.href ?? null;
}
