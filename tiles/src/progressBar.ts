/**
 * Progress output for long builds: a redrawn bar on a terminal, plain lines elsewhere (CI logs,
 * pipes), so logs never fill with carriage returns.
 */

/**
 * Formats `[#####-----]  52% 1300/2500 buildings`.
 *
 * @param widthChars number of cells inside the brackets.
 */
export function formatProgressBar(done: number, total: number, unit: string, widthChars = 30): string {
  const fraction = total > 0 ? Math.min(1, Math.max(0, done / total)) : 1;
  const filled = Math.round(fraction * widthChars);
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  return `[${'#'.repeat(filled)}${'-'.repeat(widthChars - filled)}] ${percent} ${done}/${total} ${unit}`;
}

/** The part of a Node write stream the reporter uses (a fake in tests). */
export interface ProgressStream {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

/** Options of {@link createProgressReporter}. */
export interface ProgressReporterOptions {
  readonly stream: ProgressStream;
  /** What is counted, e.g. `buildings`. */
  readonly unit: string;
  /** Prefix of each plain line, e.g. `tiles boeblingen-demo:`. */
  readonly label: string;
  /** Nothing is drawn before this much time has passed, so short builds print no bar at all. */
  readonly delayMs?: number;
  /** Current time; injectable for tests. */
  readonly nowMs?: () => number;
}

/** Receives progress updates; `finish` ends a drawn bar with a newline. */
export interface ProgressReporter {
  update(done: number, total: number): void;
  finish(): void;
}

/** Redraws at most this often on a terminal. */
const TTY_REDRAW_INTERVAL_MS = 100;
/** Plain lines are written at each quarter. */
const PLAIN_STEP_PERCENT = 25;

/** Creates a reporter that draws a bar when the stream is a TTY and prints plain lines otherwise. */
export function createProgressReporter(options: ProgressReporterOptions): ProgressReporter {
  const { stream, unit, label } = options;
  const nowMs = options.nowMs ?? (() => performance.now());
  const delayMs = options.delayMs ?? 300;
  const startedMs = nowMs();
  let lastDrawMs = -Infinity;
  let drawn = false;
  let lastStep = -1;
  return {
    update(done, total) {
      const now = nowMs();
      if (now - startedMs < delayMs) return;
      if (stream.isTTY) {
        if (done < total && now - lastDrawMs < TTY_REDRAW_INTERVAL_MS) return;
        lastDrawMs = now;
        drawn = true;
        // \r + "erase to end of line": redraw in place without leftovers from a longer line.
        stream.write(`\r${label} ${formatProgressBar(done, total, unit)}\x1b[K`);
        return;
      }
      const percent = total > 0 ? Math.floor((done / total) * 100) : 100;
      const step = Math.floor(percent / PLAIN_STEP_PERCENT);
      if (step <= lastStep) return;
      lastStep = step;
      stream.write(`${label} ${percent}% ${done}/${total} ${unit}\n`);
    },
    finish() {
      if (drawn) stream.write('\n');
      drawn = false;
    },
  };
}
