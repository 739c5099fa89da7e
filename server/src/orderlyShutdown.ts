/**
 * How the process ends: once, in order, within a deadline. A signal ends it with code 0; an
 * unhandled rejection or an uncaught exception is logged and ends it with code 1. After such an
 * error the server's state is unknown (a half-done write, a timer that died), and a process that
 * keeps answering in that state is worse than one that stops: the supervisor (systemd, Docker,
 * Kubernetes) restarts a stopped one. So the app is closed (sources stopped, the history flushed,
 * sockets told) and the process exits, and if closing hangs, the deadline ends it anyway.
 */
import type { Logger } from './logger.ts';

export interface OrderlyShutdownOptions {
  /** Closes what is open: the app's `close`. */
  readonly close: () => Promise<void>;
  readonly logger: Logger;
  /** The longest `close` may take before the process exits regardless. */
  readonly deadlineMs: number;
  /** Ends the process; `process.exit` by default. */
  readonly exit?: (code: number) => void;
}

/** Ends the process with `code` after closing; later calls only raise the code. */
export type Shutdown = (code: 0 | 1, reason: string) => void;

/** The one way the process ends. */
export function orderlyShutdown(options: OrderlyShutdownOptions): Shutdown {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let exitCode: 0 | 1 | undefined;
  return (code, reason) => {
    if (exitCode !== undefined) {
      // Already closing: a failure while closing still makes the exit a failure.
      exitCode = exitCode === 1 || code === 1 ? 1 : 0;
      options.logger.warn(`${reason} while shutting down`);
      return;
    }
    exitCode = code;
    options.logger.info(`${reason}: shutting down`);
    const deadline = setTimeout(() => {
      options.logger.error(`shutdown did not finish within ${options.deadlineMs} ms; exiting`);
      exit(1);
    }, options.deadlineMs);
    options.close().then(
      () => {
        clearTimeout(deadline);
        exit(exitCode ?? code);
      },
      (error: unknown) => {
        clearTimeout(deadline);
        options.logger.error('closing failed', {
          error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        });
        exit(1);
      },
    );
  };
}

/**
 * Logs unhandled rejections and uncaught exceptions with their stack and shuts down with code 1.
 * Returns a function that removes the handlers again.
 */
export function exitOnFatalErrors(shutdown: Shutdown, logger: Logger): () => void {
  const stackOf = (error: unknown) =>
    error instanceof Error ? (error.stack ?? error.message) : String(error);
  const onRejection = (reason: unknown) => {
    logger.error('unhandled rejection', { error: stackOf(reason) });
    shutdown(1, 'unhandled rejection');
  };
  const onException = (error: unknown) => {
    logger.error('uncaught exception', { error: stackOf(error) });
    shutdown(1, 'uncaught exception');
  };
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return () => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  };
}
