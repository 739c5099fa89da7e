/**
 * Process entry: reads the configuration, builds the app and serves it until a signal stops it.
 * Everything else lives in `createApp`.
 */
import { createApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApp(config);
  await app.listen();
  const stop = (signal: string) => {
    process.stderr.write(`${signal} received, shutting down\n`);
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
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
