/**
 * Features of files the user opened, kept in this page under `memory:<id>` URLs, so a GeoJSON layer
 * entry can point at them like at a file on the server. They live only as long as the page: an
 * entry with a `memory:` URL cannot travel in a share link and never goes to the server (the
 * protocol's `LayerUrlSchema` would refuse it anyway).
 */
import type { CityFeature } from '../../geo/geojson.ts';

const PREFIX = 'memory:';
const sources = new Map<string, readonly CityFeature[]>();
let next = 0;

/** Keeps `features` and answers the URL that finds them. */
export function registerMemorySource(features: readonly CityFeature[], hint = 'file'): string {
  next += 1;
  const slug =
    hint
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 32) || 'file';
  const url = `${PREFIX}${slug}-${next}`;
  sources.set(url, features);
  return url;
}

/** Whether `url` names features in memory. */
export function isMemoryUrl(url: string): boolean {
  return url.startsWith(PREFIX);
}

/** The features behind a `memory:` URL; null for other URLs; throws for one that was released. */
export function memoryFeatures(url: string): readonly CityFeature[] | null {
  if (!isMemoryUrl(url)) return null;
  const features = sources.get(url);
  if (!features) throw new Error(`${url}: the file is no longer open in this page`);
  return features;
}

/** Forgets the features behind `url` (the user removed the layer). */
export function releaseMemorySource(url: string): void {
  sources.delete(url);
}
