/**
 * The viewer's read of the search: `GET /api/v1/search?q=&city=`, its answer parsed with the
 * protocol's schema. A refusal throws a {@link SearchFetchError} with the status, so the box can
 * tell "too many searches" (429) from "search not available". No React here.
 */
import type { SearchAnswer } from '../../../protocol/index.ts';
import { MAX_SEARCH_QUERY_CHARS, SearchAnswerSchema } from '../../../protocol/index.ts';
import { zodErrorText } from '../../../protocol/zodError.ts';
import type { FetchLike } from '../api/cityApi.ts';

/** The search endpoint. */
export const SEARCH_URL = '/api/v1/search';

/** A search the server refused or that failed on the way; `status` is 0 without an answer. */
export class SearchFetchError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'SearchFetchError';
  }
}

/** The query as the server reads it: trimmed, at most `MAX_SEARCH_QUERY_CHARS` characters. */
export function searchQueryOf(text: string): string {
  return text.trim().slice(0, MAX_SEARCH_QUERY_CHARS).trim();
}

/** The URL that searches `query` in `cityId`. */
export function searchUrl(query: string, cityId: string): string {
  return `${SEARCH_URL}?${new URLSearchParams({ q: query, city: cityId }).toString()}`;
}

/** Searches `query` (already trimmed, see {@link searchQueryOf}) in `cityId`. */
export async function fetchSearch(
  query: string,
  cityId: string,
  fetchFn: FetchLike,
  signal?: AbortSignal,
): Promise<SearchAnswer> {
  const url = searchUrl(query, cityId);
  let response: Response;
  try {
    response = await fetchFn(url, { headers: { accept: 'application/json' }, signal: signal ?? null });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new SearchFetchError(`the search could not be reached: ${(error as Error).message}`, 0);
  }
  if (!response.ok) throw new SearchFetchError(`the search answered ${response.status}`, response.status);
  const parsed = SearchAnswerSchema.safeParse(await response.json());
  if (!parsed.success)
    throw new SearchFetchError(
      `the search answered something unreadable (${zodErrorText(parsed.error, { maxIssues: 3 })})`,
      response.status,
    );
  return parsed.data;
}
