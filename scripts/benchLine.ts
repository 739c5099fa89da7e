/**
 * The one result line every benchmark scenario prints on stdout (DESIGN.md, "Commands"), so that
 * `npm run bench` output can be read by a machine: one JSON object per line, progress on stderr.
 */

/** One benchmark result line. Extra fields (durations, counts, memory) may follow the fixed ones. */
export interface BenchLine {
  readonly bench: string;
  readonly value: number;
  readonly unit: string;
  /** The comparison measured in the same run: a naive design, a peer library, the bare engine. */
  readonly baseline: number;
  /** `value / baseline`. */
  readonly ratio: number;
  /** The target, e.g. `">= 100000"`, or why there is none. */
  readonly target: string;
  /** Whether the target holds in this run. */
  readonly pass: boolean;
  readonly [extra: string]: unknown;
}

/** Writes `line` as one JSON line on stdout. */
export function printBenchLine(line: BenchLine): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

/** The median of a non-empty list (the mean of the middle two for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const value =
    sorted.length % 2 === 1 ? sorted[middle] : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
  return value ?? Number.NaN;
}

/** `value` rounded to `digits` decimals, for figures in a bench line. */
export function round(value: number, digits = 0): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
