/**
 * The one way a zod error becomes text for people: `z.prettifyError` over at most a few issues,
 * on one line, bounded in length. Unknown keys are counted, not named: an answer never repeats
 * what a sender wrote (a hostile key could be anything).
 */
import { z } from 'zod';

export interface ZodErrorTextOptions {
  /** Issues named before "and N more"; 5 by default. */
  readonly maxIssues?: number;
  /** The text is cut to this many characters; 600 by default. */
  readonly maxChars?: number;
}

/** `error` as one line: `kinds[0]: Invalid option: expected one of …; 2 unknown fields`. */
export function zodErrorText(error: z.ZodError, options: ZodErrorTextOptions = {}): string {
  const maxIssues = options.maxIssues ?? 5;
  const maxChars = options.maxChars ?? 600;
  const shown = error.issues.slice(0, maxIssues).map((issue) =>
    issue.code === 'unrecognized_keys'
      ? {
          ...issue,
          keys: [],
          message: `${issue.keys.length} unknown field${issue.keys.length === 1 ? '' : 's'}`,
        }
      : issue,
  );
  const pretty = z
    .prettifyError(new z.ZodError(shown))
    .split('\n')
    .reduce<string[]>((lines, line) => {
      const at = /^\s*→ at (.*)$/.exec(line);
      if (at && lines.length > 0) lines[lines.length - 1] = `${at[1]}: ${lines[lines.length - 1]}`;
      else lines.push(line.replace(/^✖\s*/, ''));
      return lines;
    }, [])
    .join('; ');
  const rest = error.issues.length - shown.length;
  const text = rest > 0 ? `${pretty}; and ${rest} more` : pretty;
  return text.length <= maxChars ? text : `${text.slice(0, maxChars - 1)}…`;
}

/**
 * Where a value's first problem lies and what kind it is (zod's issue code), for code that says the
 * problem in its own words (a user's file in the user's language); null when there is none.
 */
export function firstZodIssue(error: z.ZodError): { path: readonly PropertyKey[]; code: string } | null {
  const [issue] = error.issues;
  return issue ? { path: issue.path, code: issue.code } : null;
}
