/** The live water layer: its legend and its Cesium binding. */
import type { LiveKindDefinition } from '../liveKind.ts';
import { waterLegend } from './waterLayer.ts';

export const waterLiveKind: LiveKindDefinition = {
  legend: () => waterLegend(),
  loadCesium: async () => (await import('./waterCesiumImpl.ts')).createWaterCesiumImpl,
};
