/**
 * WMTS 1.0.0 GetCapabilities as a plain model, and the choice of how Cesium can draw a layer: it
 * draws web-mercator and geographic tile matrix sets only, so a layer offered in EPSG:25832 alone is
 * refused with a reason a user can read. Pure.
 */
import type { LonLatBbox } from './wmsCapabilities.ts';
import { exceptionText } from './wmsCapabilities.ts';
import { childNamed, childrenNamed, childText, parseXml, pathNamed, type XmlElement } from './xmlTree.ts';

export interface WmtsStyle {
  readonly identifier: string;
  readonly title: string;
  readonly isDefault: boolean;
  readonly legendUrl: string | null;
}

export interface WmtsResourceUrl {
  readonly format: string;
  readonly resourceType: string;
  readonly template: string;
}

export interface WmtsLayer {
  readonly identifier: string;
  readonly title: string;
  readonly abstract: string | null;
  readonly bbox: LonLatBbox | null;
  readonly formats: readonly string[];
  readonly styles: readonly WmtsStyle[];
  readonly tileMatrixSets: readonly string[];
  readonly resourceUrls: readonly WmtsResourceUrl[];
}

export interface WmtsTileMatrix {
  readonly identifier: string;
  readonly scaleDenominator: number;
  readonly topLeft: readonly [number, number];
  readonly tileWidth: number;
  readonly tileHeight: number;
  readonly matrixWidth: number;
  readonly matrixHeight: number;
}

/** How Cesium sees a tile matrix set: web mercator, geographic, or not drawable. */
export type TileMatrixSetKind = 'webmercator' | 'geographic' | 'other';

export interface WmtsTileMatrixSet {
  readonly identifier: string;
  readonly crs: string;
  readonly wellKnownScaleSet: string | null;
  readonly kind: TileMatrixSetKind;
  readonly matrices: readonly WmtsTileMatrix[];
}

export interface WmtsCapabilities {
  readonly title: string;
  readonly provider: string | null;
  readonly fees: string | null;
  readonly accessConstraints: string | null;
  /** The KVP GetTile URL, when the service lists OperationsMetadata (REST-only services do not). */
  readonly kvpUrl: string | null;
  readonly layers: readonly WmtsLayer[];
  readonly tileMatrixSets: readonly WmtsTileMatrixSet[];
}

function numbers(text: string | null): number[] {
  return (text ?? '').trim().split(/\s+/).filter(Boolean).map(Number);
}

function bboxOf(layer: XmlElement): LonLatBbox | null {
  const box = childNamed(layer, 'WGS84BoundingBox');
  if (!box) return null;
  const [w, s] = numbers(childText(box, 'LowerCorner'));
  const [e, n] = numbers(childText(box, 'UpperCorner'));
  if ([w, s, e, n].some((v) => v === undefined || !Number.isFinite(v))) return null;
  return [w ?? 0, s ?? 0, e ?? 0, n ?? 0];
}

/** Web mercator by its CRS codes, or geographic (EPSG:4326 / CRS84); anything else is `other`. */
export function tileMatrixSetKind(crs: string, wellKnownScaleSet: string | null): TileMatrixSetKind {
  const code = crs.trim();
  if (/(EPSG(:|::|\/0\/|\/)(3857|900913|3785|102100|102113)$)|GoogleMapsCompatible/i.test(code))
    return 'webmercator';
  if (wellKnownScaleSet && /GoogleMapsCompatible/i.test(wellKnownScaleSet)) return 'webmercator';
  if (/(EPSG(:|::|\/0\/|\/)4326$)|CRS:?84$|OGC(:|::|\/)1\.3(:|::|\/)CRS84$/i.test(code)) return 'geographic';
  return 'other';
}

function matrixOf(element: XmlElement): WmtsTileMatrix {
  const [x, y] = numbers(childText(element, 'TopLeftCorner'));
  return {
    identifier: childText(element, 'Identifier') ?? '',
    scaleDenominator: Number(childText(element, 'ScaleDenominator')),
    topLeft: [x ?? NaN, y ?? NaN],
    tileWidth: Number(childText(element, 'TileWidth') ?? 256),
    tileHeight: Number(childText(element, 'TileHeight') ?? 256),
    matrixWidth: Number(childText(element, 'MatrixWidth')),
    matrixHeight: Number(childText(element, 'MatrixHeight')),
  };
}

function kvpUrl(root: XmlElement): string | null {
  const metadata = childNamed(root, 'OperationsMetadata');
  if (!metadata) return null;
  const getTile = childrenNamed(metadata, 'Operation').find((o) => o.attrs['name'] === 'GetTile');
  const get = getTile ? pathNamed(getTile, 'DCP', 'HTTP', 'Get') : undefined;
  if (!get) return null;
  const constraint = childNamed(get, 'Constraint');
  const encodings = constraint ? JSON.stringify(constraint) : '';
  // A Get whose encoding constraint names only RESTful is no KVP endpoint.
  if (encodings.includes('RESTful') && !encodings.includes('KVP')) return null;
  return get.attrs['href'] || null;
}

/** Reads a WMTS capabilities document; throws with a plain reason when it is none. */
export function parseWmtsCapabilities(text: string): WmtsCapabilities {
  const root = parseXml(text);
  if (root.name === 'ExceptionReport')
    throw new Error(`the service answered with an error: ${exceptionText(root)}`);
  if (root.name !== 'Capabilities' || !childNamed(root, 'Contents')) {
    throw new Error(`not a WMTS capabilities document (root element ${root.name})`);
  }
  const identification = childNamed(root, 'ServiceIdentification');
  const contents = childNamed(root, 'Contents');
  const layers = (contents ? childrenNamed(contents, 'Layer') : []).map((layer): WmtsLayer => ({
    identifier: childText(layer, 'Identifier') ?? '',
    title: childText(layer, 'Title') ?? childText(layer, 'Identifier') ?? '',
    abstract: childText(layer, 'Abstract'),
    bbox: bboxOf(layer),
    formats: childrenNamed(layer, 'Format').map((f) => f.text.trim()),
    styles: childrenNamed(layer, 'Style').map((style) => ({
      identifier: childText(style, 'Identifier') ?? '',
      title: childText(style, 'Title') ?? childText(style, 'Identifier') ?? '',
      isDefault: style.attrs['isDefault'] === 'true',
      legendUrl: childNamed(style, 'LegendURL')?.attrs['href'] ?? null,
    })),
    tileMatrixSets: childrenNamed(layer, 'TileMatrixSetLink')
      .map((link) => childText(link, 'TileMatrixSet'))
      .filter((s): s is string => s !== null),
    resourceUrls: childrenNamed(layer, 'ResourceURL').map((r) => ({
      format: r.attrs['format'] ?? '',
      resourceType: r.attrs['resourceType'] ?? '',
      template: r.attrs['template'] ?? '',
    })),
  }));
  const tileMatrixSets = (contents ? childrenNamed(contents, 'TileMatrixSet') : []).map(
    (set): WmtsTileMatrixSet => {
      const crs = childText(set, 'SupportedCRS') ?? '';
      const wellKnownScaleSet = childText(set, 'WellKnownScaleSet');
      return {
        identifier: childText(set, 'Identifier') ?? '',
        crs,
        wellKnownScaleSet,
        kind: tileMatrixSetKind(crs, wellKnownScaleSet),
        matrices: childrenNamed(set, 'TileMatrix').map(matrixOf),
      };
    },
  );
  const provider = childNamed(root, 'ServiceProvider');
  const fees = identification ? childText(identification, 'Fees') : null;
  const access = identification ? childText(identification, 'AccessConstraints') : null;
  return {
    title: (identification && childText(identification, 'Title')) ?? '',
    provider: provider ? childText(provider, 'ProviderName') : null,
    fees: fees && !/^none$/i.test(fees) ? fees : null,
    accessConstraints: access && !/^none$/i.test(access) ? access : null,
    kvpUrl: kvpUrl(root),
    layers,
    tileMatrixSets,
  };
}

/** How to draw one WMTS layer in Cesium. */
export interface WmtsTiling {
  readonly tileMatrixSet: string;
  readonly kind: 'webmercator' | 'geographic';
  /** A REST template with `{TileMatrix}`, `{TileRow}`, `{TileCol}` (and `{Style}`…), or the KVP URL. */
  readonly url: string;
  readonly format: string;
  /** The matrix identifier of each Cesium level; levels the set does not have are below `minimumLevel`. */
  readonly tileMatrixLabels: readonly string[];
  readonly minimumLevel: number;
  readonly maximumLevel: number;
  readonly bbox: LonLatBbox | null;
  readonly legendUrl: string | null;
}

const WEB_MERCATOR_HALF_M = 20_037_508.342789244;

/**
 * The Cesium level of each matrix: web mercator level z has 2^z columns from (-half, +half); Cesium's
 * geographic scheme has 2^(z+1) columns from (-180, 90). Matrices that fit neither are left out.
 */
function cesiumLevels(set: WmtsTileMatrixSet): Map<number, string> {
  const levels = new Map<number, string>();
  for (const matrix of set.matrices) {
    const z = Math.log2(matrix.matrixWidth) - (set.kind === 'geographic' ? 1 : 0);
    if (!Number.isInteger(z) || z < 0) continue;
    const [x, y] = matrix.topLeft;
    const fits =
      set.kind === 'webmercator'
        ? Math.abs(x + WEB_MERCATOR_HALF_M) < 1 && Math.abs(y - WEB_MERCATOR_HALF_M) < 1
        : // EPSG:4326 writes the corner latitude first (90 -180); CRS84 longitude first (-180 90).
          (Math.abs(x - 90) < 1e-6 && Math.abs(y + 180) < 1e-6) ||
          (Math.abs(x + 180) < 1e-6 && Math.abs(y - 90) < 1e-6);
    if (fits && !levels.has(z)) levels.set(z, matrix.identifier);
  }
  return levels;
}

/** Why a layer cannot be drawn, in words; thrown by {@link chooseWmtsTiling}. */
export class WmtsNotDrawableError extends Error {}

/**
 * Picks the layer's tile matrix set Cesium can draw (the wanted one when given and drawable; web
 * mercator before geographic), its tile URL (a ResourceURL template for `format`, else the KVP URL)
 * and the identifier of each level.
 */
export function chooseWmtsTiling(
  capabilities: WmtsCapabilities,
  layerId: string,
  options: { tileMatrixSet?: string; format?: string; style?: string } = {},
): WmtsTiling {
  const layer = capabilities.layers.find((l) => l.identifier === layerId);
  if (!layer) throw new WmtsNotDrawableError(`the service has no layer "${layerId}"`);
  const sets = layer.tileMatrixSets
    .map((id) => capabilities.tileMatrixSets.find((s) => s.identifier === id))
    .filter((s): s is WmtsTileMatrixSet => s !== undefined);
  const drawable = sets.filter((s) => s.kind !== 'other' && cesiumLevels(s).size > 0);
  const wanted = drawable.find((s) => s.identifier === options.tileMatrixSet);
  const set = wanted ?? drawable.find((s) => s.kind === 'webmercator') ?? drawable[0];
  if (!set || set.kind === 'other') {
    const offered = sets.map((s) => `${s.identifier} (${s.crs})`).join(', ') || 'none';
    throw new WmtsNotDrawableError(
      `layer "${layerId}" is offered only in tile matrix sets the 3D map cannot draw: ${offered}; ` +
        'it needs web mercator (EPSG:3857) or geographic (EPSG:4326) tiles',
    );
  }
  const format =
    options.format && layer.formats.includes(options.format)
      ? options.format
      : (layer.formats[0] ?? 'image/png');
  const tiles = layer.resourceUrls.filter((r) => r.resourceType === 'tile');
  const resource = tiles.find((r) => r.format === format) ?? tiles[0];
  const url = resource?.template ?? capabilities.kvpUrl;
  if (!url)
    throw new WmtsNotDrawableError(
      `layer "${layerId}" lists no tile URL (no ResourceURL and no KVP GetTile)`,
    );
  const levels = cesiumLevels(set);
  const minimumLevel = Math.min(...levels.keys());
  const maximumLevel = Math.max(...levels.keys());
  const tileMatrixLabels: string[] = [];
  for (let z = 0; z <= maximumLevel; z += 1) tileMatrixLabels.push(levels.get(z) ?? String(z));
  const style =
    layer.styles.find((s) => s.identifier === options.style) ?? layer.styles.find((s) => s.isDefault);
  return {
    tileMatrixSet: set.identifier,
    kind: set.kind,
    url,
    format: resource?.format ?? format,
    tileMatrixLabels,
    minimumLevel,
    maximumLevel,
    bbox: layer.bbox,
    legendUrl: style?.legendUrl ?? null,
  };
}
