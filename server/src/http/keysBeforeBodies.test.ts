/**
 * Keys before bodies, over real HTTP against the real app: a request without a key is refused
 * while its body is still on the way (nothing waits for, or keeps, what it sends); each body route
 * refuses a body over its own limit from the declared length; wrong keys are throttled per address
 * and logged without the key.
 */
import { request } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KeyedApp } from '../testing/keyedApp.ts';
import { NGSI_LD_KEY, PUSH_KEY, STAFF_KEYS, startKeyedApp } from '../testing/keyedApp.ts';
import { ROUTE_ACCESS } from './routeAccess.ts';

let server: KeyedApp;

beforeEach(async () => {
  server = await startKeyedApp();
});

afterEach(async () => {
  await server.close();
});

interface EarlyAnswer {
  readonly status: number | undefined;
  readonly body: string;
  readonly headers: Record<string, string | string[] | undefined>;
  /** Whether the client had sent the whole body when the answer was complete. */
  readonly bodySent: boolean;
}

/**
 * Declares a body of `declaredBytes`, sends only its first 64 KiB, and resolves with the answer.
 * A server that reads the body before answering never answers (the rest never comes), so the test
 * fails by its timeout; the request is torn down once answered.
 */
function postWithoutFinishing(
  path: string,
  headers: Record<string, string>,
  declaredBytes: number,
): Promise<EarlyAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(`${server.baseUrl}${path}`, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(declaredBytes) },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        resolve({
          status: res.statusCode,
          body: Buffer.concat(chunks).toString('utf8'),
          headers: res.headers,
          bodySent: req.writableEnded,
        });
        req.destroy();
      });
    });
    req.write(Buffer.alloc(64 * 1024, 0x20));
  });
}

const FIVE_MIB = 5 * 1024 * 1024;
const scenarioImportPath = '/api/v1/cities/boeblingen-demo/scenario-imports?name=model.city.json';

describe('keys before bodies', () => {
  it.each([
    ['push', ROUTE_ACCESS.pushObservations.path, 'application/x-ndjson'],
    ['NGSI-LD', ROUTE_ACCESS.ngsiLdNotify.path, 'application/ld+json'],
    ['scenario import', scenarioImportPath, 'application/octet-stream'],
  ])('answers an unauthenticated %s body with 401 before it has arrived', async (_name, path, type) => {
    const answer = await postWithoutFinishing(path, { 'content-type': type }, FIVE_MIB);
    expect(answer.status).toBe(401);
    expect(answer.bodySent).toBe(false);
    expect(JSON.parse(answer.body)).toHaveProperty('error');
  });

  it('answers a wrong key with 401 before the body has arrived, without naming the key', async () => {
    const wrongKey = 'not-a-key-of-anyone-0123456789';
    const answer = await postWithoutFinishing(
      ROUTE_ACCESS.pushObservations.path,
      { 'content-type': 'application/json', authorization: `Bearer ${wrongKey}` },
      FIVE_MIB,
    );
    expect(answer.status).toBe(401);
    expect(answer.bodySent).toBe(false);
    expect(answer.body).not.toContain(wrongKey);
  });

  it.each([
    ['push', ROUTE_ACCESS.pushObservations, ROUTE_ACCESS.pushObservations.path, PUSH_KEY, 'application/json'],
    ['NGSI-LD', ROUTE_ACCESS.ngsiLdNotify, ROUTE_ACCESS.ngsiLdNotify.path, NGSI_LD_KEY, 'application/json'],
    [
      'scenario import',
      ROUTE_ACCESS.scenarioImport,
      scenarioImportPath,
      STAFF_KEYS.planner,
      'application/octet-stream',
    ],
  ])(
    'refuses a %s body over its own limit with 413 from the declared length, unread',
    async (_name, route, path, key, type) => {
      const answer = await postWithoutFinishing(
        path,
        { 'content-type': type, authorization: `Bearer ${key}` },
        route.maxBodyBytes + 1,
      );
      expect(answer.status).toBe(413);
      expect(answer.bodySent).toBe(false);
      expect((JSON.parse(answer.body) as { error: string }).error).toMatch(/larger than|MiB/);
    },
  );
});

describe('wrong keys', () => {
  it('are throttled per address with 429 and Retry-After, and logged without the key', async () => {
    const wrongKey = 'guessed-key-0123456789-abcdefgh';
    const statuses: number[] = [];
    let throttled: Response | undefined;
    // The throttle allows a burst of 10 wrong keys; the 40 tries here take far less than the
    // minutes a refill of 30 would need.
    for (let i = 0; i < 40 && throttled === undefined; i += 1) {
      const response = await fetch(`${server.baseUrl}${ROUTE_ACCESS.pushObservations.path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': wrongKey },
        body: '{}',
      });
      statuses.push(response.status);
      if (response.status === 429) throttled = response;
      else await response.body?.cancel();
    }
    if (throttled === undefined) throw new Error(`never throttled: ${statuses.join(', ')}`);
    expect(statuses.slice(0, 10).every((status) => status === 401)).toBe(true);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    const answer = (await throttled.json()) as { error: string };
    expect(answer.error).toMatch(/too many wrong keys/);

    // A staff route shares the throttle: the same address is refused there too.
    const history = await fetch(`${server.baseUrl}/api/v1/history/boeblingen-demo/range`, {
      headers: { authorization: `Bearer ${wrongKey}` },
    });
    expect(history.status).toBe(429);
    await history.body?.cancel();

    const wrongKeyLines = server.logLines.filter((line) => line.includes('wrong key'));
    expect(wrongKeyLines.length).toBeGreaterThanOrEqual(10);
    expect(wrongKeyLines[0]).toContain('127.0.0.1');
    expect(wrongKeyLines[0]).toContain(ROUTE_ACCESS.pushObservations.path);
    expect(server.logLines.some((line) => line.includes(wrongKey))).toBe(false);
  });
});
