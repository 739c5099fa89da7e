/**
 * The viewer's reads of the history over HTTP: one sensor's series and its weekday × hour profile
 * (`/api/v1/history/<city>/sensors/<sensor>/...`), plus the URL of a series as CSV for export. No
 * React here; each answer's shape is checked before use, and a refusal throws with the server's reason.
 */
import type { z } from 'zod';
import type { Series, WeekdayHourProfile } from '../../../protocol/history.ts';
import { SeriesSchema, WeekdayHourProfileSchema } from '../../../protocol/history.ts';
import type { FetchLike } from '../api/cityApi.ts';
import { zodErrorText } from '../../../protocol/zodError.ts';

/** What one series request asks for: `[fromMs, toMs)` in buckets of `stepMs`. */
export interface SeriesQuery {
  readonly fromMs: number;
  readonly toMs: number;
  readonly stepMs: number;
  readonly quantities: readonly string[];
}

/** What one profile request asks for: the weeks before `toMs` (the server's now when absent). */
export interface ProfileQuery {
  readonly quantity: string;
  readonly weeks?: number;
  readonly toMs?: number;
}

/** A history request the server refused (or that failed on the way); `status` is 0 without an answer. */
export class HistoryFetchError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'HistoryFetchError';
  }
}

function sensorBase(cityId: string, sensorId: string): string {
  return `/api/v1/history/${encodeURIComponent(cityId)}/sensors/${encodeURIComponent(sensorId)}`;
}

/** The series endpoint for `query`; `csv` gives the same rows as a download for spreadsheets. */
export function seriesUrl(
  cityId: string,
  sensorId: string,
  query: SeriesQuery,
  format: 'json' | 'csv' = 'json',
): string {
  const params = new URLSearchParams({
    from: String(query.fromMs),
    to: String(query.toMs),
    step: String(query.stepMs),
    quantity: query.quantities.join(','),
  });
  if (format === 'csv') params.set('format', 'csv');
  return `${sensorBase(cityId, sensorId)}/series?${params.toString()}`;
}

/** The profile endpoint for `query`. */
export function profileUrl(cityId: string, sensorId: string, query: ProfileQuery): string {
  const params = new URLSearchParams({ quantity: query.quantity });
  if (query.weeks !== undefined) params.set('weeks', String(query.weeks));
  if (query.toMs !== undefined) params.set('to', String(query.toMs));
  return `${sensorBase(cityId, sensorId)}/profile?${params.toString()}`;
}

/** The `error` text of a JSON refusal, or the status line when the body says nothing readable. */
async function refusalReason(response: Response): Promise<string> {
  try {
    const body: unknown = await response.json();
    if (typeof body === 'object' && body !== null && 'error' in body && typeof body.error === 'string')
      return body.error;
  } catch {
    // Not JSON (a proxy's error page): the status line has to do.
  }
  return `${response.status} ${response.statusText}`.trim();
}

async function getJson(url: string, fetchFn: FetchLike, signal?: AbortSignal): Promise<unknown> {
  const response = await fetchFn(url, { headers: { accept: 'application/json' }, signal: signal ?? null });
  if (!response.ok)
    throw new HistoryFetchError(
      `${await refusalReason(response)} (HTTP ${response.status})`,
      response.status,
    );
  return response.json();
}

function firstIssue(error: z.ZodError): string {
  return zodErrorText(error, { maxIssues: 1 });
}

/** Loads one sensor's series; throws with the server's reason on a refusal or a malformed answer. */
export async function fetchSeries(
  fetchFn: FetchLike,
  cityId: string,
  sensorId: string,
  query: SeriesQuery,
  signal?: AbortSignal,
): Promise<Series> {
  const url = seriesUrl(cityId, sensorId, query);
  const parsed = SeriesSchema.safeParse(await getJson(url, fetchFn, signal));
  if (!parsed.success)
    throw new HistoryFetchError(`the series answer is malformed (${firstIssue(parsed.error)})`, 200);
  return parsed.data;
}

/** Loads one quantity's weekday × hour profile; throws like {@link fetchSeries}. */
export async function fetchProfile(
  fetchFn: FetchLike,
  cityId: string,
  sensorId: string,
  query: ProfileQuery,
  signal?: AbortSignal,
): Promise<WeekdayHourProfile> {
  const url = profileUrl(cityId, sensorId, query);
  const parsed = WeekdayHourProfileSchema.safeParse(await getJson(url, fetchFn, signal));
  if (!parsed.success)
    throw new HistoryFetchError(`the profile answer is malformed (${firstIssue(parsed.error)})`, 200);
  return parsed.data;
}
