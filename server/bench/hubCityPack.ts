/**
 * The synthetic town of the hub benchmark: the demo pack (buildings, roads, layers) copied into a
 * temporary data folder with a registry of its own, `count` sensors (`hubSensor`) spread evenly over
 * the area of the demo's sensors. Parking, traffic and environment sensors take turns; each is bound
 * to a site of its own (only water sensors' sites must be basins), public, expected every minute.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BBox, Sensor } from '../../protocol/index.ts';
import { copyDemoPack } from '../src/testing/copyDemoPack.ts';
import { HUB_CAPACITY_SPACES, hubSensor } from './hubLoad.ts';

/**
 * Expected report interval of the synthetic sensors (the bench feeds them faster). Long enough that
 * the reading every sensor gets before the clients come is still live when the load starts, however
 * long 10,000 clients take to connect and subscribe: every diff the clients check must be live.
 */
export const HUB_SENSOR_INTERVAL_MS = 60_000;

/** The rectangle around `sensors` (the town's area). */
export function townExtent(sensors: readonly Pick<Sensor, 'position'>[]): BBox {
  const lons = sensors.map((s) => s.position[0]);
  const lats = sensors.map((s) => s.position[1]);
  return [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)];
}

/** The registry entries of `count` synthetic sensors over `extent`. */
export function hubRegistry(count: number, extent: BBox): Sensor[] {
  return Array.from({ length: count }, (_, index): Sensor => {
    const sensor = hubSensor(index, extent);
    return {
      id: sensor.id,
      kind: sensor.kind,
      name: `Bench ${sensor.kind} ${index}`,
      position: [sensor.lonLat[0], sensor.lonLat[1], 0],
      object: { type: 'site', id: `site-${sensor.id}` },
      quantities: [...sensor.quantities],
      intervalMs: HUB_SENSOR_INTERVAL_MS,
      thresholds: {},
      visibility: 'public',
      attributes: sensor.kind === 'parking' ? { capacitySpaces: HUB_CAPACITY_SPACES } : {},
    };
  });
}

/**
 * Writes the pack `hub-bench` under `dataDir` with `count` sensors over the demo sensors' area and
 * returns its folder and that area.
 */
export async function writeHubCityPack(
  dataDir: string,
  count: number,
): Promise<{ dir: string; extent: BBox }> {
  const dir = copyDemoPack({ dataDir, id: 'hub-bench', name: 'Hub-Bench (synthetisch)' });
  const demo = JSON.parse(await readFile(join(dir, 'sensors.json'), 'utf8')) as { sensors: Sensor[] };
  const extent = townExtent(demo.sensors);
  await writeFile(join(dir, 'sensors.json'), JSON.stringify({ sensors: hubRegistry(count, extent) }));
  return { dir, extent };
}
