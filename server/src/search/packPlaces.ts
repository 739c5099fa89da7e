/**
 * The named places of a city pack: every feature of any of its GeoJSON files marked
 * `"layer": "places"` or `"kind": "place"` with a `name` (a district, a square, a hill, a lake).
 * Packs name such files as they like (`landscape.geojson`, `places.geojson`), so every `*.geojson`
 * of the folder is read. A file that cannot be read is told to `onProblem` and left out: the
 * search of the rest must not fail for it.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { PackPlace } from './packSearchEntries.ts';

/** A larger file is not read for places (the pack's own layers are checked at load anyway). */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The positions of a GeoJSON geometry's coordinates, flattened. */
function positionsOf(coordinates: unknown, into: [number, number][]): void {
  if (!Array.isArray(coordinates)) return;
  const [lon, lat] = coordinates as unknown[];
  if (typeof lon === 'number' && typeof lat === 'number') {
    if (Number.isFinite(lon) && Number.isFinite(lat) && Math.abs(lon) <= 180 && Math.abs(lat) <= 90)
      into.push([lon, lat]);
    return;
  }
  for (const child of coordinates) positionsOf(child, into);
}

/** The places of a parsed GeoJSON FeatureCollection (`fileName` makes ids of features without one). */
export function placesOfGeoJson(value: unknown, fileName: string): PackPlace[] {
  if (!isRecord(value) || !Array.isArray(value.features)) return [];
  const places: PackPlace[] = [];
  value.features.forEach((feature: unknown, index: number) => {
    if (!isRecord(feature) || !isRecord(feature.properties) || !isRecord(feature.geometry)) return;
    const properties = feature.properties;
    if (properties.layer !== 'places' && properties.kind !== 'place') return;
    const name = properties.name;
    if (typeof name !== 'string' || name.trim() === '') return;
    const positions: [number, number][] = [];
    positionsOf(feature.geometry.coordinates, positions);
    if (positions.length === 0) return;
    // A point is where it is; a line or an area by the mean of its vertices.
    const lon = positions.reduce((sum, [x]) => sum + x, 0) / positions.length;
    const lat = positions.reduce((sum, [, y]) => sum + y, 0) / positions.length;
    const ownId = feature.id ?? properties.id;
    const placeType = [properties.placeType, properties.place, properties.type].find(
      (candidate): candidate is string => typeof candidate === 'string' && candidate.trim() !== '',
    );
    places.push({
      id: typeof ownId === 'string' || typeof ownId === 'number' ? String(ownId) : `${fileName}#${index}`,
      name: name.trim(),
      lon,
      lat,
      ...(placeType ? { placeType } : {}),
    });
  });
  return places;
}

/** Reads the places of every GeoJSON file in the pack folder `dir`. */
export async function readPackPlaces(
  dir: string,
  onProblem: (fileName: string, message: string) => void,
): Promise<PackPlace[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith('.geojson')).sort();
  } catch (error) {
    onProblem(dir, (error as Error).message);
    return [];
  }
  const places: PackPlace[] = [];
  for (const fileName of names) {
    const path = join(dir, fileName);
    try {
      const { size } = await stat(path);
      if (size > MAX_FILE_BYTES) {
        onProblem(fileName, `larger than ${MAX_FILE_BYTES} bytes; not read for places`);
        continue;
      }
      const text = await readFile(path, 'utf8');
      // Files without the marker hold no places: skip parsing the large building and road layers.
      if (!/"(?:layer|kind)"\s*:\s*"place/.test(text)) continue;
      places.push(...placesOfGeoJson(JSON.parse(text.replace(/^\uFEFF/, '')), fileName));
    } catch (error) {
      onProblem(fileName, (error as Error).message);
    }
  }
  return places;
}
