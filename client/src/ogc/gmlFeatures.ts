/**
 * GML features (a WFS 2.0 GetFeature answer in GML 3.2, or GML 2/3.1 from older servers and
 * GetFeatureInfo) as GeoJSON features in lon/lat order. EPSG geographic CRS named by URN or URI
 * (`urn:ogc:def:crs:EPSG::4326`, `http://www.opengis.net/def/crs/EPSG/0/4326`) have latitude first;
 * plain `EPSG:4326` and CRS84 have longitude first. Simple properties are kept as text. Pure.
 */
import { childNamed, childrenNamed, deepText, parseXml, type XmlElement } from './xmlTree.ts';

const GML_NS = /^http:\/\/www\.opengis\.net\/gml(\/3\.2)?$/;

/** A GeoJSON feature as parsed from GML; validated later like any GeoJSON. */
export interface GmlFeature {
  readonly type: 'Feature';
  readonly id?: string;
  /** The feature type's local name (`gmd_ex`). */
  readonly featureType: string;
  readonly properties: Record<string, string>;
  readonly geometry: { type: string; coordinates: unknown } | null;
}

/** Whether coordinates in `srsName` come latitude first. */
export function isLatFirst(srsName: string | undefined): boolean {
  if (!srsName) return false;
  const name = srsName.trim();
  if (/CRS:?84$/i.test(name)) return false;
  const urn = /^urn:(x-)?ogc:def:crs:EPSG:(?:[\d.]*:)?(\d+)$/i.exec(name);
  const uri = /^https?:\/\/www\.opengis\.net\/def\/crs\/EPSG\/0\/(\d+)$/i.exec(name);
  const code = urn?.[2] ?? uri?.[1];
  return code !== undefined && ['4326', '4258', '4269', '4171', '4019', '4283', '4617'].includes(code);
}

type Position = [number, number] | [number, number, number];

function positions(element: XmlElement, dimension: number, latFirst: boolean): Position[] {
  const name = element.name;
  let raw: number[][];
  if (name === 'coordinates') {
    // GML 2: "x,y x,y" (decimal '.', cs ',', ts ' ' by default).
    const cs = element.attrs['cs'] ?? ',';
    const ts = element.attrs['ts'] ?? ' ';
    raw = element.text
      .trim()
      .split(ts === ' ' ? /\s+/ : ts)
      .filter(Boolean)
      .map((tuple) => tuple.split(cs).map(Number));
  } else {
    const values = element.text.trim().split(/\s+/).filter(Boolean).map(Number);
    const dim = Number(element.attrs['srsDimension'] ?? dimension) || 2;
    raw = [];
    for (let i = 0; i + dim <= values.length; i += dim) raw.push(values.slice(i, i + dim));
  }
  return raw
    .filter((p) => p.length >= 2 && p.every(Number.isFinite))
    .map((p) => {
      const [a = 0, b = 0, h] = p;
      const [lon, lat] = latFirst ? [b, a] : [a, b];
      return h === undefined ? [lon, lat] : [lon, lat, h];
    });
}

interface GeometryContext {
  latFirst: boolean;
  dimension: number;
}

function contextOf(element: XmlElement, parent: GeometryContext): GeometryContext {
  const srs = element.attrs['srsName'];
  const dim = Number(element.attrs['srsDimension']);
  return {
    latFirst: srs === undefined ? parent.latFirst : isLatFirst(srs),
    dimension: Number.isFinite(dim) && dim > 0 ? dim : parent.dimension,
  };
}

/** The coordinates under a point-list element (posList, pos+, coordinates, pointMember/Point…). */
function coordinatesIn(element: XmlElement, context: GeometryContext): Position[] {
  const list = childNamed(element, 'posList') ?? childNamed(element, 'coordinates');
  if (list) return positions(list, context.dimension, context.latFirst);
  const found: Position[] = [];
  for (const child of element.children) {
    if (child.name === 'pos') found.push(...positions(child, context.dimension, context.latFirst));
    else if (child.name === 'pointProperty' || child.name === 'pointRep' || child.name === 'Point') {
      found.push(
        ...coordinatesIn(child.name === 'Point' ? child : (childNamed(child, 'Point') ?? child), context),
      );
    }
  }
  return found;
}

function ring(element: XmlElement | undefined, context: GeometryContext): Position[] | null {
  if (!element) return null;
  const linear = childNamed(element, 'LinearRing') ?? childNamed(element, 'Ring');
  if (!linear) return null;
  if (linear.name === 'Ring') {
    // A Ring of curve members: join their points.
    const points = linear.children.flatMap((member) =>
      member.children.flatMap((curve) => lineOf(curve, contextOf(curve, context)) ?? []),
    );
    return points.length >= 4 ? points : null;
  }
  const points = coordinatesIn(linear, contextOf(linear, context));
  return points.length >= 4 ? points : null;
}

function polygonOf(element: XmlElement, context: GeometryContext): Position[][] | null {
  const c = contextOf(element, context);
  if (element.name === 'Surface') {
    const patch = childNamed(element, 'patches')?.children.find((p) => p.name === 'PolygonPatch');
    return patch ? polygonOf(patch, c) : null;
  }
  const outer = ring(childNamed(element, 'exterior') ?? childNamed(element, 'outerBoundaryIs'), c);
  if (!outer) return null;
  const inner = [...childrenNamed(element, 'interior'), ...childrenNamed(element, 'innerBoundaryIs')]
    .map((r) => ring(r, c))
    .filter((r): r is Position[] => r !== null);
  return [outer, ...inner];
}

function lineOf(element: XmlElement, context: GeometryContext): Position[] | null {
  const c = contextOf(element, context);
  if (element.name === 'Curve') {
    const segments = childNamed(element, 'segments')?.children ?? [];
    const points = segments.flatMap((s) => coordinatesIn(s, contextOf(s, c)));
    return points.length >= 2 ? points : null;
  }
  const points = coordinatesIn(element, c);
  return points.length >= 2 ? points : null;
}

/** The members of a multi-geometry (`surfaceMember`, `surfaceMembers`, `polygonMember`…). */
function members(element: XmlElement): XmlElement[] {
  return element.children
    .filter((m) => /Members?$/.test(m.name))
    .flatMap((m) => m.children.filter((g) => GML_NS.test(g.ns)));
}

/** A GML geometry as GeoJSON; null for what the viewer does not draw. */
export function gmlGeometry(
  element: XmlElement,
  parent: GeometryContext = { latFirst: false, dimension: 2 },
): { type: string; coordinates: unknown } | null {
  const c = contextOf(element, parent);
  switch (element.name) {
    case 'Point': {
      const [p] = coordinatesIn(element, c);
      return p ? { type: 'Point', coordinates: p } : null;
    }
    case 'MultiPoint': {
      const points = members(element)
        .map((m) => coordinatesIn(m, contextOf(m, c))[0])
        .filter((p): p is Position => p !== undefined);
      return points.length ? { type: 'MultiPoint', coordinates: points } : null;
    }
    case 'LineString':
    case 'Curve': {
      const line = lineOf(element, parent);
      return line ? { type: 'LineString', coordinates: line } : null;
    }
    case 'MultiCurve':
    case 'MultiLineString': {
      const lines = members(element)
        .map((m) => lineOf(m, c))
        .filter((l): l is Position[] => l !== null);
      return lines.length ? { type: 'MultiLineString', coordinates: lines } : null;
    }
    case 'Polygon':
    case 'Surface': {
      const polygon = polygonOf(element, parent);
      return polygon ? { type: 'Polygon', coordinates: polygon } : null;
    }
    case 'MultiSurface':
    case 'MultiPolygon': {
      const polygons = members(element)
        .map((m) => polygonOf(m, c))
        .filter((p): p is Position[][] => p !== null);
      return polygons.length ? { type: 'MultiPolygon', coordinates: polygons } : null;
    }
    default:
      return null;
  }
}

/** The feature elements of a collection: `wfs:member`, `gml:featureMember(s)`, or the root itself. */
function featureElements(root: XmlElement): XmlElement[] {
  const found: XmlElement[] = [];
  for (const child of root.children) {
    if (child.name === 'member' || child.name === 'featureMember' || child.name === 'featureMembers') {
      for (const inner of child.children) {
        // WFS 2.0 may nest a further collection in a member (joins, additionalObjects).
        if (inner.name === 'FeatureCollection' || inner.name === 'SimpleFeatureCollection')
          found.push(...featureElements(inner));
        else found.push(inner);
      }
    }
  }
  return found;
}

function featureOf(element: XmlElement): GmlFeature {
  const properties: Record<string, string> = {};
  let geometry: GmlFeature['geometry'] = null;
  for (const child of element.children) {
    if (GML_NS.test(child.ns) && /^(boundedBy|name|description|identifier)$/.test(child.name)) continue;
    const geometryElement = child.children.find((g) => GML_NS.test(g.ns));
    if (geometryElement) {
      geometry ??= gmlGeometry(geometryElement);
      continue;
    }
    if (child.children.length === 0) properties[child.name] = child.text.trim();
    else properties[child.name] = deepText(child).trim();
  }
  const id = element.attrs['id'] ?? element.attrs['fid'];
  return {
    type: 'Feature',
    ...(id === undefined ? {} : { id }),
    featureType: element.name,
    properties,
    geometry,
  };
}

/** Every feature of a GML feature collection (or a single feature document). */
export function parseGmlFeatures(text: string): GmlFeature[] {
  const root = parseXml(text);
  if (root.name === 'ExceptionReport' || root.name === 'ServiceExceptionReport') {
    const message = deepText(root).trim().replace(/\s+/g, ' ').slice(0, 300);
    throw new Error(`the service answered with an error: ${message}`);
  }
  const elements = featureElements(root);
  return elements.map(featureOf);
}

/** The GML features as a GeoJSON FeatureCollection (MultiPoints split into points). */
export function gmlToFeatureCollection(features: readonly GmlFeature[]): {
  type: 'FeatureCollection';
  features: unknown[];
} {
  const out: unknown[] = [];
  for (const feature of features) {
    if (!feature.geometry) continue;
    const base = {
      type: 'Feature',
      ...(feature.id === undefined ? {} : { id: feature.id }),
      properties: feature.properties,
    };
    if (feature.geometry.type === 'MultiPoint') {
      (feature.geometry.coordinates as Position[]).forEach((p, i) =>
        out.push({
          ...base,
          ...(feature.id === undefined ? {} : { id: `${feature.id}.${i}` }),
          geometry: { type: 'Point', coordinates: p },
        }),
      );
    } else out.push({ ...base, geometry: feature.geometry });
  }
  return { type: 'FeatureCollection', features: out };
}

/** A short stable hash of a text (FNV-1a, 32 bit, hex). */
function hashText(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}

/**
 * The collection with an id on every feature: services that write none (MapServer's WFS GeoJSON) get
 * one made from the feature's content, the same on every request, so features loaded twice (two
 * views that overlap) are recognised as one.
 */
export function withFeatureIds(body: unknown, prefix: string): unknown {
  const collection = body as { features?: unknown } | null;
  if (!collection || !Array.isArray(collection.features)) return body;
  return {
    ...collection,
    features: (collection.features as Record<string, unknown>[]).map((feature) => {
      const properties = feature['properties'] as Record<string, unknown> | null | undefined;
      if (feature['id'] !== undefined || properties?.['id'] !== undefined) return feature;
      const content = JSON.stringify([feature['geometry'], properties]);
      return { ...feature, id: `${prefix}:${hashText(content)}` };
    }),
  };
}
