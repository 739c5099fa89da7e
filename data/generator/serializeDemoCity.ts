/**
 * Writes a generated city pack as file texts. Deterministic by construction: keys come out in the
 * order the generator builds its objects, numbers are already rounded, and every file ends with a
 * newline. GeoJSON features and sensors go one per line, so a change to one building is a one-line
 * diff and the files stay small.
 */
import { CITY_PACK_FILES } from '../../protocol/packFeatures.ts';
import type { DemoCity } from './generateDemoCity.ts';

/** One file of the pack: its name in the pack folder and its full text. */
export interface PackFile {
  fileName: string;
  text: string;
}

/** The file names of a city pack, in the order they are written: the loader's list, so the two cannot drift. */
export const PACK_FILE_NAMES = CITY_PACK_FILES;

function oneItemPerLine(head: string, items: readonly unknown[], tail: string): string {
  if (items.length === 0) return `${head}${tail}\n`;
  return `${head}\n${items.map((item) => JSON.stringify(item)).join(',\n')}\n${tail}\n`;
}

function featureCollectionText(features: readonly unknown[]): string {
  return oneItemPerLine('{"type":"FeatureCollection","features":[', features, ']}');
}

/** The six files of the pack, in `PACK_FILE_NAMES` order. */
export function serializeDemoCity(city: DemoCity): PackFile[] {
  return [
    { fileName: 'city.json', text: `${JSON.stringify(city.city, null, 2)}\n` },
    { fileName: 'buildings.geojson', text: featureCollectionText(city.buildings.features) },
    { fileName: 'roads.geojson', text: featureCollectionText(city.roads.features) },
    { fileName: 'basins.geojson', text: featureCollectionText(city.basins.features) },
    { fileName: 'sensors.json', text: oneItemPerLine('{"sensors":[', city.sensors, ']}') },
    {
      fileName: 'layers.json',
      text: `${JSON.stringify({ groups: city.groups, layers: city.layers }, null, 2)}\n`,
    },
    ...city.catalogueFiles.map((file) => ({
      fileName: file.fileName,
      text: featureCollectionText(file.features),
    })),
  ];
}
