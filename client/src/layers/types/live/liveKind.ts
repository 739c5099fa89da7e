/** What a live sensor kind provides to the map: its legend and its Cesium binding. */
import type { CesiumLayerContext } from '../../../viewer/layerContext.ts';
import type { LayerImplementation } from '../../layerModel.ts';
import type { LegendEntry } from '../../palette.ts';

export interface LiveKindDefinition {
  legend(): readonly LegendEntry[];
  /** The binding drawing the kind's sensors, loaded with the map. */
  loadCesium(): Promise<(context: CesiumLayerContext) => LayerImplementation>;
}
