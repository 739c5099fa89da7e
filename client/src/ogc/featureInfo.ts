/**
 * What a WMS says is at a clicked point (GetFeatureInfo), as one small model for the info panel:
 * per layer a title and its features, each a list of name/value pairs in the server's order. Reads
 * GeoJSON, MapServer's msGMLOutput (un-namespaced `X_layer` / `X_feature` elements), GML feature
 * collections (GeoServer) and the plain text both write. Pure.
 */
import { parseGmlFeatures } from './gmlFeatures.ts';
import { childNamed, parseXml, type XmlElement } from './xmlTree.ts';

export interface FeatureInfoFeature {
  /** A name for the feature when one of its properties reads like one. */
  readonly title: string | null;
  readonly properties: readonly (readonly [name: string, value: string])[];
}

export interface FeatureInfoResult {
  readonly layerTitle: string;
  readonly features: readonly FeatureInfoFeature[];
}

/** The info formats to ask for, best first. */
export const FEATURE_INFO_FORMATS = [
  'application/json',
  'application/geo+json',
  'application/vnd.ogc.gml',
  'application/vnd.ogc.gml/3.1.1',
  'text/xml',
  'text/plain',
] as const;

/** The best format the service offers (its capabilities list), else GML which all servers write. */
export function chooseFeatureInfoFormat(offered: readonly string[]): string {
  for (const format of FEATURE_INFO_FORMATS)
    if (offered.some((o) => o.trim().toLowerCase() === format)) return format;
  return offered.length === 0 ? 'application/vnd.ogc.gml' : (offered[0] ?? 'text/plain');
}

const TITLE_PROPERTIES = ['title', 'titel', 'name', 'bezeichnung', 'bez', 'label'];

function titleOf(properties: readonly (readonly [string, string])[]): string | null {
  for (const wanted of TITLE_PROPERTIES) {
    const found = properties.find(([name, value]) => name.toLowerCase() === wanted && value.trim() !== '');
    if (found) return found[1];
  }
  return null;
}

/** A feature with the properties that have a value (services list every field of the layer). */
function feature(properties: (readonly [string, string])[]): FeatureInfoFeature {
  const filled = properties.filter(([, value]) => value.trim() !== '');
  return { title: titleOf(filled), properties: filled };
}

function valueText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function fromGeoJson(body: unknown, fallbackTitle: string): FeatureInfoResult[] {
  const features = (body as { features?: unknown } | null)?.features;
  if (!Array.isArray(features)) throw new Error('the feature info is JSON but no FeatureCollection');
  const byLayer = new Map<string, FeatureInfoFeature[]>();
  for (const raw of features as { id?: unknown; properties?: unknown }[]) {
    // GeoServer ids are `<layer>.<n>`: group by the layer part.
    const id = typeof raw.id === 'string' ? raw.id : '';
    const layer = id.includes('.') ? id.slice(0, id.lastIndexOf('.')) : fallbackTitle;
    const properties = Object.entries((raw.properties ?? {}) as Record<string, unknown>).map(
      ([name, value]) => [name, valueText(value)] as const,
    );
    const list = byLayer.get(layer) ?? [];
    list.push(feature(properties));
    byLayer.set(layer, list);
  }
  return [...byLayer].map(([layerTitle, list]) => ({ layerTitle, features: list }));
}

const GML_NS = /^http:\/\/www\.opengis\.net\/gml(\/3\.2)?$/;

function fromMsGml(root: XmlElement): FeatureInfoResult[] {
  return root.children
    .filter((layer) => layer.name.endsWith('_layer'))
    .map((layer) => {
      const name = layer.name.slice(0, -'_layer'.length);
      const title = childNamed(layer, 'name')?.text.trim();
      const features = layer.children
        .filter((f) => f.name.endsWith('_feature'))
        .map((f) =>
          feature(
            f.children
              .filter((p) => !GML_NS.test(p.ns) && p.children.length === 0)
              .map((p) => [p.name, p.text.trim()] as const),
          ),
        );
      return { layerTitle: title || name, features };
    });
}

function fromGml(text: string): FeatureInfoResult[] {
  const byLayer = new Map<string, FeatureInfoFeature[]>();
  for (const f of parseGmlFeatures(text)) {
    const list = byLayer.get(f.featureType) ?? [];
    list.push(feature(Object.entries(f.properties)));
    byLayer.set(f.featureType, list);
  }
  return [...byLayer].map(([layerTitle, features]) => ({ layerTitle, features }));
}

function fromXml(text: string): FeatureInfoResult[] {
  const root = parseXml(text);
  if (root.name === 'msGMLOutput') return fromMsGml(root);
  if (root.name === 'ServiceExceptionReport' || root.name === 'ExceptionReport') {
    throw new Error(
      `the service answered with an error: ${root.children.map((c) => c.text.trim()).join(' ')}`,
    );
  }
  return fromGml(text);
}

/** MapServer (`Layer 'x'` / `Feature 1:` / `name = 'value'`) and GeoServer (`Results for FeatureType 'x':` / `----`) plain text. */
function fromPlainText(text: string, fallbackTitle: string): FeatureInfoResult[] {
  const results: { layerTitle: string; features: (readonly [string, string])[][] }[] = [];
  let layer: (typeof results)[number] | null = null;
  let current: (readonly [string, string])[] | null = null;
  const startFeature = (): void => {
    if (!layer) {
      layer = { layerTitle: fallbackTitle, features: [] };
      results.push(layer);
    }
    current = [];
    layer.features.push(current);
  };
  for (const line of text.split(/\r?\n/)) {
    const layerMatch = /^\s*(?:Layer|Results for FeatureType)\s+'([^']*)'/.exec(line);
    if (layerMatch) {
      layer = { layerTitle: layerMatch[1] ?? fallbackTitle, features: [] };
      results.push(layer);
      current = null;
      continue;
    }
    if (/^\s*Feature\s+\S+:?\s*$/.test(line) || /^-{4,}\s*$/.test(line)) {
      current = null;
      if (/^\s*Feature/.test(line)) startFeature();
      continue;
    }
    const pair = /^\s*([^=]+?)\s*=\s*(.*?)\s*$/.exec(line);
    if (!pair) continue;
    if (!current) startFeature();
    const value = (pair[2] ?? '').replace(/^'(.*)'$/, '$1');
    (current as unknown as (readonly [string, string])[]).push([pair[1] ?? '', value]);
  }
  return results
    .map((r) => ({ layerTitle: r.layerTitle, features: r.features.filter((f) => f.length > 0).map(feature) }))
    .filter((r) => r.features.length > 0);
}

/**
 * Reads a GetFeatureInfo answer by its content type (sniffing the body when the type is vague).
 * `fallbackTitle` names the layer where the answer does not. Layers without features are kept out.
 */
export function parseFeatureInfo(
  body: string,
  contentType: string,
  fallbackTitle: string,
): FeatureInfoResult[] {
  const type = contentType.toLowerCase();
  const trimmed = body.trimStart();
  let results: FeatureInfoResult[];
  if (type.includes('json') || trimmed.startsWith('{'))
    results = fromGeoJson(JSON.parse(body), fallbackTitle);
  else if (type.includes('xml') || type.includes('gml') || trimmed.startsWith('<')) results = fromXml(body);
  else results = fromPlainText(body, fallbackTitle);
  return results.filter((r) => r.features.length > 0);
}
