/**
 * Tells which importer reads a file, from its name and its first bytes. Pure: the caller reads the
 * head of the file ({@link FORMAT_SNIFF_BYTES}).
 */
import { extname } from 'node:path';

/** The formats `npm run import` reads. */
export type ImportFormat = 'citygml' | 'cityjson' | 'cityjsonseq' | 'osm-geojson' | 'overpass-json';

/** How many bytes from the start of a file `detectFormat` needs. */
export const FORMAT_SNIFF_BYTES = 64 * 1024;

/** Thrown when a file is none of the formats the importer reads; the message says what is expected. */
export class UnknownFormatError extends Error {
  override readonly name = 'UnknownFormatError';
}

const EXPECTED =
  'expected CityGML (.gml), CityJSON (.json), CityJSONSeq (.jsonl), OSM GeoJSON (a FeatureCollection) ' +
  'or Overpass JSON (with "elements")';
const SEQ_EXTENSIONS = new Set(['.jsonl', '.cityjsonl', '.cityjsonseq', '.ndjson']);

/**
 * The format of a file. `head` is its first bytes (or text); only markers near the start are read,
 * so a large file need not be loaded.
 * @throws UnknownFormatError for anything else, naming the file and what was found.
 */
export function detectFormat(fileName: string, head: string | Uint8Array): ImportFormat {
  // latin1 maps every byte to one character: the markers are ASCII, whatever the file's encoding.
  const text = (typeof head === 'string' ? head : Buffer.from(head).toString('latin1'))
    .replace(/^(\uFEFF|\u00EF\u00BB\u00BF)/, '')
    .trimStart();
  const extension = extname(fileName).toLowerCase();
  if (text.startsWith('<')) {
    if (/<([\w-]+:)?CityModel[\s>]/.test(text)) return 'citygml';
    const osmXml = /<osm[\s>]/.test(text) ? ' (OSM XML: export it as GeoJSON or Overpass JSON instead)' : '';
    throw new UnknownFormatError(`${fileName} is XML but not a CityGML CityModel${osmXml}; ${EXPECTED}`);
  }
  if (text.startsWith('{')) {
    const cityJsonHeader = /"type"\s*:\s*"CityJSON"/.test(text);
    const cityJsonFeature = /"type"\s*:\s*"CityJSONFeature"/.test(text);
    if (cityJsonFeature || (cityJsonHeader && SEQ_EXTENSIONS.has(extension))) return 'cityjsonseq';
    if (cityJsonHeader || /"CityObjects"\s*:/.test(text)) return 'cityjson';
    if (/"elements"\s*:\s*\[/.test(text)) return 'overpass-json';
    if (/"type"\s*:\s*"(FeatureCollection|Feature)"/.test(text)) return 'osm-geojson';
    throw new UnknownFormatError(`${fileName} is JSON but of no known kind; ${EXPECTED}`);
  }
  const found = text.length === 0 ? 'is empty' : `starts with ${JSON.stringify(text.slice(0, 20))}`;
  throw new UnknownFormatError(`${fileName} ${found}; ${EXPECTED}`);
}
