/**
 * WMS GetCapabilities (1.3.0 and 1.1.1) as a plain model: the layer tree with the properties a child
 * inherits from its parent (CRS, styles, bounding box, dimensions, attribution), the request URLs and
 * formats, and the service's terms. Pure; the document comes in as text.
 */
import { parseTimeExtent, type TimeExtent } from './timeDimension.ts';
import { childNamed, childrenNamed, childText, parseXml, pathNamed, type XmlElement } from './xmlTree.ts';

/** West, south, east, north in WGS84 degrees (lon, lat order). */
export type LonLatBbox = readonly [west: number, south: number, east: number, north: number];

export interface WmsStyle {
  readonly name: string;
  readonly title: string;
  readonly legendUrl: string | null;
  readonly legendFormat: string | null;
}

/** A `time` dimension: its values and its default (`current` means the latest). */
export interface WmsTimeDimension {
  readonly extent: TimeExtent;
  readonly defaultValue: string | null;
  /** The service accepts `TIME=current`. */
  readonly current: boolean;
}

export interface WmsAttribution {
  readonly title: string | null;
  readonly url: string | null;
}

export interface WmsLayer {
  /** Null for a layer that only groups others (it cannot be requested). */
  readonly name: string | null;
  readonly title: string;
  readonly abstract: string | null;
  readonly queryable: boolean;
  /** Every CRS the layer can be drawn in, its parents' included. */
  readonly crs: readonly string[];
  /** Its styles, its parents' included. */
  readonly styles: readonly WmsStyle[];
  /** Where it has data, in lon/lat order whatever the version wrote. */
  readonly bbox: LonLatBbox | null;
  readonly time: WmsTimeDimension | null;
  /** Other dimensions by name (`elevation`, `REFERENCE_TIME`): their values as written. */
  readonly otherDimensions: Readonly<Record<string, string>>;
  readonly attribution: WmsAttribution | null;
  readonly children: readonly WmsLayer[];
}

export interface WmsOperation {
  /** The GET URL, ending in `?` or `&` as the service wrote it. */
  readonly url: string;
  readonly formats: readonly string[];
}

export interface WmsCapabilities {
  readonly version: '1.3.0' | '1.1.1';
  readonly title: string;
  readonly abstract: string | null;
  readonly fees: string | null;
  readonly accessConstraints: string | null;
  readonly getMap: WmsOperation | null;
  readonly getFeatureInfo: WmsOperation | null;
  /** SLD's GetLegendGraphic, when the service lists it (GeoServer, MapServer). */
  readonly getLegendGraphic: WmsOperation | null;
  /** The top layers (usually one root). */
  readonly layers: readonly WmsLayer[];
}

function attr(element: XmlElement | undefined, name: string): string | null {
  const value = element?.attrs[name];
  return value === undefined || value === '' ? null : value;
}

function onlineResource(element: XmlElement | undefined): string | null {
  return attr(element ? childNamed(element, 'OnlineResource') : undefined, 'href');
}

function operation(request: XmlElement | undefined, name: string): WmsOperation | null {
  const op = request ? childNamed(request, name) : undefined;
  if (!op) return null;
  const url = onlineResource(pathNamed(op, 'DCPType', 'HTTP', 'Get'));
  if (!url) return null;
  return { url, formats: childrenNamed(op, 'Format').map((f) => f.text.trim()) };
}

function number(text: string | null | undefined): number | null {
  if (text === null || text === undefined || text.trim() === '') return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

/**
 * True for CRS codes whose first axis is latitude under WMS 1.3.0 (EPSG geographic CRS). CRS:84 is
 * lon/lat; so is EPSG:4326 in 1.1.1.
 */
export function isLatLonOrder(crs: string, version: '1.3.0' | '1.1.1'): boolean {
  if (version === '1.1.1') return false;
  return /^EPSG:(4326|4258|4171|4019|4283|4617|4269)$/i.test(crs.trim());
}

function wgs84Bbox(layer: XmlElement, version: '1.3.0' | '1.1.1'): LonLatBbox | null {
  const ex = childNamed(layer, 'EX_GeographicBoundingBox');
  if (ex) {
    const values = [
      'westBoundLongitude',
      'southBoundLatitude',
      'eastBoundLongitude',
      'northBoundLatitude',
    ].map((n) => number(childText(ex, n)));
    if (values.every((v) => v !== null)) return values as unknown as LonLatBbox;
  }
  const latLon = childNamed(layer, 'LatLonBoundingBox');
  if (latLon) {
    const values = ['minx', 'miny', 'maxx', 'maxy'].map((n) => number(latLon.attrs[n]));
    if (values.every((v) => v !== null)) return values as unknown as LonLatBbox;
  }
  for (const box of childrenNamed(layer, 'BoundingBox')) {
    const crs = box.attrs['CRS'] ?? box.attrs['SRS'] ?? '';
    if (!/^(CRS:84|EPSG:4326)$/i.test(crs)) continue;
    const [a, b, c, d] = ['minx', 'miny', 'maxx', 'maxy'].map((n) => number(box.attrs[n]));
    if (a === null || b === null || c === null || d === null || a === undefined) continue;
    if (b === undefined || c === undefined || d === undefined) continue;
    // WMS 1.3.0 writes EPSG:4326 boxes in the CRS's own axis order: latitude first.
    return isLatLonOrder(crs, version) ? [b, a, d, c] : [a, b, c, d];
  }
  return null;
}

function styleOf(element: XmlElement): WmsStyle | null {
  const name = childText(element, 'Name');
  if (!name) return null;
  const legend = childNamed(element, 'LegendURL');
  return {
    name,
    title: childText(element, 'Title') ?? name,
    legendUrl: onlineResource(legend),
    legendFormat: legend ? childText(legend, 'Format') : null,
  };
}

function dimensions(
  layer: XmlElement,
  inherited: { time: WmsTimeDimension | null; other: Record<string, string> },
): { time: WmsTimeDimension | null; other: Record<string, string> } {
  let time = inherited.time;
  const other = { ...inherited.other };
  const extents = new Map(childrenNamed(layer, 'Extent').map((e) => [e.attrs['name']?.toLowerCase(), e]));
  for (const dimension of childrenNamed(layer, 'Dimension')) {
    const name = dimension.attrs['name'] ?? '';
    // 1.1.1 declares the dimension and gives its values in a sibling <Extent>.
    const holder = dimension.text.trim() ? dimension : extents.get(name.toLowerCase());
    const values = holder?.text.trim() ?? '';
    const defaultValue = attr(dimension, 'default') ?? attr(holder, 'default');
    if (name.toLowerCase() === 'time') {
      time = {
        extent: parseTimeExtent(values),
        defaultValue,
        current:
          defaultValue === 'current' || attr(dimension, 'current') === '1' || attr(holder, 'current') === '1',
      };
    } else if (name) {
      other[name] = values;
    }
  }
  return { time, other };
}

function attributionOf(layer: XmlElement): WmsAttribution | null {
  const element = childNamed(layer, 'Attribution');
  if (!element) return null;
  return { title: childText(element, 'Title'), url: onlineResource(element) };
}

interface Inherited {
  crs: readonly string[];
  styles: readonly WmsStyle[];
  bbox: LonLatBbox | null;
  time: WmsTimeDimension | null;
  other: Record<string, string>;
  attribution: WmsAttribution | null;
}

function layerOf(element: XmlElement, version: '1.3.0' | '1.1.1', inherited: Inherited): WmsLayer {
  const own = childrenNamed(element, version === '1.3.0' ? 'CRS' : 'SRS')
    .concat(childrenNamed(element, version === '1.3.0' ? 'SRS' : 'CRS'))
    .flatMap((e) => e.text.trim().split(/\s+/))
    .filter(Boolean);
  const crs = [...new Set([...inherited.crs, ...own])];
  const ownStyles = childrenNamed(element, 'Style')
    .map(styleOf)
    .filter((s): s is WmsStyle => s !== null);
  const styles = [...inherited.styles.filter((s) => !ownStyles.some((o) => o.name === s.name)), ...ownStyles];
  const bbox = wgs84Bbox(element, version) ?? inherited.bbox;
  const dims = dimensions(element, { time: inherited.time, other: inherited.other });
  const attribution = attributionOf(element) ?? inherited.attribution;
  const next: Inherited = { crs, styles, bbox, time: dims.time, other: dims.other, attribution };
  const name = childText(element, 'Name');
  return {
    name,
    title: childText(element, 'Title') ?? name ?? '',
    abstract: childText(element, 'Abstract'),
    queryable: element.attrs['queryable'] === '1' || element.attrs['queryable'] === 'true',
    crs,
    styles,
    bbox,
    time: dims.time,
    otherDimensions: dims.other,
    attribution,
    children: childrenNamed(element, 'Layer').map((child) => layerOf(child, version, next)),
  };
}

/** Reads a WMS capabilities document; throws with a plain reason when it is none. */
export function parseWmsCapabilities(text: string): WmsCapabilities {
  const root = parseXml(text);
  if (root.name === 'ServiceExceptionReport' || root.name === 'ExceptionReport') {
    throw new Error(`the service answered with an error: ${exceptionText(root)}`);
  }
  if (root.name !== 'WMS_Capabilities' && root.name !== 'WMT_MS_Capabilities') {
    throw new Error(`not a WMS capabilities document (root element ${root.name})`);
  }
  const version =
    root.attrs['version'] === '1.1.1' || root.name === 'WMT_MS_Capabilities' ? '1.1.1' : '1.3.0';
  const service = childNamed(root, 'Service');
  const capability = childNamed(root, 'Capability');
  const request = capability ? childNamed(capability, 'Request') : undefined;
  const empty: Inherited = { crs: [], styles: [], bbox: null, time: null, other: {}, attribution: null };
  return {
    version,
    title: (service && childText(service, 'Title')) ?? '',
    abstract: service ? childText(service, 'Abstract') : null,
    fees: noneToNull(service ? childText(service, 'Fees') : null),
    accessConstraints: noneToNull(service ? childText(service, 'AccessConstraints') : null),
    getMap: operation(request, 'GetMap'),
    getFeatureInfo: operation(request, 'GetFeatureInfo'),
    getLegendGraphic: operation(request, 'GetLegendGraphic'),
    layers: capability ? childrenNamed(capability, 'Layer').map((l) => layerOf(l, version, empty)) : [],
  };
}

function noneToNull(text: string | null): string | null {
  return text && !/^(none|keine)$/i.test(text) ? text : null;
}

/** The text of an OGC exception report, for error messages. */
export function exceptionText(root: XmlElement): string {
  const walk = (e: XmlElement): string[] => [e.text.trim(), ...e.children.flatMap(walk)];
  return walk(root).filter(Boolean).join(' ').slice(0, 300);
}

/** Every layer with a name, depth first, in document order. */
export function namedLayers(capabilities: { readonly layers: readonly WmsLayer[] }): WmsLayer[] {
  const found: WmsLayer[] = [];
  const walk = (layer: WmsLayer): void => {
    if (layer.name) found.push(layer);
    layer.children.forEach(walk);
  };
  capabilities.layers.forEach(walk);
  return found;
}

/** The named layer `name`, anywhere in the tree. */
export function findWmsLayer(capabilities: WmsCapabilities, name: string): WmsLayer | null {
  return namedLayers(capabilities).find((l) => l.name === name) ?? null;
}
