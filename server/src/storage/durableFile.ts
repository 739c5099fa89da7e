/**
 * A state file that survives a crash and never overwrites what it could not read. Writes go to a
 * temporary file in the same folder, are fsynced, and replace the file by rename; the file being
 * replaced is kept as `<file>.prev` (hard-linked first, so there is no moment without `<file>`), and
 * the folder is fsynced so the renames themselves survive a power cut. A file that does not parse
 * is moved aside (`<file>.damaged-<time>`) with a log line naming both paths, and `<file>.prev` is
 * used; a file that parses but had entries left out is copied aside before it is written over.
 */
import {
  closeSync,
  copyFileSync,
  existsSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import type { z } from 'zod';
import { zodErrorText } from '../../../protocol/zodError.ts';
import type { Logger } from '../logger.ts';

/** What a file's parser makes of its text. It throws when the document as a whole is unusable. */
export interface Parsed<T> {
  readonly value: T;
  /** Entries that did not pass their schema and were left out (each a short description). */
  readonly leftOut: readonly string[];
}

export type Parser<T> = (text: string) => Parsed<T>;

/** Writing refused: the file exists but could not be read, so writing would lose what it holds. */
export class UnreadableFileError extends Error {
  override name = 'UnreadableFileError';
}

export interface DurableFileOptions {
  readonly file: string;
  readonly logger: Logger;
  /** What the file holds, for log lines ("incidents", "alarm rules"). */
  readonly what: string;
  /** Keep `<file>.prev` on every write (default). Off for files written once (scenario versions). */
  readonly keepPrevious?: boolean | undefined;
  /** The wall clock for the names of moved-aside files. */
  readonly now?: (() => number) | undefined;
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Writes `text` to a new file and fsyncs it before returning. */
function writeSynced(path: string, text: string): void {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Makes a folder's entries (renames, new links) durable. */
export function fsyncDirectory(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch (error) {
    // Some platforms cannot open a folder for syncing; the renames are then as durable as they get.
    if (errorCode(error) === 'EISDIR' || errorCode(error) === 'EPERM') return;
    throw error;
  }
  try {
    fsyncSync(fd);
  } catch (error) {
    if (errorCode(error) !== 'EINVAL' && errorCode(error) !== 'EPERM') throw error;
  } finally {
    closeSync(fd);
  }
}

export class DurableFile {
  readonly file: string;
  readonly previous: string;
  private readonly logger: Logger;
  private readonly what: string;
  private readonly keepPrevious: boolean;
  private readonly now: () => number;
  /** Set when the file exists but could not be read: writing is refused until a restart. */
  private unreadable: string | undefined;

  constructor(options: DurableFileOptions) {
    this.file = options.file;
    this.previous = `${options.file}.prev`;
    this.logger = options.logger;
    this.what = options.what;
    this.keepPrevious = options.keepPrevious ?? true;
    this.now = options.now ?? Date.now;
  }

  /**
   * The file's value: undefined when neither it nor its previous copy is there or usable. A file
   * that does not parse is moved aside and the previous copy used; one with entries left out is
   * copied aside. A read error other than "not there" (permissions, a folder in its place) is
   * logged and blocks every later write, so what the file holds is never overwritten.
   */
  read<T>(parse: Parser<T>): T | undefined {
    const current = this.readOne(this.file, parse);
    if (current.kind === 'ok') return current.value;
    if (!this.keepPrevious) return undefined;
    if (current.kind === 'unreadable') return undefined;
    const previous = this.readOne(this.previous, parse);
    if (previous.kind === 'ok') {
      this.logger.warn(`${this.what}: using the previous copy ${this.previous}`);
      return previous.value;
    }
    if (current.kind === 'damaged')
      this.logger.error(`${this.what}: no usable previous copy ${this.previous}; starting empty`);
    return undefined;
  }

  private readOne<T>(
    path: string,
    parse: Parser<T>,
  ): { kind: 'ok'; value: T } | { kind: 'missing' | 'damaged' | 'unreadable' } {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return { kind: 'missing' };
      this.unreadable = `${path} cannot be read (${messageOf(error)})`;
      this.logger.error(
        `${this.what}: ${this.unreadable}; nothing will be written to it until it can be read and the server restarts`,
      );
      return { kind: 'unreadable' };
    }
    let parsed: Parsed<T>;
    try {
      parsed = parse(text);
    } catch (error) {
      const aside = this.moveAside(path);
      this.logger.error(
        `${this.what}: ${path} does not parse (${messageOf(error)}); moved aside to ${aside}`,
      );
      return { kind: 'damaged' };
    }
    if (parsed.leftOut.length > 0) {
      const aside = this.asideName(path);
      copyFileSync(path, aside);
      fsyncDirectory(dirname(path));
      this.logger.warn(
        `${this.what}: ${parsed.leftOut.length} entr${parsed.leftOut.length === 1 ? 'y' : 'ies'} of ${path} left out (${parsed.leftOut.slice(0, 3).join('; ')}); the file as it was is kept in ${aside}`,
      );
    }
    return { kind: 'ok', value: parsed.value };
  }

  private asideName(path: string): string {
    const stamp = new Date(this.now()).toISOString().replace(/[:.]/g, '-');
    let aside = `${path}.damaged-${stamp}`;
    for (let n = 2; existsSync(aside); n += 1) aside = `${path}.damaged-${stamp}-${n}`;
    return aside;
  }

  private moveAside(path: string): string {
    const aside = this.asideName(path);
    renameSync(path, aside);
    fsyncDirectory(dirname(path));
    return aside;
  }

  /** Throws {@link UnreadableFileError} when the file could not be read at start. */
  assertWritable(): void {
    if (this.unreadable !== undefined)
      throw new UnreadableFileError(`${this.what} are not saved: ${this.unreadable}`);
  }

  /** Replaces the file with `text`, durably (see the module comment). */
  write(text: string): void {
    this.assertWritable();
    const dir = dirname(this.file);
    mkdirSync(dir, { recursive: true });
    const temporary = `${this.file}.tmp-${process.pid}`;
    writeSynced(temporary, text);
    if (this.keepPrevious && existsSync(this.file)) this.keepAsPrevious();
    renameSync(temporary, this.file);
    fsyncDirectory(dir);
  }

  /** `<file>.prev` becomes the current file, by a link renamed over it: `<file>` never goes missing. */
  private keepAsPrevious(): void {
    const link = `${this.previous}.tmp-${process.pid}`;
    rmSync(link, { force: true });
    try {
      linkSync(this.file, link);
    } catch (error) {
      // A file system without hard links: a synced copy does the same, a little slower.
      if (errorCode(error) !== 'EPERM' && errorCode(error) !== 'ENOTSUP' && errorCode(error) !== 'EXDEV')
        throw error;
      copyFileSync(this.file, link);
      const fd = openSync(link, 'r+');
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    }
    renameSync(link, this.previous);
  }
}

/**
 * A parser for `{ "<key>": [ ... ] }` documents whose entries are checked one by one: an entry that
 * fails its schema is left out (and named), a document that is not such an object throws.
 */
export function listParser<T>(key: string, schema: z.ZodType<T>): Parser<T[]> {
  return (text) => {
    const document: unknown = JSON.parse(text);
    if (typeof document !== 'object' || document === null || Array.isArray(document))
      throw new Error('the file is not a JSON object');
    const list = (document as Record<string, unknown>)[key] ?? [];
    if (!Array.isArray(list)) throw new Error(`"${key}" is not a list`);
    const value: T[] = [];
    const leftOut: string[] = [];
    list.forEach((raw: unknown, index) => {
      const one = schema.safeParse(raw);
      if (one.success) value.push(one.data);
      else leftOut.push(`${key}[${index}]: ${zodErrorText(one.error, { maxIssues: 2, maxChars: 200 })}`);
    });
    return { value, leftOut };
  };
}
