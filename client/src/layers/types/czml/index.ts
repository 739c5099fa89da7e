/** A CZML document: time-dynamic objects (a route, a vehicle, a construction sequence). */
import type { LayerTypeDefinition } from '../layerType.ts';

export const czmlLayerType: LayerTypeDefinition<'czml'> = {
  type: 'czml',
  legend: () => [],
  loadCesium: async () => (await import('./czmlCesiumImpl.ts')).createCzmlCesiumImpl,
};
