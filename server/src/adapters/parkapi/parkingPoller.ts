/**
 * The I/O shell of the parking feeds: polls one ParkAPI v3, ParkenDD or Goldbeck URL, normalizes the
 * body with the format's pure normalizer and delivers the result into the hub.
 *
 * A poller re-reads the same document state again and again, so it must not turn what is merely
 * still true into new dead letters each time. What it does about that:
 * - Conditional GET (ETag / Last-Modified): an unchanged feed answers 304 and nothing is delivered.
 * - Lots no mapping names: a city maps a handful of lots of a feed that may list hundreds (a ParkAPI
 *   instance serves whole regions), so every poll would add one `unknown-device` dead letter per
 *   unmapped lot and evict every other dead letter within minutes. They are not bad input either:
 *   they are other people's lots. So they never reach the hub; the set is logged (info) the first
 *   time and again only when it changes, and `status().unmappedLots` keeps it for metrics. Mapped lots
 *   the feed does not list (a typo in `sourceId`, a lot that was removed) are logged (warn) the same
 *   way, since their sensors will only ever go stale.
 * - Readings the feed still reports with the same time as the last one handed over are skipped: the
 *   hub would reject each as `out-of-order` on every poll of a feed whose other lots changed.
 * - Any other rejection that is identical to one of the previous body's (same reason, lot and
 *   message) is not delivered again: a feed that keeps serving one broken item gives one dead letter,
 *   not one per poll. A changed defect is new and is delivered.
 * - A failed poll (network, timeout, HTTP status, oversized or unusable body) is logged once per
 *   change of failure, counted, and the next poll waits longer (`retryDelayMs`, up to ten intervals).
 */
import type { Hub } from '../../hub/hub.ts';
import type { Logger } from '../../logger.ts';
import { deliverNormalized } from '../deliver.ts';
import { boundedFetch, retryDelayMs } from '../http/boundedFetch.ts';
import type { FetchFailure, Validators } from '../http/boundedFetch.ts';
import type { NormalizeResult, RejectedInput } from '../normalize.ts';
import type { ParkingLotMapping } from './parkingCommon.ts';
import { normalizeGoldbeckOccupancies, normalizeParkApiV3, normalizeParkenDd } from './parkingFeeds.ts';
import { MIN_PARKING_POLL_INTERVAL_MS } from './parkingSourceConfig.ts';
import type { ParkingSourceConfig } from './parkingSourceConfig.ts';

/** A parsed parking source with its API key read from the environment `apiKeyEnv` names. */
export type ParkingSource = ParkingSourceConfig & { readonly apiKey?: string | undefined };

export interface ParkingPollerOptions {
  readonly source: ParkingSource;
  readonly hub: Hub;
  readonly logger: Logger;
  /** The time readings are received at (the hub's clock); `Date.now` by default. */
  readonly now?: () => number;
  /** The fetch to use; the global one by default. */
  readonly fetch?: typeof fetch;
  /**
   * The shortest interval honoured (default `MIN_PARKING_POLL_INTERVAL_MS`); a shorter configured
   * one is raised to it. Tests lower it; the config schema does not.
   */
  readonly minPollIntervalMs?: number;
}

/** Why a poll failed: the fetch's reason, or a body the normalizer could make nothing of. */
export type ParkingPollFailure = FetchFailure | 'invalid-body';

/** How the last poll ended. */
export type ParkingPollOutcome = 'never' | 'delivered' | 'not-modified' | 'failed';

/** What a poller did, for `/metrics`, `/readyz` and operators. */
export interface ParkingPollerStatus {
  readonly sourceId: string;
  readonly running: boolean;
  /** When the last poll started (ms epoch), null before the first. */
  readonly lastPollAtMs: number | null;
  readonly lastOutcome: ParkingPollOutcome;
  /** The last failure, kept until a poll succeeds. */
  readonly lastFailure: { readonly failure: ParkingPollFailure; readonly message: string } | null;
  /** When a poll last got a usable answer (a body or a 304), null before. */
  readonly lastSuccessAtMs: number | null;
  readonly consecutiveFailures: number;
  /** How long the poller waits after the last poll before the next. */
  readonly nextDelayMs: number;
  readonly polls: number;
  readonly failures: number;
  /** 304 answers since creation. */
  readonly notModified: number;
  /** Readings the hub accepted in the last poll (0 for a 304 or a failure). */
  readonly lotsDelivered: number;
  /** Readings skipped in the last poll because the feed gave the same time as before. */
  readonly unchangedReadings: number;
  /** Rejections not delivered again in the last poll because the previous body had them too. */
  readonly repeatedRejections: number;
  /** The feed's lots that no mapping names, as of the last usable body, sorted. */
  readonly unmappedLots: readonly string[];
  /** Mapped lots the last usable body did not list, sorted. */
  readonly missingLots: readonly string[];
}

export interface ParkingPoller {
  /** Polls at once, then every `pollIntervalMs` (longer after failures). Twice is once. */
  start(): void;
  /** Cancels the next poll and resolves when a poll in flight has finished. */
  stop(): Promise<void>;
  /** Polls now, or joins the poll in flight; never rejects. */
  pollNow(): Promise<void>;
  status(): ParkingPollerStatus;
}

/** The longest wait after failures, in poll intervals. */
const MAX_BACKOFF_INTERVALS = 10;

/** How many lot ids a log line names before it says "and N more". */
const LOGGED_IDS = 40;

type Normalizer = (
  raw: unknown,
  lots: ReadonlyMap<string, ParkingLotMapping>,
  receivedAtMs: number,
) => NormalizeResult;

const NORMALIZERS: Record<ParkingSourceConfig['format'], Normalizer> = {
  'parkapi-v3': normalizeParkApiV3,
  parkendd: normalizeParkenDd,
  goldbeck: normalizeGoldbeckOccupancies,
};

/** The headers that carry the source's API key, if it has one. */
function authHeaders(source: ParkingSource): Record<string, string> {
  if (!source.apiKey) return {};
  const header = source.apiKeyHeader ?? 'Authorization';
  const value = header.toLowerCase() === 'authorization' ? `Bearer ${source.apiKey}` : source.apiKey;
  return { [header]: value };
}

function rejectionKey(rejection: RejectedInput): string {
  return `${rejection.reason}\u0000${rejection.sourceId ?? ''}\u0000${rejection.message}`;
}

/**
 * A body the normalizer could make nothing of: no reading, and every rejection is an
 * `invalid-payload` naming no lot (not JSON, a wrong envelope, items without ids).
 */
function isUnusableBody(result: NormalizeResult): boolean {
  return (
    result.observations.length === 0 &&
    result.rejected.length > 0 &&
    result.rejected.every((r) => r.reason === 'invalid-payload' && r.sourceId === undefined)
  );
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}

function listIds(ids: readonly string[]): string {
  const shown = ids.slice(0, LOGGED_IDS).join(', ');
  return ids.length > LOGGED_IDS ? `${shown} and ${ids.length - LOGGED_IDS} more` : shown;
}

/** Creates the poller of one parking source; it does nothing until `start` or `pollNow`. */
export function createParkingPoller(options: ParkingPollerOptions): ParkingPoller {
  const { source, hub, logger } = options;
  const now = options.now ?? Date.now;
  const intervalMs = Math.max(
    source.pollIntervalMs,
    options.minPollIntervalMs ?? MIN_PARKING_POLL_INTERVAL_MS,
  );
  const maxDelayMs = intervalMs * MAX_BACKOFF_INTERVALS;
  const normalize = NORMALIZERS[source.format];
  const lots = new Map(source.lots.map((lot) => [lot.sourceId, lot]));
  const headers = authHeaders(source);
  const label = `parking source ${source.id}`;

  let running = false;
  let timer: NodeJS.Timeout | undefined;
  /** Aborted by `stop()`, so a poll in flight ends at once; a new one for each start. */
  let stopController = new AbortController();
  let inFlight: Promise<void> | undefined;
  let validators: Validators = {};
  /** Per sensor, the time of the last reading handed to the hub. */
  const deliveredAt = new Map<string, number>();
  /** The rejections of the last usable body, to recognise repeats. */
  let previousRejections = new Set<string>();
  /** The failure being reported; a different one is logged again. */
  let failureState: string | undefined;

  let lastPollAtMs: number | null = null;
  let lastOutcome: ParkingPollOutcome = 'never';
  let lastFailure: ParkingPollerStatus['lastFailure'] = null;
  let lastSuccessAtMs: number | null = null;
  let consecutiveFailures = 0;
  let polls = 0;
  let failures = 0;
  let notModified = 0;
  let lotsDelivered = 0;
  let unchangedReadings = 0;
  let repeatedRejections = 0;
  let unmappedLots: readonly string[] = [];
  let missingLots: readonly string[] = [];
  let coverageReported = false;

  const nextDelayMs = () => retryDelayMs(consecutiveFailures, intervalMs, maxDelayMs);

  const succeeded = () => {
    if (consecutiveFailures > 0) {
      logger.info(`${label} recovered after ${consecutiveFailures} failed poll(s)`);
    }
    consecutiveFailures = 0;
    failureState = undefined;
    lastFailure = null;
    lastSuccessAtMs = now();
  };

  const failed = (failure: ParkingPollFailure, message: string, status?: number) => {
    failures += 1;
    consecutiveFailures += 1;
    lastOutcome = 'failed';
    lastFailure = { failure, message };
    lotsDelivered = 0;
    unchangedReadings = 0;
    repeatedRejections = 0;
    const state = `${failure}:${status ?? ''}`;
    const fields = { failure, consecutiveFailures, retryInMs: nextDelayMs() };
    // One warning per kind of failure, not one per poll of a feed that is down for hours.
    if (state !== failureState) logger.warn(`${label}: ${message}`, fields);
    else logger.debug(`${label}: ${message}`, fields);
    failureState = state;
  };

  /** Logs which lots the feed lists without a mapping, and which mapped lots it lacks, on change. */
  const reportCoverage = (result: NormalizeResult) => {
    const listed = new Set<string>();
    const unmapped = new Set<string>();
    for (const rejection of result.rejected) {
      if (rejection.sourceId === undefined) continue;
      listed.add(rejection.sourceId);
      if (rejection.reason === 'unknown-device') unmapped.add(rejection.sourceId);
    }
    const observed = new Set(result.observations.map((o) => o.sensorId));
    const missing = source.lots
      .filter((lot) => !listed.has(lot.sourceId) && !observed.has(lot.sensorId))
      .map((lot) => lot.sourceId)
      .sort();
    const nextUnmapped = [...unmapped].sort();
    if (coverageReported ? !sameSet(nextUnmapped, unmappedLots) : nextUnmapped.length > 0) {
      const before = new Set(unmappedLots);
      const added = nextUnmapped.filter((id) => !before.has(id));
      const gone = unmappedLots.filter((id) => !unmapped.has(id));
      logger.info(
        `${label}: ${nextUnmapped.length} lot(s) of the feed have no mapping and are ignored` +
          (nextUnmapped.length > 0 ? `: ${listIds(nextUnmapped)}` : ''),
        coverageReported ? { added: added.length, gone: gone.length } : undefined,
      );
    }
    if (coverageReported ? !sameSet(missing, missingLots) : missing.length > 0) {
      if (missing.length > 0) {
        logger.warn(
          `${label}: mapped lot(s) not in the feed, their sensors get no readings: ${listIds(missing)}`,
        );
      } else {
        logger.info(`${label}: every mapped lot is in the feed again`);
      }
    }
    unmappedLots = nextUnmapped;
    missingLots = missing;
    coverageReported = true;
  };

  /** Delivers what is new in a usable body; returns the readings the hub accepted. */
  const deliver = (result: NormalizeResult, text: string): number => {
    const observations = result.observations.filter((observation) => {
      const last = deliveredAt.get(observation.sensorId);
      if (last !== undefined && observation.observedAt <= last) return false;
      deliveredAt.set(observation.sensorId, observation.observedAt);
      return true;
    });
    unchangedReadings = result.observations.length - observations.length;
    const keys = new Set<string>();
    const rejected = result.rejected.filter((rejection) => {
      if (rejection.reason === 'unknown-device') return false;
      const key = rejectionKey(rejection);
      keys.add(key);
      return !previousRejections.has(key);
    });
    repeatedRejections =
      result.rejected.filter((r) => r.reason !== 'unknown-device').length - rejected.length;
    previousRejections = keys;
    const count = deliverNormalized(hub, source.id, { ...result, observations, rejected }, text);
    return count.accepted;
  };

  const poll = async (): Promise<void> => {
    polls += 1;
    lastPollAtMs = now();
    const answer = await boundedFetch(source.url, {
      headers,
      validators,
      signal: stopController.signal,
      ...(source.timeoutMs === undefined ? {} : { timeoutMs: source.timeoutMs }),
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    });
    if (!answer.ok) {
      // Cancelled by stop(): not a failure of the feed.
      if (stopController.signal.aborted) return;
      failed(answer.failure, answer.message, answer.status);
      return;
    }
    if ('notModified' in answer) {
      notModified += 1;
      lastOutcome = 'not-modified';
      lotsDelivered = 0;
      unchangedReadings = 0;
      repeatedRejections = 0;
      succeeded();
      return;
    }
    let result: NormalizeResult;
    try {
      result = normalize(answer.text, lots, now());
    } catch (error) {
      // Normalizers do not throw; should one ever, the body is a dead letter, not a stuck poller.
      const message = error instanceof Error ? error.message : String(error);
      result = {
        observations: [],
        rejected: [{ reason: 'invalid-payload', message: `${source.format}: ${message}` }],
        health: [],
      };
    }
    if (isUnusableBody(result)) {
      // Its validators are dropped, so the next poll reads the body again rather than a 304 that
      // would look like success; its rejection still becomes one dead letter (repeats are skipped).
      validators = {};
      deliver(result, answer.text);
      failed('invalid-body', result.rejected[0]?.message ?? `${source.format}: unusable body`);
      return;
    }
    validators = answer.validators;
    reportCoverage(result);
    lotsDelivered = deliver(result, answer.text);
    lastOutcome = 'delivered';
    succeeded();
  };

  const schedule = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (!running) return;
    timer = setTimeout(() => {
      timer = undefined;
      void pollNow();
    }, nextDelayMs());
    // The poller alone should not keep a process alive that is shutting down.
    timer.unref();
  };

  const pollNow = (): Promise<void> => {
    if (inFlight !== undefined) return inFlight;
    const current = poll()
      .catch((error: unknown) => {
        // boundedFetch and the hub do not throw; this keeps a surprise from stopping the polling.
        failed('network', error instanceof Error ? error.message : String(error));
      })
      .finally(() => {
        inFlight = undefined;
        // Whatever started this poll, the next one is one (back-off) delay after it ended, so polls
        // never overlap and a manual poll does not cause a second one right after it.
        schedule();
      });
    inFlight = current;
    return current;
  };

  return {
    start() {
      if (running) return;
      running = true;
      if (stopController.signal.aborted) stopController = new AbortController();
      logger.info(`${label}: polling ${source.format} every ${intervalMs} ms`, { lots: source.lots.length });
      void pollNow();
    },
    async stop() {
      running = false;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      // A slow feed must not hold up the server's shutdown for its whole timeout.
      stopController.abort();
      await inFlight;
    },
    pollNow,
    status: () => ({
      sourceId: source.id,
      running,
      lastPollAtMs,
      lastOutcome,
      lastFailure,
      lastSuccessAtMs,
      consecutiveFailures,
      nextDelayMs: nextDelayMs(),
      polls,
      failures,
      notModified,
      lotsDelivered,
      unchangedReadings,
      repeatedRejections,
      unmappedLots,
      missingLots,
    }),
  };
}
