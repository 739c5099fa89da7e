/**
 * Imports of proposed buildings run in worker threads, never on the server's event loop: a file of
 * tens of megabytes takes seconds to read, and a hostile one as long as it is allowed to. Each
 * import gets a fresh worker with a memory limit (V8's heap limit for that thread) and a time limit;
 * a worker that exceeds either is ended and the import refused with what to do instead. At most
 * `concurrency` imports read at once; a few more wait their turn for a bounded time, and beyond that
 * an import is refused as busy with the time after which to try again.
 */
import { Worker } from 'node:worker_threads';
import type { ScenarioImportResult } from '../../../protocol/index.ts';
import { DEFAULT_IMPORT_LIMITS, ImportLimitError, type ImportLimits } from './importLimits.ts';
import { ScenarioImportError, type ImportRequest } from './importProposed.ts';
import type { ImportJob, ImportWorkerMessage } from './importWorker.ts';

export interface ImportRunnerOptions extends Partial<ImportLimits> {
  /** Called when an import's worker is ready and starts reading the file (logs; tests wait on it). */
  readonly onReading?: (request: ImportRequest) => void;
}

/** Runs imports in worker threads within the limits. */
export interface ImportRunner {
  readonly limits: ImportLimits;
  /**
   * Reads a file into proposed buildings in a worker. The file's bytes are moved to the worker, not
   * copied: `request.bytes` is empty once the import has started. Rejects with
   * {@link ScenarioImportError} for a file that cannot be imported, {@link ImportLimitError} for one
   * that exceeds a limit or finds the server busy, and `signal`'s reason when it aborts (the waiting
   * import leaves the queue, the reading one's worker is ended).
   */
  run(request: ImportRequest, signal?: AbortSignal): Promise<ScenarioImportResult>;
  /** Ends every worker and refuses every waiting import; later imports are refused. */
  close(): Promise<void>;
}

const BOOTSTRAP = new URL('./importWorkerBootstrap.mjs', import.meta.url);
/** How long a worker may take to load its code: seconds on a loaded machine, never a minute. */
const STARTUP_LIMIT_MS = 60_000;

/**
 * The bytes as a view the worker can take over: the request's own buffer when the view spans all of
 * it (a body over 4 KiB has its own), else one copy (a small body shares Node's buffer pool, which
 * must not be moved away).
 */
function movable(bytes: Uint8Array): { view: Uint8Array; buffer: ArrayBuffer } {
  const { buffer } = bytes;
  if (buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === buffer.byteLength)
    return { view: new Uint8Array(buffer), buffer };
  const copy = new Uint8Array(bytes);
  return { view: copy, buffer: copy.buffer };
}

/** Creates a runner; options left out take {@link DEFAULT_IMPORT_LIMITS}. */
export function createImportRunner(options: ImportRunnerOptions = {}): ImportRunner {
  const limits: ImportLimits = {
    timeLimitS: options.timeLimitS ?? DEFAULT_IMPORT_LIMITS.timeLimitS,
    memoryLimitMiB: options.memoryLimitMiB ?? DEFAULT_IMPORT_LIMITS.memoryLimitMiB,
    concurrency: options.concurrency ?? DEFAULT_IMPORT_LIMITS.concurrency,
    maxWaiting: options.maxWaiting ?? DEFAULT_IMPORT_LIMITS.maxWaiting,
    maxWaitS: options.maxWaitS ?? DEFAULT_IMPORT_LIMITS.maxWaitS,
  };
  /** Slots taken: by a worker until it has exited (a limit's kill included), or by an import about to start one. */
  let taken = 0;
  /** The imports waiting for a slot, first come first served. */
  const waiting: { go: () => void; fail: (error: Error) => void }[] = [];
  const workers = new Set<Worker>();
  let closed = false;

  const busy = () =>
    new ImportLimitError(
      'busy',
      `the server is busy with other imports (${limits.concurrency} at a time, ${limits.maxWaiting} waiting); ` +
        `try again in ${Math.ceil(limits.timeLimitS)} s`,
      Math.ceil(limits.timeLimitS),
    );
  const closing = () =>
    new ImportLimitError('busy', 'the server is shutting down; try again in a minute', 60);

  /** Resolves once this import holds a slot; rejects when it may not wait for one. */
  const turn = (signal: AbortSignal | undefined): Promise<void> => {
    if (closed) return Promise.reject(closing());
    if (taken < limits.concurrency && waiting.length === 0) {
      taken += 1;
      return Promise.resolve();
    }
    if (waiting.length >= limits.maxWaiting) return Promise.reject(busy());
    return new Promise((resolve, reject) => {
      const leave = () => {
        const at = waiting.indexOf(entry);
        if (at >= 0) waiting.splice(at, 1);
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const entry = {
        // The slot is handed over already taken (see `release`).
        go: () => {
          leave();
          resolve();
        },
        fail: (error: Error) => {
          leave();
          reject(error);
        },
      };
      const onAbort = () =>
        entry.fail(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
      const timer = setTimeout(() => entry.fail(busy()), limits.maxWaitS * 1000);
      signal?.addEventListener('abort', onAbort, { once: true });
      waiting.push(entry);
    });
  };

  /** A slot is free again: it goes straight to the longest waiting import. */
  const release = () => {
    const next = waiting[0];
    if (next && !closed) next.go();
    else taken -= 1;
  };

  const read = (request: ImportRequest, signal: AbortSignal | undefined) =>
    new Promise<ScenarioImportResult>((resolve, reject) => {
      const { view, buffer } = movable(request.bytes);
      const job: ImportJob = { request: { ...request, bytes: view } };
      let worker: Worker;
      try {
        worker = new Worker(BOOTSTRAP, {
          workerData: job,
          transferList: [buffer],
          // The worker loads its TypeScript itself; the parent's loader flags are not for it.
          execArgv: [],
          resourceLimits: { maxOldGenerationSizeMb: limits.memoryLimitMiB },
          name: 'scenario-import',
        });
      } catch (error) {
        // A worker that was never created never exits: its slot is freed here.
        release();
        reject(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      workers.add(worker);
      let settled = false;
      const settle = (outcome: ScenarioImportResult | Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        // Ends a worker a limit stopped; one that answered is ending by itself.
        void worker.terminate();
        if (outcome instanceof Error) reject(outcome);
        else resolve(outcome);
      };
      const onAbort = () => settle(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
      signal?.addEventListener('abort', onAbort, { once: true });
      let timer = setTimeout(
        () =>
          settle(
            new ImportLimitError(
              'startup',
              `the import could not start within ${STARTUP_LIMIT_MS / 1000} s; try again in a minute`,
              60,
            ),
          ),
        STARTUP_LIMIT_MS,
      );
      worker.on('message', (message: ImportWorkerMessage) => {
        switch (message.type) {
          case 'started':
            clearTimeout(timer);
            timer = setTimeout(
              () =>
                settle(
                  new ImportLimitError(
                    'time',
                    `reading the file took longer than the ${limits.timeLimitS} s an import may take: ` +
                      'split it into smaller files (a few blocks each) and import them one by one',
                  ),
                ),
              limits.timeLimitS * 1000,
            );
            options.onReading?.(request);
            break;
          case 'done':
            settle(message.result);
            break;
          case 'refused':
            settle(new ScenarioImportError(message.message));
            break;
          case 'failed':
            settle(new Error(message.message));
            break;
        }
      });
      worker.on('error', (error: Error & { code?: string }) => {
        settle(
          error.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? new ImportLimitError(
                'memory',
                `reading the file needs more than the ${limits.memoryLimitMiB} MiB an import may use: ` +
                  'split it into smaller files (a few blocks each) and import them one by one',
              )
            : new Error(`the import worker stopped: ${error.message}`),
        );
      });
      worker.on('exit', (code) => {
        settle(new Error(`the import worker ended (exit code ${code}) without an answer`));
        workers.delete(worker);
        release();
      });
    });

  return {
    limits,
    async run(request, signal) {
      signal?.throwIfAborted();
      await turn(signal);
      if (signal?.aborted) {
        release();
        throw signal.reason instanceof Error ? signal.reason : new Error('aborted');
      }
      return read(request, signal);
    },
    async close() {
      closed = true;
      for (const entry of [...waiting]) entry.fail(closing());
      await Promise.all([...workers].map((worker) => worker.terminate()));
    },
  };
}
