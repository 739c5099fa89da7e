import { describe, expect, it } from 'vitest';
import type { SearchAnswer } from '../../../protocol/index.ts';
import type { FetchLike } from '../api/cityApi.ts';
import type { Schedule } from './searchRunner.ts';
import { SearchRunner } from './searchRunner.ts';

const answerFor = (query: string): SearchAnswer => ({ cityId: 'c', query, results: [], geocoder: 'off' });

/** A schedule whose waits run when the test says so, and a fetch whose answers the test releases. */
function harness() {
  const waits: { run: () => void; cancelled: boolean }[] = [];
  const schedule: Schedule = (run) => {
    const wait = { run, cancelled: false };
    waits.push(wait);
    return () => {
      wait.cancelled = true;
    };
  };
  const requests: { url: string; signal: AbortSignal; answer: () => void; fail: (status: number) => void }[] =
    [];
  const fetchFn: FetchLike = (url, init) =>
    new Promise((resolve) => {
      const query = new URL(url, 'http://x').searchParams.get('q') ?? '';
      requests.push({
        url,
        signal: init?.signal as AbortSignal,
        answer: () => resolve(new Response(JSON.stringify(answerFor(query)))),
        fail: (status) => resolve(new Response('{}', { status })),
      });
    });
  const answers: string[] = [];
  const errors: string[] = [];
  const runner = new SearchRunner({
    cityId: 'c',
    fetchFn,
    schedule,
    onAnswer: (query) => answers.push(query),
    onError: (query) => errors.push(query),
  });
  const runPendingWaits = () => {
    for (const wait of waits.splice(0)) if (!wait.cancelled) wait.run();
  };
  /** Lets the fetch promise chains settle. */
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  return { runner, requests, answers, errors, runPendingWaits, settle };
}

describe('SearchRunner', () => {
  it('sends only the latest text once typing pauses', () => {
    const h = harness();
    h.runner.request('C');
    h.runner.request('Ca');
    h.runner.request('Cal');
    h.runPendingWaits();
    expect(h.requests.map((r) => r.url)).toEqual(['/api/v1/search?q=Cal&city=c']);
  });

  it('aborts the search on its way when a newer one starts, and drops its answer', async () => {
    const h = harness();
    h.runner.request('Cal');
    h.runPendingWaits();
    h.runner.request('Calw');
    expect(h.requests[0]?.signal.aborted).toBe(true);
    h.runPendingWaits();
    h.requests[0]?.answer();
    h.requests[1]?.answer();
    await h.settle();
    expect(h.answers).toEqual(['Calw']);
  });

  it('hands on a refusal of the latest search as an error', async () => {
    const h = harness();
    h.runner.request('Calwer');
    h.runPendingWaits();
    h.requests[0]?.fail(429);
    await h.settle();
    expect(h.errors).toEqual(['Calwer']);
  });

  it('sends nothing for an empty text and cancels what was waiting', () => {
    const h = harness();
    h.runner.request('Cal');
    h.runner.request('');
    h.runPendingWaits();
    expect(h.requests).toEqual([]);
  });
});
