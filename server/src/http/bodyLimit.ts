/**
 * A route's body limit, applied before reading: a request that declares a longer body
 * (`Content-Length`) is refused at once. body-parser enforces the same limit while it reads, but
 * answers only after the whole body has come in (it reads off the rest first); a body without a
 * declared length is still bounded there.
 */
import type { Request, RequestHandler } from 'express';

/** An error shaped like body-parser's `entity.too.large`, so the same code answers both. */
export interface BodyTooLarge extends Error {
  readonly status: 413;
  readonly type: 'entity.too.large';
  readonly limit: number;
}

/** The error for a request whose declared body is over `maxBodyBytes`; undefined when it is not. */
export function declaredTooLarge(req: Request, maxBodyBytes: number): BodyTooLarge | undefined {
  const declared = Number(req.get('content-length'));
  if (!Number.isFinite(declared) || declared <= maxBodyBytes) return undefined;
  return Object.assign(new Error('request entity too large'), {
    status: 413 as const,
    type: 'entity.too.large' as const,
    limit: maxBodyBytes,
  });
}

/** Middleware: passes {@link declaredTooLarge}'s error on to the route's error handling. */
export function declaredBodyLimit(maxBodyBytes: number): RequestHandler {
  return (req, _res, next) => {
    next(declaredTooLarge(req, maxBodyBytes));
  };
}
