/** The live traffic layer: its legend and its Cesium binding. */
import type { LiveKindDefinition } from '../liveKind.ts';
import { trafficLegend } from './trafficLayer.ts';

export const trafficLiveKind: LiveKindDefinition = {
  legend: () => trafficLegend(),
  loadCesium: async () => (await import('./trafficCesiumImpl.ts')).createTrafficCesiumImpl,
};
