/**
 * The legend of each catalog layer, chosen by its type and kind.
 */
import type { LayerEntry } from '../../../protocol/index.ts';
import { buildingsLegend, type BuildingColorMode } from './buildingsLayer.ts';
import { environmentLegend } from './environmentLayer.ts';
import { geojsonLegend } from './geojsonLayer.ts';
import type { LegendEntry } from './palette.ts';
import { parkingLegend } from './parkingLayer.ts';
import { trafficLegend } from './trafficLayer.ts';
import { waterLegend } from './waterLayer.ts';

/**
 * The legend rows of `entry`; `catalog` tells the buildings legend whether garages are coloured, and
 * `buildingColorMode` which attribute buildings are coloured by.
 */
export function legendFor(
  entry: LayerEntry,
  catalog: readonly LayerEntry[],
  buildingColorMode: BuildingColorMode = 'none',
): readonly LegendEntry[] {
  switch (entry.type) {
    case 'tileset':
      return buildingsLegend(
        catalog.some((e) => e.type === 'live' && e.kind === 'parking'),
        buildingColorMode,
      );
    case 'geojson':
      return geojsonLegend();
    case 'live':
      switch (entry.kind) {
        case 'parking':
          return parkingLegend();
        case 'traffic':
          return trafficLegend();
        case 'environment':
          return environmentLegend();
        case 'water':
          return waterLegend();
      }
  }
}
