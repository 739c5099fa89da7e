/**
 * What went wrong with a user's file, as a message key and its values, so the panel says it in the
 * user's language and in plain words. Pure.
 */
import type { MessageKey } from '../../i18n/messages.ts';

/** The message keys of user-file problems (in `de.ts` / `en.ts` under `// vector`). */
export type UserFileMessageKey = Extract<MessageKey, `userFile.${string}`>;

/** A problem with a file: always names the file, and the line where one is known. */
export class UserFileError extends Error {
  constructor(
    readonly key: UserFileMessageKey,
    readonly params: Readonly<Record<string, string | number>>,
  ) {
    super(`${key} ${JSON.stringify(params)}`);
    this.name = 'UserFileError';
  }
}

/** A problem that does not stop the file (a row without coordinates), with the same parts. */
export interface UserFileWarning {
  readonly key: UserFileMessageKey;
  readonly params: Readonly<Record<string, string | number>>;
}

/** The line (1-based) of character `offset` in `text`. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
