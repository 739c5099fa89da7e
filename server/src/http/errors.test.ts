/**
 * Errors over HTTP: `{ "error": "<what was wrong>" }` with the right status, never a stack, a file
 * path or the caller's input. Bad paths against the real app; a route that throws in a bare express
 * app with the same final handler (the real app has no route that throws on purpose).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../logger.ts';
import type { KeyedApp } from '../testing/keyedApp.ts';
import { startKeyedApp } from '../testing/keyedApp.ts';
import { finalErrorHandler } from './errors.ts';

/** What an answer must never contain: a stack frame, this checkout's folder, a module path. */
function expectNothingInternal(text: string): void {
  expect(text).not.toMatch(/\bat .+:\d+:\d+/);
  expect(text).not.toContain(process.cwd());
  expect(text).not.toMatch(/node_modules|\.ts\b|\.js\b/);
}

describe('bad paths against the app', () => {
  let server: KeyedApp;

  beforeAll(async () => {
    server = await startKeyedApp();
  });

  afterAll(async () => {
    await server.close();
  });

  it.each([
    '/api/v1/cities/%E0%A4%A',
    '/api/v1/history/%E0%A4%A/range',
    '/data/boeblingen-demo/%E0%A4%A',
    '/tiles/%E0%A4%A',
  ])('answers bad percent-encoding in %s with 400 naming the problem', async (path) => {
    const response = await fetch(`${server.baseUrl}${path}`);
    const text = await response.text();
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(JSON.parse(text)).toEqual({ error: 'the path is not valid percent-encoding' });
    expect(text).not.toContain('%E0%A4%A');
    expectNothingInternal(text);
  });

  it.each([
    '/data/%E0%A4%A',
    '/%E0%A4%A',
    '/tiles/..%2f..',
    '/tiles/..%2f..%2fpackage.json',
    '/data/boeblingen-demo/..%2f..%2f..%2fpackage.json',
  ])('answers %s outside any served file with a bare 404', async (path) => {
    const response = await fetch(`${server.baseUrl}${path}`);
    const text = await response.text();
    expect(response.status).toBe(404);
    expect(text).toBe('Not found');
  });

  it('does not repeat an unknown city id', async () => {
    const response = await fetch(`${server.baseUrl}/api/v1/cities/%3Cscript%3Ealert(1)%3C%2Fscript%3E`);
    const text = await response.text();
    expect(response.status).toBe(404);
    expect(text).not.toMatch(/script|alert/);
    expect((JSON.parse(text) as { error: string }).error).toMatch(/^no such city pack; this server has /);
  });
});

describe('the final error handler', () => {
  let server: Server;
  let baseUrl: string;
  const logLines: string[] = [];

  beforeAll(async () => {
    const app = express();
    app.get('/throws', () => {
      throw new Error(`cannot open ${process.cwd()}/var/secret.duckdb`);
    });
    app.get('/rejects', async () => {
      await Promise.resolve();
      throw new TypeError('undefined is not a function');
    });
    app.get('/teapot', () => {
      throw Object.assign(new Error('I am a teapot at /srv/citytwin'), { status: 418 });
    });
    app.use(finalErrorHandler(createLogger('debug', (line) => logLines.push(line))));
    server = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it.each(['/throws', '/rejects'])(
    'answers a failure in %s with 500 and a plain error, and logs the stack',
    async (path) => {
      const response = await fetch(`${baseUrl}${path}`);
      const text = await response.text();
      expect(response.status).toBe(500);
      expect(JSON.parse(text)).toEqual({
        error: 'the server could not answer this request; its log says why',
      });
      expectNothingInternal(text);
      const logged = logLines.filter((line) => line.includes('ERROR request failed') && line.includes(path));
      expect(logged).toHaveLength(1);
      expect(logged[0]).toMatch(/errors\.test\.ts/);
    },
  );

  it('keeps the status of a client error but not its message', async () => {
    const response = await fetch(`${baseUrl}/teapot`);
    const text = await response.text();
    expect(response.status).toBe(418);
    expect(JSON.parse(text)).toEqual({ error: 'the request cannot be served' });
    expect(text).not.toContain('/srv/citytwin');
  });
});
