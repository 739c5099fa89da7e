/**
 * A fuzzing run in a process of its own: started by a test with its options as JSON in argv[2], it
 * sends its report to the parent over IPC and exits.
 */
import type { FuzzOptions } from './socketFuzzer.ts';
import { runFuzz } from './socketFuzzer.ts';

const options = JSON.parse(process.argv[2] ?? '{}') as FuzzOptions;
runFuzz(options).then(
  (report) => process.send?.({ type: 'report', report }, () => process.exit(0)),
  (error: unknown) =>
    process.send?.({ type: 'failed', error: error instanceof Error ? error.message : String(error) }, () =>
      process.exit(1),
    ),
);
