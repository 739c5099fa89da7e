/**
 * Runs a sun-hours study off the main thread: takes `{ grid, obstacles, study }`, reports progress
 * (`{ progress }`, 0..1) and answers `{ hours, possibleHours, samples }` (the hours' buffer moved, not
 * copied), or `{ error }`.
 */
import type { Obstacle, SunHoursGrid, SunHoursStudy } from './sunHours.ts';
import { sunHours } from './sunHours.ts';

interface Request {
  readonly grid: SunHoursGrid;
  readonly obstacles: readonly Obstacle[];
  readonly study: SunHoursStudy;
}

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<Request>) => void) | null;
  postMessage(message: unknown, transfer?: Transferable[]): void;
};

scope.onmessage = (event) => {
  try {
    const { grid, obstacles, study } = event.data;
    let last = 0;
    const result = sunHours(grid, obstacles, study, (share) => {
      // Every tenth is enough for a progress bar.
      if (share - last >= 0.1 || share === 1) {
        last = share;
        scope.postMessage({ progress: share });
      }
    });
    scope.postMessage({ hours: result.hours, possibleHours: result.possibleHours, samples: result.samples }, [
      result.hours.buffer,
    ]);
  } catch (error) {
    scope.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
};
