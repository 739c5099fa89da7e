import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boundedFetch, redactUrl, retryDelayMs } from './boundedFetch.ts';

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/feed') {
      if (req.headers['if-none-match'] === '"v1"') {
        res.writeHead(304).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', etag: '"v1"' }).end('{"lots":[]}');
    } else if (req.url === '/big') {
      // No content-length: the size limit must hold while streaming.
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('x'.repeat(40_000));
      res.end('x'.repeat(40_000));
    } else if (req.url === '/slow') {
      setTimeout(() => res.writeHead(200).end('{}'), 2_000);
    } else {
      res.writeHead(503, 'Service Unavailable').end('down');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('boundedFetch', () => {
  it('returns the body and its validators, then 304 when asked conditionally', async () => {
    const first = await boundedFetch(`${base}/feed`);
    expect(first).toMatchObject({ ok: true, status: 200, text: '{"lots":[]}', validators: { etag: '"v1"' } });
    const second = await boundedFetch(`${base}/feed`, { validators: { etag: '"v1"' } });
    expect(second).toEqual({ ok: true, status: 304, notModified: true });
  });

  it('names an HTTP error status without throwing', async () => {
    const result = await boundedFetch(`${base}/gone`);
    expect(result).toMatchObject({ ok: false, failure: 'http-status', status: 503 });
    if (!result.ok) expect(result.message).toContain('503');
  });

  it('stops reading a body past the size limit', async () => {
    const result = await boundedFetch(`${base}/big`, { maxBytes: 50_000 });
    expect(result).toMatchObject({ ok: false, failure: 'too-large' });
  });

  it('gives up on a server that does not answer in time', async () => {
    const result = await boundedFetch(`${base}/slow`, { timeoutMs: 200 });
    expect(result).toMatchObject({ ok: false, failure: 'timeout' });
  });

  it('reports a refused connection as a network failure', async () => {
    const result = await boundedFetch('http://127.0.0.1:1/nothing', { timeoutMs: 2_000 });
    expect(result).toMatchObject({ ok: false, failure: 'network' });
  });
});

describe('retryDelayMs', () => {
  it('waits the interval while all is well, then doubles up to the cap', () => {
    expect(retryDelayMs(0, 60_000, 600_000)).toBe(60_000);
    expect(retryDelayMs(1, 60_000, 600_000)).toBe(120_000);
    expect(retryDelayMs(2, 60_000, 600_000)).toBe(240_000);
    expect(retryDelayMs(10, 60_000, 600_000)).toBe(600_000);
  });
});

describe('boundedFetch and secrets', () => {
  it('does not follow a redirect, and names it without the query', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(302, { location: 'https://elsewhere.example/feed?apikey=geheim' }).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/feed?apikey=geheim`;
    try {
      const result = await boundedFetch(url, { headers: { 'x-api-key': 'geheim' } });
      expect(result).toMatchObject({ ok: false, failure: 'http-status', status: 302 });
      if (!result.ok) {
        expect(result.message).toContain('redirects (302) to https://elsewhere.example/feed?…');
        expect(result.message).not.toContain('geheim');
      }
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('ends at once when its signal aborts', async () => {
    const controller = new AbortController();
    const pending = boundedFetch(`${base}/slow`, { timeoutMs: 10_000, signal: controller.signal });
    controller.abort();
    expect(await pending).toMatchObject({ ok: false, failure: 'network' });
  });

  it('shows URLs without user, password or query', () => {
    expect(redactUrl('https://user:pw@feed.example/lots?key=abc')).toBe('https://feed.example/lots?…');
  });
});
