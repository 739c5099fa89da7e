/**
 * Starts a sun-hours study in a web worker (one per study, ended when it answers), so the map keeps
 * turning while it computes.
 */
import type { Obstacle, SunHoursGrid, SunHoursResult, SunHoursStudy } from './sunHours.ts';

export function runSunHours(
  grid: SunHoursGrid,
  obstacles: readonly Obstacle[],
  study: SunHoursStudy,
  onProgress: (share: number) => void,
): Promise<SunHoursResult> {
  const worker = new Worker(new URL('./sunHoursWorker.ts', import.meta.url), { type: 'module' });
  return new Promise<SunHoursResult>((resolve, reject) => {
    worker.onmessage = (event: MessageEvent) => {
      const data = event.data as { progress?: number; error?: string } & Partial<SunHoursResult>;
      if (typeof data.progress === 'number') onProgress(data.progress);
      else if (data.error !== undefined) reject(new Error(data.error));
      else if (data.hours instanceof Float32Array)
        resolve({ hours: data.hours, possibleHours: data.possibleHours ?? 0, samples: data.samples ?? 0 });
    };
    worker.onerror = (event) => reject(new Error(event.message || 'the sun-hours worker failed'));
    worker.postMessage({ grid, obstacles, study });
  }).finally(() => worker.terminate());
}
