/**
 * Runs the searches of one search box: waits until typing pauses, asks for the latest text only,
 * aborts the request before it when a newer one starts, and hands on an answer only while it is
 * still the latest. Timers are injected, so tests step it by hand.
 */
import type { SearchAnswer } from '../../../protocol/index.ts';
import type { FetchLike } from '../api/cityApi.ts';
import { fetchSearch } from './searchApi.ts';

/** Schedules `run` after `delayMs`; returns what cancels it. */
export type Schedule = (run: () => void, delayMs: number) => () => void;

const timerSchedule: Schedule = (run, delayMs) => {
  const timer = setTimeout(run, delayMs);
  return () => clearTimeout(timer);
};

/** How long typing must pause before a search goes out. */
export const SEARCH_DEBOUNCE_MS = 200;

export interface SearchRunnerOptions {
  readonly cityId: string;
  readonly fetchFn: FetchLike;
  readonly onAnswer: (query: string, answer: SearchAnswer) => void;
  readonly onError: (query: string, error: unknown) => void;
  readonly delayMs?: number;
  readonly schedule?: Schedule;
}

/** One box's searches. */
export class SearchRunner {
  private cancelWait: (() => void) | undefined;
  private inFlight: AbortController | undefined;
  /** Bumped by every request and cancel: an answer of an older generation is dropped. */
  private generation = 0;

  constructor(private readonly options: SearchRunnerOptions) {}

  /** Searches `query` once typing pauses; an empty query only cancels what is pending. */
  request(query: string): void {
    this.cancel();
    if (query === '') return;
    const generation = this.generation;
    const schedule = this.options.schedule ?? timerSchedule;
    this.cancelWait = schedule(() => {
      this.cancelWait = undefined;
      void this.run(query, generation);
    }, this.options.delayMs ?? SEARCH_DEBOUNCE_MS);
  }

  /** Drops the waiting search and aborts the one on its way. */
  cancel(): void {
    this.generation += 1;
    this.cancelWait?.();
    this.cancelWait = undefined;
    this.inFlight?.abort();
    this.inFlight = undefined;
  }

  private async run(query: string, generation: number): Promise<void> {
    const controller = new AbortController();
    this.inFlight = controller;
    try {
      const answer = await fetchSearch(query, this.options.cityId, this.options.fetchFn, controller.signal);
      if (generation === this.generation) this.options.onAnswer(query, answer);
    } catch (error) {
      if (generation === this.generation && !controller.signal.aborted) this.options.onError(query, error);
    } finally {
      if (this.inFlight === controller) this.inFlight = undefined;
    }
  }
}
