/**
 * The API-key check of the routes that systems send readings to (HTTP push, NGSI-LD notifications):
 * one key per source, presented as `Authorization: Bearer <key>` or `X-API-Key: <key>`.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/** The key a request presents: from `Authorization: Bearer <key>`, else from `X-API-Key`. */
export function presentedApiKey(req: Request): string | undefined {
  const header = req.get('authorization');
  const bearer = header?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
  return bearer ?? req.get('x-api-key')?.trim() ?? undefined;
}

/**
 * A check that finds the source whose key a request presents, or answers 401 and returns undefined.
 * Keys are compared as SHA-256 digests with `timingSafeEqual`, so neither the length nor the content
 * of a key leaks through the answer time; every source is compared, a match does not end the loop.
 */
export function createApiKeyAuth<S extends { readonly apiKey: string }>(
  sources: readonly S[],
): (req: Request, res: Response) => S | undefined {
  const keyed = sources.map((source) => ({ source, digest: digest(source.apiKey) }));
  return (req, res) => {
    const key = presentedApiKey(req);
    if (key) {
      const presented = digest(key);
      let match: S | undefined;
      for (const entry of keyed) {
        if (timingSafeEqual(entry.digest, presented) && match === undefined) match = entry.source;
      }
      if (match) return match;
    }
    res.status(401).json({
      error: key ? 'unknown API key' : 'send the source\'s API key as "Authorization: Bearer <key>"',
    });
    return undefined;
  };
}
