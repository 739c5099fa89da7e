/**
 * A tiny server for `orderlyShutdown.test.ts`, run as a child process: it listens, installs the
 * same fatal-error handling as `index.ts`, says `listening` on stdout, and then fails the way its
 * first argument names (`rejection`, `exception`), or with `hang` fails with a close that never
 * ends. Its close says `closed` on stdout, so the test sees that it ran before the exit.
 */
import { createServer } from 'node:http';
import { createLogger } from '../logger.ts';
import { exitOnFatalErrors, orderlyShutdown } from '../orderlyShutdown.ts';

const failure = process.argv[2];
const logger = createLogger('info');
const server = createServer((_req, res) => res.end('ok'));
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

const shutdown = orderlyShutdown({
  logger,
  deadlineMs: 500,
  close:
    failure === 'hang'
      ? () => new Promise<void>(() => undefined)
      : () =>
          new Promise<void>((resolve) =>
            server.close(() => {
              process.stdout.write('closed\n');
              resolve();
            }),
          ),
});
exitOnFatalErrors(shutdown, logger);
process.stdout.write('listening\n');

if (failure === 'rejection' || failure === 'hang') void Promise.reject(new Error('a promise nobody awaited'));
if (failure === 'exception')
  setImmediate(() => {
    throw new Error('thrown where nothing catches');
  });
