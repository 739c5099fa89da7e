/**
 * Security headers, the origin allow-list (CORS and WebSocket) and who may read `/metrics`, over
 * real HTTP and real socket.io-client connections against the real app on port 0.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io as connect } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../../protocol/index.ts';
import type { SecurityConfig } from '../config.ts';
import type { KeyedApp } from '../testing/keyedApp.ts';
import { OPERATOR_API_KEY, STAFF_KEYS, startKeyedApp } from '../testing/keyedApp.ts';

const PORTAL = 'https://portal.example.de';
const EVIL = 'https://evil.example';
const BASEMAP = 'https://tiles.example.de';

let clientDir: string;
const started: KeyedApp[] = [];

beforeAll(() => {
  clientDir = mkdtempSync(join(tmpdir(), 'citytwin-client-'));
  mkdirSync(join(clientDir, 'assets'));
  writeFileSync(join(clientDir, 'index.html'), '<!doctype html><title>citytwin</title>');
  writeFileSync(join(clientDir, 'assets', 'index-abc123.js'), 'console.log(1)');
});

afterAll(() => {
  rmSync(clientDir, { recursive: true, force: true });
});

afterEach(async () => {
  for (const server of started.splice(0)) await server.close();
});

async function start(security: Partial<SecurityConfig> = {}): Promise<KeyedApp> {
  const server = await startKeyedApp(security, { extra: { clientDir } });
  started.push(server);
  return server;
}

/** The directives of a Content-Security-Policy header, by name. */
function directives(header: string | null): Map<string, string[]> {
  return new Map(
    (header ?? '')
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter((words) => words[0] !== undefined && words[0] !== '')
      .map(([name, ...values]) => [name as string, values]),
  );
}

describe('security headers', () => {
  it('come with the page, the API, static data, tiles, the bundle and a 404', async () => {
    const server = await start({ cspSources: [BASEMAP] });
    for (const path of [
      '/',
      '/assets/index-abc123.js',
      '/api/v1/city',
      '/data/boeblingen-demo/roads.geojson',
      '/tiles/boeblingen-demo/tileset.json',
      '/api/v1/nothing',
      '/nothing-here',
    ]) {
      const response = await fetch(`${server.baseUrl}${path}`);
      await response.body?.cancel();
      const headers = response.headers;
      expect({ path, nosniff: headers.get('x-content-type-options') }).toEqual({ path, nosniff: 'nosniff' });
      expect({ path, referrer: headers.get('referrer-policy') }).toEqual({ path, referrer: 'no-referrer' });
      expect({ path, frame: headers.get('x-frame-options') }).toEqual({ path, frame: 'SAMEORIGIN' });
      const csp = directives(headers.get('content-security-policy'));
      expect({ path, frameAncestors: csp.get('frame-ancestors') }).toEqual({
        path,
        frameAncestors: ["'self'"],
      });
      expect({ path, hsts: headers.get('strict-transport-security') }).toEqual({ path, hsts: null });
    }
  });

  it('allow only what the viewer loads, and the configured extra sources for data and images', async () => {
    const server = await start({ cspSources: [BASEMAP] });
    const response = await fetch(`${server.baseUrl}/`);
    await response.body?.cancel();
    const csp = directives(response.headers.get('content-security-policy'));
    expect(csp.get('default-src')).toEqual(["'self'"]);
    // WebAssembly may compile; JavaScript may not be eval'd.
    expect(csp.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    expect(csp.get('worker-src')).toEqual(["'self'", 'blob:']);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('connect-src')).toEqual(["'self'", 'blob:', 'data:', BASEMAP]);
    expect(csp.get('img-src')).toEqual(["'self'", 'data:', 'blob:', BASEMAP]);
  });
});

describe('CORS', () => {
  it('answers allow-listed origins with CORS headers and others with none', async () => {
    const server = await start({ allowedOrigins: [PORTAL] });
    const fromPortal = await fetch(`${server.baseUrl}/api/v1/city`, { headers: { origin: PORTAL } });
    await fromPortal.body?.cancel();
    expect(fromPortal.headers.get('access-control-allow-origin')).toBe(PORTAL);
    expect(fromPortal.headers.get('vary')).toMatch(/Origin/);

    const fromEvil = await fetch(`${server.baseUrl}/api/v1/city`, { headers: { origin: EVIL } });
    await fromEvil.body?.cancel();
    expect(fromEvil.headers.get('access-control-allow-origin')).toBeNull();

    const preflight = await fetch(`${server.baseUrl}/api/v1/history/boeblingen-demo/range`, {
      method: 'OPTIONS',
      headers: {
        origin: PORTAL,
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(PORTAL);
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Authorization/);

    const evilPreflight = await fetch(`${server.baseUrl}/api/v1/history/boeblingen-demo/range`, {
      method: 'OPTIONS',
      headers: { origin: EVIL, 'access-control-request-method': 'GET' },
    });
    await evilPreflight.body?.cancel();
    expect(evilPreflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('sends no CORS header by default (same origin only)', async () => {
    const server = await start();
    const response = await fetch(`${server.baseUrl}/api/v1/city`, { headers: { origin: PORTAL } });
    await response.body?.cancel();
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });
});

/** Whether a Socket.io connection sent with `origin` (none: no header) is accepted. */
function socketAccepted(
  baseUrl: string,
  origin: string | undefined,
  transport: 'websocket' | 'polling',
): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(baseUrl, {
      auth: { protocolVersion: PROTOCOL_VERSION },
      transports: [transport],
      reconnection: false,
      forceNew: true,
      ...(origin === undefined ? {} : { extraHeaders: { origin } }),
    });
    socket.once('connect', () => {
      socket.disconnect();
      resolve(true);
    });
    socket.once('connect_error', () => {
      socket.disconnect();
      resolve(false);
    });
  });
}

describe('WebSocket origins', () => {
  it.each(['websocket', 'polling'] as const)(
    'over %s: refuses a foreign origin, takes the same origin, an allow-listed one and none',
    async (transport) => {
      const server = await start({ allowedOrigins: [PORTAL] });
      expect(await socketAccepted(server.baseUrl, EVIL, transport)).toBe(false);
      expect(await socketAccepted(server.baseUrl, 'null', transport)).toBe(false);
      expect(await socketAccepted(server.baseUrl, server.baseUrl, transport)).toBe(true);
      expect(await socketAccepted(server.baseUrl, `http://localhost:${server.port}`, transport)).toBe(false);
      expect(await socketAccepted(server.baseUrl, PORTAL, transport)).toBe(true);
      expect(await socketAccepted(server.baseUrl, undefined, transport)).toBe(true);
    },
  );
});

/** The status of `GET /metrics`, sent as if forwarded for `forwardedFor`, with `key`. */
async function metricsStatus(server: KeyedApp, forwardedFor?: string, key?: string): Promise<number> {
  const response = await fetch(`${server.baseUrl}/metrics`, {
    headers: {
      ...(forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor }),
      ...(key === undefined ? {} : { authorization: `Bearer ${key}` }),
    },
  });
  await response.body?.cancel();
  return response.status;
}

describe('/metrics', () => {
  it('is open to loopback by default, and a forwarded address is ignored without trustProxy', async () => {
    const server = await start();
    expect(await metricsStatus(server)).toBe(200);
    expect(await metricsStatus(server, '203.0.113.7')).toBe(200);
  });

  it('behind a trusted proxy, needs a key for a forwarded outside address', async () => {
    const server = await start({ trustProxy: 'loopback' });
    expect(await metricsStatus(server, '203.0.113.7')).toBe(401);
    expect(await metricsStatus(server, '203.0.113.8', STAFF_KEYS.planner)).toBe(403);
    expect(await metricsStatus(server, '203.0.113.9', STAFF_KEYS.operator)).toBe(200);
    expect(await metricsStatus(server, '203.0.113.10', OPERATOR_API_KEY)).toBe(200);
    expect(await metricsStatus(server, '127.0.0.1')).toBe(200);
  });

  it('asks everyone for a key in "key" mode, and no one in "public" mode', async () => {
    const keyed = await start({ metrics: 'key' });
    expect(await metricsStatus(keyed)).toBe(401);
    expect(await metricsStatus(keyed, undefined, STAFF_KEYS.admin)).toBe(200);
    const open = await start({ metrics: 'public', trustProxy: 'loopback' });
    expect(await metricsStatus(open, '203.0.113.7')).toBe(200);
  });
});
