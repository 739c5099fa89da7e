/**
 * One problem found in a city pack, and how a list of them reads. A pack with a systematic fault
 * (a whole file in the wrong CRS, a property missing everywhere) can have thousands of problems; the
 * message lists each kind of problem with a few examples, and `CityPackError.problems` keeps them all.
 */

export interface CityPackProblem {
  /** File name inside the pack, e.g. `buildings.geojson`, or the pack folder itself. */
  file: string;
  /** The item in the file, e.g. `feature 12 (b00013)` or `sensor 3 (parking-elbenplatz)`. */
  where?: string;
  /** The field and what is wrong, e.g. `properties.heightM must be a positive number, got "abc"`. */
  message: string;
  /** Problems of one kind in one file share it (field plus rule, without the offending value). */
  kind: string;
}

/** How many examples of one kind of problem the message shows before summarising the rest. */
export const EXAMPLES_PER_KIND = 5;

/** One problem as one line: `file: where: message`. */
export function formatProblem(problem: CityPackProblem): string {
  return [problem.file, problem.where, problem.message].filter((part) => part !== undefined).join(': ');
}

/** A JSON value for a message: strings quoted, long values shortened. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** The message of a `CityPackError`: every kind of problem, with up to `EXAMPLES_PER_KIND` examples each. */
export function formatProblems(dir: string, problems: readonly CityPackProblem[]): string {
  const groups = new Map<string, CityPackProblem[]>();
  for (const problem of problems) {
    const key = `${problem.file}\u0000${problem.kind}`;
    const group = groups.get(key);
    if (group) group.push(problem);
    else groups.set(key, [problem]);
  }
  const lines = [`${problems.length} problem${problems.length === 1 ? '' : 's'} in city pack ${dir}:`];
  for (const group of groups.values()) {
    for (const problem of group.slice(0, EXAMPLES_PER_KIND)) lines.push(`- ${formatProblem(problem)}`);
    const rest = group.length - EXAMPLES_PER_KIND;
    if (rest > 0) lines.push(`  ... and ${rest} more like the above in ${group[0]?.file ?? dir}`);
  }
  return lines.join('\n');
}
