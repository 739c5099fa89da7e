/**
 * One HTTP GET for a polling adapter, bounded in time and size, that never throws: a slow, huge or
 * failing feed becomes a result the adapter can log and count, not a crash or a stuck poller. The
 * body comes back as text so the source's normalizer parses it and names what was wrong.
 * Conditional requests (ETag / Last-Modified) let a feed that did not change answer 304.
 */

/** What the caller knows from the previous answer, for a conditional request. */
export interface Validators {
  readonly etag?: string | undefined;
  readonly lastModified?: string | undefined;
}

export interface BoundedFetchOptions {
  /** Abort after this long (default 15 s). */
  readonly timeoutMs?: number;
  /** Refuse bodies bigger than this (default 20 MiB); read no further than that. */
  readonly maxBytes?: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly validators?: Validators;
  /** The fetch to use (tests); the global one by default. */
  readonly fetch?: typeof fetch;
  /** Aborts the request (the adapter stopping); reported as a network failure. */
  readonly signal?: AbortSignal;
}

/** Why a fetch produced no body. */
export type FetchFailure = 'network' | 'timeout' | 'http-status' | 'too-large';

export type BoundedFetchResult =
  | { readonly ok: true; readonly status: number; readonly text: string; readonly validators: Validators }
  | { readonly ok: true; readonly status: 304; readonly notModified: true }
  | {
      readonly ok: false;
      readonly failure: FetchFailure;
      readonly message: string;
      readonly status?: number;
    };

const DEFAULT_TIMEOUT_MS = 15_000;
const DEFAULT_MAX_BYTES = 20 * 1024 * 1024;

/** GETs `url` within the options' bounds; resolves, never rejects. */
export async function boundedFetch(
  url: string,
  options: BoundedFetchOptions = {},
): Promise<BoundedFetchResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.validators?.etag) headers['if-none-match'] = options.validators.etag;
  if (options.validators?.lastModified) headers['if-modified-since'] = options.validators.lastModified;
  const doFetch = options.fetch ?? fetch;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  const shown = redactUrl(url);
  let response: Response;
  try {
    // Redirects are not followed: a key in a header must not travel to whatever host a feed points at.
    response = await doFetch(url, { headers, signal, redirect: 'manual' });
  } catch (error) {
    return failed(error, shown, timeoutMs, timeout.aborted);
  }
  if (response.status >= 300 && response.status < 400 && response.status !== 304) {
    await response.body?.cancel().catch(() => undefined);
    let target = '';
    try {
      const location = response.headers.get('location');
      if (location) target = ` to ${redactUrl(new URL(location, url).href)}`;
    } catch {
      // An unreadable Location is left out of the message.
    }
    return {
      ok: false,
      failure: 'http-status',
      status: response.status,
      message: `GET ${shown} redirects (${response.status})${target}; configure the URL it points to`,
    };
  }
  if (response.status === 304) {
    await response.body?.cancel().catch(() => undefined);
    return { ok: true, status: 304, notModified: true };
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    return {
      ok: false,
      failure: 'http-status',
      status: response.status,
      message: `GET ${shown} answered ${response.status} ${response.statusText}`.trim(),
    };
  }
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    return tooLarge(shown, maxBytes, response.status);
  }
  try {
    const chunks: Uint8Array[] = [];
    let size = 0;
    if (response.body) {
      const reader = response.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        if (size > maxBytes) {
          await reader.cancel().catch(() => undefined);
          return tooLarge(shown, maxBytes, response.status);
        }
        chunks.push(value);
      }
    }
    const text = Buffer.concat(chunks).toString('utf8');
    return {
      ok: true,
      status: response.status,
      text,
      validators: {
        etag: response.headers.get('etag') ?? undefined,
        lastModified: response.headers.get('last-modified') ?? undefined,
      },
    };
  } catch (error) {
    return failed(error, shown, timeoutMs, timeout.aborted);
  }
}

/**
 * A URL as messages may show it: no user or password, and no query (feeds put API keys there).
 * Messages go to logs, dead letters and the operator API.
 */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}${parsed.search ? '?…' : ''}`;
  } catch {
    return '(an unreadable URL)';
  }
}

function tooLarge(url: string, maxBytes: number, status: number): BoundedFetchResult {
  return {
    ok: false,
    failure: 'too-large',
    status,
    message: `GET ${url}: the answer is larger than ${maxBytes} bytes`,
  };
}

function failed(error: unknown, url: string, timeoutMs: number, timedOut: boolean): BoundedFetchResult {
  if (timedOut)
    return { ok: false, failure: 'timeout', message: `GET ${url}: no answer within ${timeoutMs} ms` };
  const name = error instanceof Error ? error.name : '';
  if (name === 'AbortError') return { ok: false, failure: 'network', message: `GET ${url} was cancelled` };
  if (name === 'TimeoutError')
    return { ok: false, failure: 'timeout', message: `GET ${url}: no answer within ${timeoutMs} ms` };
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  const message = error instanceof Error ? error.message : String(error);
  return { ok: false, failure: 'network', message: `GET ${url} failed (${message}${cause})` };
}

/**
 * How long a poller waits after `failures` failed polls in a row: the poll interval at first, then
 * doubling up to `maxMs`, so a feed that is down is not hammered and one that is back is soon read.
 */
export function retryDelayMs(failures: number, intervalMs: number, maxMs: number): number {
  if (failures <= 0) return intervalMs;
  return Math.min(maxMs, Math.max(intervalMs, intervalMs * 2 ** Math.min(failures, 20)));
}
