/**
 * Process entry: reads the configuration, builds the app and serves it until a signal stops it or a
 * fatal error ends it (logged, closed in order, exit code 1). Everything else lives in `createApp`.
 */
import type { App } from './app.ts';
import { createApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { exitOnFatalErrors, orderlyShutdown } from './orderlyShutdown.ts';

/** The longest closing may take (sources, sockets, the last history flush) before the exit. */
const SHUTDOWN_DEADLINE_MS = 10_000;

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const running: { app?: App } = {};
  const shutdown = orderlyShutdown({
    logger,
    deadlineMs: SHUTDOWN_DEADLINE_MS,
    close: async () => {
      await running.app?.close();
    },
  });
  // From here on, an error nothing catches ends the process in order rather than leaving it
  // half-alive.
  exitOnFatalErrors(shutdown, logger);
  const app = await createApp(config, { logger });
  running.app = app;
  await app.listen();
  process.once('SIGINT', () => shutdown(0, 'SIGINT received'));
  process.once('SIGTERM', () => shutdown(0, 'SIGTERM received'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else if (error instanceof Error && error.name === 'CityPackError') {
    process.stderr.write(`The city pack cannot be loaded:\n${error.message}\n`);
  } else {
    process.stderr.write(
      `citytwin failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  }
  process.exit(1);
});
