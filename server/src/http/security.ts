/**
 * Security headers on every answer, from helmet: a Content-Security-Policy that allows what the
 * viewer loads and nothing else, `X-Content-Type-Options: nosniff`, `frame-ancestors 'self'` (the
 * console cannot be framed by another site), and no referrer to other sites.
 *
 * What the built viewer loads, and so what the policy allows (checked in Chromium by
 * `client/e2e/csp.browser.test.ts`):
 * - scripts and module chunks from its own origin; Cesium's workers from `/cesium/Workers/` and
 *   the sun-hours worker (`worker-src 'self'`, and `blob:` for workers Cesium builds in memory);
 * - WebAssembly (Draco and other decoders compile it in workers): `'wasm-unsafe-eval'`, which allows
 *   compiling WebAssembly but not `eval` of JavaScript;
 * - styles from its own origin plus inline ones (React's `style` attributes, the `<style>` elements
 *   Cesium's widgets add);
 * - images from its own origin, `data:` (icons, Cesium's textures) and `blob:` (decoded imagery);
 * - fetches and WebSockets to its own origin (data, tiles, the Socket.io connection), and `blob:`
 *   and `data:` URLs it makes itself (a proposed building's glTF and its buffers);
 * - further sources named in the config (`security.cspSources`) for basemaps and layers.
 */
import helmet from 'helmet';
import type { RequestHandler } from 'express';

/** The Content-Security-Policy directives, with `extraSources` allowed for data and images. */
export function contentSecurityPolicy(extraSources: readonly string[]): Record<string, string[]> {
  return {
    'default-src': ["'self'"],
    'script-src': ["'self'", "'wasm-unsafe-eval'"],
    'script-src-attr': ["'none'"],
    'worker-src': ["'self'", 'blob:'],
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:', 'blob:', ...extraSources],
    'font-src': ["'self'", 'data:'],
    'connect-src': ["'self'", 'blob:', 'data:', ...extraSources],
    'object-src': ["'none'"],
    'base-uri': ["'self'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'self'"],
  };
}

/** The headers middleware; `cspSources` are the config's extra sources. */
export function securityHeaders(cspSources: readonly string[]): RequestHandler {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives: contentSecurityPolicy(cspSources) },
    // HSTS belongs to whoever terminates TLS (the reverse proxy); sent over plain HTTP it is
    // ignored, and sent by us behind a proxy it would pin every subdomain of the city's domain.
    strictTransportSecurity: false,
    referrerPolicy: { policy: 'no-referrer' },
    xFrameOptions: { action: 'sameorigin' },
  });
}
