/**
 * Errors over HTTP: every refusal is `{ "error": "<what was wrong>" }` with its status, never a
 * stack, a file path or the caller's own input (express's and body-parser's messages repeat the
 * path or the charset they were given, so they are translated here, not passed on). The real error
 * goes to the server log.
 */
import type { ErrorRequestHandler, Request } from 'express';
import type { Logger } from '../logger.ts';

/** What a request gets told about an error it caused, and the status it comes with. */
export interface HttpErrorAnswer {
  readonly status: number;
  readonly error: string;
}

/** The fields express, its router, body-parser and send put on their errors. */
interface ThrownByExpress {
  readonly status?: unknown;
  readonly statusCode?: unknown;
  readonly type?: unknown;
  readonly limit?: unknown;
}

const fieldsOf = (error: unknown): ThrownByExpress =>
  typeof error === 'object' && error !== null ? (error as ThrownByExpress) : {};

function statusOf(error: unknown): number | undefined {
  const { status, statusCode } = fieldsOf(error);
  const value = typeof status === 'number' ? status : statusCode;
  return typeof value === 'number' && value >= 400 && value < 600 ? value : undefined;
}

/**
 * The answer for an error from reading a request or its body. Errors of the request get their own
 * 4xx text; anything else is the server's fault: 500, and the log says more.
 */
export function httpErrorAnswer(error: unknown, maxBodyBytes?: number): HttpErrorAnswer {
  const { type, limit } = fieldsOf(error);
  const bytes = typeof limit === 'number' ? limit : maxBodyBytes;
  switch (type) {
    case 'entity.too.large':
      return {
        status: 413,
        error:
          bytes === undefined
            ? 'the request body is too large'
            : `the request body is larger than ${bytes} bytes`,
      };
    case 'charset.unsupported':
      return { status: 415, error: 'unsupported charset; send the body in UTF-8' };
    case 'encoding.unsupported':
      return {
        status: 415,
        error: 'the Content-Encoding of the request body is not supported; send gzip, deflate or none',
      };
    case 'request.aborted':
      return { status: 400, error: 'the request ended before its body was complete' };
    case 'request.size.invalid':
      return { status: 400, error: 'the request body does not match its Content-Length' };
    case 'entity.parse.failed':
      return { status: 400, error: 'the request body is not valid JSON' };
    default:
      break;
  }
  // The router's "Failed to decode param" and send's bad paths are URIErrors with status 400.
  if (error instanceof URIError) return { status: 400, error: 'the path is not valid percent-encoding' };
  const status = statusOf(error);
  if (status !== undefined && status < 500)
    return { status, error: status === 404 ? 'not found' : 'the request cannot be served' };
  return { status: 500, error: 'the server could not answer this request; its log says why' };
}

/** Where an error came from, for the log: method and path, cut short (it is the caller's text). */
const requestLine = (req: Request): string => `${req.method} ${req.path.slice(0, 200)}`;

/**
 * The last handler of the app: answers any error a route passed on or threw. A 5xx is logged with
 * its stack; a 4xx (the caller's mistake) only at debug, so bad requests cannot flood the log.
 */
export function finalErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    const answer = httpErrorAnswer(error);
    const fields = {
      request: requestLine(req),
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    };
    if (answer.status >= 500) logger.error('request failed', fields);
    else logger.debug('request refused', { ...fields, status: answer.status });
    // Headers gone out: the answer cannot change any more; express closes the connection.
    if (res.headersSent) {
      next(error);
      return;
    }
    res.status(answer.status).json({ error: answer.error });
  };
}
