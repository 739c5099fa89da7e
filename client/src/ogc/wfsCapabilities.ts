/**
 * WFS 2.0 GetCapabilities as a plain model: feature types with their CRS and extent, the GetFeature
 * URL and whether the service answers in GeoJSON (else GML 3.2 is read). Pure.
 */
import type { LonLatBbox } from './wmsCapabilities.ts';
import { exceptionText } from './wmsCapabilities.ts';
import { childNamed, childrenNamed, childText, descendantsNamed, parseXml, pathNamed } from './xmlTree.ts';

export interface WfsFeatureType {
  /** The qualified name (`dwd:Autowarn_Analyse`) to put in TYPENAMES. */
  readonly name: string;
  readonly title: string;
  readonly abstract: string | null;
  readonly defaultCrs: string | null;
  readonly otherCrs: readonly string[];
  readonly bbox: LonLatBbox | null;
  /** Output formats of this type (falls back to the service's). */
  readonly outputFormats: readonly string[];
}

export interface WfsCapabilities {
  readonly version: string;
  readonly title: string;
  readonly fees: string | null;
  readonly accessConstraints: string | null;
  readonly getFeatureUrl: string | null;
  /** GetFeature's outputFormat values. */
  readonly outputFormats: readonly string[];
  readonly featureTypes: readonly WfsFeatureType[];
}

/** The GeoJSON output format among `formats`, if any (`application/json`, `geojson`, `json`). */
export function jsonOutputFormat(formats: readonly string[]): string | null {
  return (
    formats.find((f) => /^application\/(geo\+)?json$/i.test(f.trim())) ??
    formats.find((f) => /^application\/(geo\+)?json\s*;/i.test(f.trim())) ??
    formats.find((f) => /^(geojson|json)$/i.test(f.trim())) ??
    null
  );
}

/** The GML 3.2 output format among `formats`; WFS 2.0's default is GML 3.2 anyway. */
export function gml32OutputFormat(formats: readonly string[]): string {
  return (
    formats.find((f) => /gml\+xml;\s*version=3\.2/i.test(f)) ??
    formats.find((f) => /subtype=gml\/3\.2/i.test(f)) ??
    'application/gml+xml; version=3.2'
  );
}

export function parseWfsCapabilities(text: string): WfsCapabilities {
  const root = parseXml(text);
  if (root.name === 'ExceptionReport')
    throw new Error(`the service answered with an error: ${exceptionText(root)}`);
  if (root.name !== 'WFS_Capabilities')
    throw new Error(`not a WFS capabilities document (root element ${root.name})`);
  const identification = childNamed(root, 'ServiceIdentification');
  const operations = childNamed(root, 'OperationsMetadata');
  const getFeature = operations
    ? childrenNamed(operations, 'Operation').find((o) => o.attrs['name'] === 'GetFeature')
    : undefined;
  const getUrl = getFeature ? pathNamed(getFeature, 'DCP', 'HTTP', 'Get')?.attrs['href'] : undefined;
  const formatParameter = getFeature
    ? childrenNamed(getFeature, 'Parameter').find((p) => p.attrs['name'] === 'outputFormat')
    : undefined;
  // Some servers list outputFormat once for all operations.
  const globalFormat = operations
    ? childrenNamed(operations, 'Parameter').find((p) => p.attrs['name'] === 'outputFormat')
    : undefined;
  const outputFormats = descendantsNamed(formatParameter ?? globalFormat ?? root, 'Value')
    .filter(() => (formatParameter ?? globalFormat) !== undefined)
    .map((v) => v.text.trim());
  const list = childNamed(root, 'FeatureTypeList');
  const fees = identification ? childText(identification, 'Fees') : null;
  const access = identification ? childText(identification, 'AccessConstraints') : null;
  return {
    version: root.attrs['version'] ?? '2.0.0',
    title: (identification && childText(identification, 'Title')) ?? '',
    fees: fees && !/^none$/i.test(fees) ? fees : null,
    accessConstraints: access && !/^none$/i.test(access) ? access : null,
    getFeatureUrl: getUrl || null,
    outputFormats,
    featureTypes: (list ? childrenNamed(list, 'FeatureType') : []).map((type) => {
      const box = childNamed(type, 'WGS84BoundingBox');
      const lower = (box ? childText(box, 'LowerCorner') : null)?.split(/\s+/).map(Number) ?? [];
      const upper = (box ? childText(box, 'UpperCorner') : null)?.split(/\s+/).map(Number) ?? [];
      const corners = [lower[0], lower[1], upper[0], upper[1]];
      const own = childNamed(type, 'OutputFormats');
      const name = childText(type, 'Name') ?? '';
      return {
        name,
        title: childText(type, 'Title') ?? name,
        abstract: childText(type, 'Abstract'),
        defaultCrs: childText(type, 'DefaultCRS') ?? childText(type, 'DefaultSRS'),
        otherCrs: [...childrenNamed(type, 'OtherCRS'), ...childrenNamed(type, 'OtherSRS')].map((e) =>
          e.text.trim(),
        ),
        bbox: corners.every((v) => v !== undefined && Number.isFinite(v))
          ? (corners as unknown as LonLatBbox)
          : null,
        outputFormats: own ? childrenNamed(own, 'Format').map((f) => f.text.trim()) : outputFormats,
      };
    }),
  };
}
