/**
 * Replay: an NDJSON recording of observations (one per line, as `POST /api/v1/observations` takes
 * them) played into the hub at any speed. The recording's first reading is played at start; each
 * later one after its recorded distance divided by `speed`. Timestamps are moved to the replay's own
 * time, so replayed readings are live, not hours old. Bad lines are turned away with their line
 * number; the others still play.
 */
import { readFile } from 'node:fs/promises';
import type { Observation } from '../../../../protocol/index.ts';
import type { Hub } from '../../hub/hub.ts';
import type { Logger } from '../../logger.ts';
import type { RejectedInput } from '../normalize.ts';
import { parseNdjsonLine } from '../push/observationBatch.ts';

/** One reading to play, `atMs` after the start of the recording. */
export interface ReplayStep {
  readonly atMs: number;
  readonly observation: Observation;
  readonly line: number;
}

/** A recording read and ordered by time. */
export interface ReplayPlan {
  readonly steps: ReplayStep[];
  readonly rejected: (RejectedInput & { line?: number })[];
  /** From the first to the last reading. */
  readonly durationMs: number;
}

/** Reads a recording's text into a plan. Pure. */
export function planReplay(ndjson: string, label: string): ReplayPlan {
  const limits = { maxItems: Number.MAX_SAFE_INTEGER, maxItemBytes: 64 * 1024 };
  const rejected: (RejectedInput & { line?: number })[] = [];
  // One object per reading, made once: a recording can hold millions, and every extra copy of
  // them is garbage the collector has to move through its generations.
  const steps: { atMs: number; observation: Observation; line: number }[] = [];
  const lines = ndjson.split('\n');
  let index = 0;
  for (let lineIndex = 0; lineIndex < lines.length; lineIndex++) {
    const item = parseNdjsonLine(lines[lineIndex] as string, index, lineIndex + 1, limits);
    if (!item) continue;
    index += 1;
    if (item.ok)
      steps.push({ atMs: item.observation.observedAt, observation: item.observation, line: lineIndex + 1 });
    else
      rejected.push({ ...item.rejection, message: `${label}: ${item.rejection.message}`, line: item.line });
  }
  // Stable: readings with the same time keep the recording's order.
  steps.sort((a, b) => a.atMs - b.atMs);
  const first = steps[0]?.atMs ?? 0;
  for (const step of steps) step.atMs -= first;
  return { steps, rejected, durationMs: steps[steps.length - 1]?.atMs ?? 0 };
}

export interface ReplayOptions {
  readonly id: string;
  readonly file: string;
  /** Recorded milliseconds per played millisecond: 60 plays an hour in a minute. */
  readonly speed: number;
  /** Start again from the beginning after the last reading. */
  readonly loop: boolean;
  readonly hub: Hub;
  readonly logger: Logger;
  /** The replay's clock (the hub's), for the new timestamps. */
  readonly now: () => number;
}

export interface ReplaySource {
  start(): Promise<void>;
  stop(): void;
  /** Readings handed to the hub so far. */
  readonly played: () => number;
}

export function createReplaySource(options: ReplayOptions): ReplaySource {
  const { hub, logger } = options;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let played = 0;

  const run = (plan: ReplayPlan) => {
    const startedAt = options.now();
    let next = 0;
    // At high speeds readings of one sensor recorded apart can land on the same played millisecond;
    // they are nudged a millisecond apart so the hub takes each as newer instead of a duplicate.
    const lastPlayed = new Map<string, { atMs: number; observedAt: number }>();
    const tick = () => {
      if (stopped) return;
      const elapsedRecordedMs = (options.now() - startedAt) * options.speed;
      while (next < plan.steps.length && (plan.steps[next]?.atMs ?? Infinity) <= elapsedRecordedMs) {
        const step = plan.steps[next] as ReplayStep;
        next += 1;
        played += 1;
        const sensorId = step.observation.sensorId;
        const previous = lastPlayed.get(sensorId);
        let observedAt = startedAt + Math.round(step.atMs / options.speed);
        if (previous && step.atMs > previous.atMs && observedAt <= previous.observedAt)
          observedAt = previous.observedAt + 1;
        if (previous) {
          previous.atMs = step.atMs;
          previous.observedAt = observedAt;
        } else lastPlayed.set(sensorId, { atMs: step.atMs, observedAt });
        // The plan parsed every line with the protocol's schema already.
        hub.ingestObservation({ ...step.observation, observedAt }, options.id);
      }
      if (next < plan.steps.length) {
        const waitMs = ((plan.steps[next]?.atMs ?? 0) - elapsedRecordedMs) / options.speed;
        timer = setTimeout(tick, Math.max(0, Math.min(waitMs, 60_000)));
      } else if (options.loop && plan.steps.length > 0) {
        timer = setTimeout(() => run(plan), 0);
      } else {
        logger.info(`replay ${options.id} finished`, { played });
      }
    };
    tick();
  };

  return {
    async start() {
      const text = await readFile(options.file, 'utf8');
      const plan = planReplay(text, options.file);
      for (const rejected of plan.rejected) hub.rejectInput(rejected, options.id, rejected.message);
      logger.info(`replay ${options.id}: ${plan.steps.length} readings over ${plan.durationMs} ms`, {
        speed: options.speed,
        rejected: plan.rejected.length,
      });
      if (!stopped) run(plan);
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
    played: () => played,
  };
}
