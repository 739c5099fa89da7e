/**
 * The limits of the imports of proposed buildings and the error of an import refused by one; kept
 * apart from the runner so the server's config can read the defaults without loading the importers.
 */

/** The limits of the imports of one server. */
export interface ImportLimits {
  /** How long one import may read its file, seconds (from when its worker is ready). */
  readonly timeLimitS: number;
  /** The most heap one import's worker may use, MiB (the file's own bytes come on top). */
  readonly memoryLimitMiB: number;
  /** Imports read at the same time. */
  readonly concurrency: number;
  /** Imports that may wait for a free worker; one more is refused as busy. */
  readonly maxWaiting: number;
  /** How long an import waits for a free worker before it is refused as busy, seconds. */
  readonly maxWaitS: number;
}

/**
 * One import at a time: a server with two cores keeps one for the twin. 60 s is ten times what the
 * largest file taken (32 MiB of CityJSON) needs here; 1 GiB of heap is about twice its peak.
 */
export const DEFAULT_IMPORT_LIMITS: ImportLimits = {
  timeLimitS: 60,
  memoryLimitMiB: 1024,
  concurrency: 1,
  maxWaiting: 4,
  maxWaitS: 30,
};

/** Which limit refused an import: its time, its memory, the server's capacity, or the worker's start. */
export type ImportLimit = 'time' | 'memory' | 'busy' | 'startup';

/** An import refused by a limit; the message says which and what to do. */
export class ImportLimitError extends Error {
  override readonly name = 'ImportLimitError';
  constructor(
    readonly limit: ImportLimit,
    message: string,
    /** For `busy` and `startup`: seconds after which trying again has a chance. */
    readonly retryAfterS?: number,
  ) {
    super(message);
  }
}
