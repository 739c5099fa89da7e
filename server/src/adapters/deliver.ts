/**
 * The one way an adapter shell hands a normalizer's result to the hub: rejections become dead letters
 * (counted by reason and source), observations are ingested one by one, health facts are merged into
 * the sensor's state. A bad item never stops the good ones beside it.
 */
import type { Hub } from '../hub/hub.ts';
import type { NormalizeResult } from './normalize.ts';

/** What happened to one normalized input. */
export interface DeliveryCount {
  /** Readings the hub took. */
  readonly accepted: number;
  /** Items turned away, by the normalizer or the hub. */
  readonly rejected: number;
}

/**
 * Delivers `result` from `source` into `hub`. `input` is the raw input, kept (cut) beside each
 * rejection so an operator sees what arrived.
 */
export function deliverNormalized(
  hub: Hub,
  source: string,
  result: NormalizeResult,
  input: unknown,
): DeliveryCount {
  let accepted = 0;
  let rejected = 0;
  for (const rejection of result.rejected) {
    hub.rejectInput(rejection, source, input);
    rejected += 1;
  }
  for (const observation of result.observations) {
    if (hub.ingest(observation, source).accepted) accepted += 1;
    else rejected += 1;
  }
  for (const fact of result.health) hub.reportHealth(fact, source);
  return { accepted, rejected };
}
