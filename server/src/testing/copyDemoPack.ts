/**
 * Test support: copies the committed demo pack into another data folder under a new id and name, so
 * tests can serve several cities without committing a second pack. Tiles are not copied: the copy's
 * catalog still points at `/tiles/boeblingen-demo/`.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const DEMO_DIR = fileURLToPath(new URL('../../../data/boeblingen-demo', import.meta.url));

/** Options of {@link copyDemoPack}. */
export interface CopyDemoPackOptions {
  readonly dataDir: string;
  readonly id: string;
  readonly name: string;
  /** Keep only these sensor kinds in the copy's registry (all when left out). */
  readonly sensorKinds?: readonly string[];
}

/** Writes `<dataDir>/<id>/`, a copy of the demo pack with the given id, name and sensors. */
export function copyDemoPack({ dataDir, id, name, sensorKinds }: CopyDemoPackOptions): string {
  const dir = join(dataDir, id);
  cpSync(DEMO_DIR, dir, { recursive: true });
  const city = JSON.parse(readFileSync(join(dir, 'city.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(dir, 'city.json'), JSON.stringify({ ...city, id, name }));
  if (sensorKinds) {
    const registry = JSON.parse(readFileSync(join(dir, 'sensors.json'), 'utf8')) as {
      sensors: { kind: string }[];
    };
    registry.sensors = registry.sensors.filter((s) => sensorKinds.includes(s.kind));
    writeFileSync(join(dir, 'sensors.json'), JSON.stringify(registry));
  }
  return dir;
}
