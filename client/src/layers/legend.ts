/**
 * The legend of each catalog layer, as its type gives it (`types/`).
 */
import type { LayerEntry } from '../../../protocol/index.ts';
import type { LegendEntry } from './palette.ts';
import { legendOf } from './types/index.ts';
import type { BuildingColorMode } from './types/tileset/buildingsLayer.ts';

/**
 * The legend rows of `entry`; `catalog` tells the buildings legend whether garages are coloured, and
 * `buildingColorMode` which attribute buildings are coloured by.
 */
export function legendFor(
  entry: LayerEntry,
  catalog: readonly LayerEntry[],
  buildingColorMode: BuildingColorMode = 'none',
): readonly LegendEntry[] {
  return legendOf(entry, { catalog, buildingColorMode });
}
