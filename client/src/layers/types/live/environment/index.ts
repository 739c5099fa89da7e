/** The live environment layer: its legend and its Cesium binding. */
import type { LiveKindDefinition } from '../liveKind.ts';
import { environmentLegend } from './environmentLayer.ts';

export const environmentLiveKind: LiveKindDefinition = {
  legend: () => environmentLegend(),
  loadCesium: async () => (await import('./environmentCesiumImpl.ts')).createEnvironmentCesiumImpl,
};
