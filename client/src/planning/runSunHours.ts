/**
 * Starts a sun-hours study in a web worker (one per study, ended when it answers), so the map keeps
 * turning while it computes: the ground grid and, if given, points on façades.
 */
import type { FacadePoint, Obstacle, SunHoursGrid, SunHoursResult, SunHoursStudy } from './sunHours.ts';

export interface SunHoursRun extends SunHoursResult {
  /** Hours of the façade points, in their order (empty without any). */
  readonly facadeHours: Float32Array;
}

export function runSunHours(
  grid: SunHoursGrid,
  obstacles: readonly Obstacle[],
  study: SunHoursStudy,
  onProgress: (share: number) => void,
  facades: readonly FacadePoint[] = [],
): Promise<SunHoursRun> {
  const worker = new Worker(new URL('./sunHoursWorker.ts', import.meta.url), { type: 'module' });
  return new Promise<SunHoursRun>((resolve, reject) => {
    worker.onmessage = (event: MessageEvent) => {
      const data = event.data as {
        progress?: number;
        error?: string;
        facadeHours?: Float32Array;
      } & Partial<SunHoursResult>;
      if (typeof data.progress === 'number') onProgress(data.progress);
      else if (data.error !== undefined) reject(new Error(data.error));
      else if (data.hours instanceof Float32Array)
        resolve({
          hours: data.hours,
          facadeHours: data.facadeHours instanceof Float32Array ? data.facadeHours : new Float32Array(0),
          possibleHours: data.possibleHours ?? 0,
          samples: data.samples ?? 0,
        });
    };
    worker.onerror = (event) => reject(new Error(event.message || 'the sun-hours worker failed'));
    // Only what the computing needs of each point.
    const points = facades.map(({ x, y, z, nx, ny }) => ({ x, y, z, nx, ny }));
    worker.postMessage({ grid, obstacles, study, facades: points });
  }).finally(() => worker.terminate());
}
