/**
 * Finds the city packs in the data folder: every direct sub-folder with a `city.json`. The server
 * serves all of them (the viewer's town switcher lists them); `npm start` builds their tiles.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CityIdSchema } from '../../../protocol/index.ts';

/** Pack ids (folder names) under `dataDir`, sorted; folders whose name is not a valid id are left out. */
export function discoverCityPacks(dataDir: string): string[] {
  if (!existsSync(dataDir)) return [];
  return readdirSync(dataDir, { withFileTypes: true })
    .filter(
      (entry) =>
        entry.isDirectory() &&
        CityIdSchema.safeParse(entry.name).success &&
        existsSync(join(dataDir, entry.name, 'city.json')),
    )
    .map((entry) => entry.name)
    .sort();
}
