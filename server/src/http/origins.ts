/**
 * Which web pages may talk to the server: its own origin, and the origins of the config's
 * `security.allowedOrigins`. A browser names the page's origin in `Origin`; a request without one
 * comes from a program (a push source, a test's socket.io-client, curl), which CORS and this check
 * are not about: those authenticate with keys.
 *
 * HTTP: allow-listed origins get CORS headers, others none (the browser then hides the answer from
 * the page). WebSocket and Socket.io polling: a handshake from another page's origin that is not
 * allow-listed is refused, so a foreign site cannot open a live connection in a visitor's browser.
 */
import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';

/** Whether an `Origin` header may talk to this server. */
export type OriginCheck = (origin: string | undefined, hostHeader: string | undefined) => boolean;

/** The origin as browsers write it, or undefined for something that is not one (`null`). */
function normalOrigin(value: string): URL | undefined {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Same origin means the page's host and port are the ones the request was sent to (`Host`). The
 * scheme is not compared: behind a proxy that ends TLS, the page is `https:` and the server plain.
 */
function isSameOrigin(origin: URL, hostHeader: string | undefined): boolean {
  if (hostHeader === undefined || hostHeader === '') return false;
  try {
    // Parsed with the page's scheme, so `example.de:443` and `https://example.de` are one host.
    return new URL(`${origin.protocol}//${hostHeader}`).host === origin.host;
  } catch {
    return false;
  }
}

/** The check for an allow-list (empty: same origin only). */
export function originCheck(allowedOrigins: readonly string[]): OriginCheck {
  const allowed = new Set(allowedOrigins);
  return (origin, hostHeader) => {
    if (origin === undefined) return true;
    const url = normalOrigin(origin);
    if (url === undefined) return false;
    return allowed.has(url.origin) || isSameOrigin(url, hostHeader);
  };
}

/** Methods and headers a page of an allowed origin may use. */
const CORS_METHODS = 'GET, HEAD, POST';
const CORS_HEADERS = 'Authorization, X-API-Key, Content-Type';

/**
 * CORS for the allow-listed origins: they get `Access-Control-Allow-Origin` and their preflights
 * are answered; every other origin gets no CORS header at all. No credentials: keys travel in
 * headers, never in cookies.
 */
export function corsForAllowedOrigins(allowedOrigins: readonly string[]): RequestHandler {
  const allowed = new Set(allowedOrigins);
  return (req, res, next) => {
    if (allowed.size > 0) res.vary('Origin');
    const origin = req.get('origin');
    if (origin === undefined || !allowed.has(origin)) {
      next();
      return;
    }
    res.setHeader('Access-Control-Allow-Origin', origin);
    if (req.method === 'OPTIONS' && req.get('access-control-request-method') !== undefined) {
      res.setHeader('Access-Control-Allow-Methods', CORS_METHODS);
      res.setHeader('Access-Control-Allow-Headers', CORS_HEADERS);
      res.setHeader('Access-Control-Max-Age', '600');
      res.status(204).end();
      return;
    }
    next();
  };
}

/**
 * Socket.io's `allowRequest`: refuses a handshake whose `Origin` is neither this server's nor
 * allow-listed.
 */
export function socketOriginGate(
  check: OriginCheck,
): (req: IncomingMessage, callback: (error: string | null | undefined, success: boolean) => void) => void {
  return (req, callback) => {
    const allowed = check(req.headers.origin, req.headers.host);
    callback(allowed ? null : 'origin not allowed', allowed);
  };
}
