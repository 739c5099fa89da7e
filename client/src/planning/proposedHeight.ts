/**
 * How high a proposed building is drawn and counted as an obstacle: the walls up to the eaves and a
 * pitched roof as a block of the same volume (half the roof's height for gable and shed roofs, a
 * third for a hipped roof, as in the key figures). Pure.
 */
import type { ProposedBuilding } from '../../../protocol/index.ts';

export function drawnHeightM(
  building: Pick<ProposedBuilding, 'eavesHeightM' | 'roofHeightM' | 'roof'>,
): number {
  if (building.roof === 'flat') return building.eavesHeightM;
  const share = building.roof === 'hipped' ? 1 / 3 : 0.5;
  return building.eavesHeightM + building.roofHeightM * share;
}
