/** Which basemap a view starts with. Pure (no Cesium), so the panels can use it. */
import type { MapSetup } from '../../../protocol/index.ts';

/** The asked basemap if the town offers it, else the first (the town map); null when none is offered. */
export function initialBasemapId(setup: MapSetup, asked: string | null): string | null {
  if (asked !== null && setup.basemaps.some((b) => b.id === asked)) return asked;
  return setup.basemaps[0]?.id ?? null;
}
