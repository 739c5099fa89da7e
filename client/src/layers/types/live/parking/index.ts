/** The live parking layer: its legend and its Cesium binding. */
import type { LiveKindDefinition } from '../liveKind.ts';
import { parkingLegend } from './parkingLayer.ts';

export const parkingLiveKind: LiveKindDefinition = {
  legend: () => parkingLegend(),
  loadCesium: async () => (await import('./parkingCesiumImpl.ts')).createParkingCesiumImpl,
};
