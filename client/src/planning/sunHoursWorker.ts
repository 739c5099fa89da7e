/**
 * Runs a sun-hours study off the main thread: takes `{ grid, obstacles, study, facades? }`, reports
 * progress (`{ progress }`, 0..1) and answers `{ hours, facadeHours?, possibleHours, samples }` (the
 * hours' buffers moved, not copied), or `{ error }`.
 */
import type { FacadePoint, Obstacle, SunHoursGrid, SunHoursStudy } from './sunHours.ts';
import { facadeSunHours, sunHours } from './sunHours.ts';

interface Request {
  readonly grid: SunHoursGrid;
  readonly obstacles: readonly Obstacle[];
  readonly study: SunHoursStudy;
  readonly facades?: readonly FacadePoint[];
}

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<Request>) => void) | null;
  postMessage(message: unknown, transfer?: Transferable[]): void;
};

scope.onmessage = (event) => {
  try {
    const { grid, obstacles, study, facades = [] } = event.data;
    // The share of the work on the ground (façade points skip the samples with the sun behind them).
    const groundPoints = grid.columns * grid.rows;
    const groundShare = groundPoints / (groundPoints + facades.length / 2 || 1);
    let last = 0;
    const report = (share: number) => {
      // Every tenth is enough for a progress bar.
      if (share - last >= 0.1 || share === 1) {
        last = share;
        scope.postMessage({ progress: share });
      }
    };
    const result = sunHours(grid, obstacles, study, (share) => report(share * groundShare));
    const onWalls =
      facades.length > 0
        ? facadeSunHours(facades, obstacles, study, (share) =>
            report(groundShare + share * (1 - groundShare)),
          )
        : null;
    const transfer: Transferable[] = [result.hours.buffer];
    if (onWalls) transfer.push(onWalls.hours.buffer);
    scope.postMessage(
      {
        hours: result.hours,
        facadeHours: onWalls?.hours,
        possibleHours: result.possibleHours,
        samples: result.samples,
      },
      transfer,
    );
  } catch (error) {
    scope.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
};
