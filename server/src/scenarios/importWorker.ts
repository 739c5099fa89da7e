/**
 * The worker thread's side of an import of proposed buildings: it reads the one file it was
 * started with and posts what came of it. It holds no server state and touches no socket or file;
 * everything it needs arrives in `workerData`, so killing it mid-read loses nothing.
 * `importRunner.ts` starts it through `importWorkerBootstrap.mjs`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ScenarioImportResult } from '../../../protocol/index.ts';
import { importProposedBuildings, ScenarioImportError, type ImportRequest } from './importProposed.ts';

/** What a worker is started with: the request, its bytes moved (not copied) into the thread. */
export interface ImportJob {
  readonly request: ImportRequest;
}

/** What a worker posts: `started` once its code is loaded, then exactly one outcome. */
export type ImportWorkerMessage =
  | { readonly type: 'started' }
  | { readonly type: 'done'; readonly result: ScenarioImportResult }
  /** The file cannot be imported ({@link ScenarioImportError}): the planner's to fix. */
  | { readonly type: 'refused'; readonly message: string }
  /** Anything else went wrong: a bug, reported as such. */
  | { readonly type: 'failed'; readonly message: string };

/** Runs the job in `workerData` and posts its outcome to the thread that started this one. */
export async function runImportWorker(): Promise<void> {
  const port = parentPort;
  if (port === null) throw new Error('importWorker.ts runs only in a worker thread');
  const post = (message: ImportWorkerMessage) => port.postMessage(message);
  const { request } = workerData as ImportJob;
  post({ type: 'started' });
  try {
    post({ type: 'done', result: await importProposedBuildings(request) });
  } catch (error) {
    if (error instanceof ScenarioImportError) post({ type: 'refused', message: error.message });
    else post({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  }
}
