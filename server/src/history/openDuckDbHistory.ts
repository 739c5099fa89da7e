/**
 * Opens the embedded history so that a damaged database file does not stop the twin: a file DuckDB
 * says is corrupt or not a database is moved aside (with its write-ahead log) and a new, empty one
 * started, with a warning in the log and one for the control room's console. A damaged write-ahead
 * log alone is moved aside first: the file then still holds everything up to its last checkpoint.
 * A file that is locked by another server, or that cannot be read for its permissions, is not
 * damaged: that error stops the start, as before, and nothing is moved.
 */
import { existsSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import type { HealthWarning } from '../../../protocol/health.ts';
import type { Logger } from '../logger.ts';
import { fsyncDirectory } from '../storage/durableFile.ts';
import type { DuckDbHistoryStoreOptions } from './duckdbHistoryStore.ts';
import { DuckDbHistoryStore } from './duckdbHistoryStore.ts';

/**
 * What DuckDB (1.4) says of a damaged file, as measured here: garbage or an empty file ("not a valid
 * DuckDB database file"), a cut file ("Could not read enough bytes"), a flipped bit in a block
 * ("Corrupt database file: computed checksum …") or in the log ("Failure while replaying WAL file …
 * Corrupt WAL file"). A lock held by another process ("Could not set lock") and a permission error
 * are not among them.
 */
const DAMAGED =
  /not a valid DuckDB database file|Corrupt database file|Corrupt WAL file|Failure while replaying WAL|Could not read enough bytes/i;

/** Whether `error` (or one of its causes) is DuckDB saying the file is damaged. */
export function isDamagedDatabaseError(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) if (DAMAGED.test(e.message)) return true;
  return false;
}

export interface OpenedHistory {
  readonly store: DuckDbHistoryStore;
  /** For the console: set when a damaged file or log was moved aside. */
  readonly warning?: HealthWarning | undefined;
}

export interface OpenDuckDbHistoryOptions extends DuckDbHistoryStoreOptions {
  readonly logger: Logger;
  /** The wall clock for the names of moved files and the warning's time. */
  readonly wallNow?: (() => number) | undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Opens the history in `options.file`, replacing it when it is damaged (see the module comment). */
export async function openDuckDbHistory(options: OpenDuckDbHistoryOptions): Promise<OpenedHistory> {
  const { file, logger } = options;
  const wallNow = options.wallNow ?? Date.now;
  try {
    return { store: await DuckDbHistoryStore.open(options) };
  } catch (error) {
    if (file === ':memory:' || !isDamagedDatabaseError(error)) throw error;
    const stamp = new Date(wallNow()).toISOString().replace(/[:.]/g, '-');
    let aside = `${file}.damaged-${stamp}`;
    for (let n = 2; existsSync(aside) || existsSync(`${aside}.wal`); n += 1)
      aside = `${file}.damaged-${stamp}-${n}`;
    const wal = `${file}.wal`;
    // The moved log keeps its database's name with `.wal`: DuckDB opens the two together again.
    const move = (from: string, to: string) => {
      renameSync(from, to);
      fsyncDirectory(dirname(from));
      return to;
    };
    const moved: string[] = [];
    if (/WAL/.test(messageOf(error)) && existsSync(wal)) {
      const movedWal = move(wal, `${aside}.wal`);
      moved.push(movedWal);
      try {
        const store = await DuckDbHistoryStore.open(options);
        const detail = movedWal;
        logger.warn(
          `the history's write-ahead log ${wal} is damaged (${messageOf(error)}); moved aside to ${movedWal}; the history up to its last checkpoint is kept`,
        );
        return { store, warning: { code: 'history-log-moved', atMs: wallNow(), detail } };
      } catch (second) {
        if (!isDamagedDatabaseError(second)) throw second;
      }
    }
    moved.unshift(move(file, aside));
    if (existsSync(wal)) moved.push(move(wal, `${aside}.wal`));
    const store = await DuckDbHistoryStore.open(options);
    logger.warn(
      `the history database ${file} is damaged (${messageOf(error)}); moved aside to ${moved.join(' and ')}; a new, empty history is started`,
    );
    const detail = moved.join(', ');
    return { store, warning: { code: 'history-replaced', atMs: wallNow(), detail } };
  }
}
